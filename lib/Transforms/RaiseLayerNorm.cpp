//===- RaiseLayerNorm.cpp - Spelled-out layer normalization to qc ---------===//
//
// Before opset 17, exporters write LayerNormalization as ReduceMean, Sub,
// Pow, ReduceMean, Add, Sqrt, Div, Mul and Add. Quantizing each of them
// would put the variance and the standard deviation in 8 bits; as one
// qc.layer_norm, the integer lowering keeps them exact. The matchers follow
// the ONNX importer's spelling of those nodes.
//
//===----------------------------------------------------------------------===//

#include "qc/IR/QC.h"
#include "qc/Transforms/ConstantTensor.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCRAISELAYERNORM
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

/// How far the factor of a mean may be from 1/N (it is rounded to the
/// element type).
static constexpr double kMeanFactorTolerance = 1e-6;

/// The single op of an elementwise linalg.generic with `numInputs` inputs
/// whose result is `value` (the op yields it).
static Operation *getElementwiseBody(Value value, unsigned numInputs) {
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInputs() != numInputs ||
      generic.getNumDpsInits() != 1 || !generic.isAllParallelLoops())
    return nullptr;
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 2 ||
      body.getTerminator()->getOperand(0) != body.front().getResult(0))
    return nullptr;
  return &body.front();
}

/// The generic input that block argument `operand` of its body stands for.
static Value getGenericInput(Operation *bodyOp, Value operand) {
  auto argument = dyn_cast<BlockArgument>(operand);
  if (!argument || argument.getOwner() != bodyOp->getBlock())
    return {};
  auto generic = cast<linalg::GenericOp>(bodyOp->getParentOp());
  if (argument.getArgNumber() >= generic.getNumDpsInputs())
    return {};
  return generic.getDpsInputs()[argument.getArgNumber()];
}

/// The single value of a splat constant (through reshapes), if `value` is one.
static std::optional<double> getSplatConstant(Value value) {
  FloatAttr scalar;
  if (matchPattern(value, m_Constant(&scalar)))
    return scalar.getValueAsDouble();
  std::optional<FloatTensor> constant = evaluateFloatConstant(value);
  if (!constant || constant->values.empty() ||
      !llvm::all_equal(constant->values))
    return std::nullopt;
  return constant->values.front();
}

/// `value = input * c` for a constant c (a linalg.generic multiplying by a
/// scalar, or a tosa.mul by a splat): returns c and sets `input`.
static std::optional<double> matchScaling(Value value, Value &input) {
  if (Operation *body = getElementwiseBody(value, 1)) {
    auto multiply = dyn_cast<arith::MulFOp>(body);
    if (!multiply)
      return std::nullopt;
    for (auto [operand, other] : {std::pair(multiply.getLhs(), multiply.getRhs()),
                                  std::pair(multiply.getRhs(), multiply.getLhs())})
      if ((input = getGenericInput(body, operand)))
        return getSplatConstant(other);
    return std::nullopt;
  }
  auto multiply = value.getDefiningOp<tosa::MulOp>();
  if (!multiply)
    return std::nullopt;
  input = multiply.getInput1();
  if (std::optional<double> factor = getSplatConstant(multiply.getInput2()))
    return factor;
  input = multiply.getInput2();
  return getSplatConstant(multiply.getInput1());
}

/// Whether `value` is the mean of `of` over its dimensions from `axis` on:
/// tosa.reduce_sum over each of them, times 1/N. Sets `axis`.
static bool matchTrailingMean(Value value, Value of, int64_t &axis) {
  Value sum;
  std::optional<double> factor = matchScaling(value, sum);
  if (!factor || !sum.hasOneUse())
    return false;
  auto type = cast<RankedTensorType>(of.getType());
  llvm::SmallBitVector reduced(type.getRank());
  while (auto reduce = sum.getDefiningOp<tosa::ReduceSumOp>()) {
    if (!reduce->hasOneUse() || reduced.test(reduce.getAxis()))
      return false;
    reduced.set(reduce.getAxis());
    sum = reduce.getInput();
  }
  if (sum != of || reduced.none())
    return false;
  axis = reduced.find_first();
  if (reduced.find_next_unset(axis) != -1)
    return false;
  int64_t count = 1;
  for (int64_t dim = axis; dim < type.getRank(); ++dim)
    count *= type.getDimSize(dim);
  return std::abs(*factor * static_cast<double>(count) - 1.0) <=
         kMeanFactorTolerance;
}

/// Whether `value` is `of` squared (math.powf by 2 or a product with itself).
static bool matchSquare(Value value, Value of) {
  if (auto multiply = value.getDefiningOp<tosa::MulOp>())
    return multiply.getInput1() == of && multiply.getInput2() == of;
  Operation *body = getElementwiseBody(value, 1);
  if (!body || getGenericInput(body, body->getOperand(0)) != of)
    return false;
  if (auto power = dyn_cast<math::PowFOp>(body))
    return getSplatConstant(power.getRhs()) == 2.0;
  auto multiply = dyn_cast<arith::MulFOp>(body);
  return multiply && multiply.getLhs() == multiply.getRhs();
}

/// `value = input + epsilon` for a constant epsilon: returns it and sets
/// `input`.
static std::optional<double> matchAddConstant(Value value, Value &input) {
  if (auto add = value.getDefiningOp<tosa::AddOp>()) {
    input = add.getInput1();
    if (std::optional<double> constant = getSplatConstant(add.getInput2()))
      return constant;
    input = add.getInput2();
    return getSplatConstant(add.getInput1());
  }
  Operation *body = getElementwiseBody(value, 1);
  auto add = dyn_cast_or_null<arith::AddFOp>(body);
  if (!add)
    return std::nullopt;
  for (auto [operand, other] : {std::pair(add.getLhs(), add.getRhs()),
                                std::pair(add.getRhs(), add.getLhs())})
    if ((input = getGenericInput(body, operand)))
      return getSplatConstant(other);
  return std::nullopt;
}

/// Whether the constant `value` varies along the dimensions from `axis` on
/// only, with all of them: its shape is 1 before `axis`, `type`'s after.
static bool isNormalizedParameter(Value value, RankedTensorType type,
                                  int64_t axis) {
  auto parameterType = dyn_cast<RankedTensorType>(value.getType());
  if (!parameterType || parameterType.getRank() != type.getRank() ||
      !evaluateFloatConstant(value))
    return false;
  for (auto [dim, size] : llvm::enumerate(parameterType.getShape()))
    if (size != (static_cast<int64_t>(dim) < axis ? 1 : type.getDimSize(dim)))
      return false;
  return true;
}

namespace {
/// centered / sqrt(mean(centered^2) + epsilon) * scale [+ bias], with
/// centered = x - mean(x) -> qc.layer_norm(x, scale, bias), rooted at the
/// division.
struct RaiseLayerNorm : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    Operation *body = getElementwiseBody(op.getResult(0), 2);
    auto divide = dyn_cast_or_null<arith::DivFOp>(body);
    if (!divide || !op->hasOneUse())
      return failure();
    Value centered = getGenericInput(body, divide.getLhs());
    Value stdDev = getGenericInput(body, divide.getRhs());
    if (!centered || !stdDev || !stdDev.hasOneUse())
      return failure();
    auto sub = centered.getDefiningOp<tosa::SubOp>();
    if (!sub)
      return failure();
    Value input = sub.getInput1();
    auto type = cast<RankedTensorType>(input.getType());
    int64_t axis, varianceAxis;
    if (sub.getType() != type ||
        !matchTrailingMean(sub.getInput2(), input, axis) ||
        !sub.getInput2().hasOneUse())
      return failure();
    Operation *sqrt = getElementwiseBody(stdDev, 1);
    if (!isa_and_nonnull<math::SqrtOp>(sqrt))
      return failure();
    Value variance;
    Value shifted = getGenericInput(sqrt, sqrt->getOperand(0));
    std::optional<double> epsilon =
        shifted ? matchAddConstant(shifted, variance) : std::nullopt;
    if (!epsilon || !(*epsilon >= 0.0) || !shifted.hasOneUse() ||
        !variance.hasOneUse())
      return failure();
    Value squares = getSquaresOf(variance);
    if (!squares || !squares.hasOneUse() ||
        !matchTrailingMean(variance, squares, varianceAxis) ||
        varianceAxis != axis || !matchSquare(squares, centered))
      return failure();
    // The centered values feed the squares and the division only.
    if (llvm::any_of(centered.getUsers(), [&](Operation *user) {
          return user != op && user != squares.getDefiningOp();
        }))
      return failure();

    auto scaleOp = dyn_cast<tosa::MulOp>(*op->user_begin());
    if (!scaleOp)
      return failure();
    Value scale = scaleOp.getInput1() == op.getResult(0)
                      ? scaleOp.getInput2()
                      : scaleOp.getInput1();
    if (!isNormalizedParameter(scale, type, axis) ||
        scaleOp.getType() != type)
      return failure();
    Operation *root = scaleOp;
    Value bias;
    if (scaleOp->hasOneUse()) {
      if (auto add = dyn_cast<tosa::AddOp>(*scaleOp->user_begin())) {
        bias = add.getInput1() == scaleOp.getResult() ? add.getInput2()
                                                      : add.getInput1();
        if (isNormalizedParameter(bias, type, axis) && add.getType() == type)
          root = add;
        else
          bias = Value();
      }
    }

    rewriter.setInsertionPoint(root);
    Location loc = root->getLoc();
    ArrayRef<int64_t> normalized = type.getShape().drop_front(axis);
    auto toNormalizedShape = [&](Value parameter) -> Value {
      if (!parameter)
        return {};
      auto parameterType = cast<RankedTensorType>(parameter.getType());
      return tosa::ReshapeOp::create(
          rewriter, loc, parameterType.clone(normalized), parameter,
          tosa::getTosaConstShape(rewriter, loc, normalized));
    };
    auto layerNorm = LayerNormOp::create(
        rewriter, loc, input, toNormalizedShape(scale), toNormalizedShape(bias),
        axis, *epsilon);
    rewriter.replaceOp(root, layerNorm.getResult());
    return success();
  }

private:
  /// The tensor whose trailing sums `variance` scales, the squares (null
  /// if it is not such a mean).
  static Value getSquaresOf(Value variance) {
    Value sum;
    if (!matchScaling(variance, sum))
      return {};
    while (auto reduce = sum.getDefiningOp<tosa::ReduceSumOp>())
      sum = reduce.getInput();
    return sum;
  }
};
} // namespace

namespace {
struct RaiseLayerNormPass
    : mlir::qc::impl::QCRaiseLayerNormBase<RaiseLayerNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseLayerNorm>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
