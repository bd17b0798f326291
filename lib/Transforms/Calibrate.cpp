//===- Calibrate.cpp - Calibration statistics onto the observed values ----===//
//
// Reads the statistics a calibration run wrote (a JSON file keyed by the
// qc.observe tags) and attaches each tap's as #qc.stats to the value it
// observes, then removes the taps. The JSON holds every observer's range,
// so one calibration run serves every recipe; the `observer` option picks
// the range that becomes the stats' min and max.
//
// The file: {"version": 2, "samples": N, "values": {"<tag>": {"min": x,
// "max": x, "ranges": {"<observer>": [lo, hi], ...}, "channel_axis": a,
// "mean_square": x, "channel_min": [...], "channel_max": [...],
// "channel_mean": [...], "row_count": R, "rows": "<base64>"}}} (channel
// entries only for per-channel taps; the mean square, the means and the
// rows, R sampled channel vectors as little-endian float32, may be
// absent). Version
// 1 had "channel_absmax" instead, from which smoothing's per-channel shift
// cannot be recovered: it is rejected.
//
//===----------------------------------------------------------------------===//

#include "qc/Calibration/Observers.h"
#include "qc/IR/QC.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Base64.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCCALIBRATE
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

using ::qc::calibration::kStatsFileVersion;

/// The per-channel array `key` of a tap's entry; a null attribute when the
/// entry has none (whether it should have one is the caller's check).
static FailureOr<DenseF64ArrayAttr>
readChannelArray(ObserveOp observe, const llvm::json::Object &entry,
                 StringRef key) {
  const llvm::json::Array *array = entry.getArray(key);
  if (!array)
    return DenseF64ArrayAttr();
  SmallVector<double> values;
  for (const llvm::json::Value &value : *array) {
    std::optional<double> number = value.getAsNumber();
    if (!number)
      return observe.emitError()
             << "qc-calibrate: " << key << " of tap '" << observe.getTag()
             << "' holds a value that is not a number";
    values.push_back(*number);
  }
  return DenseF64ArrayAttr::get(observe.getContext(), values);
}

/// The sampled rows of a tap's entry as a tensor<R x channels x f32>; a null
/// attribute when the entry has none, or none of the channels (whether it
/// may have them is the #qc.stats verifier's check).
static FailureOr<DenseFPElementsAttr>
readSampledRows(ObserveOp observe, const llvm::json::Object &entry,
                DenseF64ArrayAttr channelMin) {
  std::optional<int64_t> count = entry.getInteger("row_count");
  std::optional<StringRef> encoded = entry.getString("rows");
  if (!count || !encoded || *count == 0 || !channelMin)
    return DenseFPElementsAttr();
  auto fail = [&] {
    return observe.emitError()
           << "qc-calibrate: the sampled rows of tap '" << observe.getTag()
           << "' are not " << *count << " rows of " << channelMin.size()
           << " float32 values in base64";
  };
  std::vector<char> bytes;
  if (llvm::Error error = llvm::decodeBase64(*encoded, bytes)) {
    llvm::consumeError(std::move(error));
    return fail();
  }
  int64_t channels = static_cast<int64_t>(channelMin.size());
  if (*count < 0 ||
      bytes.size() != static_cast<size_t>(*count * channels) * sizeof(float))
    return fail();
  std::vector<float> values(bytes.size() / sizeof(float));
  for (size_t index = 0; index < values.size(); ++index)
    values[index] = llvm::bit_cast<float>(
        llvm::support::endian::read32le(bytes.data() + index * sizeof(float)));
  auto type = RankedTensorType::get({*count, channels},
                                    Float32Type::get(observe.getContext()));
  return cast<DenseFPElementsAttr>(
      DenseElementsAttr::get(type, ArrayRef<float>(values)));
}

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
  FailureOr<DenseF64ArrayAttr> channelMin =
      readChannelArray(observe, entry, "channel_min");
  FailureOr<DenseF64ArrayAttr> channelMax =
      readChannelArray(observe, entry, "channel_max");
  FailureOr<DenseF64ArrayAttr> channelMean =
      readChannelArray(observe, entry, "channel_mean");
  if (failed(channelMin) || failed(channelMax) || failed(channelMean))
    return failure();
  // Only one of the two arrays, or arrays of different sizes, reach the
  // #qc.stats verifier below, which says what is wrong with them.
  bool hasChannels = *channelMin || *channelMax;
  std::optional<uint64_t> tappedAxis = observe.getChannelAxis();
  std::optional<int64_t> fileAxis = entry.getInteger("channel_axis");
  if (tappedAxis.has_value() != hasChannels ||
      (tappedAxis && fileAxis != static_cast<int64_t>(*tappedAxis)))
    return observe.emitError()
           << "qc-calibrate: the per-channel statistics of tap '"
           << observe.getTag() << "' do not match its channel axis";
  std::optional<int64_t> channelAxis;
  if (hasChannels)
    channelAxis = fileAxis;
  FailureOr<DenseFPElementsAttr> rows =
      readSampledRows(observe, entry, *channelMin);
  if (failed(rows))
    return failure();
  std::optional<APFloat> meanSquare;
  if (const llvm::json::Value *value = entry.get("mean_square")) {
    std::optional<double> number = value->getAsNumber();
    if (!number)
      return observe.emitError()
             << "qc-calibrate: mean_square of tap '" << observe.getTag()
             << "' is not a number";
    meanSquare = APFloat(*number);
  }
  auto emitError = [&] { return observe.emitError(); };
  StatsAttr stats = StatsAttr::getChecked(
      emitError, context, APFloat(*lo), APFloat(*hi), channelAxis, *channelMin,
      *channelMax, *channelMean, DenseF64ArrayAttr(), DenseF64ArrayAttr(),
      *rows, meanSquare);
  if (!stats)
    return failure();
  return stats;
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
      setValueStats(observe.getInput(), *stats);
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
    std::optional<int64_t> version =
        object ? object->getInteger("version") : std::nullopt;
    if (version && *version >= 1 && *version < kStatsFileVersion)
      return root->emitError()
             << "qc-calibrate: '" << statsFile
             << "' is a statistics file of version " << *version
             << ", which has no per-channel min and max; this compiler reads "
                "version "
             << kStatsFileVersion
             << ": calibrate again (quant-compile --calib DIR --calib-stats "
                "FILE) to rewrite it";
    if (version != kStatsFileVersion)
      return root->emitError()
             << "qc-calibrate: '" << statsFile
             << "' is not a QC statistics file of version "
             << kStatsFileVersion;
    return std::move(*object);
  }
};
} // namespace
