//===- ImportONNX.h - ONNX to MLIR ------------------------------*- C++ -*-===//
//
// Imports an ONNX model as a func.func of TOSA (plus upstream arith/math/
// tensor where TOSA has no exact equivalent). Registered as the
// `--import-onnx` translation of quant-translate.
//
//===----------------------------------------------------------------------===//

#ifndef QC_TARGET_ONNX_IMPORTONNX_H
#define QC_TARGET_ONNX_IMPORTONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mlir::qc {

struct ONNXImportOptions {
  /// Static shapes for graph inputs, by name.
  std::map<std::string, std::vector<int64_t>> inputShapes;
};

/// Imports the ONNX model held by the main buffer of `sourceMgr`. Reports
/// errors through the context's diagnostics and returns null on failure.
OwningOpRef<ModuleOp> importONNX(llvm::SourceMgr &sourceMgr,
                                 MLIRContext *context,
                                 const ONNXImportOptions &options);

/// Parses an `--input-shape` value, `name=1x3x48x320` (a scalar: `name=`).
/// Returns false for malformed text.
bool parseInputShape(llvm::StringRef text, std::string &name,
                     std::vector<int64_t> &shape);

/// Registers `--import-onnx` (with its `--input-shape` option) with the
/// translation registry.
void registerImportONNXTranslation();

} // namespace mlir::qc

#endif // QC_TARGET_ONNX_IMPORTONNX_H
