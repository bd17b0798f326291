"""Locating and running QC's command-line tools."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

# Where a source checkout builds the tools (scripts/build.sh).
_CHECKOUT_BIN = Path(__file__).resolve().parents[2] / "build" / "bin"

# The version of the statistics files quant-compile --calib-stats writes and
# reads (kStatsFileVersion in include/qc/Calibration/Observers.h); a file of
# another version is rejected and must be written again by calibrating.
STATS_FILE_VERSION = 2


class QCToolError(RuntimeError):
    """A QC tool exited with an error; the message holds its diagnostics."""

    def __init__(self, tool, returncode, stderr):
        super().__init__(f"{tool} failed with exit code {returncode}:\n{stderr}")
        self.tool = tool
        self.returncode = returncode
        self.stderr = stderr


def find_tool(name):
    """Path of a QC tool: $QC_TOOLS_DIR, then the checkout's build/bin, then PATH."""
    candidates = []
    if "QC_TOOLS_DIR" in os.environ:
        candidates.append(Path(os.environ["QC_TOOLS_DIR"]) / name)
    candidates.append(_CHECKOUT_BIN / name)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(
            f"{name} not found: set QC_TOOLS_DIR, build the checkout "
            f"(scripts/build.sh) or put it on PATH")
    return found


def tools_available(*names):
    """Whether the named QC tools (default: quant-compile) can be found."""
    try:
        for name in names or ("quant-compile",):
            find_tool(name)
    except FileNotFoundError:
        return False
    return True


def _run(tool, args, stdin):
    result = subprocess.run([find_tool(tool), *args], input=stdin,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise QCToolError(tool, result.returncode, result.stderr)
    return result.stdout


def stats_file_is_current(path):
    """Whether ``path`` is a statistics file quant-compile can reuse: it
    exists, is JSON and has STATS_FILE_VERSION. Callers that cache
    statistics calibrate again (``calib=``) when it is not."""
    try:
        stats = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(stats, dict) and stats.get("version") == STATS_FILE_VERSION


def opt(mlir, pipeline=(), extra_args=()):
    """Runs quant-opt over MLIR text with the given passes and returns the result.

    ``pipeline`` is a sequence of pass arguments without the leading dashes,
    e.g. ``["qc-lower-quant-ops", "canonicalize"]``.
    """
    args = [f"--{p}" for p in pipeline] + list(extra_args)
    return _run("quant-opt", args, mlir)


def qc_passes():
    """Names of the qc passes and pipelines quant-opt registers."""
    help_text = _run("quant-opt", ["--help"], "")
    return sorted(set(re.findall(r"--(qc-[a-z0-9-]+)", help_text)))


def compile(model, output, input_shapes=None, emit=None, target=None,
            cpu=None, features=None, opt_level=None, parallel=None,
            vectorize=None, recipe=None, calib=None, calib_stats=None,
            observer=None, integer_only=None, keep_float=None, report=None,
            smooth=None, split_outliers=None, tabulate_functions=None,
            per_channel_depthwise_inputs=None, bias_correction=None,
            search_bitwidth=None, weight_group_size=None):
    """Compiles an ONNX or MLIR model with quant-compile; returns `output`.

    ``input_shapes`` maps graph input names to static shapes (sequences of
    ints), for models with dynamic dimensions. ``parallel=False`` makes a
    single-threaded library that does not need libomp; ``vectorize=False``
    compiles scalar reference loops. ``target="cuda:sm_90a"`` (or another
    ``cuda:sm_<version>``) compiles for an NVIDIA GPU: the library loads
    anywhere and runs where a CUDA driver and that GPU are (``emit="ptx"``
    writes the kernels' PTX).

    Quantization (quant-compile --help lists the details): ``recipe="w8a8"``
    with ``calib`` (a directory of samples) and/or ``calib_stats`` (the
    statistics file to write or reuse), ``observer`` ("minmax",
    "moving_average", "percentile", "mse", "kl"), ``keep_float`` (ONNX node
    names) and ``integer_only=False`` to let ops without an integer form run
    in float. ``report`` names the JSON file of the quantization report (every
    quantized activation and weight with its scale, zero point, storage and
    SQNR against the float model); its text table goes next to it, with the
    extension ``.txt``. ``smooth`` smooths activation channels into the
    weights first (qc-smooth): ``""`` for its defaults, or its options, e.g.
    ``"method=os_plus"`` or ``"alpha=0.8"``; it needs ``calib``.
    ``split_outliers`` then splits outlier input channels
    (qc-split-outliers): ``""`` for its defaults, or its options, e.g.
    ``"ratio=0.05,target=activations"``; it needs ``calib``.
    ``tabulate_functions=True`` quantizes elementwise functions of one tensor
    (HardSwish spelled out, x * sigmoid(x)) at their input and output only,
    each one table. ``per_channel_depthwise_inputs=True`` quantizes values
    only depthwise convolutions read per channel. ``bias_correction=True``
    corrects convolution biases for the mean shift of weight rounding.
    ``search_bitwidth`` chooses each layer's weight width under a budget
    (qc-search-bitwidth): its options separated by spaces, e.g.
    ``"method=hawq budget=avg-bits:5"``. ``weight_group_size`` gives
    weights one scale per group of that many input channels (32, 64, 128).
    """
    args = [str(model), "-o", str(output)]
    if smooth is not None:
        args.append(f"--smooth={smooth}" if smooth else "--smooth")
    if split_outliers is not None:
        args.append(f"--split-outliers={split_outliers}" if split_outliers
                    else "--split-outliers")
    if search_bitwidth is not None:
        args.append(f"--search-bitwidth={search_bitwidth}")
    for name, shape in (input_shapes or {}).items():
        args.append(f"--input-shape={name}=" + "x".join(str(d) for d in shape))
    for flag, value in (("emit", emit), ("target", target), ("cpu", cpu),
                        ("features", features), ("recipe", recipe),
                        ("calib", calib), ("calib-stats", calib_stats),
                        ("observer", observer), ("report", report),
                        ("weight-group-size", weight_group_size)):
        if value is not None:
            args.append(f"--{flag}={value}")
    if keep_float:
        args.append("--keep-float=" + ",".join(keep_float))
    if opt_level is not None:
        args.append(f"-O{opt_level}")
    for flag, value in (("parallel", parallel), ("vectorize", vectorize),
                        ("integer-only", integer_only),
                        ("tabulate-functions", tabulate_functions),
                        ("per-channel-depthwise-inputs",
                         per_channel_depthwise_inputs),
                        ("bias-correction", bias_correction)):
        if value is not None:
            args.append(f"--{flag}={'true' if value else 'false'}")
    _run("quant-compile", args, "")
    return output
