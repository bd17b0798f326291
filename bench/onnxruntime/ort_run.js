// Runs an ONNX model with onnxruntime-node on raw float32 inputs, writes the
// first output's raw bytes, and with a run count prints the median latency.
// input.bin may hold several inputs of the given shape back to back: each is
// run, and their outputs are written back to back.
//
//   node ort_run.js model.onnx input.bin 1x3x48x320 output.bin [runs] [threads]
const ort = require('onnxruntime-node');
const fs = require('fs');

async function main() {
  const [model, input, shape, output, runsArg, threadsArg] = process.argv.slice(2);
  const dims = shape.split('x').map(Number);
  const bytes = fs.readFileSync(input);
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threadsArg || 1),
    interOpNumThreads: 1,
  });
  const size = dims.reduce((a, b) => a * b, 1);
  const outputs = [];
  let feeds;
  for (let offset = 0; offset < data.length; offset += size) {
    feeds = {[session.inputNames[0]]:
                 new ort.Tensor('float32', data.subarray(offset, offset + size), dims)};
    const results = await session.run(feeds);
    const out = results[session.outputNames[0]].data;
    outputs.push(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
  }
  const runs = Number(runsArg || 0);
  const times = [];
  for (let i = 0; i < runs; ++i) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  fs.writeFileSync(output, Buffer.concat(outputs));
  if (runs > 0) {
    times.sort((a, b) => a - b);
    console.log(`median_ms ${times[Math.floor(times.length / 2)]}`);
  }
}

main().catch((error) => { console.error(error.message); process.exit(1); });
