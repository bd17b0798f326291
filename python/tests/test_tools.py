"""Tests of the quant-opt driver in python/qc."""

import re
import sys
from pathlib import Path

import pytest

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
