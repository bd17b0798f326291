//===- ChannelGroup.cpp - An activation and the weights reading it --------===//

#include "ChannelGroup.h"
#include "ChannelAxis.h"
#include "QuantizationPlacement.h"

#include "qc/IR/QC.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qc;

//===----------------------------------------------------------------------===//
// LinearWeights
//===----------------------------------------------------------------------===//

std::optional<LinearWeights> LinearWeights::read(Operation *op) {
  if (!isa<tosa::MatMulOp, tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
    return std::nullopt;
  std::optional<FloatTensor> weights =
      evaluateFloatConstant(op->getOperand(kWeightOperand));
  if (!weights)
    return std::nullopt;
  return LinearWeights{op, std::move(*weights)};
}

int64_t LinearWeights::inputChannelOf(int64_t linear) const {
  ArrayRef<int64_t> shape = weights.shape;
  if (isa<tosa::MatMulOp>(op))
    return linear / shape[2] % shape[1];
  if (isa<tosa::Conv2DOp>(op))
    return linear % shape[3];
  return linear / shape[3] % shape[2];
}

int64_t LinearWeights::outputChannelOf(int64_t linear) const {
  ArrayRef<int64_t> shape = weights.shape;
  if (isa<tosa::MatMulOp>(op))
    return linear % shape[2];
  if (isa<tosa::Conv2DOp>(op))
    return linear / (shape[1] * shape[2] * shape[3]);
  return linear % (shape[2] * shape[3]);
}

int64_t LinearWeights::columnOf(int64_t linear) const {
  ArrayRef<int64_t> shape = weights.shape;
  if (isa<tosa::MatMulOp>(op))
    return linear / (shape[1] * shape[2]) * shape[2] + linear % shape[2];
  if (isa<tosa::Conv2DOp>(op))
    return linear / shape[3];
  return linear;
}

int64_t LinearWeights::getNumColumns() const {
  ArrayRef<int64_t> shape = weights.shape;
  if (isa<tosa::MatMulOp>(op))
    return shape[0] * shape[2];
  if (isa<tosa::Conv2DOp>(op))
    return weights.getNumElements() / shape[3];
  return weights.getNumElements();
}

int64_t LinearWeights::getNumOutputChannels() const {
  ArrayRef<int64_t> shape = weights.shape;
  if (isa<tosa::MatMulOp>(op))
    return shape[2];
  if (isa<tosa::Conv2DOp>(op))
    return shape[0];
  return shape[2] * shape[3];
}

bool LinearWeights::padsInput() const {
  if (isa<tosa::MatMulOp>(op))
    return false;
  auto pad = op->getAttrOfType<DenseI64ArrayAttr>("pad");
  return pad && llvm::any_of(pad.asArrayRef(),
                             [](int64_t amount) { return amount != 0; });
}

void LinearWeights::writeBack(OpBuilder &builder, StringRef blobName) {
  auto type = cast<RankedTensorType>(op->getOperand(kWeightOperand).getType());
  builder.setInsertionPoint(op);
  op->setOperand(kWeightOperand,
                 buildFloatConstant(builder, op->getLoc(),
                                    type.clone(weights.shape), weights.values,
                                    blobName));
}

//===----------------------------------------------------------------------===//
// Channel groups
//===----------------------------------------------------------------------===//

tosa::AddOp mlir::qc::getBiasAdd(Operation *op, int64_t channelAxis,
                                 int64_t channels) {
  Value result = op->getResult(0);
  if (!result.hasOneUse())
    return {};
  auto add = dyn_cast<tosa::AddOp>(*result.getUsers().begin());
  if (!add || add.getType() != result.getType())
    return {};
  Value constant =
      add.getInput1() == result ? add.getInput2() : add.getInput1();
  if (!readPerChannelConstant(constant, channelAxis, channels))
    return {};
  return add;
}

/// The constant operand of a tosa.mul whose other operand is not constant.
static std::optional<unsigned> getConstantFactorOperand(tosa::MulOp op) {
  bool lhsConstant = isConstantExpression(op.getInput1());
  if (lhsConstant == isConstantExpression(op.getInput2()))
    return std::nullopt;
  return lhsConstant ? 0 : 1;
}

/// A multiplication by positive per-channel constants (one per tensor
/// counts, along the last axis) of an accumulator it alone reads, so that
/// the factors fuse into the accumulator's requantization.
static std::optional<ChannelProducer> matchMultiplyProducer(tosa::MulOp op) {
  std::optional<unsigned> factorOperand = getConstantFactorOperand(op);
  if (!factorOperand)
    return std::nullopt;
  Value input = op->getOperand(1 - *factorOperand);
  auto type = cast<RankedTensorType>(op.getType());
  if (!input.hasOneUse() || !isFusableAccumulator(input) ||
      cast<RankedTensorType>(input.getType()).getShape() != type.getShape())
    return std::nullopt;
  auto factorType =
      cast<RankedTensorType>(op->getOperand(*factorOperand).getType());
  int64_t axis = getSingleVaryingAxis(factorType.getShape())
                     .value_or(type.getRank() - 1);
  int64_t channels = type.getDimSize(axis);
  std::optional<SmallVector<double>> factors =
      readPerChannelConstant(op->getOperand(*factorOperand), axis, channels);
  if (!factors ||
      !llvm::all_of(*factors, [](double factor) { return factor > 0.0; }))
    return std::nullopt;
  if (tosa::AddOp add = getBiasAdd(op, axis, channels))
    return ChannelProducer{op, add.getResult(), axis, add};
  return ChannelProducer{op, op.getResult(), axis, {}};
}

std::optional<ChannelProducer> mlir::qc::matchChannelProducer(Operation *op) {
  if (auto layerNorm = dyn_cast<LayerNormOp>(op)) {
    // Per-channel factors fold into gamma and beta only when normalization
    // runs over the last axis alone (then they are per channel).
    auto type = cast<RankedTensorType>(layerNorm.getResult().getType());
    if (static_cast<int64_t>(layerNorm.getAxis()) != type.getRank() - 1)
      return std::nullopt;
    return ChannelProducer{op, layerNorm.getResult(), type.getRank() - 1, {}};
  }
  if (auto multiply = dyn_cast<tosa::MulOp>(op))
    return matchMultiplyProducer(multiply);
  if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
    return ChannelProducer{op, op->getResult(0), kConvolutionChannelAxis, {}};
  if (!isa<tosa::MatMulOp>(op) || !LinearWeights::read(op))
    return std::nullopt;
  int64_t channels = cast<RankedTensorType>(op->getResult(0).getType())
                         .getDimSize(kMatMulChannelAxis);
  if (tosa::AddOp add = getBiasAdd(op, kMatMulChannelAxis, channels))
    return ChannelProducer{op, add.getResult(), kMatMulChannelAxis, add};
  return ChannelProducer{op, op->getResult(0), kMatMulChannelAxis, {}};
}

int64_t mlir::qc::getConsumerChannelAxis(Operation *consumer) {
  return isa<tosa::MatMulOp>(consumer) ? kMatMulChannelAxis
                                       : kConvolutionChannelAxis;
}

/// Adds to `group` the consumers reached from `value`, whose channels lie
/// along `axis`; fails where a use is neither a view nor a linear consumer
/// of the channels (a rewrite of X would change what that use sees).
static LogicalResult collectConsumers(Value value, int64_t axis,
                                      ChannelGroup &group) {
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

/// The group of X along `axis`, with `producer`; none where a use of X is
/// not a view or a linear consumer of the channels.
static std::optional<ChannelGroup> collectGroup(ChannelProducer producer) {
  auto type = cast<RankedTensorType>(producer.activation.getType());
  ChannelGroup group{producer, type.getDimSize(producer.channelAxis), {}, {}};
  if (failed(collectConsumers(producer.activation, producer.channelAxis,
                              group)) ||
      group.consumers.empty())
    return std::nullopt;
  return group;
}

/// `value` and its channel axis `axis`, followed up through the views that
/// make it while they keep the channel dimension whole.
static std::pair<Value, int64_t> followViewsUp(Value value, int64_t axis) {
  while (Operation *view = value.getDefiningOp()) {
    std::optional<int64_t> sourceAxis = getViewSourceAxis(view, axis);
    if (!sourceAxis)
      break;
    value = view->getOperand(0);
    axis = *sourceAxis;
  }
  return {value, axis};
}

/// The group of `consumer`'s input where no producer folds factors and an
/// explicit multiply would fuse into a requantization.
static std::optional<ChannelGroup> matchInputGroup(Operation *consumer) {
  if (!LinearWeights::read(consumer))
    return std::nullopt;
  auto [activation, axis] = followViewsUp(consumer->getOperand(0),
                                          getConsumerChannelAxis(consumer));
  // A producer's own group, matched at the producer, covers its result.
  if (Operation *producer = activation.getDefiningOp();
      producer && matchChannelProducer(producer))
    return std::nullopt;
  if (!isFusableAccumulator(activation))
    return std::nullopt;
  return collectGroup(ChannelProducer{nullptr, activation, axis, {}});
}

SmallVector<GroupCandidate>
mlir::qc::collectGroupCandidates(Operation *root, bool explicitMultiply) {
  SmallVector<GroupCandidate> candidates;
  root->walk([&](Operation *op) {
    // The input's group first: it comes before the result's in the graph.
    if (explicitMultiply && LinearWeights::read(op))
      candidates.push_back({op, /*atInput=*/true});
    if (matchChannelProducer(op))
      candidates.push_back({op, /*atInput=*/false});
  });
  return candidates;
}

std::optional<ChannelGroup>
mlir::qc::matchChannelGroup(GroupCandidate candidate) {
  if (candidate.atInput)
    return matchInputGroup(candidate.op);
  std::optional<ChannelProducer> producer =
      matchChannelProducer(candidate.op);
  if (!producer)
    return std::nullopt;
  return collectGroup(*producer);
}

void mlir::qc::insertExplicitMultiply(ChannelGroup &group,
                                      OpBuilder &builder) {
  ChannelProducer &producer = group.producer;
  Value activation = producer.activation;
  auto type = cast<RankedTensorType>(activation.getType());
  SmallVector<int64_t> factorShape(type.getRank(), 1);
  factorShape[producer.channelAxis] = group.channels;
  builder.setInsertionPointAfterValue(activation);
  Location loc = activation.getLoc();
  Value ones = buildFloatConstant(
      builder, loc, type.clone(factorShape),
      std::vector<float>(group.channels, 1.0f), "smoothing_factors");
  auto multiply = tosa::MulOp::create(builder, loc, type, activation, ones,
                                      buildNoMulShift(builder, loc));
  activation.replaceAllUsesExcept(multiply.getResult(), multiply);
  producer.op = multiply;
  producer.activation = multiply.getResult();
  group.changedValues.front() = multiply.getResult();
}

//===----------------------------------------------------------------------===//
// Channel ranges
//===----------------------------------------------------------------------===//

double ChannelRanges::getAbsMax(int64_t channel) const {
  return std::max(std::fabs(min[channel]), std::fabs(max[channel]));
}

FailureOr<ChannelRanges> mlir::qc::readChannelRanges(const ChannelGroup &group,
                                                     StringRef passName) {
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
             << " (#qc.stats with channels); calibrate before " << passName
             << " (qc-insert-observers, a calibration run, qc-calibrate)";
    for (int64_t channel = 0; channel < group.channels; ++channel) {
      ranges.min[channel] =
          std::min(ranges.min[channel], stats.getChannelMin()[channel]);
      ranges.max[channel] =
          std::max(ranges.max[channel], stats.getChannelMax()[channel]);
    }
  }
  return ranges;
}

//===----------------------------------------------------------------------===//
// Folding into the producer
//===----------------------------------------------------------------------===//

/// b_c -> (b_c - z_c) / s_c: a bias of X becomes that of (X - z) / s.
static void shiftAndScale(MutableArrayRef<double> biases,
                          ArrayRef<double> scales, ArrayRef<double> shifts) {
  for (auto [bias, scale, shift] : llvm::zip_equal(biases, scales, shifts))
    bias = (bias - shift) / scale;
}

/// `values` as a constant of X's rank varying along its channel axis.
static Value buildChannelConstant(OpBuilder &builder, Location loc,
                                  const ChannelGroup &group,
                                  ArrayRef<double> values, StringRef blobName) {
  auto activationType =
      cast<RankedTensorType>(group.producer.activation.getType());
  SmallVector<int64_t> shape(activationType.getRank(), 1);
  shape[group.producer.channelAxis] = group.channels;
  return buildFloatConstant(builder, loc, activationType.clone(shape),
                            std::vector<float>(values.begin(), values.end()),
                            blobName);
}

/// b_c -> (b_c - z_c) / s_c in the per-channel bias add after a matmul or
/// multiply producer, which is created where the result needs one.
static LogicalResult foldIntoBiasAdd(const ChannelGroup &group,
                                     ArrayRef<double> scales,
                                     ArrayRef<double> shifts,
                                     OpBuilder &builder) {
  const ChannelProducer &producer = group.producer;
  Operation *op = producer.op;
  Value result = op->getResult(0);
  SmallVector<double> biases(group.channels, 0.0);
  if (tosa::AddOp add = producer.biasAdd) {
    Value constant =
        add.getInput1() == result ? add.getInput2() : add.getInput1();
    std::optional<SmallVector<double>> existing =
        readPerChannelConstant(constant, producer.channelAxis, group.channels);
    if (!existing)
      return add.emitOpError("expected a per-channel constant bias to fold "
                             "per-channel factors into");
    biases = std::move(*existing);
  }
  shiftAndScale(biases, scales, shifts);
  if (llvm::all_of(biases, [](double bias) { return bias == 0.0; }) &&
      !producer.biasAdd)
    return success();
  builder.setInsertionPointAfter(op);
  Value biasConstant = buildChannelConstant(builder, op->getLoc(), group,
                                            biases, "rescaled_bias");
  if (tosa::AddOp add = producer.biasAdd) {
    add->setOperands({result, biasConstant});
    return success();
  }
  auto add = tosa::AddOp::create(builder, op->getLoc(), result.getType(),
                                 result, biasConstant);
  result.replaceAllUsesExcept(add.getResult(), add);
  return success();
}

LogicalResult mlir::qc::foldIntoProducer(const ChannelGroup &group,
                                         ArrayRef<double> scales,
                                         ArrayRef<double> shifts,
                                         OpBuilder &builder) {
  const ChannelProducer &producer = group.producer;
  Operation *op = producer.op;
  Location loc = op->getLoc();
  Type elementType =
      cast<RankedTensorType>(producer.activation.getType()).getElementType();
  auto perChannelType = RankedTensorType::get({group.channels}, elementType);
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
      return op->emitOpError("expected constant gamma and beta to fold "
                             "per-channel factors into");
    for (int64_t channel = 0; channel < group.channels; ++channel)
      (*gamma)[channel] /= scales[channel];
    shiftAndScale(*beta, scales, shifts);
    layerNorm.getScaleMutable().assign(buildFloatConstant(
        builder, loc, perChannelType, toFloats(*gamma), "rescaled_gamma"));
    layerNorm.getBiasMutable().assign(buildFloatConstant(
        builder, loc, perChannelType, toFloats(*beta), "rescaled_beta"));
    return success();
  }

  if (auto multiply = dyn_cast<tosa::MulOp>(op)) {
    unsigned factorOperand = *getConstantFactorOperand(multiply);
    SmallVector<double> factors = *readPerChannelConstant(
        op->getOperand(factorOperand), producer.channelAxis, group.channels);
    for (int64_t channel = 0; channel < group.channels; ++channel)
      factors[channel] /= scales[channel];
    op->setOperand(factorOperand, buildChannelConstant(builder, loc, group,
                                                       factors,
                                                       "smoothing_factors"));
    return foldIntoBiasAdd(group, scales, shifts, builder);
  }

  LinearWeights weights = *LinearWeights::read(op);
  for (auto [linear, weight] : llvm::enumerate(weights.weights.values))
    weight /= scales[weights.outputChannelOf(linear)];
  weights.writeBack(builder, "rescaled_weight");
  if (isa<tosa::MatMulOp>(op))
    return foldIntoBiasAdd(group, scales, shifts, builder);

  std::optional<SmallVector<double>> biases = readPerChannelConstant(
      op->getOperand(LinearWeights::kBiasOperand), 0, group.channels);
  if (!biases)
    return op->emitOpError("expected a constant bias to fold per-channel "
                           "factors into");
  shiftAndScale(*biases, scales, shifts);
  op->setOperand(LinearWeights::kBiasOperand,
                 buildFloatConstant(builder, loc, perChannelType,
                                    toFloats(*biases), "rescaled_bias"));
  return success();
}
