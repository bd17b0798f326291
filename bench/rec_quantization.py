#!/usr/bin/python3
"""Character accuracy of PP-OCRv4 rec under QC's quantization configurations.

    /usr/bin/python3 bench/rec_quantization.py [--lines 300] [--outliers]
        [--qc-flags="--observer=mse"]... [--no-cache]

Reads --lines rendered Moby-Dick lines from chapter 1 (the lines of
bench/ocr_accuracy.py) with rec compiled by QC: in float, and once per
--qc-flags value, a quantized configuration as in bench/char_lm_bpc.py (its
words go to quant-compile after --recipe=w8a8 unless they name another
recipe; bench/configurations.py). Calibration: the 64 lines from chapter
100 on of bench/make_calibration_set.py (ocr_accuracy.py's set), so
calibration and evaluation text differ. --outliers adds rec with exact
activation outliers (models/char-lm/inject_outliers.py defaults: channels
5, 60, 101 x 50 in the layer norms before the first attention block's
Q/K/V and MLP and the second block's Q/K/V), whose float function is the
original's.

Prints each row as it is measured (stderr) and a markdown table at the
end: character accuracy, the difference from the same model's float
accuracy in points, and exact lines. Libraries and statistics are cached in
build/bench/rec-quantization/.

Needs a build (scripts/build.sh; QC_TOOLS_DIR overrides build/bin) and
scripts/fetch-models.sh; --outliers needs python3-onnx.
"""

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
import qc  # noqa: E402
from qc import ocr  # noqa: E402
from configurations import (add_configuration_arguments,  # noqa: E402
                            compile_cached, compile_configuration, name_of,
                            parse_configurations, recipe_of)
from ocr_accuracy import REC, calibration_set  # noqa: E402

CACHE = ROOT / "build/bench/rec-quantization"


def read_lines(library, inputs, dictionary):
    """rec's decoded text of each preprocessed line."""
    model = qc.load(str(Path(library).resolve()), num_threads=1)
    return [ocr.ctc_decode(model(x[None])[0][0], dictionary) for x in inputs]


def format_row(label, recipe, name, accuracy, change, exact, lines):
    """One table row (also printed to stderr as each one is measured)."""
    if accuracy is None:
        return f"| {label} | {recipe} | {name} | failed | | |"
    change_text = "" if change is None else f"{change:+.2f}"
    return (f"| {label} | {recipe} | {name} | {accuracy:.2f}% | "
            f"{change_text} | {exact}/{lines} |")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--outliers", action="store_true",
                        help="also rec with injected outliers")
    add_configuration_arguments(parser)
    args = parser.parse_args()

    external = Path(subprocess.run([ROOT / "scripts/fetch-models.sh"],
                                   check=True, capture_output=True,
                                   text=True).stdout.strip())
    model_file, shape = REC
    models = [external / "ocr-models/assets" / model_file]
    if args.outliers:
        import onnx
        sys.path.insert(0, str(ROOT / "models/char-lm"))
        from inject_outliers import inject_outliers

        injected, _ = inject_outliers(onnx.load(str(models[0])))
        path = CACHE / "rec_outliers.onnx"
        path.parent.mkdir(parents=True, exist_ok=True)
        onnx.save(injected, str(path))
        models.append(path)
    configurations = parse_configurations(args)
    dictionary = ocr.load_dictionary(
        external / "ocr-models/assets/ppocr_keys_v1.txt")
    lines = ocr.book_lines(external / "moby-dick/data", shape[3], args.lines)
    inputs = np.concatenate([ocr.preprocess(ocr.render_line(line), shape[3])
                             for line in lines])
    calibration, _ = calibration_set(external, "ocr-rec")
    shape_flag = "--input-shape=x=" + "x".join(str(d) for d in shape)

    rows = []

    def measure(label, recipe, name, library, reference):
        texts = read_lines(library, inputs, dictionary)
        accuracy = 100 * ocr.character_accuracy(texts, lines)
        exact = sum(t == r for t, r in zip(texts, lines))
        change = None if reference is None else accuracy - reference
        rows.append((label, recipe, name, accuracy, change, exact,
                     len(lines)))
        print(format_row(*rows[-1]), file=sys.stderr, flush=True)
        return accuracy

    for model in models:
        label = model.name
        library = compile_cached(model, [shape_flag], not args.no_cache,
                                 f"{label} float", CACHE)
        reference = measure(label, "float", "", library, None)
        for extra in configurations:
            recipe, name = recipe_of(extra), name_of(extra)
            library = compile_configuration(model, extra, calibration, CACHE,
                                            not args.no_cache, label,
                                            [shape_flag])
            if library is None:
                rows.append((label, recipe, name, None, None, None,
                             len(lines)))
                print(format_row(*rows[-1]), file=sys.stderr, flush=True)
            else:
                measure(label, recipe, name, library, reference)

    print(f"\nPP-OCRv4 rec on {len(lines)} lines of Moby-Dick from chapter 1 "
          f"({sum(map(len, lines))} characters), QC compiled, calibration "
          f"{calibration.relative_to(ROOT)}")
    print("| model | recipe | extra flags | character accuracy | vs float "
          "(points) | exact lines |")
    print("|---|---|---|--:|--:|--:|")
    for row in rows:
        print(format_row(*row))
    return 1 if any(row[3] is None for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
