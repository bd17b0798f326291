//===- RaiseMaskedSoftmax.cpp - Additive attention masks to qc.softmax ----===//
//
// Attention adds a constant mask (0 where a query may attend, -10000 or
// -inf where it may not) to its logits before the softmax. Quantizing that
// sum per tensor spends the 8-bit range on the mask's span, so the logits
// that matter collapse into a few levels. Carried as the softmax's boolean
// mask instead, the addition disappears and the logits keep their own range.
//
//===----------------------------------------------------------------------===//

#include "qc/IR/QC.h"
#include "qc/Transforms/ConstantTensor.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCRAISEMASKEDSOFTMAX
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

/// Mask entries at or below this exclude a position. Its exponential, and
/// that of anything within 9900 of it, is 0 in float32, so the masked
/// softmax computes what the addition did (the value BERT-style exporters
/// write; -inf and the float minimum qualify too).
static constexpr float kMaskedLogitBound = -1.0e4f;

/// The boolean form of an additive mask (true where a position takes part)
/// if every entry of `mask` is 0 or masks, and every row along `axis` keeps
/// a position: adding the same value to a whole row changes no probability,
/// so a row masked throughout is not what the boolean mask means.
static std::optional<SmallVector<bool>> getBooleanMask(const FloatTensor &mask,
                                                       int64_t axis) {
  SmallVector<bool> kept;
  for (float value : mask.values) {
    if (value != 0.0f && !(value <= kMaskedLogitBound))
      return std::nullopt;
    kept.push_back(value == 0.0f);
  }
  if (llvm::all_of(kept, [](bool keep) { return keep; }))
    return std::nullopt;
  int64_t rowLength = mask.shape[axis];
  int64_t stride = 1;
  for (int64_t size : ArrayRef(mask.shape).drop_front(axis + 1))
    stride *= size;
  for (int64_t outer = 0; outer < mask.getNumElements();
       outer += rowLength * stride)
    for (int64_t inner = 0; inner < stride; ++inner) {
      bool anyKept = false;
      for (int64_t position = 0; position < rowLength; ++position)
        anyKept |= kept[outer + position * stride + inner];
      if (!anyKept)
        return std::nullopt;
    }
  return kept;
}

namespace {
/// softmax(x + additive constant mask) -> softmax(x) over the mask's
/// positions.
struct RaiseAdditiveMask : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SoftmaxOp op,
                                PatternRewriter &rewriter) const override {
    auto add = op.getInput().getDefiningOp<tosa::AddOp>();
    if (op.getMask() || !add)
      return failure();
    for (auto [logits, additive] :
         {std::pair(add.getInput1(), add.getInput2()),
          std::pair(add.getInput2(), add.getInput1())}) {
      std::optional<FloatTensor> mask = evaluateFloatConstant(additive);
      if (!mask)
        continue;
      std::optional<SmallVector<bool>> kept =
          getBooleanMask(*mask, op.getAxis());
      if (!kept)
        return rewriter.notifyMatchFailure(
            op, "the constant added is not a mask of 0 and <= -1e4 entries "
                "that keeps a position in every row");
      auto maskType = RankedTensorType::get(mask->shape, rewriter.getI1Type());
      Value booleanMask = arith::ConstantOp::create(
          rewriter, add.getLoc(), DenseElementsAttr::get(maskType, *kept));
      rewriter.replaceOpWithNewOp<SoftmaxOp>(op, op.getType(), logits,
                                             booleanMask, op.getAxis());
      return success();
    }
    return rewriter.notifyMatchFailure(op, "no constant operand to the add");
  }
};
} // namespace

namespace {
struct RaiseMaskedSoftmaxPass
    : mlir::qc::impl::QCRaiseMaskedSoftmaxBase<RaiseMaskedSoftmaxPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseAdditiveMask>(&getContext());
    // One walk, no folding: quant-compile runs this on every model, and
    // folding would reshape the QDQ weight chains that qc-lower-to-integer
    // matches.
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace
