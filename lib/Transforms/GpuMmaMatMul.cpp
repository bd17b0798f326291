//===- GpuMmaMatMul.cpp - Int8 matmuls on tensor cores --------------------===//
//
// Replaces each int8 matmul on device buffers whose right operand is [N, K]
// (qc-transpose-matmul-operands) by a gpu.launch of a tiled tensor-core
// kernel:
//
// * a thread block computes a kBlockRows x kBlockCols tile of C with 8 warps
//   (2 x 4), each a 64 x 32 tile of 4 x 4 mma.sync m16n8k32 s8 products
//   accumulated in int32 registers;
// * K advances kDepth (one mma k) at a time; the operand tiles are staged in
//   shared memory by asynchronous copies (cp.async, 16 bytes per thread and
//   operand) kStages deep, so the copies of later steps overlap the
//   products of this one; rows past M or N are zero-filled;
// * each thread loads its fragments from shared memory as 32-bit words
//   (rows padded by 16 bytes, so the 8 rows x 4 words of a fragment load
//   fall in distinct banks);
// * the epilogue adds the accumulators to C (linalg's semantics: C is the
//   initial value), skipping elements past the edges.
//
// The int32 products and sums are those of the CPU back end: mma.sync
// saturates its int32 accumulation, which no sum of K < 2^17 int8 products
// reaches.
//
//===----------------------------------------------------------------------===//

#include "qc/Transforms/Passes.h"

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
/// K steps in flight in shared memory.
constexpr int64_t kStages = 3;
/// Bytes of one cp.async.
constexpr int64_t kCopyBytes = 16;
/// Bytes of a shared memory row: one K step and the padding that spreads
/// a fragment's rows over the banks.
constexpr int64_t kSharedRowBytes = kDepth + 16;
/// Bytes of one fragment register (4 int8 values).
constexpr int64_t kWordBytes = 4;

static_assert(kBlockRows * kDepth / kCopyBytes == kThreads &&
                  kBlockCols * kDepth / kCopyBytes == kThreads,
              "one 16-byte copy per thread and operand per K step");

/// The operands of a matmul the kernel takes, batch first if any.
struct MatMulOperands {
  Value left, right, result;
  int64_t batch, rows, cols, depth;
  bool batched;
};

/// Whether `type` is an identity-layout buffer of `bits`-bit integers.
bool isDenseIntBuffer(Type type, unsigned bits) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.hasStaticShape() && memref.getLayout().isIdentity() &&
         memref.getElementType().isInteger(bits);
}

/// The operands of `op` when it is an int8 matmul with an [N, K] right
/// operand on dense static buffers whose K is a whole number of mma steps.
std::optional<MatMulOperands> matchMatMul(linalg::LinalgOp op) {
  bool batched = linalg::BatchMatmulTransposeBOp::classof(op);
  if (!batched && !linalg::MatmulTransposeBOp::classof(op))
    return std::nullopt;
  if (!op.hasPureBufferSemantics())
    return std::nullopt;
  Value left = op.getDpsInputs()[0], right = op.getDpsInputs()[1];
  Value result = op.getDpsInits()[0];
  if (!isDenseIntBuffer(left.getType(), 8) ||
      !isDenseIntBuffer(right.getType(), 8) ||
      !isDenseIntBuffer(result.getType(), 32))
    return std::nullopt;
  ArrayRef<int64_t> leftShape = cast<MemRefType>(left.getType()).getShape();
  ArrayRef<int64_t> rightShape = cast<MemRefType>(right.getType()).getShape();
  MatMulOperands operands{left,
                          right,
                          result,
                          batched ? leftShape[0] : 1,
                          leftShape[batched ? 1 : 0],
                          rightShape[batched ? 1 : 0],
                          leftShape[batched ? 2 : 1],
                          batched};
  if (operands.depth == 0 || operands.depth % kDepth != 0 ||
      operands.rows == 0 || operands.cols == 0)
    return std::nullopt;
  return operands;
}

/// Builds the kernel's body inside a gpu.launch.
class KernelBuilder {
public:
  KernelBuilder(ImplicitLocOpBuilder &b, const MatMulOperands &operands,
                gpu::LaunchOp launch)
      : b(b), operands(operands) {
    leftTiles = launch.getWorkgroupAttributions()[0];
    rightTiles = launch.getWorkgroupAttributions()[1];
    batch = operands.batched ? launch.getBlockIds().z : Value();
    Value thread = launch.getThreadIds().x;
    rowBase = mul(launch.getBlockIds().y, kBlockRows);
    colBase = mul(launch.getBlockIds().x, kBlockCols);
    Value warp = div(thread, kWarpSize), lane = rem(thread, kWarpSize);
    warpRow = mul(div(warp, kWarpsPerRow), kWarpRows);
    warpCol = mul(rem(warp, kWarpsPerRow), kWarpCols);
    group = div(lane, 4);
    word = mul(rem(lane, 4), kWordBytes);
    copyRow = div(thread, kDepth / kCopyBytes);
    copyCol = mul(rem(thread, kDepth / kCopyBytes), kCopyBytes);
  }

  void build() {
    Value steps = index(operands.depth / kDepth);
    // The first kStages - 1 steps in flight before the loop.
    Value token;
    for (int64_t step = 0; step < kStages - 1; ++step)
      token = copyStep(index(step), index(step), steps);
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
      SmallVector<Value> results =
          multiplyStep(rem(step, kStages), accumulators);
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

  /// Starts the copies of K step `step` (zero-filled past the last step or
  /// past the operand's rows) into shared memory stage `stage`; the group
  /// token.
  Value copyStep(Value stage, Value step, Value steps) {
    Value inSteps = less(step, steps);
    // Skipped copies still name an address inside the operand.
    Value col = add(mul(min(step, add(steps, -1)), kDepth), copyCol);
    SmallVector<Value> tokens;
    for (auto [global, tiles, base, extent] :
         {std::tuple(operands.left, leftTiles, rowBase, operands.rows),
          std::tuple(operands.right, rightTiles, colBase, operands.cols)}) {
      Value row = add(base, copyRow);
      Value inRange =
          arith::AndIOp::create(b, inSteps, less(row, index(extent)));
      Value sourceRow = min(row, index(extent - 1));
      Value elements = select(inRange, index(kCopyBytes), index(0));
      tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, nvgpu::DeviceAsyncTokenType::get(b.getContext()), tiles,
          ValueRange{stage, copyRow, copyCol}, global,
          globalIndices(sourceRow, col), b.getIndexAttr(kCopyBytes), elements,
          /*bypassL1=*/b.getUnitAttr()));
    }
    return nvgpu::DeviceAsyncCreateGroupOp::create(
        b, nvgpu::DeviceAsyncTokenType::get(b.getContext()), tokens);
  }

  /// The 4 int8 values at `row`, `col` of a shared tile as one word.
  Value loadWord(Value tiles, Value stage, Value row, Value col) {
    return vector::LoadOp::create(
        b, VectorType::get({kWordBytes}, b.getI8Type()), tiles,
        ValueRange{stage, row, col}, /*nontemporal=*/false,
        llvm::MaybeAlign(kWordBytes));
  }

  /// A fragment of `words.size()` words, in order.
  Value fragment(ArrayRef<Value> words) {
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
  /// (row-major over the warp's 4 x 4 mma tiles).
  SmallVector<Value> multiplyStep(Value stage, ValueRange accumulators) {
    Value upperWord = add(word, kDepth / 2);
    SmallVector<Value> left, right;
    for (int64_t i = 0; i < kMmaTilesM; ++i) {
      Value top = add(add(warpRow, i * kMmaRows), group);
      Value bottom = add(top, kMmaRows / 2);
      // PTX's s8 m16n8k32 A fragment: rows g and g + 8, K words t and t + 4.
      left.push_back(fragment({loadWord(leftTiles, stage, top, word),
                               loadWord(leftTiles, stage, bottom, word),
                               loadWord(leftTiles, stage, top, upperWord),
                               loadWord(leftTiles, stage, bottom, upperWord)}));
    }
    for (int64_t j = 0; j < kMmaTilesN; ++j) {
      Value col = add(add(warpCol, j * kMmaCols), group);
      // B fragment: column g, K words t and t + 4.
      right.push_back(fragment({loadWord(rightTiles, stage, col, word),
                                loadWord(rightTiles, stage, col, upperWord)}));
    }
    SmallVector<Value> results;
    for (int64_t i = 0; i < kMmaTilesM; ++i)
      for (int64_t j = 0; j < kMmaTilesN; ++j)
        results.push_back(nvgpu::MmaSyncOp::create(
            b, left[i], right[j], accumulators[i * kMmaTilesN + j],
            ArrayRef<int64_t>{kMmaRows, kMmaCols, kDepth}));
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
            Value old = memref::LoadOp::create(b, operands.result, indices);
            Value sum = add(old, vector::ExtractOp::create(
                                     b, tile, ArrayRef<int64_t>{half, element}));
            memref::StoreOp::create(b, sum, operands.result, indices);
          }
        }
      }
    }
  }

  ImplicitLocOpBuilder &b;
  const MatMulOperands &operands;
  Value leftTiles, rightTiles;
  Value batch, rowBase, colBase, warpRow, warpCol, group, word;
  Value copyRow, copyCol;
};

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
      arith::ConstantIndexOp::create(b, operands.batch),
      arith::ConstantIndexOp::create(b, kThreads), one, one,
      /*dynamicSharedMemorySize=*/Value(), /*asyncTokenType=*/Type(),
      /*asyncDependencies=*/ValueRange(),
      TypeRange{tileType(kBlockRows), tileType(kBlockCols)});
  b.setInsertionPointToStart(&launch.getBody().front());
  KernelBuilder(b, operands, launch).build();
  op->erase();
}

struct QCGpuMmaMatMulPass
    : public qc::impl::QCGpuMmaMatMulBase<QCGpuMmaMatMulPass> {
  void runOnOperation() override {
    SmallVector<std::pair<linalg::LinalgOp, MatMulOperands>> matches;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (std::optional<MatMulOperands> operands = matchMatMul(op))
        matches.emplace_back(op, *operands);
    });
    for (auto &[op, operands] : matches)
      replaceWithKernel(op, operands);
  }
};
} // namespace
