#!/usr/bin/python3
"""Writes a calibration set for a PaddleOCR model: text lines of Moby-Dick
rendered and preprocessed as bench/ocr_accuracy.py does, one sample per line.

The format is the one `quant-compile --calib DIR` and
bench/make_qdq_model.py read: DIR holds one subdirectory per sample, each
with one float32 .npy file per model input, named after the input and of
the input's exact shape (DIR/sample_0000/x.npy).

  ocr-rec  PP-OCRv4 rec, x: 1x3x48x320
  ocr-cls  PP-OCR direction classifier cls, x: 1x3x48x192 (the same lines)

The lines start at chapter 100 (--first-chapter): the accuracy benchmark
evaluates from chapter 1, so calibration and evaluation text differ.

/usr/bin/python3 bench/make_calibration_set.py --model ocr-rec [--count 64]
                                               [--first-chapter 100] -o DIR
Needs scripts/fetch-models.sh (the text).
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
from qc import ocr  # noqa: E402

# Model -> (input name, input width). Lines are those of the rec model's
# width (as in bench/ocr_accuracy.py); cls sees the same lines at its width.
MODELS = {"ocr-rec": ("x", 320), "ocr-cls": ("x", 192)}
LINE_WIDTH = 320


def external_dir():
    """build/external (or $QC_EXTERNAL_DIR), fetched if missing."""
    return Path(subprocess.run([ROOT / "scripts/fetch-models.sh"], check=True,
                               capture_output=True, text=True).stdout.strip())


def write_calibration_set(model, out_dir, count=64, first_chapter=100,
                          external=None):
    """Writes `count` samples for `model` (a key of MODELS) into `out_dir`,
    replacing what was there; returns the lines."""
    input_name, width = MODELS[model]
    external = external or external_dir()
    lines = ocr.book_lines(external / "moby-dick/data", LINE_WIDTH, count,
                           first_chapter)
    if len(lines) < count:
        raise SystemExit(f"only {len(lines)} lines from chapter "
                         f"{first_chapter} on, {count} asked")
    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    for index, line in enumerate(lines):
        sample = out_dir / f"sample_{index:04d}"
        sample.mkdir(parents=True)
        x = ocr.preprocess(ocr.render_line(line), width)
        np.save(sample / f"{input_name}.npy", x.astype(np.float32))
    return lines


def main():
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, choices=sorted(MODELS))
    parser.add_argument("--count", type=int, default=64)
    parser.add_argument("--first-chapter", type=int, default=100)
    parser.add_argument("-o", "--output", required=True, type=Path)
    args = parser.parse_args()
    lines = write_calibration_set(args.model, args.output, args.count,
                                  args.first_chapter)
    print(f"{len(lines)} samples for {args.model} in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
