//===- Compiler.h - ONNX or MLIR to a model library -------------*- C++ -*-===//
//
// The driver behind quant-compile: import, lower with the registered
// pipelines, translate to LLVM IR, add the C ABI of qc_model.h, generate
// code for the target and link a shared library or an executable.
//
//===----------------------------------------------------------------------===//

#ifndef QC_COMPILER_COMPILER_H
#define QC_COMPILER_COMPILER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlir::qc {

/// What quant-compile writes.
enum class EmitKind {
  /// The imported model (func + TOSA).
  MLIR,
  /// LLVM IR of the model with its C ABI.
  LLVM,
  /// An object file.
  Object,
  /// A shared library exporting the C ABI of qc_model.h.
  SharedLibrary,
  /// A program: the model with the driver of runtime/qc_main.c, which runs
  /// it on .npy inputs (`./model --help`).
  Executable,
  /// The PTX of the model's GPU kernels (a GPU target only).
  PTX,
};

/// Post-training quantization in quant-compile (`--recipe`, `--calib`).
struct QuantizationOptions {
  /// "none" (a float model) or "w<N>a8" (w8a8, w6a8, w4a8...): N-bit
  /// weights per output channel (N from 2 to 8, held in int8), 8-bit
  /// activations per tensor, integer-only code.
  std::string recipe = "none";
  /// Calibration samples: one subdirectory per sample holding
  /// `<input name>.npy` or ONNX's `input_<k>.pb` per model input (ONNX's
  /// test_data_set_N layout), or, for a model of one input, one .npy file
  /// per sample. Empty: use `statsFile`.
  std::string calibrationDirectory;
  /// The statistics file calibration writes, or reads when there is no
  /// calibration directory; empty with a directory: a temporary file.
  std::string statsFile;
  /// The observer whose ranges set the scales (qc-calibrate's `observer`).
  std::string observer = "minmax";
  /// qc-quantize's activation-type, activation-symmetric, keep-float,
  /// tabulate-functions, per-channel-depthwise-inputs, bias-correction and
  /// weight-group-size.
  std::string activationType = "i8";
  bool activationSymmetric = false;
  std::vector<std::string> keepFloat;
  bool tabulateFunctions = false;
  bool perChannelDepthwiseInputs = false;
  bool biasCorrection = false;
  int64_t weightGroupSize = 0;
  /// qc-smooth's options ("method=os_plus,alpha=0.8"; empty: its defaults)
  /// when activations are smoothed before quantization; none: no smoothing.
  std::optional<std::string> smoothing;
  /// qc-split-outliers' options ("ratio=0.02,target=activations"; empty: its
  /// defaults) when input channels are split (after smoothing); none: no
  /// splitting.
  std::optional<std::string> outlierSplitting;
  /// qc-search-bitwidth's options, as in a pass pipeline ("method=hawq
  /// budget=avg-bits:5 candidates=2,4,8"), when the weight widths are
  /// searched per layer (on the final calibration, before qc-quantize);
  /// none: every layer takes the recipe's width.
  std::optional<std::string> bitWidthSearch;
  /// Rounding of the requantizations (qc-lower-to-integer's `rounding`).
  std::string rounding = "gemmlowp";
  /// Fail where a float op remains between quantized values; false: such
  /// ops run in float (qc-lower-to-llvm's `integer-only`).
  bool integerOnly = true;
  /// Where the quantization report's JSON goes (its table: the same path
  /// with the extension ".txt"); empty: no report.
  std::string reportFile;
};

struct CompileOptions {
  std::string inputPath;
  std::string outputPath;
  EmitKind emit = EmitKind::SharedLibrary;
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Target triple ("" or "host": the host's) of the code that runs on
  /// the CPU.
  std::string triple;
  /// The NVIDIA GPU the model runs on (e.g. "sm_90a"); empty: the CPU.
  std::string gpuChip;
  /// The CUDA toolkit whose ptxas assembles GPU code (empty: found as the
  /// qc-lower-to-nvvm pipeline's cuda-path option says).
  std::string cudaPath;
  /// CPU name ("" or "native" with a host triple: the host's).
  std::string cpu;
  /// LLVM feature string, e.g. "+avx512f,+avx512vnni" (added to the CPU's).
  std::string features;
  unsigned optLevel = 3;
  /// Run large ops on several threads (OpenMP); the library then links
  /// `openmpLibrary`.
  bool parallel = true;
  /// Tile and vectorize; false: scalar reference loops (the pipeline's
  /// `vectorize=false`), to tell code generation apart from the model when
  /// results differ. Implies no threads.
  bool vectorize = true;
  /// The OpenMP runtime (libomp.so) parallel libraries link.
  std::string openmpLibrary;
  /// The static runtime library linked into shared libraries and
  /// executables.
  std::string runtimeLibrary;
  /// The static library with the main() of executables (qc_main.c).
  std::string mainLibrary;
  /// The static GPU host runtime (qc_cuda.c) GPU models link.
  std::string cudaRuntimeLibrary;
  /// The program that links libraries and executables (a C compiler
  /// driver).
  std::string linker = "cc";
  QuantizationOptions quantization;
};

/// Reads the input model: ONNX by extension, MLIR otherwise.
OwningOpRef<ModuleOp> loadModel(const CompileOptions &options,
                                MLIRContext &context);

/// Compiles `module` (which it lowers in place) into what `options.emit`
/// names, other than MLIR.
LogicalResult compileModule(ModuleOp module, const CompileOptions &options,
                            MLIRContext &context);

/// Applies `options.quantization`'s recipe to the float `module`: folds
/// batch normalization, taps, calibrates (or reads the statistics file),
/// quantizes and writes the report it asks for. Nothing for recipe "none".
LogicalResult quantizeModel(ModuleOp module, const CompileOptions &options);

/// Compiles as `options` say; reports errors through `context`'s diagnostics.
LogicalResult compile(const CompileOptions &options, MLIRContext &context);

} // namespace mlir::qc

#endif // QC_COMPILER_COMPILER_H
