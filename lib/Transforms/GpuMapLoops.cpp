//===- GpuMapLoops.cpp - Each top-level loop nest as one GPU launch -------===//
//
// After qc-gpu-buffers and convert-linalg-to-parallel-loops, a function is a
// sequence of loop nests over device buffers. Each top-level scf.parallel
// becomes a one-dimensional grid of thread blocks: its dimensions are
// collapsed into one, which is split into blocks of `block-size` threads,
// one iteration per thread (the nest's inner sequential loops stay in the
// thread). A nest whose iterations each reduce a long row (a softmax's sum
// over thousands of classes) gets a block per iteration instead, whose
// threads share the row and combine their partial results with
// gpu.all_reduce. Other top-level ops that read or write memory (a loop
// nest with no parallel dimension, a lone load or store) run on a single
// thread, as the host cannot touch device memory. Globals the nests read are
// referenced from inside them, so that gpu-kernel-outlining copies them
// into the kernel's module and they are device data.
//
// convert-parallel-loops-to-gpu then turns the mapped loops into
// gpu.launch.
//
//===----------------------------------------------------------------------===//

#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/ParallelLoopMapper.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/TypeSwitch.h"

#include <numeric>

namespace mlir::qc {
#define GEN_PASS_DEF_QCGPUMAPLOOPS
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;

namespace {
/// Nests of more iterations than this have parallelism enough with one
/// thread per iteration, however long their reductions.
constexpr int64_t kMaxReducedRows = 8192;

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

/// Splits the normalized one-dimensional `loop` of `rows` iterations into a
/// loop over rows (one block each) and, inside, a loop over the block's
/// `blockSize` threads, which the row's body then shares.
std::pair<scf::ParallelOp, scf::ParallelOp>
splitIntoRows(RewriterBase &rewriter, scf::ParallelOp loop,
              int64_t blockSize) {
  Location loc = loop.getLoc();
  rewriter.setInsertionPoint(loop);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value size = arith::ConstantIndexOp::create(rewriter, loc, blockSize);
  auto rows =
      scf::ParallelOp::create(rewriter, loc, zero, loop.getUpperBound()[0], one);
  rewriter.setInsertionPointToStart(rows.getBody());
  auto threads = scf::ParallelOp::create(rewriter, loc, zero, size, one);
  Block *body = loop.getBody();
  rewriter.eraseOp(body->getTerminator());
  rewriter.inlineBlockBefore(body, threads.getBody()->getTerminator(),
                             rows.getInductionVars());
  rewriter.eraseOp(loop);
  return {rows, threads};
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

/// The sequential reduction each iteration of a top-level nest makes:
///   %r = scf.for %k = lb to ub step s iter_args(%x = %init) {
///     ...; %y = combine %v, %x; scf.yield %y }
/// where the loop reads memory but writes none and %x feeds only the
/// combiner, so any subset of its iterations can be combined separately.
struct RowReduction {
  scf::ForOp loop;
  Operation *combiner;
  /// The combiner's operand that is the element (not %x).
  unsigned elementOperand;
  gpu::AllReduceOperation operation;
  arith::AtomicRMWKind identity;
};

/// The gpu.all_reduce operation and identity of `combiner`, if it has them;
/// float sums and products only where reassociating floats is allowed.
std::optional<std::pair<gpu::AllReduceOperation, arith::AtomicRMWKind>>
getReductionKinds(Operation *combiner, bool reassociateFloats) {
  using gpu::AllReduceOperation;
  using arith::AtomicRMWKind;
  using Kinds = std::pair<AllReduceOperation, AtomicRMWKind>;
  return llvm::TypeSwitch<Operation *, std::optional<Kinds>>(combiner)
      .Case([](arith::AddIOp) {
        return Kinds{AllReduceOperation::ADD, AtomicRMWKind::addi};
      })
      .Case([](arith::MulIOp) {
        return Kinds{AllReduceOperation::MUL, AtomicRMWKind::muli};
      })
      .Case([](arith::MaxSIOp) {
        return Kinds{AllReduceOperation::MAXSI, AtomicRMWKind::maxs};
      })
      .Case([](arith::MinSIOp) {
        return Kinds{AllReduceOperation::MINSI, AtomicRMWKind::mins};
      })
      .Case([](arith::MaxUIOp) {
        return Kinds{AllReduceOperation::MAXUI, AtomicRMWKind::maxu};
      })
      .Case([](arith::MinUIOp) {
        return Kinds{AllReduceOperation::MINUI, AtomicRMWKind::minu};
      })
      .Case([](arith::MaximumFOp) {
        return Kinds{AllReduceOperation::MAXIMUMF, AtomicRMWKind::maximumf};
      })
      .Case([](arith::MinimumFOp) {
        return Kinds{AllReduceOperation::MINIMUMF, AtomicRMWKind::minimumf};
      })
      .Case([](arith::MaxNumFOp) {
        return Kinds{AllReduceOperation::MAXNUMF, AtomicRMWKind::maxnumf};
      })
      .Case([](arith::MinNumFOp) {
        return Kinds{AllReduceOperation::MINNUMF, AtomicRMWKind::minnumf};
      })
      .Case([&](arith::AddFOp) -> std::optional<Kinds> {
        if (!reassociateFloats)
          return std::nullopt;
        return Kinds{AllReduceOperation::ADD, AtomicRMWKind::addf};
      })
      .Case([&](arith::MulFOp) -> std::optional<Kinds> {
        if (!reassociateFloats)
          return std::nullopt;
        return Kinds{AllReduceOperation::MUL, AtomicRMWKind::mulf};
      })
      .Default([](Operation *) { return std::nullopt; });
}

/// Whether `op` writes memory, or may.
bool writesMemory(Operation *op) {
  std::optional<SmallVector<MemoryEffects::EffectInstance>> effects =
      getEffectsRecursively(op);
  return !effects ||
         llvm::any_of(*effects, [](const MemoryEffects::EffectInstance &e) {
           return isa<MemoryEffects::Write, MemoryEffects::Allocate,
                      MemoryEffects::Free>(e.getEffect());
         });
}

/// The row reduction of `loop`'s body when it has one of at least
/// `minLength` iterations on 32-bit values: the body's only loop, after
/// ops that write nothing but plain stores (which every thread of the
/// row's block then repeats, storing the same values).
std::optional<RowReduction> matchRowReduction(scf::ParallelOp loop,
                                              int64_t minLength,
                                              bool reassociateFloats) {
  RowReduction reduction;
  for (Operation &op : loop.getBody()->without_terminator()) {
    if (auto inner = dyn_cast<scf::ForOp>(op)) {
      if (reduction.loop)
        return std::nullopt;
      reduction.loop = inner;
      continue;
    }
    if (!reduction.loop && writesMemory(&op) && !isa<memref::StoreOp>(op))
      return std::nullopt;
  }
  scf::ForOp inner = reduction.loop;
  if (!inner || inner.getNumRegionIterArgs() != 1 ||
      writesMemory(inner) ||
      !inner.getResult(0).getType().isIntOrFloat() ||
      inner.getResult(0).getType().getIntOrFloatBitWidth() != 32)
    return std::nullopt;
  std::optional<APInt> length = inner.getStaticTripCount();
  if (!length || length->getSExtValue() < minLength)
    return std::nullopt;
  Value carried = inner.getRegionIterArgs()[0];
  Operation *combiner =
      inner.getBody()->getTerminator()->getOperand(0).getDefiningOp();
  if (!combiner || combiner->getNumOperands() != 2 || !carried.hasOneUse() ||
      *carried.getUsers().begin() != combiner ||
      combiner->getOperand(0) == combiner->getOperand(1))
    return std::nullopt;
  std::optional<std::pair<gpu::AllReduceOperation, arith::AtomicRMWKind>>
      kinds = getReductionKinds(combiner, reassociateFloats);
  if (!kinds)
    return std::nullopt;
  reduction.combiner = combiner;
  reduction.elementOperand = combiner->getOperand(0) == carried ? 1 : 0;
  std::tie(reduction.operation, reduction.identity) = *kinds;
  return reduction;
}

/// Rewrites the reduction of the thread loop `threads` (thread `t` of
/// `threadCount`) into a share of it: this thread's partial result over
/// iterations t, t + threadCount, ... from the identity, the block's
/// gpu.all_reduce of the partials, and, in thread 0 only, the combination
/// with the loop's initial value and the ops that followed the loop.
void shareRowReduction(RewriterBase &rewriter, scf::ParallelOp threads,
                       const RowReduction &reduction, int64_t threadCount) {
  scf::ForOp loop = reduction.loop;
  Location loc = loop.getLoc();
  Value thread = threads.getInductionVars()[0];
  rewriter.setInsertionPoint(loop);
  Value start = arith::AddIOp::create(
      rewriter, loc, loop.getLowerBound(),
      arith::MulIOp::create(rewriter, loc, thread, loop.getStep()));
  Value stride = arith::MulIOp::create(
      rewriter, loc, loop.getStep(),
      arith::ConstantIndexOp::create(rewriter, loc, threadCount));
  Type type = loop.getResult(0).getType();
  Value identity =
      arith::getIdentityValue(reduction.identity, type, rewriter, loc);
  auto share = scf::ForOp::create(rewriter, loc, start, loop.getUpperBound(),
                                  stride, ValueRange{identity});
  IRMapping mapping;
  mapping.map(loop.getInductionVar(), share.getInductionVar());
  mapping.map(loop.getRegionIterArgs()[0], share.getRegionIterArgs()[0]);
  rewriter.setInsertionPointToStart(share.getBody());
  for (Operation &op : *loop.getBody())
    rewriter.clone(op, mapping);
  rewriter.setInsertionPointAfter(share);
  Value total = gpu::AllReduceOp::create(
      rewriter, loc, type, share.getResult(0),
      gpu::AllReduceOperationAttr::get(rewriter.getContext(),
                                       reduction.operation),
      rewriter.getUnitAttr());
  Value isFirst = arith::CmpIOp::create(
      rewriter, loc, arith::CmpIPredicate::eq, thread,
      arith::ConstantIndexOp::create(rewriter, loc, 0));
  auto first = scf::IfOp::create(rewriter, loc, isFirst);
  rewriter.setInsertionPointToStart(first.thenBlock());
  IRMapping combine;
  combine.map(reduction.combiner->getOperand(reduction.elementOperand),
              total);
  combine.map(loop.getRegionIterArgs()[0], loop.getInitArgs()[0]);
  Value result = rewriter.clone(*reduction.combiner, combine)->getResult(0);
  // The ops after the loop move into thread 0's branch.
  Operation *end = threads.getBody()->getTerminator();
  for (Operation *op = first->getNextNode(); op != end;) {
    Operation *next = op->getNextNode();
    rewriter.moveOpBefore(op, first.thenBlock()->getTerminator());
    op = next;
  }
  rewriter.replaceAllUsesWith(loop.getResult(0), result);
  rewriter.eraseOp(loop);
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
    if (rowReductionLength < 0) {
      emitError(getOperation().getLoc())
          << "qc-gpu-map-loops: row-reduction-length must be 0 or positive, "
             "got "
          << static_cast<int64_t>(rowReductionLength);
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
    std::optional<RowReduction> reduction;
    if (rowReductionLength > 0 && trips && *trips <= kMaxReducedRows)
      reduction = matchRowReduction(loop, rowReductionLength,
                                    reassociateFloats);
    auto [blocks, threads] =
        reduction ? splitIntoRows(rewriter, loop, blockSize)
                  : splitIntoBlocks(rewriter, loop, blockSize, trips);
    if (reduction)
      shareRowReduction(rewriter, threads, *reduction, blockSize);
    sinkGlobals(rewriter, threads);
    if (failed(mapLoop(blocks, gpu::Processor::BlockX)) ||
        failed(mapLoop(threads, gpu::Processor::ThreadX)))
      return op->emitError("qc-gpu-map-loops: cannot map this loop");
    return success();
  }
};
} // namespace
