//===- ChannelGroup.cpp - An activation and the weights reading it --------===//

#include "ChannelGroup.h"
#include "ChannelAxis.h"

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

tosa::AddOp mlir::qc::getBiasAdd(Operation *matmul, int64_t channels) {
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

std::optional<ChannelProducer> mlir::qc::matchChannelProducer(Operation *op) {
  if (auto layerNorm = dyn_cast<LayerNormOp>(op)) {
    // Per-channel factors fold into gamma and beta only when normalization
    // runs over the last axis alone (then they are per channel).
    auto type = cast<RankedTensorType>(layerNorm.getResult().getType());
    if (static_cast<int64_t>(layerNorm.getAxis()) != type.getRank() - 1)
      return std::nullopt;
    return ChannelProducer{op, layerNorm.getResult(), type.getRank() - 1, {}};
  }
  if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
    return ChannelProducer{op, op->getResult(0), kConvolutionChannelAxis, {}};
  if (!isa<tosa::MatMulOp>(op) || !LinearWeights::read(op))
    return std::nullopt;
  int64_t channels = cast<RankedTensorType>(op->getResult(0).getType())
                         .getDimSize(kMatMulChannelAxis);
  if (tosa::AddOp add = getBiasAdd(op, channels))
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

std::optional<ChannelGroup> mlir::qc::matchChannelGroup(Operation *op) {
  std::optional<ChannelProducer> producer = matchChannelProducer(op);
  if (!producer)
    return std::nullopt;
  auto type = cast<RankedTensorType>(producer->activation.getType());
  ChannelGroup group{*producer, type.getDimSize(producer->channelAxis), {}, {}};
  if (failed(collectConsumers(producer->activation, producer->channelAxis,
                              group)) ||
      group.consumers.empty())
    return std::nullopt;
  return group;
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

LogicalResult mlir::qc::foldIntoProducer(const ChannelGroup &group,
                                         ArrayRef<double> scales,
                                         ArrayRef<double> shifts,
                                         OpBuilder &builder) {
  const ChannelProducer &producer = group.producer;
  Operation *op = producer.op;
  Location loc = op->getLoc();
  auto activationType = cast<RankedTensorType>(producer.activation.getType());
  Type elementType = activationType.getElementType();
  auto perChannelType = RankedTensorType::get({group.channels}, elementType);
  auto shiftAndScale = [&](SmallVector<double> &biases) {
    for (int64_t channel = 0; channel < group.channels; ++channel)
      biases[channel] = (biases[channel] - shifts[channel]) / scales[channel];
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
      return op->emitOpError("expected constant gamma and beta to fold "
                             "per-channel factors into");
    for (int64_t channel = 0; channel < group.channels; ++channel)
      (*gamma)[channel] /= scales[channel];
    shiftAndScale(*beta);
    layerNorm.getScaleMutable().assign(buildFloatConstant(
        builder, loc, perChannelType, toFloats(*gamma), "rescaled_gamma"));
    layerNorm.getBiasMutable().assign(buildFloatConstant(
        builder, loc, perChannelType, toFloats(*beta), "rescaled_beta"));
    return success();
  }

  LinearWeights weights = *LinearWeights::read(op);
  for (auto [linear, weight] : llvm::enumerate(weights.weights.values))
    weight /= scales[weights.outputChannelOf(linear)];
  weights.writeBack(builder, "rescaled_weight");

  if (!isa<tosa::MatMulOp>(op)) {
    std::optional<SmallVector<double>> biases = readPerChannelConstant(
        op->getOperand(LinearWeights::kBiasOperand), 0, group.channels);
    if (!biases)
      return op->emitOpError("expected a constant bias to fold per-channel "
                             "factors into");
    shiftAndScale(*biases);
    op->setOperand(LinearWeights::kBiasOperand,
                   buildFloatConstant(builder, loc, perChannelType,
                                      toFloats(*biases), "rescaled_bias"));
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
                             "per-channel factors into");
    biases = std::move(*existing);
  }
  shiftAndScale(biases);
  if (llvm::all_of(biases, [](double bias) { return bias == 0.0; }) &&
      !producer.biasAdd)
    return success();
  builder.setInsertionPointAfter(op);
  Value biasConstant = buildFloatConstant(builder, loc, biasType,
                                          toFloats(biases), "rescaled_bias");
  if (tosa::AddOp add = producer.biasAdd) {
    add->setOperands({op->getResult(0), biasConstant});
    return success();
  }
  auto add = tosa::AddOp::create(builder, loc, activationType, op->getResult(0),
                                 biasConstant);
  op->getResult(0).replaceAllUsesExcept(add.getResult(), add);
  return success();
}
