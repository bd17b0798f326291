//===- InitAllDialects.h - Dialects QC's tools register ---------*- C++ -*-===//

#ifndef QC_INITALLDIALECTS_H
#define QC_INITALLDIALECTS_H

#include "qc/IR/QC.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

namespace mlir::qc {

/// Registers the qc dialect and every upstream dialect (with its interface
/// extensions and translations to LLVM IR), so QC's tools read and write any
/// IR the pipeline produces and serialize GPU modules
/// (gpu-module-to-binary translates them to LLVM IR).
inline void registerAllDialects(DialectRegistry &registry) {
  registry.insert<QCDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
}

} // namespace mlir::qc

#endif // QC_INITALLDIALECTS_H
