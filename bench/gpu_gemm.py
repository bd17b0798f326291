#!/usr/bin/python3
"""Int8 GEMM on an NVIDIA GPU: QC's tensor-core kernel against cuBLASLt.

    /usr/bin/python3 bench/gpu_gemm.py prepare OUT [--chip sm_90a]
    python3 bench/gpu_gemm.py run OUT [--runs 50]

`prepare` (on the machine with QC) compiles, for each shape M x N x K of
the table below, a library computing C[M, N] = A[M, K] B[N, K]^T (int8 in,
int32 out; B's layout is K-contiguous, as the weights of a compiled model
are after qc-transpose-matmul-operands and as cuBLASLt's int8 GEMM wants
it) for the GPU. `run` (on the GPU machine, with PyTorch) allocates the
operands on the GPU, runs each library on device buffers
(qc_model_run_device: no host copies; each call also zero-fills C and
creates a stream, as a model's run does), checks C against
torch._int_mm(A, B.t()) (cuBLASLt, B column-major) bit for bit, and prints
the median time over --runs calls of both, the TOPS (2 M N K / time) and
QC's share of cuBLASLt's throughput.
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
import qc  # noqa: E402

SHAPES = [(4096, 4096, 4096), (8192, 8192, 8192), (1, 4096, 4096),
          (16, 4096, 4096), (32, 4096, 4096), (256, 4096, 4096)]

GEMM = """
#map_a = affine_map<(m, n, k) -> (m, k)>
#map_b = affine_map<(m, n, k) -> (n, k)>
#map_c = affine_map<(m, n, k) -> (m, n)>
func.func @main(%a: tensor<{m}x{k}xi8>, %b: tensor<{n}x{k}xi8>) -> tensor<{m}x{n}xi32> {{
  %zero = arith.constant 0 : i32
  %empty = tensor.empty() : tensor<{m}x{n}xi32>
  %init = linalg.fill ins(%zero : i32) outs(%empty : tensor<{m}x{n}xi32>) -> tensor<{m}x{n}xi32>
  %c = linalg.matmul indexing_maps = [#map_a, #map_b, #map_c]
       ins(%a, %b : tensor<{m}x{k}xi8>, tensor<{n}x{k}xi8>)
       outs(%init : tensor<{m}x{n}xi32>) -> tensor<{m}x{n}xi32>
  return %c : tensor<{m}x{n}xi32>
}}
"""


def name_of(shape):
    return "gemm-{}x{}x{}".format(*shape)


def prepare(args):
    args.out.mkdir(parents=True, exist_ok=True)
    for shape in SHAPES:
        m, n, k = shape
        source = args.out / f"{name_of(shape)}.mlir"
        source.write_text(GEMM.format(m=m, n=n, k=k))
        qc.compile(source, args.out / f"{name_of(shape)}.so",
                   target=f"cuda:{args.chip}")
        print(f"compiled {name_of(shape)}", file=sys.stderr)
    (args.out / "shapes.json").write_text(json.dumps(SHAPES) + "\n")


def median_ms(function, runs, synchronize):
    function()
    synchronize()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        synchronize()
        times.append(time.perf_counter() - start)
    times.sort()
    return 1e3 * times[len(times) // 2]


def run(args):
    import torch

    print(f"device: {torch.cuda.get_device_name()}, torch {torch.__version__}")
    print("| M x N x K | QC ms | cuBLASLt ms | QC TOPS | cuBLASLt TOPS "
          "| QC / cuBLASLt | bit-exact |")
    print("|---|--:|--:|--:|--:|--:|---|")
    generator = torch.Generator(device="cuda").manual_seed(0)
    for shape in json.loads((args.out / "shapes.json").read_text()):
        m, n, k = shape
        model = qc.load(str(args.out / f"{name_of(shape)}.so"))
        a = torch.randint(-128, 128, (m, k), dtype=torch.int8, device="cuda",
                          generator=generator)
        b = torch.randint(-128, 128, (n, k), dtype=torch.int8, device="cuda",
                          generator=generator)
        c = torch.empty((m, n), dtype=torch.int32, device="cuda")
        # cuBLASLt's int8 GEMM needs M > 16; smaller M are padded to 17 rows.
        rows = max(m, 17)
        padded = torch.zeros((rows, k), dtype=torch.int8, device="cuda")
        padded[:m] = a
        reference = torch._int_mm(padded, b.t())[:m]
        model.run_device([a.data_ptr(), b.data_ptr()], [c.data_ptr()])
        exact = torch.equal(c, reference)
        qc_ms = median_ms(
            lambda: model.run_device([a.data_ptr(), b.data_ptr()],
                                     [c.data_ptr()]),
            args.runs, torch.cuda.synchronize)
        peer_ms = median_ms(lambda: torch._int_mm(padded, b.t()), args.runs,
                            torch.cuda.synchronize)
        ops = 2.0 * m * n * k
        print(f"| {m} x {n} x {k} | {qc_ms:.3f} | {peer_ms:.3f} "
              f"| {ops / qc_ms / 1e9:.1f} | {ops / peer_ms / 1e9:.1f} "
              f"| {peer_ms / qc_ms:.2f} | {exact} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("prepare", "run"))
    parser.add_argument("out", type=Path)
    parser.add_argument("--chip", default="sm_90a")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    prepare(args) if args.mode == "prepare" else run(args)


if __name__ == "__main__":
    main()
