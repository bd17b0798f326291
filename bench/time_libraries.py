#!/usr/bin/python3
"""Latency of the libraries bench/packed_weights.py --export wrote.

    python3 bench/time_libraries.py DIR [--runs 200] [--repeats 5]
        [--threads 1]

For each model directory of DIR (manifest.json, input.npy, one .so per
configuration), times one inference of every library on the input, in one
process, one library after the other: the median over --repeats rounds of
the mean of --runs calls. Prints packed_weights.py's tables (sizes and
metrics from the manifest, latencies measured here, each also as a ratio
to w8a8 of the same run). Needs only python3, numpy and QC's python
package, so it runs on a machine without QC's build (the libraries must
suit its CPU).
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "bench"))
from packed_weights import latency_ms, markdown  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    manifests = sorted(args.directory.glob("*/manifest.json"))
    if not manifests:
        sys.exit(f"error: no */manifest.json in {args.directory}")
    for manifest_file in manifests:
        manifest = json.loads(manifest_file.read_text())
        sample = np.load(manifest_file.parent / "input.npy")
        rows = []
        for name, row in manifest["configurations"]:
            if row is not None:
                row["latency"] = latency_ms(
                    manifest_file.parent / row["library"], sample, args.runs,
                    args.repeats, args.threads)
            rows.append((name, row))
        print(markdown(manifest["model"], manifest["metric"], rows))
        print()


if __name__ == "__main__":
    main()
