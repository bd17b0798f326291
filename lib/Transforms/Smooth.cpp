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

#include "ChannelAxis.h"

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

/// The weight widths qc-quantize supports.
static constexpr int64_t kMinWeightBits = 2;
static constexpr int64_t kMaxWeightBits = 8;

/// Channel axes of TOSA's linear ops: the input channels of a convolution's
/// NHWC input, of a matmul's [N, H, C] left operand, and the output channels
/// of both results.
static constexpr int64_t kConvolutionChannelAxis = 3;
static constexpr int64_t kMatMulChannelAxis = 2;

//===----------------------------------------------------------------------===//
// Weights seen per channel
//===----------------------------------------------------------------------===//

namespace {
/// A linear op's constant weight tensor, with the layout facts smoothing
/// needs: which element belongs to which input and output channel.
struct LinearWeights {
  Operation *op;
  FloatTensor weights;

  /// Operand positions shared by tosa.matmul (B), tosa.conv2d and
  /// tosa.depthwise_conv2d (weight, then bias for the convolutions).
  static constexpr unsigned kWeightOperand = 1;
  static constexpr unsigned kBiasOperand = 2;

  static std::optional<LinearWeights> read(Operation *op) {
    if (!isa<tosa::MatMulOp, tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
      return std::nullopt;
    std::optional<FloatTensor> weights =
        evaluateFloatConstant(op->getOperand(kWeightOperand));
    if (!weights)
      return std::nullopt;
    return LinearWeights{op, std::move(*weights)};
  }

  /// Input channel of element `linear`: B [N, K, W]'s K, OHWI's I, HWCM's C.
  int64_t inputChannelOf(int64_t linear) const {
    ArrayRef<int64_t> shape = weights.shape;
    if (isa<tosa::MatMulOp>(op))
      return linear / shape[2] % shape[1];
    if (isa<tosa::Conv2DOp>(op))
      return linear % shape[3];
    return linear / shape[3] % shape[2];
  }

  /// Output channel of element `linear`: B's W, OHWI's O, HWCM's C * M + m.
  int64_t outputChannelOf(int64_t linear) const {
    ArrayRef<int64_t> shape = weights.shape;
    if (isa<tosa::MatMulOp>(op))
      return linear % shape[2];
    if (isa<tosa::Conv2DOp>(op))
      return linear / (shape[1] * shape[2] * shape[3]);
    return linear % (shape[2] * shape[3]);
  }

  /// The output element of one input row that weight element `linear`
  /// contributes to, with a convolution's kernel taps kept apart: B's
  /// (n, w), OHWI's (o, h, w), every HWCM element its own (a depthwise
  /// product has one input channel). What alpha search measures error on.
  int64_t columnOf(int64_t linear) const {
    ArrayRef<int64_t> shape = weights.shape;
    if (isa<tosa::MatMulOp>(op))
      return linear / (shape[1] * shape[2]) * shape[2] + linear % shape[2];
    if (isa<tosa::Conv2DOp>(op))
      return linear / shape[3];
    return linear;
  }

  int64_t getNumColumns() const {
    ArrayRef<int64_t> shape = weights.shape;
    if (isa<tosa::MatMulOp>(op))
      return shape[0] * shape[2];
    if (isa<tosa::Conv2DOp>(op))
      return weights.getNumElements() / shape[3];
    return weights.getNumElements();
  }

  int64_t getNumOutputChannels() const {
    ArrayRef<int64_t> shape = weights.shape;
    if (isa<tosa::MatMulOp>(op))
      return shape[2];
    if (isa<tosa::Conv2DOp>(op))
      return shape[0];
    return shape[2] * shape[3];
  }

  /// Whether zero padding makes the convolution see zeros that a shifted
  /// input would see as -z: then a shift cannot be compensated exactly.
  bool padsInput() const {
    if (isa<tosa::MatMulOp>(op))
      return false;
    auto pad = op->getAttrOfType<DenseI64ArrayAttr>("pad");
    return pad && llvm::any_of(pad.asArrayRef(),
                               [](int64_t amount) { return amount != 0; });
  }

  void writeBack(OpBuilder &builder, StringRef blobName) {
    Value weight = op->getOperand(kWeightOperand);
    builder.setInsertionPoint(op);
    op->setOperand(kWeightOperand,
                   buildFloatConstant(builder, op->getLoc(),
                                      cast<RankedTensorType>(weight.getType()),
                                      weights.values, blobName));
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Smoothing groups
//===----------------------------------------------------------------------===//

namespace {
/// Where the smoothed activation comes from, and how its channels fold in.
struct Producer {
  Operation *op;
  /// The activation X and the axis of its channels.
  Value activation;
  int64_t channelAxis;
  /// For a matmul producer: the tosa.add of its bias, if any (X is then the
  /// sum); the matmul is `op`.
  tosa::AddOp biasAdd;
};

/// A producer, the linear ops consuming its result, and the views between.
struct SmoothingGroup {
  Producer producer;
  int64_t channels;
  /// Values whose contents smoothing changes: X and the views of it.
  SmallVector<Value> changedValues;
  SmallVector<Operation *> consumers;
};
} // namespace

/// The tosa.add of a per-channel constant that is the only use of `matmul`
/// (its bias), if any.
static tosa::AddOp getBiasAdd(Operation *matmul, int64_t channels) {
  Value result = matmul->getResult(0);
  if (!result.hasOneUse())
    return {};
  auto add = dyn_cast<tosa::AddOp>(*result.getUsers().begin());
  if (!add || add.getType() != result.getType())
    return {};
  Value constant =
      add.getInput1() == result ? add.getInput2() : add.getInput1();
  if (!readPerChannelConstant(constant, kMatMulChannelAxis, channels))
    return {};
  return add;
}

/// The producer kinds smoothing folds into.
static std::optional<Producer> matchProducer(Operation *op) {
  if (auto layerNorm = dyn_cast<LayerNormOp>(op)) {
    // Per-channel factors fold into gamma and beta only when normalization
    // runs over the last axis alone (then they are per channel).
    auto type = cast<RankedTensorType>(layerNorm.getResult().getType());
    if (static_cast<int64_t>(layerNorm.getAxis()) != type.getRank() - 1)
      return std::nullopt;
    return Producer{op, layerNorm.getResult(), type.getRank() - 1, {}};
  }
  if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
    return Producer{op, op->getResult(0), kConvolutionChannelAxis, {}};
  if (!isa<tosa::MatMulOp>(op) || !LinearWeights::read(op))
    return std::nullopt;
  int64_t channels = cast<RankedTensorType>(op->getResult(0).getType())
                         .getDimSize(kMatMulChannelAxis);
  if (tosa::AddOp add = getBiasAdd(op, channels))
    return Producer{op, add.getResult(), kMatMulChannelAxis, add};
  return Producer{op, op->getResult(0), kMatMulChannelAxis, {}};
}

/// The channel axis a linear op reads its input's channels along.
static int64_t getConsumerChannelAxis(Operation *consumer) {
  return isa<tosa::MatMulOp>(consumer) ? kMatMulChannelAxis
                                       : kConvolutionChannelAxis;
}

/// Adds to `group` the consumers reached from `value`, whose channels lie
/// along `axis`; fails where a use is neither a view nor a linear consumer
/// of the channels (smoothing would change what that use sees).
static LogicalResult collectConsumers(Value value, int64_t axis,
                                      SmoothingGroup &group) {
  group.changedValues.push_back(value);
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    if (std::optional<int64_t> resultAxis = getViewResultAxis(user, axis)) {
      if (use.getOperandNumber() != 0 ||
          failed(collectConsumers(user->getResult(0), *resultAxis, group)))
        return failure();
      continue;
    }
    if (use.getOperandNumber() != 0 || !LinearWeights::read(user) ||
        axis != getConsumerChannelAxis(user))
      return failure();
    group.consumers.push_back(user);
  }
  return success();
}

static std::optional<SmoothingGroup> matchGroup(Operation *op) {
  std::optional<Producer> producer = matchProducer(op);
  if (!producer)
    return std::nullopt;
  auto type = cast<RankedTensorType>(producer->activation.getType());
  SmoothingGroup group{
      *producer, type.getDimSize(producer->channelAxis), {}, {}};
  if (failed(collectConsumers(producer->activation, producer->channelAxis,
                              group)) ||
      group.consumers.empty())
    return std::nullopt;
  return group;
}

//===----------------------------------------------------------------------===//
// Factors
//===----------------------------------------------------------------------===//

namespace {
/// What calibration saw of X per channel, over all consumers' taps.
struct ChannelRanges {
  SmallVector<double> min, max;

  double getAbsMax(int64_t channel) const {
    return std::max(std::fabs(min[channel]), std::fabs(max[channel]));
  }
};

/// Per-channel scales s and shifts z: X~ = (X - z) / s.
struct SmoothingFactors {
  SmallVector<double> scales, shifts;
};
} // namespace

/// The per-channel ranges of X from the consumers' input statistics.
static FailureOr<ChannelRanges> readChannelRanges(const SmoothingGroup &group) {
  ChannelRanges ranges{SmallVector<double>(group.channels, 0.0),
                       SmallVector<double>(group.channels, 0.0)};
  for (Operation *consumer : group.consumers) {
    StatsAttr stats = getValueStats(consumer->getOperand(0));
    if (!stats || !stats.getChannelMin() ||
        stats.getChannelAxis() != getConsumerChannelAxis(consumer) ||
        static_cast<int64_t>(stats.getChannelMin().size()) != group.channels)
      return consumer->emitOpError()
             << "input has no per-channel statistics along axis "
             << getConsumerChannelAxis(consumer)
             << " (#qc.stats with channels); calibrate before qc-smooth "
                "(qc-insert-observers, a calibration run, qc-calibrate)";
    for (int64_t channel = 0; channel < group.channels; ++channel) {
      ranges.min[channel] =
          std::min(ranges.min[channel], stats.getChannelMin()[channel]);
      ranges.max[channel] =
          std::max(ranges.max[channel], stats.getChannelMax()[channel]);
    }
  }
  return ranges;
}

/// max |W_j| per input channel j over all consumers' weights, and the
/// weights themselves (consumer order).
static SmallVector<LinearWeights>
readConsumerWeights(const SmoothingGroup &group) {
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
readSampledRows(const SmoothingGroup &group) {
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

/// X~ = (X - z) / s at the producer: gamma / s and (beta - z) / s for a
/// layer norm; output channel c of the weights / s_c and (b_c - z_c) / s_c
/// for a convolution or matmul (a bias add is created where needed).
static LogicalResult foldIntoProducer(const SmoothingGroup &group,
                                      const SmoothingFactors &factors,
                                      OpBuilder &builder) {
  const Producer &producer = group.producer;
  Operation *op = producer.op;
  Location loc = op->getLoc();
  auto activationType = cast<RankedTensorType>(producer.activation.getType());
  Type elementType = activationType.getElementType();
  auto perChannelType = RankedTensorType::get({group.channels}, elementType);
  auto shiftAndScale = [&](SmallVector<double> &biases) {
    for (int64_t channel = 0; channel < group.channels; ++channel)
      biases[channel] =
          (biases[channel] - factors.shifts[channel]) / factors.scales[channel];
  };
  auto toFloats = [](ArrayRef<double> values) {
    return std::vector<float>(values.begin(), values.end());
  };

  builder.setInsertionPoint(op);
  if (auto layerNorm = dyn_cast<LayerNormOp>(op)) {
    std::optional<SmallVector<double>> gamma =
        readPerChannelConstant(layerNorm.getScale(), 0, group.channels);
    std::optional<SmallVector<double>> beta =
        layerNorm.getBias()
            ? readPerChannelConstant(layerNorm.getBias(), 0, group.channels)
            : SmallVector<double>(group.channels, 0.0);
    if (!gamma || !beta)
      return op->emitOpError("expected constant gamma and beta to fold the "
                             "smoothing factors into");
    for (int64_t channel = 0; channel < group.channels; ++channel)
      (*gamma)[channel] /= factors.scales[channel];
    shiftAndScale(*beta);
    layerNorm.getScaleMutable().assign(buildFloatConstant(
        builder, loc, perChannelType, toFloats(*gamma), "smoothed_gamma"));
    layerNorm.getBiasMutable().assign(buildFloatConstant(
        builder, loc, perChannelType, toFloats(*beta), "smoothed_beta"));
    return success();
  }

  LinearWeights weights = *LinearWeights::read(op);
  for (auto [linear, weight] : llvm::enumerate(weights.weights.values))
    weight /= factors.scales[weights.outputChannelOf(linear)];
  weights.writeBack(builder, "smoothed_weight");

  if (!isa<tosa::MatMulOp>(op)) {
    std::optional<SmallVector<double>> biases = readPerChannelConstant(
        op->getOperand(LinearWeights::kBiasOperand), 0, group.channels);
    if (!biases)
      return op->emitOpError("expected a constant bias to fold the smoothing "
                             "factors into");
    shiftAndScale(*biases);
    op->setOperand(LinearWeights::kBiasOperand,
                   buildFloatConstant(builder, loc, perChannelType,
                                      toFloats(*biases), "smoothed_bias"));
    return success();
  }

  // A matmul's bias is an add of a [1, 1, C] constant after it.
  auto biasType = RankedTensorType::get({1, 1, group.channels}, elementType);
  SmallVector<double> biases(group.channels, 0.0);
  if (tosa::AddOp add = producer.biasAdd) {
    Value constant =
        add.getInput1() == op->getResult(0) ? add.getInput2() : add.getInput1();
    std::optional<SmallVector<double>> existing =
        readPerChannelConstant(constant, kMatMulChannelAxis, group.channels);
    if (!existing)
      return add.emitOpError("expected a per-channel constant bias to fold "
                             "the smoothing factors into");
    biases = std::move(*existing);
  }
  shiftAndScale(biases);
  if (llvm::all_of(biases, [](double bias) { return bias == 0.0; }) &&
      !producer.biasAdd)
    return success();
  builder.setInsertionPointAfter(op);
  Value biasConstant = buildFloatConstant(builder, loc, biasType,
                                          toFloats(biases), "smoothed_bias");
  if (tosa::AddOp add = producer.biasAdd) {
    add->setOperands({op->getResult(0), biasConstant});
    return success();
  }
  auto add = tosa::AddOp::create(builder, loc, activationType, op->getResult(0),
                                 biasConstant);
  op->getResult(0).replaceAllUsesExcept(add.getResult(), add);
  return success();
}

/// W~ = diag(s) W in every consumer, and b~ = b + z W (from the original
/// weights) where the shift is nonzero.
static LogicalResult foldIntoConsumers(const SmoothingGroup &group,
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
    if (tosa::AddOp add = getBiasAdd(op, outputs)) {
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
    if (weightBits < kMinWeightBits || weightBits > kMaxWeightBits) {
      getOperation()->emitError()
          << "qc-smooth: weight-bits must be in [" << kMinWeightBits << ", "
          << kMaxWeightBits << "], got " << static_cast<int64_t>(weightBits);
      return signalPassFailure();
    }
    // Groups are matched one at a time, in program order: folding one
    // rewrites weights and biases a later group reads (a consumer is often
    // the next group's producer).
    SmallVector<Operation *> candidates;
    getOperation()->walk([&](Operation *op) {
      if (matchProducer(op))
        candidates.push_back(op);
    });
    OpBuilder builder(&getContext());
    for (Operation *candidate : candidates)
      if (std::optional<SmoothingGroup> group = matchGroup(candidate))
        if (failed(smooth(*group, *smoothingMethod, builder)))
          return signalPassFailure();
  }

private:
  LogicalResult smooth(const SmoothingGroup &group, SmoothingMethod method,
                       OpBuilder &builder) {
    Operation *producer = group.producer.op;
    auto decision =
        producer->getAttrOfType<SmoothingAttr>(QCDialect::kSmoothingAttrName);
    if (decision && decision.getFolded())
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
    if (failed(foldIntoProducer(group, factors, builder)) ||
        failed(foldIntoConsumers(group, consumers, factors, builder)))
      return failure();
    for (Value changed : group.changedValues)
      setValueStats(changed, nullptr);
    producer->setAttr(QCDialect::kSmoothingAttrName, decision.withFolded());
    return success();
  }

  FailureOr<SmoothingAttr> decide(const SmoothingGroup &group,
                                  ArrayRef<LinearWeights> consumers,
                                  SmoothingMethod method) {
    FailureOr<ChannelRanges> ranges = readChannelRanges(group);
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
                                    const SmoothingGroup &group) {
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
