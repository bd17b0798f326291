//===- LowerPackedMatMul.cpp - qc.packed_matmul to linalg -----------------===//
//
// Lowers qc.packed_matmul with constant weights to linalg.generic ops that
// read the weights' bit planes as stored and unpack each lane's value in the
// loop body, so vectorized code unpacks in registers and memory only ever
// holds the packed bytes.
//
//===----------------------------------------------------------------------===//

#include "qc/IR/QC.h"
#include "qc/Numerics/Numerics.h"
#include "qc/Transforms/ConstantTensor.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCLOWERPACKEDMATMUL
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;
namespace numerics = ::qc::numerics;

/// Width of the partial sums and of the result.
static constexpr unsigned kAccumulatorBits = 32;
static constexpr int64_t kBlock = numerics::kPlaneBlockSize;

namespace {
/// A packed_matmul's weights: as stored, and as the kernel reads them.
struct PackedWeights {
  /// The op's packed rows, [N, K * bits / 8] bytes.
  SmallVector<uint8_t> bytes;
  /// One constant of words per bit plane, [K / G, G / 8, N].
  SmallVector<Value> planes;
};

/// The loops of the partial-sum generic and the sizes it works with.
struct PackedShape {
  int64_t rows;      // N
  int64_t reduction; // K
  int64_t groups;    // K / G
  int64_t blocksPerGroup;
};
} // namespace

/// The loops of `op`'s partial sums: one per weight group, else one per
/// `partialSumLength` inputs where that divides K into several blocks of
/// whole words, else one over K.
static PackedShape getPackedShape(PackedMatMulOp op, int64_t partialSumLength) {
  int64_t reduction = op.getReductionSize();
  int64_t sumLength = reduction;
  if (std::optional<int64_t> groupSize = op.getGroupSize())
    sumLength = *groupSize;
  else if (partialSumLength > 0 && partialSumLength < reduction &&
           partialSumLength % kBlock == 0 && reduction % partialSumLength == 0)
    sumLength = partialSumLength;
  return {op.getNumRows(), reduction, reduction / sumLength,
          sumLength / kBlock};
}

/// The word of `width` bytes at `bytes`, little-endian.
static uint64_t readLittleEndianWord(const uint8_t *bytes, unsigned width) {
  uint64_t word = 0;
  for (unsigned byte = 0; byte < width; ++byte)
    word |= static_cast<uint64_t>(bytes[byte]) << (8 * byte);
  return word;
}

/// Plane `plane`'s words [K / G, G / 8, N] (block-major, rows innermost)
/// from the packed rows, as a constant of i(8 * width).
template <typename Word>
static Value buildPlaneConstant(OpBuilder &builder, Location loc,
                                const PackedShape &shape,
                                ArrayRef<uint8_t> packed, unsigned bits,
                                numerics::BitPlane plane) {
  int64_t blocks = shape.reduction / kBlock;
  int64_t rowBytes = blocks * bits;
  std::vector<Word> words(blocks * shape.rows);
  for (int64_t block = 0; block < blocks; ++block)
    for (int64_t row = 0; row < shape.rows; ++row)
      words[block * shape.rows + row] = static_cast<Word>(readLittleEndianWord(
          packed.data() + row * rowBytes + block * bits + plane.offset,
          plane.width));
  auto type = RankedTensorType::get(
      {shape.groups, shape.blocksPerGroup, shape.rows},
      builder.getIntegerType(plane.width * 8));
  return buildIntConstant(builder, loc, type, ArrayRef<Word>(words),
                          "packed_weight_plane");
}

static Value buildPlane(OpBuilder &builder, Location loc,
                        const PackedShape &shape, ArrayRef<uint8_t> packed,
                        unsigned bits, numerics::BitPlane plane) {
  switch (plane.width) {
  case 1:
    return buildPlaneConstant<int8_t>(builder, loc, shape, packed, bits, plane);
  case 2:
    return buildPlaneConstant<int16_t>(builder, loc, shape, packed, bits,
                                       plane);
  case 4:
    return buildPlaneConstant<int32_t>(builder, loc, shape, packed, bits,
                                       plane);
  default:
    return buildPlaneConstant<int64_t>(builder, loc, shape, packed, bits,
                                       plane);
  }
}

/// The weights of `op`, or failure when they are not a constant.
static FailureOr<PackedWeights> readWeights(OpBuilder &builder,
                                            PackedMatMulOp op,
                                            const PackedShape &shape) {
  ElementsAttr attr;
  if (!matchPattern(op.getWeight(), m_Constant(&attr)))
    return failure();
  PackedWeights weights;
  if (auto dense = dyn_cast<DenseIntElementsAttr>(attr); dense && dense.isSplat())
    weights.bytes.assign(
        dense.getNumElements(),
        static_cast<uint8_t>(dense.getSplatValue<APInt>().getZExtValue()));
  else if (std::optional<ArrayRef<char>> bytes = getDenseBytes(attr))
    weights.bytes.assign(bytes->begin(), bytes->end());
  else
    return failure();
  unsigned bits = static_cast<unsigned>(op.getBits());
  for (numerics::BitPlane plane : numerics::getBitPlanes(bits))
    weights.planes.push_back(
        buildPlane(builder, op.getLoc(), shape, weights.bytes, bits, plane));
  return weights;
}

/// -zp * (sum of row n's weights in group g) at [g * N + n]: what the
/// input's zero point takes from each partial sum.
static std::vector<int32_t>
computeZeroPointCorrections(PackedMatMulOp op, const PackedShape &shape,
                            ArrayRef<uint8_t> packed) {
  int64_t zeroPoint = op.getInputZp();
  int64_t groupSize = shape.blocksPerGroup * kBlock;
  unsigned bits = static_cast<unsigned>(op.getBits());
  int64_t rowBytes = shape.reduction * bits / 8;
  std::vector<int32_t> row(shape.reduction);
  std::vector<int32_t> corrections(shape.groups * shape.rows, 0);
  for (int64_t n = 0; n < shape.rows; ++n) {
    numerics::unpackBitPlanes(packed.data() + n * rowBytes, shape.reduction,
                              bits, /*isSigned=*/true, row.data());
    for (int64_t k = 0; k < shape.reduction; ++k)
      corrections[(k / groupSize) * shape.rows + n] -=
          static_cast<int32_t>(zeroPoint * row[k]);
  }
  return corrections;
}

/// Initial sums of `trailingShape` per input row ([K / G, N] for partial
/// sums, [N] for whole ones): zeros, or the zero point's corrections
/// broadcast along the rows, so that the loop adds x * w only.
static Value buildInitialSums(OpBuilder &builder, Location loc,
                              PackedMatMulOp op, const PackedShape &shape,
                              ArrayRef<uint8_t> packed,
                              ArrayRef<int64_t> trailingShape) {
  Type i32 = builder.getI32Type();
  SmallVector<OpFoldResult> sizes = {
      tensor::getMixedSize(builder, loc, op.getInput(), 0)};
  for (int64_t size : trailingShape)
    sizes.push_back(builder.getIndexAttr(size));
  Value empty = tensor::EmptyOp::create(builder, loc, sizes, i32);
  if (op.getInputZp() == 0) {
    Value zero = arith::ConstantOp::create(builder, loc,
                                           builder.getI32IntegerAttr(0));
    return linalg::FillOp::create(builder, loc, zero, empty).getResult(0);
  }
  Value correction = buildIntConstant(
      builder, loc, RankedTensorType::get(trailingShape, i32),
      ArrayRef<int32_t>(computeZeroPointCorrections(op, shape, packed)),
      "packed_weight_zero_point_correction");
  return linalg::BroadcastOp::create(builder, loc, correction, empty,
                                     ArrayRef<int64_t>{0})
      .getResult()[0];
}

/// The value of lane `lane` of a block: its field from each plane word,
/// assembled and sign-extended from `bits` to i32.
static Value unpackLane(OpBuilder &builder, Location loc, Value lane,
                        ValueRange words, unsigned bits) {
  Type i32 = builder.getI32Type();
  auto constant = [&](Type type, int64_t value) -> Value {
    return arith::ConstantOp::create(builder, loc,
                                     builder.getIntegerAttr(type, value));
  };
  Value assembled;
  for (auto [plane, word] :
       llvm::zip_equal(numerics::getBitPlanes(bits), words)) {
    Type wordType = word.getType();
    Value laneInWord = arith::IndexCastUIOp::create(builder, loc, wordType, lane);
    Value shift = arith::MulIOp::create(builder, loc, laneInWord,
                                        constant(wordType, plane.width));
    Value field = arith::AndIOp::create(
        builder, loc, arith::ShRUIOp::create(builder, loc, word, shift),
        constant(wordType, (int64_t{1} << plane.width) - 1));
    if (wordType.getIntOrFloatBitWidth() < kAccumulatorBits)
      field = arith::ExtUIOp::create(builder, loc, i32, field);
    else if (wordType.getIntOrFloatBitWidth() > kAccumulatorBits)
      field = arith::TruncIOp::create(builder, loc, i32, field);
    if (plane.offset != 0)
      field = arith::ShLIOp::create(builder, loc, field,
                                    constant(i32, plane.offset));
    assembled = assembled ? arith::OrIOp::create(builder, loc, assembled, field)
                          : field;
  }
  Value signShift = constant(i32, kAccumulatorBits - bits);
  return arith::ShRSIOp::create(
      builder, loc, arith::ShLIOp::create(builder, loc, assembled, signShift),
      signShift);
}

/// The i32 partial sums [M, K / G, N] over loops (m, g, block, lane, n):
/// with N innermost, vectors run along output channels and the lanes of a
/// word reduce by plain vector adds.
static Value buildPartialSums(OpBuilder &builder, Location loc,
                              PackedMatMulOp op, const PackedShape &shape,
                              const PackedWeights &weights) {
  MLIRContext *context = builder.getContext();
  auto inputType = op.getInput().getType();
  auto blockedType = RankedTensorType::get(
      {inputType.getDimSize(0), shape.groups, shape.blocksPerGroup, kBlock},
      inputType.getElementType());
  Value blocked = tensor::ExpandShapeOp::create(
      builder, loc, blockedType, op.getInput(),
      ArrayRef<ReassociationIndices>{{0}, {1, 2, 3}});
  Value init = buildInitialSums(builder, loc, op, shape, weights.bytes,
                                {shape.groups, shape.rows});
  AffineExpr m, g, block, lane, n;
  bindDims(context, m, g, block, lane, n);
  auto map = [&](ArrayRef<AffineExpr> results) {
    return AffineMap::get(5, 0, results, context);
  };
  SmallVector<Value> inputs = {blocked};
  SmallVector<AffineMap> maps = {map({m, g, block, lane})};
  for (Value plane : weights.planes) {
    inputs.push_back(plane);
    maps.push_back(map({g, block, n}));
  }
  maps.push_back(map({m, g, n}));
  SmallVector<utils::IteratorType> iterators = {
      utils::IteratorType::parallel, utils::IteratorType::parallel,
      utils::IteratorType::reduction, utils::IteratorType::reduction,
      utils::IteratorType::parallel};
  unsigned bits = static_cast<unsigned>(op.getBits());
  auto generic = linalg::GenericOp::create(
      builder, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value laneIndex = linalg::IndexOp::create(nested, nestedLoc, 3);
        Value weight = unpackLane(nested, nestedLoc, laneIndex,
                                  args.slice(1, weights.planes.size()), bits);
        Value input = arith::ExtSIOp::create(nested, nestedLoc,
                                             nested.getI32Type(), args.front());
        Value product = arith::MulIOp::create(nested, nestedLoc, input, weight);
        linalg::YieldOp::create(
            nested, nestedLoc,
            ValueRange{arith::AddIOp::create(nested, nestedLoc, args.back(),
                                             product)});
      });
  return generic.getResult(0);
}

/// sum_g mult[n, g] * P[m, g, n] in i64 from 2^(S-1), shifted right by S.
static Value combineGroups(OpBuilder &builder, Location loc, PackedMatMulOp op,
                           const PackedShape &shape, Value partialSums) {
  MLIRContext *context = builder.getContext();
  Type i32 = builder.getI32Type(), i64 = builder.getI64Type();
  SmallVector<int32_t> multipliers(shape.groups * shape.rows);
  for (int64_t row = 0; row < shape.rows; ++row)
    for (int64_t group = 0; group < shape.groups; ++group)
      multipliers[group * shape.rows + row] =
          op.getGroupMultiplier(row, group);
  Value multiplierTensor = buildIntConstant(
      builder, loc, RankedTensorType::get({shape.groups, shape.rows}, i32),
      ArrayRef<int32_t>(multipliers), "packed_weight_group_multipliers");
  int64_t shift = *op.getGroupShift();
  SmallVector<OpFoldResult> sizes = {
      tensor::getMixedSize(builder, loc, op.getInput(), 0),
      builder.getIndexAttr(shape.rows)};
  Value empty = tensor::EmptyOp::create(builder, loc, sizes, i64);
  Value rounding = arith::ConstantOp::create(
      builder, loc,
      builder.getI64IntegerAttr(shift > 0 ? int64_t{1} << (shift - 1) : 0));
  Value init = linalg::FillOp::create(builder, loc, rounding, empty).getResult(0);
  AffineExpr m, n, g;
  bindDims(context, m, n, g);
  SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {m, g, n}, context),
                                 AffineMap::get(3, 0, {g, n}, context),
                                 AffineMap::get(3, 0, {m, n}, context)};
  SmallVector<utils::IteratorType> iterators = {
      utils::IteratorType::parallel, utils::IteratorType::parallel,
      utils::IteratorType::reduction};
  Value combined =
      linalg::GenericOp::create(
          builder, loc, TypeRange{init.getType()},
          ValueRange{partialSums, multiplierTensor}, ValueRange{init}, maps,
          iterators,
          [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
            Value partial = arith::ExtSIOp::create(nested, nestedLoc, i64, args[0]);
            Value multiplier =
                arith::ExtSIOp::create(nested, nestedLoc, i64, args[1]);
            Value product =
                arith::MulIOp::create(nested, nestedLoc, partial, multiplier);
            linalg::YieldOp::create(
                nested, nestedLoc,
                ValueRange{
                    arith::AddIOp::create(nested, nestedLoc, args[2], product)});
          })
          .getResult(0);
  // The shift, elementwise into the i32 result.
  Value result = tensor::EmptyOp::create(builder, loc, sizes, i32);
  AffineMap identity = builder.getMultiDimIdentityMap(2);
  return linalg::GenericOp::create(
             builder, loc, TypeRange{result.getType()}, ValueRange{combined},
             ValueRange{result}, ArrayRef<AffineMap>{identity, identity},
             ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                           utils::IteratorType::parallel},
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               Value amount = arith::ConstantOp::create(
                   nested, nestedLoc, nested.getI64IntegerAttr(shift));
               Value shifted =
                   arith::ShRSIOp::create(nested, nestedLoc, args[0], amount);
               linalg::YieldOp::create(
                   nested, nestedLoc,
                   ValueRange{arith::TruncIOp::create(nested, nestedLoc, i32,
                                                      shifted)});
             })
      .getResult(0);
}

/// The weights as int8 [N, K], unpacked from one group's planes
/// ([1, K / 8, N]) by a generic over (n, block, lane).
static Value buildUnpackedWeights(OpBuilder &builder, Location loc,
                                  PackedMatMulOp op, const PackedShape &shape,
                                  const PackedWeights &weights) {
  MLIRContext *context = builder.getContext();
  Type i8 = builder.getI8Type();
  int64_t blocks = shape.reduction / kBlock;
  Value empty =
      tensor::EmptyOp::create(builder, loc, {shape.rows, blocks, kBlock}, i8);
  AffineExpr n, block, lane;
  bindDims(context, n, block, lane);
  AffineMap planeMap = AffineMap::get(
      3, 0, {getAffineConstantExpr(0, context), block, n}, context);
  SmallVector<AffineMap> maps(weights.planes.size(), planeMap);
  maps.push_back(AffineMap::get(3, 0, {n, block, lane}, context));
  unsigned bits = static_cast<unsigned>(op.getBits());
  Value blocked =
      linalg::GenericOp::create(
          builder, loc, TypeRange{empty.getType()}, weights.planes,
          ValueRange{empty}, maps,
          SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel),
          [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
            Value laneIndex = linalg::IndexOp::create(nested, nestedLoc, 2);
            Value weight = unpackLane(nested, nestedLoc, laneIndex,
                                      args.drop_back(), bits);
            linalg::YieldOp::create(
                nested, nestedLoc,
                ValueRange{arith::TruncIOp::create(nested, nestedLoc, i8,
                                                   weight)});
          })
          .getResult(0);
  return tensor::CollapseShapeOp::create(
      builder, loc, RankedTensorType::get({shape.rows, shape.reduction}, i8),
      blocked, ArrayRef<ReassociationIndices>{{0}, {1, 2}});
}

/// `op` as an int8 matmul on its weights unpacked to [N, K] (the
/// transposed-B form), from the zero point's correction.
static Value buildUnpackedMatMul(OpBuilder &builder, Location loc,
                                 PackedMatMulOp op, const PackedShape &shape,
                                 const PackedWeights &weights) {
  Value unpacked = buildUnpackedWeights(builder, loc, op, shape, weights);
  // [M, N] itself, not a collapsed [M, 1, N]: the result can then be the
  // caller's buffer.
  Value init =
      buildInitialSums(builder, loc, op, shape, weights.bytes, {shape.rows});
  return linalg::MatmulTransposeBOp::create(builder, loc, TypeRange{op.getType()},
                                            ValueRange{op.getInput(), unpacked},
                                            ValueRange{init})
      .getResult(0);
}

/// sum_g P[m, g, n] in i32: the partial sums of one scale.
static Value addPartialSums(OpBuilder &builder, Location loc, PackedMatMulOp op,
                            const PackedShape &shape, Value partialSums) {
  MLIRContext *context = builder.getContext();
  Type i32 = builder.getI32Type();
  SmallVector<OpFoldResult> sizes = {
      tensor::getMixedSize(builder, loc, op.getInput(), 0),
      builder.getIndexAttr(shape.rows)};
  Value empty = tensor::EmptyOp::create(builder, loc, sizes, i32);
  Value zero =
      arith::ConstantOp::create(builder, loc, builder.getI32IntegerAttr(0));
  Value init = linalg::FillOp::create(builder, loc, zero, empty).getResult(0);
  AffineExpr m, n, g;
  bindDims(context, m, n, g);
  SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {m, g, n}, context),
                                 AffineMap::get(3, 0, {m, n}, context)};
  SmallVector<utils::IteratorType> iterators = {
      utils::IteratorType::parallel, utils::IteratorType::parallel,
      utils::IteratorType::reduction};
  return linalg::GenericOp::create(
             builder, loc, TypeRange{init.getType()}, ValueRange{partialSums},
             ValueRange{init}, maps, iterators,
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               linalg::YieldOp::create(
                   nested, nestedLoc,
                   ValueRange{arith::AddIOp::create(nested, nestedLoc, args[1],
                                                    args[0])});
             })
      .getResult(0);
}

/// Replaces `op` by its linalg form; fails when its weight is not a
/// constant.
static LogicalResult lowerPackedMatMul(RewriterBase &rewriter,
                                       PackedMatMulOp op,
                                       int64_t partialSumLength,
                                       int64_t unpackMinRows) {
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  int64_t rows = op.getInput().getType().getDimSize(0);
  bool unpack = unpackMinRows > 0 && !op.getGroupSize() &&
                !ShapedType::isDynamic(rows) && rows >= unpackMinRows;
  PackedShape shape = getPackedShape(op, unpack ? 0 : partialSumLength);
  FailureOr<PackedWeights> weights = readWeights(rewriter, op, shape);
  if (failed(weights))
    return op.emitOpError()
           << "qc-lower-packed-matmul: expected a constant weight, whose bit "
              "planes are laid out at compile time";
  if (unpack) {
    rewriter.replaceOp(op,
                       buildUnpackedMatMul(rewriter, loc, op, shape, *weights));
    return success();
  }
  Value partialSums = buildPartialSums(rewriter, loc, op, shape, *weights);
  Value result;
  if (op.getGroupSize()) {
    result = combineGroups(rewriter, loc, op, shape, partialSums);
  } else if (shape.groups > 1) {
    result = addPartialSums(rewriter, loc, op, shape, partialSums);
  } else {
    // One sum: [M, 1, N] is the result.
    result = tensor::CollapseShapeOp::create(
        rewriter, loc, op.getType(), partialSums,
        ArrayRef<ReassociationIndices>{{0, 1}, {2}});
  }
  rewriter.replaceOp(op, result);
  return success();
}

namespace {
struct LowerPackedMatMulPass
    : mlir::qc::impl::QCLowerPackedMatMulBase<LowerPackedMatMulPass> {
  using Base::Base;

  void runOnOperation() override {
    for (auto [name, value] :
         {std::pair<StringRef, int64_t>("partial-sum-length", partialSumLength),
          std::pair<StringRef, int64_t>("unpack-min-rows", unpackMinRows)})
      if (value < 0) {
        getOperation()->emitError()
            << "qc-lower-packed-matmul: " << name
            << " must be 0 or positive, got " << value;
        return signalPassFailure();
      }
    SmallVector<PackedMatMulOp> ops;
    getOperation()->walk([&](PackedMatMulOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (PackedMatMulOp op : ops)
      if (failed(lowerPackedMatMul(rewriter, op, partialSumLength,
                                   unpackMinRows)))
        return signalPassFailure();
  }
};
} // namespace
