//===- Quantize.cpp - Choose scales and insert quantize/dequantize --------===//
//
// Turns a float graph with calibration statistics into the QDQ form that
// qc-lower-to-integer compiles: each activation that an integer op will
// consume gets a qc.quantize / qc.dequantize pair whose !quant.uniform type
// holds the scale and zero point chosen from its #qc.stats, and each
// convolution or matmul weight is replaced by int8 constants (symmetric,
// narrow range, per output channel) behind a qc.dequantize. Where pairs go
// is QuantizationPlacement.h's rule.
//
//===----------------------------------------------------------------------===//

#include "ChannelAxis.h"
#include "QDQ.h"
#include "QuantizationPlacement.h"
#include "ScalarFunction.h"
#include "WeightQuantization.h"

#include "qc/IR/QC.h"
#include "qc/Numerics/Numerics.h"
#include "qc/Transforms/ConstantTensor.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>

namespace mlir::qc {
#define GEN_PASS_DEF_QCQUANTIZE
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;
namespace numerics = ::qc::numerics;

//===----------------------------------------------------------------------===//
// Scales and zero points
//===----------------------------------------------------------------------===//

/// The scale of a value whose calibrated range is [0, 0].
static constexpr double kEmptyRangeScale = 1.0;

/// The per-tensor activation type for values in [lo, hi] under `scheme`.
/// The range is widened to contain 0 (so zero is exact); an empty range
/// gets scale 1.
static quant::UniformQuantizedType chooseActivationType(SchemeAttr scheme,
                                                  Type floatType, double lo,
                                                  double hi) {
  numerics::IntRange range = scheme.getStorageRange();
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  double scale;
  int64_t zeroPoint = 0;
  if (scheme.getSymmetric()) {
    // Unsigned storage is centred on its middle value, which leaves
    // (max - min) / 2 steps on either side.
    double bound = std::max(-lo, hi);
    if (scheme.getIsSigned()) {
      scale = bound / static_cast<double>(range.max);
    } else {
      zeroPoint = (range.max + 1) / 2;
      scale = bound / static_cast<double>(range.max - zeroPoint);
    }
  } else {
    scale = (hi - lo) / static_cast<double>(range.max - range.min);
    if (scale > 0.0)
      zeroPoint = std::clamp<int64_t>(
          static_cast<int64_t>(std::nearbyint(range.min - lo / scale)),
          range.min, range.max);
    else
      zeroPoint = std::clamp<int64_t>(0, range.min, range.max);
  }
  if (!(scale > 0.0))
    scale = kEmptyRangeScale;
  MLIRContext *context = floatType.getContext();
  unsigned flags = scheme.getIsSigned() ? quant::QuantizationFlags::Signed : 0;
  return quant::UniformQuantizedType::get(
      flags, IntegerType::get(context, scheme.getBits()), floatType,
      static_cast<double>(static_cast<float>(scale)), zeroPoint, range.min,
      range.max);
}

//===----------------------------------------------------------------------===//
// Per-channel inputs of depthwise convolutions
//===----------------------------------------------------------------------===//

/// The channel ranges along `axis` of `value`, from its calibration
/// statistics or from those of a view reading it (calibration observes a
/// convolution's input after its transpose into NHWC).
static std::optional<ChannelRanges> getChannelRanges(Value value,
                                                     int64_t axis) {
  if (StatsAttr stats = getValueStats(value);
      stats && stats.getChannelAxis() == axis)
    return ChannelRanges{llvm::to_vector(stats.getChannelMin().asArrayRef()),
                         llvm::to_vector(stats.getChannelMax().asArrayRef())};
  for (Operation *user : value.getUsers())
    if (std::optional<int64_t> resultAxis = getViewResultAxis(user, axis))
      if (std::optional<ChannelRanges> ranges =
              getChannelRanges(user->getResult(0), *resultAxis))
        return ranges;
  return std::nullopt;
}

/// Whether qc-lower-to-integer computes `value` by requantizing an i32
/// accumulator (of a convolution, matmul, product or sum, through clamps,
/// constant shifts and positive scalings), which takes one multiplier per
/// channel. Tables, concatenations and the integer normalization kernels
/// write one scale.
static bool isRequantizedAccumulator(Value value) {
  Operation *producer = value.getDefiningOp();
  if (!producer ||
      !(isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp,
            tosa::MulOp, tosa::AddOp>(producer) ||
        absorbsAccumulator(producer)))
    return false;
  std::optional<ScalarFunction> function = ScalarFunction::get(value);
  return !function || function->isRequantization();
}

/// The per-channel type of `value`, read only as the input of depthwise
/// convolutions, when `scheme` (signed) allows it: one scale per channel from
/// the calibrated channel ranges and one zero point for all of them (the
/// convolution's padding and qc.requant's output take one), chosen for the
/// least rounding noise (numerics::chooseSharedZeroPoint). Nothing where the
/// value does not qualify.
static std::optional<quant::QuantizedType>
choosePerChannelType(Value value, SchemeAttr scheme) {
  if (!scheme.getIsSigned() || !isRequantizedAccumulator(value))
    return std::nullopt;
  std::optional<int64_t> axis = getDepthwiseInputAxis(value);
  if (!axis)
    return std::nullopt;
  std::optional<ChannelRanges> ranges = getChannelRanges(value, *axis);
  auto type = cast<RankedTensorType>(value.getType());
  if (!ranges || static_cast<int64_t>(ranges->min.size()) !=
                     type.getDimSize(*axis))
    return std::nullopt;
  numerics::IntRange range = scheme.getStorageRange();
  numerics::SharedZeroPointScales chosen =
      numerics::chooseSharedZeroPoint(
          std::vector<double>(ranges->min.begin(), ranges->min.end()),
          std::vector<double>(ranges->max.begin(), ranges->max.end()), range);
  SmallVector<double> scales;
  for (double scale : chosen.scales)
    scales.push_back(scale > 0.0 ? static_cast<double>(static_cast<float>(scale))
                                 : kEmptyRangeScale);
  auto like = quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed,
      IntegerType::get(value.getContext(), scheme.getBits()),
      type.getElementType(), 1.0, 0, range.min, range.max);
  return buildUniformType(like, scales,
                          SmallVector<int64_t>(scales.size(), chosen.zeroPoint),
                          static_cast<int32_t>(*axis));
}

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

/// The axis of a linear op's weight that its per-output-channel scales
/// vary along: OHWI's O, HWCM's C (with M = 1), B [N, K, W]'s W.
static int64_t getWeightScaleAxis(Operation *op) {
  return isa<tosa::Conv2DOp>(op) ? 0 : 2;
}

/// The width `op`'s weights get: its #qc.bitwidth's, else `defaultBits`.
static FailureOr<unsigned> getWeightBits(Operation *op, unsigned defaultBits) {
  auto decision = op->getAttrOfType<BitWidthAttr>(QCDialect::kBitWidthAttrName);
  if (!decision)
    return defaultBits;
  unsigned bits = decision.getWeightBits();
  if (bits < kMinWeightBits || bits > kMaxWeightBits)
    return op->emitOpError() << "qc-quantize: expected weight bits in ["
                             << kMinWeightBits << ", " << kMaxWeightBits
                             << "] (held in int8), got " << decision;
  return bits;
}

//===----------------------------------------------------------------------===//
// Bias correction
//===----------------------------------------------------------------------===//

/// The mean per input channel of the convolution `op` reads, from the
/// calibration statistics of its input; empty when they have none.
static SmallVector<double> getInputChannelMeans(Operation *op) {
  StatsAttr stats = getValueStats(op->getOperand(0));
  if (!stats || !stats.getChannelMean() ||
      stats.getChannelAxis() != kConvolutionChannelAxis)
    return {};
  return llvm::to_vector(stats.getChannelMean().asArrayRef());
}

/// The mean change of each output channel of a convolution when `weights`
/// become `quantized`, for inputs with channel means `means`: sum over taps
/// and input channels of (w_q - w) * E[x_c]. Padding, which reads zeros at
/// the border, is not counted.
static SmallVector<double> getQuantizationBias(const LinearWeights &weights,
                                               const QuantizedWeights &quantized,
                                               ArrayRef<double> means) {
  SmallVector<double> shift(weights.getNumOutputChannels(), 0.0);
  for (auto [linear, value] : llvm::enumerate(weights.weights.values))
    shift[weights.outputChannelOf(linear)] +=
        (quantized.dequantized(weights, linear) - value) *
        means[weights.inputChannelOf(linear)];
  return shift;
}

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {
struct QuantizePass : mlir::qc::impl::QCQuantizeBase<QuantizePass> {
  using Base::Base;

  void runOnOperation() override {
    if (failed(parseOptions()))
      return signalPassFailure();
    getOperation()->walk([&](Operation *op) {
      if (std::optional<StringRef> name = getNodeName(op);
          name && keepFloatNames.contains(*name))
        op->setAttr(QCDialect::kKeepFloatAttrName,
                    UnitAttr::get(&getContext()));
    });
    bool failedAny = false;
    getOperation()->walk([&](Operation *op) {
      if (failed(quantizeLayerWeights(op)))
        failedAny = true;
    });
    SmallVector<Value> activations;
    getOperation()->walk([&](Block *block) {
      for (BlockArgument argument : block->getArguments())
        if (needsQuantization(argument, placement))
          activations.push_back(argument);
      for (Operation &op : *block)
        if (!isa<QuantizeOp>(op))
          for (Value result : op.getResults())
            if (needsQuantization(result, placement))
              activations.push_back(result);
    });
    for (Value value : activations)
      if (failed(quantizeActivation(value)))
        failedAny = true;
    if (failedAny)
      signalPassFailure();
  }

private:
  LogicalResult parseOptions() {
    MLIRContext *context = &getContext();
    if (activationType != "i8" && activationType != "u8")
      return getOperation()->emitError()
             << "qc-quantize: activation-type must be i8 or u8, got '"
             << activationType << "'";
    if (failed(verifyWeightBitsOption(getOperation(), getArgument(),
                                      weightBits)))
      return failure();
    if (weightGroupSize < 0 ||
        weightGroupSize % static_cast<int64_t>(numerics::kPlaneBlockSize) != 0)
      return getOperation()->emitError()
             << "qc-quantize: weight-group-size must be 0 or a positive "
                "multiple of "
             << numerics::kPlaneBlockSize
             << " (the weight packing block), got "
             << static_cast<int64_t>(weightGroupSize);
    defaultScheme = SchemeAttr::get(
        context, /*bits=*/8, /*isSigned=*/activationType == "i8",
        activationSymmetric, /*narrowRange=*/false, std::nullopt,
        std::nullopt);
    keepFloatNames.clear();
    for (const std::string &name : keepFloat)
      keepFloatNames.insert(name);
    placement.tabulateFunctions = tabulateFunctions;
    return success();
  }

  /// Inserts the quantize/dequantize pair after `value`.
  LogicalResult quantizeActivation(Value value) {
    StatsAttr stats = getValueStats(value);
    Location loc = value.getLoc();
    if (!stats)
      return emitError(loc) << "qc-quantize: this "
                            << (isa<BlockArgument>(value) ? "argument" : "result")
                            << " of type " << value.getType()
                            << " needs quantization but has no calibration "
                               "statistics (#qc.stats); run calibration first";
    SchemeAttr scheme = defaultScheme;
    SchemeAttr given;
    if (Operation *producer = value.getDefiningOp())
      given = producer->getAttrOfType<SchemeAttr>(QCDialect::kSchemeAttrName);
    if (given)
      scheme = given;
    if (!scheme.isPerTensor())
      return emitError(loc) << "qc-quantize: activations are quantized per "
                               "tensor, got "
                            << scheme;
    auto type = cast<RankedTensorType>(value.getType());
    std::optional<quant::QuantizedType> quantized;
    if (perChannelDepthwiseInputs && !given)
      quantized = choosePerChannelType(value, scheme);
    if (!quantized)
      quantized = chooseActivationType(scheme, type.getElementType(),
                                       stats.getMin().convertToDouble(),
                                       stats.getMax().convertToDouble());
    OpBuilder builder(&getContext());
    builder.setInsertionPointAfterValue(value);
    auto quantize =
        QuantizeOp::create(builder, loc, type.clone(*quantized), value);
    Value dequantized =
        DequantizeOp::create(builder, loc, type, quantize.getResult());
    value.replaceAllUsesExcept(dequantized, quantize);
    return success();
  }

  /// Replaces the weight of a convolution or matmul by int8 constants
  /// behind a dequantize, and its bias by a plain constant.
  LogicalResult quantizeLayerWeights(Operation *op) {
    if (op->hasAttr(QCDialect::kKeepFloatAttrName))
      return success();
    // Without constant weights (an activation times an activation, as in
    // attention) there is nothing to do.
    std::optional<LinearWeights> weights = LinearWeights::read(op);
    if (!weights)
      return success();
    Value weight = op->getOperand(LinearWeights::kWeightOperand);
    auto weightType = cast<RankedTensorType>(weight.getType());
    // Depthwise HWCM weights have one scale per C only when M is 1.
    if (isa<tosa::DepthwiseConv2DOp>(op) && weightType.getDimSize(3) != 1)
      return op->emitError() << "qc-quantize: depthwise convolutions with a "
                                "channel multiplier are not supported";
    FailureOr<unsigned> bits = getWeightBits(op, weightBits);
    if (failed(bits))
      return failure();
    int64_t qmax = getSymmetricBound(*bits);
    int64_t groupSize =
        canQuantizePerGroup(*weights, weightGroupSize) ? weightGroupSize : 0;
    QuantizedWeights quantized = quantizeWeights(*weights, *bits, groupSize);
    OpBuilder builder(op);
    Location loc = op->getLoc();
    auto storageType = weightType.clone(builder.getI8Type());
    Value storage = buildIntConstant(builder, loc, storageType,
                                     quantized.values, "quantized_weight");
    quant::QuantizedType type =
        buildWeightType(op, weightType, quantized, qmax);
    op->setOperand(LinearWeights::kWeightOperand,
                   buildDequantize(builder, loc, storage, type,
                                   weightType.getElementType()));
    if (isa<tosa::MatMulOp>(op))
      return success();
    SmallVector<double> shift;
    if (biasCorrection)
      if (SmallVector<double> means = getInputChannelMeans(op); !means.empty())
        shift = getQuantizationBias(*weights, quantized, means);
    Value bias = op->getOperand(LinearWeights::kBiasOperand);
    if (shift.empty() && matchPattern(bias, m_Constant()))
      return success();
    std::optional<FloatTensor> biasValues = evaluateFloatConstant(bias);
    if (!biasValues)
      return op->emitError() << "qc-quantize: the bias is not a constant";
    auto biasType = cast<RankedTensorType>(bias.getType());
    std::vector<float> corrected = biasValues->values;
    if (!shift.empty()) {
      // A bias of one value for all channels gets one per channel.
      if (corrected.size() == 1 && shift.size() > 1) {
        corrected.assign(shift.size(), corrected.front());
        biasType = biasType.clone({static_cast<int64_t>(shift.size())});
      }
      for (auto [value, change] : llvm::zip_equal(corrected, shift))
        value = static_cast<float>(value - change);
    }
    op->setOperand(LinearWeights::kBiasOperand,
                   buildFloatConstant(builder, loc, biasType, corrected,
                                      "bias"));
    return success();
  }

  /// The type of `op`'s weights quantized as `quantized`: per output
  /// channel, or per output channel and group of input channels (a
  /// sub-channel type whose blocks are 1 output channel by G input
  /// channels).
  static quant::QuantizedType buildWeightType(Operation *op,
                                              RankedTensorType weightType,
                                              const QuantizedWeights &quantized,
                                              int64_t qmax) {
    Type i8 = IntegerType::get(op->getContext(), 8);
    Type floatType = weightType.getElementType();
    int32_t channelAxis = static_cast<int32_t>(getWeightScaleAxis(op));
    if (!quantized.groupSize) {
      auto like = quant::UniformQuantizedType::get(
          quant::QuantizationFlags::Signed, i8, floatType, 1.0, 0, -qmax, qmax);
      return buildUniformType(like, quantized.scales,
                              SmallVector<int64_t>(quantized.scales.size(), 0),
                              channelAxis);
    }
    // OHWI: [O, 1, 1, I / G] blocks of [1, H, W, G]; B [1, K, N]:
    // [1, K / G, N] blocks of [1, G, 1], so the scales transpose.
    bool isConvolution = channelAxis == 0;
    int32_t groupAxis = isConvolution ? 3 : 1;
    int64_t channels = static_cast<int64_t>(quantized.scales.size()) /
                       quantized.groupsPerChannel;
    SmallVector<int64_t> scaleShape(weightType.getRank(), 1);
    scaleShape[channelAxis] = channels;
    scaleShape[groupAxis] = quantized.groupsPerChannel;
    SmallVector<float> scales;
    for (int64_t index = 0; index < channels * quantized.groupsPerChannel;
         ++index) {
      int64_t channel = isConvolution ? index / quantized.groupsPerChannel
                                      : index % channels;
      int64_t group = isConvolution ? index % quantized.groupsPerChannel
                                    : index / channels;
      scales.push_back(static_cast<float>(
          quantized.scales[channel * quantized.groupsPerChannel + group]));
    }
    auto scaleType = RankedTensorType::get(scaleShape, floatType);
    auto zeroPointType = RankedTensorType::get(scaleShape, i8);
    return quant::UniformQuantizedSubChannelType::get(
        quant::QuantizationFlags::Signed, i8, floatType,
        DenseElementsAttr::get(scaleType, ArrayRef<float>(scales)),
        DenseElementsAttr::get(zeroPointType, APInt(8, 0)),
        {channelAxis, groupAxis}, {1, quantized.groupSize}, -qmax, qmax);
  }

  SchemeAttr defaultScheme;
  llvm::StringSet<> keepFloatNames;
  PlacementOptions placement;
};
} // namespace
