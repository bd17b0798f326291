#!/usr/bin/python3
"""Character accuracy of PP-OCRv4 rec compiled by QC against onnxruntime.

Renders text lines of Moby-Dick (DejaVu Sans, PaddleOCR preprocessing to
1x3x48x320 for rec and 1x3x48x192 for the PP-OCR direction classifier cls),
runs each with the QC-compiled models and with onnxruntime-node on the same
inputs, decodes rec's output with CTC greedy decoding, and prints a markdown
table: character accuracy and exact lines of each, lines cls finds upright,
lines whose text
differs between the two, and how far their outputs differ: the largest
elementwise relative difference (over elements above 1e-3), the largest
normwise one (per line, ||QC - ORT||_2 / ||ORT||_2) and the share of elements
within 1e-4 relative.

With --reference, rec is also compiled with --vectorize=false (scalar loops
in the ONNX definitions' order) and both of QC's outputs are compared with
onnxruntime and with each other: whether differences come from QC's code
generation or are the model's sensitivity to float rounding.

/usr/bin/python3 bench/ocr_accuracy.py [--lines 300] [--first-chapter 1]
                                       [--reference]
Needs a build (scripts/build.sh) and scripts/fetch-models.sh.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
import qc  # noqa: E402
from qc import ocr  # noqa: E402
from ocr_vs_onnxruntime import run_onnxruntime  # noqa: E402

REC = ("ch_PP-OCRv4_rec_infer.onnx", (1, 3, 48, 320))
CLS = ("ch_ppocr_mobile_v2.0_cls_infer.onnx", (1, 3, 48, 192))
# Elements of the output below this are ignored in the relative difference.
RELATIVE_FLOOR = 1e-3


def onnxruntime_outputs(external, onnx_path, inputs, shape, tmp):
    """Runs every input through onnxruntime-node (one thread)."""
    inputs.astype(np.float32).tofile(tmp / "inputs.bin")
    run_onnxruntime(external, onnx_path, tmp / "inputs.bin", shape,
                    tmp / "outputs.bin")
    return np.fromfile(tmp / "outputs.bin", np.float32)


def run_qc(onnx_path, shape, inputs, library, vectorize=True):
    """The outputs of QC's compiled model, one row per input."""
    model = qc.load(qc.compile(onnx_path, library, input_shapes={"x": shape},
                               vectorize=vectorize))
    return np.stack([model(x[None])[0][0] for x in inputs])


def run_both(external, model_file, shape, images, tmp, reference=False):
    """The outputs of QC's compiled model and of onnxruntime on the
    preprocessed images, one row per image; with `reference`, also those of
    QC's scalar reference lowering."""
    onnx_path = external / "ocr-models/assets" / model_file
    inputs = np.concatenate([ocr.preprocess(image, shape[3])
                             for image in images])
    qc_out = run_qc(onnx_path, shape, inputs, tmp / (model_file + ".so"))
    ort_out = onnxruntime_outputs(external, onnx_path, inputs, shape, tmp)
    reference_out = (run_qc(onnx_path, shape, inputs,
                            tmp / (model_file + ".reference.so"),
                            vectorize=False) if reference else None)
    return qc_out, ort_out.reshape(qc_out.shape), reference_out


def describe_difference(qc_out, ort_out):
    """Elementwise and normwise relative differences of two output sets."""
    large = np.abs(ort_out) > RELATIVE_FLOOR
    elementwise = np.abs(qc_out - ort_out)[large] / np.abs(ort_out[large])
    rows = len(qc_out)
    normwise = (np.linalg.norm((qc_out - ort_out).reshape(rows, -1), axis=1)
                / np.linalg.norm(ort_out.reshape(rows, -1), axis=1))
    within = np.isclose(qc_out, ort_out, rtol=1e-4, atol=0).mean()
    return (f"elementwise relative max {elementwise.max():.1e}, normwise "
            f"relative max {normwise.max():.1e}, {100 * within:.2f}% of "
            f"elements within 1e-4 relative")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--first-chapter", type=int, default=1)
    parser.add_argument("--reference", action="store_true")
    args = parser.parse_args()
    external = Path(subprocess.run([ROOT / "scripts/fetch-models.sh"],
                                   check=True, capture_output=True,
                                   text=True).stdout.strip())
    dictionary = ocr.load_dictionary(
        external / "ocr-models/assets/ppocr_keys_v1.txt")
    lines = ocr.book_lines(external / "moby-dick/data", REC[1][3], args.lines,
                           args.first_chapter)
    images = [ocr.render_line(line) for line in lines]
    with tempfile.TemporaryDirectory() as tmp:
        rec_qc, rec_ort, rec_reference = run_both(external, *REC, images,
                                                  Path(tmp), args.reference)
        cls_qc, cls_ort, _ = run_both(external, *CLS, images, Path(tmp))

    qc_text = [ocr.ctc_decode(p, dictionary) for p in rec_qc]
    ort_text = [ocr.ctc_decode(p, dictionary) for p in rec_ort]
    print(f"{len(lines)} lines of Moby-Dick from chapter {args.first_chapter}, "
          f"{sum(map(len, lines))} characters")
    print("| reader | character accuracy | exact lines | upright (cls) |")
    print("|---|--:|--:|--:|")
    for name, texts, angles in (("QC (float)", qc_text, cls_qc),
                                ("onnxruntime", ort_text, cls_ort)):
        exact = sum(t == r for t, r in zip(texts, lines))
        # cls's class 0 is 0 degrees: every rendered line is upright.
        upright = int(np.sum(np.argmax(angles, axis=-1) == 0))
        print(f"| {name} | {100 * ocr.character_accuracy(texts, lines):.2f}% "
              f"| {exact}/{len(lines)} | {upright}/{len(lines)} |")
    differing = sum(a != b for a, b in zip(qc_text, ort_text))
    print(f"\nlines read differently by QC and onnxruntime: {differing}")
    print(f"rec output difference: {describe_difference(rec_qc, rec_ort)}")
    print(f"cls output difference: {describe_difference(cls_qc, cls_ort)}")
    if rec_reference is not None:
        print("rec, QC's scalar reference lowering against onnxruntime: "
              f"{describe_difference(rec_reference, rec_ort)}")
        print("rec, QC vectorized against QC's reference: "
              f"{describe_difference(rec_qc, rec_reference)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
