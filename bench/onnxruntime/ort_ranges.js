// Runs an ONNX model with onnxruntime-node on every sample of a calibration
// directory and writes the smallest and largest value each output took over
// all of them, as JSON {"output name": [min, max], ...} (NaN ignored; an
// output without a finite value gets [0, 0]). To observe intermediate tensors,
// add them to the model's graph outputs first (bench/make_qdq_model.py does).
//
// The directory holds one subdirectory per sample, each with one float32
// .npy file per model input, named after the input (DIR/sample_0000/x.npy),
// the format quant-compile --calib reads.
//
//   node ort_ranges.js model.onnx CALIB_DIR ranges.json [threads]
const ort = require('onnxruntime-node');
const fs = require('fs');
const path = require('path');

// A float32 C-order .npy file as {data: Float32Array, dims: [...]}.
function readNpy(file) {
  const bytes = fs.readFileSync(file);
  if (bytes.toString('latin1', 0, 6) !== '\x93NUMPY') {
    throw new Error(`${file}: not a .npy file`);
  }
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order':\s*(True|False)/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || descr[1] !== '<f4' || !fortran || fortran[1] !== 'False' || !shape) {
    throw new Error(`${file}: want little-endian float32 in C order, got ${header.trim()}`);
  }
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const start = headerStart + headerLength;
  // Copy: the data of a Buffer need not be 4-byte aligned.
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start,
                                                   bytes.byteOffset + bytes.length));
  if (data.length !== dims.reduce((a, b) => a * b, 1)) {
    throw new Error(`${file}: ${data.length} values for shape (${dims})`);
  }
  return {data, dims};
}

async function main() {
  const [model, calibDir, output, threadsArg] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threadsArg || 1),
    interOpNumThreads: 1,
  });
  const samples = fs.readdirSync(calibDir, {withFileTypes: true})
                      .filter((entry) => entry.isDirectory())
                      .map((entry) => entry.name).sort();
  if (samples.length === 0) throw new Error(`${calibDir}: no sample directories`);
  const ranges = {};
  for (const name of session.outputNames) ranges[name] = [Infinity, -Infinity];
  for (const sample of samples) {
    const feeds = {};
    for (const name of session.inputNames) {
      const {data, dims} = readNpy(path.join(calibDir, sample, `${name}.npy`));
      feeds[name] = new ort.Tensor('float32', data, dims);
    }
    const results = await session.run(feeds);
    for (const name of session.outputNames) {
      if (results[name].type !== 'float32') {
        throw new Error(`output ${name} is ${results[name].type}, not float32`);
      }
      const data = results[name].data;
      const range = ranges[name];
      let min = range[0];
      let max = range[1];
      for (let i = 0; i < data.length; ++i) {
        const value = data[i];
        if (value < min) min = value;
        if (value > max) max = value;
      }
      range[0] = min;
      range[1] = max;
    }
  }
  for (const name of session.outputNames) {
    if (!(ranges[name][0] <= ranges[name][1])) ranges[name] = [0, 0];
  }
  fs.writeFileSync(output, JSON.stringify(ranges, null, 1) + '\n');
  console.log(`ranges of ${session.outputNames.length} outputs over ${samples.length} samples`);
}

main().catch((error) => { console.error(error.message); process.exit(1); });
