//===- Pipelines.h - QC's named pass pipelines ------------------*- C++ -*-===//
//
// Named pipelines registered in quant-opt. Each is a fixed sequence of
// registered passes, so every stage can also be run alone.
//
//===----------------------------------------------------------------------===//

#ifndef QC_PIPELINES_PIPELINES_H
#define QC_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace mlir::qc {

/// qc-lower-to-llvm: lowers TOSA and qc ops on tensors to the LLVM dialect
/// through linalg, one-shot bufferization and loops. A reference lowering (scalar
/// loops, no tiling or vectorization) used by examples and execution tests.
void buildLowerToLLVMPipeline(OpPassManager &pm);

/// Registers QC's named pipelines with the global pass registry.
void registerQCPipelines();

} // namespace mlir::qc

#endif // QC_PIPELINES_PIPELINES_H
