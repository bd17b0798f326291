#!/usr/bin/python3
"""Runs QC's GPU test suite (made by test/gpu/prepare.py) on a machine with
an NVIDIA GPU; every output must equal the CPU's bit for bit.

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
        for index, run in enumerate(case["runs"]):
            inputs = [np.load(folder / f) for f in run["inputs"]]
            expected = [np.load(folder / f) for f in run["outputs"]]
            outputs = model(*inputs)
            for position, (got, want) in enumerate(zip(outputs, expected)):
                if got.dtype != want.dtype or not np.array_equal(got, want):
                    differing = int(np.count_nonzero(got != want))
                    largest = float(np.max(np.abs(got.astype(np.float64) -
                                                  want.astype(np.float64))))
                    mismatches.append(f"run {index} output {position}: "
                                      f"{differing} of {want.size} differ, "
                                      f"by up to {largest:.6g}")
        status = "ok" if not mismatches else "FAIL " + "; ".join(mismatches)
        timing = ""
        if args.benchmark:
            first = [np.load(folder / f) for f in case["runs"][0]["inputs"]]
            model(*first)
            timing = f" ({median_ms(model, first, args.benchmark):.3f} ms)"
        print(f"{case['name']}: {len(case['runs'])} runs, {status}{timing}")
        failures += bool(mismatches)
    print(f"{len(manifest['cases']) - failures} of {len(manifest['cases'])} "
          f"cases bit-identical to the CPU on {manifest['chip']}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
