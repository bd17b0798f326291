# lit configuration for QC's tests: .mlir files run through QC's tools and
# checked with FileCheck.

import os

import lit.formats
import lit.util
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qc_obj_root, "test")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

tools = [
    ToolSubst("quant-opt", unresolved="fatal"),
    ToolSubst("quant-translate", unresolved="fatal"),
    ToolSubst("quant-compile", unresolved="fatal"),
    ToolSubst("quant-run", unresolved="fatal"),
]
llvm_config.add_tool_substitutions(tools, [config.qc_tools_dir])

# Runs `main` of LLVM-dialect IR (from --qc-lower-to-llvm) with MLIR's runner
# utilities.
runner_libs = [os.path.join(config.llvm_lib_dir, lib) for lib in
               ("libmlir_runner_utils.so", "libmlir_c_runner_utils.so")]
config.substitutions.append((
    "%{run_main}",
    "mlir-runner -e main -entry-point-result=void -shared-libs="
    + ",".join(runner_libs)))

# ONNX test models are written in ONNX's textual syntax next to their checks
# and converted with onnx.parser (Debian's python3-onnx).
config.substitutions.append((
    "%onnx_from_text",
    config.qc_python + " " +
    os.path.join(config.test_source_root, "lit-tools", "onnx_from_text.py")))
config.excludes.extend(["lit-tools", "conformance", "install", "Inputs"])

# Debian's Python, with numpy and onnx, for test inputs and checks.
config.substitutions.append(("%python", config.qc_python))

# Code lowered with qc-lower-to-llvm parallel=true calls libomp (__kmpc_*);
# `%{run_main} %{libomp}` loads it. Tests that run such code REQUIRE libomp.
libomp = os.path.join(config.llvm_lib_dir, "libomp.so")
if os.path.exists(libomp):
    config.available_features.add("libomp")
config.substitutions.append(("%{libomp}", "-shared-libs=" + libomp))

# CUDA's ptxas assembles GPU kernels (quant-compile --target=cuda:...); PTX
# output needs none. Tests that build GPU binaries REQUIRE ptxas.
cuda_bin = os.path.join(os.environ.get("CUDA_ROOT", "/usr/local/cuda"), "bin")
if lit.util.which("ptxas", os.pathsep.join([os.environ.get("PATH", ""),
                                             cuda_bin])):
    config.available_features.add("ptxas")
    llvm_config.with_environment("PATH", cuda_bin, append_path=True)

# A CUDA driver is present (a machine with an NVIDIA GPU): GPU libraries
# run instead of reporting that they cannot.
try:
    import ctypes
    ctypes.CDLL("libcuda.so.1")
    config.available_features.add("cuda-driver")
except OSError:
    pass
