//===- ModelABI.h - The C ABI of compiled models ----------------*- C++ -*-===//
//
// Generates, in LLVM IR, what runtime/qc_model.c expects of a model: the
// qc_model_metadata signature table and qc_model_invoke, which unpacks an
// array of buffer pointers into the memref arguments of the lowered model
// function.
//
//===----------------------------------------------------------------------===//

#ifndef QC_COMPILER_MODELABI_H
#define QC_COMPILER_MODELABI_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/Module.h"

#include <string>
#include <vector>

namespace mlir::qc {

/// One input or output of the model.
struct TensorSignature {
  std::string name;
  /// ONNX TensorProto.DataType numbering (qc_dtype).
  int32_t dtype;
  std::vector<int64_t> shape;
};

struct ModelSignature {
  std::vector<TensorSignature> inputs;
  std::vector<TensorSignature> outputs;
};

/// Name of the model function after quant-compile renames `main` (which must
/// not clash with an executable's main).
inline constexpr llvm::StringLiteral kModelFunctionName = "qc_model_main";
/// The model function taking device buffers, which models compiled for a GPU
/// have (qc-gpu-buffers adds it).
inline constexpr llvm::StringLiteral kDeviceModelFunctionName =
    "qc_model_main_device";

/// Reads the signature of `function` (statically shaped tensors; names from
/// `onnx.name` attributes, else input<i>/output<i>). Reports unsupported
/// types on the function.
FailureOr<ModelSignature> readModelSignature(Operation *function);

/// Adds qc_model_metadata and qc_model_invoke to `module`, whose lowered
/// model function takes each input and output as an expanded memref
/// (allocated and aligned pointer, offset, sizes, strides) and returns
/// nothing. Makes every other function internal.
LogicalResult emitModelABI(llvm::Module &module,
                           const ModelSignature &signature);

} // namespace mlir::qc

#endif // QC_COMPILER_MODELABI_H
