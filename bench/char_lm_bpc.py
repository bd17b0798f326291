#!/usr/bin/python3
"""Bits per character of QC's compiled char-lm fixture, float and quantized.

Compiles models/char-lm/char_lm.onnx (input "tokens" int64 1x64, output
"logits" 1x64x78) with quant-compile through the qc package, float (no
recipe) and with `--recipe w8a8 --calib DIR`, runs it on N held-out windows
of Moby-Dick (qc.datasets.char_lm_eval_windows: non-overlapping, spread
evenly over the last ~10% of the text, never trained on) and prints a
markdown table of bits per character: the mean of -log2 softmax(logits)
[next character] over all 64 predicted positions of every window
(qc.datasets.bits_per_character), and how the quantized logits differ from
the float ones.

    /usr/bin/python3 bench/char_lm_bpc.py [--windows 200]
        [--model PATH]... [--outliers]
        [--qc-flags="--observer=mse"]... [--calibration-windows 64]
        [--no-w8a8] [--no-cache]

--model (repeatable) evaluates other ONNX files of the same interface
instead of the fixture; --outliers adds the fixture with exact outliers
injected (models/char-lm/inject_outliers.py defaults: channels 5, 60, 101 of
every block's layer norms x 50, written to build/bench/char-lm/). Each
--qc-flags value is one quantized configuration: its words (shell-split)
are passed to quant-compile after the recipe flags (--recipe=w8a8 unless
they name another, e.g. `--qc-flags="--recipe=w4a8 --observer=mse"`);
without --qc-flags there is one, with quant-compile's defaults (w8a8,
observer minmax). `--qc-flags=` (empty) and `--qc-flags=--observer=mse`
give both.

Calibration: --calibration-windows windows of 64 characters from the
training part (qc.datasets.char_lm_calibration_windows), written once as
.npy files to build/bench/char-lm/calibration-<count>/. Statistics files
(build/bench/char-lm/stats/) and compiled libraries (build/bench/char-lm/lib/)
are cached as bench/configurations.py describes (--no-cache compiles
everything again). Single-threaded libraries (--parallel=false) and runs.

Needs a build (scripts/build.sh; QC_TOOLS_DIR overrides build/bin) and the
text (scripts/fetch-models.sh); --outliers needs python3-onnx.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
import qc  # noqa: E402
from qc import datasets  # noqa: E402
from configurations import (add_configuration_arguments,  # noqa: E402
                            compile_cached, compile_configuration, name_of,
                            parse_configurations, recipe_of)

MODEL = ROOT / "models/char-lm/char_lm.onnx"
CACHE = ROOT / "build/bench/char-lm"
INPUT = "tokens"
CONTEXT = datasets.CHAR_LM_CONTEXT


def write_calibration_set(count):
    """The calibration windows as DIR/sample_NNNNN.npy (1 x 64 int64, the
    one-input layout of quant-compile --calib), written once."""
    directory = CACHE / f"calibration-{count}"
    done = directory / "complete"
    if not done.is_file():
        directory.mkdir(parents=True, exist_ok=True)
        windows = datasets.char_lm_calibration_windows(count)
        for index, window in enumerate(windows):
            np.save(directory / f"sample_{index:05d}.npy", window[None])
        done.write_text(f"{len(windows)}\n")
    return directory


def run_windows(library, windows):
    """Logits of the compiled model on each window's first 64 tokens:
    N x 64 x V."""
    model = qc.load(str(Path(library).resolve()), num_threads=1)
    return np.stack([model(window[None, :CONTEXT])[0][0]
                     for window in windows])


def relative_difference(logits, reference):
    """max |logits - reference| / max |reference|."""
    return float(np.abs(logits - reference).max() / np.abs(reference).max())


def format_row(label, recipe, name, bits, difference):
    """One table row (also printed to stderr as each one is measured)."""
    bits_text = "failed" if bits is None else f"{bits:.4f}"
    difference_text = "" if difference is None else f"{difference:.2e}"
    return (f"| {label} | {recipe} | {name} | {bits_text} | "
            f"{difference_text} |")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--windows", type=int, default=200,
                        help="held-out windows (default %(default)s; "
                        "0: all 1,850)")
    parser.add_argument("--model", type=Path, action="append",
                        help="ONNX model (repeatable; default the fixture)")
    parser.add_argument("--outliers", action="store_true",
                        help="also the fixture with injected outliers")
    parser.add_argument("--calibration-windows", type=int, default=64)
    parser.add_argument("--no-w8a8", action="store_true",
                        help="float only")
    add_configuration_arguments(parser)
    args = parser.parse_args()

    models = list(args.model or [MODEL])
    if args.outliers:
        import onnx
        sys.path.insert(0, str(ROOT / "models/char-lm"))
        from inject_outliers import DEFAULT_OUTPUT, inject_outliers

        injected, _ = inject_outliers(onnx.load(str(MODEL)))
        DEFAULT_OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        onnx.save(injected, str(DEFAULT_OUTPUT))
        models.append(DEFAULT_OUTPUT)
    configurations = parse_configurations(args)
    windows = datasets.char_lm_eval_windows(args.windows or None)
    targets = windows[:, 1:]
    calibration = None
    if not args.no_w8a8:
        calibration = write_calibration_set(args.calibration_windows)

    rows = []
    first = None
    for model in models:
        label = Path(model).name
        library = compile_cached(model, [], not args.no_cache,
                                 f"{label} float", CACHE)
        reference = run_windows(library, windows)
        first = reference if first is None else first
        rows.append((label, "float", "", datasets.bits_per_character(
            reference, targets), relative_difference(reference, first)))
        print(format_row(*rows[-1]), file=sys.stderr, flush=True)
        if args.no_w8a8:
            continue
        for extra in configurations:
            recipe, name = recipe_of(extra), name_of(extra)
            library = compile_configuration(model, extra, calibration, CACHE,
                                            not args.no_cache, label)
            if library is None:
                rows.append((label, recipe, name, None, None))
            else:
                logits = run_windows(library, windows)
                rows.append((label, recipe, name,
                             datasets.bits_per_character(logits, targets),
                             relative_difference(logits, reference)))
            print(format_row(*rows[-1]), file=sys.stderr, flush=True)

    print(f"\nbits per character on {len(windows)} held-out windows "
          f"({targets.size} predicted characters), QC compiled, "
          f"calibration {args.calibration_windows} training windows")
    print("logit difference: max |logits - float logits| / max |float "
          "logits|, against the same model's float logits (quantized) or the "
          "first model's (float)")
    print("| model | recipe | extra flags | bits/char | logit difference |")
    print("|---|---|---|--:|--:|")
    for row in rows:
        print(format_row(*row))
    return 1 if any(row[3] is None for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
