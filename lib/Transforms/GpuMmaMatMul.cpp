//===- GpuMmaMatMul.cpp - Int8 matmuls on tensor cores --------------------===//
//
// Replaces each int8 matmul on device buffers whose right operand is [N, K]
// (qc-transpose-matmul-operands), and each int8 NHWC convolution with an
// FHWC filter, by a gpu.launch of a tiled tensor-core kernel:
//
// * a thread block computes a kBlockRows x kBlockCols tile of C with 8 warps
//   (2 x 4), each a 64 x 32 tile of 4 x 4 mma.sync m16n8k32 s8 products
//   accumulated in int32 registers;
// * K advances kStageDepth (two mma steps) per barrier; the operand tiles
//   are staged in shared memory by asynchronous copies (cp.async of 16
//   bytes, or of 8 or 4 where K is not a multiple of 16) kStages deep, so
//   the copies of the next stage overlap the products of this one; rows
//   past M or N and columns past K are zero-filled;
// * a convolution is the implicit GEMM of its output pixels (M = N OH OW)
//   by its filters (N = F, K = KH KW C, the filter's own layout): the
//   copies of A gather each chunk of K from the input pixel it multiplies,
//   so the input is read in place, no im2col buffer is made;
// * fragments come from shared memory by ldmatrix.x4 (rows padded by 16
//   bytes, so the 8 rows of an ldmatrix phase fall in distinct banks);
// * the epilogue adds the accumulators to C (linalg's semantics: C is the
//   initial value), or stores them where a zero fill of C came right
//   before (the fill is dropped), skipping elements past the edges;
// * grids of fewer than kSplitTargetBlocks blocks split K among several
//   blocks per tile, which add into C atomically (split-K; small M);
// * a right operand that an elementwise generic makes from other buffers
//   just before (qc-lower-packed-matmul unpacking packed weights) is not
//   read from memory: the kernel evaluates the generic's body for each
//   staged word of B, so the packed weights are all it loads.
//
// The int32 products and sums are those of the CPU back end: mma.sync
// saturates its int32 accumulation, which no sum of K < 2^17 int8 products
// reaches.
//
//===----------------------------------------------------------------------===//

#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/Matchers.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCGPUMMAMATMUL
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;

namespace {
/// The C tile of a thread block.
constexpr int64_t kBlockRows = 128;
constexpr int64_t kBlockCols = 128;
/// The C tile of a warp: 4 x 4 mma tiles.
constexpr int64_t kWarpRows = 64;
constexpr int64_t kWarpCols = 32;
constexpr int64_t kWarpSize = 32;
constexpr int64_t kWarpsPerRow = kBlockCols / kWarpCols;
constexpr int64_t kThreads =
    kBlockRows / kWarpRows * kWarpsPerRow * kWarpSize;
/// mma.sync m16n8k32 with s8 operands.
constexpr int64_t kMmaRows = 16;
constexpr int64_t kMmaCols = 8;
constexpr int64_t kDepth = 32;
constexpr int64_t kMmaTilesM = kWarpRows / kMmaRows;
constexpr int64_t kMmaTilesN = kWarpCols / kMmaCols;
/// K advances kStageDepth (kStepsPerStage mma steps) per barrier; kStages
/// such steps are in flight in shared memory.
constexpr int64_t kStepsPerStage = 2;
constexpr int64_t kStageDepth = kDepth * kStepsPerStage;
constexpr int64_t kStages = 2;
/// Bytes of one cp.async: the most it copies, and what a row of K must be
/// a multiple of (a convolution's C: a chunk reads one pixel).
constexpr int64_t kCopyBytes = 16;
constexpr int64_t kMinCopyBytes = 4;
/// Bytes of a shared memory row: one stage's K and the padding that puts
/// the 8 rows an ldmatrix phase reads in distinct banks.
constexpr int64_t kSharedRowBytes = kStageDepth + 16;
/// Bytes of one fragment register (4 int8 values).
constexpr int64_t kWordBytes = 4;
/// ldmatrix reads 8 x 8 tiles of 16-bit values: 8 rows of 16 int8 values.
constexpr int64_t kLdMatrixRows = 8;
constexpr int64_t kLdMatrixBytes = 16;
constexpr int64_t kLdMatrixTiles = 4;

/// Split-K: grids of fewer blocks than this (about two per SM of an H100's
/// 132) have K divided among several blocks per tile, each walking at
/// least kMinStepsPerSplit stages.
constexpr int64_t kSplitTargetBlocks = 256;
constexpr int64_t kMinStepsPerSplit = 4;

static_assert(kBlockRows == kBlockCols &&
                  kBlockRows * kStageDepth % (kCopyBytes * kThreads) == 0,
              "whole copies per thread, the same for both operands");
static_assert(2 * kStages * kBlockRows * kSharedRowBytes <= 48 * 1024,
              "static shared memory is at most 48 KiB");

/// A convolution as the kernel's left operand: output pixel m = (n, y, x)
/// and K index k = (i, j, c) read input[n, y sy + i dy, x sx + j dx, c]
/// (the input padded already).
struct ConvolutionGeometry {
  int64_t outputHeight, outputWidth, filterWidth, channels;
  int64_t strideY, strideX, dilationY, dilationX;
};

/// The operands of a matmul the kernel takes, batch first if any; or of a
/// convolution (NHWC input, FHWC filter, NHWC result, which the kernel
/// reads as [F, KH KW C] and writes as [N OH OW, F]).
struct MatMulOperands {
  Value left, right, result;
  int64_t batch, rows, cols, depth;
  bool batched;
  std::optional<ConvolutionGeometry> convolution;
  /// Bytes of each cp.async: the largest that divides K (and C).
  int64_t copyBytes = kCopyBytes;
  /// C holds zeros (a linalg.fill this pass removed): stored, not added to.
  bool overwrite = false;
  /// Blocks sharing each C tile, each summing a contiguous run of K stages
  /// into C with atomic adds (exact: integers).
  int64_t splits = 1;
  /// The generic whose loops (n, block, lane) write the [N, K / L, L]
  /// buffer the right operand collapses, evaluated in the kernel instead
  /// of read from that buffer; null: the right operand is read.
  linalg::GenericOp rightProducer;

  int64_t getSteps() const { return llvm::divideCeil(depth, kStageDepth); }
  /// Copies each thread makes per operand and stage.
  int64_t getCopiesPerThread() const {
    return kBlockRows * kStageDepth / copyBytes / kThreads;
  }
  int64_t getStepsPerSplit() const {
    return llvm::divideCeil(getSteps(), splits);
  }
};

/// How many blocks share a C tile: enough to fill kSplitTargetBlocks, at
/// most one per kMinStepsPerSplit stages of K, and none without stages
/// (equal runs of stages, the last one shorter).
int64_t chooseSplits(const MatMulOperands &operands) {
  int64_t tiles = llvm::divideCeil(operands.rows, kBlockRows) *
                  llvm::divideCeil(operands.cols, kBlockCols) * operands.batch;
  int64_t wanted = llvm::divideCeil(kSplitTargetBlocks, tiles);
  int64_t steps = operands.getSteps();
  int64_t splits =
      std::max<int64_t>(1, std::min(wanted, steps / kMinStepsPerSplit));
  return llvm::divideCeil(steps, llvm::divideCeil(steps, splits));
}

/// Whether `type` is an identity-layout buffer of `bits`-bit integers.
bool isDenseIntBuffer(Type type, unsigned bits) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.hasStaticShape() && memref.getLayout().isIdentity() &&
         memref.getElementType().isInteger(bits);
}

/// The largest cp.async size that divides `bytes`, if any.
std::optional<int64_t> chooseCopyBytes(int64_t bytes) {
  for (int64_t size = kCopyBytes; size >= kMinCopyBytes; size /= 2)
    if (bytes % size == 0)
      return size;
  return std::nullopt;
}

/// Whether `op` has int8 inputs and an int32 result on dense static buffers.
bool hasDenseInt8Operands(linalg::LinalgOp op) {
  return op.hasPureBufferSemantics() && op.getNumDpsInputs() == 2 &&
         isDenseIntBuffer(op.getDpsInputs()[0].getType(), 8) &&
         isDenseIntBuffer(op.getDpsInputs()[1].getType(), 8) &&
         isDenseIntBuffer(op.getDpsInits()[0].getType(), 32);
}

/// The operands of `op` when it is an int8 matmul with an [N, K] right
/// operand on dense static buffers.
std::optional<MatMulOperands> matchMatMul(linalg::LinalgOp op) {
  bool batched = linalg::BatchMatmulTransposeBOp::classof(op);
  if ((!batched && !linalg::MatmulTransposeBOp::classof(op)) ||
      !hasDenseInt8Operands(op))
    return std::nullopt;
  Value left = op.getDpsInputs()[0], right = op.getDpsInputs()[1];
  ArrayRef<int64_t> leftShape = cast<MemRefType>(left.getType()).getShape();
  ArrayRef<int64_t> rightShape = cast<MemRefType>(right.getType()).getShape();
  return MatMulOperands{left,
                        right,
                        op.getDpsInits()[0],
                        batched ? leftShape[0] : 1,
                        leftShape[batched ? 1 : 0],
                        rightShape[batched ? 1 : 0],
                        leftShape[batched ? 2 : 1],
                        batched};
}

/// The operands of `op` when it is an int8 NHWC convolution with an FHWC
/// filter on dense static buffers.
std::optional<MatMulOperands> matchConvolution(linalg::LinalgOp op) {
  auto convolution = dyn_cast<linalg::Conv2DNhwcFhwcOp>(op.getOperation());
  if (!convolution || !hasDenseInt8Operands(op))
    return std::nullopt;
  Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1];
  Value result = op.getDpsInits()[0];
  ArrayRef<int64_t> filterShape =
      cast<MemRefType>(filter.getType()).getShape();
  ArrayRef<int64_t> resultShape =
      cast<MemRefType>(result.getType()).getShape();
  auto strides = convolution.getStrides().getValues<int64_t>();
  auto dilations = convolution.getDilations().getValues<int64_t>();
  ConvolutionGeometry geometry{resultShape[1], resultShape[2],
                               filterShape[2], filterShape[3],
                               strides[0],     strides[1],
                               dilations[0],   dilations[1]};
  MatMulOperands operands{input,
                          filter,
                          result,
                          /*batch=*/1,
                          resultShape[0] * resultShape[1] * resultShape[2],
                          resultShape[3],
                          filterShape[1] * filterShape[2] * filterShape[3],
                          /*batched=*/false,
                          geometry};
  return operands;
}

/// The operands of `op` when the kernel takes it: a matmul or convolution
/// whose rows of K (and pixels, for a convolution) are whole copies.
std::optional<MatMulOperands> matchOperands(linalg::LinalgOp op) {
  std::optional<MatMulOperands> operands = matchMatMul(op);
  if (!operands)
    operands = matchConvolution(op);
  if (!operands || operands->depth == 0 || operands->rows == 0 ||
      operands->cols == 0)
    return std::nullopt;
  std::optional<int64_t> copyBytes =
      chooseCopyBytes(operands->convolution ? operands->convolution->channels
                                            : operands->depth);
  if (!copyBytes)
    return std::nullopt;
  operands->copyBytes = *copyBytes;
  return operands;
}

/// The elementwise generic that writes the right operand of `consumer`, if
/// the kernel can evaluate it instead: the right operand collapses
/// [[0], [1, 2]] a [N, K / L, L] allocation that only this generic writes
/// (all loops parallel, identity output map, its output value unused) and
/// nothing but `consumer` reads, and a stage's K is whole words of L values
/// that the threads share evenly.
linalg::GenericOp matchRightProducer(Value right, Operation *consumer) {
  auto collapse = right.getDefiningOp<memref::CollapseShapeOp>();
  if (!collapse || !right.hasOneUse() ||
      collapse.getReassociationIndices() !=
          SmallVector<ReassociationIndices>{{0}, {1, 2}})
    return {};
  Value blocked = collapse.getSrc();
  if (!blocked.getDefiningOp<gpu::AllocOp>())
    return {};
  linalg::GenericOp producer;
  for (Operation *user : blocked.getUsers()) {
    if (user == collapse || isa<gpu::DeallocOp>(user))
      continue;
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (producer || !generic || generic.getNumDpsInits() != 1 ||
        generic.getDpsInits()[0] != blocked)
      return {};
    producer = generic;
  }
  if (!producer || !producer.hasPureBufferSemantics() ||
      producer->getBlock() != consumer->getBlock() ||
      !producer->isBeforeInBlock(consumer) ||
      producer.getNumParallelLoops() != 3 || producer.getNumLoops() != 3 ||
      !producer.getIndexingMapsArray().back().isIdentity() ||
      !producer.getRegionOutputArgs().front().use_empty())
    return {};
  int64_t lanes = cast<MemRefType>(blocked.getType()).getDimSize(2);
  bool wholeWords = kStageDepth % lanes == 0 &&
                    kBlockCols * (kStageDepth / lanes) % kThreads == 0;
  return wholeWords ? producer : linalg::GenericOp();
}

/// Builds the kernel's body inside a gpu.launch.
class KernelBuilder {
public:
  KernelBuilder(ImplicitLocOpBuilder &b, const MatMulOperands &operands,
                gpu::LaunchOp launch)
      : b(b), operands(operands) {
    leftTiles = launch.getWorkgroupAttributions()[0];
    rightTiles = launch.getWorkgroupAttributions()[1];
    // Grid z: the batch (if any) times the splits of K.
    Value depthBlock = launch.getBlockIds().z;
    batch = operands.batched ? div(depthBlock, operands.splits) : Value();
    Value split = rem(depthBlock, operands.splits);
    firstStep = mul(split, operands.getStepsPerSplit());
    endStep = min(add(firstStep, operands.getStepsPerSplit()),
                  index(operands.getSteps()));
    thread = launch.getThreadIds().x;
    rowBase = mul(launch.getBlockIds().y, kBlockRows);
    colBase = mul(launch.getBlockIds().x, kBlockCols);
    Value warp = div(thread, kWarpSize);
    lane = rem(thread, kWarpSize);
    warpRow = mul(div(warp, kWarpsPerRow), kWarpRows);
    warpCol = mul(rem(warp, kWarpsPerRow), kWarpCols);
    group = div(lane, 4);
    word = mul(rem(lane, 4), kWordBytes);
    int64_t copiesPerRow = kStageDepth / operands.copyBytes;
    for (int64_t copy = 0; copy < operands.getCopiesPerThread(); ++copy) {
      Value chunk = add(thread, copy * kThreads);
      copyRows.push_back(div(chunk, copiesPerRow));
      copyCols.push_back(mul(rem(chunk, copiesPerRow), operands.copyBytes));
    }
  }

  void build() {
    // This block's stages of K, [firstStep, endStep), counted from 0.
    Value steps = arith::SubIOp::create(b, endStep, firstStep);
    // The first kStages - 1 steps in flight before the loop.
    Value token;
    for (int64_t step = 0; step < kStages - 1; ++step) {
      token = copyStep(index(step), index(step), steps);
      storeRightStep(index(step), loadRightStep(index(step), steps));
    }
    SmallVector<Value> initial(
        kMmaTilesM * kMmaTilesN,
        arith::ConstantOp::create(b, b.getZeroAttr(accumulatorType())));
    initial.push_back(token);
    auto loop = scf::ForOp::create(b, index(0), steps, index(1), initial);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value step = loop.getInductionVar();
      ValueRange accumulators = loop.getRegionIterArgs().drop_back();
      // This step's tiles have landed (at most kStages - 2 later groups
      // pending) and every thread is done with the stage the next copy
      // overwrites.
      nvgpu::DeviceAsyncWaitOp::create(b, loop.getRegionIterArgs().back(),
                                       b.getI32IntegerAttr(kStages - 2));
      gpu::BarrierOp::create(b);
      Value ahead = add(step, index(kStages - 1));
      Value next = copyStep(rem(ahead, kStages), ahead, steps);
      SmallVector<RightWord> words = loadRightStep(ahead, steps);
      SmallVector<Value> results =
          multiplyStep(rem(step, kStages), accumulators);
      storeRightStep(rem(ahead, kStages), words);
      results.push_back(next);
      scf::YieldOp::create(b, results);
    }
    nvgpu::DeviceAsyncWaitOp::create(b, loop.getResults().back(),
                                     b.getI32IntegerAttr(0));
    storeAccumulators(loop.getResults().drop_back());
    gpu::TerminatorOp::create(b);
  }

private:
  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, value);
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, x, y); }
  Value add(Value x, int64_t y) {
    return arith::AddIOp::create(b, x, index(y));
  }
  Value mul(Value x, int64_t y) {
    return arith::MulIOp::create(b, x, index(y));
  }
  Value div(Value x, int64_t y) {
    return arith::DivUIOp::create(b, x, index(y));
  }
  Value rem(Value x, int64_t y) {
    return arith::RemUIOp::create(b, x, index(y));
  }
  Value less(Value x, Value y) {
    return arith::CmpIOp::create(b, arith::CmpIPredicate::ult, x, y);
  }
  Value select(Value condition, Value x, Value y) {
    return arith::SelectOp::create(b, condition, x, y);
  }
  Value min(Value x, Value y) { return arith::MinUIOp::create(b, x, y); }

  VectorType accumulatorType() {
    return VectorType::get({2, 2}, b.getI32Type());
  }

  /// Indices into a global operand: the batch (if any), then `row`, `col`.
  SmallVector<Value> globalIndices(Value row, Value col) {
    SmallVector<Value> indices;
    if (batch)
      indices.push_back(batch);
    indices.append({row, col});
    return indices;
  }

  /// Indices of element (`row`, `col`) of the left operand: of the pixel
  /// it reads, for a convolution.
  SmallVector<Value> leftIndices(Value row, Value col) {
    if (!operands.convolution)
      return globalIndices(row, col);
    const ConvolutionGeometry &conv = *operands.convolution;
    Value image = div(row, conv.outputHeight * conv.outputWidth);
    Value y = rem(div(row, conv.outputWidth), conv.outputHeight);
    Value x = rem(row, conv.outputWidth);
    Value tap = div(col, conv.channels);
    Value i = div(tap, conv.filterWidth);
    Value j = rem(tap, conv.filterWidth);
    return {image,
            add(mul(y, conv.strideY), mul(i, conv.dilationY)),
            add(mul(x, conv.strideX), mul(j, conv.dilationX)),
            rem(col, conv.channels)};
  }

  /// Starts the copies of K stage `step` into shared memory stage `stage`;
  /// the group token. Chunks past the last step, past K or past the
  /// operand's rows are zero-filled (they still name an address inside the
  /// operand).
  Value copyStep(Value stage, Value step, Value steps) {
    Value inSteps = less(step, steps);
    Value stepCol = mul(add(firstStep, step), kStageDepth);
    int64_t copyBytes = operands.copyBytes;
    SmallVector<Value> tokens;
    auto copyOperand = [&](Value global, Value tiles, Value base,
                           int64_t extent,
                           function_ref<SmallVector<Value>(Value, Value)>
                               sourceIndices) {
      for (auto [copyRow, copyCol] : llvm::zip_equal(copyRows, copyCols)) {
        Value row = add(base, copyRow);
        Value col = add(stepCol, copyCol);
        Value inRange = arith::AndIOp::create(
            b, arith::AndIOp::create(b, inSteps, less(row, index(extent))),
            less(col, index(operands.depth)));
        Value sourceRow = min(row, index(extent - 1));
        Value sourceCol = min(col, index(operands.depth - copyBytes));
        Value elements = select(inRange, index(copyBytes), index(0));
        // Only 16-byte copies may bypass L1 (cp.async.cg).
        UnitAttr bypassL1 =
            copyBytes == kCopyBytes ? b.getUnitAttr() : UnitAttr();
        tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
            b, nvgpu::DeviceAsyncTokenType::get(b.getContext()), tiles,
            ValueRange{stage, copyRow, copyCol}, global,
            sourceIndices(sourceRow, sourceCol), b.getIndexAttr(copyBytes),
            elements, bypassL1));
      }
    };
    copyOperand(operands.left, leftTiles, rowBase, operands.rows,
                [&](Value row, Value col) { return leftIndices(row, col); });
    if (!operands.rightProducer)
      copyOperand(operands.right, rightTiles, colBase, operands.cols,
                  [&](Value row, Value col) {
                    return globalIndices(row, col);
                  });
    return nvgpu::DeviceAsyncCreateGroupOp::create(
        b, nvgpu::DeviceAsyncTokenType::get(b.getContext()), tokens);
  }

  /// The words of B a thread makes for one K stage: where each goes in the
  /// stage's tile, whether it is inside the operand, and the producer's
  /// inputs loaded for each of its lanes.
  struct RightWord {
    Value col, blockInStage, inRange;
    /// Per lane: the producer's block arguments mapped to the loaded
    /// inputs, and its loops to (n, block, lane).
    SmallVector<IRMapping> lanes;
    SmallVector<SmallVector<Value>> loops;
  };

  /// Loads the producer's inputs for the words of K stage `step` of the
  /// right operand that this thread makes: one (n, block) of the
  /// producer's loops per word, consecutive threads consecutive n (so the
  /// inputs, indexed [., block, n], are read coalesced). Loaded before the
  /// products of the current stage, whose issue hides their latency.
  SmallVector<RightWord> loadRightStep(Value step, Value steps) {
    linalg::GenericOp producer = operands.rightProducer;
    if (!producer)
      return {};
    int64_t lanes = getProducerLanes();
    int64_t blocks = operands.depth / lanes;
    int64_t blocksPerStage = kStageDepth / lanes;
    Value inSteps = less(step, steps);
    Value firstBlock = mul(add(firstStep, step), blocksPerStage);
    SmallVector<RightWord> words;
    for (int64_t first = 0; first < kBlockCols * blocksPerStage;
         first += kThreads) {
      RightWord &word = words.emplace_back();
      Value position = add(thread, first);
      word.col = rem(position, kBlockCols);
      word.blockInStage = div(position, kBlockCols);
      Value n = add(colBase, word.col);
      Value block = add(firstBlock, word.blockInStage);
      word.inRange = arith::AndIOp::create(
          b, arith::AndIOp::create(b, inSteps, less(n, index(operands.cols))),
          less(block, index(blocks)));
      // Clamped, so that words outside still load from inside the inputs.
      n = min(n, index(operands.cols - 1));
      block = min(block, index(blocks - 1));
      for (int64_t lane = 0; lane < lanes; ++lane) {
        word.loops.push_back({n, block, index(lane)});
        word.lanes.push_back(loadProducerInputs(word.loops.back()));
      }
    }
    return words;
  }

  /// Stores `words` into shared memory stage `stage` of B: the producer's
  /// body evaluated for each lane, the lanes of a word as one vector
  /// (zeros outside the operand).
  void storeRightStep(Value stage, ArrayRef<RightWord> words) {
    if (words.empty())
      return;
    int64_t lanes = getProducerLanes();
    auto wordType = VectorType::get({lanes}, b.getI8Type());
    Value zeros = arith::ConstantOp::create(b, b.getZeroAttr(wordType));
    for (const RightWord &word : words) {
      SmallVector<Value> values;
      for (auto [mapping, loops] : llvm::zip_equal(word.lanes, word.loops))
        values.push_back(evaluateProducer(mapping, loops));
      Value produced =
          select(word.inRange,
                 vector::FromElementsOp::create(b, wordType, values), zeros);
      vector::StoreOp::create(
          b, produced, rightTiles,
          ValueRange{stage, word.col, mul(word.blockInStage, lanes)});
    }
  }

  int64_t getProducerLanes() {
    linalg::GenericOp producer = operands.rightProducer;
    return cast<MemRefType>(producer.getDpsInits()[0].getType()).getDimSize(2);
  }

  /// The producer's block arguments mapped to its inputs at `loops`, each
  /// loaded through its indexing map.
  IRMapping loadProducerInputs(ArrayRef<Value> loops) {
    linalg::GenericOp producer = operands.rightProducer;
    IRMapping mapping;
    for (OpOperand *input : producer.getDpsInputOperands()) {
      AffineMap map = producer.getMatchingIndexingMap(input);
      SmallVector<Value> indices;
      for (AffineExpr result : map.getResults())
        indices.push_back(affine::expandAffineExpr(b, b.getLoc(), result,
                                                   loops, ValueRange()));
      mapping.map(producer.getMatchingBlockArgument(input),
                  memref::LoadOp::create(
                      b, producerInputs.lookup(input->get()), indices));
    }
    return mapping;
  }

  /// The producer's value at `loops` from its loaded inputs: its body
  /// cloned.
  Value evaluateProducer(IRMapping mapping, ArrayRef<Value> loops) {
    linalg::GenericOp producer = operands.rightProducer;
    Block *body = producer.getBody();
    for (Operation &op : body->without_terminator()) {
      if (auto loopIndex = dyn_cast<linalg::IndexOp>(op)) {
        mapping.map(loopIndex.getResult(), loops[loopIndex.getDim()]);
        continue;
      }
      b.clone(op, mapping);
    }
    return mapping.lookup(body->getTerminator()->getOperand(0));
  }

  /// Four 8 x 16-byte tiles of shared memory stage `stage` of `tiles`
  /// (ldmatrix.x4): lanes 8i to 8i + 7 name the rows of tile i; each lane
  /// receives one word of each tile (row lane / 4, word lane % 4).
  Value loadTiles(Value tiles, Value stage, Value row, Value col) {
    auto type = VectorType::get({kLdMatrixTiles, kWordBytes}, b.getI8Type());
    return nvgpu::LdMatrixOp::create(b, type, tiles,
                                     ValueRange{stage, row, col},
                                     b.getBoolAttr(false),
                                     b.getI32IntegerAttr(kLdMatrixTiles));
  }

  /// The words (vector<4xi8> each) as the rows of one vector.
  Value stackWords(ArrayRef<Value> words) {
    auto type = VectorType::get({static_cast<int64_t>(words.size()),
                                 kWordBytes},
                                b.getI8Type());
    Value result = ub::PoisonOp::create(b, type);
    for (auto [position, value] : llvm::enumerate(words))
      result = vector::InsertOp::create(b, value, result,
                                        static_cast<int64_t>(position));
    return result;
  }

  /// The products of shared memory stage `stage` added to `accumulators`
  /// (row-major over the warp's 4 x 4 mma tiles), one mma step after the
  /// other.
  SmallVector<Value> multiplyStep(Value stage, ValueRange accumulators) {
    // PTX's s8 m16n8k32 A fragment is rows g and g + 8 of K words t and
    // t + 4: the tiles (rows 0-7, bytes 0-15), (8-15, 0-15), (0-7, 16-31),
    // (8-15, 16-31) of an mma tile, so lane l names row l % 16 at byte
    // 16 (l / 16).
    Value leftRow = add(warpRow, rem(lane, kMmaRows));
    Value leftCol = mul(div(lane, kMmaRows), kLdMatrixBytes);
    // A B fragment is column g of K words t and t + 4: two tiles of 8
    // columns; one ldmatrix.x4 loads two mma tiles' worth, lane l naming
    // column l % 8 + 8 (l / 16) at byte 16 ((l / 8) % 2).
    Value rightRow = add(add(warpCol, rem(lane, kLdMatrixRows)),
                         mul(div(lane, 2 * kLdMatrixRows), kMmaCols));
    Value rightCol =
        mul(rem(div(lane, kLdMatrixRows), 2), kLdMatrixBytes);
    SmallVector<Value> results(accumulators);
    for (int64_t depth = 0; depth < kStageDepth; depth += kDepth) {
      SmallVector<Value> left, right;
      for (int64_t i = 0; i < kMmaTilesM; ++i)
        left.push_back(loadTiles(leftTiles, stage, add(leftRow, i * kMmaRows),
                                 add(leftCol, depth)));
      for (int64_t j = 0; j < kMmaTilesN; j += 2) {
        Value pair = loadTiles(rightTiles, stage,
                               add(rightRow, j * kMmaCols),
                               add(rightCol, depth));
        for (int64_t half = 0; half < 2; ++half)
          right.push_back(stackWords(
              {vector::ExtractOp::create(b, pair, 2 * half),
               vector::ExtractOp::create(b, pair, 2 * half + 1)}));
      }
      for (int64_t i = 0; i < kMmaTilesM; ++i)
        for (int64_t j = 0; j < kMmaTilesN; ++j) {
          Value &accumulator = results[i * kMmaTilesN + j];
          accumulator = nvgpu::MmaSyncOp::create(
              b, left[i], right[j], accumulator,
              ArrayRef<int64_t>{kMmaRows, kMmaCols, kDepth});
        }
    }
    return results;
  }

  /// C += the accumulators, inside the edges. PTX's m16n8 C fragment:
  /// rows g and g + 8, columns 2t and 2t + 1.
  void storeAccumulators(ValueRange accumulators) {
    Value pairCol = div(word, 2);
    for (int64_t i = 0; i < kMmaTilesM; ++i) {
      for (int64_t j = 0; j < kMmaTilesN; ++j) {
        Value tile = accumulators[i * kMmaTilesN + j];
        for (int64_t half = 0; half < 2; ++half) {
          Value row = add(add(add(rowBase, warpRow), i * kMmaRows + half * 8),
                          group);
          for (int64_t element = 0; element < 2; ++element) {
            Value col = add(add(add(colBase, warpCol), j * kMmaCols + element),
                            pairCol);
            Value inside = arith::AndIOp::create(
                b, less(row, index(operands.rows)),
                less(col, index(operands.cols)));
            auto guard = scf::IfOp::create(b, inside);
            OpBuilder::InsertionGuard insertion(b);
            b.setInsertionPointToStart(guard.thenBlock());
            SmallVector<Value> indices = globalIndices(row, col);
            Value sum = vector::ExtractOp::create(
                b, tile, ArrayRef<int64_t>{half, element});
            if (operands.splits > 1) {
              memref::AtomicRMWOp::create(b, arith::AtomicRMWKind::addi, sum,
                                          operands.result, indices);
              continue;
            }
            if (!operands.overwrite)
              sum = add(memref::LoadOp::create(b, operands.result, indices),
                        sum);
            memref::StoreOp::create(b, sum, operands.result, indices);
          }
        }
      }
    }
  }

public:
  /// The producer's inputs as the kernel names them (globals referenced
  /// inside it).
  IRMapping producerInputs;

private:
  ImplicitLocOpBuilder &b;
  const MatMulOperands &operands;
  Value leftTiles, rightTiles;
  Value thread, batch, firstStep, endStep, rowBase, colBase, warpRow, warpCol,
      lane, group, word;
  SmallVector<Value> copyRows, copyCols;
};

/// The linalg.fill with zero right before `op` that initializes `result`,
/// if any: the kernel then stores its sums instead of adding them.
linalg::FillOp getZeroFill(Operation *op, Value result) {
  auto fill = dyn_cast_or_null<linalg::FillOp>(op->getPrevNode());
  if (!fill || !fill.hasPureBufferSemantics() ||
      fill.getDpsInits()[0] != result)
    return {};
  return matchPattern(fill.getDpsInputs()[0], m_Zero()) ? fill
                                                        : linalg::FillOp();
}

/// Erases `producer`, which the kernel evaluates, with its buffer, whose
/// only other users are now its collapse and deallocation.
void eraseProducer(linalg::GenericOp producer) {
  Value blocked = producer.getDpsInits()[0];
  producer->erase();
  for (Operation *user : llvm::make_early_inc_range(blocked.getUsers()))
    user->erase();
  blocked.getDefiningOp()->erase();
}

/// Replaces `op` by a launch of the tensor-core kernel on `operands`.
void replaceWithKernel(linalg::LinalgOp op, const MatMulOperands &operands) {
  ImplicitLocOpBuilder b(op.getLoc(), op);
  auto workgroup = gpu::AddressSpaceAttr::get(
      b.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
  auto tileType = [&](int64_t rows) {
    return MemRefType::get({kStages, rows, kSharedRowBytes}, b.getI8Type(),
                           MemRefLayoutAttrInterface(), workgroup);
  };
  Value one = arith::ConstantIndexOp::create(b, 1);
  auto launch = gpu::LaunchOp::create(
      b,
      arith::ConstantIndexOp::create(
          b, llvm::divideCeil(operands.cols, kBlockCols)),
      arith::ConstantIndexOp::create(
          b, llvm::divideCeil(operands.rows, kBlockRows)),
      arith::ConstantIndexOp::create(b, operands.batch * operands.splits),
      arith::ConstantIndexOp::create(b, kThreads), one, one,
      /*dynamicSharedMemorySize=*/Value(), /*asyncTokenType=*/Type(),
      /*asyncDependencies=*/ValueRange(),
      TypeRange{tileType(kBlockRows), tileType(kBlockCols)});
  b.setInsertionPointToStart(&launch.getBody().front());
  // Constant operands (weights) are globals the kernel references itself:
  // gpu-kernel-outlining copies them into the kernel's module, where they
  // are device data; their host address would be no use there.
  auto localCopy = [&](Value buffer) {
    auto global = buffer.getDefiningOp<memref::GetGlobalOp>();
    return global ? b.clone(*global)->getResult(0) : buffer;
  };
  MatMulOperands local = operands;
  local.left = localCopy(local.left);
  local.right = localCopy(local.right);
  if (local.convolution) {
    // The filter as [F, KH KW C] and the result as [N OH OW, F]: both
    // row-major already.
    local.right = memref::CollapseShapeOp::create(
        b, local.right, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    local.result = memref::CollapseShapeOp::create(
        b, local.result, SmallVector<ReassociationIndices>{{0, 1, 2}, {3}});
  }
  KernelBuilder kernel(b, local, launch);
  if (linalg::GenericOp producer = operands.rightProducer)
    for (Value input : producer.getDpsInputs())
      kernel.producerInputs.map(input, localCopy(input));
  kernel.build();
  op->erase();
  if (linalg::GenericOp producer = operands.rightProducer)
    eraseProducer(producer);
}

struct QCGpuMmaMatMulPass
    : public qc::impl::QCGpuMmaMatMulBase<QCGpuMmaMatMulPass> {
  void runOnOperation() override {
    SmallVector<std::pair<linalg::LinalgOp, MatMulOperands>> matches;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (std::optional<MatMulOperands> operands = matchOperands(op))
        matches.emplace_back(op, *operands);
    });
    for (auto &[op, operands] : matches) {
      operands.splits = chooseSplits(operands);
      operands.rightProducer = matchRightProducer(operands.right, op);
      // Split sums add into C, which must hold its initial value.
      if (linalg::FillOp fill = getZeroFill(op, operands.result);
          fill && operands.splits == 1) {
        fill->erase();
        operands.overwrite = true;
      }
      replaceWithKernel(op, operands);
    }
  }
};
} // namespace
