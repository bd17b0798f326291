//===- TileAndVectorize.cpp - Register tiles of linalg ops to vectors -----===//
//
// Tiles every statically shaped linalg op on tensors into register-sized
// tiles and vectorizes the tiles:
//
// * contractions (matmul, batch_matmul, contraction generics) get an
//   M x N tile of accumulators with a K step of one, the shape of a CPU
//   outer-product micro-kernel: a column of broadcast A elements times a row
//   of B vectors;
// * 2-D convolutions, depthwise convolutions and pooling get one output row
//   segment (OW x channels) per tile with a unit filter height, so linalg's
//   decomposition turns them into 1-D convolutions that its vectorizer
//   unrolls over the filter width;
// * everything else is vectorized along the loop that writes the output's
//   innermost (contiguous) dimension, reductions whole up to a bound.
//
// Vector tiles are whole registers: an op whose vector loop they do not
// cover is first split where the last whole tile ends. Other tile sizes
// divide their loops, so every tile is static and no masks are needed.
// With `parallel`, the outermost parallel loop of ops with enough
// work becomes an scf.forall (threads after scf-forall-to-parallel and
// convert-scf-to-openmp).
//
//===----------------------------------------------------------------------===//

#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCTILEANDVECTORIZE
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;

namespace {
/// Rows of accumulators in a contraction or convolution micro-kernel; with
/// two vectors per row, 8 rows use 16 of AVX-512's 32 vector registers.
constexpr int64_t kAccumulatorRows = 8;
/// Vectors of accumulators per row in a contraction or convolution tile.
constexpr int64_t kAccumulatorVectorsPerRow = 2;
/// Input channels a convolution tile consumes per step (outer products
/// unrolled per filter tap).
constexpr int64_t kConvChannelStep = 8;
/// Longest innermost reduction that makes a generic a blocked contraction
/// (the lanes of one packed weight word).
constexpr int64_t kMaxBlockLanes = 8;
/// Vectors per elementwise tile: enough independent work to hide latency.
constexpr int64_t kElementwiseVectors = 4;
/// Reductions up to this many elements are vectorized whole.
constexpr int64_t kMaxWholeReduction = 1024;
/// Ops with a static iteration space of at most this many points are
/// vectorized; larger ones (which tiling could not split) stay scalar loops.
constexpr int64_t kMaxVectorizedIterations = 1 << 14;
/// Ops with fewer iterations than this run on one thread: spreading them
/// costs more than it saves.
constexpr int64_t kMinParallelIterations = 1 << 15;

/// The largest divisor of `extent` not above `bound` (tiles then cover the
/// loop exactly and stay static).
int64_t largestDivisorAtMost(int64_t extent, int64_t bound) {
  for (int64_t size = std::min(extent, bound); size > 1; --size)
    if (extent % size == 0)
      return size;
  return 1;
}

/// The loop that indexes the innermost dimension of the op's first output.
std::optional<unsigned> getContiguousOutputLoop(linalg::LinalgOp op) {
  AffineMap map = op.getIndexingMapMatchingResult(
      cast<OpResult>(op->getResult(0)));
  if (map.getNumResults() == 0)
    return std::nullopt;
  auto dim = dyn_cast<AffineDimExpr>(map.getResults().back());
  if (!dim)
    return std::nullopt;
  return dim.getPosition();
}

/// The innermost reduction loop of `op`, if it has one.
std::optional<unsigned> getInnermostReduction(linalg::LinalgOp op) {
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned loop = iterators.size(); loop > 0; --loop)
    if (iterators[loop - 1] == utils::IteratorType::reduction)
      return loop - 1;
  return std::nullopt;
}

/// Whether `op` is a blocked contraction: a generic with two or more
/// reduction loops, the innermost of them over at most kMaxBlockLanes
/// elements, as in qc-lower-packed-matmul's generic, whose lane loop walks
/// the values of one packed weight word. It tiles like a contraction that
/// steps one lane at a time: each step unpacks one field of a word vector
/// and multiplies it into every row of accumulators (an outer product).
/// Vectorizing the lanes whole instead makes them a vector reduction that
/// LLVM lowers to horizontal adds, several times slower.
bool isBlockedContraction(linalg::LinalgOp op) {
  std::optional<unsigned> lanes = getInnermostReduction(op);
  if (!isa<linalg::GenericOp>(op) || !lanes || op.getNumReductionLoops() < 2)
    return false;
  int64_t extent = op.getStaticLoopRanges()[*lanes];
  return !ShapedType::isDynamic(extent) && extent <= kMaxBlockLanes;
}

bool isWindowed(linalg::LinalgOp op) {
  return isa<linalg::Conv2DNhwcHwcfOp, linalg::DepthwiseConv2DNhwcHwcOp,
             linalg::PoolingNhwcSumOp, linalg::PoolingNhwcMaxOp>(op);
}

/// The product of the reduction loops' tile sizes of a generic op:
/// reductions up to kMaxWholeReduction are vectorized whole.
int64_t getReductionTileVolume(linalg::LinalgOp op, ArrayRef<int64_t> extents) {
  int64_t volume = 1;
  for (auto [loop, iterator] : llvm::enumerate(op.getIteratorTypesArray()))
    if (iterator == utils::IteratorType::reduction)
      volume *= largestDivisorAtMost(extents[loop], kMaxWholeReduction);
  return volume;
}

/// The loop vectors run along and the tile it should get there (a multiple
/// of the vector width): the output channels of windowed ops, the output's
/// contiguous dimension otherwise.
struct VectorLoop {
  unsigned loop;
  int64_t tile;
};
std::optional<VectorLoop> getVectorLoop(linalg::LinalgOp op,
                                        ArrayRef<int64_t> extents,
                                        int64_t vectorWidth) {
  if (isWindowed(op))
    return VectorLoop{3, vectorWidth * kAccumulatorVectorsPerRow};
  std::optional<unsigned> contiguous = getContiguousOutputLoop(op);
  if (!contiguous)
    return std::nullopt;
  if (linalg::isaContractionOpInterface(op) || isBlockedContraction(op))
    return VectorLoop{*contiguous, vectorWidth * kAccumulatorVectorsPerRow};
  int64_t budget =
      kMaxVectorizedIterations / getReductionTileVolume(op, extents);
  int64_t vectors = std::clamp<int64_t>(budget / vectorWidth, 1,
                                        kElementwiseVectors);
  return VectorLoop{*contiguous, vectors * vectorWidth};
}

/// Tile sizes of a convolution or pooling op whose loops are
/// [n, oh, ow, c-or-f, kh, kw, (c)]: one output row segment per tile, unit
/// filter height, whole filter width.
SmallVector<int64_t> getWindowedTileSizes(ArrayRef<int64_t> extents) {
  SmallVector<int64_t> sizes(extents.size(), 1);
  sizes[2] = largestDivisorAtMost(extents[2], kAccumulatorRows);
  sizes[5] = extents[5];
  if (extents.size() == 7)
    sizes[6] = largestDivisorAtMost(extents[6], kConvChannelStep);
  return sizes;
}

/// Tile sizes of a contraction: kAccumulatorRows rows of the output, K one
/// at a time.
std::optional<SmallVector<int64_t>>
getContractionTileSizes(linalg::LinalgOp op, ArrayRef<int64_t> extents,
                        unsigned vectorLoop) {
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims))
    return std::nullopt;
  SmallVector<int64_t> sizes(extents.size(), 1);
  // The innermost M (or N, when M writes the contiguous dimension) loop
  // gives the accumulator rows.
  ArrayRef<unsigned> rowLoops =
      llvm::is_contained(dims->n, vectorLoop) ? dims->m : dims->n;
  if (!rowLoops.empty())
    sizes[rowLoops.back()] =
        largestDivisorAtMost(extents[rowLoops.back()], kAccumulatorRows);
  return sizes;
}

/// Tile sizes of a blocked contraction: kAccumulatorRows along the
/// outermost parallel loop other than `vectorLoop`, every reduction loop
/// one step at a time.
SmallVector<int64_t> getBlockedContractionTileSizes(linalg::LinalgOp op,
                                                    ArrayRef<int64_t> extents,
                                                    unsigned vectorLoop) {
  SmallVector<int64_t> sizes(extents.size(), 1);
  for (auto [loop, iterator] : llvm::enumerate(op.getIteratorTypesArray())) {
    if (iterator == utils::IteratorType::parallel && loop != vectorLoop) {
      sizes[loop] = largestDivisorAtMost(extents[loop], kAccumulatorRows);
      break;
    }
  }
  return sizes;
}

/// Tile sizes of any other op: reductions whole when small.
SmallVector<int64_t> getGenericTileSizes(linalg::LinalgOp op,
                                         ArrayRef<int64_t> extents) {
  SmallVector<int64_t> sizes(extents.size(), 1);
  for (auto [loop, iterator] : llvm::enumerate(op.getIteratorTypesArray()))
    if (iterator == utils::IteratorType::reduction)
      sizes[loop] = largestDivisorAtMost(extents[loop], kMaxWholeReduction);
  return sizes;
}

/// Whether `op` has static loops and one output: what is tiled.
bool isTileable(linalg::LinalgOp op) {
  return op.getNumDpsInits() == 1 &&
         !llvm::any_of(op.getStaticLoopRanges(), ShapedType::isDynamic);
}

/// Register tile sizes for a tileable `op`.
std::optional<SmallVector<int64_t>> getRegisterTileSizes(linalg::LinalgOp op,
                                                         int64_t vectorWidth) {
  SmallVector<int64_t> extents = op.getStaticLoopRanges();
  std::optional<SmallVector<int64_t>> sizes;
  std::optional<VectorLoop> vectorLoop =
      getVectorLoop(op, extents, vectorWidth);
  if (isWindowed(op))
    sizes = getWindowedTileSizes(extents);
  else if (linalg::isaContractionOpInterface(op))
    sizes = vectorLoop ? getContractionTileSizes(op, extents, vectorLoop->loop)
                       : std::nullopt;
  else if (isBlockedContraction(op) && vectorLoop)
    sizes = getBlockedContractionTileSizes(op, extents, vectorLoop->loop);
  else
    sizes = getGenericTileSizes(op, extents);
  if (sizes && vectorLoop)
    (*sizes)[vectorLoop->loop] =
        largestDivisorAtMost(extents[vectorLoop->loop], vectorLoop->tile);
  return sizes;
}

/// Splits `op` along its vector loop where whole vector tiles end, so the
/// first part tiles into whole vectors and only the second, narrower than
/// one tile, has a ragged width; none when the tile already divides it.
std::optional<std::pair<linalg::LinalgOp, linalg::LinalgOp>>
splitAtLastWholeTile(RewriterBase &rewriter, linalg::LinalgOp op,
                     int64_t vectorWidth) {
  SmallVector<int64_t> extents = op.getStaticLoopRanges();
  std::optional<VectorLoop> vectorLoop =
      getVectorLoop(op, extents, vectorWidth);
  if (!vectorLoop)
    return std::nullopt;
  int64_t extent = extents[vectorLoop->loop];
  if (extent <= vectorLoop->tile || extent % vectorLoop->tile == 0)
    return std::nullopt;
  rewriter.setInsertionPoint(op);
  auto [whole, rest] = linalg::splitOp(
      rewriter, cast<TilingInterface>(*op), vectorLoop->loop,
      rewriter.getIndexAttr(extent - extent % vectorLoop->tile));
  return std::make_pair(cast<linalg::LinalgOp>(*whole),
                        cast<linalg::LinalgOp>(*rest));
}

/// Thread-level tile sizes: the outermost parallel loop that has more than
/// one register tile is split into register tiles, one scf.forall iteration
/// each; none when the op is too small or has no such loop.
std::optional<SmallVector<int64_t>>
getParallelTileSizes(linalg::LinalgOp op, ArrayRef<int64_t> registerTiles) {
  SmallVector<int64_t> extents = op.getStaticLoopRanges();
  if (extents.empty() || llvm::product_of(extents) < kMinParallelIterations)
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (auto [loop, iterator] : llvm::enumerate(iterators)) {
    if (iterator != utils::IteratorType::parallel ||
        extents[loop] == registerTiles[loop])
      continue;
    SmallVector<int64_t> sizes(extents.size(), 0);
    sizes[loop] = registerTiles[loop];
    return sizes;
  }
  return std::nullopt;
}

/// The loops of `op`, parallel ones first, each kind in its order: tile
/// loops nested this way keep a tile's accumulators in registers across the
/// reduction (loop-invariant subset hoisting) whatever order the op's loops
/// come in.
SmallVector<int64_t> getParallelLoopsFirst(linalg::LinalgOp op) {
  SmallVector<int64_t> order;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (utils::IteratorType kind :
       {utils::IteratorType::parallel, utils::IteratorType::reduction})
    for (auto [loop, iterator] : llvm::enumerate(iterators))
      if (iterator == kind)
        order.push_back(static_cast<int64_t>(loop));
  return order;
}

/// Tiles `op` by `sizes` (0: not tiled) with loops of `loopType`; returns
/// the tiled op, or `op` itself when every size covers its loop.
FailureOr<linalg::LinalgOp>
tile(RewriterBase &rewriter, linalg::LinalgOp op, ArrayRef<int64_t> sizes,
     scf::SCFTilingOptions::LoopType loopType) {
  SmallVector<int64_t> extents = op.getStaticLoopRanges();
  if (llvm::all_of(llvm::zip(sizes, extents), [](auto sizeAndExtent) {
        auto [size, extent] = sizeAndExtent;
        return size == 0 || size == extent;
      }))
    return op;
  scf::SCFTilingOptions options;
  options.setLoopType(loopType);
  options.setTileSizes(getAsIndexOpFoldResult(op.getContext(), sizes));
  options.setInterchange(getParallelLoopsFirst(op));
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(*op), options);
  if (failed(tiled))
    return failure();
  rewriter.replaceOp(op, tiled->replacements);
  return cast<linalg::LinalgOp>(tiled->tiledOps.back());
}

/// Whether an operand of `op` holds booleans: memory keeps one i1 per byte
/// but LLVM loads and stores vectors of i1 as packed bits, so ops on them
/// stay scalar.
bool hasBooleanOperand(linalg::LinalgOp op) {
  return llvm::any_of(op->getOperandTypes(), [](Type type) {
    return getElementTypeOrSelf(type).isInteger(1);
  });
}

/// Whether `op` is small and static enough to become vector code.
bool isVectorizable(linalg::LinalgOp op) {
  SmallVector<int64_t> extents = op.getStaticLoopRanges();
  return op.hasPureTensorSemantics() && !hasBooleanOperand(op) &&
         !llvm::any_of(extents, ShapedType::isDynamic) &&
         llvm::product_of(extents) <= kMaxVectorizedIterations;
}

/// insert_slice(transfer_write(%v, %slice), %dest) -> transfer_write(%v,
/// %dest) when the write covers the whole slice. Tiles of decomposed
/// convolutions write a rank-reduced vector (the unit filter row dropped),
/// which upstream's folder does not take; written to %dest directly, the
/// accumulator's write pairs with its read, and loop-invariant subset
/// hoisting keeps it in registers across the reduction loop.
struct FoldInsertSliceOfCoveringWrite
    : OpRewritePattern<tensor::InsertSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::InsertSliceOp insert,
                                PatternRewriter &rewriter) const override {
    auto write = insert.getSource().getDefiningOp<vector::TransferWriteOp>();
    if (!write || !isa_and_present<vector::ContractionOp>(
                      write.getVector().getDefiningOp()))
      return rewriter.notifyMatchFailure(insert, "not an accumulator tile");
    if (write.getMask() || write.hasOutOfBoundsDim() ||
        !insert.hasUnitStride() ||
        insert.getSourceType().getRank() != insert.getDestType().getRank() ||
        !write.getPermutationMap().isMinorIdentity() ||
        !llvm::all_of(write.getIndices(), isZeroInteger))
      return rewriter.notifyMatchFailure(insert, "not a covering write");
    ArrayRef<int64_t> slice = write.getShapedType().getShape();
    ArrayRef<int64_t> vector = write.getVectorType().getShape();
    size_t unwritten = slice.size() - vector.size();
    if (!llvm::all_of(slice.take_front(unwritten),
                      [](int64_t size) { return size == 1; }) ||
        slice.drop_front(unwritten) != vector)
      return rewriter.notifyMatchFailure(insert, "the write misses elements");
    SmallVector<Value> offsets = getValueOrCreateConstantIndexOp(
        rewriter, insert.getLoc(), insert.getMixedOffsets());
    rewriter.replaceOpWithNewOp<vector::TransferWriteOp>(
        insert, write.getVector(), insert.getDest(), offsets,
        write.getPermutationMapAttr(), write.getInBoundsAttr());
    return success();
  }
};

struct TileAndVectorizePass
    : public mlir::qc::impl::QCTileAndVectorizeBase<TileAndVectorizePass> {
  using Base::Base;

  void runOnOperation() override {
    if (vectorWidth < 1) {
      getOperation()->emitError("qc-tile-and-vectorize: vector-width must be "
                                "positive, got ")
          << static_cast<int64_t>(vectorWidth);
      return signalPassFailure();
    }
    if (failed(tileOps()) || failed(decomposeWindowedOps()) ||
        failed(vectorizeOps()) || failed(cleanUpVectors()))
      signalPassFailure();
  }

  LogicalResult tileOps() {
    SmallVector<linalg::LinalgOp> worklist;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && isTileable(op))
        worklist.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    while (!worklist.empty()) {
      linalg::LinalgOp op = worklist.pop_back_val();
      if (auto parts = splitAtLastWholeTile(rewriter, op, vectorWidth)) {
        worklist.append({parts->first, parts->second});
        continue;
      }
      std::optional<SmallVector<int64_t>> registerTiles =
          getRegisterTileSizes(op, vectorWidth);
      if (!registerTiles)
        continue;
      if (std::optional<SmallVector<int64_t>> threadTiles =
              parallel ? getParallelTileSizes(op, *registerTiles)
                       : std::nullopt) {
        FailureOr<linalg::LinalgOp> chunk =
            tile(rewriter, op, *threadTiles,
                 scf::SCFTilingOptions::LoopType::ForallOp);
        if (failed(chunk))
          return op->emitError("could not tile for threads");
        op = *chunk;
      }
      if (failed(tile(rewriter, op, *registerTiles,
                      scf::SCFTilingOptions::LoopType::ForOp)))
        return op->emitError("could not tile into register tiles");
    }
    return success();
  }

  /// Register tiles of 2-D windowed ops have unit output and filter height:
  /// they become the 1-D forms linalg's vectorizer handles.
  LogicalResult decomposeWindowedOps() {
    RewritePatternSet patterns(&getContext());
    linalg::populateDecomposeConvolutionPatterns(patterns);
    return applyPatternsGreedily(getOperation(), std::move(patterns));
  }

  LogicalResult vectorizeOps() {
    SmallVector<linalg::LinalgOp> ops;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (isVectorizable(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::VectorizationResult> result =
          linalg::vectorize(rewriter, op);
      // Ops the vectorizer does not support stay scalar loops.
      if (succeeded(result))
        rewriter.replaceOp(op, result->replacements);
    }
    return success();
  }

  /// Folds the tiles' slices into the vector transfers and simplifies the
  /// transfers' permutations, so bufferization sees plain reads and writes.
  LogicalResult cleanUpVectors() {
    RewritePatternSet patterns(&getContext());
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    patterns.add<FoldInsertSliceOfCoveringWrite>(&getContext());
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorReductionToContractPatterns(patterns);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns, &getContext());
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns,
                                                         &getContext());
    return applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};
} // namespace
