"""Tests of the tool drivers in python/qc: quant-opt, and quant-compile's
executables (emit="exe")."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import qc  # noqa: E402

REQUANT = """
func.func @f() -> tensor<4xi8> {
  %acc = arith.constant dense<[5, -5, 7, 1000]> : tensor<4xi32>
  %r = qc.requant %acc by(#qc.dyadic<1 * 2**-1>) rounding half_to_even
      : tensor<4xi32> -> tensor<4xi8>
  return %r : tensor<4xi8>
}
"""


def test_lists_qc_passes_and_pipelines():
    passes = qc.qc_passes()
    for name in ("qc-lower-quant-ops", "qc-strip-observe", "qc-lower-to-llvm"):
        assert name in passes


def test_canonicalize_folds_requant():
    # x / 2 half to even: 2.5 -> 2, -2.5 -> -2, 3.5 -> 4, 500 saturates to 127.
    out = qc.opt(REQUANT, ["canonicalize"])
    assert "qc.requant" not in out
    assert re.search(r"dense<\[2, -2, 4, 127\]> : tensor<4xi8>", out)


REQUANT_ARG = """
func.func @f(%acc: tensor<4xi32>) -> tensor<4xi8> {
  %r = qc.requant %acc by(#qc.dyadic<1 * 2**-1>) rounding single_round
      : tensor<4xi32> -> tensor<4xi8>
  return %r : tensor<4xi8>
}
"""


def test_lowering_removes_qc_ops():
    out = qc.opt(REQUANT_ARG, ["qc-lower-quant-ops"])
    assert "qc.requant" not in out
    assert "linalg.generic" in out


def test_invalid_ir_raises_with_diagnostic():
    bad = REQUANT.replace("1 * 2**-1", "-1 * 2**-1")
    with pytest.raises(qc.QCToolError) as error:
        qc.opt(bad)
    assert "expected a non-negative multiplier, got -1" in error.value.stderr
    assert error.value.returncode != 0


def test_missing_tool_is_reported(monkeypatch, tmp_path):
    monkeypatch.setenv("QC_TOOLS_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(qc.tools, "_CHECKOUT_BIN", tmp_path)
    with pytest.raises(FileNotFoundError, match="quant-opt not found"):
        qc.find_tool("quant-opt")


WEIGHT = np.arange(12, dtype=np.float32).reshape(3, 4) / 6 - 1
BIAS = np.array([0.5, -0.5, 0.25, -0.25], np.float32)


@pytest.fixture(scope="module")
def linear_exe(tmp_path_factory):
    """y = relu(x @ W + b), x of shape (2, 3), compiled into an executable."""
    directory = tmp_path_factory.mktemp("exe")
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["x", "w", "b"], ["h"]),
         helper.make_node("Relu", ["h"], ["y"])],
        "linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4])],
        [numpy_helper.from_array(WEIGHT, "w"),
         numpy_helper.from_array(BIAS, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, directory / "linear.onnx")
    # No extension: emit="exe" is what makes it a program.
    return qc.compile(directory / "linear.onnx", directory / "linear", emit="exe")


def run_exe(exe, *args, cwd=None):
    # An empty environment: the program needs no QC tools, Python or paths.
    return subprocess.run([str(exe), *map(str, args)], cwd=cwd, env={},
                          capture_output=True, text=True, check=False)


def test_executable_matches_numpy(linear_exe, tmp_path):
    x = np.array([[1, -2, 3], [0.5, 0.25, -4]], np.float32)
    np.save(tmp_path / "x.npy", x)
    out = tmp_path / "out"
    out.mkdir()
    result = run_exe(linear_exe, f"--input=x={tmp_path / 'x.npy'}",
                     f"--output-dir={out}", "--benchmark=3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert re.search(r"^latency over 3 runs: median [0-9.]+ ms "
                     r"\(min [0-9.]+, max [0-9.]+\)$", result.stdout, re.M)
    y = np.load(out / "y.npy")
    assert y.dtype == np.float32 and y.shape == (2, 4)
    np.testing.assert_allclose(y, np.maximum(x @ WEIGHT + BIAS, 0),
                               rtol=1e-5, atol=1e-6)


def test_executable_random_inputs_are_deterministic(linear_exe):
    first = run_exe(linear_exe, "--seed=3")
    second = run_exe(linear_exe, "--seed=3")
    assert first.returncode == 0, first.stderr
    assert "random values for input x: <f4[2x3]" in first.stderr
    assert first.stdout == second.stdout
    assert first.stdout.startswith("y: <f4[2x4] [")


@pytest.mark.parametrize("args, message", [
    (["--input=x=missing.npy"], "cannot read 'missing.npy'"),
    (["--input=x=wrong.npy"], "'wrong.npy' has shape (3, 2); input 'x' expects (2, 3)"),
    (["--input=z=wrong.npy"], "the model has no input 'z' (its inputs: x)"),
    (["--num-threads=-1"], "--num-threads expects an integer"),
    (["--no-such-flag"], "unknown option '--no-such-flag'"),
])
def test_executable_errors(linear_exe, tmp_path, args, message):
    np.save(tmp_path / "wrong.npy", np.zeros((3, 2), np.float32))
    result = run_exe(linear_exe, *args, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
