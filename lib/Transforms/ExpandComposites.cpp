//===- ExpandComposites.cpp - Float composite qc ops into TOSA ------------===//
//
// qc.softmax and qc.layer_norm exist so that quantization can lower each as
// a whole; the ones left in float (a float model, or ops kept in float)
// become TOSA here, with broadcasting over the reduced dimensions that
// tosa.reduce_* keep as size 1.
//
//===----------------------------------------------------------------------===//

#include "qc/IR/QC.h"
#include "qc/Transforms/ConstantTensor.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCEXPANDCOMPOSITES
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

/// A tensor of `like`'s rank and element type, all dimensions 1, holding
/// `value` (a broadcasting operand of TOSA's elementwise ops).
static Value buildBroadcastScalar(ImplicitLocOpBuilder &builder,
                                  RankedTensorType like, double value) {
  auto type = RankedTensorType::get(SmallVector<int64_t>(like.getRank(), 1),
                                    like.getElementType());
  return tosa::ConstOp::create(
      builder, type,
      DenseElementsAttr::get(type,
                             builder.getFloatAttr(like.getElementType(),
                                                  value)));
}

static Value buildMultiply(ImplicitLocOpBuilder &builder, Value lhs,
                           Value rhs) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  SmallVector<int64_t> shape;
  for (auto [lhsDim, rhsDim] :
       llvm::zip_equal(lhsType.getShape(), rhsType.getShape()))
    shape.push_back(std::max(lhsDim, rhsDim));
  return tosa::MulOp::create(builder, lhsType.clone(shape), lhs, rhs,
                             buildNoMulShift(builder, builder.getLoc()));
}

/// The sums of `value` over the dimensions from `axis` on, kept as size 1.
static Value buildTrailingSum(ImplicitLocOpBuilder &builder, Value value,
                              int64_t axis) {
  auto type = cast<RankedTensorType>(value.getType());
  for (int64_t dim = axis; dim < type.getRank(); ++dim) {
    auto current = cast<RankedTensorType>(value.getType());
    SmallVector<int64_t> shape(current.getShape());
    shape[dim] = 1;
    value = tosa::ReduceSumOp::create(builder, current.clone(shape), value,
                                      static_cast<uint32_t>(dim));
  }
  return value;
}

namespace {
/// qc.softmax -> exp(x - max) * reciprocal(sum(exp(x - max))). A mask
/// keeps the positions it excludes out of the max (they become the lowest
/// float) and the sum (their exponentials become 0); the sum of a row with
/// no position left is raised to the smallest normal float, so that row
/// comes out all zeros rather than 0 * inf.
struct ExpandSoftmax : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder builder(op.getLoc(), rewriter);
    RankedTensorType type = op.getType();
    auto elementType = cast<FloatType>(type.getElementType());
    const llvm::fltSemantics &semantics = elementType.getFloatSemantics();
    Value mask = op.getMask();
    auto keepMasked = [&](Value value, double excluded) -> Value {
      if (!mask)
        return value;
      return tosa::SelectOp::create(
          builder, type, mask, value,
          buildBroadcastScalar(builder, type, excluded));
    };
    auto axis = static_cast<uint32_t>(op.getAxis());
    SmallVector<int64_t> reducedShape(type.getShape());
    reducedShape[axis] = 1;
    auto reducedType = type.clone(reducedShape);
    Value input = keepMasked(
        op.getInput(),
        llvm::APFloat::getLargest(semantics, /*Negative=*/true)
            .convertToDouble());
    Value max = tosa::ReduceMaxOp::create(builder, reducedType, input, axis);
    Value shifted = tosa::SubOp::create(builder, type, input, max);
    Value exp = keepMasked(tosa::ExpOp::create(builder, type, shifted), 0.0);
    Value sum = tosa::ReduceSumOp::create(builder, reducedType, exp, axis);
    if (mask)
      sum = tosa::MaximumOp::create(
          builder, reducedType, sum,
          buildBroadcastScalar(
              builder, type,
              llvm::APFloat::getSmallestNormalized(semantics)
                  .convertToDouble()));
    Value reciprocal = tosa::ReciprocalOp::create(builder, reducedType, sum);
    rewriter.replaceOp(op, buildMultiply(builder, exp, reciprocal));
    return success();
  }
};

/// qc.layer_norm -> centered = x - mean; inv_std_dev = rsqrt(mean of
/// centered^2 + epsilon); centered * inv_std_dev * scale + bias.
struct ExpandLayerNorm : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder builder(op.getLoc(), rewriter);
    RankedTensorType type = op.getInput().getType();
    int64_t axis = op.getAxis();
    Value inverseCount = buildBroadcastScalar(
        builder, type, 1.0 / static_cast<double>(op.getNormalizedCount()));
    Value mean = buildMultiply(
        builder, buildTrailingSum(builder, op.getInput(), axis), inverseCount);
    Value centered = tosa::SubOp::create(builder, type, op.getInput(), mean);
    Value variance = buildMultiply(
        builder,
        buildTrailingSum(builder, buildMultiply(builder, centered, centered),
                         axis),
        inverseCount);
    Value epsilon =
        buildBroadcastScalar(builder, type, op.getEpsilon().convertToDouble());
    auto statisticsType = cast<RankedTensorType>(variance.getType());
    Value inverseStdDev = tosa::RsqrtOp::create(
        builder, statisticsType,
        tosa::AddOp::create(builder, statisticsType, variance, epsilon));
    Value result = buildMultiply(
        builder, buildMultiply(builder, centered, inverseStdDev),
        expandToRank(builder, op.getScale(), type.getRank()));
    if (Value bias = op.getBias())
      result = tosa::AddOp::create(builder, type, result,
                                   expandToRank(builder, bias, type.getRank()));
    rewriter.replaceOp(op, {result, mean, inverseStdDev});
    return success();
  }

private:
  /// `parameter` (of the normalized shape) with leading 1s up to `rank`.
  static Value expandToRank(ImplicitLocOpBuilder &builder, Value parameter,
                            int64_t rank) {
    auto type = cast<RankedTensorType>(parameter.getType());
    SmallVector<int64_t> shape(rank - type.getRank(), 1);
    llvm::append_range(shape, type.getShape());
    return tosa::ReshapeOp::create(
        builder, type.clone(shape), parameter,
        tosa::getTosaConstShape(builder, shape));
  }
};
} // namespace

namespace {
struct ExpandCompositesPass
    : mlir::qc::impl::QCExpandCompositesBase<ExpandCompositesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExpandSoftmax, ExpandLayerNorm>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
