//===- Smooth.cpp - SmoothQuant and OS+ as exact graph rewrites -----------===//
//
// Per-tensor activation quantization fails when a few channels of a matmul
// or convolution input are much larger than the rest. Smoothing rescales
// (and with OS+ also shifts) those channels before quantization, X~ =
// (X - z) / s, and compensates in the weights that consume X, W~ = diag(s) W
// with the bias b~ = b + z W, so the float model computes the same function.
// The division folds into the op producing X (a layer norm's gamma and beta,
// or the output channels and bias of a convolution or matmul); consumers
// sharing X (Q/K/V projections) share s and z.
//
// A smoothing group is a producer, its result X, and the linear ops reached
// from X through views that keep the channel dimension whole. The decision is
// recorded on the producer as `qc.smoothing` (#qc.smoothing): a researcher
// can read it, or write one (method `manual`) before the pass to impose
// factors. Statistics of the values that change are dropped: quantization
// needs a calibration run on the smoothed model.
//
//===----------------------------------------------------------------------===//

#include "ChannelGroup.h"

#include "qc/IR/QC.h"
#include "qc/Transforms/ConstantTensor.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"

#include <cmath>

namespace mlir::qc {
#define GEN_PASS_DEF_QCSMOOTH
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

/// SmoothQuant's floor on weight maxima and factors (avoids dividing by 0).
static constexpr double kMinFactor = 1e-5;
/// The activation grid the recipes quantize to: 8 bits, 255 steps. (The
/// weights' grid, symmetric narrow range, is the `weight-bits` option's.)
static constexpr double kActivationSteps = 255.0;

/// alpha-search's grids: alpha = k / kAlphaGridSteps (k = 0 ..
/// kAlphaGridSteps) for SmoothQuant, and the quantiles k / kThresholdGridSteps
/// (k = 1 .. kThresholdGridSteps) of the channels' half-ranges for OS+'s t.
static constexpr int kAlphaGridSteps = 20;
static constexpr int kThresholdGridSteps = 20;

//===----------------------------------------------------------------------===//
// Factors
//===----------------------------------------------------------------------===//

namespace {
/// Per-channel scales s and shifts z: X~ = (X - z) / s.
struct SmoothingFactors {
  SmallVector<double> scales, shifts;
};
} // namespace

/// max |W_j| per input channel j over all consumers' weights, and the
/// weights themselves (consumer order).
static SmallVector<LinearWeights>
readConsumerWeights(const ChannelGroup &group) {
  return llvm::map_to_vector(group.consumers, [](Operation *consumer) {
    return *LinearWeights::read(consumer);
  });
}

static SmallVector<double>
getWeightAbsMaxPerInputChannel(ArrayRef<LinearWeights> consumers,
                               int64_t channels) {
  SmallVector<double> absMax(channels, 0.0);
  for (const LinearWeights &consumer : consumers)
    for (auto [linear, weight] : llvm::enumerate(consumer.weights.values)) {
      double &entry = absMax[consumer.inputChannelOf(linear)];
      entry = std::max(entry, static_cast<double>(std::fabs(weight)));
    }
  return absMax;
}

/// SmoothQuant: s_j = max|X_j|^alpha / max|W_j|^(1 - alpha). A channel that
/// calibration never saw nonzero keeps s = 1: a tiny s would blow up the
/// producer's weights for inputs the calibration set did not cover.
static SmoothingFactors computeSmoothQuant(const ChannelRanges &ranges,
                                           ArrayRef<double> weightAbsMax,
                                           double alpha) {
  SmoothingFactors factors;
  for (auto [channel, weightMax] : llvm::enumerate(weightAbsMax)) {
    double activationMax = ranges.getAbsMax(channel);
    double scale = 1.0;
    if (activationMax > 0)
      scale = std::max(std::pow(activationMax, alpha) /
                           std::pow(std::max(weightMax, kMinFactor), 1 - alpha),
                       kMinFactor);
    factors.scales.push_back(scale);
    factors.shifts.push_back(0.0);
  }
  return factors;
}

/// An estimate of the quantization noise power of the consumers' outputs
/// under factors `factors`, from ranges alone: uniform noise of one grid
/// step on X~ (per tensor) propagated through W~, plus each output channel's
/// weight grid step times the energy of X~ (taken uniform over its range).
static double estimateOutputNoise(ArrayRef<double> halfRanges,
                                  const SmoothingFactors &factors,
                                  ArrayRef<LinearWeights> consumers,
                                  int64_t weightSteps) {
  double activationMax = 0, activationEnergy = 0;
  for (auto [halfRange, scale] : llvm::zip_equal(halfRanges, factors.scales)) {
    activationMax = std::max(activationMax, halfRange / scale);
    activationEnergy += (halfRange / scale) * (halfRange / scale) / 3;
  }
  double activationStep = 2 * activationMax / kActivationSteps;
  double noise = 0;
  for (const LinearWeights &consumer : consumers) {
    SmallVector<double> outputMax(consumer.getNumOutputChannels(), 0.0);
    double weightEnergy = 0;
    for (auto [linear, weight] : llvm::enumerate(consumer.weights.values)) {
      double smoothed =
          weight * factors.scales[consumer.inputChannelOf(linear)];
      weightEnergy += smoothed * smoothed;
      double &entry = outputMax[consumer.outputChannelOf(linear)];
      entry = std::max(entry, std::fabs(smoothed));
    }
    noise += activationStep * activationStep * weightEnergy;
    for (double weightMax : outputMax) {
      double weightStep = weightMax / static_cast<double>(weightSteps);
      noise += weightStep * weightStep * activationEnergy;
    }
  }
  return noise;
}

namespace {
/// OS+'s factors for every threshold t: z_j = (max_j + min_j) / 2 (0
/// without `shiftable`: a padded convolution consumes X), s_j = max(1,
/// (max_j - z_j) / t).
struct OutlierSuppressionPlus {
  SmallVector<double> shifts, halfRanges;

  OutlierSuppressionPlus(const ChannelRanges &ranges, bool shiftable) {
    for (auto [lo, hi] : llvm::zip_equal(ranges.min, ranges.max)) {
      double shift = shiftable ? (hi + lo) / 2 : 0.0;
      shifts.push_back(shift);
      halfRanges.push_back(std::max(hi - shift, shift - lo));
    }
  }

  SmoothingFactors getFactors(double threshold) const {
    SmoothingFactors factors;
    for (double halfRange : halfRanges)
      factors.scales.push_back(
          threshold > 0 ? std::max(1.0, halfRange / threshold) : 1.0);
    factors.shifts = shifts;
    return factors;
  }

  /// t at or above the largest half-range: X only shifted.
  double getUnscaledThreshold() const {
    return *llvm::max_element(halfRanges);
  }

  /// The quantiles k / steps (k = 1 .. steps) of the half-ranges.
  SmallVector<double> getThresholdQuantiles(int steps) const {
    SmallVector<double> sorted(halfRanges);
    llvm::sort(sorted);
    SmallVector<double> thresholds;
    for (int k = 1; k <= steps; ++k)
      thresholds.push_back(
          sorted[(static_cast<int64_t>(sorted.size()) - 1) * k / steps]);
    return thresholds;
  }
};
} // namespace

/// The candidate with the smallest `cost`, the first of equals; `candidates`
/// is not empty.
static double argminOver(ArrayRef<double> candidates,
                         function_ref<double(double)> cost) {
  double best = candidates.front(), bestCost = cost(best);
  for (double candidate : candidates.drop_front()) {
    double candidateCost = cost(candidate);
    if (candidateCost < bestCost) {
      best = candidate;
      bestCost = candidateCost;
    }
  }
  return best;
}

//===----------------------------------------------------------------------===//
// Output error on sampled rows (alpha-search)
//===----------------------------------------------------------------------===//

namespace {
/// The consumers' quantized output error under given factors, measured on
/// the rows of X calibration sampled: sum over rows and output elements of
/// (Q(X~) Q(W~) - X~ W~)^2, with X~ on the per-tensor 8-bit affine grid of
/// its range (the channel ranges shifted and scaled) and W~ on the
/// symmetric per-output-channel grid of `weightSteps` steps each side. A
/// convolution's kernel taps count as separate outputs: the rows are
/// single positions, not patches.
class OutputErrorMeter {
public:
  OutputErrorMeter(DenseFPElementsAttr rows, const ChannelRanges &ranges,
                   ArrayRef<LinearWeights> consumers, int64_t weightSteps)
      : rows(llvm::to_vector(rows.getValues<float>())), ranges(ranges),
        consumers(consumers), weightSteps(weightSteps) {}

  double measure(const SmoothingFactors &factors) const {
    SmallVector<double> smoothed, quantized;
    smoothAndQuantizeRows(factors, smoothed, quantized);
    double error = 0;
    for (const LinearWeights &consumer : consumers)
      error += measureConsumer(consumer, factors, smoothed, quantized);
    return error;
  }

private:
  int64_t getChannels() const { return ranges.min.size(); }

  /// X~ = (X - z) / s of every row, and X~ on its 8-bit grid.
  void smoothAndQuantizeRows(const SmoothingFactors &factors,
                             SmallVectorImpl<double> &smoothed,
                             SmallVectorImpl<double> &quantized) const {
    double lo = 0, hi = 0;
    for (int64_t channel = 0; channel < getChannels(); ++channel) {
      double shift = factors.shifts[channel], scale = factors.scales[channel];
      lo = std::min(lo, (ranges.min[channel] - shift) / scale);
      hi = std::max(hi, (ranges.max[channel] - shift) / scale);
    }
    double step = (hi - lo) / kActivationSteps;
    double zeroPoint = step > 0 ? std::nearbyint(-lo / step) : 0;
    for (auto [index, value] : llvm::enumerate(rows)) {
      int64_t channel = index % getChannels();
      double x = (value - factors.shifts[channel]) / factors.scales[channel];
      smoothed.push_back(x);
      quantized.push_back(
          step > 0 ? (std::clamp(std::nearbyint(x / step) + zeroPoint, 0.0,
                                 kActivationSteps) -
                      zeroPoint) *
                         step
                   : 0.0);
    }
  }

  double measureConsumer(const LinearWeights &consumer,
                         const SmoothingFactors &factors,
                         ArrayRef<double> smoothed,
                         ArrayRef<double> quantized) const {
    ArrayRef<float> weights = consumer.weights.values;
    SmallVector<double> scaled, weightMax(consumer.getNumOutputChannels(), 0);
    for (auto [linear, weight] : llvm::enumerate(weights)) {
      scaled.push_back(weight * factors.scales[consumer.inputChannelOf(linear)]);
      double &entry = weightMax[consumer.outputChannelOf(linear)];
      entry = std::max(entry, std::fabs(scaled.back()));
    }
    SmallVector<double> rounded;
    for (auto [linear, weight] : llvm::enumerate(scaled)) {
      double step = weightMax[consumer.outputChannelOf(linear)] /
                    static_cast<double>(weightSteps);
      rounded.push_back(step > 0 ? std::nearbyint(weight / step) * step : 0);
    }
    int64_t columns = consumer.getNumColumns();
    int64_t rowCount = static_cast<int64_t>(rows.size()) / getChannels();
    double error = 0;
    SmallVector<double> exact(columns), approximate(columns);
    for (int64_t row = 0; row < rowCount; ++row) {
      llvm::fill(exact, 0.0);
      llvm::fill(approximate, 0.0);
      int64_t base = row * getChannels();
      for (int64_t linear = 0; linear < static_cast<int64_t>(scaled.size());
           ++linear) {
        int64_t input = base + consumer.inputChannelOf(linear);
        int64_t column = consumer.columnOf(linear);
        exact[column] += smoothed[input] * scaled[linear];
        approximate[column] += quantized[input] * rounded[linear];
      }
      for (auto [y, yq] : llvm::zip_equal(exact, approximate))
        error += (yq - y) * (yq - y);
    }
    return error;
  }

  SmallVector<float> rows;
  const ChannelRanges &ranges;
  ArrayRef<LinearWeights> consumers;
  int64_t weightSteps;
};
} // namespace

/// The sampled rows of X: those of the first consumer input that has them
/// (every consumer's tap saw the same X).
static FailureOr<DenseFPElementsAttr>
readSampledRows(const ChannelGroup &group) {
  for (Operation *consumer : group.consumers)
    if (StatsAttr stats = getValueStats(consumer->getOperand(0)))
      if (DenseFPElementsAttr rows = stats.getRows())
        return rows;
  return group.consumers.front()->emitOpError()
         << "input has no sampled rows (#qc.stats with rows), which "
            "qc-smooth's alpha-search measures error on; calibrate with this "
            "compiler (its statistics files hold them)";
}

//===----------------------------------------------------------------------===//
// Folding
//===----------------------------------------------------------------------===//

/// W~ = diag(s) W in every consumer, and b~ = b + z W (from the original
/// weights) where the shift is nonzero.
static LogicalResult foldIntoConsumers(const ChannelGroup &group,
                                       ArrayRef<LinearWeights> consumers,
                                       const SmoothingFactors &factors,
                                       OpBuilder &builder) {
  bool shifted =
      llvm::any_of(factors.shifts, [](double shift) { return shift != 0.0; });
  for (LinearWeights consumer : consumers) {
    Operation *op = consumer.op;
    Location loc = op->getLoc();
    int64_t outputs = consumer.getNumOutputChannels();
    SmallVector<double> correction(outputs, 0.0);
    for (auto [linear, weight] : llvm::enumerate(consumer.weights.values)) {
      int64_t input = consumer.inputChannelOf(linear);
      correction[consumer.outputChannelOf(linear)] +=
          factors.shifts[input] * weight;
      weight *= factors.scales[input];
    }
    consumer.writeBack(builder, "smoothed_weight");
    if (!shifted)
      continue;
    Type elementType =
        cast<RankedTensorType>(op->getResult(0).getType()).getElementType();
    if (!isa<tosa::MatMulOp>(op)) {
      std::optional<SmallVector<double>> biases = readPerChannelConstant(
          op->getOperand(LinearWeights::kBiasOperand), 0, outputs);
      if (!biases)
        return op->emitOpError("expected a constant bias to compensate the "
                               "smoothing shift in");
      for (auto [bias, shift] : llvm::zip_equal(*biases, correction))
        bias += shift;
      op->setOperand(
          LinearWeights::kBiasOperand,
          buildFloatConstant(builder, loc,
                             RankedTensorType::get({outputs}, elementType),
                             std::vector<float>(biases->begin(), biases->end()),
                             "smoothed_bias"));
      continue;
    }
    // A matmul's compensation goes into its bias add, or a new one.
    auto biasType = RankedTensorType::get({1, 1, outputs}, elementType);
    if (tosa::AddOp add = getBiasAdd(op, kMatMulChannelAxis, outputs)) {
      Value constant = add.getInput1() == op->getResult(0) ? add.getInput2()
                                                           : add.getInput1();
      SmallVector<double> biases =
          *readPerChannelConstant(constant, kMatMulChannelAxis, outputs);
      for (auto [bias, shift] : llvm::zip_equal(biases, correction))
        bias += shift;
      builder.setInsertionPoint(add);
      add->setOperands(
          {op->getResult(0),
           buildFloatConstant(builder, loc, biasType,
                              std::vector<float>(biases.begin(), biases.end()),
                              "smoothed_bias")});
      continue;
    }
    builder.setInsertionPointAfter(op);
    Value constant = buildFloatConstant(
        builder, loc, biasType,
        std::vector<float>(correction.begin(), correction.end()),
        "smoothing_shift");
    auto add = tosa::AddOp::create(builder, loc, op->getResult(0).getType(),
                                   op->getResult(0), constant);
    op->getResult(0).replaceAllUsesExcept(add.getResult(), add);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

/// Whether every consumer of the group is a depthwise convolution. Its
/// weights are quantized per output channel, which is per input channel, so
/// diag(s) W changes no weight grid: smoothing only equalizes the channel
/// ranges of X, fitted to calibration's maxima, and takes away the headroom
/// small channels had under the per-tensor range.
static bool readsOnlyDepthwise(const ChannelGroup &group) {
  return llvm::all_of(group.consumers, [](Operation *consumer) {
    return isa<tosa::DepthwiseConv2DOp>(consumer);
  });
}

namespace {
struct SmoothPass : mlir::qc::impl::QCSmoothBase<SmoothPass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<SmoothingMethod> smoothingMethod =
        symbolizeSmoothingMethod(method);
    if (!smoothingMethod || *smoothingMethod == SmoothingMethod::manual) {
      getOperation()->emitError() << "qc-smooth: unknown method '" << method
                                  << "' (expected smoothquant or os_plus)";
      return signalPassFailure();
    }
    if (!(alpha >= 0.0 && alpha <= 1.0)) {
      getOperation()->emitError()
          << "qc-smooth: alpha must be in [0, 1], got " << alpha;
      return signalPassFailure();
    }
    if (failed(verifyWeightBitsOption(getOperation(), getArgument(),
                                      weightBits)))
      return signalPassFailure();
    OpBuilder builder(&getContext());
    for (GroupCandidate candidate :
         collectGroupCandidates(getOperation(), explicitMultiply))
      if (std::optional<ChannelGroup> group = matchChannelGroup(candidate))
        if (failed(smooth(*group, *smoothingMethod, builder)))
          return signalPassFailure();
  }

private:
  LogicalResult smooth(ChannelGroup &group, SmoothingMethod method,
                       OpBuilder &builder) {
    SmoothingAttr decision;
    if (Operation *producer = group.producer.op)
      decision = producer->getAttrOfType<SmoothingAttr>(
          QCDialect::kSmoothingAttrName);
    if (decision && decision.getFolded())
      return success();
    if (!decision && !depthwise && readsOnlyDepthwise(group))
      return success();
    SmallVector<LinearWeights> consumers = readConsumerWeights(group);
    if (!decision) {
      FailureOr<SmoothingAttr> computed = decide(group, consumers, method);
      if (failed(computed))
        return failure();
      decision = *computed;
    } else if (failed(checkImposed(decision, group))) {
      return failure();
    }
    SmoothingFactors factors{llvm::to_vector(decision.getScales().asArrayRef()),
                             SmallVector<double>(group.channels, 0.0)};
    if (decision.getShifts())
      factors.shifts = llvm::to_vector(decision.getShifts().asArrayRef());
    if (!group.producer.op)
      insertExplicitMultiply(group, builder);
    if (failed(foldIntoProducer(group, factors.scales, factors.shifts, builder)) ||
        failed(foldIntoConsumers(group, consumers, factors, builder)))
      return failure();
    for (Value changed : group.changedValues)
      setValueStats(changed, nullptr);
    group.producer.op->setAttr(QCDialect::kSmoothingAttrName,
                               decision.withFolded());
    return success();
  }

  FailureOr<SmoothingAttr> decide(const ChannelGroup &group,
                                  ArrayRef<LinearWeights> consumers,
                                  SmoothingMethod method) {
    FailureOr<ChannelRanges> ranges = readChannelRanges(group, getArgument());
    if (failed(ranges))
      return failure();
    std::optional<OutputErrorMeter> meter;
    if (alphaSearch) {
      FailureOr<DenseFPElementsAttr> rows = readSampledRows(group);
      if (failed(rows))
        return failure();
      meter.emplace(*rows, *ranges, consumers, getWeightSteps());
    }
    MLIRContext *context = &getContext();
    if (method == SmoothingMethod::smoothquant) {
      SmallVector<double> weightAbsMax =
          getWeightAbsMaxPerInputChannel(consumers, group.channels);
      auto factorsFor = [&](double strength) {
        return computeSmoothQuant(*ranges, weightAbsMax, strength);
      };
      double chosen = alpha;
      if (meter) {
        SmallVector<double> grid;
        for (int k = 0; k <= kAlphaGridSteps; ++k)
          grid.push_back(static_cast<double>(k) / kAlphaGridSteps);
        chosen = argminOver(grid, [&](double strength) {
          return meter->measure(factorsFor(strength));
        });
      }
      return SmoothingAttr::get(
          context, method, APFloat(chosen), std::nullopt,
          DenseF64ArrayAttr::get(context, factorsFor(chosen).scales), nullptr,
          /*folded=*/false);
    }
    bool shiftable = llvm::none_of(
        consumers, [](const LinearWeights &w) { return w.padsInput(); });
    OutlierSuppressionPlus outlierSuppression(*ranges, shiftable);
    // The unscaled threshold first: it wins ties.
    SmallVector<double> thresholds = {
        outlierSuppression.getUnscaledThreshold()};
    llvm::append_range(
        thresholds,
        meter ? outlierSuppression.getThresholdQuantiles(kThresholdGridSteps)
              : outlierSuppression.halfRanges);
    llvm::erase_if(thresholds, [](double t) { return !(t > 0); });
    double threshold = outlierSuppression.getUnscaledThreshold();
    if (!thresholds.empty())
      threshold = argminOver(thresholds, [&](double t) {
        SmoothingFactors factors = outlierSuppression.getFactors(t);
        return meter ? meter->measure(factors)
                     : estimateOutputNoise(outlierSuppression.halfRanges,
                                           factors, consumers,
                                           getWeightSteps());
      });
    SmoothingFactors factors = outlierSuppression.getFactors(threshold);
    return SmoothingAttr::get(context, method, std::nullopt, APFloat(threshold),
                              DenseF64ArrayAttr::get(context, factors.scales),
                              DenseF64ArrayAttr::get(context, factors.shifts),
                              /*folded=*/false);
  }

  /// Steps on either side of zero of the symmetric weight grid.
  int64_t getWeightSteps() const {
    return (int64_t{1} << (weightBits - 1)) - 1;
  }

  /// Factors written before the pass must fit the group.
  static LogicalResult checkImposed(SmoothingAttr decision,
                                    const ChannelGroup &group) {
    Operation *producer = group.producer.op;
    if (static_cast<int64_t>(decision.getScales().size()) != group.channels)
      return producer->emitOpError("has ")
             << decision.getScales().size() << " smoothing scales for "
             << group.channels << " channels";
    if (decision.getShifts() &&
        llvm::any_of(decision.getShifts().asArrayRef(),
                     [](double shift) { return shift != 0.0; }) &&
        llvm::any_of(group.consumers, [](Operation *consumer) {
          return LinearWeights::read(consumer)->padsInput();
        }))
      return producer->emitOpError(
          "has smoothing shifts, but a consumer is a padded convolution, "
          "which sees zeros where the shifted input would be -z");
    return success();
  }
};
} // namespace
