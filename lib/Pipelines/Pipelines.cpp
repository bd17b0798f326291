//===- Pipelines.cpp - QC's named pass pipelines --------------------------===//

#include "qc/Pipelines/Pipelines.h"

#include "qc/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
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

void mlir::qc::buildLowerToLLVMPipeline(OpPassManager &pm,
                                        const LowerToLLVMPipelineOptions &options) {
  QCLowerToIntegerOptions toInteger;
  toInteger.rounding = options.rounding;
  pm.addNestedPass<func::FuncOp>(createQCLowerToInteger(toInteger));
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  if (options.integerOnly)
    pm.addNestedPass<func::FuncOp>(createQCVerifyIntegerOnly());
  pm.addNestedPass<func::FuncOp>(createQCExpandComposites());
  // Imported graphs are TOSA; lower it to linalg, arith and tensor first
  // (transpose_conv2d has no direct lowering: it decomposes into conv2d).
  pm.addNestedPass<func::FuncOp>(tosa::createTosaOptionalDecompositionsPass());
  pm.addNestedPass<func::FuncOp>(tosa::createTosaToLinalgNamed());
  pm.addNestedPass<func::FuncOp>(tosa::createTosaToLinalg());
  pm.addNestedPass<func::FuncOp>(createTosaToArithPass());
  pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
  pm.addPass(createQCLowerPackedMatMul());
  pm.addPass(createQCLowerQuantOps());
  pm.addPass(quant::createStripFuncQuantTypes());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createConvertElementwiseToLinalgPass());
  if (options.vectorize)
    addTileAndVectorizePasses(pm, options);
  bufferization::OneShotBufferizePassOptions bufferization;
  bufferization.bufferizeFunctionBoundaries = true;
  // Dense row-major buffers at function boundaries: the calling convention
  // of compiled models, and what buffer-results-to-out-params needs.
  bufferization.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferization));
  if (options.resultsAsOutParams) {
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

void mlir::qc::registerQCPipelines() {
  PassPipelineRegistration<LowerToLLVMPipelineOptions>(
      "qc-lower-to-llvm",
      "Lower TOSA and qc ops on tensors to the LLVM dialect (linalg, "
      "register tiles and vectors, one-shot bufferization, LLVM)",
      buildLowerToLLVMPipeline);
}
