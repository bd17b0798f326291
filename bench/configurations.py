"""Quantized configurations of a model, shared by the accuracy benchmarks
(char_lm_bpc.py, rec_quantization.py).

A configuration is the words of one --qc-flags value: quant-compile flags
added after the recipe's (--recipe=w8a8 unless they name another, e.g.
`--recipe=w4a8 --observer=mse --smooth=alpha-search`). Statistics files and
compiled libraries are cached under the benchmark's cache directory:

* the statistics of each model and calibration set are written once (the
  first quantized compile passes --calib and --calib-stats, later ones
  --calib-stats only, so the observers share one calibration run), one
  file per quant-compile (its path, size and modification time are in the
  name, so that benchmarks run with different tools at once do not replace
  each other's statistics);
* configurations that rewrite the model before quantizing (--smooth,
  --split-outliers: quant-compile calibrates the rewritten model again) or
  name --calib get --calib instead, and those with their own --calib-stats
  get nothing more;
* libraries are keyed on the model's bytes, the flags and quant-compile's
  path, size and modification time.

Single-threaded libraries (--parallel=false).
"""

import hashlib
import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
import qc  # noqa: E402

DEFAULT_RECIPE = "w8a8"


def _digest(*parts):
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part if isinstance(part, bytes) else str(part).encode())
        hasher.update(b"\0")
    return hasher.hexdigest()[:16]


def _tool_identity():
    tool = Path(qc.find_tool("quant-compile"))
    status = tool.stat()
    return f"{tool.resolve()}:{status.st_size}:{status.st_mtime_ns}"


def quant_compile(model, output, flags):
    """quant-compile MODEL -o OUTPUT --parallel=false FLAGS (qc.compile's
    way of running it, with any flags); returns OUTPUT."""
    args = [qc.find_tool("quant-compile"), str(model), "-o", str(output),
            "--parallel=false", *flags]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise qc.QCToolError("quant-compile", result.returncode,
                             result.stderr)
    return output


def compile_cached(model, flags, use_cache, label, cache):
    """The compiled library of `model` with `flags`, from or into
    `cache`/lib."""
    key = _digest(Path(model).read_bytes(), json.dumps(flags),
                  _tool_identity())
    library = cache / "lib" / f"{Path(model).stem}-{key}.so"
    if use_cache and library.is_file():
        print(f"{label}: cached {library.relative_to(ROOT)}", flush=True)
        return library
    library.parent.mkdir(parents=True, exist_ok=True)
    started = time.time()
    temporary = library.with_suffix(".tmp.so")
    quant_compile(model, temporary, flags)
    temporary.replace(library)
    print(f"{label}: compiled in {time.time() - started:.0f} s", flush=True)
    return library


def given(extra, flag):
    """Whether the words `extra` set quant-compile's `flag`."""
    return any(word == flag or word.startswith(flag + "=") for word in extra)


def recipe_of(extra):
    """The recipe of a configuration: its --recipe=NAME, or w8a8."""
    for word in extra:
        if word.startswith("--recipe="):
            return word.split("=", 1)[1]
    return DEFAULT_RECIPE


def name_of(extra):
    """A configuration's flags besides the recipe, for tables."""
    return " ".join(word for word in extra
                    if not word.startswith("--recipe=")) or "(defaults)"


def rewrites(extra):
    """Whether the words `extra` rewrite the model before quantization (which
    then calibrates the rewritten model again)."""
    return given(extra, "--smooth") or given(extra, "--split-outliers")


def quantized_flags(model, extra, calibration, cache):
    """quant-compile flags of one quantized configuration of `model`, with
    the calibration samples in the directory `calibration`."""
    flags = [] if given(extra, "--recipe") else [f"--recipe={DEFAULT_RECIPE}"]
    if given(extra, "--calib-stats") and not rewrites(extra):
        return flags + extra
    if rewrites(extra) or given(extra, "--calib"):
        if not given(extra, "--calib"):
            flags.append(f"--calib={calibration}")
        return flags + extra
    stats = cache / "stats" / (
        f"{Path(model).stem}-{_digest(Path(model).read_bytes())}-"
        f"{Path(calibration).name}-{_digest(_tool_identity())}.json")
    stats_key = stats.with_suffix(".tool")
    if not (stats.is_file() and stats_key.is_file()
            and stats_key.read_text() == _tool_identity()):
        stats.parent.mkdir(parents=True, exist_ok=True)
        stats.unlink(missing_ok=True)
        flags.append(f"--calib={calibration}")
    flags.append(f"--calib-stats={stats}")
    return flags + extra


def remember_stats(flags):
    """Records which quant-compile wrote the statistics file in `flags`."""
    for flag in flags:
        if flag.startswith("--calib-stats="):
            stats = Path(flag.split("=", 1)[1])
            if stats.is_file():
                stats.with_suffix(".tool").write_text(_tool_identity())


def add_configuration_arguments(parser):
    """--qc-flags (repeatable) and --no-cache on an argparse parser."""
    parser.add_argument("--qc-flags", action="append", metavar="FLAGS",
                        help="extra quant-compile flags of one quantized "
                        "configuration (repeatable; --recipe=NAME replaces "
                        "w8a8)")
    parser.add_argument("--no-cache", action="store_true",
                        help="compile again instead of using cached libraries")


def parse_configurations(args):
    """The configurations of parsed arguments: the words of each --qc-flags
    value; one with quant-compile's defaults without any."""
    return [shlex.split(flags) for flags in (args.qc_flags or [""])]


def compile_configuration(model, extra, calibration, cache, use_cache, label,
                          model_flags=()):
    """The library of `model` quantized by configuration `extra` (after
    `model_flags`, e.g. --input-shape), or None where quant-compile failed
    (its error printed)."""
    flags = list(model_flags) + quantized_flags(model, extra, calibration,
                                                cache)
    description = f"{label} {recipe_of(extra)} {name_of(extra)}"
    try:
        library = compile_cached(model, flags, use_cache, description, cache)
    except qc.QCToolError as error:
        print(f"{description}: {error}", file=sys.stderr)
        return None
    remember_stats(flags)
    return library
