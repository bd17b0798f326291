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

/// The options of the integer lowering both back ends start with.
template <typename Derived>
struct IntegerLoweringOptions : public PassPipelineOptions<Derived> {
  using PassOptions = ::mlir::detail::PassOptions;
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
};

struct LowerToLLVMPipelineOptions
    : public IntegerLoweringOptions<LowerToLLVMPipelineOptions> {
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

struct LowerToNVVMPipelineOptions
    : public IntegerLoweringOptions<LowerToNVVMPipelineOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("The GPU the code is for (sm_80, sm_89, sm_90a)"),
      llvm::cl::init("sm_90a")};
  PassOptions::Option<std::string> features{
      *this, "features",
      llvm::cl::desc("PTX features (+ptx80: PTX ISA 8.0, which sm_90a "
                     "needs)"),
      llvm::cl::init("+ptx80")};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("What gpu-module-to-binary embeds: fatbin or bin (run "
                     "CUDA's ptxas), isa (PTX text, no ptxas), offload "
                     "(LLVM IR)"),
      llvm::cl::init("fatbin")};
  PassOptions::Option<std::string> cudaPath{
      *this, "cuda-path",
      llvm::cl::desc("The CUDA toolkit whose bin/ptxas makes fatbin and bin "
                     "(default: $CUDA_ROOT, $CUDA_HOME, $CUDA_PATH, then "
                     "ptxas on PATH)"),
      llvm::cl::init("")};
  PassOptions::Option<int64_t> blockSize{
      *this, "block-size",
      llvm::cl::desc("Threads per block of the generic kernels "
                     "(qc-gpu-map-loops)"),
      llvm::cl::init(256)};
  PassOptions::Option<int64_t> packedPartialSumLength{
      *this, "packed-partial-sum-length",
      llvm::cl::desc("Inputs per partial sum of packed-weight matmuls without "
                     "groups, each sum one thread (qc-lower-packed-matmul's "
                     "partial-sum-length; 0: one per output)"),
      llvm::cl::init(128)};
  PassOptions::Option<int64_t> packedUnpackMinRows{
      *this, "packed-unpack-min-rows",
      llvm::cl::desc("Packed-weight matmuls with at least this many rows "
                     "unpack their weights to int8 for the tensor-core "
                     "kernel (qc-lower-packed-matmul's unpack-min-rows; 0: "
                     "never)"),
      llvm::cl::init(2)};
};

/// qc-lower-to-llvm: lowers quantized regions to integers
/// (qc-lower-to-integer, qc-verify-integer-only), then TOSA and qc ops on
/// tensors to the LLVM dialect through linalg, register tiling and vectorization, one-shot
/// bufferization and loops; with `vectorize=false`, a scalar reference
/// lowering. Used by examples, execution tests and quant-compile.
void buildLowerToLLVMPipeline(OpPassManager &pm,
                              const LowerToLLVMPipelineOptions &options);

/// qc-lower-to-nvvm: lowers quantized regions to integers as
/// qc-lower-to-llvm does, bufferizes with results as out-parameters, and
/// runs every op on an NVIDIA GPU: buffers in device memory
/// (qc-gpu-buffers), each loop nest one kernel (qc-gpu-map-loops,
/// convert-parallel-loops-to-gpu, gpu-kernel-outlining), launches and copies
/// on one stream (gpu-async-region), then the passes of upstream's
/// gpu-lower-to-nvvm-pipeline: device code through NVVM to a binary
/// embedded in the module, host code to the LLVM dialect calling the
/// `mgpu*` runtime functions (QC's runtime/qc_cuda.c).
void buildLowerToNVVMPipeline(OpPassManager &pm,
                              const LowerToNVVMPipelineOptions &options);

/// Registers QC's named pipelines with the global pass registry.
void registerQCPipelines();

} // namespace mlir::qc

#endif // QC_PIPELINES_PIPELINES_H
