//===- GpuParallelDimsFirst.cpp - Parallel loops of generics outermost ----===//
//
// convert-linalg-to-parallel-loops makes a generic's leading parallel
// dimensions one scf.parallel and everything from the first reduction on
// sequential loops inside it; qc-gpu-map-loops gives each iteration of that
// scf.parallel a thread. A generic whose parallel dimensions follow a
// reduction (qc-lower-packed-matmul's (m, g, block, lane, n), ordered so
// that CPU vectors run along n) would run its inner parallel dimensions in
// each thread. This pass interchanges such generics' loops so that every
// parallel dimension comes first, in their order, then the reductions
// (named ops such as linalg.reduce over a middle dimension become generics
// to be interchanged).
//
//===----------------------------------------------------------------------===//

#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCGPUPARALLELDIMSFIRST
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;

namespace {
/// Interchanges a linalg op with a reduction before a parallel dimension
/// into a generic with the parallel dimensions first (a named op, such as
/// linalg.reduce over a middle dimension, becomes a generic first).
struct MoveParallelDimsFirst : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<unsigned> parallel, reductions;
    for (auto [dim, iterator] : llvm::enumerate(op.getIteratorTypesArray()))
      (linalg::isParallelIterator(iterator) ? parallel : reductions)
          .push_back(dim);
    if (reductions.empty() || parallel.empty() ||
        reductions.front() > parallel.back())
      return rewriter.notifyMatchFailure(op, "parallel dimensions are first");
    auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    if (!generic) {
      FailureOr<linalg::GenericOp> generalized =
          linalg::generalizeNamedOp(rewriter, op);
      if (failed(generalized))
        return rewriter.notifyMatchFailure(op, "cannot be a generic");
      generic = *generalized;
    }
    SmallVector<unsigned> order = parallel;
    llvm::append_range(order, reductions);
    if (failed(linalg::interchangeGenericOp(rewriter, generic, order)))
      return rewriter.notifyMatchFailure(op, "interchange failed");
    return success();
  }
};

struct GpuParallelDimsFirstPass
    : mlir::qc::impl::QCGpuParallelDimsFirstBase<GpuParallelDimsFirstPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<MoveParallelDimsFirst>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
