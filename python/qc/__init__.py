"""Python interface to QC, the quantization compiler.

For now this drives ``quant-opt``: run pass pipelines over MLIR text and list
the registered qc passes. Compiling and loading models come with the
ONNX-to-binary work.
"""

from qc.tools import QCToolError, find_tool, opt, qc_passes

__all__ = ["QCToolError", "find_tool", "opt", "qc_passes"]
