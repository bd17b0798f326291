//===- Pipelines.h - QC's named pass pipelines ------------------*- C++ -*-===//
//
// Named pipelines registered in quant-opt. Each is a fixed sequence of
// registered passes, so every stage can also be run alone.
//
//===----------------------------------------------------------------------===//

#ifndef QC_PIPELINES_PIPELINES_H
#define QC_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::qc {

struct LowerToLLVMPipelineOptions
    : public PassPipelineOptions<LowerToLLVMPipelineOptions> {
  PassOptions::Option<bool> resultsAsOutParams{
      *this, "results-as-out-params",
      llvm::cl::desc("Return function results through caller-allocated "
                     "buffers (the calling convention of compiled models)"),
      llvm::cl::init(false)};
};

/// qc-lower-to-llvm: lowers TOSA and qc ops on tensors to the LLVM dialect
/// through linalg, one-shot bufferization and loops. A reference lowering
/// (scalar loops, no tiling or vectorization) used by examples, execution
/// tests and quant-compile.
void buildLowerToLLVMPipeline(OpPassManager &pm,
                              const LowerToLLVMPipelineOptions &options);

/// Registers QC's named pipelines with the global pass registry.
void registerQCPipelines();

} // namespace mlir::qc

#endif // QC_PIPELINES_PIPELINES_H
