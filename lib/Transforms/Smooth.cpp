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
/// The grids the W8A8 recipe quantizes to: an 8-bit activation spans 255
/// steps, a symmetric narrow-range int8 weight 127 on each side.
static constexpr double kActivationSteps = 255.0;
static constexpr double kWeightSteps = 127.0;

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
                                  ArrayRef<LinearWeights> consumers) {
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
      double weightStep = weightMax / kWeightSteps;
      noise += weightStep * weightStep * activationEnergy;
    }
  }
  return noise;
}

/// OS+: z_j = (max_j + min_j) / 2, s_j = max(1, (max_j - z_j) / t), with the
/// threshold t the channels' half-range that minimizes the noise estimate
/// (t at or above the largest half-range leaves X unscaled). Without
/// `shiftable` (a padded convolution consumes X), z = 0.
static std::pair<SmoothingFactors, double>
computeOutlierSuppressionPlus(const ChannelRanges &ranges,
                              ArrayRef<LinearWeights> consumers,
                              bool shiftable) {
  int64_t channels = ranges.min.size();
  SmallVector<double> shifts(channels, 0.0), halfRanges(channels);
  for (int64_t channel = 0; channel < channels; ++channel) {
    if (shiftable)
      shifts[channel] = (ranges.max[channel] + ranges.min[channel]) / 2;
    halfRanges[channel] = std::max(ranges.max[channel] - shifts[channel],
                                   shifts[channel] - ranges.min[channel]);
  }
  auto factorsFor = [&](double threshold) {
    SmoothingFactors factors;
    for (double halfRange : halfRanges)
      factors.scales.push_back(
          threshold > 0 ? std::max(1.0, halfRange / threshold) : 1.0);
    factors.shifts = shifts;
    return factors;
  };
  double bestThreshold = *llvm::max_element(halfRanges);
  double bestNoise =
      estimateOutputNoise(halfRanges, factorsFor(bestThreshold), consumers);
  for (double threshold : halfRanges) {
    double noise =
        estimateOutputNoise(halfRanges, factorsFor(threshold), consumers);
    if (threshold > 0 && noise < bestNoise) {
      bestNoise = noise;
      bestThreshold = threshold;
    }
  }
  return {factorsFor(bestThreshold), bestThreshold};
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
    MLIRContext *context = &getContext();
    if (method == SmoothingMethod::smoothquant) {
      SmoothingFactors factors = computeSmoothQuant(
          *ranges, getWeightAbsMaxPerInputChannel(consumers, group.channels),
          alpha);
      return SmoothingAttr::get(
          context, method, APFloat(static_cast<double>(alpha)), std::nullopt,
          DenseF64ArrayAttr::get(context, factors.scales), nullptr,
          /*folded=*/false);
    }
    bool shiftable = llvm::none_of(
        consumers, [](const LinearWeights &w) { return w.padsInput(); });
    auto [factors, threshold] =
        computeOutlierSuppressionPlus(*ranges, consumers, shiftable);
    return SmoothingAttr::get(context, method, std::nullopt, APFloat(threshold),
                              DenseF64ArrayAttr::get(context, factors.scales),
                              DenseF64ArrayAttr::get(context, factors.shifts),
                              /*folded=*/false);
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
