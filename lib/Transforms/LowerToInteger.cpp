//===- LowerToInteger.cpp - QDQ graphs to integer-only arithmetic ---------===//
//
// Rewrites float ops between qc.dequantize and qc.quantize into integer ops
// on the storage tensors. Each pattern moves a dequantize one op further
// down the graph, so the float region shrinks until every qc.quantize meets
// a qc.dequantize and becomes a qc.requant:
//
//   * uint8 values become int8 (top bit flipped, zero point - 128), the
//     form TOSA's integer ops take;
//   * data movement (transpose, reshape, slices, tile, concat, max pooling)
//     runs on the storage integers; a concat of different quantizations
//     requantizes its operands first;
//   * convolutions and matmuls on int8 accumulate in i32, whose scale is
//     s_in * s_w (per output channel for per-channel weights), with the
//     input zero point folded into the bias for constant weights; float biases
//     and added constants are quantized to that scale (a narrow value plus
//     a constant is widened to i32 first), sums and average pools (without
//     padding) are i32 reductions;
//   * multiplications and divisions by a positive constant change the
//     scale only; products of two quantized values are i32 products;
//   * quantize(clamp*(dequantize x)) is one qc.requant with a dyadic
//     multiplier and the clamp folded into its bounds;
//   * quantize(clamp*(add(dequantize a, dequantize b))) is HAWQ-V3's
//     integer residual add: two dyadic multipliers into i32, then the zero
//     point and the clamps;
//   * quantize(f(dequantize x)) for an elementwise f of one 8-bit input, one
//     op or a whole function of x (HardSwish spelled out), is a 256-entry
//     table (tosa.table) evaluated at compile time; tables go first, so a
//     function's ops are not taken one at a time;
//   * qc.softmax and qc.layer_norm get integer kernels
//     (IntegerNormalizations.cpp).
//
//===----------------------------------------------------------------------===//

#include "ChannelAxis.h"
#include "IntegerNormalizations.h"
#include "PackedLinear.h"
#include "QDQ.h"
#include "QuantizationPlacement.h"
#include "ScalarFunction.h"

#include "qc/IR/QC.h"
#include "qc/Numerics/Numerics.h"
#include "qc/Transforms/ConstantTensor.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <cstring>

namespace mlir::qc {
#define GEN_PASS_DEF_QCLOWERTOINTEGER
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;
namespace numerics = ::qc::numerics;

/// Relative difference up to which an i32 bias's scale counts as the
/// accumulator's (float32 rounding of s_in * s_w).
static constexpr double kBiasScaleTolerance = 1e-6;

/// The dyadic multiplier that makes 32-bit accumulators at scale 1 into
/// values at scale 1 (Q0.31 form, as gemmlowp rounding requires).
static constexpr numerics::Dyadic kIdentityMultiplier = {1 << 30, 30};

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static Type floatElementType(Value value) {
  return getElementTypeOrSelf(value.getType());
}

static bool isFloatTensor(Value value) {
  return isa<RankedTensorType>(value.getType()) &&
         isa<FloatType>(floatElementType(value));
}

/// A splat integer constant of `type`.
static Value buildIntSplat(OpBuilder &builder, Location loc,
                           RankedTensorType type, int64_t value) {
  return arith::ConstantOp::create(
      builder, loc,
      SplatElementsAttr::get(
          type, builder.getIntegerAttr(type.getElementType(), value)));
}

/// A dense i32 constant of `shape`.
static Value buildI32Constant(OpBuilder &builder, Location loc,
                              ArrayRef<int64_t> shape,
                              ArrayRef<int32_t> values) {
  auto type = RankedTensorType::get(shape, builder.getI32Type());
  return arith::ConstantOp::create(
      builder, loc, DenseIntElementsAttr::get(type, values));
}

/// `value` dequantized as an 8-bit signed tensor, or nothing.
static std::optional<DequantizedValue> matchSigned8(Value value) {
  std::optional<DequantizedValue> dequantized =
      matchDequantized(value);
  if (!dequantized || dequantized->getBitWidth() != 8 ||
      !dequantized->isSigned())
    return std::nullopt;
  return dequantized;
}

/// `value` dequantized from a 32-bit accumulator (signed, zero point 0).
static std::optional<DequantizedValue> matchAccumulator(Value value) {
  std::optional<DequantizedValue> dequantized =
      matchDequantized(value);
  if (!dequantized || dequantized->getBitWidth() != 32 ||
      dequantized->params.hasZeroPoints())
    return std::nullopt;
  return dequantized;
}

/// The dyadic multipliers s_in / s_out, one per index along the axis of
/// whichever of `input` and `output` is quantized per axis (both: the same
/// axis, index for index).
static FailureOr<DyadicAttr> buildMultipliers(MLIRContext *context,
                                              const QuantParams &input,
                                              const QuantParams &output) {
  std::optional<int32_t> axis = input.axis ? input.axis : output.axis;
  size_t count = std::max(input.scales.size(), output.scales.size());
  if (input.axis && output.axis &&
      (*input.axis != *output.axis ||
       input.scales.size() != output.scales.size()))
    return failure();
  SmallVector<int32_t> multipliers, shifts;
  for (size_t index = 0; index < count; ++index) {
    std::optional<numerics::Dyadic> dyadic = numerics::quantizeMultiplier(
        input.getScale(index) / output.getScale(index));
    if (!dyadic)
      return failure();
    multipliers.push_back(dyadic->multiplier);
    shifts.push_back(dyadic->shift);
  }
  std::optional<int64_t> dyadicAxis;
  if (axis)
    dyadicAxis = *axis;
  return DyadicAttr::get(context, multipliers, shifts, dyadicAxis,
                         std::nullopt);
}

/// Values of a float constant (possibly behind reshapes, transposes and
/// arithmetic on constants), or of a dequantized integer constant
/// ((q - z) * s in double), row-major.
static std::optional<SmallVector<double>> readFloatConstant(Value value) {
  SmallVector<double> values;
  if (std::optional<FloatTensor> constant = evaluateFloatConstant(value)) {
    values.assign(constant->values.begin(), constant->values.end());
    return values;
  }
  std::optional<DequantizedValue> dequantized = matchDequantized(value);
  DenseIntElementsAttr stored;
  if (!dequantized || !dequantized->storage ||
      !matchPattern(dequantized->storage, m_Constant(&stored)))
    return std::nullopt;
  auto type = cast<RankedTensorType>(value.getType());
  const QuantParams &params = dequantized->params;
  int64_t inner = 1;
  if (params.axis)
    for (int64_t dim = *params.axis + 1; dim < type.getRank(); ++dim)
      inner *= type.getDimSize(dim);
  for (auto [linear, q] : llvm::enumerate(stored.getValues<APInt>())) {
    int64_t channel =
        params.axis ? (static_cast<int64_t>(linear) / inner) %
                          type.getDimSize(*params.axis)
                    : 0;
    int64_t integer = dequantized->isSigned()
                          ? q.getSExtValue()
                          : static_cast<int64_t>(q.getZExtValue());
    values.push_back(static_cast<double>(integer - params.getZeroPoint(channel)) *
                     params.getScale(channel));
  }
  return values;
}

/// Whether the scales of `other` are those of `accumulator` up to float32
/// rounding (quantizers store bias scales in float32), index for index
/// along the same axis.
static bool scalesMatch(const QuantParams &accumulator,
                        const QuantParams &other) {
  if (other.axis && other.axis != accumulator.axis)
    return false;
  for (auto [index, scale] : llvm::enumerate(accumulator.scales))
    if (std::fabs(other.getScale(index) - scale) > kBiasScaleTolerance * scale)
      return false;
  return other.isPerTensor() || other.scales.size() == accumulator.scales.size();
}

//===----------------------------------------------------------------------===//
// uint8 to int8
//===----------------------------------------------------------------------===//

namespace {
/// dequantize(q : u8, s, z) -> dequantize(q xor 0x80 : i8, s, z - 128).
struct SignUnsignedDequantize : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    constexpr int64_t kSignBit = -128;
    std::optional<DequantizedValue> input =
        matchDequantized(op.getResult());
    if (!input || input->getBitWidth() != 8 || input->isSigned())
      return failure();
    quant::QuantizedType type = input->getType();
    auto signedLike = quant::UniformQuantizedType::get(
        quant::QuantizationFlags::Signed, type.getStorageType(),
        type.getExpressedType(), 1.0, 0,
        type.getStorageTypeMin() + kSignBit,
        type.getStorageTypeMax() + kSignBit);
    SmallVector<int64_t> zeroPoints;
    for (int64_t zeroPoint : input->params.zeroPoints)
      zeroPoints.push_back(zeroPoint + kSignBit);
    quant::QuantizedType signedType = buildUniformType(
        signedLike, input->params.scales, zeroPoints, input->params.axis);
    Location loc = op.getLoc();
    Value storage = input->getStorage(rewriter, loc);
    auto storageType = cast<RankedTensorType>(storage.getType());
    Value flipped = tosa::BitwiseXorOp::create(
        rewriter, loc, storageType, storage,
        buildIntSplat(rewriter, loc, storageType, kSignBit));
    rewriter.replaceOp(op, buildDequantize(rewriter, loc, flipped, signedType,
                                           floatElementType(op.getResult())));
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

namespace {
/// op(dequantize(q)...) -> dequantize(op(q...)) for ops that only move or
/// select elements; all quantized operands must share one type.
struct CommuteDataMovement : RewritePattern {
  CommuteDataMovement(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!(isDataMovement(op) || isa<tosa::ConcatOp>(op)) ||
        op->getNumResults() != 1 || !isFloatTensor(op->getResult(0)))
      return failure();
    SmallVector<std::pair<Value, DequantizedValue>> inputs;
    for (Value operand : op->getOperands()) {
      if (!isFloatTensor(operand))
        continue;
      std::optional<DequantizedValue> input = matchDequantized(operand);
      if (!input ||
          (!inputs.empty() && input->getType() != inputs.front().second.getType()))
        return failure();
      inputs.emplace_back(operand, *input);
    }
    if (inputs.empty())
      return failure();
    const QuantParams *params = &inputs.front().second.params;
    // Max pooling compares values: unsigned storage must become signed
    // first (TOSA's integer ops are signed).
    if (isa<tosa::MaxPool2dOp>(op) && !inputs.front().second.isSigned())
      return failure();
    std::optional<int32_t> axis = getResultAxis(op, *params);
    if (params->axis && !axis)
      return failure();
    IRMapping mapping;
    for (auto &[operand, input] : inputs)
      mapping.map(operand, input.getStorage(rewriter, op->getLoc()));
    Operation *integerOp = rewriter.clone(*op, mapping);
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    integerOp->getResult(0).setType(
        getStorageTensorType(resultType, params->type));
    quant::QuantizedType type = buildUniformType(
        params->type, params->scales, params->zeroPoints, axis);
    rewriter.replaceOp(op, buildDequantize(rewriter, op->getLoc(),
                                           integerOp->getResult(0), type,
                                           resultType.getElementType()));
    return success();
  }

private:
  /// Where a per-axis parameter axis goes through `op` (none: per tensor,
  /// or an op that does not keep the axis).
  static std::optional<int32_t> getResultAxis(Operation *op,
                                              const QuantParams &params) {
    if (!params.axis)
      return std::nullopt;
    std::optional<int64_t> axis = getViewResultAxis(op, *params.axis);
    if (!axis)
      return std::nullopt;
    return static_cast<int32_t>(*axis);
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Convolutions and matmuls
//===----------------------------------------------------------------------===//

/// Accumulator scales s_in * s_w of an int8 x int8 product, one per output
/// channel where either is per channel (a per-channel input only where
/// each output channel reads one input channel: depthwise).
static SmallVector<double> accumulatorScales(const QuantParams &input,
                                             const QuantParams &weight) {
  size_t count = std::max(input.scales.size(), weight.scales.size());
  SmallVector<double> scales;
  for (size_t index = 0; index < count; ++index)
    scales.push_back(input.getScale(index) * weight.getScale(index));
  return scales;
}

/// Replaces the float result of `op` by the dequantized i32 `accumulator`
/// at `scales` (one, or one per index along `axis`).
static void replaceWithAccumulator(PatternRewriter &rewriter, Operation *op,
                                   Value accumulator, ArrayRef<double> scales,
                                   std::optional<int32_t> axis) {
  Type floatType = floatElementType(op->getResult(0));
  rewriter.replaceOp(
      op, buildDequantize(rewriter, op->getLoc(), accumulator,
                          getAccumulatorType(floatType, scales, axis),
                          floatType));
}

/// The bias of a convolution as i32 in units of `scales` (one per output
/// channel, or one): the storage of an i32 dequantize of exactly those
/// scales, or a float constant rounded half to even and saturated.
static FailureOr<Value> quantizeBias(OpBuilder &builder, Location loc,
                                     Value bias, ArrayRef<double> scales) {
  auto biasType = cast<RankedTensorType>(bias.getType());
  if (std::optional<DequantizedValue> accumulator =
          matchAccumulator(bias)) {
    // Quantizers store the bias scale in float32: take the stored integers
    // as they are when the scales agree that far.
    const QuantParams &params = accumulator->params;
    for (auto [channel, scale] : llvm::enumerate(scales))
      if (std::fabs(params.getScale(channel) - scale) >
          kBiasScaleTolerance * scale)
        return failure();
    if (params.isPerTensor() && scales.size() > 1 &&
        biasType.getNumElements() == 1)
      return failure();
    return accumulator->getStorage(builder, loc);
  }
  std::optional<SmallVector<double>> values = readFloatConstant(bias);
  if (!values)
    return failure();
  numerics::IntRange range = numerics::storageRange(32, /*isSigned=*/true);
  // A single bias broadcast over channels of different scales becomes one
  // integer per channel.
  int64_t channels = std::max<int64_t>(biasType.getNumElements(),
                                       static_cast<int64_t>(scales.size()));
  biasType = RankedTensorType::get({channels}, biasType.getElementType());
  SmallVector<int32_t> quantized;
  for (int64_t channel = 0; channel < channels; ++channel) {
    double value = (*values)[values->size() == 1 ? 0 : channel];
    double scale = scales[scales.size() == 1 ? 0 : channel];
    double rounded = std::nearbyint(value / scale);
    quantized.push_back(static_cast<int32_t>(std::clamp<double>(
        rounded, static_cast<double>(range.min),
        static_cast<double>(range.max))));
  }
  return buildI32Constant(builder, loc, biasType.getShape(), quantized);
}

/// The scales of a weight quantized per tensor or along `channelAxis`.
static bool hasWeightGranularity(const DequantizedValue &weight,
                                 int32_t channelAxis) {
  if (weight.params.isPerTensor())
    return true;
  return *weight.params.axis == channelAxis && !weight.params.hasZeroPoints();
}

/// The number of output channels of a weight whose output channels are the
/// row-major index over `channelDims`.
static int64_t countOutputChannels(RankedTensorType weightType,
                                   ArrayRef<int64_t> channelDims) {
  int64_t channels = 1;
  for (int64_t dim : channelDims)
    channels *= weightType.getDimSize(dim);
  return channels;
}

/// The output channel of the weight element at row-major `index` of
/// `shape`: its coordinates along `channelDims`, row-major.
static int64_t getOutputChannel(int64_t index, ArrayRef<int64_t> shape,
                                ArrayRef<int64_t> channelDims) {
  int64_t channel = 0, channelStride = 1;
  for (int64_t dim = static_cast<int64_t>(shape.size()) - 1; dim >= 0; --dim) {
    int64_t coordinate = index % shape[dim];
    index /= shape[dim];
    if (llvm::is_contained(channelDims, dim)) {
      channel += coordinate * channelStride;
      channelStride *= shape[dim];
    }
  }
  return channel;
}

/// Accumulator units a float bias may take: the other half of int32 is
/// room for the products (K * 127 * 128 < 2^30 for any K below 66052).
static constexpr double kBiasLimit = 1 << 30;

/// Makes the float `bias` of a convolution with constant weights
/// `weightStorage` fit in kBiasLimit accumulator units: an output channel
/// whose bias is that large next to its accumulator scale (weights tiny
/// next to the bias, as in nearly dead channels) gets the scale the bias
/// needs, and its weights are requantized to it. Saturating the bias
/// instead would shift every output of the channel. Updates `scales` (one
/// per output channel afterwards, where any changed) and returns the
/// weights to use.
static Value fitBiasInAccumulator(PatternRewriter &rewriter, Location loc,
                                  Value bias, Value weightStorage,
                                  ArrayRef<int64_t> channelDims,
                                  SmallVector<double> &scales) {
  std::optional<SmallVector<double>> biases = readFloatConstant(bias);
  std::optional<SmallVector<int64_t>> weights =
      readIntConstant(weightStorage);
  auto weightType = cast<RankedTensorType>(weightStorage.getType());
  if (!biases || !weights ||
      static_cast<int64_t>(weights->size()) != weightType.getNumElements())
    return weightStorage;
  int64_t channels = countOutputChannels(weightType, channelDims);
  auto valueOf = [](ArrayRef<double> values, int64_t channel) {
    return values[values.size() == 1 ? 0 : channel];
  };
  SmallVector<double> widened;
  for (int64_t channel = 0; channel < channels; ++channel)
    widened.push_back(std::max(valueOf(scales, channel),
                               std::fabs(valueOf(*biases, channel)) /
                                   kBiasLimit));
  if (llvm::all_of(llvm::seq<int64_t>(channels), [&](int64_t channel) {
        return widened[channel] == valueOf(scales, channel);
      }))
    return weightStorage;
  SmallVector<int8_t> requantized;
  ArrayRef<int64_t> shape = weightType.getShape();
  for (auto [index, value] : llvm::enumerate(*weights)) {
    int64_t channel = getOutputChannel(index, shape, channelDims);
    requantized.push_back(static_cast<int8_t>(std::nearbyint(
        static_cast<double>(value) * valueOf(scales, channel) /
        widened[channel])));
  }
  scales = std::move(widened);
  return buildIntConstant(rewriter, loc, weightType, requantized,
                          "quantized_weight");
}

namespace {
/// A convolution's input and bias with the input zero point folded in.
struct FoldedZeroPoint {
  Value input;
  Value bias;
  DenseI64ArrayAttr pad;
};
} // namespace

/// Moves the input zero point z of an integer convolution with constant
/// weights into its bias: sum (x - z) w = sum x w - z sum w per output
/// channel, the input padded with z explicitly (TOSA pads x - z with
/// zeros). Without zero points the convolution becomes linalg's plain one,
/// which QC tiles and vectorizes (the `_q` ones stay scalar loops). The
/// weight's output channels are the row-major index over `channelDims`.
static std::optional<FoldedZeroPoint>
foldInputZeroPoint(PatternRewriter &builder, Location loc, Value input,
                   int64_t zeroPoint, Value weight, Value bias,
                   ArrayRef<int64_t> pad, ArrayRef<int64_t> channelDims) {
  std::optional<SmallVector<int64_t>> weights = readIntConstant(weight);
  std::optional<SmallVector<int64_t>> biases = readIntConstant(bias);
  auto weightType = cast<RankedTensorType>(weight.getType());
  if (!weights || !biases ||
      static_cast<int64_t>(weights->size()) != weightType.getNumElements())
    return std::nullopt;
  int64_t channels = countOutputChannels(weightType, channelDims);
  if (biases->size() != 1 && static_cast<int64_t>(biases->size()) != channels)
    return std::nullopt;
  SmallVector<int64_t> sums(channels, 0);
  for (auto [index, value] : llvm::enumerate(*weights))
    sums[getOutputChannel(index, weightType.getShape(), channelDims)] += value;
  numerics::IntRange range = numerics::storageRange(32, /*isSigned=*/true);
  SmallVector<int32_t> folded;
  for (int64_t channel = 0; channel < channels; ++channel) {
    int64_t value =
        (*biases)[biases->size() == 1 ? 0 : channel] - zeroPoint * sums[channel];
    if (value < range.min || value > range.max)
      return std::nullopt;
    folded.push_back(static_cast<int32_t>(value));
  }
  FoldedZeroPoint result;
  result.bias = buildI32Constant(builder, loc, {channels}, folded);
  result.pad = builder.getDenseI64ArrayAttr({0, 0, 0, 0});
  result.input = input;
  if (llvm::any_of(pad, [](int64_t amount) { return amount != 0; })) {
    // NHWC; pad is [top, bottom, left, right].
    auto type = cast<RankedTensorType>(input.getType());
    SmallVector<int64_t> paddedShape(type.getShape());
    paddedShape[1] += pad[0] + pad[1];
    paddedShape[2] += pad[2] + pad[3];
    SmallVector<int64_t> padding = {0, 0, pad[0], pad[1], pad[2], pad[3], 0, 0};
    Value padValue = buildIntSplat(
        builder, loc, RankedTensorType::get({1}, type.getElementType()),
        zeroPoint);
    result.input = tosa::PadOp::create(
        builder, loc, type.clone(paddedShape), input,
        tosa::getTosaConstShape(builder, loc, padding), padValue);
  }
  return result;
}

namespace {
/// tosa.conv2d / tosa.depthwise_conv2d on dequantized int8 input and weight
/// -> the same op on int8, accumulating in i32 with the bias in i32 (and the
/// input zero point in it, for constant weights).
template <typename ConvOp>
struct ConvertConvolution : OpRewritePattern<ConvOp> {
  using OpRewritePattern<ConvOp>::OpRewritePattern;

  /// Output-channel axis of the weight (OHWI; HWCM with M = 1).
  static constexpr int32_t kWeightChannelAxis =
      std::is_same_v<ConvOp, tosa::Conv2DOp> ? 0 : 2;
  /// Output-channel axis of the NHWC result.
  static constexpr int32_t kResultChannelAxis = 3;
  /// The weight dimensions whose row-major index is the output channel:
  /// O of OHWI, C and M of HWCM.
  static SmallVector<int64_t, 2> getWeightChannelDims() {
    if constexpr (std::is_same_v<ConvOp, tosa::Conv2DOp>)
      return {0};
    return {2, 3};
  }

  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<DequantizedValue> input = matchSigned8(op.getInput());
    std::optional<DequantizedValue> weight =
        matchSigned8(op.getWeight());
    if (!input || !weight || !hasInputGranularity(*input) ||
        !hasWeightGranularity(*weight, kWeightChannelAxis))
      return failure();
    if constexpr (std::is_same_v<ConvOp, tosa::DepthwiseConv2DOp>) {
      if ((!weight->params.isPerTensor() || !input->params.isPerTensor()) &&
          op.getWeight().getType().getDimSize(3) != 1)
        return failure();
    }
    Location loc = op.getLoc();
    SmallVector<double> scales = accumulatorScales(input->params,
                                                   weight->params);
    int64_t weightZeroPoint =
        weight->params.isPerTensor() ? weight->params.zeroPoints.front() : 0;
    Value weightStorage = weight->getStorage(rewriter, loc);
    // An i32 bias (quantized ONNX input) is taken as given.
    if (weightZeroPoint == 0 && !matchAccumulator(op.getBias()))
      weightStorage =
          fitBiasInAccumulator(rewriter, loc, op.getBias(), weightStorage,
                               getWeightChannelDims(), scales);
    FailureOr<Value> bias = quantizeBias(rewriter, loc, op.getBias(), scales);
    if (failed(bias))
      return rewriter.notifyMatchFailure(op, "bias is not quantizable");
    Type i8 = rewriter.getI8Type();
    int64_t inputZeroPoint = input->params.zeroPoints.front();
    Value inputStorage = input->getStorage(rewriter, loc);
    DenseI64ArrayAttr pad = op.getPadAttr();
    if (inputZeroPoint != 0 && weightZeroPoint == 0) {
      if (std::optional<FoldedZeroPoint> folded = foldInputZeroPoint(
              rewriter, loc, inputStorage, inputZeroPoint, weightStorage,
              *bias, pad, getWeightChannelDims())) {
        inputStorage = folded->input;
        *bias = folded->bias;
        pad = folded->pad;
        inputZeroPoint = 0;
      }
    }
    Value inputZp =
        *tosa::createZeroPointTensor(rewriter, loc, i8, inputZeroPoint);
    Value weightZp =
        *tosa::createZeroPointTensor(rewriter, loc, i8, weightZeroPoint);
    auto resultType = op.getType();
    auto accumulatorTensor = resultType.clone(rewriter.getI32Type());
    Value accumulator = ConvOp::create(
        rewriter, loc, accumulatorTensor, inputStorage, weightStorage, *bias,
        inputZp, weightZp, pad, op.getStrideAttr(), op.getDilationAttr(),
        TypeAttr::get(rewriter.getI32Type()));
    std::optional<int32_t> axis;
    if (scales.size() > 1)
      axis = kResultChannelAxis;
    replaceWithAccumulator(rewriter, op, accumulator, scales, axis);
    return success();
  }

private:
  /// Inputs are per tensor; a depthwise convolution also takes one scale
  /// per channel with one zero point for all, as each output channel reads
  /// one input channel: the scales multiply the weight's, index for index.
  static bool hasInputGranularity(const DequantizedValue &input) {
    if (input.params.isPerTensor())
      return true;
    return std::is_same_v<ConvOp, tosa::DepthwiseConv2DOp> &&
           *input.params.axis == kResultChannelAxis &&
           llvm::all_equal(input.params.zeroPoints);
  }
};

/// tosa.matmul on dequantized int8 operands -> tosa.matmul on int8 into
/// i32 (the right operand per tensor or per column; the left operand's zero
/// point in a constant correction when the right one is constant).
struct ConvertMatMul : OpRewritePattern<tosa::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  static constexpr int32_t kColumnAxis = 2;

  /// -z * colsum(b) as an i32 constant of shape [batch, 1, columns] for a
  /// constant [batch, rows, columns] b; null when b is not a constant or a
  /// correction does not fit i32.
  static Value buildColumnSumCorrection(OpBuilder &builder, Location loc,
                                        Value rhs, int64_t zeroPoint) {
    std::optional<SmallVector<int64_t>> values = readIntConstant(rhs);
    auto type = cast<RankedTensorType>(rhs.getType());
    if (!values || static_cast<int64_t>(values->size()) != type.getNumElements())
      return {};
    int64_t batch = type.getDimSize(0), rows = type.getDimSize(1),
            columns = type.getDimSize(2);
    numerics::IntRange range = numerics::storageRange(32, /*isSigned=*/true);
    SmallVector<int32_t> corrections;
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t column = 0; column < columns; ++column) {
        int64_t sum = 0;
        for (int64_t row = 0; row < rows; ++row)
          sum += (*values)[(b * rows + row) * columns + column];
        int64_t correction = -zeroPoint * sum;
        if (correction < range.min || correction > range.max)
          return {};
        corrections.push_back(static_cast<int32_t>(correction));
      }
    }
    return buildI32Constant(builder, loc, {batch, 1, columns}, corrections);
  }

  LogicalResult matchAndRewrite(tosa::MatMulOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<DequantizedValue> lhs = matchSigned8(op.getA());
    std::optional<DequantizedValue> rhs = matchSigned8(op.getB());
    if (!lhs || !rhs || !lhs->params.isPerTensor() ||
        !hasWeightGranularity(*rhs, kColumnAxis))
      return failure();
    Location loc = op.getLoc();
    Type i8 = rewriter.getI8Type();
    int64_t lhsZeroPoint = lhs->params.zeroPoints.front();
    int64_t rhsZeroPoint =
        rhs->params.isPerTensor() ? rhs->params.zeroPoints.front() : 0;
    Value rhsStorage = rhs->getStorage(rewriter, loc);
    // sum_k (a - z) b = sum_k a b - z colsum(b): for a constant b, the
    // correction is a constant and the matmul has no zero points (linalg's
    // plain batch_matmul, which QC vectorizes).
    Value correction;
    if (lhsZeroPoint != 0 && rhsZeroPoint == 0 &&
        (correction = buildColumnSumCorrection(rewriter, loc, rhsStorage,
                                               lhsZeroPoint)))
      lhsZeroPoint = 0;
    Value lhsZp = *tosa::createZeroPointTensor(rewriter, loc, i8, lhsZeroPoint);
    Value rhsZp = *tosa::createZeroPointTensor(rewriter, loc, i8, rhsZeroPoint);
    auto accumulatorType = op.getType().clone(rewriter.getI32Type());
    Value product = tosa::MatMulOp::create(
        rewriter, loc, accumulatorType, lhs->getStorage(rewriter, loc),
        rhsStorage, lhsZp, rhsZp);
    if (correction)
      product = tosa::AddOp::create(rewriter, loc, accumulatorType, product,
                                    correction);
    std::optional<int32_t> axis;
    if (!rhs->params.isPerTensor())
      axis = kColumnAxis;
    replaceWithAccumulator(rewriter, op, product,
                           accumulatorScales(lhs->params, rhs->params), axis);
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Additions to accumulators
//===----------------------------------------------------------------------===//

/// Quantizes the float constant `values` (of `constantType`, broadcastable
/// to `resultShape`) into i32 units of `params`' scales. Per-axis scales
/// need the constant's full extent along the axis, so a size-1 axis is
/// expanded.
static Value quantizeAddend(OpBuilder &builder, Location loc,
                            ArrayRef<double> values,
                            RankedTensorType constantType,
                            ArrayRef<int64_t> resultShape,
                            const QuantParams &params) {
  SmallVector<int64_t> shape(constantType.getShape());
  if (params.axis)
    shape[*params.axis] = resultShape[*params.axis];
  SmallVector<int64_t> strides(shape.size(), 0);
  int64_t stride = 1;
  for (int64_t dim = static_cast<int64_t>(shape.size()) - 1; dim >= 0; --dim) {
    strides[dim] = constantType.getDimSize(dim) == 1 ? 0 : stride;
    stride *= constantType.getDimSize(dim);
  }
  numerics::IntRange range = numerics::storageRange(32, /*isSigned=*/true);
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  SmallVector<int32_t> quantized;
  for (int64_t linear = 0; linear < count; ++linear) {
    int64_t remainder = linear, source = 0, channel = 0;
    for (int64_t dim = static_cast<int64_t>(shape.size()) - 1; dim >= 0;
         --dim) {
      int64_t index = remainder % shape[dim];
      remainder /= shape[dim];
      source += index * strides[dim];
      if (params.axis && dim == *params.axis)
        channel = index;
    }
    double rounded = std::nearbyint(values[source] / params.getScale(channel));
    quantized.push_back(static_cast<int32_t>(std::clamp<double>(
        rounded, static_cast<double>(range.min),
        static_cast<double>(range.max))));
  }
  return buildI32Constant(builder, loc, shape, quantized);
}

static Value buildWidenedDifference(OpBuilder &builder, Location loc,
                                    const DequantizedValue &value);

/// `value`, dequantized from a signed per-tensor integer of at most 16
/// bits, as an i32 accumulator (value - zero point) at its scale. Builds
/// nothing when `value` is not such a value.
static std::optional<DequantizedValue>
widenToAccumulator(OpBuilder &builder, Location loc, Value value) {
  constexpr unsigned kMaxNarrowBits = 16;
  std::optional<DequantizedValue> narrow = matchDequantized(value);
  if (!narrow || !narrow->isSigned() || !narrow->params.isPerTensor() ||
      narrow->getBitWidth() > kMaxNarrowBits)
    return std::nullopt;
  Value widened = buildWidenedDifference(builder, loc, *narrow);
  std::optional<QuantParams> params = QuantParams::get(getAccumulatorType(
      floatElementType(value), narrow->params.scales, std::nullopt));
  return DequantizedValue{Value(), widened, *params};
}

namespace {
/// add(dequantize(acc), constant) -> dequantize(add(acc, quantized
/// constant)), a narrow value being widened to an accumulator first; add
/// of two accumulators of one scale (up to float32 rounding) -> an integer
/// add.
struct FoldAccumulatorAdd : OpRewritePattern<tosa::AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::AddOp op,
                                PatternRewriter &rewriter) const override {
    if (!isFloatTensor(op.getResult()))
      return failure();
    Value lhs = op.getInput1(), rhs = op.getInput2();
    Location loc = op.getLoc();
    std::optional<DequantizedValue> accumulator = matchAccumulator(lhs);
    if (!accumulator) {
      std::swap(lhs, rhs);
      accumulator = matchAccumulator(lhs);
    }
    if (!accumulator) {
      // A narrow value plus a constant (HardSwish's x + 3): widen it to an
      // accumulator at its scale first.
      lhs = op.getInput1();
      rhs = op.getInput2();
      if (!readFloatConstant(rhs))
        std::swap(lhs, rhs);
      if (!readFloatConstant(rhs))
        return failure();
      accumulator = widenToAccumulator(rewriter, loc, lhs);
      if (!accumulator)
        return failure();
    }
    auto resultType = op.getType();
    Value addend;
    std::optional<DequantizedValue> other = matchAccumulator(rhs);
    if (other && scalesMatch(accumulator->params, other->params)) {
      addend = other->getStorage(rewriter, loc);
    } else if (std::optional<SmallVector<double>> values =
                   readFloatConstant(rhs)) {
      addend = quantizeAddend(rewriter, loc, *values,
                              cast<RankedTensorType>(rhs.getType()),
                              resultType.getShape(), accumulator->params);
    } else {
      return failure();
    }
    Value sum = tosa::AddOp::create(rewriter, loc,
                                    resultType.clone(rewriter.getI32Type()),
                                    accumulator->getStorage(rewriter, loc),
                                    addend);
    rewriter.replaceOp(op, buildDequantize(rewriter, loc, sum,
                                           accumulator->getType(),
                                           resultType.getElementType()));
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Multiplications
//===----------------------------------------------------------------------===//

/// Positive factors a constant multiplies by: one for the tensor, or one
/// per index along `axis`, the only axis the constant varies on.
struct ScalingFactors {
  SmallVector<double> values;
  std::optional<int32_t> axis;

  double get(int64_t index) const { return values[axis ? index : 0]; }
};

/// The factors of the positive constant `value`, if it is one per tensor or
/// per channel.
static std::optional<ScalingFactors> matchPositiveFactors(Value value) {
  std::optional<SmallVector<double>> values = readFloatConstant(value);
  if (!values || values->empty() ||
      !llvm::all_of(*values, [](double factor) { return factor > 0.0; }))
    return std::nullopt;
  if (llvm::all_equal(*values))
    return ScalingFactors{{values->front()}, std::nullopt};
  std::optional<int64_t> axis = getSingleVaryingAxis(
      cast<RankedTensorType>(value.getType()).getShape());
  if (!axis)
    return std::nullopt;
  return ScalingFactors{std::move(*values), static_cast<int32_t>(*axis)};
}

/// The factor a unary linalg.generic multiplies its input by, when its body
/// is a single multiplication by, or division by, a positive constant.
static std::optional<double> matchScalingGeneric(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      !op.isAllParallelLoops() ||
      !llvm::all_of(op.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return std::nullopt;
  Block &body = op.getRegion().front();
  Value input = body.getArgument(0);
  Operation &scaling = body.front();
  if (body.getOperations().size() != 2 ||
      body.getTerminator()->getOperand(0) != scaling.getResult(0))
    return std::nullopt;
  FloatAttr constant;
  if (auto multiply = dyn_cast<arith::MulFOp>(scaling)) {
    if (!llvm::is_contained(multiply->getOperands(), input))
      return std::nullopt;
    Value factor =
        multiply.getLhs() == input ? multiply.getRhs() : multiply.getLhs();
    if (!matchPattern(factor, m_Constant(&constant)))
      return std::nullopt;
  } else if (auto divide = dyn_cast<arith::DivFOp>(scaling)) {
    if (divide.getLhs() != input ||
        !matchPattern(divide.getRhs(), m_Constant(&constant)))
      return std::nullopt;
    if (!(constant.getValueAsDouble() > 0.0))
      return std::nullopt;
    return 1.0 / constant.getValueAsDouble();
  } else {
    return std::nullopt;
  }
  if (!(constant.getValueAsDouble() > 0.0))
    return std::nullopt;
  return constant.getValueAsDouble();
}

namespace {
/// x * c for positive constants c (per tensor or per channel) is x with its
/// scales times c. Per-channel factors make per-channel scales of an i32
/// accumulator (a narrow value is widened to one first, so that zero
/// points stay per tensor); the requantization after it then has one
/// multiplier per channel.
struct FoldPositiveScaling : RewritePattern {
  FoldPositiveScaling(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/2, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    Value input;
    std::optional<ScalingFactors> factors;
    if (auto mul = dyn_cast<tosa::MulOp>(op)) {
      input = mul.getInput1();
      factors = matchPositiveFactors(mul.getInput2());
      if (!factors) {
        input = mul.getInput2();
        factors = matchPositiveFactors(mul.getInput1());
      }
    } else if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
      if (std::optional<double> factor = matchScalingGeneric(generic)) {
        factors = ScalingFactors{{*factor}, std::nullopt};
        input = generic.getDpsInputs().front();
      }
    }
    if (!factors || !isFloatTensor(op->getResult(0)))
      return failure();
    std::optional<DequantizedValue> dequantized = matchDequantized(input);
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    if (!dequantized || cast<RankedTensorType>(input.getType()).getShape() !=
                            resultType.getShape())
      return failure();
    std::optional<int32_t> axis = dequantized->params.axis;
    Location loc = op->getLoc();
    if (factors->axis) {
      if (axis && axis != factors->axis)
        return failure();
      axis = factors->axis;
      if (!matchAccumulator(input))
        dequantized = widenToAccumulator(rewriter, loc, input);
      if (!dequantized)
        return failure();
    }
    int64_t count = axis ? resultType.getDimSize(*axis) : 1;
    SmallVector<double> scales;
    SmallVector<int64_t> zeroPoints;
    for (int64_t index = 0; index < count; ++index) {
      scales.push_back(dequantized->params.getScale(index) *
                       factors->get(index));
      zeroPoints.push_back(dequantized->params.getZeroPoint(index));
    }
    quant::QuantizedType type =
        buildUniformType(dequantized->getType(), scales, zeroPoints, axis);
    rewriter.replaceOp(
        op, buildDequantize(rewriter, loc, dequantized->getStorage(rewriter, loc),
                            type, resultType.getElementType()));
    return success();
  }
};
} // namespace

/// `value` (an integer tensor of at most 16 bits) minus `zeroPoint`, in i32.
static Value buildWidenedDifference(OpBuilder &builder, Location loc,
                                    const DequantizedValue &value) {
  Value storage = value.getStorage(builder, loc);
  auto type = cast<RankedTensorType>(storage.getType());
  auto wide = type.clone(builder.getI32Type());
  Value widened = tosa::CastOp::create(builder, loc, wide, storage);
  int64_t zeroPoint = value.params.zeroPoints.front();
  if (zeroPoint == 0)
    return widened;
  SmallVector<int64_t> unit(type.getRank(), 1);
  Value zero = buildIntSplat(builder, loc,
                             RankedTensorType::get(unit, builder.getI32Type()),
                             zeroPoint);
  return tosa::SubOp::create(builder, loc, wide, widened, zero);
}

namespace {
/// mul(dequantize(a), dequantize(b)) -> dequantize((a - za) * (b - zb))
/// in i32 at scale sa * sb (per-tensor signed operands of at most 16 bits).
struct ConvertMul : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;

  static constexpr unsigned kMaxOperandBits = 16;

  LogicalResult matchAndRewrite(tosa::MulOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<DequantizedValue> lhs =
        matchDequantized(op.getInput1());
    std::optional<DequantizedValue> rhs =
        matchDequantized(op.getInput2());
    auto isNarrowSigned = [](const std::optional<DequantizedValue> &value) {
      return value && value->isSigned() && value->params.isPerTensor() &&
             value->getBitWidth() <= kMaxOperandBits;
    };
    if (!isNarrowSigned(lhs) || !isNarrowSigned(rhs))
      return failure();
    Location loc = op.getLoc();
    auto resultType = op.getType();
    auto wide = resultType.clone(rewriter.getI32Type());
    Value product = tosa::MulOp::create(
        rewriter, loc, wide, buildWidenedDifference(rewriter, loc, *lhs),
        buildWidenedDifference(rewriter, loc, *rhs),
        buildNoMulShift(rewriter, loc));
    double scale = lhs->params.scales.front() * rhs->params.scales.front();
    rewriter.replaceOp(
        op, buildDequantize(rewriter, loc, product,
                            getAccumulatorType(resultType.getElementType(),
                                               {scale}, std::nullopt),
                            resultType.getElementType()));
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Sums
//===----------------------------------------------------------------------===//

namespace {
/// reduce_sum(dequantize(x)) -> dequantize(reduce_sum(x - z)) in i32 at
/// x's scale (global average pooling's sum; the division is a scaling).
struct ConvertReduceSum : OpRewritePattern<tosa::ReduceSumOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::ReduceSumOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (!isFloatTensor(op.getResult()))
      return failure();
    std::optional<DequantizedValue> input =
        widenToAccumulator(rewriter, loc, op.getInput());
    if (!input)
      return failure();
    auto resultType = op.getType();
    Value sum = tosa::ReduceSumOp::create(
        rewriter, loc, resultType.clone(rewriter.getI32Type()), input->storage,
        op.getAxisAttr());
    rewriter.replaceOp(op, buildDequantize(rewriter, loc, sum, input->getType(),
                                           resultType.getElementType()));
    return success();
  }
};
} // namespace

namespace {
/// avg_pool2d(dequantize(x)) without padding -> dequantize of the i32 sums
/// of x - z over each window (linalg.pooling_nhwc_sum) at scale s / (kh kw),
/// the division being a scale change. With padding the divisor would vary
/// with the position (TOSA does not count padding), so that stays in float.
struct ConvertAveragePool : OpRewritePattern<tosa::AvgPool2dOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::AvgPool2dOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (!isFloatTensor(op.getResult()) ||
        llvm::any_of(op.getPad(), [](int64_t pad) { return pad != 0; }) ||
        !matchDequantized(op.getInput()))
      return failure();
    std::optional<DequantizedValue> input =
        widenToAccumulator(rewriter, loc, op.getInput());
    if (!input)
      return failure();
    ArrayRef<int64_t> kernel = op.getKernel();
    Type i32 = rewriter.getI32Type();
    auto sumType = op.getType().clone(i32);
    Value zeros = linalg::FillOp::create(
                      rewriter, loc,
                      arith::ConstantOp::create(rewriter, loc, i32,
                                                rewriter.getI32IntegerAttr(0))
                          .getResult(),
                      tensor::EmptyOp::create(rewriter, loc,
                                              sumType.getShape(), i32)
                          .getResult())
                      .getResult(0);
    Value window = tensor::EmptyOp::create(rewriter, loc, kernel, i32);
    Value sums =
        linalg::PoolingNhwcSumOp::create(
            rewriter, loc, TypeRange{sumType}, ValueRange{input->storage, window},
            ValueRange{zeros}, rewriter.getI64TensorAttr(op.getStride()),
            rewriter.getI64TensorAttr({1, 1}))
            .getResult(0);
    double scale = input->params.scales.front() /
                   static_cast<double>(kernel[0] * kernel[1]);
    Type floatType = floatElementType(op.getResult());
    rewriter.replaceOp(
        op, buildDequantize(rewriter, loc, sums,
                            getAccumulatorType(floatType, {scale}, std::nullopt),
                            floatType));
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Requantization
//===----------------------------------------------------------------------===//

/// The [lo, hi] a clamp-like op limits its single input to: tosa.clamp, or a
/// unary linalg.generic yielding max(x, lo), min(x, hi) or both.
static std::optional<std::pair<double, double>> matchClamp(Operation *op,
                                                           Value &input) {
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  if (auto clamp = dyn_cast<tosa::ClampOp>(op)) {
    auto lo = dyn_cast<FloatAttr>(clamp.getMinValAttr());
    auto hi = dyn_cast<FloatAttr>(clamp.getMaxValAttr());
    if (!lo || !hi)
      return std::nullopt;
    input = clamp.getInput();
    return std::make_pair(lo.getValueAsDouble(), hi.getValueAsDouble());
  }
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 || !generic.isAllParallelLoops() ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return std::nullopt;
  Block &body = generic.getRegion().front();
  double lo = -kInfinity, hi = kInfinity;
  Value current = body.getArgument(0);
  for (Operation &bodyOp : body.without_terminator()) {
    if (bodyOp.getNumOperands() != 2 ||
        !llvm::is_contained(bodyOp.getOperands(), current))
      return std::nullopt;
    Value other = bodyOp.getOperand(0) == current ? bodyOp.getOperand(1)
                                                  : bodyOp.getOperand(0);
    FloatAttr bound;
    if (!matchPattern(other, m_Constant(&bound)))
      return std::nullopt;
    double value = bound.getValueAsDouble();
    if (isa<arith::MaximumFOp, arith::MaxNumFOp>(bodyOp))
      lo = std::max(lo, value);
    else if (isa<arith::MinimumFOp, arith::MinNumFOp>(bodyOp))
      hi = std::min(hi, value);
    else
      return std::nullopt;
    current = bodyOp.getResult(0);
  }
  if (body.getTerminator()->getOperand(0) != current ||
      current == body.getArgument(0))
    return std::nullopt;
  input = generic.getDpsInputs().front();
  return std::make_pair(lo, hi);
}

/// Follows single-use clamp-like ops up from `value`, intersecting their
/// bounds into [lo, hi] (infinite without clamps); returns the value the
/// first clamp reads.
static Value peelClamps(Value value, double &lo, double &hi) {
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  lo = -kInfinity;
  hi = kInfinity;
  while (Operation *producer = value.getDefiningOp()) {
    Value input;
    std::optional<std::pair<double, double>> bounds =
        matchClamp(producer, input);
    if (!bounds || !value.hasOneUse())
      break;
    lo = std::max(lo, bounds->first);
    hi = std::min(hi, bounds->second);
    value = input;
  }
  return value;
}

/// `value` quantized to storage under the scale and zero point at `index`
/// of `params`, saturating.
static int64_t quantizeBound(double value, const QuantParams &params,
                             int64_t index = 0) {
  quant::QuantizedType type = params.type;
  if (std::isinf(value))
    return value < 0 ? type.getStorageTypeMin() : type.getStorageTypeMax();
  return numerics::quantize(
      static_cast<float>(value), static_cast<float>(params.getScale(index)),
      static_cast<int32_t>(params.getZeroPoint(index)),
      static_cast<int32_t>(type.getStorageTypeMin()),
      static_cast<int32_t>(type.getStorageTypeMax()));
}

/// The clamp bounds [lo, hi] quantized under `params`: one storage range
/// for all channels (qc.requant clamps every channel alike), or nothing
/// where per-channel scales quantize them differently.
static std::optional<std::pair<int64_t, int64_t>>
quantizeClampBounds(double lo, double hi, const QuantParams &params) {
  std::pair<int64_t, int64_t> bounds = {quantizeBound(lo, params),
                                        quantizeBound(hi, params)};
  for (int64_t index = 1, e = params.scales.size(); index < e; ++index)
    if (quantizeBound(lo, params, index) != bounds.first ||
        quantizeBound(hi, params, index) != bounds.second)
      return std::nullopt;
  return bounds;
}

namespace {
/// Widest input whose zero point qc.requant subtracts.
static constexpr unsigned kMaxZeroPointInputBits = 16;

/// Shared state of the patterns rooted at qc.quantize.
struct QuantizePattern : OpRewritePattern<QuantizeOp> {
  QuantizePattern(MLIRContext *context, RequantRounding rounding,
                  PatternBenefit benefit = 1)
      : OpRewritePattern(context, benefit), rounding(rounding) {}

  /// The output parameters of `op`: per tensor, or per axis with one zero
  /// point for all channels (qc.requant adds a single one).
  static std::optional<QuantParams> getOutputParams(QuantizeOp op) {
    std::optional<QuantParams> params =
        QuantParams::get(getElementTypeOrSelf(op.getResult().getType()));
    if (!params || !llvm::all_equal(params->zeroPoints))
      return std::nullopt;
    return params;
  }

  /// qc.requant of `input` by `multiplier` into the storage of `output`.
  Value buildRequant(OpBuilder &builder, Location loc,
                     const DequantizedValue &input, DyadicAttr multiplier,
                     const QuantParams &output, int64_t lo, int64_t hi) const {
    quant::QuantizedType type = output.type;
    Value storage = input.getStorage(builder, loc);
    auto resultType = cast<RankedTensorType>(storage.getType())
                          .clone(type.getStorageType());
    DenseI64ArrayAttr clamp;
    if (lo > type.getStorageTypeMin() || hi < type.getStorageTypeMax())
      clamp = builder.getDenseI64ArrayAttr({lo, hi});
    return RequantOp::create(builder, loc, resultType, storage,
                             multiplier, input.params.zeroPoints.front(),
                             output.zeroPoints.front(), clamp,
                             /*input_unsigned=*/!input.isSigned(),
                             /*output_unsigned=*/!type.isSigned(), rounding);
  }

  /// Replaces `op` by the quantized view of `storage`.
  static void replaceWithStorage(PatternRewriter &rewriter, QuantizeOp op,
                                 Value storage) {
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(
        op, op.getResult().getType(), storage);
  }

  RequantRounding rounding;
};

/// quantize(clamp*(dequantize(x))) -> qc.requant(x) by s_x / s_out, with
/// the clamps' bounds quantized into its range (rounding is monotone, so
/// clamping before or after it agrees).
struct ConvertRequantize : QuantizePattern {
  using QuantizePattern::QuantizePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<QuantParams> output = getOutputParams(op);
    if (!output)
      return failure();
    double lo, hi;
    Value value = peelClamps(op.getInput(), lo, hi);
    std::optional<DequantizedValue> input = matchDequantized(value);
    if (!input)
      return failure();
    // qc.requant subtracts input zero points of at most 16-bit inputs only
    // (so that its products fit 64 bits).
    if (input->params.hasZeroPoints() &&
        (!input->params.isPerTensor() ||
         input->getBitWidth() > kMaxZeroPointInputBits))
      return failure();
    std::optional<std::pair<int64_t, int64_t>> bounds =
        quantizeClampBounds(lo, hi, *output);
    if (!bounds)
      return rewriter.notifyMatchFailure(op, "clamp differs by channel");
    auto [qlo, qhi] = *bounds;
    if (input->getType() == output->type &&
        qlo == output->type.getStorageTypeMin() &&
        qhi == output->type.getStorageTypeMax()) {
      replaceWithStorage(rewriter, op,
                         input->getStorage(rewriter, op.getLoc()));
      return success();
    }
    FailureOr<DyadicAttr> multiplier =
        buildMultipliers(getContext(), input->params, *output);
    if (failed(multiplier))
      return rewriter.notifyMatchFailure(op, "multiplier out of range");
    replaceWithStorage(rewriter, op,
                       buildRequant(rewriter, op.getLoc(), *input,
                                    *multiplier, *output, qlo, qhi));
    return success();
  }
};

/// quantize(clamp*(add(dequantize(a), dequantize(b)))) -> HAWQ-V3's
/// integer add: requant(a) by s_a / s_out and requant(b) by s_b / s_out into
/// i32, an i32 add, then the output zero point, the clamps and saturation.
struct ConvertResidualAdd : QuantizePattern {
  using QuantizePattern::QuantizePattern;

  static constexpr unsigned kMaxOperandBits = 16;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<QuantParams> output = getOutputParams(op);
    double lo, hi;
    auto add = peelClamps(op.getInput(), lo, hi).getDefiningOp<tosa::AddOp>();
    if (!output || !add || !add->hasOneUse())
      return failure();
    std::optional<DequantizedValue> lhs =
        matchDequantized(add.getInput1());
    std::optional<DequantizedValue> rhs =
        matchDequantized(add.getInput2());
    auto isNarrow = [](const std::optional<DequantizedValue> &value) {
      return value && value->params.isPerTensor() &&
             value->getBitWidth() <= kMaxOperandBits;
    };
    if (!isNarrow(lhs) || !isNarrow(rhs))
      return failure();
    std::optional<std::pair<int64_t, int64_t>> bounds =
        quantizeClampBounds(lo, hi, *output);
    if (!bounds)
      return rewriter.notifyMatchFailure(op, "clamp differs by channel");
    Location loc = op.getLoc();
    MLIRContext *context = getContext();
    Type floatType = floatElementType(op.getInput());
    QuantParams accumulator = *QuantParams::get(
        getAccumulatorType(floatType, output->scales, output->axis));
    numerics::IntRange range = numerics::storageRange(32, /*isSigned=*/true);
    SmallVector<Value> terms;
    for (const DequantizedValue &operand : {*lhs, *rhs}) {
      FailureOr<DyadicAttr> multiplier =
          buildMultipliers(context, operand.params, *output);
      if (failed(multiplier))
        return rewriter.notifyMatchFailure(op, "multiplier out of range");
      terms.push_back(buildRequant(rewriter, loc, operand, *multiplier,
                                   accumulator, range.min, range.max));
    }
    auto sumType = add.getType().clone(rewriter.getI32Type());
    Value sum = tosa::AddOp::create(rewriter, loc, sumType, terms[0], terms[1]);
    DequantizedValue sumValue{/*quantized=*/Value(), sum, accumulator};
    replaceWithStorage(
        rewriter, op,
        buildRequant(rewriter, loc, sumValue,
                     DyadicAttr::get(context, kIdentityMultiplier), *output,
                     bounds->first, bounds->second));
    return success();
  }
};
} // namespace

namespace {
/// quantize(concat(dequantize(a), dequantize(b), ...)) of differently
/// quantized operands -> concat of each operand requantized to the output
/// (operands of the output's type as they are).
struct ConvertConcat : QuantizePattern {
  using QuantizePattern::QuantizePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<QuantParams> output = getOutputParams(op);
    auto concat = op.getInput().getDefiningOp<tosa::ConcatOp>();
    if (!output || !output->isPerTensor() || !concat || !concat->hasOneUse())
      return failure();
    SmallVector<DequantizedValue> inputs;
    for (Value operand : concat.getInput1()) {
      std::optional<DequantizedValue> input = matchDequantized(operand);
      if (!input || !input->params.isPerTensor() ||
          input->getBitWidth() > kMaxZeroPointInputBits)
        return failure();
      inputs.push_back(*input);
    }
    SmallVector<DyadicAttr> multipliers;
    for (const DequantizedValue &input : inputs) {
      FailureOr<DyadicAttr> multiplier =
          buildMultipliers(getContext(), input.params, *output);
      if (failed(multiplier))
        return rewriter.notifyMatchFailure(op, "multiplier out of range");
      multipliers.push_back(*multiplier);
    }
    Location loc = op.getLoc();
    quant::QuantizedType type = output->type;
    SmallVector<Value> storages;
    for (auto [input, multiplier] : llvm::zip_equal(inputs, multipliers))
      storages.push_back(
          input.getType() == type
              ? input.getStorage(rewriter, loc)
              : buildRequant(rewriter, loc, input, multiplier, *output,
                             type.getStorageTypeMin(),
                             type.getStorageTypeMax()));
    Value result = tosa::ConcatOp::create(
        rewriter, loc, getStorageTensorType(
            cast<RankedTensorType>(concat.getType()), type),
        storages,
        concat.getAxisAttr());
    replaceWithStorage(rewriter, op, result);
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Lookup tables
//===----------------------------------------------------------------------===//

namespace {
/// quantize(f(dequantize(x))) for 8-bit x and a scalar function f of x
/// (ScalarFunction.h: one op or a whole elementwise function such as
/// HardSwish spelled out) -> a 256-entry table of quantize(f(dequantize(q)))
/// for every q, applied by tosa.table. Functions of several ops made only
/// of clamps, constant shifts and positive scalings are left to the
/// requantization.
struct ConvertFunctionToTable : QuantizePattern {
  using QuantizePattern::QuantizePattern;

  static constexpr int64_t kTableSize = 256;
  static constexpr int64_t kInt8Min = -128;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<QuantParams> output = getOutputParams(op);
    if (!output || !output->isPerTensor() ||
        output->type.getStorageTypeIntegralWidth() != 8)
      return failure();
    std::optional<ScalarFunction> function = ScalarFunction::get(op.getInput());
    if (!function || function->isRequantization())
      return failure();
    std::optional<DequantizedValue> input =
        matchDequantized(function->getSource());
    if (!input || input->getBitWidth() != 8 || !input->params.isPerTensor())
      return failure();
    // tosa.table reads its index as a signed byte: entry i is the input
    // whose storage bits are i - 128, for uint8 as much as for int8.
    SmallVector<int8_t> table;
    for (int64_t bits = kInt8Min; bits < kInt8Min + kTableSize; ++bits) {
      int64_t q = input->isSigned() ? bits : static_cast<uint8_t>(bits);
      double x = numerics::dequantize(
          static_cast<int32_t>(q),
          static_cast<float>(input->params.scales.front()),
          static_cast<int32_t>(input->params.zeroPoints.front()));
      std::optional<double> y = function->evaluate(x);
      if (!y)
        return rewriter.notifyMatchFailure(op, "cannot evaluate the function");
      table.push_back(static_cast<int8_t>(quantizeBound(*y, *output)));
    }
    Location loc = op.getLoc();
    auto tableType = RankedTensorType::get({kTableSize}, rewriter.getI8Type());
    Value tableValue = tosa::ConstOp::create(
        rewriter, loc, tableType,
        DenseIntElementsAttr::get(tableType, ArrayRef<int8_t>(table)));
    Value storage = input->getStorage(rewriter, loc);
    Value result = tosa::TableOp::create(rewriter, loc, storage.getType(),
                                         storage, tableValue);
    replaceWithStorage(rewriter, op, result);
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Storage casts
//===----------------------------------------------------------------------===//

namespace {
/// quant.scast(quant.scast(x)) -> x where the types round-trip (the
/// storage-cast folder, which runs with folding off).
struct FoldStorageCastPair : OpRewritePattern<quant::StorageCastOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(quant::StorageCastOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<quant::StorageCastOp>();
    if (!inner || inner.getInput().getType() != op.getType())
      return failure();
    rewriter.replaceOp(op, inner.getInput());
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {
struct LowerToIntegerPass
    : mlir::qc::impl::QCLowerToIntegerBase<LowerToIntegerPass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<RequantRounding> mode = symbolizeRequantRounding(rounding);
    if (!mode) {
      getOperation()->emitError()
          << "qc-lower-to-integer: unknown rounding '" << rounding
          << "' (expected gemmlowp, single_round, double_round, "
             "inexact_round or half_to_even)";
      return signalPassFailure();
    }
    MLIRContext *context = &getContext();
    // Tables first: the patterns below would otherwise take a function's
    // ops one at a time, rounding after each.
    RewritePatternSet tablePatterns(context);
    tablePatterns.add<CommuteDataMovement>(context);
    tablePatterns.add<ConvertFunctionToTable>(context, *mode);
    GreedyRewriteConfig config;
    config.enableFolding(false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(tablePatterns),
                                     config)))
      return signalPassFailure();

    RewritePatternSet patterns(context);
    patterns.add<SignUnsignedDequantize, CommuteDataMovement,
                 ConvertConvolution<tosa::Conv2DOp>,
                 ConvertConvolution<tosa::DepthwiseConv2DOp>, ConvertMatMul,
                 FoldAccumulatorAdd, FoldPositiveScaling, ConvertMul,
                 ConvertReduceSum, ConvertAveragePool, FoldStorageCastPair>(
        context);
    populateIntegerNormalizationPatterns(patterns);
    populatePackedLinearPatterns(patterns);
    // The residual add and tables must see their op before the requantize
    // pattern could take a neighbouring quantize.
    patterns.add<ConvertResidualAdd, ConvertFunctionToTable, ConvertConcat>(
        context, *mode, /*benefit=*/2);
    patterns.add<ConvertRequantize>(context, *mode);
    // No folding (either phase): it would turn dequantized constant weights
    // into float constants before the ops using them are converted
    // (storage-cast pairs fold by pattern instead).
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      return signalPassFailure();
  }
};
} // namespace
