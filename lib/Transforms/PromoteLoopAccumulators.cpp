//===- PromoteLoopAccumulators.cpp - Accumulators as loop-carried values --===//
//
// convert-linalg-to-parallel-loops lowers a reduction to sequential loops
// whose body loads the output element, adds to it and stores it back, every
// iteration. LLVM cannot keep that element in a register when the other
// buffers the loop reads might alias it, so every step is a round trip to
// memory (on a GPU, to global memory). This pass carries such an element
// through the loop instead: one load before, one store after.
//
//===----------------------------------------------------------------------===//

#include "BufferOrigin.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCPROMOTELOOPACCUMULATORS
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using mlir::qc::getUnderlyingBuffer;

namespace {
/// Whether an op of `loop` other than `load` and `store` may touch the
/// buffer under `buffer` (an op with unknown effects may touch anything).
bool isTouchedElsewhere(scf::ForOp loop, Value buffer, Operation *load,
                        Operation *store) {
  WalkResult result = loop.getBody()->walk([&](Operation *op) {
    if (op == load || op == store)
      return WalkResult::advance();
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects) {
      bool contained = op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() ||
                       isPure(op);
      return contained ? WalkResult::advance() : WalkResult::interrupt();
    }
    SmallVector<MemoryEffects::EffectInstance> instances;
    effects.getEffects(instances);
    for (const MemoryEffects::EffectInstance &instance : instances) {
      Value value = instance.getValue();
      if (!value || getUnderlyingBuffer(value) == buffer)
        return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return result.wasInterrupted();
}

/// An element of memory `loop` reads then writes at the same place every
/// iteration: a load and a later store among the body's own ops, with the
/// same buffer and indices, all defined outside the loop.
struct Accumulator {
  memref::LoadOp load;
  memref::StoreOp store;
};

std::optional<Accumulator> findAccumulator(scf::ForOp loop) {
  for (auto store : loop.getBody()->getOps<memref::StoreOp>()) {
    Value memref = store.getMemRef();
    if (!loop.isDefinedOutsideOfLoop(memref) ||
        !llvm::all_of(store.getIndices(), [&](Value index) {
          return loop.isDefinedOutsideOfLoop(index);
        }))
      continue;
    for (auto load : loop.getBody()->getOps<memref::LoadOp>()) {
      if (load.getMemRef() != memref || load.getIndices() != store.getIndices() ||
          !load->isBeforeInBlock(store))
        continue;
      if (!isTouchedElsewhere(loop, getUnderlyingBuffer(memref), load, store))
        return Accumulator{load, store};
    }
  }
  return std::nullopt;
}

/// Loads the accumulator before `loop`, carries it as an iteration
/// argument and stores the final value after the loop.
struct PromoteAccumulator : OpRewritePattern<scf::ForOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(scf::ForOp loop,
                                PatternRewriter &rewriter) const override {
    std::optional<Accumulator> accumulator = findAccumulator(loop);
    if (!accumulator)
      return rewriter.notifyMatchFailure(loop, "no loop-invariant element "
                                               "loaded and stored");
    auto [load, store] = *accumulator;
    rewriter.setInsertionPoint(loop);
    Value initial = memref::LoadOp::create(rewriter, load.getLoc(),
                                           load.getMemRef(), load.getIndices());
    Value stored = store.getValueToStore();
    FailureOr<LoopLikeOpInterface> promoted = loop.replaceWithAdditionalYields(
        rewriter, initial, /*replaceInitOperandUsesInLoop=*/false,
        [&](OpBuilder &, Location, ArrayRef<BlockArgument> carried) {
          rewriter.replaceAllUsesWith(load.getResult(), carried.front());
          return SmallVector<Value>{stored};
        });
    if (failed(promoted))
      return failure();
    rewriter.setInsertionPointAfter(*promoted);
    memref::StoreOp::create(rewriter, store.getLoc(),
                            promoted->getLoopResults()->back(),
                            store.getMemRef(), store.getIndices());
    rewriter.eraseOp(store);
    rewriter.eraseOp(load);
    return success();
  }
};

struct PromoteLoopAccumulatorsPass
    : mlir::qc::impl::QCPromoteLoopAccumulatorsBase<
          PromoteLoopAccumulatorsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<PromoteAccumulator>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
