#!/usr/bin/env python3
"""Int8 latency on the PaddleOCR models: QC's w8a8 recipe against
onnxruntime-node's int8 QDQ model (Conv/MatMul/Gemm, bench/make_qdq_model.py)
and both floats, in one run.

For rec and cls: QC float and QC int8 (quant-compile --recipe w8a8, the
calibration set and statistics of bench/ocr_accuracy.py --qc-int8 under
build/bench/ort-int8; integer-only), onnxruntime float and int8, on
the same random input, medians of --runs runs at 1 and 2 threads. Prints a
markdown table with each time's ratio to onnxruntime int8. With
--tabulate-functions, QC int8 tabulates elementwise functions of one tensor
(quant-compile --tabulate-functions).

  /usr/bin/python3 bench/ocr_int8_latency.py [--runs 20] [--tabulate-functions]

Needs a build, scripts/fetch-models.sh, and the int8 models and statistics
(made on first use, as bench/ocr_accuracy.py does).
"""

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
import qc  # noqa: E402
from ocr_accuracy import (CLS, INT8_DIR, REC, calibration_set,  # noqa: E402
                          int8_models, newer_than)
from ocr_vs_onnxruntime import ort_median_ms, qc_median_ms, run  # noqa: E402

THREADS = (1, 2)


def compile_qc(external, model_file, shape, calibration_model, library,
               quantized, tabulate_functions):
    """QC's float or w8a8 library of `model_file`."""
    onnx_path = external / "ocr-models/assets" / model_file
    if not quantized:
        return qc.compile(onnx_path, library, input_shapes={"x": shape})
    calib_dir, last = calibration_set(external, calibration_model)
    stats = INT8_DIR / f"{Path(model_file).stem}.qc-stats.json"
    quant_compile = Path(qc.tools.find_tool("quant-compile"))
    calibrate = not (newer_than(stats, [last, quant_compile])
                     and qc.tools.stats_file_is_current(stats))
    return qc.compile(onnx_path, library, input_shapes={"x": shape},
                      recipe="w8a8", calib=calib_dir if calibrate else None,
                      calib_stats=stats, tabulate_functions=tabulate_functions)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--tabulate-functions", action="store_true",
                        help="compile QC int8 with --tabulate-functions")
    args = parser.parse_args()
    external = Path(run([ROOT / "scripts/fetch-models.sh"]).stdout.strip())
    INT8_DIR.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for (model_file, shape), calibration in ((REC, "ocr-rec"),
                                                 (CLS, "ocr-cls")):
            x = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
            np.save(tmp / "x.npy", x)
            x.tofile(tmp / "x.bin")
            out_dir = tmp / "out"
            out_dir.mkdir(exist_ok=True)
            float_path = external / "ocr-models/assets" / model_file
            ort_int8 = int8_models(external, model_file, calibration)["core"]
            times = {}
            for name, quantized in (("QC float", False), ("QC int8", True)):
                library = compile_qc(external, model_file, shape, calibration,
                                     tmp / f"{name}.so", quantized,
                                     args.tabulate_functions)
                times[name] = [qc_median_ms(library, tmp / "x.npy", args.runs,
                                            out_dir, threads)
                               for threads in THREADS]
            for name, path in (("ORT float", float_path),
                               ("ORT int8", ort_int8)):
                times[name] = [ort_median_ms(external, path, tmp / "x.bin",
                                             shape, tmp / "ort.bin", args.runs,
                                             threads) for threads in THREADS]
            rows.append((Path(model_file).stem, times))
    names = ("QC int8", "ORT int8", "QC float", "ORT float")
    print("| model | threads | " + " | ".join(f"{n} (ms)" for n in names)
          + " | QC int8 / ORT int8 | QC int8 / QC float |")
    print("|---|--:|" + "--:|" * (len(names) + 2))
    for model, times in rows:
        for index, threads in enumerate(THREADS):
            cells = " | ".join(f"{times[n][index]:.2f}" for n in names)
            print(f"| {model} | {threads} | {cells} | "
                  f"{times['QC int8'][index] / times['ORT int8'][index]:.2f}x | "
                  f"{times['QC int8'][index] / times['QC float'][index]:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
