//===- GpuMapLoops.cpp - Each top-level loop nest as one GPU launch -------===//
//
// After qc-gpu-buffers and convert-linalg-to-parallel-loops, a function is a
// sequence of loop nests over device buffers. Each top-level scf.parallel
// becomes a one-dimensional grid of thread blocks: its dimensions are
// collapsed into one, which is split into blocks of `block-size` threads,
// one iteration per thread (the nest's inner sequential loops stay in the
// thread). Other top-level ops that read or write memory (a loop nest with
// no parallel dimension, a lone load or store) run on a single thread, as
// the host cannot touch device memory. Globals the nests read are
// referenced from inside them, so that gpu-kernel-outlining copies them
// into the kernel's module and they are device data.
//
// convert-parallel-loops-to-gpu then turns the mapped loops into
// gpu.launch.
//
//===----------------------------------------------------------------------===//

#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

#include <numeric>

namespace mlir::qc {
#define GEN_PASS_DEF_QCGPUMAPLOOPS
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;

namespace {
/// Maps each dimension of `loop` to `processor`s from the first on.
LogicalResult mapLoop(scf::ParallelOp loop, gpu::Processor processor) {
  MLIRContext *context = loop.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(1, context);
  SmallVector<gpu::ParallelLoopDimMappingAttr> mapping;
  for (unsigned dim = 0; dim < loop.getNumLoops(); ++dim)
    mapping.push_back(gpu::ParallelLoopDimMappingAttr::get(
        context, static_cast<gpu::Processor>(
                     static_cast<int64_t>(processor) + dim),
        identity, identity));
  return gpu::setMappingAttr(loop, mapping);
}

/// The number of iterations of `loop` when its bounds are constants.
std::optional<int64_t> getConstantTripCount(scf::ParallelOp loop) {
  int64_t trips = 1;
  for (auto [lower, upper, step] : llvm::zip_equal(
           loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    std::optional<int64_t> l = getConstantIntValue(lower);
    std::optional<int64_t> u = getConstantIntValue(upper);
    std::optional<int64_t> s = getConstantIntValue(step);
    if (!l || !u || !s || *s <= 0)
      return std::nullopt;
    trips *= std::max<int64_t>(0, llvm::divideCeil(*u - *l, *s));
  }
  return trips;
}

/// `loop` with its dimensions collapsed into one that counts from 0 by 1.
scf::ParallelOp collapseToOneDimension(RewriterBase &rewriter,
                                       scf::ParallelOp loop) {
  std::vector<unsigned> all(loop.getNumLoops());
  std::iota(all.begin(), all.end(), 0);
  Operation *next = loop->getNextNode();
  collapseParallelLoops(rewriter, loop, {all});
  return cast<scf::ParallelOp>(next->getPrevNode());
}

/// Splits the normalized one-dimensional `loop` into a loop over blocks of
/// `blockSize` iterations and, inside, a loop over the iterations of a
/// block, both with constant bounds (what launches need); iterations past
/// the end are skipped unless the block size divides the trip count.
std::pair<scf::ParallelOp, scf::ParallelOp>
splitIntoBlocks(RewriterBase &rewriter, scf::ParallelOp loop,
                int64_t blockSize, std::optional<int64_t> constantTrips) {
  Location loc = loop.getLoc();
  rewriter.setInsertionPoint(loop);
  Value tripCount =
      constantTrips
          ? arith::ConstantIndexOp::create(rewriter, loc, *constantTrips)
          : loop.getUpperBound()[0];
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value size = arith::ConstantIndexOp::create(rewriter, loc, blockSize);
  auto blocks = scf::ParallelOp::create(rewriter, loc, zero, tripCount, size);
  rewriter.setInsertionPointToStart(blocks.getBody());
  auto threads = scf::ParallelOp::create(rewriter, loc, zero, size, one);
  rewriter.setInsertionPointToStart(threads.getBody());
  Value index = arith::AddIOp::create(rewriter, loc, blocks.getInductionVars()[0],
                                      threads.getInductionVars()[0]);
  Operation *bodyEnd = threads.getBody()->getTerminator();
  if (!constantTrips || *constantTrips % blockSize != 0) {
    Value inRange = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::ult, index, tripCount);
    auto guard = scf::IfOp::create(rewriter, loc, inRange);
    bodyEnd = guard.thenBlock()->getTerminator();
  }
  Block *body = loop.getBody();
  rewriter.eraseOp(body->getTerminator());
  rewriter.inlineBlockBefore(body, bodyEnd, ValueRange{index});
  rewriter.eraseOp(loop);
  return {blocks, threads};
}

/// `op` and the ops of its block that use its results, transitively, in
/// block order.
SmallVector<Operation *> getUsersInBlock(Operation *op) {
  Block *block = op->getBlock();
  SetVector<Operation *> group;
  group.insert(op);
  for (size_t i = 0; i < group.size(); ++i)
    for (Value result : group[i]->getResults())
      for (Operation *user : result.getUsers())
        if (Operation *top = block->findAncestorOpInBlock(*user))
          group.insert(top);
  SmallVector<Operation *> ordered = group.takeVector();
  llvm::sort(ordered, [](Operation *a, Operation *b) {
    return a->isBeforeInBlock(b);
  });
  return ordered;
}

/// Moves `op`, with the ops that use its results, into a one-iteration
/// scf.parallel placed where the last of them was: one thread runs them.
scf::ParallelOp wrapInSingleIteration(RewriterBase &rewriter, Operation *op) {
  SmallVector<Operation *> group = getUsersInBlock(op);
  Location loc = op->getLoc();
  rewriter.setInsertionPointAfter(group.back());
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  auto loop = scf::ParallelOp::create(rewriter, loc, zero, one, one);
  for (Operation *member : group)
    rewriter.moveOpBefore(member, loop.getBody()->getTerminator());
  return loop;
}

/// Recreates inside `loop` each global it reads from outside.
void sinkGlobals(RewriterBase &rewriter, scf::ParallelOp loop) {
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(loop.getRegion(), captured);
  rewriter.setInsertionPointToStart(loop.getBody());
  for (Value value : captured) {
    auto global = value.getDefiningOp<memref::GetGlobalOp>();
    if (!global)
      continue;
    Value local = rewriter.clone(*global)->getResult(0);
    rewriter.replaceUsesWithIf(value, local, [&](OpOperand &use) {
      return loop->isProperAncestor(use.getOwner());
    });
  }
}

/// Whether the host may run `op`: it does not read or write memory (the
/// GPU ops, which the runtime carries out, and calls, whose callees launch
/// their own kernels, aside).
bool runsOnHost(Operation *op) {
  if (isa<gpu::GPUDialect>(op->getDialect()) || isa<CallOpInterface>(op) ||
      op->hasTrait<OpTrait::ReturnLike>())
    return true;
  std::optional<SmallVector<MemoryEffects::EffectInstance>> effects =
      getEffectsRecursively(op);
  if (!effects)
    return false;
  return llvm::none_of(*effects, [](const MemoryEffects::EffectInstance &e) {
    return isa<MemoryEffects::Read, MemoryEffects::Write>(e.getEffect());
  });
}

struct QCGpuMapLoopsPass
    : public qc::impl::QCGpuMapLoopsBase<QCGpuMapLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (blockSize <= 0) {
      emitError(getOperation().getLoc())
          << "qc-gpu-map-loops: block-size must be positive, got "
          << static_cast<int64_t>(blockSize);
      return signalPassFailure();
    }
    func::FuncOp function = getOperation();
    IRRewriter rewriter(function.getContext());
    for (Block &block : function.getBody()) {
      // Wrapping moves later ops into the loop: they are no longer top
      // level when their turn comes.
      auto topLevel = llvm::map_to_vector(
          block, [](Operation &op) { return &op; });
      for (Operation *op : topLevel)
        if (op->getBlock() == &block && failed(mapTopLevelOp(rewriter, op)))
          return signalPassFailure();
    }
  }

  LogicalResult mapTopLevelOp(RewriterBase &rewriter, Operation *op) {
    auto loop = dyn_cast<scf::ParallelOp>(op);
    if (!loop) {
      if (runsOnHost(op))
        return success();
      scf::ParallelOp single = wrapInSingleIteration(rewriter, op);
      sinkGlobals(rewriter, single);
      return mapLoop(single, gpu::Processor::BlockX);
    }
    std::optional<int64_t> trips = getConstantTripCount(loop);
    loop = collapseToOneDimension(rewriter, loop);
    auto [blocks, threads] = splitIntoBlocks(rewriter, loop, blockSize, trips);
    sinkGlobals(rewriter, threads);
    if (failed(mapLoop(blocks, gpu::Processor::BlockX)) ||
        failed(mapLoop(threads, gpu::Processor::ThreadX)))
      return op->emitError("qc-gpu-map-loops: cannot map this loop");
    return success();
  }
};
} // namespace
