//===- IntegerNormalizations.cpp - Integer softmax and layer norm ---------===//
//
// Integer-only kernels for qc.softmax and qc.layer_norm between a
// qc.dequantize of int8 values and a per-tensor 8-bit qc.quantize. Compile
// time computes constants from the scales; run time uses integers only.
//
// Softmax (the table method of TFLite and TOSA): with 8-bit inputs,
// x_i - max is one of 256 integers, so exp(s (x_i - max)) comes from a table
// in fixed point; the row sum is exact in i32, and each output
// p_i / s_out = e_i / (sum s_out) is one rounded i64 division. A mask
// leaves its excluded positions out of the max and gives them e_i = 0.
//
// Layer normalization (I-BERT's integer mean and variance; the square root
// digit by digit instead of by Newton's iteration, exact either way): with
// d_i = N x_i - sum(x), exact in i32, the normalized value is
//
//   d_i sqrt(N) / sqrt(sum(d^2) + eps N^3 / s^2)
//
// (the input zero point cancels). The root is an integer square root of the
// i64 sum shifted left by 2k (k as large as fits, for precision); scale and
// bias become per-column fixed-point constants with c fraction bits; each
// output is one rounded i64 division.
//
//===----------------------------------------------------------------------===//

#include "IntegerNormalizations.h"

#include "QDQ.h"

#include "qc/IR/QC.h"
#include "qc/Numerics/Numerics.h"
#include "qc/Transforms/ConstantTensor.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/ADT/SmallBitVector.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qc;
namespace numerics = ::qc::numerics;

/// The number of values an 8-bit input takes (and so of differences
/// x_i - max).
static constexpr int64_t kInt8Values = 256;

/// The widest range of int8 differences, max(x) - min(x).
static constexpr int64_t kInt8Span = 255;

/// Magnitude bound, in bits, of every i64 intermediate of the kernels.
static constexpr int kSafeBits = 62;

/// Fraction bits of the softmax's exponentials, at most (fewer for rows so
/// long that their sums would not fit 31 bits).
static constexpr int kMaxExpFractionBits = 20;

/// Exponentials need at least this many fraction bits to resolve an 8-bit
/// probability.
static constexpr int kMinExpFractionBits = 10;

/// Fraction bits of the layer norm's scale and bias constants, at most.
static constexpr int kMaxParameterFractionBits = 16;

//===----------------------------------------------------------------------===//
// Kernel building
//===----------------------------------------------------------------------===//

namespace {
/// Where an operand of a row kernel varies.
enum class Layout {
  /// With every element (an operand's dimensions of size 1 broadcast).
  Full,
  /// With the row: the normalized dimensions dropped.
  Row,
  /// With the position in the row: the normalized dimensions only.
  Column,
};

using BodyBuilder = function_ref<Value(ImplicitLocOpBuilder &, ValueRange)>;

/// Builds the linalg.generics of a kernel over tensors of one shape whose
/// `normalized` dimensions form the rows.
class RowKernelBuilder {
public:
  RowKernelBuilder(ImplicitLocOpBuilder &builder, ArrayRef<int64_t> shape,
                   llvm::SmallBitVector normalized)
      : builder(builder), shape(shape), normalized(std::move(normalized)) {}

  SmallVector<int64_t> getShape(Layout layout) const {
    SmallVector<int64_t> result;
    for (auto [dim, size] : llvm::enumerate(shape))
      if (isIn(layout, dim))
        result.push_back(size);
    return result;
  }

  /// One value per row: `combine(operands..., accumulator)` over the row,
  /// starting from `init`.
  Value reduce(ArrayRef<std::pair<Value, Layout>> inputs, TypedAttr init,
               BodyBuilder combine) {
    Value empty = tensor::EmptyOp::create(builder, getShape(Layout::Row),
                                          init.getType());
    Value initial =
        linalg::FillOp::create(
            builder, arith::ConstantOp::create(builder, init).getResult(),
            empty)
            .getResult(0);
    SmallVector<utils::IteratorType> iterators;
    for (unsigned dim = 0; dim < shape.size(); ++dim)
      iterators.push_back(normalized.test(dim)
                              ? utils::IteratorType::reduction
                              : utils::IteratorType::parallel);
    return buildGeneric(inputs, initial, Layout::Row, iterators, combine,
                        /*readsOutput=*/true);
  }

  /// One value per element of the full shape: `compute(operands...)`.
  Value map(ArrayRef<std::pair<Value, Layout>> inputs, Type elementType,
            BodyBuilder compute) {
    Value empty = tensor::EmptyOp::create(builder, shape, elementType);
    SmallVector<utils::IteratorType> iterators(shape.size(),
                                               utils::IteratorType::parallel);
    return buildGeneric(inputs, empty, Layout::Full, iterators, compute,
                        /*readsOutput=*/false);
  }

private:
  bool isIn(Layout layout, size_t dim) const {
    return layout == Layout::Full ||
           (layout == Layout::Column) == normalized.test(dim);
  }

  AffineMap getMap(Layout layout, Value operand) const {
    ArrayRef<int64_t> operandShape =
        cast<RankedTensorType>(operand.getType()).getShape();
    SmallVector<AffineExpr> results;
    for (unsigned dim = 0; dim < shape.size(); ++dim) {
      if (!isIn(layout, dim))
        continue;
      bool broadcast = layout == Layout::Full && operandShape[dim] == 1 &&
                       shape[dim] != 1;
      results.push_back(broadcast ? builder.getAffineConstantExpr(0)
                                  : builder.getAffineDimExpr(dim));
    }
    return AffineMap::get(shape.size(), 0, results, builder.getContext());
  }

  Value buildGeneric(ArrayRef<std::pair<Value, Layout>> inputs, Value init,
                     Layout output, ArrayRef<utils::IteratorType> iterators,
                     BodyBuilder body, bool readsOutput) {
    SmallVector<Value> operands;
    SmallVector<AffineMap> maps;
    for (auto [value, layout] : inputs) {
      operands.push_back(value);
      maps.push_back(getMap(layout, value));
    }
    maps.push_back(getMap(output, init));
    auto generic = linalg::GenericOp::create(
        builder, init.getType(), operands, init, maps, iterators,
        [&](OpBuilder &nested, Location loc, ValueRange arguments) {
          ImplicitLocOpBuilder bodyBuilder(loc, nested);
          ValueRange used = readsOutput ? arguments : arguments.drop_back();
          linalg::YieldOp::create(bodyBuilder, body(bodyBuilder, used));
        });
    return generic.getResult(0);
  }

  ImplicitLocOpBuilder &builder;
  ArrayRef<int64_t> shape;
  llvm::SmallBitVector normalized;
};
} // namespace

static Value buildInt(ImplicitLocOpBuilder &builder, Type type,
                      int64_t value) {
  return arith::ConstantOp::create(builder, type,
                                   builder.getIntegerAttr(type, value));
}

static Value extendToI64(ImplicitLocOpBuilder &builder, Value value) {
  return arith::ExtSIOp::create(builder, builder.getI64Type(), value);
}

/// num / den rounded half away from zero, for den > 0.
static Value buildRoundedDivision(ImplicitLocOpBuilder &builder, Value num,
                                  Value den) {
  Type type = num.getType();
  Value half = arith::ShRSIOp::create(builder, den, buildInt(builder, type, 1));
  Value negative = arith::CmpIOp::create(builder, arith::CmpIPredicate::slt,
                                         num, buildInt(builder, type, 0));
  Value nudged = arith::SelectOp::create(
      builder, negative, arith::SubIOp::create(builder, num, half),
      arith::AddIOp::create(builder, num, half));
  return arith::DivSIOp::create(builder, nudged, den);
}

/// numerator / denominator (i64, rounded half away from zero) plus the
/// zero point of `output`, saturated to its storage range and truncated to
/// its storage type.
static Value buildOutputValue(ImplicitLocOpBuilder &builder, Value numerator,
                              Value denominator, const QuantParams &output) {
  quant::QuantizedType type = output.type;
  Type i64 = builder.getI64Type();
  Value value = buildRoundedDivision(builder, numerator, denominator);
  value = arith::AddIOp::create(
      builder, value, buildInt(builder, i64, output.zeroPoints.front()));
  value = arith::MaxSIOp::create(
      builder, value, buildInt(builder, i64, type.getStorageTypeMin()));
  value = arith::MinSIOp::create(
      builder, value, buildInt(builder, i64, type.getStorageTypeMax()));
  return arith::TruncIOp::create(builder, type.getStorageType(), value);
}

/// floor(sqrt(n)) for 0 <= n < 2^62, digit by digit: one bit of the root
/// per step from the highest, by compares, subtractions and shifts only (so
/// it vectorizes, unlike Newton's divisions and its count-leading-zeros
/// start).
static Value buildSquareRoot(ImplicitLocOpBuilder &builder, Value n) {
  Type type = n.getType();
  Value one = buildInt(builder, type, 1);
  Value remainder = n;
  Value root = buildInt(builder, type, 0);
  for (int bit = kSafeBits - 2; bit >= 0; bit -= 2) {
    Value candidate = arith::AddIOp::create(
        builder, root, buildInt(builder, type, int64_t{1} << bit));
    Value fits = arith::CmpIOp::create(builder, arith::CmpIPredicate::sge,
                                       remainder, candidate);
    remainder = arith::SelectOp::create(
        builder, fits, arith::SubIOp::create(builder, remainder, candidate),
        remainder);
    Value halved = arith::ShRUIOp::create(builder, root, one);
    root = arith::SelectOp::create(
        builder, fits,
        arith::AddIOp::create(builder, halved,
                              buildInt(builder, type, int64_t{1} << bit)),
        halved);
  }
  return root;
}

//===----------------------------------------------------------------------===//
// Matching
//===----------------------------------------------------------------------===//

/// A composite op's quantized input and output.
struct QuantizedComposite {
  DequantizedValue input;
  QuantizeOp output;
  QuantParams outputParams;
};

/// Matches `qc.quantize(result)` with `input` = `qc.dequantize` of int8
/// per tensor, the quantize per tensor of 8 bits and the result's only use.
static std::optional<QuantizedComposite> matchQuantizedComposite(Value input,
                                                                 Value result) {
  std::optional<DequantizedValue> dequantized = matchDequantized(input);
  if (!dequantized || !dequantized->isSigned() ||
      dequantized->getBitWidth() != 8 || !dequantized->params.isPerTensor() ||
      !result.hasOneUse())
    return std::nullopt;
  auto quantize = dyn_cast<QuantizeOp>(*result.user_begin());
  if (!quantize)
    return std::nullopt;
  std::optional<QuantParams> output =
      QuantParams::get(quantize.getType().getElementType());
  if (!output || !output->isPerTensor() ||
      output->type.getStorageTypeIntegralWidth() != 8)
    return std::nullopt;
  return QuantizedComposite{*dequantized, quantize, *output};
}

/// Replaces the qc.quantize of `composite` by the quantized view of
/// `storage` and erases the composite `op`.
static void replaceComposite(PatternRewriter &rewriter, Operation *op,
                             QuantizedComposite &composite, Value storage) {
  rewriter.replaceOpWithNewOp<quant::StorageCastOp>(
      composite.output, composite.output.getType(), storage);
  rewriter.eraseOp(op);
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

namespace {
/// quantize(softmax(dequantize(x))) -> max, a table of exponentials, the
/// i32 row sum and one rounded division per element.
struct LowerSoftmaxToInteger : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<QuantizedComposite> composite =
        matchQuantizedComposite(op.getInput(), op.getResult());
    if (!composite)
      return failure();
    RankedTensorType type = op.getType();
    int64_t count = type.getDimSize(op.getAxis());
    // Sums of `count` exponentials of at most 2^fractionBits fit 31 bits.
    int fractionBits = std::min(
        kMaxExpFractionBits, 30 - static_cast<int>(llvm::Log2_64_Ceil(count)));
    if (fractionBits < kMinExpFractionBits)
      return rewriter.notifyMatchFailure(op, "rows too long for an i32 sum");
    // 1 / s_out = m * 2^-shift; products e * m stay below 2^51 and divisors
    // sum * 2^shift below 2^62 for shifts up to 31.
    constexpr int kMaxShift = 31;
    std::optional<numerics::Dyadic> reciprocal =
        numerics::quantizeMultiplier(1.0 / composite->outputParams.scales[0]);
    if (!reciprocal || reciprocal->shift < 0 || reciprocal->shift > kMaxShift)
      return rewriter.notifyMatchFailure(op, "output scale out of range");

    ImplicitLocOpBuilder builder(op.getLoc(), rewriter);
    Value table = buildExponentialTable(builder, composite->input.params,
                                        fractionBits);
    llvm::SmallBitVector normalized(type.getRank());
    normalized.set(op.getAxis());
    RowKernelBuilder kernel(builder, type.getShape(), normalized);
    Value input = composite->input.getStorage(builder, op.getLoc());
    Type i8 = builder.getI8Type(), i32 = builder.getI32Type(),
         i64 = builder.getI64Type();
    // Masked positions leave the max unchanged and get exponential 0; a row
    // with none kept sums to 0, divided as 1, so its outputs are all 0.
    Value mask = op.getMask();
    SmallVector<std::pair<Value, Layout>> inputs = {{input, Layout::Full}};
    if (mask)
      inputs.push_back({mask, Layout::Full});
    auto keepMasked = [&](ImplicitLocOpBuilder &b, ValueRange x,
                          Value value, Value excluded) -> Value {
      return mask ? arith::SelectOp::create(b, x[1], value, excluded)
                  : value;
    };
    Value max = kernel.reduce(
        inputs, builder.getIntegerAttr(i8, INT8_MIN),
        [&](ImplicitLocOpBuilder &b, ValueRange x) -> Value {
          Value accumulator = x.back();
          return arith::MaxSIOp::create(
              b, keepMasked(b, x, x[0], accumulator), accumulator);
        });
    inputs.push_back({max, Layout::Row});
    Value exponentials = kernel.map(
        inputs, i32, [&](ImplicitLocOpBuilder &b, ValueRange x) -> Value {
          Value rowMax = x.back();
          Value distance = arith::SubIOp::create(
              b, arith::ExtSIOp::create(b, i32, rowMax),
              arith::ExtSIOp::create(b, i32,
                                     keepMasked(b, x, x[0], rowMax)));
          Value index =
              arith::IndexCastOp::create(b, b.getIndexType(), distance);
          return keepMasked(b, x, tensor::ExtractOp::create(b, table, index),
                            buildInt(b, i32, 0));
        });
    Value sums = kernel.reduce(
        {{exponentials, Layout::Full}}, builder.getIntegerAttr(i32, 0),
        [](ImplicitLocOpBuilder &b, ValueRange x) -> Value {
          return arith::AddIOp::create(b, x[0], x[1]);
        });
    const QuantParams &output = composite->outputParams;
    Value result = kernel.map(
        {{exponentials, Layout::Full}, {sums, Layout::Row}},
        output.type.getStorageType(),
        [&](ImplicitLocOpBuilder &b, ValueRange x) -> Value {
          Value numerator = arith::MulIOp::create(
              b, extendToI64(b, x[0]),
              buildInt(b, i64, reciprocal->multiplier));
          Value sum = extendToI64(b, x[1]);
          if (mask)
            sum = arith::MaxSIOp::create(b, sum, buildInt(b, i64, 1));
          Value denominator = arith::ShLIOp::create(
              b, sum, buildInt(b, i64, reciprocal->shift));
          return buildOutputValue(b, numerator, denominator, output);
        });
    replaceComposite(rewriter, op, *composite, result);
    return success();
  }

private:
  /// round(exp(-s k) 2^fractionBits) for k = 0..255 as i32.
  static Value buildExponentialTable(ImplicitLocOpBuilder &builder,
                                     const QuantParams &input,
                                     int fractionBits) {
    SmallVector<int32_t> entries;
    double scale = input.scales.front();
    for (int64_t distance = 0; distance < kInt8Values; ++distance)
      entries.push_back(static_cast<int32_t>(std::lround(
          std::ldexp(std::exp(-scale * static_cast<double>(distance)),
                     fractionBits))));
    auto type = RankedTensorType::get({kInt8Values}, builder.getI32Type());
    return arith::ConstantOp::create(
        builder, type, DenseIntElementsAttr::get(type, ArrayRef(entries)));
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Layer normalization
//===----------------------------------------------------------------------===//

namespace {
/// The compile-time constants of an integer layer norm.
struct LayerNormConstants {
  /// round(eps N^3 / s^2): epsilon in units of sum(d^2).
  int64_t epsilon;
  /// The root's extra precision: sqrt(sum(d^2) 4^k) = 2^k sqrt(sum(d^2)).
  int rootShift;
  /// Fraction bits of `scales` and `biases`.
  int fractionBits;
  /// round(gamma_j sqrt(N) / s_out 2^c) and round(beta_j / s_out 2^c).
  SmallVector<int64_t> scales, biases;
};

/// quantize(layer_norm(dequantize(x), gamma, beta)) with constant gamma and
/// beta -> integer sums, an integer square root per row and one rounded
/// division per element.
struct LowerLayerNormToInteger : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<QuantizedComposite> composite =
        matchQuantizedComposite(op.getInput(), op.getResult());
    if (!composite || !op.getMean().use_empty() ||
        !op.getInvStdDev().use_empty())
      return failure();
    std::optional<FloatTensor> gamma = evaluateFloatConstant(op.getScale());
    std::optional<FloatTensor> beta;
    if (op.getBias() && !(beta = evaluateFloatConstant(op.getBias())))
      return rewriter.notifyMatchFailure(op, "bias is not a constant");
    if (!gamma)
      return rewriter.notifyMatchFailure(op, "scale is not a constant");
    int64_t count = op.getNormalizedCount();
    std::optional<LayerNormConstants> constants = computeConstants(
        count, op.getEpsilon().convertToDouble(),
        composite->input.params.scales.front(),
        composite->outputParams.scales.front(), gamma->values,
        beta ? ArrayRef<float>(beta->values) : ArrayRef<float>());
    if (!constants)
      return rewriter.notifyMatchFailure(
          op, "rows too long or scales out of range for 62-bit arithmetic");

    ImplicitLocOpBuilder builder(op.getLoc(), rewriter);
    RankedTensorType type = op.getInput().getType();
    llvm::SmallBitVector normalized(type.getRank());
    normalized.set(op.getAxis(), type.getRank());
    RowKernelBuilder kernel(builder, type.getShape(), normalized);
    Type i32 = builder.getI32Type(), i64 = builder.getI64Type();
    Value input = composite->input.getStorage(builder, op.getLoc());
    // d = N x - sum(x), in i64 for the products that follow.
    auto centered = [&](ImplicitLocOpBuilder &b, Value x, Value sum) {
      return arith::SubIOp::create(
          b,
          arith::MulIOp::create(b, extendToI64(b, x),
                                buildInt(b, i64, count)),
          extendToI64(b, sum));
    };
    Value sums = kernel.reduce(
        {{input, Layout::Full}}, builder.getIntegerAttr(i32, 0),
        [&](ImplicitLocOpBuilder &b, ValueRange x) -> Value {
          return arith::AddIOp::create(b, arith::ExtSIOp::create(b, i32, x[0]),
                                       x[1]);
        });
    Value squares = kernel.reduce(
        {{input, Layout::Full}, {sums, Layout::Row}},
        builder.getIntegerAttr(i64, 0),
        [&](ImplicitLocOpBuilder &b, ValueRange x) -> Value {
          Value d = centered(b, x[0], x[1]);
          return arith::AddIOp::create(b, arith::MulIOp::create(b, d, d), x[2]);
        });
    RowKernelBuilder rows(builder, kernel.getShape(Layout::Row),
                          llvm::SmallBitVector(kernel.getShape(Layout::Row).size()));
    Value roots = rows.map(
        {{squares, Layout::Full}}, i64,
        [&](ImplicitLocOpBuilder &b, ValueRange x) -> Value {
          Value shifted = arith::ShLIOp::create(
              b,
              arith::AddIOp::create(b, x[0],
                                    buildInt(b, i64, constants->epsilon)),
              buildInt(b, i64, 2 * constants->rootShift));
          // A row of equal values with epsilon 0 has variance 0.
          return arith::MaxSIOp::create(b, buildSquareRoot(b, shifted),
                                        buildInt(b, i64, 1));
        });
    auto columnType =
        RankedTensorType::get(kernel.getShape(Layout::Column), i64);
    Value scales = arith::ConstantOp::create(
        builder, columnType,
        DenseIntElementsAttr::get(columnType, ArrayRef(constants->scales)));
    Value biases = arith::ConstantOp::create(
        builder, columnType,
        DenseIntElementsAttr::get(columnType, ArrayRef(constants->biases)));
    const QuantParams &output = composite->outputParams;
    Value result = kernel.map(
        {{input, Layout::Full},
         {sums, Layout::Row},
         {roots, Layout::Row},
         {scales, Layout::Column},
         {biases, Layout::Column}},
        output.type.getStorageType(),
        [&](ImplicitLocOpBuilder &b, ValueRange x) -> Value {
          // (d C_j 2^k + B_j root) / (root 2^c)
          Value scaled = arith::ShLIOp::create(
              b, arith::MulIOp::create(b, centered(b, x[0], x[1]), x[3]),
              buildInt(b, i64, constants->rootShift));
          Value numerator = arith::AddIOp::create(
              b, scaled, arith::MulIOp::create(b, x[4], x[2]));
          Value denominator = arith::ShLIOp::create(
              b, x[2], buildInt(b, i64, constants->fractionBits));
          return buildOutputValue(b, numerator, denominator, output);
        });
    replaceComposite(rewriter, op, *composite, result);
    return success();
  }

private:
  /// The shifts and fixed-point parameters for rows of `count` int8 values
  /// at scale `inputScale`, with every i64 intermediate below 2^62; none
  /// where no choice fits.
  static std::optional<LayerNormConstants>
  computeConstants(int64_t count, double epsilon, double inputScale,
                   double outputScale, ArrayRef<float> gamma,
                   ArrayRef<float> beta) {
    double n = static_cast<double>(count);
    double limit = std::ldexp(1.0, kSafeBits);
    LayerNormConstants constants;
    double epsilonUnits = epsilon * n * n * n / (inputScale * inputScale);
    if (!(epsilonUnits < limit / 4))
      return std::nullopt;
    constants.epsilon = std::llround(epsilonUnits);
    double maxCentered = n * kInt8Span;
    double maxSquares = n * maxCentered * maxCentered + epsilonUnits;
    constants.rootShift = static_cast<int>(
        std::floor((kSafeBits - std::log2(maxSquares)) / 2));
    if (constants.rootShift < 0)
      return std::nullopt;
    double maxRoot = std::ldexp(std::sqrt(maxSquares), constants.rootShift);
    double gammaUnits = std::sqrt(n) / outputScale, betaUnits = 1.0 / outputScale;
    double maxGamma = 0.0, maxBeta = 0.0;
    for (float value : gamma)
      maxGamma = std::max(maxGamma, std::fabs(value) * gammaUnits);
    for (float value : beta)
      maxBeta = std::max(maxBeta, std::fabs(value) * betaUnits);
    for (int bits = kMaxParameterFractionBits; bits >= 0; --bits) {
      double unit = std::ldexp(1.0, bits);
      double numerator =
          std::ldexp(maxCentered * (maxGamma * unit + 1),
                     constants.rootShift) +
          (maxBeta * unit + 1) * maxRoot;
      if (numerator < limit && maxRoot * unit < limit) {
        constants.fractionBits = bits;
        for (auto [index, value] : llvm::enumerate(gamma)) {
          constants.scales.push_back(
              std::llround(value * gammaUnits * unit));
          constants.biases.push_back(
              beta.empty() ? 0 : std::llround(beta[index] * betaUnits * unit));
        }
        return constants;
      }
    }
    return std::nullopt;
  }
};
} // namespace

void mlir::qc::populateIntegerNormalizationPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LowerSoftmaxToInteger, LowerLayerNormToInteger>(
      patterns.getContext());
}
