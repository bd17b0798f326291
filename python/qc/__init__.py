"""Python interface to QC, the quantization compiler.

``qc.compile`` turns an ONNX (or MLIR) model into a shared library with
quant-compile, ``qc.load`` runs such a library on numpy arrays, ``qc.opt``
runs quant-opt pass pipelines over MLIR text.
"""

from qc.runtime import Model, TensorSpec, load
from qc.tools import (QCToolError, compile, find_tool, opt, qc_passes,
                      tools_available)

__all__ = ["Model", "QCToolError", "TensorSpec", "compile", "find_tool",
           "load", "opt", "qc_passes", "tools_available"]
