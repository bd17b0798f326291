//===- ConvertLinearAlgebra.cpp - ONNX MatMul and Gemm --------------------===//
//
// Both become tosa.matmul, which multiplies batches of matrices
// [N, H, C] x [N, C, W]. ONNX's numpy-style batch broadcasting is resolved
// with reshapes (a weight shared by all batches is folded into H) and
// tosa.tile (other broadcasts).
//
//===----------------------------------------------------------------------===//

#include "GraphBuilders.h"
#include "NodeImporter.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

using namespace mlir;
using namespace mlir::qc::onnx;

static int64_t productOf(ArrayRef<int64_t> dims) {
  int64_t result = 1;
  for (int64_t dim : dims)
    result *= dim;
  return result;
}

/// tosa.matmul of [N, H, C] x [N, C, W] into `resultElementType` (i32 for
/// integer operands).
static Value buildBatchMatmul(OpBuilder &builder, Location loc, Value lhs,
                              Value rhs, Type resultElementType,
                              OperandZeroPoints zeroPoints) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  Type elementType = lhsType.getElementType();
  auto resultType = RankedTensorType::get(
      {lhsType.getDimSize(0), lhsType.getDimSize(1), rhsType.getDimSize(2)},
      resultElementType);
  Value lhsZp = *tosa::createZeroPointTensor(builder, loc, elementType,
                                             zeroPoints.lhs);
  Value rhsZp = *tosa::createZeroPointTensor(builder, loc, elementType,
                                             zeroPoints.rhs);
  return tosa::MatMulOp::create(builder, loc, resultType, lhs, rhs, lhsZp,
                                rhsZp);
}

/// Tiles `value` (of rank `batchShape.size() + 2`) so its batch dimensions
/// equal `batchShape`.
static Value broadcastBatch(OpBuilder &builder, Location loc, Value value,
                            ArrayRef<int64_t> batchShape) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> multiples, shape;
  for (int64_t dim = 0; dim < type.getRank(); ++dim) {
    int64_t size = type.getDimSize(dim);
    int64_t wanted =
        dim < static_cast<int64_t>(batchShape.size()) ? batchShape[dim] : size;
    multiples.push_back(size == wanted ? 1 : wanted);
    shape.push_back(wanted);
  }
  if (llvm::all_of(multiples, [](int64_t m) { return m == 1; }))
    return value;
  ImplicitLocOpBuilder b(loc, builder);
  return tosa::TileOp::create(b, type.clone(shape), value,
                              tosa::getTosaConstShape(b, multiples));
}

Value mlir::qc::onnx::buildMatmul(OpBuilder &builder, Location loc, Value lhs,
                                  Value rhs, RankedTensorType resultType,
                                  OperandZeroPoints zeroPoints) {
  Type resultElementType = resultType.getElementType();
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  if (lhsType.getRank() == 1)
    lhs = buildReshape(builder, loc, lhs, {1, lhsType.getDimSize(0)});
  if (rhsType.getRank() == 1)
    rhs = buildReshape(builder, loc, rhs, {rhsType.getDimSize(0), 1});
  lhsType = cast<RankedTensorType>(lhs.getType());
  rhsType = cast<RankedTensorType>(rhs.getType());
  int64_t m = lhsType.getDimSize(lhsType.getRank() - 2);
  int64_t k = lhsType.getDimSize(lhsType.getRank() - 1);
  int64_t n = rhsType.getDimSize(rhsType.getRank() - 1);

  Value product;
  if (rhsType.getRank() == 2) {
    // One weight for every batch: fold the batches into the rows.
    int64_t rows = productOf(lhsType.getShape().drop_back());
    Value lhs3d = buildReshape(builder, loc, lhs, {1, rows, k});
    Value rhs3d = buildReshape(builder, loc, rhs, {1, k, n});
    product = buildBatchMatmul(builder, loc, lhs3d, rhs3d, resultElementType,
                               zeroPoints);
  } else {
    int64_t rank = std::max(lhsType.getRank(), rhsType.getRank());
    lhs = expandToRank(builder, loc, lhs, rank);
    rhs = expandToRank(builder, loc, rhs, rank);
    SmallVector<int64_t> batchShape;
    auto lhsShape = cast<RankedTensorType>(lhs.getType()).getShape();
    auto rhsShape = cast<RankedTensorType>(rhs.getType()).getShape();
    for (int64_t dim = 0; dim < rank - 2; ++dim)
      batchShape.push_back(std::max(lhsShape[dim], rhsShape[dim]));
    lhs = broadcastBatch(builder, loc, lhs, batchShape);
    rhs = broadcastBatch(builder, loc, rhs, batchShape);
    int64_t batches = productOf(batchShape);
    Value lhs3d = buildReshape(builder, loc, lhs, {batches, m, k});
    Value rhs3d = buildReshape(builder, loc, rhs, {batches, k, n});
    product = buildBatchMatmul(builder, loc, lhs3d, rhs3d, resultElementType,
                               zeroPoints);
  }
  return buildReshape(builder, loc, product, resultType.getShape());
}

static LogicalResult convertMatMul(NodeImporter &importer) {
  FailureOr<Value> lhs = importer.getRequiredOperand(0);
  FailureOr<Value> rhs = importer.getRequiredOperand(1);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(lhs) || failed(rhs) || failed(type))
    return failure();
  if (!isa<FloatType>(type->getElementType()))
    return importer.emitError() << "expected float operands, got "
                                << type->getElementType();
  return importer.setResult(buildMatmul(importer.getBuilder(),
                                        importer.getLoc(), *lhs, *rhs, *type));
}

static Value buildTranspose2D(OpBuilder &builder, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  auto transposed = RankedTensorType::get(
      {type.getDimSize(1), type.getDimSize(0)}, type.getElementType());
  return tosa::TransposeOp::create(builder, loc, transposed, value,
                                   builder.getDenseI32ArrayAttr({1, 0}));
}

/// Multiplies by a scalar unless it is 1.
static Value scaleBy(NodeImporter &importer, Value value, float factor) {
  if (factor == 1.0f)
    return value;
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  auto type = cast<RankedTensorType>(value.getType());
  auto scalarType = RankedTensorType::get(
      SmallVector<int64_t>(type.getRank(), 1), type.getElementType());
  Value factorValue = buildSplat(builder, loc, scalarType, factor);
  Value shift = buildSplat(
      builder, loc, RankedTensorType::get({1}, builder.getI8Type()), 0);
  return tosa::MulOp::create(builder, loc, type, value, factorValue, shift);
}

/// Gemm: alpha * op(A) op(B) + beta * C, op a transpose when transA/transB.
static LogicalResult convertGemm(NodeImporter &importer) {
  FailureOr<Value> a = importer.getRequiredOperand(0);
  FailureOr<Value> b = importer.getRequiredOperand(1);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(a) || failed(b) || failed(type))
    return failure();
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  Value lhs = importer.getInt("transA", 0) ? buildTranspose2D(builder, loc, *a)
                                           : *a;
  Value rhs = importer.getInt("transB", 0) ? buildTranspose2D(builder, loc, *b)
                                           : *b;
  Value result = scaleBy(importer, buildMatmul(builder, loc, lhs, rhs, *type),
                         importer.getFloat("alpha", 1.0f));
  if (Value c = importer.getOperand(2)) {
    Value bias = scaleBy(importer, c, importer.getFloat("beta", 1.0f));
    if (failed(equalizeRanks(importer, result, bias)))
      return failure();
    result = tosa::AddOp::create(builder, loc, *type, result, bias);
  }
  return importer.setResult(result);
}

void mlir::qc::onnx::registerLinearAlgebraConverters(
    ConverterRegistry &registry) {
  registry["MatMul"] = convertMatMul;
  registry["Gemm"] = convertGemm;
}
