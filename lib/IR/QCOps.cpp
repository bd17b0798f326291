//===- QCOps.cpp - qc dialect operations ----------------------------------===//
//
// Verifiers, folders and canonicalization patterns of the qc ops. Every
// folder computes with the numerics library, so a folded constant equals what
// the lowered code computes at run time.
//
//===----------------------------------------------------------------------===//

#include "qc/IR/QC.h"
#include "qc/IR/QuantParams.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <cstdlib>
#include <functional>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::qc;
namespace numerics = ::qc::numerics;

/// The element type of a shaped type.
static Type elementTypeOf(Value value) {
  return cast<ShapedType>(value.getType()).getElementType();
}

//===----------------------------------------------------------------------===//
// QuantizeOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  return verifyQuantizedTensor([&] { return emitOpError(); },
                               getResult().getType(),
                               elementTypeOf(getInput()));
}

/// Whether quantize(dequantize(q)) == q for every q of `quantType` computed
/// in `floatType`. With p significand bits, q - Z is exact when |q - Z| <=
/// 2^p, and fl(fl((q - Z) * S) / S) is within |q - Z| * 2^(1-p) of q - Z,
/// which rounds back to q - Z while |q - Z| < 2^(p-2). The products must also
/// stay normal (no overflow, no subnormal precision loss).
static bool isDequantizeQuantizeExact(quant::QuantizedType quantType,
                                      FloatType floatType,
                                      ArrayRef<int64_t> shape) {
  FailureOr<QuantLayout> layout = QuantLayout::get(quantType, shape);
  if (failed(layout))
    return false;
  const llvm::fltSemantics &semantics = floatType.getFloatSemantics();
  int64_t exactLimit = int64_t{1}
                       << (APFloat::semanticsPrecision(semantics) - 2);
  double largest = APFloat::getLargest(semantics).convertToDouble();
  double smallestNormal =
      APFloat::getSmallestNormalized(semantics).convertToDouble();
  for (auto [scale, zeroPoint] :
       llvm::zip_equal(layout->scales, layout->zeroPoints)) {
    int64_t maxMagnitude =
        std::max(std::abs(quantType.getStorageTypeMin() - zeroPoint),
                 std::abs(quantType.getStorageTypeMax() - zeroPoint));
    if (maxMagnitude >= exactLimit || scale < smallestNormal ||
        scale * static_cast<double>(maxMagnitude) > largest)
      return false;
  }
  return true;
}

OpFoldResult QuantizeOp::fold(FoldAdaptor) {
  auto dequantize = getInput().getDefiningOp<DequantizeOp>();
  if (!dequantize || dequantize.getInput().getType() != getType())
    return {};
  auto quantType = cast<quant::QuantizedType>(getType().getElementType());
  auto floatType = cast<FloatType>(elementTypeOf(getInput()));
  if (!isDequantizeQuantizeExact(quantType, floatType, getType().getShape()))
    return {};
  return dequantize.getInput();
}

/// The constant folders evaluate with the numerics library's int32 API.
static bool hasInt32StorageRange(quant::QuantizedType quantType) {
  return quantType.getStorageTypeMin() >= std::numeric_limits<int32_t>::min() &&
         quantType.getStorageTypeMax() <= std::numeric_limits<int32_t>::max();
}

namespace {
/// quantize(constant) -> quant.scast(constant of storage integers), computed
/// with the numerics library. Only for f32, the type QuantizeLinear's
/// arithmetic is defined in.
struct FoldConstantQuantize : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    DenseFPElementsAttr input;
    if (!matchPattern(op.getInput(), m_Constant(&input)) ||
        !input.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "input is not an f32 constant");
    RankedTensorType resultType = op.getType();
    auto quantType = cast<quant::QuantizedType>(resultType.getElementType());
    if (!hasInt32StorageRange(quantType))
      return rewriter.notifyMatchFailure(op, "storage range exceeds int32");
    FailureOr<ElementQuantParams> params =
        ElementQuantParams::get(quantType, resultType.getShape());
    if (failed(params))
      return rewriter.notifyMatchFailure(op, "shape is not static");

    numerics::FloatRounding rounding = toNumerics(op.getRounding());
    auto qmin = static_cast<int32_t>(quantType.getStorageTypeMin());
    auto qmax = static_cast<int32_t>(quantType.getStorageTypeMax());
    unsigned width = quantType.getStorageTypeIntegralWidth();
    SmallVector<APInt> stored;
    stored.reserve(input.getNumElements());
    for (auto [index, x] : llvm::enumerate(input.getValues<float>())) {
      int32_t q = numerics::quantize(
          x, static_cast<float>(params->getScale(index)),
          static_cast<int32_t>(params->getZeroPoint(index)), qmin, qmax,
          rounding);
      stored.push_back(APInt(width, q, /*isSigned=*/quantType.isSigned()));
    }
    auto storageType = resultType.clone(quantType.getStorageType());
    Value constant = arith::ConstantOp::create(
        rewriter, op.getLoc(), DenseElementsAttr::get(storageType, stored));
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, resultType, constant);
    return success();
  }
};
} // namespace

void QuantizeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                             MLIRContext *context) {
  patterns.add<FoldConstantQuantize>(context);
}

//===----------------------------------------------------------------------===//
// DequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult DequantizeOp::verify() {
  return verifyQuantizedTensor([&] { return emitOpError(); },
                               getInput().getType(), elementTypeOf(getResult()));
}

OpFoldResult DequantizeOp::fold(FoldAdaptor) {
  // dequantize(quant.scast(integer constant)) -> float constant (f32 only).
  auto storageCast = getInput().getDefiningOp<quant::StorageCastOp>();
  DenseIntElementsAttr stored;
  if (!storageCast ||
      !matchPattern(storageCast.getInput(), m_Constant(&stored)) ||
      !getType().getElementType().isF32())
    return {};
  auto quantType = cast<quant::QuantizedType>(elementTypeOf(getInput()));
  if (!hasInt32StorageRange(quantType))
    return {};
  FailureOr<ElementQuantParams> params =
      ElementQuantParams::get(quantType, getType().getShape());
  if (failed(params))
    return {};
  SmallVector<float> values;
  values.reserve(stored.getNumElements());
  bool isSigned = quantType.isSigned();
  for (auto [index, q] : llvm::enumerate(stored.getValues<APInt>())) {
    int64_t value = isSigned ? q.getSExtValue() : q.getZExtValue();
    values.push_back(numerics::dequantize(
        static_cast<int32_t>(value),
        static_cast<float>(params->getScale(index)),
        static_cast<int32_t>(params->getZeroPoint(index))));
  }
  return DenseElementsAttr::get(getType(), ArrayRef<float>(values));
}

//===----------------------------------------------------------------------===//
// RequantOp
//===----------------------------------------------------------------------===//

/// Widest integer qc.requant reads or writes: the arithmetic is defined on
/// 32-bit accumulators.
static constexpr unsigned kMaxRequantWidth = 32;
/// Widest input that may carry a zero point or be read as unsigned (TOSA's
/// rule; keeps x * m plus rounding within 64 bits in the lowered code).
static constexpr unsigned kMaxInputWidthWithZeroPoint = 16;

/// Smallest non-zero gemmlowp multiplier: TFLite normalizes the fraction of
/// a real multiplier into [0.5, 1), i.e. [2^30, 2^31) in Q0.31.
static constexpr int32_t kMinQ31Multiplier = int32_t{1} << 30;
/// Fraction bits of a Q0.31 multiplier.
static constexpr int32_t kQ31FractionBits = 31;

static unsigned widthOf(Value value) {
  return elementTypeOf(value).getIntOrFloatBitWidth();
}

numerics::IntRange RequantOp::getInputRange() {
  return numerics::storageRange(widthOf(getInput()), !getInputUnsigned());
}

numerics::IntRange RequantOp::getResultRange() {
  numerics::IntRange range =
      numerics::storageRange(widthOf(getResult()), !getOutputUnsigned());
  if (std::optional<ArrayRef<int64_t>> clamp = getClamp())
    return {std::max(range.min, (*clamp)[0]), std::min(range.max, (*clamp)[1])};
  return range;
}

static bool contains(numerics::IntRange range, int64_t value) {
  return value >= range.min && value <= range.max;
}

LogicalResult RequantOp::verify() {
  unsigned inputWidth = widthOf(getInput()), resultWidth = widthOf(getResult());
  if (inputWidth > kMaxRequantWidth || resultWidth > kMaxRequantWidth)
    return emitOpError() << "expected input and result of at most "
                         << kMaxRequantWidth << " bits, got i" << inputWidth
                         << " -> i" << resultWidth;
  if (getInputZp() != 0 && inputWidth > kMaxInputWidthWithZeroPoint)
    return emitOpError() << "a non-zero input_zp needs an input of at most "
                         << kMaxInputWidthWithZeroPoint << " bits, got i"
                         << inputWidth;
  if (getInputUnsigned() && inputWidth > kMaxInputWidthWithZeroPoint)
    return emitOpError() << "input_unsigned needs an input of at most "
                         << kMaxInputWidthWithZeroPoint << " bits, got i"
                         << inputWidth;
  numerics::IntRange inputRange = getInputRange();
  if (!contains(inputRange, getInputZp()))
    return emitOpError() << "input_zp " << getInputZp()
                         << " is outside the input type's range ["
                         << inputRange.min << ", " << inputRange.max << "]";
  numerics::IntRange typeRange =
      numerics::storageRange(resultWidth, !getOutputUnsigned());
  if (!contains(typeRange, getOutputZp()))
    return emitOpError() << "output_zp " << getOutputZp()
                         << " is outside the result type's range ["
                         << typeRange.min << ", " << typeRange.max << "]";
  if (std::optional<ArrayRef<int64_t>> clamp = getClamp()) {
    if (clamp->size() != 2 || (*clamp)[0] > (*clamp)[1] ||
        !contains(typeRange, (*clamp)[0]) || !contains(typeRange, (*clamp)[1]))
      return emitOpError() << "expected clamp [min, max] with min <= max "
                              "inside the result type's range ["
                           << typeRange.min << ", " << typeRange.max << "]";
  }

  DyadicAttr multiplier = getMultiplier();
  if (getRounding() == RequantRounding::gemmlowp) {
    for (int32_t m : multiplier.getMultipliers())
      if (m != 0 && m < kMinQ31Multiplier)
        return emitOpError()
               << "gemmlowp rounding expects multipliers in Q0.31 form (0 or "
                  "in [2^30, 2^31)), got "
               << m;
  }
  std::optional<int64_t> axis = multiplier.getAxis();
  if (!axis)
    return success();
  RankedTensorType inputType = getInput().getType();
  if (*axis >= inputType.getRank())
    return emitOpError() << "multiplier axis " << *axis
                         << " is out of range for an input of rank "
                         << inputType.getRank();
  int64_t dimSize = inputType.getDimSize(*axis);
  if (ShapedType::isDynamic(dimSize))
    return success();
  int64_t expected = multiplier.getExpectedSize(dimSize);
  if (static_cast<int64_t>(multiplier.size()) != expected)
    return emitOpError() << "expected " << expected
                         << " multipliers for dimension " << *axis << " of size "
                         << dimSize << ", got " << multiplier.size();
  return success();
}

/// Position along `axis` of the element at `linearIndex` in a row-major
/// tensor of `shape`.
static int64_t positionAlongAxis(int64_t linearIndex, ArrayRef<int64_t> shape,
                                 int64_t axis) {
  int64_t innerSize = 1;
  for (int64_t dim : shape.drop_front(axis + 1))
    innerSize *= dim;
  return (linearIndex / innerSize) % shape[axis];
}

/// Evaluates the requantization of a constant input.
static DenseElementsAttr foldConstantRequant(RequantOp op,
                                             DenseIntElementsAttr input) {
  DyadicAttr multiplier = op.getMultiplier();
  ArrayRef<int64_t> shape = op.getInput().getType().getShape();
  numerics::IntRange range = op.getResultRange();
  numerics::RequantRounding rounding = toNumerics(op.getRounding());
  unsigned resultWidth = widthOf(op.getResult());
  bool inputUnsigned = op.getInputUnsigned();
  SmallVector<APInt> results;
  results.reserve(input.getNumElements());
  for (auto [index, x] : llvm::enumerate(input.getValues<APInt>())) {
    size_t entry = 0;
    if (std::optional<int64_t> axis = multiplier.getAxis())
      entry = multiplier.getEntryIndex(positionAlongAxis(index, shape, *axis));
    int64_t value = inputUnsigned ? x.getZExtValue() : x.getSExtValue();
    int64_t result = numerics::requantize(
        value, multiplier.getValue(entry), rounding, op.getInputZp(),
        op.getOutputZp(), range.min, range.max);
    results.push_back(APInt(resultWidth, result, /*isSigned=*/true,
                            /*implicitTrunc=*/true));
  }
  return DenseElementsAttr::get(op.getType(), results);
}

bool RequantOp::isIdentity() {
  numerics::IntRange fullRange =
      numerics::storageRange(widthOf(getResult()), !getOutputUnsigned());
  numerics::IntRange range = getResultRange();
  if (getInput().getType() != getType() || !getMultiplier().isIdentity() ||
      getInputZp() != 0 || getOutputZp() != 0 ||
      getInputUnsigned() != getOutputUnsigned() ||
      range.min != fullRange.min || range.max != fullRange.max)
    return false;
  if (getRounding() != RequantRounding::gemmlowp)
    return true;
  // gemmlowp first shifts x left by 31 - s, saturating to int32; m == 2^s is
  // the identity only where no input saturates.
  numerics::IntRange inputRange = getInputRange();
  return llvm::all_of(getMultiplier().getShifts(), [&](int32_t shift) {
    int64_t leftShift = kQ31FractionBits - shift;
    int64_t factor = int64_t{1} << leftShift;
    return inputRange.min * factor >= std::numeric_limits<int32_t>::min() &&
           inputRange.max * factor <= std::numeric_limits<int32_t>::max();
  });
}

OpFoldResult RequantOp::fold(FoldAdaptor adaptor) {
  if (auto input = dyn_cast_if_present<DenseIntElementsAttr>(adaptor.getInput()))
    return foldConstantRequant(*this, input);
  if (isIdentity())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// PackedMatMulOp
//===----------------------------------------------------------------------===//

/// Largest shared shift of group multipliers: with multipliers at most 2^S
/// (< 2^31), the i64 sum of multiplier times i32 partial sum stays below
/// 2^62.
static constexpr int64_t kMaxGroupShift = 31;
/// Largest |input - input_zp| of an i8 input with an i8 zero point.
static constexpr int64_t kMaxCenteredInput = 255;

int64_t PackedMatMulOp::getNumGroups() {
  std::optional<int64_t> groupSize = getGroupSize();
  return groupSize ? getReductionSize() / *groupSize : 1;
}

LogicalResult PackedMatMulOp::verify() {
  RankedTensorType inputType = getInput().getType();
  RankedTensorType weightType = getWeight().getType();
  RankedTensorType resultType = getResult().getType();
  int64_t k = inputType.getDimSize(1);
  int64_t rows = weightType.getDimSize(0);
  if (ShapedType::isDynamic(k) || !weightType.hasStaticShape())
    return emitOpError() << "expected a static K (input dimension 1) and a "
                            "statically shaped weight, got "
                         << inputType << " and " << weightType;
  if (k % static_cast<int64_t>(numerics::kPlaneBlockSize) != 0)
    return emitOpError() << "expected K (input dimension 1) to be a multiple "
                            "of "
                         << numerics::kPlaneBlockSize
                         << ", the packing block, got " << k;
  int64_t bits = static_cast<int64_t>(getBits());
  if (weightType.getDimSize(1) != k * bits / 8)
    return emitOpError() << "expected weight rows of K * bits / 8 = "
                         << k * bits / 8 << " bytes, got "
                         << weightType.getDimSize(1);
  if (failed(verifyCompatibleShape(
          resultType, RankedTensorType::get({inputType.getDimSize(0), rows},
                                            resultType.getElementType()))))
    return emitOpError() << "expected a result of shape [M, N] = ["
                         << inputType.getDimSize(0) << ", " << rows
                         << "], got " << resultType;
  numerics::IntRange inputRange = numerics::storageRange(8, /*isSigned=*/true);
  if (getInputZp() < inputRange.min || getInputZp() > inputRange.max)
    return emitOpError() << "input_zp " << getInputZp()
                         << " is outside i8's range";

  std::optional<int64_t> groupSize = getGroupSize();
  if (groupSize.has_value() != getGroupMultipliers().has_value() ||
      groupSize.has_value() != getGroupShift().has_value())
    return emitOpError()
           << "expected group_size, group_multipliers and group_shift together";
  int64_t groupLength = groupSize.value_or(k);
  int64_t maxPartialSum = groupLength * kMaxCenteredInput *
                          (int64_t{1} << (bits - 1));
  if (maxPartialSum > std::numeric_limits<int32_t>::max())
    return emitOpError() << "partial sums over " << groupLength
                         << " products of " << bits
                         << "-bit weights may overflow i32";
  if (!groupSize)
    return success();
  if (k % groupLength != 0 ||
      groupLength % static_cast<int64_t>(numerics::kPlaneBlockSize) != 0)
    return emitOpError() << "expected a group size dividing K = " << k
                         << " and a multiple of "
                         << numerics::kPlaneBlockSize << ", got " << groupLength;
  int64_t shift = *getGroupShift();
  if (shift > kMaxGroupShift)
    return emitOpError() << "expected a group shift of at most "
                         << kMaxGroupShift << ", got " << shift;
  ArrayRef<int32_t> multipliers = *getGroupMultipliers();
  if (static_cast<int64_t>(multipliers.size()) != rows * getNumGroups())
    return emitOpError() << "expected N * K / group_size = "
                         << rows * getNumGroups() << " group multipliers, got "
                         << multipliers.size();
  // Ratios of a group's scale to the row's reference scale are at most 1,
  // which keeps the result within the partial sums' range.
  for (int32_t multiplier : multipliers)
    if (multiplier < 0 || multiplier > (int64_t{1} << shift))
      return emitOpError() << "expected group multipliers in [0, 2^"
                           << shift << "], got " << multiplier;
  return success();
}

OpFoldResult PackedMatMulOp::fold(FoldAdaptor adaptor) {
  auto input = dyn_cast_if_present<DenseIntElementsAttr>(adaptor.getInput());
  auto weight = dyn_cast_if_present<DenseIntElementsAttr>(adaptor.getWeight());
  if (!input || !weight || !getType().hasStaticShape())
    return {};
  int64_t rows = getNumRows(), k = getReductionSize();
  int64_t depth = getInput().getType().getDimSize(0);
  int64_t groupSize = getGroupSize().value_or(k);
  unsigned bits = static_cast<unsigned>(getBits());
  SmallVector<uint8_t> packed;
  for (const APInt &byte : weight.getValues<APInt>())
    packed.push_back(static_cast<uint8_t>(byte.getZExtValue()));
  std::vector<int32_t> weights(rows * k);
  int64_t rowBytes = k * bits / 8;
  for (int64_t row = 0; row < rows; ++row)
    numerics::unpackBitPlanes(packed.data() + row * rowBytes, k, bits,
                              /*isSigned=*/true, weights.data() + row * k);
  SmallVector<int64_t> centered;
  for (const APInt &x : input.getValues<APInt>())
    centered.push_back(x.getSExtValue() - getInputZp());
  SmallVector<APInt> results;
  for (int64_t m = 0; m < depth; ++m) {
    for (int64_t row = 0; row < rows; ++row) {
      int64_t total = 0;
      for (int64_t group = 0; group < getNumGroups(); ++group) {
        int64_t partial = 0;
        for (int64_t i = group * groupSize; i < (group + 1) * groupSize; ++i)
          partial += centered[m * k + i] * weights[row * k + i];
        total += getGroupSize() ? getGroupMultiplier(row, group) * partial
                                : partial;
      }
      if (int64_t shift = getGroupShift().value_or(0); shift > 0)
        total = (total + (int64_t{1} << (shift - 1))) >> shift;
      results.push_back(APInt(32, total, /*isSigned=*/true));
    }
  }
  return DenseElementsAttr::get(getType(), results);
}

//===----------------------------------------------------------------------===//
// SoftmaxOp
//===----------------------------------------------------------------------===//

/// Emits an error unless `axis` names a dimension of a value of `rank`.
static LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= rank)
    return op->emitOpError() << "axis " << axis
                             << " is out of range for a value of rank " << rank;
  return success();
}

LogicalResult SoftmaxOp::verify() {
  RankedTensorType type = getInput().getType();
  if (failed(verifyAxis(*this, getAxis(), type.getRank())))
    return failure();
  if (!getMask())
    return success();
  auto maskType = cast<RankedTensorType>(getMask().getType());
  if (maskType.getRank() != type.getRank())
    return emitOpError() << "mask of rank " << maskType.getRank()
                         << " for an input of rank " << type.getRank()
                         << " (expected equal ranks)";
  for (auto [dim, sizes] :
       llvm::enumerate(llvm::zip(maskType.getShape(), type.getShape())))
    if (std::get<0>(sizes) != 1 && std::get<0>(sizes) != std::get<1>(sizes))
      return emitOpError() << "mask dimension " << dim << " is "
                           << std::get<0>(sizes) << "; expected 1 or "
                           << std::get<1>(sizes) << " (the input's)";
  return success();
}

//===----------------------------------------------------------------------===//
// LayerNormOp
//===----------------------------------------------------------------------===//

/// `shape` with the dimensions from `axis` on set to 1.
static SmallVector<int64_t> getStatisticsShape(ArrayRef<int64_t> shape,
                                               int64_t axis) {
  SmallVector<int64_t> statistics(shape);
  std::fill(statistics.begin() + axis, statistics.end(), 1);
  return statistics;
}

void LayerNormOp::build(OpBuilder &builder, OperationState &state,
                        Value input, Value scale, Value bias, int64_t axis,
                        double epsilon) {
  auto type = cast<RankedTensorType>(input.getType());
  auto statistics = type.clone(getStatisticsShape(type.getShape(), axis));
  build(builder, state, {type, statistics, statistics}, input, scale, bias,
        builder.getI64IntegerAttr(axis), builder.getF64FloatAttr(epsilon));
}

int64_t LayerNormOp::getNormalizedCount() {
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  return std::accumulate(shape.begin() + getAxis(), shape.end(), int64_t{1},
                         std::multiplies<int64_t>());
}

LogicalResult LayerNormOp::verify() {
  RankedTensorType type = getInput().getType();
  if (failed(verifyAxis(*this, getAxis(), type.getRank())))
    return failure();
  if (!(getEpsilon().convertToDouble() >= 0.0))
    return emitOpError() << "expected a non-negative epsilon";
  ArrayRef<int64_t> normalized = type.getShape().drop_front(getAxis());
  for (Value parameter : {getScale(), getBias()}) {
    if (!parameter)
      continue;
    auto parameterType = cast<RankedTensorType>(parameter.getType());
    if (parameterType.getShape() != normalized ||
        parameterType.getElementType() != type.getElementType())
      return emitOpError()
             << "expected scale and bias of the normalized shape ["
             << normalized << "] and element type " << type.getElementType()
             << ", got " << parameterType;
  }
  if (getResult().getType() != type)
    return emitOpError() << "expected the result type " << type
                         << " of the input";
  auto statistics = type.clone(getStatisticsShape(type.getShape(), getAxis()));
  for (Value result : {getMean(), getInvStdDev()})
    if (result.getType() != statistics)
      return emitOpError() << "expected mean and inv_std_dev of type "
                           << statistics << ", got " << result.getType();
  return success();
}

//===----------------------------------------------------------------------===//
// ObserveOp
//===----------------------------------------------------------------------===//

LogicalResult ObserveOp::verify() {
  if (getTag().empty())
    return emitOpError() << "expected a non-empty tag";
  std::optional<uint64_t> axis = getChannelAxis();
  int64_t rank = getInput().getType().getRank();
  if (axis && static_cast<int64_t>(*axis) >= rank)
    return emitOpError() << "channel_axis " << *axis
                         << " is out of range for a value of rank " << rank;
  return success();
}

#define GET_OP_CLASSES
#include "qc/IR/QCOps.cpp.inc"
