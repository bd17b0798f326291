// Runs an ONNX model with onnxruntime-node on raw float32 inputs, writes the
// first output's raw bytes, and with a run count prints the median latency.
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
  const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', data, dims)};
  let results = await session.run(feeds);
  const runs = Number(runsArg || 0);
  const times = [];
  for (let i = 0; i < runs; ++i) {
    const start = process.hrtime.bigint();
    results = await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const out = results[session.outputNames[0]];
  fs.writeFileSync(output, Buffer.from(out.data.buffer, out.data.byteOffset,
                                       out.data.byteLength));
  if (runs > 0) {
    times.sort((a, b) => a - b);
    console.log(`median_ms ${times[Math.floor(times.length / 2)]}`);
  }
}

main().catch((error) => { console.error(error.message); process.exit(1); });
