//===- FuseElementwise.cpp - Fuse elementwise chains of linalg ops --------===//
//
// An imported graph is a chain of small ops: each activation, scale, bias,
// residual add and layout transpose reads and writes a whole tensor. Fusing
// producers into their consumers makes one loop nest of the chain, so the
// intermediate tensors never reach memory. Layout transposes and broadcasts
// are generalized first: they fuse as indexing maps of their consumer.
//
//===----------------------------------------------------------------------===//

#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCFUSEELEMENTWISE
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {
/// linalg.transpose, linalg.broadcast and linalg.map -> linalg.generic, the
/// form elementwise fusion works on.
template <typename NamedOp>
struct GeneralizeNamedOp : OpRewritePattern<NamedOp> {
  using OpRewritePattern<NamedOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(NamedOp op,
                                PatternRewriter &rewriter) const override {
    return linalg::generalizeNamedOp(rewriter, op);
  }
};

/// Fuses a producer only into its single consumer: a producer with several
/// consumers would be recomputed by each.
bool isSingleUseProducer(OpOperand *fusedOperand) {
  Operation *producer = fusedOperand->get().getDefiningOp();
  return producer && producer->hasOneUse();
}
} // namespace

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {
struct FuseElementwisePass
    : public mlir::qc::impl::QCFuseElementwiseBase<FuseElementwisePass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<GeneralizeNamedOp<linalg::TransposeOp>,
                 GeneralizeNamedOp<linalg::BroadcastOp>,
                 GeneralizeNamedOp<linalg::MapOp>>(context);
    linalg::populateElementwiseOpsFusionPatterns(patterns,
                                                 isSingleUseProducer);
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
