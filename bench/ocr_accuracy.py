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

With --ort-int8, onnxruntime also runs int8 QDQ models of rec and cls made
by bench/make_qdq_model.py (static min/max post-training quantization as
onnxruntime's quantize_static does it) from a calibration set of
bench/make_calibration_set.py (64 lines from chapter 100 on), both cached
under build/bench/ort-int8: once quantizing Conv, MatMul and Gemm only, once
onnxruntime's default op types. The table gets their rows and a column of
lines whose cls decision is the one of onnxruntime's float model.

With --qc-int8, QC also compiles rec and cls with its w8a8 recipe
(quant-compile --recipe w8a8 --calib, the same calibration set, --observer
choosing the range), and the table gets its row.

/usr/bin/python3 bench/ocr_accuracy.py [--lines 300] [--first-chapter 1]
                                       [--reference] [--ort-int8]
                                       [--qc-int8 [--observer minmax]]
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
import make_calibration_set  # noqa: E402
import make_qdq_model  # noqa: E402

REC = ("ch_PP-OCRv4_rec_infer.onnx", (1, 3, 48, 320))
CLS = ("ch_ppocr_mobile_v2.0_cls_infer.onnx", (1, 3, 48, 192))
# --ort-int8: the cache, calibration samples per model, and the op sets
# quantized (bench/make_qdq_model.py --op-types) with their labels.
INT8_DIR = ROOT / "build/bench/ort-int8"
CALIBRATION_COUNT = 64
INT8_OP_SETS = (("core", "Conv/MatMul/Gemm"),
                ("ort", "ORT default op types"))
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


def newer_than(target, sources):
    """Whether `target` exists and is newer than every one of `sources`."""
    return (target.exists() and target.stat().st_mtime
            >= max(source.stat().st_mtime for source in sources))


def calibration_set(external, calibration_model):
    """The calibration directory of `calibration_model` (ocr-rec, ocr-cls)
    and its last sample, made unless newer than its scripts."""
    scripts = [ROOT / "bench/make_calibration_set.py",
               ROOT / "python/qc/ocr.py"]
    calib_dir = INT8_DIR / f"calib-{calibration_model}"
    last = calib_dir / f"sample_{CALIBRATION_COUNT - 1:04d}/x.npy"
    if not newer_than(last, scripts):
        make_calibration_set.write_calibration_set(
            calibration_model, calib_dir, CALIBRATION_COUNT, external=external)
    return calib_dir, last


def int8_models(external, model_file, calibration_model):
    """{op set: path} of QDQ models of `model_file` (see INT8_OP_SETS),
    with their calibration set; reused from INT8_DIR unless older than
    their inputs."""
    calib_dir, last = calibration_set(external, calibration_model)
    float_path = external / "ocr-models/assets" / model_file
    sources = [float_path, last, ROOT / "bench/make_qdq_model.py",
               ROOT / "bench/onnxruntime/ort_ranges.js"]
    paths = {}
    for op_set, _ in INT8_OP_SETS:
        path = INT8_DIR / f"{Path(model_file).stem}.{op_set}.qdq.onnx"
        if not newer_than(path, sources):
            make_qdq_model.make_qdq_model(float_path, calib_dir, path, op_set)
        paths[op_set] = path
    return paths


def run_int8(external, model_file, shape, calibration_model, images, tmp):
    """onnxruntime's outputs of the QDQ models, {op set: one row per
    image}."""
    inputs = np.concatenate([ocr.preprocess(image, shape[3])
                             for image in images])
    return {op_set: onnxruntime_outputs(external, path, inputs, shape, tmp)
            .reshape(len(images), -1)
            for op_set, path in int8_models(external, model_file,
                                            calibration_model).items()}


def run_qc_int8(external, model_file, shape, calibration_model, images, tmp,
                observer):
    """Outputs of the model quantized by QC (recipe w8a8, integer-only,
    calibrated on the same samples as onnxruntime's int8 models), one row per
    image."""
    calib_dir, last = calibration_set(external, calibration_model)
    onnx_path = external / "ocr-models/assets" / model_file
    inputs = np.concatenate([ocr.preprocess(image, shape[3])
                             for image in images])
    library = tmp / (model_file + ".w8a8.so")
    # One calibration run serves every observer: its statistics are kept
    # until the samples or quant-compile change, or the file's version is
    # not the one quant-compile reads.
    stats = INT8_DIR / f"{Path(model_file).stem}.qc-stats.json"
    quant_compile = Path(qc.tools.find_tool("quant-compile"))
    calibrate = not (newer_than(stats, [last, quant_compile])
                     and qc.tools.stats_file_is_current(stats))
    model = qc.load(qc.compile(onnx_path, library, input_shapes={"x": shape},
                               recipe="w8a8",
                               calib=calib_dir if calibrate else None,
                               calib_stats=stats, observer=observer))
    return np.stack([model(x[None])[0][0] for x in inputs])


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
    parser.add_argument("--ort-int8", action="store_true")
    parser.add_argument("--qc-int8", action="store_true")
    parser.add_argument("--observer", default="minmax")
    args = parser.parse_args()
    int8 = args.ort_int8 or args.qc_int8
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
        INT8_DIR.mkdir(parents=True, exist_ok=True)
        if args.ort_int8:
            rec_int8 = run_int8(external, *REC, "ocr-rec", images, Path(tmp))
            cls_int8 = run_int8(external, *CLS, "ocr-cls", images, Path(tmp))
        if args.qc_int8:
            rec_qc_int8 = run_qc_int8(external, *REC, "ocr-rec", images,
                                      Path(tmp), args.observer)
            cls_qc_int8 = run_qc_int8(external, *CLS, "ocr-cls", images,
                                      Path(tmp), args.observer)

    qc_text = [ocr.ctc_decode(p, dictionary) for p in rec_qc]
    ort_text = [ocr.ctc_decode(p, dictionary) for p in rec_ort]
    print(f"{len(lines)} lines of Moby-Dick from chapter {args.first_chapter}, "
          f"{sum(map(len, lines))} characters")
    readers = [("QC (float)", qc_text, cls_qc),
               ("onnxruntime", ort_text, cls_ort)]
    if args.ort_int8:
        int8_text = {op_set: [ocr.ctc_decode(p.reshape(rec_ort.shape[1:]),
                                             dictionary)
                              for p in rec_int8[op_set]]
                     for op_set, _ in INT8_OP_SETS}
        readers += [(f"onnxruntime int8 ({label})", int8_text[op_set],
                     cls_int8[op_set]) for op_set, label in INT8_OP_SETS]
    if args.qc_int8:
        qc_int8_text = [ocr.ctc_decode(p, dictionary) for p in rec_qc_int8]
        readers.append((f"QC int8 (w8a8, {args.observer})", qc_int8_text,
                        cls_qc_int8))
    float_decision = np.argmax(cls_ort, axis=-1)
    print("| reader | character accuracy | exact lines | upright (cls) |"
          + (" cls as onnxruntime float |" if int8 else ""))
    print("|---|--:|--:|--:|" + ("--:|" if int8 else ""))
    for name, texts, angles in readers:
        exact = sum(t == r for t, r in zip(texts, lines))
        decision = np.argmax(angles.reshape(cls_ort.shape), axis=-1)
        # cls's class 0 is 0 degrees: every rendered line is upright.
        upright = int(np.sum(decision == 0))
        same = (f" {100 * np.mean(decision == float_decision):.2f}% |"
                if int8 else "")
        print(f"| {name} | {100 * ocr.character_accuracy(texts, lines):.2f}% "
              f"| {exact}/{len(lines)} | {upright}/{len(lines)} |{same}")
    differing = sum(a != b for a, b in zip(qc_text, ort_text))
    print(f"\nlines read differently by QC and onnxruntime: {differing}")
    if args.ort_int8:
        for op_set, label in INT8_OP_SETS:
            differing = sum(a != b for a, b in zip(int8_text[op_set],
                                                   ort_text))
            print(f"lines read differently by onnxruntime int8 ({label}) "
                  f"and float: {differing}")
        print(f"int8: {CALIBRATION_COUNT} calibration lines from chapter "
              f"100; QDQ models in {INT8_DIR.relative_to(ROOT)}")
    if args.qc_int8:
        differing = sum(a != b for a, b in zip(qc_int8_text, ort_text))
        print(f"lines read differently by QC int8 and float: {differing}")
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
