//===- Pipelines.cpp - QC's named pass pipelines --------------------------===//

#include "qc/Pipelines/Pipelines.h"

#include "qc/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Quant/Transforms/Passes.h"
#include "mlir/Dialect/Tosa/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// Register tiles on tensors, before bufferization; the accumulator reads and
/// writes of a tile's reduction loop are hoisted out of it.
static void
addTileAndVectorizePasses(OpPassManager &pm,
                          const qc::LowerToLLVMPipelineOptions &options) {
  pm.addPass(qc::createQCConvertConvLayouts());
  pm.addPass(qc::createQCFuseElementwise());
  qc::QCTileAndVectorizeOptions tiling;
  tiling.vectorWidth = options.vectorWidth;
  tiling.parallel = options.parallel;
  pm.addPass(qc::createQCTileAndVectorize(tiling));
  pm.addPass(createLoopInvariantSubsetHoistingPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// Quantized regions to integers, TOSA and qc ops to linalg, arith and
/// tensor ops, elementwise ops as linalg generics.
static void addLowerToLinalgPasses(OpPassManager &pm, StringRef rounding,
                                   bool integerOnly,
                                   int64_t packedPartialSumLength = 0,
                                   int64_t packedUnpackMinRows = 0) {
  qc::QCLowerToIntegerOptions toInteger;
  toInteger.rounding = rounding.str();
  pm.addNestedPass<func::FuncOp>(qc::createQCLowerToInteger(toInteger));
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  if (integerOnly)
    pm.addNestedPass<func::FuncOp>(qc::createQCVerifyIntegerOnly());
  pm.addNestedPass<func::FuncOp>(qc::createQCExpandComposites());
  // Imported graphs are TOSA; lower it to linalg, arith and tensor first
  // (transpose_conv2d has no direct lowering: it decomposes into conv2d).
  pm.addNestedPass<func::FuncOp>(tosa::createTosaOptionalDecompositionsPass());
  pm.addNestedPass<func::FuncOp>(tosa::createTosaToLinalgNamed());
  pm.addNestedPass<func::FuncOp>(tosa::createTosaToLinalg());
  pm.addNestedPass<func::FuncOp>(createTosaToArithPass());
  pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
  qc::QCLowerPackedMatMulOptions packed;
  packed.partialSumLength = packedPartialSumLength;
  packed.unpackMinRows = packedUnpackMinRows;
  pm.addPass(qc::createQCLowerPackedMatMul(packed));
  pm.addPass(qc::createQCLowerQuantOps());
  pm.addPass(quant::createStripFuncQuantTypes());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createConvertElementwiseToLinalgPass());
}

/// One-shot bufferization with dense buffers at function boundaries,
/// results optionally as out-parameters, and buffer deallocation.
static void addBufferizationPasses(OpPassManager &pm,
                                   bool resultsAsOutParams) {
  bufferization::OneShotBufferizePassOptions bufferization;
  bufferization.bufferizeFunctionBoundaries = true;
  // Dense row-major buffers at function boundaries: the calling convention
  // of compiled models, and what buffer-results-to-out-params needs.
  bufferization.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferization));
  if (resultsAsOutParams) {
    bufferization::BufferResultsToOutParamsPassOptions outParams;
    outParams.modifyPublicFunctions = true;
    // The caller's buffer receives the result directly instead of a copy.
    outParams.hoistStaticAllocs = true;
    pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  }
  // Every buffer the function allocates is freed before it returns;
  // returned buffers it does not own are cloned (clones become copies).
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
}

void mlir::qc::buildLowerToLLVMPipeline(OpPassManager &pm,
                                        const LowerToLLVMPipelineOptions &options) {
  addLowerToLinalgPasses(pm, options.rounding, options.integerOnly);
  if (options.vectorize)
    addTileAndVectorizePasses(pm, options);
  addBufferizationPasses(pm, options.resultsAsOutParams);
  if (options.vectorize)
    pm.addPass(qc::createQCOutlineKernels());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (options.parallel)
    pm.addPass(createForallToParallelLoopPass());
  // Vector transfers of tiles become loads and stores, vector reductions
  // become shuffles before LLVM sees them. Transfers are unrolled into 1-D
  // ones rather than staged through stack buffers, which would be allocated
  // inside the tile loops.
  VectorTransferToSCFOptions transfersToSCF;
  transfersToSCF.enableFullUnroll();
  pm.addPass(createConvertVectorToSCFPass(transfersToSCF));
  pm.addNestedPass<func::FuncOp>(vector::createLowerVectorMultiReductionPass());
  // expand-strided-metadata emits affine.apply for reshaped views, so affine
  // is lowered after it.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  if (options.parallel) {
    pm.addPass(createConvertSCFToOpenMPPass());
    // The conversion wraps loop bodies in memref.alloca_scope; tiles
    // allocate nothing on the stack, so the canonicalizer inlines them.
    pm.addPass(createCanonicalizerPass());
  }
  pm.addPass(createSCFToControlFlowPass());
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = options.runtimeAllocator;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  // Integer powers become generated functions; math functions LLVM has no
  // intrinsic for (erf, ...) become libm calls.
  pm.addPass(createConvertMathToFuncs());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  // Contractions are register tiles: outer products are broadcast-FMAs.
  vectorToLLVM.vectorContractLowering =
      vector::VectorContractLowering::OuterProduct;
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

/// Upstream's gpu-lower-to-nvvm-pipeline, with the CUDA toolkit named:
/// host and device code to the LLVM dialect, kernels through NVVM to the
/// binary gpu-module-to-binary embeds.
static void addNVVMPasses(OpPassManager &pm,
                          const qc::LowerToNVVMPipelineOptions &options) {
  pm.addPass(createConvertNVGPUToNVVMPass());
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  pm.addNestedPass<gpu::GPUModuleOp>(createConvertGpuOpsToNVVMOps());
  pm.addNestedPass<gpu::GPUModuleOp>(createCanonicalizerPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createCSEPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createReconcileUnrealizedCastsPass());

  pm.addPass(createGpuToLLVMConversionPass());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = options.format;
  binary.toolkitPath = options.cudaPath;
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::qc::buildLowerToNVVMPipeline(
    OpPassManager &pm, const LowerToNVVMPipelineOptions &options) {
  addLowerToLinalgPasses(pm, options.rounding, options.integerOnly,
                         options.packedPartialSumLength,
                         options.packedUnpackMinRows);
  pm.addPass(createQCTransposeMatMulOperands());
  // Elementwise chains as one kernel each, their intermediates in registers.
  pm.addPass(createQCFuseElementwise());
  addBufferizationPasses(pm, /*resultsAsOutParams=*/true);
  pm.addPass(createQCGpuBuffers());
  pm.addNestedPass<func::FuncOp>(createQCGpuMmaMatMul());
  pm.addNestedPass<func::FuncOp>(createQCGpuParallelDimsFirst());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  // A reduction's initial fill and the reduction as one kernel.
  pm.addNestedPass<func::FuncOp>(createQCFuseParallelLoops());
  pm.addNestedPass<func::FuncOp>(createQCPromoteLoopAccumulators());
  QCGpuMapLoopsOptions mapping;
  mapping.blockSize = options.blockSize;
  pm.addNestedPass<func::FuncOp>(createQCGpuMapLoops(mapping));
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  // Bounds, strides and sizes as constants in the kernels (not parameters):
  // constant trip counts to unroll, divisions by constants to strength-reduce.
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  // Host globals the kernels took copies of are dead.
  pm.addPass(createSymbolDCEPass());
  pm.addNestedPass<func::FuncOp>(createQCGpuArena());
  // Launches, copies and frees on one stream, synchronized before return.
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());
  addNVVMPasses(pm, options);
}

void mlir::qc::registerQCPipelines() {
  PassPipelineRegistration<LowerToLLVMPipelineOptions>(
      "qc-lower-to-llvm",
      "Lower TOSA and qc ops on tensors to the LLVM dialect (linalg, "
      "register tiles and vectors, one-shot bufferization, LLVM)",
      buildLowerToLLVMPipeline);
  PassPipelineRegistration<LowerToNVVMPipelineOptions>(
      "qc-lower-to-nvvm",
      "Lower TOSA and qc ops on tensors to NVIDIA GPU kernels and host code "
      "in the LLVM dialect (linalg, one-shot bufferization, device buffers, "
      "one kernel per loop nest, NVVM, gpu-module-to-binary)",
      buildLowerToNVVMPipeline);
}
