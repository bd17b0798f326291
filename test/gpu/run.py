#!/usr/bin/python3
"""Runs QC's GPU test suite (made by test/gpu/prepare.py) on a machine with
an NVIDIA GPU; every integer output must equal the CPU's bit for bit.
Float outputs come from a model's float tail (a softmax after the last
dequantize), whose exp is libm's on the CPU and NVPTX's on the GPU and
whose sums the GPU adds in another order (a block of threads per row): they
must agree within FLOAT_RTOL relative to the CPU's value (plus FLOAT_ATOL)
with the same largest class (argmax along the last axis) everywhere, and
the largest difference is printed.

    python3 test/gpu/run.py DIR [--benchmark N]

Needs python3, numpy and QC's python package, not QC's build. Without a
CUDA driver it says so and exits 0 (skipped). With --benchmark N, also
times N runs of each case (host buffers, so including the copies between
host and device) and prints the median.
"""

import argparse
import ctypes
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
import qc  # noqa: E402


# Difference allowed between float outputs: a sum of n float32 terms
# added in another order moves by about sqrt(n) ulps (a softmax over 6625
# classes: 1e-5 relative, measured); FLOAT_ATOL covers the few ulps of exp
# near zero.
FLOAT_RTOL = 1e-4
FLOAT_ATOL = 1e-6


def compare(got, want):
    """(what differs, or None where `got` passes for `want`; the largest
    difference of a float output, 0 for integer ones)."""
    if got.dtype != want.dtype or got.shape != want.shape:
        return f"{got.dtype}{got.shape} against {want.dtype}{want.shape}", 0.0
    if np.array_equal(got, want):
        return None, 0.0
    differing = int(np.count_nonzero(got != want))
    largest = float(np.max(np.abs(got.astype(np.float64) -
                                  want.astype(np.float64))))
    summary = f"{differing} of {want.size} differ, by up to {largest:.6g}"
    if not np.issubdtype(want.dtype, np.floating):
        return summary, 0.0
    within = np.abs(got.astype(np.float64) - want.astype(np.float64)) <= (
        FLOAT_ATOL + FLOAT_RTOL * np.abs(want.astype(np.float64)))
    passes = (bool(np.all(within))
              and np.array_equal(got.argmax(-1), want.argmax(-1)))
    return (None if passes else summary), largest


def median_ms(model, inputs, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        model(*inputs)
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--benchmark", type=int, default=0)
    args = parser.parse_args()
    try:
        ctypes.CDLL("libcuda.so.1")
    except OSError:
        print("skipped: no CUDA driver (libcuda.so.1) on this machine")
        return 0
    manifest = json.loads((args.directory / "manifest.json").read_text())
    failures = 0
    for case in manifest["cases"]:
        folder = args.directory / case["name"]
        model = qc.load(str(folder / case["library"]))
        mismatches = []
        float_difference = 0.0
        for index, run in enumerate(case["runs"]):
            inputs = [np.load(folder / f) for f in run["inputs"]]
            expected = [np.load(folder / f) for f in run["outputs"]]
            outputs = model(*inputs)
            for position, (got, want) in enumerate(zip(outputs, expected)):
                difference, largest = compare(got, want)
                float_difference = max(float_difference, largest)
                if difference:
                    mismatches.append(f"run {index} output {position}: "
                                      f"{difference}")
        if mismatches:
            status = "FAIL " + "; ".join(mismatches)
        elif float_difference:
            status = (f"ok (float outputs within {float_difference:.3g}, "
                      "same argmax)")
        else:
            status = "ok (bit-identical)"
        timing = ""
        if args.benchmark:
            first = [np.load(folder / f) for f in case["runs"][0]["inputs"]]
            model(*first)
            timing = f" ({median_ms(model, first, args.benchmark):.3f} ms)"
        print(f"{case['name']}: {len(case['runs'])} runs, {status}{timing}")
        failures += bool(mismatches)
    print(f"{len(manifest['cases']) - failures} of {len(manifest['cases'])} "
          f"cases agree with the CPU on {manifest['chip']}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
