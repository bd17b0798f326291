#!/usr/bin/python3
"""ONNX backend-test conformance runner for QC.

Runs the ONNX backend node tests (and the PyTorch-converted model tests) that
Debian's ``libonnx-testdata`` ships through QC's own tools:

1. ``quant-translate --import-onnx`` imports ``model.onnx``, with
   ``--input-shape`` for every graph input taken from the test's input data.
   When the importer says that QC does not support an op (or the model's
   domain, opset, IR version or an element type), the test is *unsupported*.
2. The imported ``@main`` is renamed ``@model`` and a harness ``@main`` is
   appended: it calls ``@model`` on the test's inputs (exact, as hex
   ``dense`` constants) and prints every result's *bit pattern* as integers
   with ``printMemrefI32`` / ``printMemrefI64``, so that the comparison sees
   the exact values and not 6-digit decimal text.
3. ``quant-opt --qc-lower-to-llvm`` lowers the module and ``mlir-runner``
   runs it; the printed outputs are compared with the test's expected outputs:
   same shape and dtype, ``numpy.allclose(rtol=1e-4, atol=1e-5,
   equal_nan=True)`` for floating point, exact equality otherwise.

Every test is *passed*, *failed* (with the stage and the first error line) or
*unsupported* (with the op the importer rejected). The runner prints a table
by op type and the totals; it exits with 0 when every test that was run
passed, apart from those listed in ``--expected-failures``.

Run it with Debian's Python, which has numpy and onnx::

    /usr/bin/python3 test/conformance/onnx_backend.py --jobs 2 --table out.md

See docs/conformance.md for the results and the details.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy as np
import onnx
import onnx.numpy_helper
from onnx import numpy_helper

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TOOLS = REPO_ROOT / "build" / "bin"
DEFAULT_DATA_ROOT = Path("/usr/share/libonnx-testdata/data")
DEFAULT_LLVM_DIR = Path("/usr/lib/llvm-22")
SUITES = ("node", "pytorch-converted")

# Comparison tolerances for floating-point outputs (documented in
# docs/conformance.md).
RTOL = 1e-4
ATOL = 1e-5

PASSED, FAILED, UNSUPPORTED = "passed", "failed", "unsupported"
STATUSES = (PASSED, FAILED, UNSUPPORTED)

# Failure stages, in pipeline order.
STAGE_DATA = "data"        # the test's own files could not be read
STAGE_IMPORT = "import"    # quant-translate failed on a supported op
STAGE_HARNESS = "harness"  # the imported signature does not fit the data
STAGE_LOWER = "lower"      # quant-opt --qc-lower-to-llvm failed
STAGE_RUN = "run"          # mlir-runner failed or printed something unexpected
STAGE_COMPARE = "compare"  # outputs differ from the expected ones
STAGE_TIMEOUT = "timeout"  # the test ran past its time limit


# --------------------------------------------------------------------------
# Tests and results
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class TestCase:
    """One backend test: a directory with model.onnx and test_data_set_0."""

    suite: str
    directory: Path

    @property
    def name(self) -> str:
        """The test's id, ``<suite>/<directory name>``, e.g. ``node/test_add``."""
        return f"{self.suite}/{self.directory.name}"


@dataclasses.dataclass
class TestResult:
    """The outcome of one test; plain data so that it crosses processes."""

    name: str
    status: str
    ops: list[str]
    stage: str = ""           # failed: the stage that failed
    message: str = ""         # failed/unsupported: the first error line
    rejected_op: str = ""     # unsupported: the op (or "(opset 6)", ...) rejected
    seconds: float = 0.0


class TestFailure(Exception):
    """Raised inside a test to stop it as failed at `stage`."""

    def __init__(self, stage: str, message: str):
        super().__init__(message)
        self.stage = stage
        self.message = message


class TestUnsupported(Exception):
    """Raised inside a test when the importer rejects what QC does not support."""

    def __init__(self, rejected_op: str, message: str):
        super().__init__(message)
        self.rejected_op = rejected_op
        self.message = message


def discover_tests(data_root: Path, suites: Iterable[str],
                   pattern: Optional[str]) -> list[TestCase]:
    """Lists the tests of `suites` under `data_root` whose id matches the
    regular expression `pattern` (searched, not anchored)."""
    regex = re.compile(pattern) if pattern else None
    cases = []
    for suite in suites:
        suite_dir = data_root / suite
        if not suite_dir.is_dir():
            raise SystemExit(f"error: no test suite at {suite_dir}")
        for directory in sorted(suite_dir.iterdir()):
            if not (directory / "model.onnx").is_file():
                continue
            case = TestCase(suite, directory)
            if regex is None or regex.search(case.name):
                cases.append(case)
    return cases


# --------------------------------------------------------------------------
# Reading a test's model and data
# --------------------------------------------------------------------------


DEFAULT_DOMAINS = ("", "ai.onnx")


def graph_op_types(graph: onnx.GraphProto) -> set[str]:
    """Op types in `graph` and its subgraphs; ops of other domains than the
    default one are named ``domain:OpType``."""
    ops = set()
    for node in graph.node:
        ops.add(node.op_type if node.domain in DEFAULT_DOMAINS
                else f"{node.domain}:{node.op_type}")
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.GRAPH:
                ops |= graph_op_types(attribute.g)
            elif attribute.type == onnx.AttributeProto.GRAPHS:
                for subgraph in attribute.graphs:
                    ops |= graph_op_types(subgraph)
    return ops


@dataclasses.dataclass
class TensorData:
    """A test tensor: its value and its ONNX element type (TensorProto enum)."""

    name: str
    array: np.ndarray
    onnx_type: int


def value_kind(value: onnx.ValueInfoProto) -> str:
    """``tensor``, ``sequence``, ``optional``, ... : the kind of a graph
    input's or output's type."""
    return value.type.WhichOneof("value") or "unknown"


def load_tensor(name: str, path: Path, declared_type: int) -> TensorData:
    """Reads a TensorProto file (input_N.pb / output_N.pb) as graph value
    `name`. Its element type is the one the model declares, when it does:
    the test data stores some bfloat16 tensors as uint16."""
    proto = onnx.TensorProto()
    proto.ParseFromString(path.read_bytes())
    return TensorData(name, numpy_helper.to_array(proto),
                      declared_type or proto.data_type)


def numbered_files(directory: Path, prefix: str) -> list[Path]:
    """``prefix_0.pb``, ``prefix_1.pb``, ... in numeric order."""
    files = directory.glob(f"{prefix}_*.pb")
    return sorted(files, key=lambda p: int(p.stem.rsplit("_", 1)[1]))


@dataclasses.dataclass
class TestData:
    """Tensor inputs keyed by graph input name, expected tensor outputs in
    graph order, and the graph's inputs and outputs that are not tensors
    (sequences, optionals, ...: name -> kind), whose data is not read."""

    inputs: dict[str, TensorData]
    outputs: list[TensorData]
    non_tensors: dict[str, str] = dataclasses.field(default_factory=dict)


def load_values(values: Sequence[onnx.ValueInfoProto], files: Sequence[Path],
                what: str, non_tensors: dict[str, str]) -> list[TensorData]:
    """Reads the files of the tensor-typed `values`, pairing them in order;
    records the others in `non_tensors`."""
    if len(files) != len(values):
        raise TestFailure(STAGE_DATA, f"{len(files)} {what} files for "
                          f"{len(values)} graph {what}s")
    tensors = []
    for value, path in zip(values, files):
        kind = value_kind(value)
        if kind == "tensor_type":
            tensors.append(load_tensor(value.name, path,
                                       value.type.tensor_type.elem_type))
        else:
            non_tensors[value.name] = kind.removesuffix("_type")
    return tensors


def load_test_data(case: TestCase, model: onnx.ModelProto) -> TestData:
    """Reads test_data_set_0 and names its tensors after the graph's inputs
    (those that are not initializers) and outputs, in order."""
    data_dir = case.directory / "test_data_set_0"
    initializers = {tensor.name for tensor in model.graph.initializer}
    graph_inputs = [value for value in model.graph.input
                    if value.name not in initializers]
    non_tensors: dict[str, str] = {}
    inputs = load_values(graph_inputs, numbered_files(data_dir, "input"),
                         "input", non_tensors)
    outputs = load_values(model.graph.output, numbered_files(data_dir, "output"),
                          "output", non_tensors)
    return TestData({tensor.name: tensor for tensor in inputs}, outputs,
                    non_tensors)


# --------------------------------------------------------------------------
# Running the tools
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Toolchain:
    """Paths of the tools a test runs, and its time limit."""

    quant_translate: Path
    quant_opt: Path
    mlir_runner: Path
    runner_libs: tuple[Path, ...]
    timeout: float

    @staticmethod
    def locate(tools_dir: Path, llvm_dir: Path, timeout: float) -> "Toolchain":
        """Finds the tools, exiting with a message when one is missing."""
        toolchain = Toolchain(
            quant_translate=tools_dir / "quant-translate",
            quant_opt=tools_dir / "quant-opt",
            mlir_runner=llvm_dir / "bin" / "mlir-runner",
            runner_libs=(llvm_dir / "lib" / "libmlir_runner_utils.so",
                         llvm_dir / "lib" / "libmlir_c_runner_utils.so"),
            timeout=timeout)
        for path in (toolchain.quant_translate, toolchain.quant_opt,
                     toolchain.mlir_runner, *toolchain.runner_libs):
            if not path.exists():
                raise SystemExit(f"error: {path} does not exist "
                                 "(build QC first, or pass --tools/--llvm-dir)")
        return toolchain

    def snapshot(self, directory: Path) -> "Toolchain":
        """Copies QC's tools into `directory` and returns a toolchain using
        the copies, so that a rebuild during the run cannot mix two builds
        (or catch a tool half linked)."""
        copies = {}
        for field in ("quant_translate", "quant_opt"):
            source = getattr(self, field)
            copies[field] = directory / source.name
            shutil.copy2(source, copies[field])
        return dataclasses.replace(self, **copies)


class Deadline:
    """The time left to one test, shared by the tools it runs."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds
        self.seconds = seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TestFailure(STAGE_TIMEOUT,
                              f"ran past the {self.seconds:g} s time limit")
        return left


def run_tool(argv: Sequence[str], deadline: Deadline,
             stage: str) -> subprocess.CompletedProcess:
    """Runs a tool with the test's remaining time; a timeout fails the test."""
    try:
        return subprocess.run([str(arg) for arg in argv], capture_output=True,
                              text=True, errors="replace",
                              timeout=deadline.remaining())
    except subprocess.TimeoutExpired:
        raise TestFailure(STAGE_TIMEOUT,
                          f"{stage}: ran past the {deadline.seconds:g} s "
                          "time limit") from None
    except OSError as error:
        raise TestFailure(stage, f"cannot run {argv[0]}: {error}") from None


_LOCATION_PREFIX = re.compile(r"^.*?:\d+:\d+\)?: (error|warning|note): ")


def first_error_line(process: subprocess.CompletedProcess) -> str:
    """The first diagnostic a failed tool printed, without its location, or
    how the process ended when it printed none."""
    lines = [line.strip() for line in process.stderr.splitlines() if line.strip()]
    for line in lines:
        if "error" in line.lower():
            return _LOCATION_PREFIX.sub("", line)
    if lines:
        return lines[0]
    if process.returncode < 0:
        return f"killed by {signal.Signals(-process.returncode).name}"
    return f"exit status {process.returncode}"


# The importer's messages for what QC does not support; each gives the name
# under which the rejection is counted. A node's message names it as
# "... (OpType, opset N): ..."; any message about a node that says "not
# supported", "does not support" or "only ... is supported" rejects that op
# (or a variant of it: an attribute value, an optional output, ...).
_UNSUPPORTED_PATTERNS = (
    (re.compile(r"\((\w+), opset \d+\): .*(not supported|does not support"
                r"|only .* (is|are) supported)"),
     lambda m: m.group(1)),
    (re.compile(r"\((\w+), opset \d+\): unknown domain"),
     lambda m: m.group(1)),
    (re.compile(r"\bopset (\d+) is not supported"),
     lambda m: f"(opset {m.group(1)})"),
    (re.compile(r"imports no opset of the default ONNX domain"),
     lambda m: "(no ONNX opset)"),
    (re.compile(r"ONNX IR version (\d+) is not supported"),
     lambda m: f"(IR version {m.group(1)})"),
    (re.compile(r"has unsupported type (\w+)"),
     lambda m: f"(type {m.group(1)})"),
    (re.compile(r"zero-size tensors are not supported"),
     lambda m: "(zero-size tensor)"),
)


def classify_import_error(message: str) -> Optional[str]:
    """The op (or opset, type, ...) that an importer error rejects as
    unsupported, or None when the error is a failure of a supported op."""
    for pattern, rejected in _UNSUPPORTED_PATTERNS:
        match = pattern.search(message)
        if match:
            return rejected(match)
    return None


def shape_option(name: str, shape: Sequence[int]) -> str:
    """The importer's ``--input-shape`` value for `name`."""
    return f"--input-shape={name}=" + "x".join(str(dim) for dim in shape)


# Inputs that ONNX ops read as compile-time parameters: shapes, axes, slice
# bounds, pads, resize scales, quantization scales and zero points. QC compiles for static shapes, so graph inputs
# feeding these slots are frozen into initializers holding the test's values
# (documented in docs/conformance.md).
PARAMETER_INPUTS = {
    "ConstantOfShape": (0,), "Expand": (1,), "Pad": (1, 2, 3),
    "ReduceMax": (1,), "ReduceMean": (1,), "ReduceMin": (1,),
    "ReduceSum": (1,), "Reshape": (1,), "Resize": (1, 2, 3),
    "Slice": (1, 2, 3, 4), "Split": (1,), "Squeeze": (1,), "Tile": (1,),
    "Unsqueeze": (1,), "Upsample": (1,),
    "QuantizeLinear": (1, 2), "DequantizeLinear": (1, 2),
    "QLinearMatMul": (1, 2, 4, 5, 6, 7), "QLinearConv": (1, 2, 4, 5, 6, 7),
    "MatMulInteger": (2, 3), "ConvInteger": (2, 3),
}


def parameter_input_names(graph: onnx.GraphProto) -> set[str]:
    """Names of graph values that feed a parameter slot of some node."""
    names = set()
    for node in graph.node:
        if node.domain not in ("", "ai.onnx"):
            continue
        for index in PARAMETER_INPUTS.get(node.op_type, ()):
            if index < len(node.input) and node.input[index]:
                names.add(node.input[index])
    return names


def freeze_parameter_inputs(model: onnx.ModelProto, data: TestData,
                            workdir: Path) -> Optional[Path]:
    """Moves graph inputs that feed parameter slots into initializers (and out
    of `data.inputs`); returns the rewritten model's path, or None when no
    input needed freezing."""
    frozen = parameter_input_names(model.graph) & set(data.inputs)
    if not frozen:
        return None
    for name in sorted(frozen):
        model.graph.initializer.append(
            onnx.numpy_helper.from_array(data.inputs.pop(name).array, name))
    kept = [value for value in model.graph.input if value.name not in frozen]
    del model.graph.input[:]
    model.graph.input.extend(kept)
    path = workdir / "frozen.onnx"
    onnx.save(model, str(path))
    return path


def import_model(model_path: Path, data: TestData, toolchain: Toolchain,
                 deadline: Deadline) -> str:
    """Imports the test's model with static input shapes; returns the MLIR."""
    argv = [toolchain.quant_translate, "--import-onnx", model_path]
    argv += [shape_option(name, tensor.array.shape)
             for name, tensor in data.inputs.items()]
    process = run_tool(argv, deadline, STAGE_IMPORT)
    if process.returncode != 0:
        message = first_error_line(process)
        rejected = classify_import_error(message)
        if rejected:
            raise TestUnsupported(rejected, message)
        raise TestFailure(STAGE_IMPORT, message)
    return process.stdout


# --------------------------------------------------------------------------
# The imported function's signature
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class TensorType:
    """A ranked MLIR tensor type; dims are ints, None for ``?``."""

    shape: tuple[Optional[int], ...]
    element: str

    @staticmethod
    def parse(text: str) -> "TensorType":
        match = re.fullmatch(r"tensor<(.*)>", text.strip())
        if not match or match.group(1).startswith("*"):
            raise TestFailure(STAGE_HARNESS, f"not a ranked tensor type: {text}")
        *dims, element = match.group(1).split("x")
        shape = tuple(None if dim == "?" else int(dim) for dim in dims)
        return TensorType(shape, element)

    @staticmethod
    def static(shape: Sequence[int], element: str) -> "TensorType":
        return TensorType(tuple(int(dim) for dim in shape), element)

    def __str__(self) -> str:
        dims = ["?" if dim is None else str(dim) for dim in self.shape]
        return "tensor<" + "".join(dim + "x" for dim in dims) + self.element + ">"

    def with_element(self, element: str) -> "TensorType":
        return TensorType(self.shape, element)

    def accepts_shape(self, shape: Sequence[int]) -> bool:
        """Whether a static tensor of `shape` can be cast to this type."""
        return len(shape) == len(self.shape) and all(
            dim is None or dim == size for dim, size in zip(self.shape, shape))


@dataclasses.dataclass(frozen=True)
class Signature:
    """``@main``'s arguments and results, as (onnx.name, type) pairs."""

    arguments: tuple[tuple[str, TensorType], ...]
    results: tuple[tuple[str, TensorType], ...]


_CLOSERS = {"(": ")", "<": ">", "[": "]", "{": "}"}


def split_top_level(text: str, separator: str = ",") -> list[str]:
    """Splits `text` at `separator`s outside brackets and string literals
    (``->`` does not close a ``<``)."""
    parts, depth, start, index, in_string = [], 0, 0, 0, False
    while index < len(text):
        char = text[index]
        if in_string:
            if char == "\\":
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in _CLOSERS:
            depth += 1
        elif char in ")]}" or (char == ">" and text[index - 1] != "-"):
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
        index += 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def matching_paren(text: str, open_index: int) -> int:
    """The index of the ``)`` that closes the ``(`` at `open_index`."""
    depth, in_string = 0, False
    for index in range(open_index, len(text)):
        char = text[index]
        if in_string:
            if char == '"' and text[index - 1] != "\\":
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
    raise TestFailure(STAGE_HARNESS, "unbalanced parentheses in @main's signature")


_ONNX_NAME = re.compile(r'onnx\.name\s*=\s*"((?:[^"\\]|\\.)*)"')


def unescape_mlir_string(text: str) -> str:
    """Undoes MLIR's string escapes (``\\XX`` hex bytes, ``\\\\``, ``\\"``)."""
    def byte(match: re.Match) -> str:
        code = match.group(1)
        return chr(int(code, 16)) if len(code) == 2 else code
    return re.sub(r'\\([0-9A-Fa-f]{2}|.)', byte, text)


def parse_value(text: str) -> tuple[str, TensorType]:
    """``[%arg0:] tensor<...> {onnx.name = "x"}`` -> ("x", type)."""
    if text.startswith("%"):
        text = text.split(":", 1)[1]
    name_match = _ONNX_NAME.search(text)
    if not name_match:
        raise TestFailure(STAGE_HARNESS, f"no onnx.name on '{text.strip()}'")
    type_text = text[:text.index("{")] if "{" in text else text
    return unescape_mlir_string(name_match.group(1)), TensorType.parse(type_text)


def parse_signature(module: str) -> Signature:
    """Reads the arguments and results of ``func.func @main`` in `module`."""
    start = module.find("func.func @main(")
    if start < 0:
        raise TestFailure(STAGE_HARNESS, "the imported module has no @main")
    open_index = module.index("(", start)
    close_index = matching_paren(module, open_index)
    arguments = split_top_level(module[open_index + 1:close_index])
    rest = module[close_index + 1:].lstrip()
    results: list[str] = []
    if rest.startswith("->"):
        rest = rest[2:].lstrip()
        if rest.startswith("("):
            results = split_top_level(rest[1:matching_paren(rest, 0)])
        else:
            results = [rest[:rest.index("{")]]
    return Signature(tuple(parse_value(arg) for arg in arguments),
                     tuple(parse_value(result) for result in results))


# --------------------------------------------------------------------------
# The harness
# --------------------------------------------------------------------------

# Element types by bit width: printed as their bit pattern, widened to the
# printable integer type.
_ELEMENT_BITS = {"f64": 64, "f32": 32, "f16": 16, "bf16": 16,
                 "i64": 64, "i32": 32, "i16": 16, "i8": 8, "i1": 1}


def element_bits(element: str) -> int:
    """Bit width of an MLIR element type the harness handles."""
    if element not in _ELEMENT_BITS:
        raise TestFailure(STAGE_HARNESS, f"element type {element} is not handled "
                          "by the conformance harness")
    return _ELEMENT_BITS[element]


def format_bool_literal(array: np.ndarray) -> str:
    """A nested ``[true, false]`` literal (MLIR's hex form packs i1 bits)."""
    if array.ndim == 0:
        return "true" if array.item() else "false"
    return "[" + ", ".join(format_bool_literal(row) for row in array) + "]"


def dense_literal(array: np.ndarray, element: str) -> str:
    """A ``dense<...>`` attribute holding `array` exactly as `element`s."""
    if element == "i1":
        return f"dense<{format_bool_literal(array.astype(bool))}>"
    if array.dtype.itemsize * 8 != element_bits(element):
        raise TestFailure(STAGE_HARNESS, f"input of dtype {array.dtype} does "
                          f"not fit the argument element type {element}")
    data = np.ascontiguousarray(array)
    data = data.astype(data.dtype.newbyteorder("<"), copy=False)
    return f'dense<"0x{data.tobytes().hex().upper()}">'


class HarnessWriter:
    """Writes the body of the harness ``@main``, one SSA value at a time."""

    def __init__(self):
        self.lines: list[str] = []
        self.counter = 0

    def fresh(self) -> str:
        self.counter += 1
        return f"%h{self.counter}"

    def emit(self, text: str) -> None:
        self.lines.append("    " + text)

    def convert(self, op: str, value: str, source: TensorType,
                target: TensorType) -> str:
        """Applies an elementwise cast op (arith.bitcast, tensor.cast, ...)."""
        result = self.fresh()
        self.emit(f"{result} = {op} {value} : {source} to {target}")
        return result

    def input_value(self, tensor: TensorData, argument: TensorType) -> str:
        """A constant holding `tensor`, cast to the argument's type."""
        shape = tensor.array.shape
        if not argument.accepts_shape(shape):
            raise TestFailure(STAGE_HARNESS, f"input '{tensor.name}' has shape "
                              f"{list(shape)}, @main takes {argument}")
        static = TensorType.static(shape, argument.element)
        value = self.fresh()
        self.emit(f"{value} = arith.constant "
                  f"{dense_literal(tensor.array, argument.element)} : {static}")
        if static != argument:
            value = self.convert("tensor.cast", value, static, argument)
        return value

    def print_bits(self, value: str, result: TensorType) -> None:
        """Prints `value`'s bit pattern with printMemrefI32/I64."""
        bits = element_bits(result.element)
        current = result
        if result.element.startswith(("f", "bf")):
            current = result.with_element(f"i{bits}")
            value = self.convert("arith.bitcast", value, result, current)
        if bits < 32:
            widened = current.with_element("i32")
            value = self.convert("arith.extui", value, current, widened)
            current = widened
        unranked = f"tensor<*x{current.element}>"
        value = self.convert("tensor.cast", value, current, unranked)
        printer = "printMemrefI64" if current.element == "i64" else "printMemrefI32"
        self.emit(f"func.call @{printer}({value}) : ({unranked}) -> ()")


def build_harness(module: str, signature: Signature, data: TestData) -> str:
    """The imported module with ``@main`` renamed ``@model`` and a harness
    ``@main`` that calls it on the test's inputs and prints its results."""
    if data.non_tensors:
        name, kind = next(iter(data.non_tensors.items()))
        raise TestFailure(STAGE_HARNESS, f"graph value '{name}' is a {kind}; "
                          "the harness passes and checks tensors only")
    writer = HarnessWriter()
    arguments = []
    for name, argument in signature.arguments:
        if name not in data.inputs:
            raise TestFailure(STAGE_HARNESS, f"@main takes '{name}', which the "
                              "test gives no data for")
        arguments.append(writer.input_value(data.inputs[name], argument))
    argument_types = ", ".join(str(t) for _, t in signature.arguments)
    result_types = ", ".join(str(t) for _, t in signature.results)
    results = writer.fresh()
    count = len(signature.results)
    lhs = f"{results}:{count} = " if count > 1 else (f"{results} = " if count else "")
    writer.emit(f"{lhs}func.call @model({', '.join(arguments)}) : "
                f"({argument_types}) -> ({result_types})")
    for index, (_, result) in enumerate(signature.results):
        writer.print_bits(f"{results}#{index}" if count > 1 else results, result)
    writer.emit("return")

    harness = "\n".join([
        "  func.func private @printMemrefI32(tensor<*xi32>)",
        "  func.func private @printMemrefI64(tensor<*xi64>)",
        "  func.func @main() {",
        *writer.lines,
        "  }",
    ])
    renamed = module.replace("func.func @main(", "func.func @model(", 1)
    # Dialect resources (weights) follow the module after `{-#`.
    resources_at = renamed.find("{-#")
    body_end = len(renamed) if resources_at < 0 else resources_at
    module_close = renamed.rindex("}", 0, body_end)
    return (renamed[:module_close] + harness + "\n" + renamed[module_close:])


# --------------------------------------------------------------------------
# Reading and comparing the outputs
# --------------------------------------------------------------------------

_MEMREF_HEADER = re.compile(
    r"Unranked Memref base@ = \S+ rank = (\d+) offset = -?\d+ "
    r"sizes = \[([^\]]*)\] strides = \[[^\]]*\] data =")
_INTEGER = re.compile(r"-?\d+")


@dataclasses.dataclass
class PrintedTensor:
    """One printMemref output: shape and the printed integers."""

    shape: tuple[int, ...]
    values: list[int]


def parse_printed_tensors(stdout: str) -> list[PrintedTensor]:
    """Splits mlir-runner's output into the printed tensors, in order."""
    headers = list(_MEMREF_HEADER.finditer(stdout))
    tensors = []
    for index, header in enumerate(headers):
        end = headers[index + 1].start() if index + 1 < len(headers) else len(stdout)
        shape = tuple(int(dim) for dim in _INTEGER.findall(header.group(2)))
        size = int(np.prod(shape, dtype=np.int64))
        # A tensor with no elements still prints a row of garbage.
        values = [int(v) for v in _INTEGER.findall(stdout[header.end():end])]
        values = values[:size] if size else []
        if len(values) != size:
            raise TestFailure(STAGE_RUN, f"printed {len(values)} values for "
                              f"shape {list(shape)}")
        tensors.append(PrintedTensor(shape, values))
    return tensors


def bfloat16_to_float32(bits: np.ndarray) -> np.ndarray:
    """bfloat16 bit patterns (uint16) to float32."""
    return (bits.astype(np.uint32) << 16).view(np.float32)


def decode_output(printed: PrintedTensor, element: str,
                  expected: TensorData) -> np.ndarray:
    """The values of a printed bit pattern of MLIR type `element`; the
    signedness of integers comes from `expected`."""
    bits = element_bits(element)
    width = max(bits, 8)
    mask = (1 << width) - 1
    raw = np.array([value & mask for value in printed.values],
                   dtype=np.dtype(f"<u{width // 8}")).reshape(printed.shape)
    if element == "bf16":
        return bfloat16_to_float32(raw)
    if element == "i1":
        return raw != 0
    if element.startswith("f"):
        return raw.view(np.dtype(f"<f{width // 8}"))
    # MLIR integers are signless: the ONNX type says how to read them.
    kind = "u" if expected.array.dtype.kind == "u" else "i"
    return raw.view(np.dtype(f"<{kind}{width // 8}"))


def expected_values(expected: TensorData) -> np.ndarray:
    """The expected array; bfloat16 (stored as uint16 bits) as float32."""
    if expected.onnx_type == onnx.TensorProto.BFLOAT16:
        return bfloat16_to_float32(expected.array.astype(np.uint16))
    return expected.array


def describe_mismatch(actual: np.ndarray, expected: np.ndarray,
                      wrong: np.ndarray) -> str:
    """How many elements differ, and the first one."""
    index = tuple(int(i) for i in np.argwhere(wrong)[0])
    return (f"{int(wrong.sum())} of {wrong.size} elements differ; first at "
            f"{list(index)}: got {actual[index]!r}, expected {expected[index]!r}")


def compare_output(name: str, actual: np.ndarray,
                   expected_tensor: TensorData) -> Optional[str]:
    """None when `actual` matches, else what differs."""
    expected = expected_values(expected_tensor)
    if actual.shape != expected.shape:
        return (f"output '{name}' has shape {list(actual.shape)}, expected "
                f"{list(expected.shape)}")
    if actual.dtype != expected.dtype:
        return f"output '{name}' has dtype {actual.dtype}, expected {expected.dtype}"
    if expected.dtype.kind == "f":
        a, e = actual.astype(np.float64), expected.astype(np.float64)
        close = np.isclose(a, e, rtol=RTOL, atol=ATOL, equal_nan=True)
    else:
        close = actual == expected
    if close.all():
        return None
    return f"output '{name}': " + describe_mismatch(actual, expected, ~close)


def check_outputs(stdout: str, signature: Signature, data: TestData) -> None:
    """Compares mlir-runner's printed results with the expected outputs."""
    printed = parse_printed_tensors(stdout)
    if len(printed) != len(signature.results):
        raise TestFailure(STAGE_RUN, f"printed {len(printed)} tensors for "
                          f"{len(signature.results)} results")
    results = {name: (tensor, result_type) for (name, result_type), tensor
               in zip(signature.results, printed)}
    for expected in data.outputs:
        if expected.name not in results:
            raise TestFailure(STAGE_HARNESS, f"@main has no result for output "
                              f"'{expected.name}'")
        tensor, result_type = results[expected.name]
        actual = decode_output(tensor, result_type.element, expected)
        mismatch = compare_output(expected.name, actual, expected)
        if mismatch:
            raise TestFailure(STAGE_COMPARE, mismatch)


# --------------------------------------------------------------------------
# One test
# --------------------------------------------------------------------------


def lower_and_run(harness: str, workdir: Path, toolchain: Toolchain,
                  deadline: Deadline) -> str:
    """Lowers the harness module to LLVM and runs it; returns its stdout."""
    harness_file = workdir / "harness.mlir"
    lowered_file = workdir / "lowered.mlir"
    harness_file.write_text(harness)
    process = run_tool([toolchain.quant_opt, harness_file, "--qc-lower-to-llvm",
                        "-o", lowered_file], deadline, STAGE_LOWER)
    if process.returncode != 0:
        raise TestFailure(STAGE_LOWER, first_error_line(process))
    process = run_tool([toolchain.mlir_runner, lowered_file, "-e", "main",
                        "-entry-point-result=void",
                        "-shared-libs=" + ",".join(map(str, toolchain.runner_libs))],
                       deadline, STAGE_RUN)
    if process.returncode != 0:
        raise TestFailure(STAGE_RUN, first_error_line(process))
    return process.stdout


def run_test(case: TestCase, toolchain: Toolchain,
             keep_dir: Optional[Path] = None) -> TestResult:
    """Imports, compiles, runs and checks one test; never raises."""
    start = time.monotonic()
    result = TestResult(case.name, PASSED, [])
    try:
        deadline = Deadline(toolchain.timeout)
        model = onnx.load(str(case.directory / "model.onnx"))
        result.ops = sorted(graph_op_types(model.graph))
        data = load_test_data(case, model)
        with tempfile.TemporaryDirectory(prefix="qc-onnx-") as tmp:
            workdir = Path(tmp)
            if keep_dir is not None:
                workdir = keep_dir / case.suite / case.directory.name
                workdir.mkdir(parents=True, exist_ok=True)
            model_path = (freeze_parameter_inputs(model, data, workdir)
                          or case.directory / "model.onnx")
            module = import_model(model_path, data, toolchain, deadline)
            signature = parse_signature(module)
            harness = build_harness(module, signature, data)
            stdout = lower_and_run(harness, workdir, toolchain, deadline)
        check_outputs(stdout, signature, data)
    except TestUnsupported as unsupported:
        result.status = UNSUPPORTED
        result.rejected_op = unsupported.rejected_op
        result.message = unsupported.message
    except TestFailure as failure:
        result.status = FAILED
        result.stage = failure.stage
        result.message = failure.message
    except Exception as error:  # a bug in the runner or unreadable test data
        result.status = FAILED
        result.stage = STAGE_DATA
        result.message = f"{type(error).__name__}: {error}"
    result.seconds = time.monotonic() - start
    return result


def run_tests(cases: Sequence[TestCase], toolchain: Toolchain, jobs: int,
              keep_dir: Optional[Path], verbose: bool) -> list[TestResult]:
    """Runs `cases` on a pool of `jobs` processes; results in test order."""
    results: dict[str, TestResult] = {}
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_test, case, toolchain, keep_dir): case
                   for case in cases}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            result = future.result()
            results[result.name] = result
            if verbose:
                detail = f" [{result.stage or result.rejected_op}] {result.message}" \
                    if result.status != PASSED else ""
                print(f"[{done}/{len(cases)}] {result.status.upper()}: "
                      f"{result.name} ({result.seconds:.1f} s){detail}",
                      file=sys.stderr, flush=True)
    return [results[case.name] for case in cases]


# --------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------


def tally_by_op(results: Iterable[TestResult]) -> dict[str, Counter]:
    """For each op: passed/failed/unsupported tests containing it, and
    ``rejected``, the tests whose import stopped at that op."""
    table: dict[str, Counter] = defaultdict(Counter)
    for result in results:
        for op in result.ops:
            table[op][result.status] += 1
        if result.rejected_op:
            table[result.rejected_op]["rejected"] += 1
    return table


def totals(results: Iterable[TestResult]) -> Counter:
    """Tests per status."""
    return Counter(result.status for result in results)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]],
                 markdown: bool) -> str:
    """A markdown table, or plain aligned columns."""
    cells = [[str(cell) for cell in row] for row in rows]
    if markdown:
        lines = ["| " + " | ".join(headers) + " |",
                 "|" + "|".join("---" if i == 0 else "--:"
                                for i in range(len(headers))) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in cells]
        return "\n".join(lines)
    widths = [max(len(headers[i]), *(len(row[i]) for row in cells))
              for i in range(len(headers))]
    def line(row: Sequence[str]) -> str:
        return "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i])
                         for i, cell in enumerate(row)).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] +
                     [line(row) for row in cells])


def op_table(results: Sequence[TestResult], markdown: bool) -> str:
    """The per-op table followed by a totals row; the importer's rejections
    that name no op ("(opset 6)", "(type string)", ...) come last."""
    table = tally_by_op(results)
    headers = ["op", "passed", "failed", "unsupported", "rejected"]
    rows = [[f"`{op}`" if markdown else op, *(counts[s] for s in STATUSES),
             counts["rejected"]]
            for op, counts in sorted(table.items(),
                                     key=lambda item: (item[0].startswith("("), item[0]))]
    total = totals(results)
    rows.append(["**total tests**" if markdown else "TOTAL tests",
                 *(total[s] for s in STATUSES), total[UNSUPPORTED]])
    return format_table(headers, rows, markdown)


_NAME_OR_NUMBER = re.compile(r"'[^']*'|\[[^\]]*\]|-?\d+(\.\d+)?(e[-+]?\d+)?")


def message_cause(message: str) -> str:
    """`message` with names, numbers and shapes masked, so that messages of
    the same cause group together."""
    return _NAME_OR_NUMBER.sub("_", message)


def group_by_cause(results: Iterable[TestResult]) -> list[list[TestResult]]:
    """`results` grouped by stage and masked message, largest group first."""
    groups: dict[tuple[str, str], list[TestResult]] = defaultdict(list)
    for result in results:
        groups[(result.stage, message_cause(result.message))].append(result)
    return sorted(groups.values(), key=len, reverse=True)


def cause_table(groups: Sequence[Sequence[TestResult]], markdown: bool) -> str:
    """One row per cause: how many tests, the stage, an example test and its
    first error line."""
    rows = []
    for group in groups:
        example = group[0]
        name, message = example.name, example.message
        if markdown:
            name, message = f"`{name}`", message.replace("|", "\\|")
        rows.append([len(group), example.stage or example.rejected_op, name, message])
    return format_table(["tests", "stage/op", "example", "first error line"],
                        rows, markdown)


def is_variant_rejection(result: TestResult) -> bool:
    """An unsupported test whose op QC imports, but not this use of it (an
    attribute value, an output, a non-constant operand, ...)."""
    return (result.status == UNSUPPORTED and not result.rejected_op.startswith("(")
            and "QC does not support this op" not in result.message)


def cause_summary(results: Sequence[TestResult], markdown: bool) -> str:
    """Failures grouped by cause, with one example each; the ops the
    importer rejected, most tests first; and the rejected variants of ops
    QC imports."""
    failures = [r for r in results if r.status == FAILED]
    text = "Failures by cause:\n\n" + (
        cause_table(group_by_cause(failures), markdown) if failures else "none")
    rejected = Counter(r.rejected_op for r in results if r.status == UNSUPPORTED)
    text += "\n\nRejected by the importer (op or reason: tests): " + (", ".join(
        f"{op}: {count}" for op, count in rejected.most_common()) or "none")
    variants = [r for r in results if is_variant_rejection(r)]
    if variants:
        text += ("\n\nUnsupported variants of imported ops:\n\n" +
                 cause_table(group_by_cause(variants), markdown))
    return text


def totals_line(results: Sequence[TestResult]) -> str:
    total = totals(results)
    return (f"{len(results)} tests: {total[PASSED]} passed, {total[FAILED]} "
            f"failed, {total[UNSUPPORTED]} unsupported")


def read_expected_failures(path: Optional[Path]) -> set[str]:
    """Test ids from an expected-failures file: one per line, ``#`` comments."""
    if path is None:
        return set()
    names = set()
    for line in path.read_text().splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.add(name)
    return names


def write_json(path: Path, results: Sequence[TestResult]) -> None:
    """Dumps every test's result (for scripts and for writing the docs)."""
    path.write_text(json.dumps([dataclasses.asdict(r) for r in results], indent=1))


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tools", type=Path, default=DEFAULT_TOOLS,
                        help="directory of quant-translate and quant-opt "
                        "(default: build/bin of this checkout)")
    parser.add_argument("--llvm-dir", type=Path, default=DEFAULT_LLVM_DIR,
                        help="LLVM install with bin/mlir-runner and the runner "
                        "libraries (default: %(default)s)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_ROOT,
                        help="libonnx-testdata's data directory (default: %(default)s)")
    parser.add_argument("--suite", choices=(*SUITES, "all"), default="all")
    parser.add_argument("--jobs", "-j", type=int, default=2,
                        help="tests run in parallel (default: %(default)s)")
    parser.add_argument("-k", dest="pattern", metavar="PATTERN",
                        help="run only tests whose id (suite/test_name) "
                        "matches this regular expression")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds per test; a timeout fails it "
                        "(default: %(default)s)")
    parser.add_argument("--table", type=Path, metavar="FILE",
                        help="also write the per-op table as markdown to FILE")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="also write every test's result as JSON to FILE")
    parser.add_argument("--expected-failures", type=Path, metavar="FILE",
                        help="tests allowed to fail: one id per line, "
                        "'#' starts a comment")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep each test's harness.mlir and lowered.mlir "
                        "in DIR/<suite>/<test> instead of a temporary directory")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="print every test's result as it finishes")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    suites = SUITES if args.suite == "all" else (args.suite,)
    toolchain = Toolchain.locate(args.tools, args.llvm_dir, args.timeout)
    cases = discover_tests(args.data, suites, args.pattern)
    if not cases:
        print("no tests match", file=sys.stderr)
        return 1
    expected_failures = read_expected_failures(args.expected_failures)

    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="qc-onnx-tools-") as tools_copy:
        results = run_tests(cases, toolchain.snapshot(Path(tools_copy)),
                            max(1, args.jobs), args.keep, args.verbose)
    elapsed = time.monotonic() - start

    print(op_table(results, markdown=False))
    print()
    print(cause_summary(results, markdown=False))
    print()
    print(f"{totals_line(results)} in {elapsed:.0f} s")
    if args.table:
        args.table.write_text(op_table(results, markdown=True) + "\n\n" +
                              cause_summary(results, markdown=True) + "\n\n" +
                              totals_line(results) + "\n")
    if args.json:
        write_json(args.json, results)

    failed = {r.name for r in results if r.status == FAILED}
    unexpected = sorted(failed - expected_failures)
    now_passing = sorted(r.name for r in results
                         if r.status == PASSED and r.name in expected_failures)
    if now_passing:
        print("\nexpected to fail but passed (prune them from the list):")
        print("\n".join(f"  {name}" for name in now_passing))
    if unexpected:
        print("\nunexpected failures:")
        by_name = {r.name: r for r in results}
        print("\n".join(f"  {name} [{by_name[name].stage}] {by_name[name].message}"
                        for name in unexpected))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
