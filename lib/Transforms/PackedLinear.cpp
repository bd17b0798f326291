//===- PackedLinear.cpp - Packed-weight patterns of qc-lower-to-integer ---===//
//
// A convolution or matmul whose constant weights need fewer than 8 bits, or
// carry one scale per group of input channels, becomes a qc.packed_matmul:
// the weights are packed (numerics' bit-plane layout) and the op
// accumulates in i32 with one scale per output channel, s_in * s_ref with
// s_ref the channel's largest group scale; each group's ratio s_g / s_ref
// becomes a multiplier m_g * 2^-30. A convolution reads its input as
// patches (im2col: one strided slice per filter tap, concatenated along the
// channels), so that every filter shape is one matmul over
// K = KH * KW * C_in; a 1x1 convolution with unit strides is a reshape.
//
//===----------------------------------------------------------------------===//

#include "PackedLinear.h"

#include "QDQ.h"

#include "qc/IR/QC.h"
#include "qc/IR/QuantParams.h"
#include "qc/Numerics/Numerics.h"
#include "qc/Transforms/ConstantTensor.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qc;
namespace numerics = ::qc::numerics;

/// Widest weights the int8 ops take as they are.
static constexpr unsigned kInt8Bits = 8;
static constexpr int64_t kBlock = numerics::kPlaneBlockSize;

namespace {
/// Where the packed rows of a weight lie: element k of row n is the
/// weight's element at linear index n * rowStride + k * reductionStride, and
/// groups follow the scales' blocks along `groupAxis`.
struct WeightLayout {
  int64_t rows;
  int64_t reduction;
  int64_t rowStride;
  int64_t reductionStride;
  unsigned groupAxis;
};

/// A constant weight as the rows of a qc.packed_matmul.
struct PackableWeight {
  unsigned bits;
  int64_t groupSize;
  /// [rows, reduction], row-major.
  std::vector<int32_t> values;
  /// [rows, reduction / groupSize], row-major.
  SmallVector<double> scales;
};

/// A qc.packed_matmul's i32 result and the scale of each of its columns.
struct PackedProduct {
  Value accumulator;
  SmallVector<double> scales;
};
} // namespace

/// The bits a signed storage range [lo, hi] needs.
static unsigned getSignedBits(int64_t lo, int64_t hi) {
  unsigned bits = 1;
  while (lo < -(int64_t{1} << (bits - 1)) || hi > (int64_t{1} << (bits - 1)) - 1)
    ++bits;
  return bits;
}

/// The weight `value` as packable rows: the dequantization of a constant
/// with symmetric per-axis or sub-channel scales, narrower than 8 bits or in
/// groups, whose rows and groups are whole packing blocks.
static std::optional<PackableWeight>
matchPackableWeight(Value value, const WeightLayout &layout) {
  auto dequantize = value.getDefiningOp<DequantizeOp>();
  if (!dequantize)
    return std::nullopt;
  auto type = dyn_cast<quant::QuantizedType>(
      getElementTypeOrSelf(dequantize.getInput().getType()));
  auto storageCast = dequantize.getInput().getDefiningOp<quant::StorageCastOp>();
  if (!type || !type.isSigned() || !storageCast ||
      !isa<quant::UniformQuantizedPerAxisType,
           quant::UniformQuantizedSubChannelType>(type))
    return std::nullopt;
  ArrayRef<int64_t> shape = dequantize.getType().getShape();
  FailureOr<QuantLayout> quantLayout = QuantLayout::get(type, shape);
  FailureOr<ElementQuantParams> params = ElementQuantParams::get(type, shape);
  std::optional<SmallVector<int64_t>> storage =
      readIntConstant(storageCast.getInput());
  if (failed(quantLayout) || failed(params) || !storage ||
      llvm::any_of(quantLayout->zeroPoints,
                   [](int64_t zeroPoint) { return zeroPoint != 0; }))
    return std::nullopt;
  PackableWeight weight;
  weight.bits = getSignedBits(type.getStorageTypeMin(), type.getStorageTypeMax());
  int64_t block = quantLayout->blockSizes[layout.groupAxis];
  weight.groupSize = block < shape[layout.groupAxis] ? block : layout.reduction;
  if (layout.reduction % kBlock != 0 || weight.groupSize % kBlock != 0 ||
      layout.reduction % weight.groupSize != 0 ||
      (weight.bits >= kInt8Bits && weight.groupSize == layout.reduction))
    return std::nullopt;
  for (int64_t row = 0; row < layout.rows; ++row) {
    for (int64_t k = 0; k < layout.reduction; ++k) {
      int64_t linear = row * layout.rowStride + k * layout.reductionStride;
      weight.values.push_back(static_cast<int32_t>((*storage)[linear]));
      double scale = params->getScale(linear);
      if (k % weight.groupSize == 0)
        weight.scales.push_back(scale);
      else if (scale != weight.scales.back())
        return std::nullopt;
    }
  }
  return weight;
}

/// The weight's rows packed into bytes [rows, reduction * bits / 8].
static Value buildPackedWeight(OpBuilder &builder, Location loc,
                               const PackableWeight &weight,
                               const WeightLayout &layout) {
  int64_t rowBytes = layout.reduction * weight.bits / 8;
  std::vector<int8_t> bytes(layout.rows * rowBytes);
  for (int64_t row = 0; row < layout.rows; ++row)
    numerics::packBitPlanes(
        weight.values.data() + row * layout.reduction, layout.reduction,
        weight.bits, /*isSigned=*/true,
        reinterpret_cast<uint8_t *>(bytes.data()) + row * rowBytes);
  return buildIntConstant(
      builder, loc,
      RankedTensorType::get({layout.rows, rowBytes}, builder.getI8Type()),
      ArrayRef<int8_t>(bytes), "packed_weight");
}

/// qc.packed_matmul of the i8 `input` [M, K] (zero point `zeroPoint`, scale
/// `inputScale`) and `weight`.
static PackedProduct buildPackedProduct(OpBuilder &builder, Location loc,
                                        Value input, int64_t zeroPoint,
                                        double inputScale,
                                        const PackableWeight &weight,
                                        const WeightLayout &layout) {
  int64_t groups = layout.reduction / weight.groupSize;
  PackedProduct product;
  SmallVector<int32_t> multipliers;
  for (int64_t row = 0; row < layout.rows; ++row) {
    ArrayRef<double> rowScales =
        ArrayRef<double>(weight.scales).slice(row * groups, groups);
    double reference = *llvm::max_element(rowScales);
    product.scales.push_back(inputScale * reference);
    for (double scale : rowScales)
      multipliers.push_back(static_cast<int32_t>(
          std::nearbyint(std::ldexp(scale / reference, kGroupMultiplierShift))));
  }
  IntegerAttr groupSize, groupShift;
  DenseI32ArrayAttr groupMultipliers;
  if (groups > 1) {
    groupSize = builder.getI64IntegerAttr(weight.groupSize);
    groupShift = builder.getI64IntegerAttr(kGroupMultiplierShift);
    groupMultipliers = builder.getDenseI32ArrayAttr(multipliers);
  }
  auto inputType = cast<RankedTensorType>(input.getType());
  auto resultType = RankedTensorType::get(
      {inputType.getDimSize(0), layout.rows}, builder.getI32Type());
  product.accumulator = PackedMatMulOp::create(
      builder, loc, resultType, input,
      buildPackedWeight(builder, loc, weight, layout),
      builder.getI64IntegerAttr(weight.bits),
      builder.getI64IntegerAttr(zeroPoint), groupSize, groupMultipliers,
      groupShift);
  return product;
}

/// `input` dequantized from a per-tensor signed 8-bit value.
static std::optional<DequantizedValue> matchInput(Value input) {
  std::optional<DequantizedValue> dequantized = matchDequantized(input);
  if (!dequantized || dequantized->getBitWidth() != kInt8Bits ||
      !dequantized->isSigned() || !dequantized->params.isPerTensor())
    return std::nullopt;
  return dequantized;
}

/// The dequantized i32 `accumulator` at one scale per index along `axis`.
static Value buildDequantizedAccumulator(OpBuilder &builder, Location loc,
                                         Value accumulator,
                                         ArrayRef<double> scales, int32_t axis,
                                         Type floatType) {
  return buildDequantize(builder, loc, accumulator,
                         getAccumulatorType(floatType, scales, axis),
                         floatType);
}

namespace {
/// tosa.matmul of a dequantized int8 [1, M, K] and packable constant weights
/// [1, K, N] -> qc.packed_matmul.
struct ConvertPackedMatMul : OpRewritePattern<tosa::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  static constexpr int32_t kColumnAxis = 2;

  LogicalResult matchAndRewrite(tosa::MatMulOp op,
                                PatternRewriter &rewriter) const override {
    auto weightType = cast<RankedTensorType>(op.getB().getType());
    auto inputType = cast<RankedTensorType>(op.getA().getType());
    if (!weightType.hasStaticShape() || weightType.getDimSize(0) != 1 ||
        inputType.getDimSize(0) != 1)
      return failure();
    WeightLayout layout = {weightType.getDimSize(2), weightType.getDimSize(1),
                           /*rowStride=*/1,
                           /*reductionStride=*/weightType.getDimSize(2),
                           /*groupAxis=*/1};
    std::optional<DequantizedValue> input = matchInput(op.getA());
    std::optional<PackableWeight> weight =
        matchPackableWeight(op.getB(), layout);
    if (!input || !weight)
      return failure();
    Location loc = op.getLoc();
    Value rows = tensor::CollapseShapeOp::create(
        rewriter, loc, input->getStorage(rewriter, loc),
        ArrayRef<ReassociationIndices>{{0, 1}, {2}});
    PackedProduct product = buildPackedProduct(
        rewriter, loc, rows, input->params.zeroPoints.front(),
        input->params.scales.front(), *weight, layout);
    Value batched = tensor::ExpandShapeOp::create(
        rewriter, loc, op.getType().clone(rewriter.getI32Type()),
        product.accumulator, ArrayRef<ReassociationIndices>{{0, 1}, {2}});
    rewriter.replaceOp(op, buildDequantizedAccumulator(
                               rewriter, loc, batched, product.scales,
                               kColumnAxis, op.getType().getElementType()));
    return success();
  }
};

/// tosa.conv2d of a dequantized int8 NHWC input and packable constant OHWI
/// weights -> qc.packed_matmul over the input's patches, the bias added
/// after (in float, for the accumulator-add pattern to quantize).
struct ConvertPackedConvolution : OpRewritePattern<tosa::Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  static constexpr int32_t kChannelAxis = 3;

  LogicalResult matchAndRewrite(tosa::Conv2DOp op,
                                PatternRewriter &rewriter) const override {
    auto weightType = cast<RankedTensorType>(op.getWeight().getType());
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    if (!weightType.hasStaticShape() || !inputType.hasStaticShape() ||
        !resultType.hasStaticShape())
      return failure();
    int64_t rows = weightType.getDimSize(0);
    int64_t reduction = weightType.getNumElements() / rows;
    WeightLayout layout = {rows, reduction, /*rowStride=*/reduction,
                           /*reductionStride=*/1, /*groupAxis=*/3};
    std::optional<DequantizedValue> input = matchInput(op.getInput());
    std::optional<PackableWeight> weight =
        matchPackableWeight(op.getWeight(), layout);
    if (!input || !weight)
      return failure();
    Location loc = op.getLoc();
    int64_t zeroPoint = input->params.zeroPoints.front();
    Value patches = buildPatches(rewriter, op, input->getStorage(rewriter, loc),
                                 zeroPoint);
    PackedProduct product =
        buildPackedProduct(rewriter, loc, patches, zeroPoint,
                           input->params.scales.front(), *weight, layout);
    Value image = tensor::ExpandShapeOp::create(
        rewriter, loc, resultType.clone(rewriter.getI32Type()),
        product.accumulator,
        ArrayRef<ReassociationIndices>{{0, 1, 2}, {3}});
    Value result = buildDequantizedAccumulator(
        rewriter, loc, image, product.scales, kChannelAxis,
        resultType.getElementType());
    auto biasType = cast<RankedTensorType>(op.getBias().getType());
    Value bias = tosa::ReshapeOp::create(
        rewriter, loc,
        RankedTensorType::get({1, 1, 1, biasType.getDimSize(0)},
                              biasType.getElementType()),
        op.getBias(),
        tosa::getTosaConstShape(rewriter, loc,
                                {1, 1, 1, biasType.getDimSize(0)}));
    rewriter.replaceOpWithNewOp<tosa::AddOp>(op, resultType, result, bias);
    return success();
  }

private:
  /// The i8 input's patches [N * OH * OW, KH * KW * C_in], taps outer and
  /// channels inner as in OHWI weights, padding reading the zero point.
  static Value buildPatches(PatternRewriter &rewriter, tosa::Conv2DOp op,
                            Value input, int64_t zeroPoint) {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(input.getType());
    ArrayRef<int64_t> pad = op.getPad();
    ArrayRef<int64_t> stride = op.getStride();
    ArrayRef<int64_t> dilation = op.getDilation();
    auto weightType = cast<RankedTensorType>(op.getWeight().getType());
    int64_t kernelHeight = weightType.getDimSize(1);
    int64_t kernelWidth = weightType.getDimSize(2);
    ArrayRef<int64_t> resultShape = op.getType().getShape();
    ReassociationIndices pixels = {0, 1, 2};
    bool isPointwise = kernelHeight == 1 && kernelWidth == 1 &&
                       llvm::all_of(pad, [](int64_t p) { return p == 0; }) &&
                       llvm::all_of(stride, [](int64_t s) { return s == 1; });
    if (isPointwise)
      return tensor::CollapseShapeOp::create(
          rewriter, loc, input, ArrayRef<ReassociationIndices>{pixels, {3}});
    if (llvm::any_of(pad, [](int64_t p) { return p != 0; })) {
      SmallVector<int64_t> paddedShape(type.getShape());
      paddedShape[1] += pad[0] + pad[1];
      paddedShape[2] += pad[2] + pad[3];
      auto padValueType = RankedTensorType::get({1}, type.getElementType());
      Value padValue = tosa::ConstOp::create(
          rewriter, loc, padValueType,
          DenseElementsAttr::get(padValueType,
                                 APInt(kInt8Bits, zeroPoint, /*isSigned=*/true)));
      input = tosa::PadOp::create(
          rewriter, loc, type.clone(paddedShape), input,
          tosa::getTosaConstShape(rewriter, loc,
                                  {0, 0, pad[0], pad[1], pad[2], pad[3], 0, 0}),
          padValue);
    }
    SmallVector<Value> taps;
    for (int64_t kh = 0; kh < kernelHeight; ++kh) {
      for (int64_t kw = 0; kw < kernelWidth; ++kw) {
        taps.push_back(tensor::ExtractSliceOp::create(
            rewriter, loc, input,
            getAsIndexOpFoldResult(
                rewriter.getContext(),
                {0, kh * dilation[0], kw * dilation[1], 0}),
            getAsIndexOpFoldResult(rewriter.getContext(),
                                   {resultShape[0], resultShape[1],
                                    resultShape[2], type.getDimSize(3)}),
            getAsIndexOpFoldResult(rewriter.getContext(),
                                   {1, stride[0], stride[1], 1})));
      }
    }
    Value concatenated =
        taps.size() == 1
            ? taps.front()
            : tensor::ConcatOp::create(rewriter, loc, /*dim=*/3, taps)
                  .getResult();
    return tensor::CollapseShapeOp::create(
        rewriter, loc, concatenated,
        ArrayRef<ReassociationIndices>{pixels, {3}});
  }
};
} // namespace

void mlir::qc::populatePackedLinearPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvertPackedMatMul, ConvertPackedConvolution>(
      patterns.getContext(), /*benefit=*/2);
}
