#!/usr/bin/python3
"""Binary size and CPU latency of packed sub-byte weights against W8A8.

    /usr/bin/python3 bench/packed_weights.py [--model fashion-mnist]...
        [--runs 200] [--repeats 5] [--no-cache]

For each model (the tasks of bench/bitwidth_accuracy.py) compiles, with
--bias-correction and single-threaded, the configurations

* w8a8: int8 weights, one scale per output channel;
* w4a8 and w2a8: 4- and 2-bit weights packed (qc.packed_matmul) wherever a
  layer's input length is a multiple of 8;
* w4a8 g32: 4 bits with one scale per 32 input channels;
* hawq avg-bits 6 and 5: HAWQ-V3's mix of 2, 3, 4 and 8 bits;

and reports the library's size, its read-only data (where the weights
are; `size -A`: .rodata, .lrodata), each as a ratio to w8a8, and the
latency of one inference (one image, one 64-token window, one text line):
the median over --repeats rounds of the mean of --runs calls, also as a
ratio to w8a8 measured in the same run, with the task's metric.

With --export DIR the latencies are not measured here: each library, one
inference's input and the sizes and metrics (manifest.json) go to DIR, and
bench/time_libraries.py DIR measures them on another machine (a quiet one:
builds on the same cores distort latencies) and prints the full tables.

Needs what bench/bitwidth_accuracy.py needs.
"""

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "bench"))
import qc  # noqa: E402
from bitwidth_accuracy import TASKS  # noqa: E402
from configurations import compile_configuration  # noqa: E402

BASE = ["--bias-correction"]
CONFIGURATIONS = {
    "w8a8": ["--recipe=w8a8"],
    "w4a8": ["--recipe=w4a8"],
    "w4a8 g32": ["--recipe=w4a8", "--weight-group-size=32"],
    "w2a8": ["--recipe=w2a8"],
    "hawq avg-bits 6": ["--recipe=w8a8",
                        "--search-bitwidth=budget=avg-bits:6"],
    "hawq avg-bits 5": ["--recipe=w8a8",
                        "--search-bitwidth=budget=avg-bits:5"],
}
READ_ONLY_SECTIONS = (".rodata", ".lrodata")


def read_only_bytes(library):
    """Bytes of the library's read-only data sections."""
    listing = subprocess.run(["size", "-A", str(library)], check=True,
                             capture_output=True, text=True).stdout
    total = 0
    for line in listing.splitlines():
        fields = line.split()
        if fields and fields[0] in READ_ONLY_SECTIONS:
            total += int(fields[1])
    return total


def sample_input(task):
    """One inference's input."""
    if task.name == "fashion-mnist":
        return task.images[0][None]
    if task.name == "char-lm":
        return task.windows[0][None, :64]
    return task.inputs[:1]


def latency_ms(library, sample, runs, repeats, threads=1):
    """Median over `repeats` rounds of the mean time of `runs` calls."""
    model = qc.load(str(Path(library).resolve()), num_threads=threads)
    model(sample)
    rounds = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(runs):
            model(sample)
        rounds.append((time.perf_counter() - start) / runs * 1e3)
    return float(np.median(rounds))


def measure(task, runs, repeats, use_cache, export):
    rows = []
    for name, flags in CONFIGURATIONS.items():
        library = compile_configuration(
            task.model, flags + BASE, task.calibration, task.cache,
            use_cache, task.name, task.model_flags)
        if library is None:
            rows.append((name, None))
            continue
        row = {"file": Path(library).stat().st_size,
               "rodata": read_only_bytes(library),
               "metric": task.evaluate(library)}
        if export:
            row["library"] = export_library(library, export / task.name, name)
        else:
            row["latency"] = latency_ms(library, sample_input(task), runs,
                                        repeats)
        print(f"{task.name} {name}: {row}", file=sys.stderr, flush=True)
        rows.append((name, row))
    if export:
        np.save(export / task.name / "input.npy", sample_input(task))
        manifest = {"model": task.name, "metric": task.metric,
                    "configurations": rows}
        (export / task.name / "manifest.json").write_text(
            json.dumps(manifest, indent=1) + "\n")
    return rows


def export_library(library, directory, name):
    """Copies `library` into `directory` as <name>.so; the new file name."""
    directory.mkdir(parents=True, exist_ok=True)
    file_name = name.replace(" ", "-") + ".so"
    shutil.copyfile(library, directory / file_name)
    return file_name


def markdown(model, metric, rows):
    """The table of one model's `rows` ((name, row or None) pairs, w8a8
    among them)."""
    reference = dict(rows)["w8a8"]
    lines = [f"{model} ({metric})", "",
             "| weights | library KiB | x w8a8 | read-only KiB | x w8a8 "
             "| latency ms | x w8a8 | " + metric + " |",
             "|---|--:|--:|--:|--:|--:|--:|--:|"]
    for name, row in rows:
        if row is None:
            lines.append(f"| {name} | failed | | | | | | |")
            continue
        lines.append(
            f"| {name} | {row['file'] / 1024:.1f} "
            f"| {row['file'] / reference['file']:.3f} "
            f"| {row['rodata'] / 1024:.1f} "
            f"| {row['rodata'] / reference['rodata']:.3f} "
            f"| {row['latency']:.3f} "
            f"| {row['latency'] / reference['latency']:.2f} "
            f"| {row['metric']:.4f} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", choices=sorted(TASKS),
                        help="default: all")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--export", type=Path,
                        help="write libraries, inputs and manifests here "
                             "for bench/time_libraries.py instead of "
                             "measuring latencies")
    args = parser.parse_args()
    external = Path(subprocess.run([ROOT / "scripts/fetch-models.sh"],
                                   check=True, capture_output=True,
                                   text=True).stdout.strip())
    for name in args.model or sorted(TASKS):
        task = TASKS[name](external)
        rows = measure(task, args.runs, args.repeats, not args.no_cache,
                       args.export)
        if not args.export:
            print(markdown(task.name, task.metric, rows))
            print()


if __name__ == "__main__":
    main()
