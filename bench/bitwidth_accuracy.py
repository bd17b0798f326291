#!/usr/bin/python3
"""Accuracy against average weight bits: uniform widths, MixQuant and HAWQ.

    /usr/bin/python3 bench/bitwidth_accuracy.py [--model fashion-mnist]...
        [--bits 8,6,5,4,3] [--candidates 2,3,4,8]
        [--base-flags="--bias-correction"] [--methods uniform,mixquant,hawq]
        [--search-options="sensitivity=absolute"] [--svg docs/bitwidth_accuracy.svg] [--json FILE] [--no-cache]

For each model (fashion-mnist: top-1 on the 10,000 test images; char-lm:
bits per character on 200 held-out windows; rec: PP-OCRv4 rec's character
accuracy on 300 lines of Moby-Dick) and each average weight width X of
--bits, three quantized configurations, each with --base-flags:

* uniform: `--recipe=wXa8`, every layer at X bits;
* mixquant: `--search-bitwidth="method=mixquant budget=avg-bits:X"`;
* hawq: `--search-bitwidth="budget=avg-bits:X"` (HAWQ-V3's program on
  QC's Hessian trace).

--search-options adds qc-search-bitwidth options to both searches;
--methods measures only some of the three (the others' cells stay empty).
Both searches choose among --candidates (default 2, 3, 4 and 8 bits,
qc-search-bitwidth's) with the first and last layer at 8. At X = 8 the only choice is 8 bits
everywhere, the uniform model, so only uniform runs there. A budget the
pinned layers alone exceed is reported as infeasible with the smallest
feasible average (qc-search-bitwidth's error). Activations are 8-bit
everywhere. The calibration sets and caches are those of
bench/fashion_mnist_accuracy.py, bench/char_lm_bpc.py and
bench/rec_quantization.py (build/bench/...).

Prints a markdown table (stderr: each row as it is measured) and, with
--svg, draws one panel per model.

Needs a build (scripts/build.sh; QC_TOOLS_DIR overrides build/bin),
scripts/fetch-models.sh and dataset-fashion-mnist.
"""

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "bench"))
import qc  # noqa: E402
from configurations import compile_cached, compile_configuration  # noqa: E402

METHODS = ("uniform", "mixquant", "hawq")


class Task:
    """A model, its calibration set and its metric."""

    name = ""
    metric = ""
    higher_is_better = True
    model_flags = ()

    def evaluate(self, library):
        raise NotImplementedError


class FashionMnist(Task):
    name = "fashion-mnist"
    metric = "top-1 %"

    def __init__(self, external):
        from fashion_mnist_accuracy import MODEL, SHAPE, write_calibration_set
        from qc.datasets import fashion_mnist

        self.model = MODEL
        self.cache = ROOT / "build/bench/fashion-mnist"
        self.model_flags = ["--input-shape=image=" +
                            "x".join(str(d) for d in SHAPE)]
        self.calibration = write_calibration_set(
            self.cache / "calibration-64", 64)
        self.images, self.labels = fashion_mnist("test")

    def evaluate(self, library):
        model = qc.load(str(Path(library).resolve()), num_threads=1)
        logits = np.stack([model(image[None])[0][0] for image in self.images])
        return 100.0 * float((logits.argmax(1) == self.labels).mean())


class CharLm(Task):
    name = "char-lm"
    metric = "bits/char"
    higher_is_better = False

    def __init__(self, external):
        import char_lm_bpc
        from qc import datasets

        self.model = char_lm_bpc.MODEL
        self.cache = char_lm_bpc.CACHE
        self.calibration = char_lm_bpc.write_calibration_set(64)
        self.windows = datasets.char_lm_eval_windows(200)
        self.run_windows = char_lm_bpc.run_windows
        self.datasets = datasets

    def evaluate(self, library):
        logits = self.run_windows(library, self.windows)
        return self.datasets.bits_per_character(logits, self.windows[:, 1:])


class Rec(Task):
    name = "rec"
    metric = "char accuracy %"

    def __init__(self, external):
        import rec_quantization
        from ocr_accuracy import REC, calibration_set
        from qc import ocr

        model_file, shape = REC
        self.model = external / "ocr-models/assets" / model_file
        self.cache = rec_quantization.CACHE
        self.model_flags = ["--input-shape=x=" +
                            "x".join(str(d) for d in shape)]
        self.calibration, _ = calibration_set(external, "ocr-rec")
        self.dictionary = ocr.load_dictionary(
            external / "ocr-models/assets/ppocr_keys_v1.txt")
        self.lines = ocr.book_lines(external / "moby-dick/data", shape[3],
                                    300)
        self.inputs = np.concatenate(
            [ocr.preprocess(ocr.render_line(line), shape[3])
             for line in self.lines])
        self.read_lines = rec_quantization.read_lines
        self.ocr = ocr

    def evaluate(self, library):
        texts = self.read_lines(library, self.inputs, self.dictionary)
        return 100.0 * self.ocr.character_accuracy(texts, self.lines)


TASKS = {task.name: task for task in (FashionMnist, CharLm, Rec)}


def configuration(method, bits, candidates, base, search_options):
    if method == "uniform":
        return [f"--recipe=w{bits}a8", *base]
    search = ("method=mixquant " if method == "mixquant" else "") + \
        f"budget=avg-bits:{bits} candidates={candidates}" + \
        (f" {search_options}" if search_options else "")
    return ["--recipe=w8a8", f"--search-bitwidth={search}", *base]


def sweep(task, methods, bit_widths, candidates, base, search_options,
          use_cache):
    """{"float": metric, "uniform"/"mixquant"/"hawq": {bits: metric or
    None (infeasible or failed)}}."""
    library = compile_cached(task.model, list(task.model_flags), use_cache,
                             f"{task.name} float", task.cache)
    results = {"float": task.evaluate(library)}
    print(f"{task.name} float: {results['float']:.4f}", file=sys.stderr,
          flush=True)
    for method in methods:
        results[method] = {}
        for bits in bit_widths:
            if method != "uniform" and bits == max(bit_widths) == 8:
                continue  # The searches' only choice: uniform 8 bits.
            library = compile_configuration(
                task.model,
                configuration(method, bits, candidates, base, search_options),
                task.calibration, task.cache, use_cache, task.name,
                task.model_flags)
            value = None if library is None else task.evaluate(library)
            results[method][bits] = value
            shown = "failed" if value is None else f"{value:.4f}"
            print(f"{task.name} {method} {bits}: {shown}", file=sys.stderr,
                  flush=True)
    return results


def measured_methods(results):
    """The methods of METHODS that `results` has, in that order."""
    return [method for method in METHODS if method in results]


def markdown(task, results, bit_widths):
    methods = measured_methods(results)
    lines = [f"{task.name} ({task.metric}; float {results['float']:.4f})",
             "| avg weight bits | " + " | ".join(methods) + " |",
             "|--:|" + "--:|" * len(methods)]
    for bits in bit_widths:
        cells = []
        for method in methods:
            if bits not in results[method]:
                cells.append("= uniform")
                continue
            value = results[method][bits]
            cells.append("infeasible/failed" if value is None
                         else f"{value:.4f}")
        lines.append(f"| {bits} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


COLORS = {"uniform": "#1f77b4", "mixquant": "#2ca02c", "hawq": "#d62728"}


def svg_panel(task, results, bit_widths, left, width, height):
    """One panel: the metric against average bits, a line per method and
    the float model dashed."""
    values = [results["float"]] + [
        v for m in measured_methods(results) for v in results[m].values()
        if v is not None]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    low, high = low - 0.05 * span, high + 0.05 * span
    margin = 50
    x0, x1 = left + margin, left + width - 15
    y0, y1 = height - 40, 30
    lo_bits, hi_bits = min(bit_widths), max(bit_widths)

    def x(bits):
        return x0 + (bits - lo_bits) / (hi_bits - lo_bits) * (x1 - x0)

    def y(value):
        return y0 - (value - low) / (high - low) * (y0 - y1)

    parts = [f'<text x="{(x0 + x1) / 2}" y="18" text-anchor="middle" '
             f'font-size="14">{task.name} ({task.metric})</text>',
             f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="black"/>',
             f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="black"/>']
    for bits in bit_widths:
        parts.append(f'<text x="{x(bits)}" y="{y0 + 16}" text-anchor="middle"'
                     f' font-size="11">{bits}</text>')
    parts.append(f'<text x="{(x0 + x1) / 2}" y="{height - 6}" '
                 'text-anchor="middle" font-size="11">average weight bits'
                 '</text>')
    for fraction in (0.0, 0.5, 1.0):
        value = low + fraction * (high - low)
        parts.append(f'<text x="{x0 - 4}" y="{y(value) + 4}" '
                     f'text-anchor="end" font-size="10">{value:.3g}</text>')
    parts.append(f'<line x1="{x0}" y1="{y(results["float"])}" x2="{x1}" '
                 f'y2="{y(results["float"])}" stroke="gray" '
                 'stroke-dasharray="4 3"/>')
    for method in measured_methods(results):
        points = sorted((b, v) for b, v in results[method].items()
                        if v is not None)
        if method != "uniform" and 8 in results.get("uniform", {}):
            points = sorted(points + [(8, results["uniform"][8])])
        if not points:
            continue
        path = " ".join(f"{x(b):.1f},{y(v):.1f}" for b, v in points)
        parts.append(f'<polyline points="{path}" fill="none" '
                     f'stroke="{COLORS[method]}" stroke-width="2"/>')
        for b, v in points:
            parts.append(f'<circle cx="{x(b):.1f}" cy="{y(v):.1f}" r="3" '
                         f'fill="{COLORS[method]}"/>')
    return parts


def write_svg(path, tasks, all_results, bit_widths):
    width, height = 330, 260
    parts = []
    for index, task in enumerate(tasks):
        parts += svg_panel(task, all_results[task.name], bit_widths,
                           index * width, width, height)
    legend_y = height + 12
    for index, method in enumerate(METHODS + ("float",)):
        color = COLORS.get(method, "gray")
        parts.append(f'<rect x="{60 + 110 * index}" y="{legend_y - 9}" '
                     f'width="12" height="4" fill="{color}"/>')
        parts.append(f'<text x="{76 + 110 * index}" y="{legend_y}" '
                     f'font-size="12">{method}</text>')
    total_width = width * len(tasks)
    Path(path).write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_width}" '
        f'height="{height + 24}" font-family="sans-serif">\n'
        f'<rect width="100%" height="100%" fill="white"/>\n'
        + "\n".join(parts) + "\n</svg>\n")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", action="append", choices=sorted(TASKS),
                        help="repeatable; default all three")
    parser.add_argument("--bits", default="8,6,5,4,3")
    parser.add_argument("--candidates", default="2,3,4,8",
                        help="the searches' candidate widths")
    parser.add_argument("--base-flags", default="--bias-correction",
                        help="quant-compile flags of every configuration")
    parser.add_argument("--methods", default=",".join(METHODS),
                        help="which of uniform, mixquant, hawq to measure")
    parser.add_argument("--search-options", default="",
                        help="qc-search-bitwidth options added to both "
                             "searches, e.g. sensitivity=absolute")
    parser.add_argument("--svg", type=Path)
    parser.add_argument("--json", type=Path,
                        help="also write the results as JSON")
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    bit_widths = sorted({int(b) for b in args.bits.split(",")}, reverse=True)
    methods = [m for m in METHODS if m in args.methods.split(",")]
    base = shlex.split(args.base_flags)
    external = Path(subprocess.run([ROOT / "scripts/fetch-models.sh"],
                                   check=True, capture_output=True,
                                   text=True).stdout.strip())
    tasks = [TASKS[name](external) for name in (args.model or list(TASKS))]
    all_results = {}
    for task in tasks:
        all_results[task.name] = sweep(task, methods, bit_widths,
                                       args.candidates, base,
                                       args.search_options, not args.no_cache)
    print(f"base flags: {args.base_flags or '(none)'}; searches choose "
          f"among {args.candidates} bits, first and last layer at 8\n")
    for task in tasks:
        print(markdown(task, all_results[task.name], bit_widths) + "\n")
    if args.svg:
        write_svg(args.svg, tasks, all_results, bit_widths)
    if args.json:
        args.json.write_text(json.dumps(all_results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
