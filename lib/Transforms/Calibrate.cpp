//===- Calibrate.cpp - Calibration statistics onto the observed values ----===//
//
// Reads the statistics a calibration run wrote (a JSON file keyed by the
// qc.observe tags) and attaches each tap's as #qc.stats to the value it
// observes, then removes the taps. The JSON holds every observer's range,
// so one calibration run serves every recipe; the `observer` option picks
// the range that becomes the stats' min and max.
//
// The file: {"version": 1, "samples": N, "values": {"<tag>": {"min": x,
// "max": x, "ranges": {"<observer>": [lo, hi], ...}, "channel_axis": a,
// "channel_absmax": [...]}}} (channel entries only for per-channel taps).
//
//===----------------------------------------------------------------------===//

#include "qc/Calibration/Observers.h"
#include "qc/IR/QC.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCCALIBRATE
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

using ::qc::calibration::kStatsFileVersion;

/// Builds the #qc.stats of one tap from its JSON entry; an error names the
/// tag and what is missing.
static FailureOr<StatsAttr> readStats(ObserveOp observe,
                                      const llvm::json::Object &entry,
                                      StringRef observer) {
  const llvm::json::Object *ranges = entry.getObject("ranges");
  const llvm::json::Array *range = ranges ? ranges->getArray(observer) : nullptr;
  std::optional<double> lo, hi;
  if (range && range->size() == 2) {
    lo = (*range)[0].getAsNumber();
    hi = (*range)[1].getAsNumber();
  }
  if (!lo || !hi)
    return observe.emitError()
           << "qc-calibrate: no '" << observer << "' range for tap '"
           << observe.getTag() << "' in the statistics file";
  MLIRContext *context = observe.getContext();
  std::optional<int64_t> channelAxis;
  DenseF64ArrayAttr channelAbsMax;
  std::optional<uint64_t> tappedAxis = observe.getChannelAxis();
  const llvm::json::Array *absMax = entry.getArray("channel_absmax");
  std::optional<int64_t> fileAxis = entry.getInteger("channel_axis");
  if (tappedAxis.has_value() != (absMax != nullptr) ||
      (tappedAxis && fileAxis != static_cast<int64_t>(*tappedAxis)))
    return observe.emitError()
           << "qc-calibrate: the per-channel statistics of tap '"
           << observe.getTag() << "' do not match its channel axis";
  if (absMax) {
    SmallVector<double> values;
    for (const llvm::json::Value &value : *absMax) {
      std::optional<double> number = value.getAsNumber();
      if (!number)
        return observe.emitError()
               << "qc-calibrate: channel_absmax of tap '" << observe.getTag()
               << "' holds a value that is not a number";
      values.push_back(*number);
    }
    channelAxis = fileAxis;
    channelAbsMax = DenseF64ArrayAttr::get(context, values);
  }
  auto emitError = [&] { return observe.emitError(); };
  StatsAttr stats = StatsAttr::getChecked(
      emitError, context, APFloat(*lo), APFloat(*hi), channelAxis,
      channelAbsMax, DenseF64ArrayAttr(), DenseF64ArrayAttr());
  if (!stats)
    return failure();
  return stats;
}

/// Attaches `stats` to `value`: a function argument attribute, or the
/// producer's qc.stats (an array with one entry per result when it has
/// several).
static void attachStats(Value value, StatsAttr stats) {
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    if (auto function =
            dyn_cast<FunctionOpInterface>(argument.getOwner()->getParentOp()))
      function.setArgAttr(argument.getArgNumber(), QCDialect::kStatsAttrName,
                          stats);
    return;
  }
  Operation *producer = value.getDefiningOp();
  if (producer->getNumResults() == 1) {
    producer->setAttr(QCDialect::kStatsAttrName, stats);
    return;
  }
  // Results without statistics (not tapped) hold `unit`.
  SmallVector<Attribute> perResult(producer->getNumResults(),
                                   UnitAttr::get(producer->getContext()));
  if (auto existing =
          producer->getAttrOfType<ArrayAttr>(QCDialect::kStatsAttrName))
    perResult.assign(existing.begin(), existing.end());
  perResult[cast<OpResult>(value).getResultNumber()] = stats;
  producer->setAttr(QCDialect::kStatsAttrName,
                    ArrayAttr::get(producer->getContext(), perResult));
}

namespace {
struct CalibratePass : mlir::qc::impl::QCCalibrateBase<CalibratePass> {
  using Base::Base;

  void runOnOperation() override {
    if (!::qc::calibration::parseObserver(observer)) {
      getOperation()->emitError()
          << "qc-calibrate: unknown observer '" << observer
          << "' (expected minmax, moving_average, percentile, mse or kl)";
      return signalPassFailure();
    }
    FailureOr<llvm::json::Object> file = readStatsFile();
    if (failed(file))
      return signalPassFailure();
    const llvm::json::Object *values = file->getObject("values");
    bool failedAny = false;
    SmallVector<ObserveOp> taps;
    getOperation()->walk([&](ObserveOp observe) { taps.push_back(observe); });
    for (ObserveOp observe : taps) {
      const llvm::json::Object *entry =
          values ? values->getObject(observe.getTag()) : nullptr;
      if (!entry) {
        observe.emitError() << "qc-calibrate: no statistics for tap '"
                            << observe.getTag() << "' in '" << statsFile
                            << "' (calibrated on another model?)";
        failedAny = true;
        continue;
      }
      FailureOr<StatsAttr> stats = readStats(observe, *entry, observer);
      if (failed(stats)) {
        failedAny = true;
        continue;
      }
      attachStats(observe.getInput(), *stats);
      observe.erase();
    }
    if (failedAny)
      signalPassFailure();
  }

private:
  FailureOr<llvm::json::Object> readStatsFile() {
    Operation *root = getOperation();
    if (statsFile.empty())
      return root->emitError() << "qc-calibrate: stats-file is required";
    std::string error;
    std::unique_ptr<llvm::MemoryBuffer> buffer =
        openInputFile(statsFile, &error);
    if (!buffer)
      return root->emitError() << "qc-calibrate: " << error;
    llvm::Expected<llvm::json::Value> parsed =
        llvm::json::parse(buffer->getBuffer());
    if (!parsed)
      return root->emitError() << "qc-calibrate: '" << statsFile
                               << "' is not valid JSON: "
                               << llvm::toString(parsed.takeError());
    llvm::json::Object *object = parsed->getAsObject();
    if (!object || object->getInteger("version") != kStatsFileVersion)
      return root->emitError()
             << "qc-calibrate: '" << statsFile
             << "' is not a QC statistics file of version "
             << kStatsFileVersion;
    return std::move(*object);
  }
};
} // namespace
