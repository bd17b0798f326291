#!/usr/bin/python3
"""Builds QC's GPU test suite: models and kernels compiled for the CPU and
for an NVIDIA GPU, their inputs and the CPU's outputs.

    /usr/bin/python3 test/gpu/prepare.py OUT [--chip sm_90a] [--models]

QC (LLVM/MLIR, CUDA's ptxas) is on this machine, the GPU on another; carry
OUT there and run test/gpu/run.py OUT, which runs each GPU library on the
inputs and requires the CPU's outputs bit for bit. The suite:

* kernels: int8 matmuls and convolutions with shapes that are not whole
  tiles (random int8 inputs), compiled from MLIR, matmuls with packed
  2-, 3- and 4-bit weights, and long row reductions (integer sums, a
  float softmax);
* with --models, the int8 (w8a8) Fashion-MNIST CNN, character-level
  transformer and PP-OCRv4 rec, with the statistics and inputs of
  bench/bitwidth_accuracy.py (needs what it needs); rec again at batch 32
  (calibrated on the same lines, 32 to a sample); and PP-OCR cls on the lines of the accuracy
  benchmark at its width, calibrated like bench/ocr_accuracy.py's.

OUT/manifest.json lists each case: its GPU library, inputs and CPU outputs
(.npy).
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "bench"))
import qc  # noqa: E402

RNG = np.random.default_rng(11)

MATMUL = """
func.func @main(%x: tensor<{m}x{k}xi8>, %w: tensor<{k}x{n}xi8>) -> tensor<{m}x{n}xi32> {{
  %zero = arith.constant dense<0> : tensor<{m}x{n}xi32>
  %y = linalg.matmul ins(%x, %w : tensor<{m}x{k}xi8>, tensor<{k}x{n}xi8>)
                     outs(%zero : tensor<{m}x{n}xi32>) -> tensor<{m}x{n}xi32>
  return %y : tensor<{m}x{n}xi32>
}}
"""

CONV = """
func.func @main(%x: tensor<{n}x{h}x{w}x{c}xi8>, %f: tensor<{f}x{k}x{k}x{c}xi8>) -> tensor<{n}x{oh}x{ow}x{f}xi32> {{
  %zero = arith.constant dense<0> : tensor<{n}x{oh}x{ow}x{f}xi32>
  %y = linalg.conv_2d_nhwc_fhwc {{dilations = dense<{d}> : tensor<2xi64>, strides = dense<{s}> : tensor<2xi64>}}
       ins(%x, %f : tensor<{n}x{h}x{w}x{c}xi8>, tensor<{f}x{k}x{k}x{c}xi8>)
       outs(%zero : tensor<{n}x{oh}x{ow}x{f}xi32>) -> tensor<{n}x{oh}x{ow}x{f}xi32>
  return %y : tensor<{n}x{oh}x{ow}x{f}xi32>
}}
"""

# Rows reduced by a block of threads each: an integer sum (exact in any
# order) and a float softmax (its sum added in another order than the
# CPU's, so within the float tolerance).
ROW_SUM = """
func.func @main(%x: tensor<{rows}x{length}xi32>) -> tensor<{rows}x1xi32> {{
  %y = tosa.reduce_sum %x {{axis = 1 : i32}} : (tensor<{rows}x{length}xi32>) -> tensor<{rows}x1xi32>
  return %y : tensor<{rows}x1xi32>
}}
"""

SOFTMAX = """
func.func @main(%x: tensor<{rows}x{length}xf32>) -> tensor<{rows}x{length}xf32> {{
  %max = tosa.reduce_max %x {{axis = 1 : i32}} : (tensor<{rows}x{length}xf32>) -> tensor<{rows}x1xf32>
  %shifted = tosa.sub %x, %max : (tensor<{rows}x{length}xf32>, tensor<{rows}x1xf32>) -> tensor<{rows}x{length}xf32>
  %e = tosa.exp %shifted : (tensor<{rows}x{length}xf32>) -> tensor<{rows}x{length}xf32>
  %sum = tosa.reduce_sum %e {{axis = 1 : i32}} : (tensor<{rows}x{length}xf32>) -> tensor<{rows}x1xf32>
  %inverse = tosa.reciprocal %sum : (tensor<{rows}x1xf32>) -> tensor<{rows}x1xf32>
  %shift = "tosa.const"() <{{values = dense<0> : tensor<1xi8>}}> : () -> tensor<1xi8>
  %y = tosa.mul %e, %inverse, %shift : (tensor<{rows}x{length}xf32>, tensor<{rows}x1xf32>, tensor<1xi8>) -> tensor<{rows}x{length}xf32>
  return %y : tensor<{rows}x{length}xf32>
}}
"""
# (rows, length): rec's 40 x 6625 and a length that is not whole rounds
# of a block.
ROW_SHAPES = [(40, 6625), (3, 1100)]

PACKED_MATMUL = """
func.func @main(%x: tensor<{m}x{k}xi8>) -> tensor<{m}x{n}xi32> {{
  %w = arith.constant dense<"0x{weights}"> : tensor<{n}x{packed_k}xi8>
  %y = qc.packed_matmul %x, %w bits({bits}) input_zp({zp}) : tensor<{m}x{k}xi8>, tensor<{n}x{packed_k}xi8> -> tensor<{m}x{n}xi32>
  return %y : tensor<{m}x{n}xi32>
}}
"""

# The last two split K among blocks (few tiles, long K).
MATMUL_SHAPES = [(1, 64, 96), (37, 53, 96), (128, 128, 256), (129, 300, 64),
                 (3, 200, 2048), (130, 72, 4160)]
# (M, N, K, bits, input zero point) of matmuls with packed constant weights
# (random bytes: every bit pattern is a weight): one row keeps partial
# sums; more rows unpack inside the tensor-core kernel (edges in N, K not
# whole stages, split K).
PACKED_SHAPES = [(1, 300, 512, 4, 0), (16, 200, 4160, 4, -3),
                 (5, 136, 96, 3, 7), (33, 130, 256, 2, 0)]
# (batch, height, width, channels, filters, kernel size, stride, dilation):
# implicit GEMMs copying 8 and 16 bytes (C a multiple of 8, 16) with
# strides, dilations and two images; 1 x 1 convolutions as rec has them
# (one copying 4 bytes: C = 60); C = 3, which the tensor-core kernel
# leaves to the generic one.
CONV_SHAPES = [(1, 9, 13, 8, 24, 3, 1, 1), (1, 16, 40, 16, 32, 3, 2, 1),
               (2, 11, 14, 32, 40, 3, 1, 2), (1, 12, 80, 240, 240, 1, 1, 1),
               (1, 1, 40, 60, 120, 1, 1, 1), (1, 25, 41, 3, 16, 3, 2, 1)]


def kernel_cases():
    """(name, MLIR, inputs) of each kernel case."""
    for m, n, k in MATMUL_SHAPES:
        yield (f"matmul-{m}x{n}x{k}", MATMUL.format(m=m, n=n, k=k),
               [RNG.integers(-128, 128, (m, k), dtype=np.int8),
                RNG.integers(-128, 128, (k, n), dtype=np.int8)])
    for m, n, k, bits, zp in PACKED_SHAPES:
        weights = RNG.integers(0, 256, (n, k * bits // 8), dtype=np.uint8)
        yield (f"packed-w{bits}-matmul-{m}x{n}x{k}",
               PACKED_MATMUL.format(m=m, n=n, k=k, bits=bits, zp=zp,
                                    packed_k=k * bits // 8,
                                    weights=weights.tobytes().hex().upper()),
               [RNG.integers(-128, 128, (m, k), dtype=np.int8)])
    for n, h, w, c, f, k, s, d in CONV_SHAPES:
        span = d * (k - 1) + 1
        oh, ow = (h - span) // s + 1, (w - span) // s + 1
        yield (f"conv-{n}x{h}x{w}x{c}-{f}x{k}x{k}-s{s}-d{d}",
               CONV.format(n=n, h=h, w=w, c=c, f=f, k=k, s=s, d=d, oh=oh,
                           ow=ow),
               [RNG.integers(-128, 128, (n, h, w, c), dtype=np.int8),
                RNG.integers(-128, 128, (f, k, k, c), dtype=np.int8)])
    for rows, length in ROW_SHAPES:
        yield (f"row-sum-{rows}x{length}",
               ROW_SUM.format(rows=rows, length=length),
               [RNG.integers(-2**20, 2**20, (rows, length), dtype=np.int32)])
        yield (f"softmax-{rows}x{length}",
               SOFTMAX.format(rows=rows, length=length),
               [RNG.normal(0, 4, (rows, length)).astype(np.float32)])


REC_BATCH = 32
# Libraries and calibration sets of the cases bench/ does not cache.
CACHE = ROOT / "build/bench/gpu-suite"
CLS_LINES = 8


def compile_both(chip, model, extra, calibration, cache, label, model_flags):
    """The CPU and the GPU library of one quantized configuration."""
    from configurations import compile_configuration

    return [compile_configuration(model, [*extra, *target], calibration,
                                  cache, True, label, model_flags)
            for target in ([], [f"--target=cuda:{chip}"])]


def shape_flag(shape):
    return "--input-shape=x=" + "x".join(str(d) for d in shape)


def batched_calibration_set(calibration, batch, out):
    """`calibration`'s samples (sample_*/x.npy, batch 1) stacked into
    samples of `batch` lines, in `out`: the same values, so the same
    statistics, for the model imported at that batch size."""
    files = sorted(Path(calibration).glob("sample_*/x.npy"))
    for index in range(len(files) // batch):
        sample = out / f"sample_{index:04d}"
        sample.mkdir(parents=True, exist_ok=True)
        np.save(sample / "x.npy", np.concatenate(
            [np.load(f) for f in files[index * batch:(index + 1) * batch]]))
    return out


def rec_batch_case(chip, task):
    """rec at batch REC_BATCH, calibrated on the batch-1 set's lines."""
    calibration = batched_calibration_set(
        task.calibration, REC_BATCH, CACHE / f"calib-ocr-rec-{REC_BATCH}")
    libraries = compile_both(
        chip, task.model, ["--recipe=w8a8"], calibration, CACHE,
        f"rec batch {REC_BATCH}", [shape_flag((REC_BATCH, 3, 48, 320))])
    return (f"rec-w8a8-batch{REC_BATCH}", *libraries,
            [task.inputs[:REC_BATCH]])


def model_cases(chip):
    """(name, CPU library, GPU library, inputs) of each quantized model."""
    from bitwidth_accuracy import TASKS
    from ocr_accuracy import CLS, calibration_set
    from qc import ocr

    external = Path(subprocess.run([ROOT / "scripts/fetch-models.sh"],
                                   check=True, capture_output=True,
                                   text=True).stdout.strip())
    w8a8 = ["--recipe=w8a8"]
    for name in ("fashion-mnist", "char-lm", "rec"):
        task = TASKS[name](external)
        libraries = compile_both(chip, task.model, w8a8, task.calibration,
                                 task.cache, task.name, task.model_flags)
        if name == "fashion-mnist":
            samples = [task.images[i][None] for i in range(16)]
        elif name == "char-lm":
            samples = [task.windows[i][None, :64] for i in range(4)]
        else:
            samples = [task.inputs[i:i + 1] for i in range(4)]
        yield (f"{name}-w8a8", *libraries, samples)
        if name == "rec":
            yield rec_batch_case(chip, task)
    model_file, shape = CLS
    lines = ocr.book_lines(external / "moby-dick/data", 320, CLS_LINES)
    calibration, _ = calibration_set(external, "ocr-cls")
    libraries = compile_both(
        chip, external / "ocr-models/assets" / model_file, w8a8, calibration,
        CACHE, "cls", [shape_flag(shape)])
    yield ("cls-w8a8", *libraries,
           [ocr.preprocess(ocr.render_line(line), shape[3])
            for line in lines])


def write_case(out, name, cpu_library, gpu_library, samples):
    """Copies the GPU library, runs the CPU one on each sample and writes
    the inputs and outputs; the manifest entry."""
    case = out / name
    case.mkdir(parents=True, exist_ok=True)
    (case / "gpu.so").write_bytes(Path(gpu_library).read_bytes())
    cpu = qc.load(str(cpu_library), num_threads=1)
    runs = []
    for index, inputs in enumerate(samples):
        inputs = inputs if isinstance(inputs, list) else [inputs]
        outputs = cpu(*inputs)
        files = {"inputs": [], "outputs": []}
        for kind, arrays in (("inputs", inputs), ("outputs", outputs)):
            for position, array in enumerate(arrays):
                file_name = f"{index}-{kind}-{position}.npy"
                np.save(case / file_name, array)
                files[kind].append(file_name)
        runs.append(files)
    return {"name": name, "library": "gpu.so", "runs": runs}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--chip", default="sm_90a")
    parser.add_argument("--models", action="store_true",
                        help="also the quantized models (slow)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    build = args.out / "build"
    build.mkdir(exist_ok=True)
    cases = []
    for name, source, inputs in kernel_cases():
        mlir = build / f"{name}.mlir"
        mlir.write_text(source)
        cpu = qc.compile(mlir, build / f"{name}-cpu.so", parallel=False)
        gpu = qc.compile(mlir, build / f"{name}-gpu.so",
                         target=f"cuda:{args.chip}")
        cases.append(write_case(args.out, name, cpu, gpu, [inputs]))
        print(f"prepared {name}", file=sys.stderr)
    if args.models:
        for name, cpu, gpu, samples in model_cases(args.chip):
            cases.append(write_case(args.out, name, cpu, gpu, samples))
            print(f"prepared {name}", file=sys.stderr)
    (args.out / "manifest.json").write_text(
        json.dumps({"chip": args.chip, "cases": cases}, indent=1) + "\n")


if __name__ == "__main__":
    main()
