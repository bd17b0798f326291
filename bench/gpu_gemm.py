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

A second table, 4-bit weights: C[M, N] = A[M, K] W[N, K]^T with W random
in [-8, 7] and packed two per byte into the library (qc.packed_matmul, per
output channel, the form `--recipe=w4a8` gives a model's layers), at the
PACKED_SHAPES. `run` unpacks the same bytes (PACKED_WEIGHTS.npy) for
cuBLASLt's int8 GEMM, the peer and the reference, and prints QC's achieved
memory bandwidth: the bytes a GEMV must move (packed weights, A and C)
over its time.

`run --profile` also lists, for each QC library, the GPU work of one call
as PyTorch's profiler (CUPTI) records it over --runs calls: each kernel,
copy and fill in launch order, with its mean device time.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

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

PACKED_SHAPES = [(1, 4096, 4096), (16, 4096, 4096)]
PACKED_WEIGHTS = "packed-weights-4bit"
WEIGHT_BITS = 4
# The H100 SXM's HBM3 bandwidth, GB/s.
H100_BANDWIDTH_GBS = 3350

PACKED_GEMM = """
func.func @main(%a: tensor<{m}x{k}xi8>) -> tensor<{m}x{n}xi32> {{
  %w = arith.constant dense<"0x{weights}"> : tensor<{n}x{packed_k}xi8>
  %c = qc.packed_matmul %a, %w bits({bits}) : tensor<{m}x{k}xi8>, tensor<{n}x{packed_k}xi8> -> tensor<{m}x{n}xi32>
  return %c : tensor<{m}x{n}xi32>
}}
"""


def name_of(shape, prefix="gemm"):
    return "{}-{}x{}x{}".format(prefix, *shape)


def pack_int4(weights):
    """[N, K] values in [-8, 7] as [N, K / 2] bytes, the even input of
    each pair in the low nibble (qc.packed_matmul's 4-bit layout)."""
    nibbles = (weights.astype(np.int16) & 0xF).astype(np.uint8)
    return (nibbles[:, 0::2] | (nibbles[:, 1::2] << 4)).astype(np.uint8)


def unpack_int4(packed):
    """pack_int4's inverse: [N, K / 2] bytes to [N, K] int8."""
    low = (packed & 0xF).astype(np.int8)
    high = (packed >> 4).astype(np.int8)
    values = np.empty((packed.shape[0], 2 * packed.shape[1]), np.int8)
    values[:, 0::2], values[:, 1::2] = low, high
    return np.where(values > 7, values - 16, values).astype(np.int8)


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
    prepare_packed(args)


def prepare_packed(args):
    """The 4-bit-weight libraries, checked on the CPU against numpy."""
    n, k = PACKED_SHAPES[0][1:]
    assert all(shape[1:] == (n, k) for shape in PACKED_SHAPES)
    rng = np.random.default_rng(0)
    packed = pack_int4(rng.integers(-8, 8, (n, k), dtype=np.int8))
    np.save(args.out / f"{PACKED_WEIGHTS}.npy", packed)
    weights = unpack_int4(packed).astype(np.int32)
    for shape in PACKED_SHAPES:
        m = shape[0]
        name = name_of(shape, "packed")
        source = args.out / f"{name}.mlir"
        source.write_text(PACKED_GEMM.format(
            m=m, n=n, k=k, packed_k=k * WEIGHT_BITS // 8,
            bits=WEIGHT_BITS, weights=packed.tobytes().hex().upper()))
        cpu = qc.load(str(qc.compile(source, args.out / f"{name}-cpu.so")))
        a = rng.integers(-128, 128, (m, k), dtype=np.int8)
        if not np.array_equal(cpu(a)[0], a.astype(np.int32) @ weights.T):
            raise SystemExit(f"{name}: the CPU library differs from numpy")
        (args.out / f"{name}-cpu.so").unlink()
        qc.compile(source, args.out / f"{name}.so", target=f"cuda:{args.chip}")
        source.unlink()
        print(f"compiled {name} (CPU result checked)", file=sys.stderr)
    (args.out / "packed-shapes.json").write_text(
        json.dumps(PACKED_SHAPES) + "\n")


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


def print_profile(call, runs):
    """The device activities of `call`, in launch order, each with its mean
    time over `runs` calls (QC's kernels share one name: the order tells
    them apart)."""
    import torch
    from torch.profiler import ProfilerActivity, profile

    call()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as recorded:
        for _ in range(runs):
            call()
        torch.cuda.synchronize()
    activities = sorted(
        (event for event in recorded.events()
         if event.device_type == torch.autograd.DeviceType.CUDA),
        key=lambda event: event.time_range.start)
    per_call = len(activities) // runs
    if per_call * runs != len(activities):
        print(f"  profile: {len(activities)} activities in {runs} calls")
        return
    for index in range(per_call):
        times = [activities[call_index * per_call + index].time_range
                 .elapsed_us() for call_index in range(runs)]
        print(f"  {index}: {activities[index].name[:60]} "
              f"{sum(times) / runs:.1f} us")


def cublaslt_int8(a, b_t):
    """torch._int_mm(a, b_t) (cuBLASLt), whose int8 GEMM needs M > 16:
    smaller M are padded to 17 rows. The product and the call to time."""
    import torch

    rows = max(a.shape[0], 17)
    padded = torch.zeros((rows, a.shape[1]), dtype=torch.int8,
                         device="cuda")
    padded[:a.shape[0]] = a
    return (torch._int_mm(padded, b_t)[:a.shape[0]],
            lambda: torch._int_mm(padded, b_t))


def run_packed(args, generator):
    import torch

    print("\n4-bit weights (packed), against cuBLASLt's int8 GEMM:\n")
    print("| M x N x K | QC ms | cuBLASLt int8 ms | QC GB/s | QC / 3350 GB/s "
          "| cuBLASLt / QC time | bit-exact |")
    print("|---|--:|--:|--:|--:|--:|---|")
    packed = np.load(args.out / f"{PACKED_WEIGHTS}.npy")
    weights = torch.from_numpy(unpack_int4(packed)).cuda()
    for shape in json.loads((args.out / "packed-shapes.json").read_text()):
        m, n, k = shape
        model = qc.load(str(args.out / f"{name_of(shape, 'packed')}.so"))
        a = torch.randint(-128, 128, (m, k), dtype=torch.int8, device="cuda",
                          generator=generator)
        c = torch.empty((m, n), dtype=torch.int32, device="cuda")
        reference, peer = cublaslt_int8(a, weights.t())
        model.run_device([a.data_ptr()], [c.data_ptr()])
        exact = torch.equal(c, reference)
        qc_ms = median_ms(lambda: model.run_device([a.data_ptr()],
                                                   [c.data_ptr()]),
                          args.runs, torch.cuda.synchronize)
        peer_ms = median_ms(peer, args.runs, torch.cuda.synchronize)
        moved = packed.nbytes + m * k + 4 * m * n
        bandwidth = moved / qc_ms / 1e6
        print(f"| {m} x {n} x {k} | {qc_ms:.4f} | {peer_ms:.4f} "
              f"| {bandwidth:.0f} | {bandwidth / H100_BANDWIDTH_GBS:.3f} "
              f"| {peer_ms / qc_ms:.2f} | {exact} |", flush=True)
        if args.profile:
            print_profile(lambda: model.run_device([a.data_ptr()],
                                                   [c.data_ptr()]), args.runs)


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
        reference, peer = cublaslt_int8(a, b.t())
        model.run_device([a.data_ptr(), b.data_ptr()], [c.data_ptr()])
        exact = torch.equal(c, reference)
        qc_ms = median_ms(
            lambda: model.run_device([a.data_ptr(), b.data_ptr()],
                                     [c.data_ptr()]),
            args.runs, torch.cuda.synchronize)
        peer_ms = median_ms(peer, args.runs, torch.cuda.synchronize)
        ops = 2.0 * m * n * k
        print(f"| {m} x {n} x {k} | {qc_ms:.3f} | {peer_ms:.3f} "
              f"| {ops / qc_ms / 1e9:.1f} | {ops / peer_ms / 1e9:.1f} "
              f"| {peer_ms / qc_ms:.2f} | {exact} |", flush=True)
        if args.profile:
            print_profile(lambda: model.run_device(
                [a.data_ptr(), b.data_ptr()], [c.data_ptr()]), args.runs)
    if (args.out / "packed-shapes.json").is_file():
        run_packed(args, generator)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("prepare", "run"))
    parser.add_argument("out", type=Path)
    parser.add_argument("--chip", default="sm_90a")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--profile", action="store_true",
                        help="list each QC library's kernels and their times")
    args = parser.parse_args()
    prepare(args) if args.mode == "prepare" else run(args)


if __name__ == "__main__":
    main()
