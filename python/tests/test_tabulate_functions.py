"""Elementwise functions of one tensor as one table (quant-compile
--tabulate-functions).

The model is PaddleOCR's HardSwish block spelled out in ONNX ops, as its
exports have it: x * clip(x + 3, 0, 6) / 6, then a scale and a shift. With
tabulation the function is one table from the input's 8-bit grid to the
output's, so the compiled library's output equals numpy's
quantize(f(dequantize(quantize(x)))) exactly, under the scales and zero
points the report gives, and the report has no row for the clip. Without
it the clip is quantized on its own (a report row), and the output is not
that exactly rounded function everywhere.
"""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import qc  # noqa: E402
from test_calibration import write_samples  # noqa: E402

pytestmark = pytest.mark.skipif(not qc.tools_available(),
                                reason="QC's tools are not built")

SHAPE = (1, 4, 8, 8)
SCALE, SHIFT = np.float32(0.75), np.float32(-0.125)
OUTPUT_NODE = "shift"


def hardswish_block(x):
    """The model in float32, op by op as onnxruntime would run it."""
    x = x.astype(np.float32)
    clipped = np.clip(x + np.float32(3), np.float32(0), np.float32(6))
    return SCALE * (x * clipped / np.float32(6)) + SHIFT


def quantize(x, scale, zero_point, qmin=-128, qmax=127):
    """ONNX QuantizeLinear in float32, ties to even."""
    return np.clip(np.round(x.astype(np.float32) / np.float32(scale))
                   + zero_point, qmin, qmax)


def dequantize(q, scale, zero_point):
    return ((q - zero_point) * np.float32(scale)).astype(np.float32)


def hardswish_model():
    constants = [numpy_helper.from_array(np.array(v, np.float32), name)
                 for name, v in (("three", 3.0), ("zero", 0.0), ("six", 6.0),
                                 ("a", SCALE), ("b", SHIFT))]
    nodes = [
        helper.make_node("Add", ["x", "three"], ["p"], name="plus3"),
        helper.make_node("Clip", ["p", "zero", "six"], ["c"], name="clip"),
        helper.make_node("Mul", ["x", "c"], ["m"], name="product"),
        helper.make_node("Div", ["m", "six"], ["h"], name="sixth"),
        helper.make_node("Mul", ["a", "h"], ["s"], name="scale"),
        helper.make_node("Add", ["s", "b"], ["y"], name=OUTPUT_NODE),
    ]
    graph = helper.make_graph(
        nodes, "hardswish",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, SHAPE)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, SHAPE)],
        constants)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    work = tmp_path_factory.mktemp("tabulate")
    model = work / "hardswish.onnx"
    onnx.save(hardswish_model(), model)
    rng = np.random.default_rng(11)
    samples = [rng.normal(0.0, 2.5, SHAPE).astype(np.float32)
               for _ in range(8)]
    write_samples(work / "calib", samples)
    return work, model, samples


def compile_block(setup, name, tabulate):
    work, model, _ = setup
    library = work / f"{name}.so"
    report = work / f"{name}.json"
    qc.compile(model, library, recipe="w8a8", calib=work / "calib",
               parallel=False, report=report, tabulate_functions=tabulate)
    layers = {layer["name"]: layer
              for layer in json.loads(report.read_text())["layers"]
              if layer["what"] == "activation"}
    return qc.load(library), layers


def test_table_is_the_exactly_rounded_function(setup):
    _, _, samples = setup
    model, layers = compile_block(setup, "tabulated", tabulate=True)
    assert set(layers) == {"input:x", OUTPUT_NODE}
    source, output = layers["input:x"], layers[OUTPUT_NODE]
    for x in samples:
        x_q = dequantize(quantize(x, source["scale"], source["zero_point"]),
                         source["scale"], source["zero_point"])
        # The table is computed in double; float32 here may differ at a tie.
        expected = dequantize(
            quantize(hardswish_block(x_q.astype(np.float64)),
                     output["scale"], output["zero_point"]),
            output["scale"], output["zero_point"])
        (actual,) = model(x)
        np.testing.assert_array_equal(actual, expected)


def test_without_tabulation_the_clip_is_quantized(setup):
    _, _, samples = setup
    model, layers = compile_block(setup, "op_by_op", tabulate=False)
    assert "clip" in layers
    tabulated, _ = compile_block(setup, "tabulated_again", tabulate=True)
    outputs = [model(x)[0] for x in samples]
    tables = [tabulated(x)[0] for x in samples]
    assert any(not np.array_equal(a, b) for a, b in zip(outputs, tables))
