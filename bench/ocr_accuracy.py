#!/usr/bin/python3
"""Character accuracy of PP-OCRv4 rec compiled by QC against onnxruntime.

Renders text lines of Moby-Dick (DejaVu Sans, PaddleOCR preprocessing to
1x3x48x320), reads each with the QC-compiled model and with onnxruntime-node
on the same inputs, decodes both with CTC greedy decoding, and prints a
markdown table: character accuracy and exact lines of each, lines whose text
differs between the two, and how far their outputs differ: the largest
elementwise relative difference (over elements above 1e-3), the largest
normwise one (per line, ||QC - ORT||_2 / ||ORT||_2) and the share of elements
within 1e-4 relative.

/usr/bin/python3 bench/ocr_accuracy.py [--lines 300] [--first-chapter 1]
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

MODEL = "ch_PP-OCRv4_rec_infer.onnx"
SHAPE = (1, 3, 48, 320)
# Elements of the output below this are ignored in the relative difference.
RELATIVE_FLOOR = 1e-3


def onnxruntime_outputs(external, onnx_path, inputs, tmp):
    """Runs every input through onnxruntime-node (one thread)."""
    inputs.astype(np.float32).tofile(tmp / "inputs.bin")
    env = {"NODE_PATH": str(external / "onnxruntime/node_modules"),
           "PATH": "/usr/bin:/bin"}
    subprocess.run(["node", ROOT / "bench/onnxruntime/ort_run.js", onnx_path,
                    tmp / "inputs.bin", "x".join(map(str, SHAPE)),
                    tmp / "outputs.bin", "0", "1"], check=True, env=env)
    return np.fromfile(tmp / "outputs.bin", np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--first-chapter", type=int, default=1)
    args = parser.parse_args()
    external = Path(subprocess.run([ROOT / "scripts/fetch-models.sh"],
                                   check=True, capture_output=True,
                                   text=True).stdout.strip())
    onnx_path = external / "ocr-models/assets" / MODEL
    dictionary = ocr.load_dictionary(
        external / "ocr-models/assets/ppocr_keys_v1.txt")
    lines = ocr.book_lines(external / "moby-dick/data", SHAPE[3], args.lines,
                           args.first_chapter)
    inputs = np.concatenate([ocr.preprocess(ocr.render_line(line), SHAPE[3])
                             for line in lines])

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model = qc.load(qc.compile(onnx_path, tmp / "rec.so",
                                   input_shapes={"x": SHAPE}))
        qc_out = np.stack([model(x[None])[0][0] for x in inputs])
        ort_out = onnxruntime_outputs(external, onnx_path, inputs,
                                      tmp).reshape(qc_out.shape)

    qc_text = [ocr.ctc_decode(p, dictionary) for p in qc_out]
    ort_text = [ocr.ctc_decode(p, dictionary) for p in ort_out]
    large = np.abs(ort_out) > RELATIVE_FLOOR
    relative = np.abs(qc_out - ort_out)[large] / np.abs(ort_out[large])
    print(f"{len(lines)} lines of Moby-Dick from chapter {args.first_chapter}, "
          f"{sum(map(len, lines))} characters")
    print("| reader | character accuracy | exact lines |")
    print("|---|--:|--:|")
    for name, texts in (("QC (float)", qc_text), ("onnxruntime", ort_text)):
        exact = sum(t == r for t, r in zip(texts, lines))
        print(f"| {name} | {100 * ocr.character_accuracy(texts, lines):.2f}% "
              f"| {exact}/{len(lines)} |")
    differing = sum(a != b for a, b in zip(qc_text, ort_text))
    normwise = (np.linalg.norm((qc_out - ort_out).reshape(len(lines), -1), axis=1)
                / np.linalg.norm(ort_out.reshape(len(lines), -1), axis=1))
    within = np.isclose(qc_out, ort_out, rtol=1e-4, atol=0).mean()
    print(f"\nlines read differently by QC and onnxruntime: {differing}")
    print(f"output difference: elementwise relative max {relative.max():.1e}, "
          f"normwise relative max {normwise.max():.1e}, "
          f"{100 * within:.2f}% of elements within 1e-4 relative")
    return 0


if __name__ == "__main__":
    sys.exit(main())
