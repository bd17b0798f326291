//===- ConvertNN.cpp - ONNX convolution, pooling, batch normalization -----===//
//
// ONNX is NCHW with OIHW weights; TOSA is NHWC with OHWI weights (HWCM for
// depthwise). Converters transpose in and out; the transposes of constant
// weights fold at compile time. 1-D convolutions and pools run as 2-D ones
// over a unit height.
//
//===----------------------------------------------------------------------===//

#include "GraphBuilders.h"
#include "NodeImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qc::onnx;

static Value buildTranspose(OpBuilder &builder, Location loc, Value value,
                            ArrayRef<int32_t> perms) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int32_t perm : perms)
    shape.push_back(type.getDimSize(perm));
  return tosa::TransposeOp::create(builder, loc, type.clone(shape), value,
                                   builder.getDenseI32ArrayAttr(perms));
}

static constexpr int32_t kToNHWC[] = {0, 2, 3, 1};
static constexpr int32_t kToNCHW[] = {0, 3, 1, 2};

namespace {
/// Spatial parameters of a 2-D window op, in TOSA's order.
struct Window {
  SmallVector<int64_t, 2> kernel;
  SmallVector<int64_t, 2> strides;
  SmallVector<int64_t, 2> dilations;
  /// top, bottom, left, right.
  SmallVector<int64_t, 4> pad;
  /// Input rows and columns past the last window, dropped before the op
  /// (TOSA rejects windows that do not end exactly at the padded edge).
  SmallVector<int64_t, 2> crop = {0, 0};
};
} // namespace

/// Reads kernel_shape, strides, dilations, pads and auto_pad for a window
/// over the spatial dims of `inputShape` (NCHW) producing `outputShape`.
/// `spatialRank` is 1 or 2; 1-D windows get a unit height.
static FailureOr<Window> readWindow(NodeImporter &importer,
                                    ArrayRef<int64_t> inputShape,
                                    ArrayRef<int64_t> outputShape,
                                    ArrayRef<int64_t> kernel) {
  auto spatialRank = static_cast<int64_t>(kernel.size());
  auto attrOr = [&](StringRef name, int64_t fill, int64_t count) {
    std::optional<std::vector<int64_t>> given = importer.getInts(name);
    return given ? SmallVector<int64_t>(given->begin(), given->end())
                 : SmallVector<int64_t>(count, fill);
  };
  SmallVector<int64_t> strides = attrOr("strides", 1, spatialRank);
  SmallVector<int64_t> dilations = attrOr("dilations", 1, spatialRank);
  SmallVector<int64_t> pads = attrOr("pads", 0, 2 * spatialRank);
  if (static_cast<int64_t>(strides.size()) != spatialRank ||
      static_cast<int64_t>(dilations.size()) != spatialRank ||
      static_cast<int64_t>(pads.size()) != 2 * spatialRank)
    return importer.emitError() << "expected " << spatialRank
                                << " strides and dilations and "
                                << 2 * spatialRank << " pads";
  std::string autoPad = importer.getString("auto_pad", "NOTSET");
  for (int64_t dim = 0; dim < spatialRank; ++dim) {
    int64_t in = inputShape[dim + 2], out = outputShape[dim + 2];
    int64_t extent = (kernel[dim] - 1) * dilations[dim] + 1;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t total = std::max<int64_t>(
          0, (out - 1) * strides[dim] + extent - in);
      int64_t small = total / 2;
      pads[dim] = autoPad == "SAME_UPPER" ? small : total - small;
      pads[dim + spatialRank] = total - pads[dim];
    } else if (autoPad == "VALID") {
      pads[dim] = pads[dim + spatialRank] = 0;
    } else if (autoPad != "NOTSET") {
      return importer.emitError() << "unknown auto_pad '" << autoPad << "'";
    }
    // TOSA needs the padded extent to step exactly onto the last output;
    // ONNX floors (or ceils) it. Adjust the end padding to match the output
    // size shape inference computed (rows past it are never read).
    int64_t needed = (out - 1) * strides[dim] + extent;
    pads[dim + spatialRank] = needed - in - pads[dim];
  }
  SmallVector<int64_t> crop(spatialRank, 0);
  for (int64_t dim = 0; dim < spatialRank; ++dim) {
    if (pads[dim + spatialRank] < 0) {
      crop[dim] = -pads[dim + spatialRank];
      pads[dim + spatialRank] = 0;
    }
  }
  Window window;
  if (spatialRank == 1) {
    window.kernel = {1, kernel[0]};
    window.strides = {1, strides[0]};
    window.dilations = {1, dilations[0]};
    window.pad = {0, 0, pads[0], pads[1]};
    window.crop = {0, crop[0]};
  } else {
    window.kernel = {kernel[0], kernel[1]};
    window.strides = {strides[0], strides[1]};
    window.dilations = {dilations[0], dilations[1]};
    window.pad = {pads[0], pads[2], pads[1], pads[3]};
    window.crop = {crop[0], crop[1]};
  }
  return window;
}

/// tosa.slice of `value` from `offsets` with `sizes`.
static Value sliceOf(OpBuilder &builder, Location loc, Value value,
                     ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes) {
  ImplicitLocOpBuilder b(loc, builder);
  auto type = cast<RankedTensorType>(value.getType());
  return tosa::SliceOp::create(b, type.clone(sizes), value,
                               tosa::getTosaConstShape(b, offsets),
                               tosa::getTosaConstShape(b, sizes));
}

/// Drops the NHWC input rows and columns no window reads.
static Value cropToWindow(OpBuilder &builder, Location loc, Value input,
                          const Window &window) {
  if (window.crop[0] == 0 && window.crop[1] == 0)
    return input;
  ArrayRef<int64_t> shape = cast<RankedTensorType>(input.getType()).getShape();
  return sliceOf(builder, loc, input, {0, 0, 0, 0},
                 {shape[0], shape[1] - window.crop[0],
                  shape[2] - window.crop[1], shape[3]});
}

/// tosa.pad of an NHWC value by {top, bottom, left, right} zeros.
static Value padWithZeros(OpBuilder &builder, Location loc, Value input,
                          ArrayRef<int64_t> pad) {
  auto type = cast<RankedTensorType>(input.getType());
  ArrayRef<int64_t> s = type.getShape();
  SmallVector<int64_t> padding = {0, 0, pad[0], pad[1], pad[2], pad[3], 0, 0};
  auto padded = type.clone(
      {s[0], s[1] + pad[0] + pad[1], s[2] + pad[2] + pad[3], s[3]});
  ImplicitLocOpBuilder b(loc, builder);
  Value zero = buildSplat(builder, loc,
                          RankedTensorType::get({1}, type.getElementType()), 0.0);
  return tosa::PadOp::create(b, padded, input,
                             tosa::getTosaConstShape(b, padding), zero);
}

/// Views a 3-D NCW value as 4-D NCHW with H = 1 (4-D values pass through).
static Value asNCHW(OpBuilder &builder, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() == 4)
    return value;
  return buildReshape(builder, loc, value,
                      {type.getDimSize(0), type.getDimSize(1), 1,
                       type.getDimSize(2)});
}

/// The NHWC type TOSA produces for an ONNX NC[H]W result type.
static RankedTensorType nhwcResultType(RankedTensorType type) {
  ArrayRef<int64_t> s = type.getShape();
  if (type.getRank() == 3)
    return type.clone({s[0], 1, s[2], s[1]});
  return type.clone({s[0], s[2], s[3], s[1]});
}

/// Transposes an NHWC result back to NCHW and reshapes it to `type`.
static Value fromNHWC(OpBuilder &builder, Location loc, Value value,
                      RankedTensorType type) {
  return buildReshape(builder, loc,
                      buildTranspose(builder, loc, value, kToNCHW),
                      type.getShape());
}

//===----------------------------------------------------------------------===//
// Conv
//===----------------------------------------------------------------------===//

/// One TOSA convolution over NHWC `input` with ONNX OIHW `weight`:
/// tosa.conv2d, or tosa.depthwise_conv2d when each group has one input
/// channel. Integer operands accumulate in i32.
static Value buildConvolution(OpBuilder &builder, Location loc, Value input,
                              Value weight, Value bias, const Window &window,
                              RankedTensorType resultType, bool depthwise,
                              OperandZeroPoints zeroPoints) {
  auto weightType = cast<RankedTensorType>(weight.getType());
  Type elementType = weightType.getElementType();
  Value inputZp = *tosa::createZeroPointTensor(builder, loc, elementType,
                                               zeroPoints.lhs);
  Value weightZp = *tosa::createZeroPointTensor(builder, loc, elementType,
                                                zeroPoints.rhs);
  TypeAttr accType = TypeAttr::get(resultType.getElementType());
  if (depthwise) {
    // [C * M, 1, kH, kW] -> [C, M, kH, kW] -> HWCM.
    int64_t channels = cast<RankedTensorType>(input.getType()).getDimSize(3);
    int64_t multiplier = weightType.getDimSize(0) / channels;
    Value grouped = buildReshape(
        builder, loc, weight,
        {channels, multiplier, weightType.getDimSize(2),
         weightType.getDimSize(3)});
    Value hwcm = buildTranspose(builder, loc, grouped, {2, 3, 0, 1});
    return tosa::DepthwiseConv2DOp::create(
        builder, loc, resultType, input, hwcm, bias, inputZp, weightZp,
        builder.getDenseI64ArrayAttr(window.pad),
        builder.getDenseI64ArrayAttr(window.strides),
        builder.getDenseI64ArrayAttr(window.dilations), accType);
  }
  Value ohwi = buildTranspose(builder, loc, weight, kToNHWC);
  return tosa::Conv2DOp::create(builder, loc, resultType, input, ohwi, bias,
                                inputZp, weightZp,
                                builder.getDenseI64ArrayAttr(window.pad),
                                builder.getDenseI64ArrayAttr(window.strides),
                                builder.getDenseI64ArrayAttr(window.dilations),
                                accType);
}

FailureOr<Value> mlir::qc::onnx::buildConv(NodeImporter &importer, Value x,
                                           Value w, Value bias,
                                           RankedTensorType type,
                                           OperandZeroPoints zeroPoints) {
  auto xType = cast<RankedTensorType>(x.getType());
  auto wType = cast<RankedTensorType>(w.getType());
  if (xType.getRank() != 3 && xType.getRank() != 4)
    return importer.emitError() << "only 1-D and 2-D convolutions are "
                                   "supported, got rank "
                                << xType.getRank();
  SmallVector<int64_t> kernel(wType.getShape().drop_front(2));
  FailureOr<Window> window =
      readWindow(importer, xType.getShape(), type.getShape(), kernel);
  if (failed(window))
    return failure();
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  int64_t groups = importer.getInt("group", 1);
  int64_t outChannels = wType.getDimSize(0);
  int64_t inChannels = xType.getDimSize(1);
  if (!bias)
    bias = buildSplat(builder, loc,
                      RankedTensorType::get({outChannels}, type.getElementType()),
                      0.0);
  Value weight = asNCHW(builder, loc, w);
  Value input = cropToWindow(
      builder, loc,
      buildTranspose(builder, loc, asNCHW(builder, loc, x), kToNHWC), *window);
  RankedTensorType nhwc = nhwcResultType(type);

  if (groups == 1 || groups == inChannels) {
    bool depthwise = groups != 1;
    Value result = buildConvolution(builder, loc, input, weight, bias, *window,
                                    nhwc, depthwise, zeroPoints);
    return fromNHWC(builder, loc, result, type);
  }
  // General groups: one convolution per group, concatenated on channels.
  int64_t groupIn = inChannels / groups, groupOut = outChannels / groups;
  auto inputShape = cast<RankedTensorType>(input.getType()).getShape();
  auto weightShape = cast<RankedTensorType>(weight.getType()).getShape();
  SmallVector<Value> parts;
  for (int64_t g = 0; g < groups; ++g) {
    Value groupInput =
        sliceOf(builder, loc, input, {0, 0, 0, g * groupIn},
                {inputShape[0], inputShape[1], inputShape[2], groupIn});
    Value groupWeight =
        sliceOf(builder, loc, weight, {g * groupOut, 0, 0, 0},
                {groupOut, weightShape[1], weightShape[2], weightShape[3]});
    Value groupBias =
        sliceOf(builder, loc, bias, {g * groupOut}, {groupOut});
    RankedTensorType partType = nhwc.clone(
        {nhwc.getDimSize(0), nhwc.getDimSize(1), nhwc.getDimSize(2), groupOut});
    parts.push_back(buildConvolution(builder, loc, groupInput, groupWeight,
                                     groupBias, *window, partType,
                                     /*depthwise=*/false, zeroPoints));
  }
  Value result = tosa::ConcatOp::create(builder, loc, nhwc, parts, 3u);
  return fromNHWC(builder, loc, result, type);
}

static LogicalResult convertConv(NodeImporter &importer) {
  FailureOr<Value> x = importer.getRequiredOperand(0);
  FailureOr<Value> w = importer.getRequiredOperand(1);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(x) || failed(w) || failed(type))
    return failure();
  FailureOr<Value> result =
      buildConv(importer, *x, *w, importer.getOperand(2), *type);
  if (failed(result))
    return failure();
  return importer.setResult(*result);
}

//===----------------------------------------------------------------------===//
// ConvTranspose
//===----------------------------------------------------------------------===//

/// ConvTranspose (2-D, group 1, no dilation) as tosa.transpose_conv2d. Both
/// scatter input[i] * weight[k] to output[i * stride + k - pad_begin]; TOSA
/// expresses the ONNX pads as negative out_pad (a crop) and output_padding
/// as extra end padding. The output size comes from shape inference, which
/// also resolves auto_pad and output_shape.
static LogicalResult convertConvTranspose(NodeImporter &importer) {
  FailureOr<Value> x = importer.getRequiredOperand(0);
  FailureOr<Value> w = importer.getRequiredOperand(1);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(x) || failed(w) || failed(type))
    return failure();
  int64_t spatialRank = cast<RankedTensorType>(x->getType()).getRank() - 2;
  if (spatialRank != 1 && spatialRank != 2)
    return importer.emitError() << "only 1-D and 2-D transposed convolutions "
                                   "are supported";
  if (importer.getInt("group", 1) != 1)
    return importer.emitError() << "grouped transposed convolutions are not "
                                   "supported";
  std::optional<std::vector<int64_t>> dilations = importer.getInts("dilations");
  if (dilations && llvm::any_of(*dilations, [](int64_t d) { return d != 1; }))
    return importer.emitError() << "dilated transposed convolutions are not "
                                   "supported";
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  // 1-D runs as 2-D over a unit height: strides and begin pads get a leading
  // 1 and 0.
  Value x4 = asNCHW(builder, loc, *x), w4 = asNCHW(builder, loc, *w);
  auto xType = cast<RankedTensorType>(x4.getType());
  auto wType = cast<RankedTensorType>(w4.getType());
  RankedTensorType nhwc = nhwcResultType(*type);
  SmallVector<int64_t> strides(2 - spatialRank, 1), beginPads(2 - spatialRank, 0);
  std::optional<std::vector<int64_t>> stridesAttr = importer.getInts("strides");
  std::optional<std::vector<int64_t>> padsAttr = importer.getInts("pads");
  for (int64_t dim = 0; dim < spatialRank; ++dim) {
    strides.push_back(stridesAttr ? (*stridesAttr)[dim] : 1);
    beginPads.push_back(padsAttr ? (*padsAttr)[dim] : 0);
  }
  // Begin padding from `pads` (or auto_pad SAME_* splitting the total); the
  // end is whatever makes the inferred output size.
  std::string autoPad = importer.getString("auto_pad", "NOTSET");
  SmallVector<int64_t> outPad;
  for (int64_t dim = 0; dim < 2; ++dim) {
    int64_t in = xType.getDimSize(dim + 2), kernel = wType.getDimSize(dim + 2);
    int64_t out = nhwc.getDimSize(dim + 1);
    int64_t full = (in - 1) * strides[dim] + kernel;
    int64_t total = full - out;
    int64_t begin = beginPads[dim];
    if (autoPad == "SAME_UPPER")
      begin = total / 2;
    else if (autoPad == "SAME_LOWER")
      begin = total - total / 2;
    outPad.push_back(-begin);
    outPad.push_back(out - full + begin);
  }
  Value bias = importer.getOperand(2);
  int64_t outChannels = wType.getDimSize(1);
  if (!bias)
    bias = buildSplat(builder, loc,
                      RankedTensorType::get({outChannels}, type->getElementType()),
                      0.0);
  Value input = buildTranspose(builder, loc, x4, kToNHWC);
  // [C_in, C_out, kH, kW] -> [C_out, kH, kW, C_in].
  Value weight = buildTranspose(builder, loc, w4, {1, 2, 3, 0});
  Type elementType = type->getElementType();
  Value inputZp = *tosa::createZeroPointTensor(builder, loc, elementType, 0);
  Value weightZp = *tosa::createZeroPointTensor(builder, loc, elementType, 0);
  Value result = tosa::TransposeConv2DOp::create(
      builder, loc, nhwc, input, weight, bias, inputZp,
      weightZp, builder.getDenseI64ArrayAttr(outPad),
      builder.getDenseI64ArrayAttr(strides), TypeAttr::get(elementType));
  return importer.setResult(fromNHWC(builder, loc, result, *type));
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

template <typename TosaPool>
static LogicalResult convertPool(NodeImporter &importer) {
  FailureOr<Value> x = importer.getRequiredOperand(0);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(x) || failed(type))
    return failure();
  if (importer.getNode().outputs.size() > 1)
    return importer.emitError() << "the Indices output is not supported";
  auto xType = cast<RankedTensorType>(x->getType());
  if (xType.getRank() != 3 && xType.getRank() != 4)
    return importer.emitError() << "only 1-D and 2-D pooling is supported";
  std::optional<std::vector<int64_t>> kernelAttr =
      importer.getInts("kernel_shape");
  if (!kernelAttr)
    return importer.emitError() << "expected kernel_shape";
  SmallVector<int64_t> kernel(kernelAttr->begin(), kernelAttr->end());
  FailureOr<Window> window =
      readWindow(importer, xType.getShape(), type->getShape(), kernel);
  if (failed(window))
    return failure();
  if (llvm::any_of(window->dilations, [](int64_t d) { return d != 1; }))
    return importer.emitError() << "dilated pooling is not supported";
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  Value input = cropToWindow(
      builder, loc,
      buildTranspose(builder, loc, asNCHW(builder, loc, *x), kToNHWC), *window);
  RankedTensorType nhwc = nhwcResultType(*type);
  Value pooled;
  if constexpr (std::is_same_v<TosaPool, tosa::MaxPool2dOp>) {
    pooled = tosa::MaxPool2dOp::create(
        builder, loc, nhwc, input,
        builder.getDenseI64ArrayAttr(window->kernel),
        builder.getDenseI64ArrayAttr(window->strides),
        builder.getDenseI64ArrayAttr(window->pad));
  } else {
    Type elementType = nhwc.getElementType();
    // TOSA leaves padding out of the average; to count it, pad with zeros
    // first and pool without padding.
    if (importer.getInt("count_include_pad", 0) != 0) {
      input = padWithZeros(builder, loc, input, window->pad);
      window->pad.assign(4, 0);
    }
    Value zp = *tosa::createZeroPointTensor(builder, loc, elementType, 0);
    Value outZp = *tosa::createZeroPointTensor(builder, loc, elementType, 0);
    pooled = tosa::AvgPool2dOp::create(
        builder, loc, nhwc, input, zp, outZp,
        builder.getDenseI64ArrayAttr(window->kernel),
        builder.getDenseI64ArrayAttr(window->strides),
        builder.getDenseI64ArrayAttr(window->pad), TypeAttr::get(elementType));
  }
  return importer.setResult(fromNHWC(builder, loc, pooled, *type));
}

//===----------------------------------------------------------------------===//
// BatchNormalization (inference)
//===----------------------------------------------------------------------===//

/// Reshapes a per-channel [C] parameter to broadcast over NC... of `rank`.
static Value perChannel(OpBuilder &builder, Location loc, Value value,
                        int64_t rank) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(rank, 1);
  shape[1] = type.getDimSize(0);
  return buildReshape(builder, loc, value, shape);
}

/// The per-channel constants (a, b) of y = a * x + b, when scale, bias,
/// mean and variance are constants: a = scale / sqrt(var + epsilon),
/// b = bias - mean * a, computed in double.
static std::optional<std::pair<SmallVector<float>, SmallVector<float>>>
foldBatchNormParameters(NodeImporter &importer, float epsilon) {
  enum { kScale = 1, kBias, kMean, kVariance };
  SmallVector<SmallVector<double>> parameters;
  for (unsigned index : {kScale, kBias, kMean, kVariance}) {
    std::optional<DenseElementsAttr> constant =
        importer.getConstantOperand(index);
    if (!constant || !isa<FloatType>(constant->getElementType()))
      return std::nullopt;
    SmallVector<double> &values = parameters.emplace_back();
    for (const APFloat &value : constant->getValues<APFloat>())
      values.push_back(value.convertToDouble());
  }
  SmallVector<float> multipliers, offsets;
  for (size_t c = 0; c < parameters[0].size(); ++c) {
    double multiplier =
        parameters[0][c] / std::sqrt(parameters[3][c] + epsilon);
    multipliers.push_back(static_cast<float>(multiplier));
    offsets.push_back(
        static_cast<float>(parameters[1][c] - parameters[2][c] * multiplier));
  }
  return std::make_pair(multipliers, offsets);
}

/// BatchNormalization in inference mode. With constant parameters it is a
/// per-channel tosa.mul and tosa.add (which quantization folds into a
/// preceding convolution); otherwise the formula, elementwise.
static LogicalResult convertBatchNormalization(NodeImporter &importer) {
  constexpr float kDefaultEpsilon = 1e-5f;
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(type))
    return failure();
  if (importer.getNode().outputs.size() > 1 ||
      importer.getInt("training_mode", 0) != 0)
    return importer.emitError() << "only inference mode (one output) is "
                                   "supported";
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  float epsilon = importer.getFloat("epsilon", kDefaultEpsilon);
  if (auto folded = foldBatchNormParameters(importer, epsilon)) {
    FailureOr<Value> x = importer.getRequiredOperand(0);
    if (failed(x))
      return failure();
    SmallVector<int64_t> shape(type->getRank(), 1);
    shape[1] = static_cast<int64_t>(folded->first.size());
    auto parameterType = RankedTensorType::get(shape, type->getElementType());
    auto constant = [&](ArrayRef<float> values) -> Value {
      return arith::ConstantOp::create(
          builder, loc, DenseElementsAttr::get(parameterType, values));
    };
    Value shift = buildSplat(
        builder, loc, RankedTensorType::get({1}, builder.getI8Type()), 0);
    Value scaled = tosa::MulOp::create(builder, loc, *type, *x,
                                       constant(folded->first), shift);
    return importer.setResult(tosa::AddOp::create(
        builder, loc, *type, scaled, constant(folded->second)));
  }
  SmallVector<Value> operands;
  for (unsigned i = 0; i < 5; ++i) {
    FailureOr<Value> operand = importer.getRequiredOperand(i);
    if (failed(operand))
      return failure();
    operands.push_back(i == 0 ? *operand
                              : perChannel(builder, loc, *operand,
                                           type->getRank()));
  }
  // y = scale * (x - mean) / sqrt(var + epsilon) + bias.
  return importer.setResult(buildBroadcastElementwise(
      builder, loc, *type, operands,
      [&](OpBuilder &b, Location bodyLoc, ValueRange v) -> Value {
        Value eps = buildScalarFloat(b, bodyLoc, v[0].getType(), epsilon);
        Value stddev = math::SqrtOp::create(
            b, bodyLoc, arith::AddFOp::create(b, bodyLoc, v[4], eps));
        Value centered = arith::SubFOp::create(b, bodyLoc, v[0], v[3]);
        Value normalized = arith::DivFOp::create(b, bodyLoc, centered, stddev);
        Value scaled = arith::MulFOp::create(b, bodyLoc, normalized, v[1]);
        return arith::AddFOp::create(b, bodyLoc, scaled, v[2]);
      }));
}

void mlir::qc::onnx::registerNNConverters(ConverterRegistry &registry) {
  registry["Conv"] = convertConv;
  registry["ConvTranspose"] = convertConvTranspose;
  registry["MaxPool"] = convertPool<tosa::MaxPool2dOp>;
  registry["AveragePool"] = convertPool<tosa::AvgPool2dOp>;
  registry["BatchNormalization"] = convertBatchNormalization;
}
