//===- Quantization.cpp - quant-compile's quantization recipes ------------===//
//
// A recipe is a fixed sequence of registered passes around a calibration
// run, so `quant-opt` reproduces each step: qc-fold-batch-norm,
// qc-insert-observers, (calibration), qc-calibrate, qc-quantize. The
// integer lowering then happens in qc-lower-to-llvm.
//
//===----------------------------------------------------------------------===//

#include "qc/Compiler/Compiler.h"

#include "qc/Calibration/Observers.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"

using namespace mlir;
using namespace mlir::qc;

/// The recipes quant-compile knows.
static constexpr StringLiteral kNoRecipe = "none";
static constexpr StringLiteral kW8A8 = "w8a8";

/// Runs the passes `build` adds on `module`.
static LogicalResult runPasses(ModuleOp module,
                               function_ref<void(OpPassManager &)> build) {
  PassManager pm(module.getContext());
  build(pm.nest<func::FuncOp>());
  return pm.run(module);
}

LogicalResult mlir::qc::quantizeModel(ModuleOp module,
                                      const CompileOptions &options) {
  const QuantizationOptions &quantization = options.quantization;
  // Option errors name no op: the module would be printed with them.
  auto fail = [&] { return emitError(module.getLoc()); };
  bool calibrated = !quantization.calibrationDirectory.empty() ||
                    !quantization.statsFile.empty();
  if (quantization.recipe == kNoRecipe) {
    if (calibrated)
      return fail() << "calibration data needs a quantization recipe "
                       "(--recipe w8a8)";
    return success();
  }
  if (quantization.recipe != kW8A8)
    return fail() << "unknown recipe '" << quantization.recipe
                  << "' (expected none or w8a8)";
  if (!::qc::calibration::parseObserver(quantization.observer))
    return fail() << "unknown observer '" << quantization.observer
                  << "' (expected minmax, moving_average, percentile, mse "
                     "or kl)";
  if (!calibrated)
    return fail() << "the " << quantization.recipe
                  << " recipe needs calibration: --calib DIR (samples) or "
                     "--calib-stats FILE (statistics of an earlier run)";

  if (failed(runPasses(module, [](OpPassManager &pm) {
        pm.addPass(createQCFoldBatchNorm());
        pm.addPass(createQCInsertObservers());
      })))
    return failure();

  std::string statsFile = quantization.statsFile;
  std::optional<llvm::FileRemover> removeStats;
  if (!quantization.calibrationDirectory.empty()) {
    if (statsFile.empty()) {
      SmallString<128> temporary;
      if (std::error_code error = llvm::sys::fs::createTemporaryFile(
              "qc-stats", "json", temporary))
        return fail() << "cannot create a temporary file: " << error.message();
      statsFile = temporary.str().str();
      removeStats.emplace(statsFile);
    }
    if (failed(runCalibration(
            module, {quantization.calibrationDirectory, statsFile}, options)))
      return failure();
  }

  return runPasses(module, [&](OpPassManager &pm) {
    QCCalibrateOptions calibrate;
    calibrate.statsFile = statsFile;
    calibrate.observer = quantization.observer;
    pm.addPass(createQCCalibrate(calibrate));
    QCQuantizeOptions quantize;
    quantize.activationType = quantization.activationType;
    quantize.activationSymmetric = quantization.activationSymmetric;
    quantize.keepFloat.assign(quantization.keepFloat.begin(),
                              quantization.keepFloat.end());
    pm.addPass(createQCQuantize(quantize));
  });
}
