#!/usr/bin/env python3
"""QC float against onnxruntime-node on the PaddleOCR models, in one run.

For each model: compile with quant-compile (time and peak memory), run both
on the same random input (fixed seed), check agreement, and time repeated
runs of each (medians over --runs). Prints a markdown table of the results.

  /usr/bin/python3 bench/ocr_vs_onnxruntime.py [--runs 20]

Needs a build (scripts/build.sh) and scripts/fetch-models.sh (models and
onnxruntime-node under build/external).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MODELS = (
    ("PP-OCR cls", "ch_ppocr_mobile_v2.0_cls_infer.onnx", (1, 3, 48, 192)),
    ("PP-OCRv4 rec", "ch_PP-OCRv4_rec_infer.onnx", (1, 3, 48, 320)),
    ("PP-OCRv4 det", "ch_PP-OCRv4_det_infer.onnx", (1, 3, 320, 320)),
)


def run(argv, **kwargs):
    return subprocess.run([str(a) for a in argv], check=True,
                          capture_output=True, text=True, **kwargs)


def compile_model(onnx_path, shape, library):
    """Compiles with quant-compile; returns (seconds, peak MiB)."""
    start = time.monotonic()
    process = run(["/usr/bin/time", "-f", "%M", ROOT / "build/bin/quant-compile",
                   onnx_path, f"--input-shape=x={'x'.join(map(str, shape))}",
                   "-o", library])
    peak_kib = int(process.stderr.strip().splitlines()[-1])
    return time.monotonic() - start, peak_kib / 1024


def qc_median_ms(library, input_npy, runs, out_dir, threads):
    process = run([ROOT / "build/bin/quant-run", library, f"--input=x={input_npy}",
                   f"--output-dir={out_dir}", f"--benchmark={runs}",
                   f"--num-threads={threads}"])
    return float(re.search(r"median ([0-9.]+) ms", process.stdout).group(1))


def run_onnxruntime(external, onnx_path, input_bin, shape, output_bin,
                    runs=0, threads=1):
    """Runs bench/onnxruntime/ort_run.js on the raw float32 inputs in
    `input_bin` (several of `shape` back to back allowed), writing the
    outputs to `output_bin`; returns its standard output."""
    # Node resolves modules next to the script; point it at the fetched one.
    env = dict(os.environ, NODE_PATH=str(external / "onnxruntime/node_modules"))
    return run(["node", ROOT / "bench/onnxruntime/ort_run.js", onnx_path,
                input_bin, "x".join(map(str, shape)), output_bin, runs,
                threads], env=env).stdout


def ort_median_ms(external, onnx_path, input_bin, shape, output_bin, runs,
                  threads):
    stdout = run_onnxruntime(external, onnx_path, input_bin, shape,
                             output_bin, runs, threads)
    return float(re.search(r"median_ms ([0-9.]+)", stdout).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    external = Path(run([ROOT / "scripts/fetch-models.sh"]).stdout.strip())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for label, file, shape in MODELS:
            onnx_path = external / "ocr-models/assets" / file
            library = tmp / (file + ".so")
            seconds, peak = compile_model(onnx_path, shape, library)
            x = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
            np.save(tmp / "x.npy", x)
            x.tofile(tmp / "x.bin")
            out_dir = tmp / f"qc-out-{file}"
            out_dir.mkdir(exist_ok=True)
            qc_ms = {threads: qc_median_ms(library, tmp / "x.npy", args.runs,
                                           out_dir, threads)
                     for threads in (1, 2)}
            ort_ms = {threads: ort_median_ms(external, onnx_path, tmp / "x.bin",
                                             shape, tmp / "ort.bin", args.runs,
                                             threads) for threads in (1, 2)}
            qc_out = np.load(next(out_dir.glob("*.npy"))).ravel()
            ort_out = np.fromfile(tmp / "ort.bin", np.float32)
            # Elements far below the output's largest say nothing relative.
            big = np.abs(ort_out) > 1e-3 * np.abs(ort_out).max()
            rel = float(np.max(np.abs(qc_out - ort_out)[big] / np.abs(ort_out[big])))
            rows.append((label, "x".join(map(str, shape)),
                         qc_ms[1], ort_ms[1], qc_ms[1] / ort_ms[1],
                         qc_ms[2], ort_ms[2], qc_ms[2] / ort_ms[2],
                         rel, seconds, peak))
    print("| model | input | QC 1 thread (ms) | ORT 1 thread (ms) | QC / ORT "
          "| QC 2 threads (ms) | ORT 2 threads (ms) | QC / ORT "
          "| max rel. error | compile (s) | compile peak (MiB) |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for row in rows:
        print("| {} | {} | {:.2f} | {:.2f} | {:.2f}x | {:.2f} | {:.2f} | {:.2f}x "
              "| {:.1e} | {:.1f} | {:.0f} |".format(*row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
