//===- Quantization.cpp - quant-compile's quantization recipes ------------===//
//
// A recipe is a fixed sequence of registered passes around a calibration
// run, so `quant-opt` reproduces each step: qc-raise-layer-norm,
// qc-fold-batch-norm, qc-insert-observers, (calibration), qc-calibrate,
// qc-quantize; with smoothing or outlier splitting, qc-calibrate, the
// rewrite (qc-smooth, qc-split-outliers) and qc-insert-observers run after
// a calibration, and another one measures the rewritten model. The integer lowering then happens in
// qc-lower-to-llvm. The quantization report (Report.cpp) describes what
// qc-quantize decided.
//
//===----------------------------------------------------------------------===//

#include "Calibration.h"

#include "qc/Calibration/Observers.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"

using namespace mlir;
using namespace mlir::qc;

/// The recipes quant-compile knows: none, or `w<N>a8` (N-bit weights per
/// output channel, 8-bit activations per tensor) for N in [kMinWeightBits,
/// kMaxWeightBits].
static constexpr StringLiteral kNoRecipe = "none";

/// The weight bits of a `w<N>a8` recipe; none for other names.
static std::optional<int64_t> parseWeightBits(StringRef recipe) {
  int64_t bits;
  if (!recipe.consume_front("w") || !recipe.consume_back("a8") ||
      recipe.getAsInteger(10, bits) || bits < kMinWeightBits ||
      bits > kMaxWeightBits)
    return std::nullopt;
  return bits;
}

/// Runs the passes `build` adds on `module`.
static LogicalResult runPasses(ModuleOp module,
                               function_ref<void(OpPassManager &)> build) {
  PassManager pm(module.getContext());
  build(pm.nest<func::FuncOp>());
  return pm.run(module);
}

/// The pass `create` makes, configured by the options a quant-compile flag
/// (`--<flag>=option,...`) gave it, for weights of `weightBits`; null where
/// the flag is absent. The rewritten model is calibrated again, so the flag
/// needs calibration samples.
static FailureOr<std::unique_ptr<Pass>>
buildRewritePass(ModuleOp module, const QuantizationOptions &quantization,
                 StringRef flag, const std::optional<std::string> &flagOptions,
                 function_ref<std::unique_ptr<Pass>()> create,
                 int64_t weightBits) {
  if (!flagOptions)
    return std::unique_ptr<Pass>();
  if (quantization.calibrationDirectory.empty())
    return emitError(module.getLoc())
           << "--" << flag
           << " calibrates the rewritten model again: it needs the "
              "calibration samples (--calib DIR)";
  std::unique_ptr<Pass> pass = create();
  // The command line separates options with commas, pass pipelines with
  // spaces.
  std::string options =
      "weight-bits=" + std::to_string(weightBits) + " " + *flagOptions;
  llvm::replace(options, ',', ' ');
  if (failed(pass->initializeOptions(options, [&](const Twine &message) {
        return emitError(module.getLoc()) << "--" << flag << ": " << message;
      })))
    return failure();
  return pass;
}

LogicalResult mlir::qc::quantizeModel(ModuleOp module,
                                      const CompileOptions &options) {
  const QuantizationOptions &quantization = options.quantization;
  // Option errors name no op: the module would be printed with them.
  auto fail = [&] { return emitError(module.getLoc()); };
  bool calibrated = !quantization.calibrationDirectory.empty() ||
                    !quantization.statsFile.empty();
  bool reported = !quantization.reportFile.empty();
  // Every model, quantized here or not: a QDQ model's masked softmax gets
  // the integer kernel too.
  if (failed(runPasses(module, [](OpPassManager &pm) {
        pm.addPass(createQCRaiseMaskedSoftmax());
      })))
    return failure();
  if (quantization.recipe == kNoRecipe) {
    if (calibrated)
      return fail() << "calibration data needs a quantization recipe "
                       "(--recipe w8a8)";
    if (reported)
      return fail() << "--report describes the decisions of a quantization "
                       "recipe; there is none (add --recipe w8a8 with --calib "
                       "DIR or --calib-stats FILE)";
    return success();
  }
  std::optional<int64_t> weightBits = parseWeightBits(quantization.recipe);
  if (!weightBits)
    return fail() << "unknown recipe '" << quantization.recipe
                  << "' (expected none, or w<N>a8 with " << kMinWeightBits
                  << " to " << kMaxWeightBits
                  << " weight bits: w8a8, w6a8, w4a8...)";
  if (!::qc::calibration::parseObserver(quantization.observer))
    return fail() << "unknown observer '" << quantization.observer
                  << "' (expected minmax, moving_average, percentile, mse "
                     "or kl)";
  if (!calibrated)
    return fail() << "the " << quantization.recipe
                  << " recipe needs calibration: --calib DIR (samples) or "
                     "--calib-stats FILE (statistics of an earlier run)";
  if (reported &&
      getReportTablePath(quantization.reportFile) == quantization.reportFile)
    return fail() << "the report file '" << quantization.reportFile
                  << "' ends in .txt, where its table goes; name the JSON "
                     "file, e.g. report.json";

  FailureOr<std::unique_ptr<Pass>> smoothing = buildRewritePass(
      module, quantization, "smooth", quantization.smoothing,
      [] { return createQCSmooth(); }, *weightBits);
  FailureOr<std::unique_ptr<Pass>> splitting = buildRewritePass(
      module, quantization, "split-outliers", quantization.outlierSplitting,
      [] { return createQCSplitOutliers(); }, *weightBits);
  if (failed(smoothing) || failed(splitting))
    return failure();
  // The rewrites before quantization, in order.
  SmallVector<std::unique_ptr<Pass>> rewrites;
  for (FailureOr<std::unique_ptr<Pass>> *rewrite : {&smoothing, &splitting})
    if (**rewrite)
      rewrites.push_back(std::move(**rewrite));

  if (failed(runPasses(module, [](OpPassManager &pm) {
        pm.addPass(createQCRaiseLayerNorm());
        pm.addPass(createQCFoldBatchNorm());
        pm.addPass(createQCInsertObservers());
      })))
    return failure();

  std::string statsFile = quantization.statsFile;
  std::optional<llvm::FileRemover> removeStats;
  std::optional<CalibrationBuild> calibration;
  // Runs the calibration samples through the tapped module into statsFile
  // (a temporary file where none is named).
  auto calibrate = [&]() -> LogicalResult {
    if (statsFile.empty()) {
      SmallString<128> temporary;
      if (std::error_code error =
              llvm::sys::fs::createTemporaryFile("qc-stats", "json", temporary))
        return fail() << "cannot create a temporary file: " << error.message();
      statsFile = temporary.str().str();
      removeStats.emplace(statsFile);
    }
    FailureOr<CalibrationBuild> build =
        buildCalibration(module, quantization.calibrationDirectory, options);
    if (failed(build) ||
        failed(runCalibration(*build, statsFile, *module.getContext())))
      return failure();
    calibration = std::move(*build);
    return success();
  };
  auto attachStatistics = [&](OpPassManager &pm) {
    QCCalibrateOptions calibrate;
    calibrate.statsFile = statsFile;
    calibrate.observer = quantization.observer;
    pm.addPass(createQCCalibrate(calibrate));
  };

  // Each rewrite reads the statistics of the model before it (smoothing
  // and activation splitting the per-channel ranges) and changes
  // activations, so the model it leaves is calibrated again (into a
  // temporary file: the named one keeps the float model's).
  for (std::unique_ptr<Pass> &rewrite : rewrites) {
    if (failed(calibrate()) || failed(runPasses(module, [&](OpPassManager &pm) {
          attachStatistics(pm);
          pm.addPass(std::move(rewrite));
          pm.addPass(createQCInsertObservers());
        })))
      return failure();
    statsFile.clear();
  }

  // The report finds the float originals of the quantized values and
  // weights in this copy. qc-calibrate and qc-quantize change the module in
  // place (they erase taps, which have no results, and add ops), so the
  // values and ops the mapping holds stay those of the module.
  IRMapping floatOriginals;
  OwningOpRef<ModuleOp> floatModel;
  if (reported)
    floatModel = cast<ModuleOp>(module->clone(floatOriginals));

  if (!quantization.calibrationDirectory.empty() && failed(calibrate()))
    return failure();
  std::unique_ptr<Pass> search;
  if (quantization.bitWidthSearch) {
    search = createQCSearchBitWidth();
    if (failed(search->initializeOptions(
            *quantization.bitWidthSearch, [&](const Twine &message) {
              return fail() << "--search-bitwidth: " << message;
            })))
      return failure();
  }
  if (failed(runPasses(module, [&](OpPassManager &pm) {
        attachStatistics(pm);
        if (search)
          pm.addPass(std::move(search));
        QCQuantizeOptions quantize;
        quantize.activationType = quantization.activationType;
        quantize.activationSymmetric = quantization.activationSymmetric;
        quantize.weightBits = *weightBits;
        quantize.keepFloat.assign(quantization.keepFloat.begin(),
                                  quantization.keepFloat.end());
        quantize.tabulateFunctions = quantization.tabulateFunctions;
        quantize.perChannelDepthwiseInputs =
            quantization.perChannelDepthwiseInputs;
        quantize.biasCorrection = quantization.biasCorrection;
        quantize.weightGroupSize = quantization.weightGroupSize;
        pm.addPass(createQCQuantize(quantize));
      })))
    return failure();
  if (!reported)
    return success();

  FailureOr<QuantizationReport> report = buildQuantizationReport(
      module, floatOriginals, calibration ? &*calibration : nullptr, options);
  if (failed(report))
    return failure();
  return writeQuantizationReport(*report, quantization.reportFile,
                                 *module.getContext());
}
