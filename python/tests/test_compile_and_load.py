"""qc.compile (quant-compile) and qc.load (the C ABI) on small ONNX models."""

import ctypes
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import qc  # noqa: E402

RNG = np.random.default_rng(7)
WEIGHT = RNG.standard_normal((3, 4)).astype(np.float32)
BIAS = RNG.standard_normal(4).astype(np.float32)


def save_linear_relu(path, batch="N"):
    """y = relu(x @ W + b) with a dynamic batch dimension, and z = sigmoid(x)."""
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "w", "b"], ["h"], name="fc"),
         helper.make_node("Relu", ["h"], ["y"], name="relu"),
         helper.make_node("Sigmoid", ["x"], ["z"], name="sigmoid")],
        "linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, 4]),
         helper.make_tensor_value_info("z", TensorProto.FLOAT, [batch, 3])],
        [numpy_helper.from_array(WEIGHT, "w"),
         numpy_helper.from_array(BIAS, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, path)
    return path


@pytest.fixture(scope="module")
def linear(tmp_path_factory):
    directory = tmp_path_factory.mktemp("linear")
    onnx_path = save_linear_relu(directory / "linear.onnx")
    library = qc.compile(onnx_path, directory / "linear.so",
                         input_shapes={"x": (5, 3)})
    return qc.load(library)


def test_signature(linear):
    assert [(s.name, s.dtype, s.shape) for s in linear.inputs] == [
        ("x", np.float32, (5, 3))]
    assert [(s.name, s.dtype, s.shape) for s in linear.outputs] == [
        ("y", np.float32, (5, 4)), ("z", np.float32, (5, 3))]


def test_matches_numpy(linear):
    x = RNG.standard_normal((5, 3)).astype(np.float32)
    y, z = linear(x)
    np.testing.assert_allclose(y, np.maximum(x @ WEIGHT + BIAS, 0),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(z, 1 / (1 + np.exp(-x)), rtol=1e-5, atol=1e-6)


def test_inputs_by_name(linear):
    x = RNG.standard_normal((5, 3)).astype(np.float32)
    by_name = linear(x=x)
    in_order = linear(x)
    for a, b in zip(by_name, in_order):
        np.testing.assert_array_equal(a, b)


def test_wrong_inputs_are_reported(linear):
    with pytest.raises(TypeError, match="expects float32, got float64"):
        linear(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"expects shape \(5, 3\), got \(4, 3\)"):
        linear(np.zeros((4, 3), np.float32))
    with pytest.raises(TypeError, match="takes 1 inputs, got 2"):
        linear(np.zeros((5, 3), np.float32), np.zeros((5, 3), np.float32))
    with pytest.raises(TypeError, match="missing inputs"):
        linear(a=np.zeros((5, 3), np.float32))


def test_c_abi_rejects_null_and_counts(linear):
    lib = linear._lib  # the C ABI itself, below the numpy checks
    out = (ctypes.c_void_p * 2)()
    assert lib.qc_model_run(None, 1, out, 2) == 1
    assert lib.qc_model_last_error() == b"the input array is null"
    assert lib.qc_model_run(None, 0, out, 2) == 2
    assert lib.qc_model_last_error() == b"expected 1 inputs and 2 outputs"
    inputs = (ctypes.c_void_p * 1)(None)
    assert lib.qc_model_run(inputs, 1, out, 2) == 1
    assert lib.qc_model_last_error() == b"input 0 is null"


def test_two_models_in_one_process(tmp_path, linear):
    onnx_path = save_linear_relu(tmp_path / "other.onnx")
    other = qc.load(qc.compile(onnx_path, tmp_path / "other.so",
                               input_shapes={"x": (2, 3)}))
    assert other.inputs[0].shape == (2, 3)
    assert linear.inputs[0].shape == (5, 3)
    x = RNG.standard_normal((2, 3)).astype(np.float32)
    np.testing.assert_allclose(other(x)[0], np.maximum(x @ WEIGHT + BIAS, 0),
                               rtol=1e-5, atol=1e-6)


def test_emit_kinds(tmp_path):
    onnx_path = save_linear_relu(tmp_path / "m.onnx", batch=2)
    mlir = qc.compile(onnx_path, tmp_path / "m.mlir")
    assert "tosa.matmul" in Path(mlir).read_text()
    llvm = qc.compile(onnx_path, tmp_path / "m.ll")
    text = Path(llvm).read_text()
    assert "@qc_model_invoke" in text and "@qc_model_metadata" in text
    obj = qc.compile(onnx_path, tmp_path / "m.o")
    assert Path(obj).read_bytes()[:4] == b"\x7fELF"


def test_unsupported_op_is_a_clear_error(tmp_path):
    graph = helper.make_graph(
        [helper.make_node("Det", ["x"], ["y"], name="determinant")], "det",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, tmp_path / "det.onnx")
    with pytest.raises(qc.QCToolError) as error:
        qc.compile(tmp_path / "det.onnx", tmp_path / "det.so")
    assert ("node 'determinant' (Det, opset 13): QC does not support this op"
            in error.value.stderr)
    assert not (tmp_path / "det.so").exists()


def test_truncated_model_is_a_clear_error(tmp_path):
    onnx_path = save_linear_relu(tmp_path / "m.onnx", batch=2)
    (tmp_path / "cut.onnx").write_bytes(Path(onnx_path).read_bytes()[:50])
    with pytest.raises(qc.QCToolError, match="malformed or truncated"):
        qc.compile(tmp_path / "cut.onnx", tmp_path / "cut.so")


def test_runs_do_not_leak_memory(tmp_path):
    """Intermediate buffers are freed: repeated runs keep the peak RSS flat.
    Each run of this model allocates 4 intermediates of 256 KiB."""
    import resource

    size = 256
    weight = np.eye(size, dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["a"]),
         helper.make_node("Relu", ["a"], ["b"]),
         helper.make_node("MatMul", ["b", "w"], ["c"]),
         helper.make_node("Sigmoid", ["c"], ["y"])],
        "chain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [size, size])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [size, size])],
        [numpy_helper.from_array(weight, "w")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, tmp_path / "chain.onnx")
    chain = qc.load(qc.compile(tmp_path / "chain.onnx", tmp_path / "chain.so"))
    x = np.zeros((size, size), np.float32)
    for _ in range(5):
        chain(x)
    before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(50):
        chain(x)
    after_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # A leak of the intermediates would add 50 * 1 MiB = 50 MiB.
    assert after_kib - before_kib < 16 * 1024


@pytest.fixture(scope="module")
def wide_matmul(tmp_path_factory):
    """A matmul large enough to be split across threads, as ONNX."""
    directory = tmp_path_factory.mktemp("wide")
    weight = RNG.standard_normal((256, 128)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], "wide",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [256, 256])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [256, 128])],
        [numpy_helper.from_array(weight, "w")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, directory / "wide.onnx")
    return directory / "wide.onnx", weight


def test_thread_count_changes_nothing_but_speed(wide_matmul, tmp_path):
    onnx_path, weight = wide_matmul
    model = qc.load(qc.compile(onnx_path, tmp_path / "wide.so"))
    x = RNG.standard_normal((256, 256)).astype(np.float32)
    model.num_threads = 1
    assert model.num_threads == 1
    (one,) = model(x)
    model.num_threads = 2
    assert model.num_threads == 2
    (two,) = model(x)
    np.testing.assert_array_equal(one, two)
    np.testing.assert_allclose(one, x @ weight, rtol=1e-4, atol=1e-4)
    model.num_threads = 0  # back to the default
    assert model.num_threads >= 1


def test_negative_thread_count_is_rejected(wide_matmul, tmp_path):
    onnx_path, _ = wide_matmul
    model = qc.load(qc.compile(onnx_path, tmp_path / "wide.so"))
    with pytest.raises(ValueError, match="thread count of at least 0"):
        model.num_threads = -1


def test_single_threaded_library_needs_no_libomp(wide_matmul, tmp_path):
    onnx_path, weight = wide_matmul
    library = qc.compile(onnx_path, tmp_path / "serial.so", parallel=False)
    model = qc.load(library, num_threads=4)
    assert model.num_threads == 1
    assert b"libomp" not in Path(library).read_bytes()
    x = RNG.standard_normal((256, 256)).astype(np.float32)
    np.testing.assert_allclose(model(x)[0], x @ weight, rtol=1e-4, atol=1e-4)
