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
  PassOptions::Option<std::string> rounding{
      *this, "rounding",
      llvm::cl::desc("Rounding of the requantizations qc-lower-to-integer "
                     "makes (gemmlowp, single_round, double_round, "
                     "inexact_round, half_to_even)"),
      llvm::cl::init("gemmlowp")};
  PassOptions::Option<bool> integerOnly{
      *this, "integer-only",
      llvm::cl::desc("Fail (qc-verify-integer-only) where a float op remains "
                     "between qc.dequantize and qc.quantize; off: such ops "
                     "run in float"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> resultsAsOutParams{
      *this, "results-as-out-params",
      llvm::cl::desc("Return function results through caller-allocated "
                     "buffers (the calling convention of compiled models)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> vectorize{
      *this, "vectorize",
      llvm::cl::desc("Tile and vectorize linalg ops (qc-convert-conv-layouts, "
                     "qc-tile-and-vectorize); off: scalar reference loops"),
      llvm::cl::init(true)};
  PassOptions::Option<int64_t> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("f32 lanes of the target's vector registers (16 for "
                     "AVX-512, 8 for AVX2)"),
      llvm::cl::init(16)};
  PassOptions::Option<bool> runtimeAllocator{
      *this, "runtime-allocator",
      llvm::cl::desc("Allocate buffers through _mlir_memref_to_llvm_alloc/"
                     "free, which the model runtime implements with a cache "
                     "reused across runs (model libraries link it)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> parallel{
      *this, "parallel",
      llvm::cl::desc("Run large ops on several threads through OpenMP (the "
                     "compiled code then needs libomp)"),
      llvm::cl::init(false)};
};

/// qc-lower-to-llvm: lowers quantized regions to integers
/// (qc-lower-to-integer, qc-verify-integer-only), then TOSA and qc ops on
/// tensors to the LLVM dialect through linalg, register tiling and vectorization, one-shot
/// bufferization and loops; with `vectorize=false`, a scalar reference
/// lowering. Used by examples, execution tests and quant-compile.
void buildLowerToLLVMPipeline(OpPassManager &pm,
                              const LowerToLLVMPipelineOptions &options);

/// Registers QC's named pipelines with the global pass registry.
void registerQCPipelines();

} // namespace mlir::qc

#endif // QC_PIPELINES_PIPELINES_H
