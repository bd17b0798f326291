//===- Pipelines.cpp - QC's named pass pipelines --------------------------===//

#include "qc/Pipelines/Pipelines.h"

#include "qc/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Quant/Transforms/Passes.h"
#include "mlir/Dialect/Tosa/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::qc::buildLowerToLLVMPipeline(OpPassManager &pm,
                                        const LowerToLLVMPipelineOptions &options) {
  // Imported graphs are TOSA; lower it to linalg, arith and tensor first
  // (transpose_conv2d has no direct lowering: it decomposes into conv2d).
  pm.addNestedPass<func::FuncOp>(tosa::createTosaOptionalDecompositionsPass());
  pm.addNestedPass<func::FuncOp>(tosa::createTosaToLinalgNamed());
  pm.addNestedPass<func::FuncOp>(tosa::createTosaToLinalg());
  pm.addNestedPass<func::FuncOp>(createTosaToArithPass());
  pm.addNestedPass<func::FuncOp>(createTosaToTensorPass());
  pm.addPass(createQCLowerQuantOps());
  pm.addPass(quant::createStripFuncQuantTypes());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createConvertElementwiseToLinalgPass());
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
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // expand-strided-metadata emits affine.apply for reshaped views, so affine
  // is lowered after it.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  // Integer powers become generated functions; math functions LLVM has no
  // intrinsic for (erf, ...) become libm calls.
  pm.addPass(createConvertMathToFuncs());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::qc::registerQCPipelines() {
  PassPipelineRegistration<LowerToLLVMPipelineOptions>(
      "qc-lower-to-llvm",
      "Lower TOSA and qc ops on tensors to the LLVM dialect (reference "
      "lowering: linalg, one-shot bufferization, scalar loops)",
      buildLowerToLLVMPipeline);
}
