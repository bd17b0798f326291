//===- LowerQuantOps.cpp - qc quantization ops to linalg ------------------===//
//
// Lowers qc.requant, qc.quantize and qc.dequantize to elementwise
// linalg.generic ops whose bodies compute the numerics library's definitions
// in arith/math. Per-axis, per-group and sub-channel parameters become
// constant tensors read through the generic's indexing maps.
//
//===----------------------------------------------------------------------===//

#include "qc/IR/QC.h"
#include "qc/IR/QuantParams.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

namespace mlir::qc {
#define GEN_PASS_DEF_QCLOWERQUANTOPS
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;
namespace numerics = ::qc::numerics;

//===----------------------------------------------------------------------===//
// Elementwise linalg.generic with parameter tensors
//===----------------------------------------------------------------------===//

namespace {
/// A constant tensor of per-axis/group/block parameters and the map from the
/// data's iteration space to it.
struct ParamTensor {
  Value tensor;
  AffineMap map;
};

using ScalarBodyBuilder =
    function_ref<Value(OpBuilder &, Location, Value, ValueRange)>;
} // namespace

/// Builds `linalg.generic` computing `body(element, params...)` for each
/// element of `input`, producing a tensor of `resultElementType`.
static Value buildElementwise(OpBuilder &builder, Location loc, Value input,
                              Type resultElementType,
                              ArrayRef<ParamTensor> params,
                              ScalarBodyBuilder body) {
  auto inputType = cast<RankedTensorType>(input.getType());
  Value init = tensor::EmptyOp::create(
      builder, loc, tensor::getMixedSizes(builder, loc, input),
      resultElementType);
  AffineMap identity =
      builder.getMultiDimIdentityMap(static_cast<unsigned>(inputType.getRank()));
  SmallVector<Value> inputs = {input};
  SmallVector<AffineMap> maps = {identity};
  for (const ParamTensor &param : params) {
    inputs.push_back(param.tensor);
    maps.push_back(param.map);
  }
  maps.push_back(identity);
  SmallVector<utils::IteratorType> iterators(inputType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      builder, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args.front(),
                            args.drop_front().drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

static Value constantInt(OpBuilder &builder, Location loc, Type type,
                         int64_t value) {
  return arith::ConstantOp::create(builder, loc,
                                   builder.getIntegerAttr(type, value));
}

/// A 1-D or N-D constant tensor holding `values`.
template <typename T>
static Value constantTensor(OpBuilder &builder, Location loc,
                            ArrayRef<int64_t> shape, Type elementType,
                            ArrayRef<T> values) {
  auto type = RankedTensorType::get(shape, elementType);
  return arith::ConstantOp::create(builder, loc,
                                   DenseElementsAttr::get(type, values));
}

//===----------------------------------------------------------------------===//
// Integer helpers on i64 scalars
//===----------------------------------------------------------------------===//

namespace {
/// Builds i64 arithmetic at one insertion point.
class I64Builder {
public:
  I64Builder(OpBuilder &builder, Location loc)
      : b(builder), loc(loc), i64(builder.getI64Type()) {}

  Value constant(int64_t value) { return constantInt(b, loc, i64, value); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value shl(Value x, Value y) { return arith::ShLIOp::create(b, loc, x, y); }
  Value shr(Value x, Value y) { return arith::ShRSIOp::create(b, loc, x, y); }
  Value andi(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value divTowardZero(Value x, Value y) {
    return arith::DivSIOp::create(b, loc, x, y);
  }
  Value cmp(arith::CmpIPredicate predicate, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, predicate, x, y);
  }
  Value select(Value condition, Value x, Value y) {
    return arith::SelectOp::create(b, loc, condition, x, y);
  }
  Value clamp(Value x, int64_t lo, int64_t hi) {
    Value atLeastLo = arith::MaxSIOp::create(b, loc, x, constant(lo));
    return arith::MinSIOp::create(b, loc, atLeastLo, constant(hi));
  }
  Value boolToInt(Value flag) {
    return arith::ExtUIOp::create(b, loc, i64, flag);
  }
  /// 2^(e - 1) for e > 0, 0 for e == 0: the rounding term of a right shift.
  Value halfOf(Value exponent) {
    Value zero = constant(0);
    Value isZero = cmp(arith::CmpIPredicate::eq, exponent, zero);
    Value half = shl(constant(1), sub(exponent, constant(1)));
    return select(isZero, zero, half);
  }
  Value extend(Value x, bool isUnsigned) {
    if (x.getType() == i64)
      return x;
    if (isUnsigned)
      return arith::ExtUIOp::create(b, loc, i64, x);
    return arith::ExtSIOp::create(b, loc, i64, x);
  }

private:
  OpBuilder &b;
  Location loc;
  Type i64;
};
} // namespace

//===----------------------------------------------------------------------===//
// qc.requant
//===----------------------------------------------------------------------===//

/// round(x * m / 2^s) for the TOSA-style single or double rounding, exact in
/// i64 (the verifier bounds |x| so that x * m + round fits).
static Value buildSingleOrDoubleRound(I64Builder &b, Value x, Value m, Value s,
                                      bool doubleRound) {
  Value round = b.halfOf(s);
  if (doubleRound) {
    // TOSA DOUBLE_ROUND: +-2^30 more when the shift exceeds 31.
    constexpr int64_t kDoubleRoundThreshold = 31;
    constexpr int64_t kDoubleRoundTerm = int64_t{1} << 30;
    Value nonNegative =
        b.cmp(arith::CmpIPredicate::sge, x, b.constant(0));
    Value term = b.select(nonNegative, b.constant(kDoubleRoundTerm),
                          b.constant(-kDoubleRoundTerm));
    Value large =
        b.cmp(arith::CmpIPredicate::sgt, s, b.constant(kDoubleRoundThreshold));
    round = b.add(round, b.select(large, term, b.constant(0)));
  }
  return b.shr(b.add(b.mul(x, m), round), s);
}

/// Exact x * m / 2^s rounded half to even.
static Value buildHalfToEven(I64Builder &b, Value x, Value m, Value s) {
  Value product = b.mul(x, m);
  Value floor = b.shr(product, s);
  Value remainder = b.sub(product, b.shl(floor, s));
  Value half = b.halfOf(s);
  Value aboveHalf = b.cmp(arith::CmpIPredicate::sgt, remainder, half);
  Value atHalf = b.andi(b.boolToInt(b.cmp(arith::CmpIPredicate::eq, remainder,
                                          half)),
                        b.andi(floor, b.constant(1)));
  // s == 0 has no fraction: half is 0 and so is the remainder.
  Value hasFraction = b.cmp(arith::CmpIPredicate::ne, s, b.constant(0));
  Value roundUp = b.select(hasFraction,
                           b.add(b.boolToInt(aboveHalf), atHalf),
                           b.constant(0));
  return b.add(floor, roundUp);
}

/// TFLite MultiplyByQuantizedMultiplier: saturating left shift for s < 31,
/// SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT for s > 31.
static Value buildGemmlowp(I64Builder &b, Value x, Value m, Value s) {
  constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
  constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
  constexpr int64_t kFixedPointBits = 31;
  Value bits = b.constant(kFixedPointBits);
  Value zero = b.constant(0);
  auto max = [&](Value v, Value w) {
    return b.select(b.cmp(arith::CmpIPredicate::sgt, v, w), v, w);
  };
  Value leftShift = max(b.sub(bits, s), zero);
  Value rightShift = max(b.sub(s, bits), zero);
  Value shifted = b.clamp(b.shl(b.clamp(x, kInt32Min, kInt32Max), leftShift),
                          kInt32Min, kInt32Max);
  // SaturatingRoundingDoublingHighMul; m >= 0 rules out INT32_MIN^2.
  Value product = b.mul(shifted, m);
  Value nudge = b.select(b.cmp(arith::CmpIPredicate::sge, product, zero),
                         b.constant(int64_t{1} << 30),
                         b.constant(1 - (int64_t{1} << 30)));
  Value high = b.divTowardZero(b.add(product, nudge),
                               b.constant(int64_t{1} << kFixedPointBits));
  // RoundingDivideByPOT: ties away from zero.
  Value mask = b.sub(b.shl(b.constant(1), rightShift), b.constant(1));
  Value remainder = b.andi(high, mask);
  Value threshold =
      b.add(b.shr(mask, b.constant(1)),
            b.boolToInt(b.cmp(arith::CmpIPredicate::slt, high, zero)));
  Value roundUp =
      b.boolToInt(b.cmp(arith::CmpIPredicate::sgt, remainder, threshold));
  return b.add(b.shr(high, rightShift), roundUp);
}

static Value buildRequantRound(I64Builder &b, RequantRounding rounding,
                               Value x, Value m, Value s) {
  switch (rounding) {
  case RequantRounding::gemmlowp:
    return buildGemmlowp(b, x, m, s);
  case RequantRounding::single_round:
  case RequantRounding::inexact_round:
    return buildSingleOrDoubleRound(b, x, m, s, /*doubleRound=*/false);
  case RequantRounding::double_round:
    return buildSingleOrDoubleRound(b, x, m, s, /*doubleRound=*/true);
  case RequantRounding::half_to_even:
    return buildHalfToEven(b, x, m, s);
  }
  llvm_unreachable("unknown requant rounding");
}

namespace {
struct LowerRequant : OpRewritePattern<RequantOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(RequantOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    DyadicAttr dyadic = op.getMultiplier();
    RankedTensorType inputType = op.getInput().getType();
    Type i64 = rewriter.getI64Type();

    // Per-axis or per-group multipliers are read through an indexing map.
    SmallVector<ParamTensor> params;
    if (std::optional<int64_t> axis = dyadic.getAxis()) {
      AffineExpr position = rewriter.getAffineDimExpr(*axis);
      if (std::optional<int64_t> groupSize = dyadic.getGroupSize())
        position = position.floorDiv(*groupSize);
      auto map = AffineMap::get(inputType.getRank(), 0, position);
      auto size = static_cast<int64_t>(dyadic.size());
      SmallVector<int64_t> multipliers(dyadic.getMultipliers());
      SmallVector<int64_t> shifts(dyadic.getShifts());
      params.push_back({constantTensor<int64_t>(rewriter, loc, {size}, i64,
                                                multipliers),
                        map});
      params.push_back(
          {constantTensor<int64_t>(rewriter, loc, {size}, i64, shifts), map});
    }

    numerics::IntRange range = op.getResultRange();
    Type resultElementType = op.getType().getElementType();
    auto body = [&](OpBuilder &builder, Location bodyLoc, Value element,
                    ValueRange perElement) -> Value {
      I64Builder b(builder, bodyLoc);
      Value m, s;
      if (perElement.empty()) {
        numerics::Dyadic value = dyadic.getValue(0);
        m = b.constant(value.multiplier);
        s = b.constant(value.shift);
      } else {
        m = perElement[0];
        s = perElement[1];
      }
      Value x = b.sub(b.extend(element, op.getInputUnsigned()),
                      b.constant(op.getInputZp()));
      Value rounded = buildRequantRound(b, op.getRounding(), x, m, s);
      Value result = b.clamp(b.add(rounded, b.constant(op.getOutputZp())),
                             range.min, range.max);
      return arith::TruncIOp::create(builder, bodyLoc, resultElementType,
                                     result);
    };
    rewriter.replaceOp(op, buildElementwise(rewriter, loc, op.getInput(),
                                            resultElementType, params, body));
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// qc.quantize and qc.dequantize
//===----------------------------------------------------------------------===//

/// The map from data coordinates to parameter coordinates of a layout.
static AffineMap buildParamMap(OpBuilder &builder, const QuantLayout &layout) {
  SmallVector<AffineExpr> exprs;
  for (auto [dim, paramSize] : llvm::enumerate(layout.paramShape)) {
    if (paramSize == 1) {
      exprs.push_back(builder.getAffineConstantExpr(0));
      continue;
    }
    AffineExpr position = builder.getAffineDimExpr(dim);
    int64_t blockSize = layout.blockSizes[dim];
    exprs.push_back(blockSize == 1 ? position : position.floorDiv(blockSize));
  }
  return AffineMap::get(layout.paramShape.size(), 0, exprs,
                        builder.getContext());
}

/// Largest magnitude quantize saturates x / scale to before converting to
/// i64: far beyond any storage range (<= 32 bits plus a zero point), exactly
/// representable, and finite in the float type (f16 tops out at 65504).
static double finiteBound(FloatType type) {
  constexpr double kSafeBound = 1ull << 40;
  double largest =
      APFloat::getLargest(type.getFloatSemantics()).convertToDouble();
  return std::min(kSafeBound, largest);
}

namespace {
/// Scale and zero point of the element a body computes: constants for
/// per-tensor types, else read from parameter tensors.
struct ScalarParams {
  Value scale;
  Value zeroPoint;
};

/// Prepares the parameters of a quantized tensor type for an elementwise
/// body: per-tensor parameters become body constants, others parameter
/// tensors.
class ParamLowering {
public:
  ParamLowering(OpBuilder &builder, Location loc, RankedTensorType quantTensor,
                FloatType floatType)
      : quantType(cast<quant::QuantizedType>(quantTensor.getElementType())),
        floatType(floatType),
        layout(*QuantLayout::get(quantType, quantTensor.getShape())) {
    if (layout.isPerTensor())
      return;
    AffineMap map = buildParamMap(builder, layout);
    SmallVector<APFloat> scales;
    for (double scale : layout.scales) {
      APFloat value(scale);
      bool losesInfo;
      value.convert(floatType.getFloatSemantics(),
                    APFloat::rmNearestTiesToEven, &losesInfo);
      scales.push_back(value);
    }
    params.push_back(
        {constantTensor<APFloat>(builder, loc, layout.paramShape, floatType,
                                 scales),
         map});
    params.push_back({constantTensor<int64_t>(builder, loc, layout.paramShape,
                                              builder.getI64Type(),
                                              layout.zeroPoints),
                      map});
  }

  ArrayRef<ParamTensor> getParamTensors() const { return params; }

  ScalarParams getScalars(OpBuilder &builder, Location loc,
                          ValueRange perElement) const {
    if (!perElement.empty())
      return {perElement[0], perElement[1]};
    return {arith::ConstantOp::create(
                builder, loc, builder.getFloatAttr(floatType, layout.scales[0])),
            constantInt(builder, loc, builder.getI64Type(),
                        layout.zeroPoints[0])};
  }

  quant::QuantizedType getQuantType() const { return quantType; }

private:
  quant::QuantizedType quantType;
  FloatType floatType;
  QuantLayout layout;
  SmallVector<ParamTensor> params;
};

struct LowerQuantize : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    auto floatType = cast<FloatType>(op.getInput().getType().getElementType());
    ParamLowering lowering(rewriter, loc, resultType, floatType);
    quant::QuantizedType quantType = lowering.getQuantType();
    Type storageType = quantType.getStorageType();
    int64_t qmin = quantType.getStorageTypeMin();
    int64_t qmax = quantType.getStorageTypeMax();
    FloatRounding rounding = op.getRounding();

    auto body = [&](OpBuilder &builder, Location bodyLoc, Value x,
                    ValueRange perElement) -> Value {
      ScalarParams params = lowering.getScalars(builder, bodyLoc, perElement);
      I64Builder b(builder, bodyLoc);
      Value scaled = arith::DivFOp::create(builder, bodyLoc, x, params.scale);
      Value rounded =
          rounding == FloatRounding::half_to_even
              ? Value(math::RoundEvenOp::create(builder, bodyLoc, scaled))
              : Value(math::RoundOp::create(builder, bodyLoc, scaled));
      // Saturate in float to a finite range that converts to i64 exactly,
      // then add the zero point and saturate exactly in integers. NaN maps
      // to 0.
      double bound = finiteBound(floatType);
      Value lo = arith::ConstantOp::create(
          builder, bodyLoc, builder.getFloatAttr(floatType, -bound));
      Value hi = arith::ConstantOp::create(
          builder, bodyLoc, builder.getFloatAttr(floatType, bound));
      Value bounded = arith::MinimumFOp::create(
          builder, bodyLoc, arith::MaximumFOp::create(builder, bodyLoc, rounded, lo),
          hi);
      Value isNaN = arith::CmpFOp::create(
          builder, bodyLoc, arith::CmpFPredicate::UNO, rounded, rounded);
      Value integer = b.select(
          isNaN, b.constant(0),
          arith::FPToSIOp::create(builder, bodyLoc, builder.getI64Type(),
                                  bounded));
      Value result = b.clamp(b.add(integer, params.zeroPoint), qmin, qmax);
      return arith::TruncIOp::create(builder, bodyLoc, storageType, result);
    };
    Value stored = buildElementwise(rewriter, loc, op.getInput(), storageType,
                                    lowering.getParamTensors(), body);
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, resultType, stored);
    return success();
  }
};

struct LowerDequantize : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType inputType = op.getInput().getType();
    auto floatType = cast<FloatType>(op.getType().getElementType());
    ParamLowering lowering(rewriter, loc, inputType, floatType);
    quant::QuantizedType quantType = lowering.getQuantType();
    Value stored = quant::StorageCastOp::create(
        rewriter, loc, inputType.clone(quantType.getStorageType()),
        op.getInput());
    bool isUnsigned = !quantType.isSigned();

    auto body = [&](OpBuilder &builder, Location bodyLoc, Value q,
                    ValueRange perElement) -> Value {
      ScalarParams params = lowering.getScalars(builder, bodyLoc, perElement);
      I64Builder b(builder, bodyLoc);
      Value centered = b.sub(b.extend(q, isUnsigned), params.zeroPoint);
      Value asFloat =
          arith::SIToFPOp::create(builder, bodyLoc, floatType, centered);
      return arith::MulFOp::create(builder, bodyLoc, asFloat, params.scale);
    };
    rewriter.replaceOp(op, buildElementwise(rewriter, loc, stored, floatType,
                                            lowering.getParamTensors(), body));
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {
struct LowerQuantOpsPass
    : public mlir::qc::impl::QCLowerQuantOpsBase<LowerQuantOpsPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    ConversionTarget target(*context);
    target.addIllegalOp<QuantizeOp, DequantizeOp, RequantOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(context);
    patterns.add<LowerRequant, LowerQuantize, LowerDequantize>(context);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      return signalPassFailure();
    // The annotations described the float model's values for quantization,
    // which is done; bufferization would carry them onto ops that no longer
    // have results.
    getOperation()->walk([](Operation *op) {
      op->removeAttr(QCDialect::kStatsAttrName);
      op->removeAttr(QCDialect::kSchemeAttrName);
    });
  }
};
} // namespace
