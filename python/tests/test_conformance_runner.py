"""Tests of the ONNX backend-test conformance runner's helpers
(test/conformance/onnx_backend.py)."""

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnx")

REPO = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location(
    "onnx_backend", REPO / "test" / "conformance" / "onnx_backend.py")
ob = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = ob  # dataclasses look their module up there
_SPEC.loader.exec_module(ob)

IMPORTED = """module {
  func.func @main(%arg0: tensor<2x3xf32> {onnx.name = "x"}, %arg1: tensor<?xi1> {onnx.name = "m\\22q"}) -> (tensor<2x3xf32> {onnx.name = "y"}, tensor<3xi64> {onnx.name = "z"}) {
    %0 = "tosa.const"() <{values = dense_resource<w> : tensor<3xi64>}> : () -> tensor<3xi64>
    return %arg0, %0 : tensor<2x3xf32>, tensor<3xi64>
  }
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x08000000010000000000000002000000000000000300000000000000"
    }
  }
#-}
"""


def tensor(name, array, onnx_type=1):
    return ob.TensorData(name, np.asarray(array), onnx_type)


def test_split_top_level_ignores_nested_commas_and_arrows():
    text = 'tensor<2x3xf32> {a = [1, 2]}, (i32, i32) -> f32, "x,y"'
    assert ob.split_top_level(text) == [
        "tensor<2x3xf32> {a = [1, 2]}", "(i32, i32) -> f32", '"x,y"']


def test_parse_signature_reads_names_and_types():
    signature = ob.parse_signature(IMPORTED)
    assert [(n, str(t)) for n, t in signature.arguments] == [
        ("x", "tensor<2x3xf32>"), ('m"q', "tensor<?xi1>")]
    assert [(n, str(t)) for n, t in signature.results] == [
        ("y", "tensor<2x3xf32>"), ("z", "tensor<3xi64>")]


def test_parse_signature_single_unnamed_result_is_rejected():
    module = "func.func @main(%arg0: tensor<f32> {onnx.name = \"a\"}) -> tensor<f32> {"
    with pytest.raises(ob.TestFailure, match="no onnx.name"):
        ob.parse_signature(module)


@pytest.mark.parametrize("message, rejected", [
    ("node producing 'y' (Conv, opset 11): QC does not support this op", "Conv"),
    ("node producing 'y' (TopK, opset 11): QC does not support output 'i' of this op",
     "TopK"),
    ("node 'n' (Foo, opset 13): unknown domain 'com.x'; QC imports the default "
     "ONNX domain", "Foo"),
    ("node producing 'Y' (MaxPool, opset 12): dilated pooling is not supported",
     "MaxPool"),
    ("node producing 'y' (AveragePool, opset 11): only 1-D and 2-D pooling is "
     "supported", "AveragePool"),
    ("opset 6 is not supported; QC reads opsets 9 to 21", "(opset 6)"),
    ("the model imports no opset of the default ONNX domain", "(no ONNX opset)"),
    ("node producing 'r' (ReduceSum, opset 13): expected constant axes", None),
    ("input 's' has unsupported type string", "(type string)"),
    ("node producing 'y' (Add, opset 13): cannot broadcast the operands", None),
])
def test_classify_import_error(message, rejected):
    assert ob.classify_import_error(message) == rejected


def test_dense_literal_is_exact_hex_or_bool_list():
    assert ob.dense_literal(np.array([1.0, -2.0], np.float32), "f32") == \
        'dense<"0x0000803F000000C0">'
    assert ob.dense_literal(np.array([[True], [False]]), "i1") == \
        "dense<[[true], [false]]>"
    assert ob.dense_literal(np.array(True), "i1") == "dense<true>"
    with pytest.raises(ob.TestFailure, match="does not fit"):
        ob.dense_literal(np.array([1], np.int64), "i32")


def test_build_harness_calls_model_and_prints_bits():
    data = ob.TestData(
        {"x": tensor("x", np.zeros((2, 3), np.float32)),
         'm"q': tensor('m"q', np.array([True, False, True]), 9)},
        [tensor("y", np.zeros((2, 3), np.float32)),
         tensor("z", np.zeros(3, np.int64), 7)])
    harness = ob.build_harness(IMPORTED, ob.parse_signature(IMPORTED), data)
    assert "func.func @model(" in harness and "func.func @main() {" in harness
    # The harness goes inside the module, before the resources.
    assert harness.index("func.func @main() {") < harness.index("{-#")
    assert "tensor.cast %h2 : tensor<3xi1> to tensor<?xi1>" in harness
    assert "func.call @model(%h1, %h3)" in harness
    assert "arith.bitcast %h4#0 : tensor<2x3xf32> to tensor<2x3xi32>" in harness
    assert "func.call @printMemrefI64(" in harness


def test_build_harness_reports_missing_input():
    data = ob.TestData({"x": tensor("x", np.zeros((2, 3), np.float32))}, [])
    with pytest.raises(ob.TestFailure, match="gives no data"):
        ob.build_harness(IMPORTED, ob.parse_signature(IMPORTED), data)


PRINTED = """Unranked Memref base@ = 0x1 rank = 2 offset = 0 sizes = [2, 1] strides = [1, 1] data = 
[[1065353216], 
 [-1082130432]]
Unranked Memref base@ = 0x2 rank = 2 offset = 0 sizes = [0, 3] strides = [3, 1] data = 
[[-707579520,   21925,   4]]
Unranked Memref base@ = 0x3 rank = 0 offset = 0 sizes = [] strides = [] data = 
[255]
"""


def test_parse_printed_tensors_and_decode():
    printed = ob.parse_printed_tensors(PRINTED)
    assert [p.shape for p in printed] == [(2, 1), (0, 3), ()]
    assert printed[1].values == []
    floats = ob.decode_output(printed[0], "f32", tensor("y", np.zeros((2, 1), np.float32)))
    np.testing.assert_array_equal(floats, np.array([[1.0], [-1.0]], np.float32))
    signed = ob.decode_output(printed[2], "i8", tensor("y", np.int8(0), 3))
    assert signed.dtype == np.int8 and signed == -1
    unsigned = ob.decode_output(printed[2], "i8", tensor("y", np.uint8(0), 2))
    assert unsigned.dtype == np.uint8 and unsigned == 255


def test_compare_output_tolerance_shape_and_nan():
    expected = tensor("y", np.array([1.0, np.nan, 0.0], np.float32))
    assert ob.compare_output("y", np.array([1.00005, np.nan, 5e-6], np.float32),
                             expected) is None
    assert "1 of 3 elements differ" in ob.compare_output(
        "y", np.array([1.001, np.nan, 0.0], np.float32), expected)
    assert "shape" in ob.compare_output("y", np.zeros(2, np.float32), expected)
    assert ob.compare_output("y", np.array([1, 2], np.int64),
                             tensor("y", np.array([1, 3], np.int64), 7))


def test_tally_and_expected_failures(tmp_path):
    results = [ob.TestResult("node/a", ob.PASSED, ["Add"]),
               ob.TestResult("node/b", ob.UNSUPPORTED, ["Add", "Conv"],
                             rejected_op="Conv"),
               ob.TestResult("node/c", ob.FAILED, ["Add"], stage="run")]
    table = ob.tally_by_op(results)
    assert table["Add"] == {"passed": 1, "unsupported": 1, "failed": 1}
    assert table["Conv"] == {"unsupported": 1, "rejected": 1}
    listing = tmp_path / "xfail.txt"
    listing.write_text("# reasons\nnode/c  # crashes\n\n")
    assert ob.read_expected_failures(listing) == {"node/c"}


@pytest.mark.skipif(
    not (ob.DEFAULT_DATA_ROOT / "node" / "test_add").is_dir(),
    reason="libonnx-testdata is not installed")
def test_runs_one_backend_test_end_to_end():
    tools = Path(os.environ.get("QC_TOOLS_DIR", ob.DEFAULT_TOOLS))
    if not (tools / "quant-translate").exists():
        pytest.skip("QC's tools are not built")
    toolchain = ob.Toolchain.locate(tools, ob.DEFAULT_LLVM_DIR, 60.0)
    case = ob.TestCase("node", ob.DEFAULT_DATA_ROOT / "node" / "test_add")
    result = ob.run_test(case, toolchain)
    assert (result.status, result.message) == (ob.PASSED, "")
    assert result.ops == ["Add"]
