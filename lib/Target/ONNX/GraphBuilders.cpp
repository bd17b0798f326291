//===- GraphBuilders.cpp - Building blocks for ONNX converters ------------===//

#include "GraphBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::qc::onnx;

Value mlir::qc::onnx::buildReshape(OpBuilder &builder, Location loc,
                                   Value value, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getShape() == shape)
    return value;
  ImplicitLocOpBuilder b(loc, builder);
  return tosa::ReshapeOp::create(b, type.clone(shape), value,
                                 tosa::getTosaConstShape(b, shape));
}

Value mlir::qc::onnx::expandToRank(OpBuilder &builder, Location loc,
                                   Value value, int64_t rank) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(rank - type.getRank(), 1);
  llvm::append_range(shape, type.getShape());
  return buildReshape(builder, loc, value, shape);
}

LogicalResult mlir::qc::onnx::equalizeRanks(NodeImporter &importer,
                                            Value &lhs, Value &rhs) {
  ImplicitLocOpBuilder b(importer.getLoc(), importer.getBuilder());
  if (failed(tosa::EqualizeRanks(b, lhs, rhs)))
    return importer.emitError() << "cannot broadcast the operands";
  return success();
}

Value mlir::qc::onnx::buildSplat(OpBuilder &builder, Location loc,
                                 RankedTensorType type, double value) {
  Type elementType = type.getElementType();
  TypedAttr element =
      isa<FloatType>(elementType)
          ? TypedAttr(builder.getFloatAttr(elementType, value))
          : TypedAttr(builder.getIntegerAttr(elementType,
                                             static_cast<int64_t>(value)));
  return arith::ConstantOp::create(builder, loc,
                                   SplatElementsAttr::get(type, element));
}

Value mlir::qc::onnx::buildScalarFloat(OpBuilder &builder, Location loc,
                                       Type type, double value) {
  return arith::ConstantOp::create(builder, loc,
                                   builder.getFloatAttr(type, value));
}

/// The indexing map reading `operandType` broadcast into `resultRank` loops.
static AffineMap broadcastMap(OpBuilder &builder, RankedTensorType operandType,
                              RankedTensorType resultType) {
  int64_t rank = resultType.getRank();
  int64_t offset = rank - operandType.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t dim = 0; dim < operandType.getRank(); ++dim) {
    bool repeated = operandType.getDimSize(dim) == 1 &&
                    resultType.getDimSize(dim + offset) != 1;
    exprs.push_back(repeated ? builder.getAffineConstantExpr(0)
                             : builder.getAffineDimExpr(dim + offset));
  }
  return AffineMap::get(rank, 0, exprs, builder.getContext());
}

Value mlir::qc::onnx::buildBroadcastElementwise(OpBuilder &builder,
                                                Location loc,
                                                RankedTensorType resultType,
                                                ValueRange operands,
                                                ScalarBuilder body) {
  // Splat constants become scalars in the body, so a formula with constant
  // operands (x / 6, a Clip's bounds) reads as an op of its other inputs.
  SmallVector<TypedAttr> splats(operands.size());
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (auto [index, operand] : llvm::enumerate(operands)) {
    DenseElementsAttr constant;
    if (matchPattern(operand, m_Constant(&constant)) && constant.isSplat()) {
      splats[index] = constant.getSplatValue<TypedAttr>();
      continue;
    }
    inputs.push_back(operand);
    maps.push_back(broadcastMap(
        builder, cast<RankedTensorType>(operand.getType()), resultType));
  }
  maps.push_back(builder.getMultiDimIdentityMap(resultType.getRank()));
  Value init = tensor::EmptyOp::create(builder, loc, resultType.getShape(),
                                       resultType.getElementType());
  SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      builder, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        SmallVector<Value> elements;
        auto next = args.begin();
        for (TypedAttr splat : splats)
          elements.push_back(
              splat ? Value(arith::ConstantOp::create(nested, nestedLoc, splat))
                    : *next++);
        Value result = body(nested, nestedLoc, elements);
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

/// One element converted between ONNX types (arith's casts; float to int
/// truncates toward zero, as ONNX Cast does).
Value mlir::qc::onnx::buildElementCast(OpBuilder &b, Location loc, Value value,
                                       bool sourceUnsigned, Type target,
                                       bool targetUnsigned) {
  Type source = value.getType();
  if (source == target)
    return value;
  auto sourceFloat = dyn_cast<FloatType>(source);
  auto targetFloat = dyn_cast<FloatType>(target);
  if (sourceFloat && targetFloat)
    return sourceFloat.getWidth() < targetFloat.getWidth()
               ? Value(arith::ExtFOp::create(b, loc, target, value))
               : Value(arith::TruncFOp::create(b, loc, target, value));
  if (targetFloat)
    return sourceUnsigned ? Value(arith::UIToFPOp::create(b, loc, target, value))
                          : Value(arith::SIToFPOp::create(b, loc, target, value));
  if (target.isInteger(1)) {
    // To bool: non-zero is true.
    Value zero = sourceFloat
                     ? Value(arith::ConstantOp::create(b, loc, b.getFloatAttr(source, 0)))
                     : Value(arith::ConstantOp::create(b, loc, b.getIntegerAttr(source, 0)));
    return sourceFloat ? Value(arith::CmpFOp::create(
                             b, loc, arith::CmpFPredicate::UNE, value, zero))
                       : Value(arith::CmpIOp::create(
                             b, loc, arith::CmpIPredicate::ne, value, zero));
  }
  if (sourceFloat)
    return targetUnsigned ? Value(arith::FPToUIOp::create(b, loc, target, value))
                          : Value(arith::FPToSIOp::create(b, loc, target, value));
  unsigned sourceWidth = source.getIntOrFloatBitWidth();
  unsigned targetWidth = target.getIntOrFloatBitWidth();
  if (sourceWidth > targetWidth)
    return arith::TruncIOp::create(b, loc, target, value);
  return sourceUnsigned ? Value(arith::ExtUIOp::create(b, loc, target, value))
                        : Value(arith::ExtSIOp::create(b, loc, target, value));
}

bool mlir::qc::onnx::isUnsigned(::qc::onnx_import::ElementType type) {
  switch (type) {
  case ::qc::onnx_import::ElementType::UInt8:
  case ::qc::onnx_import::ElementType::UInt16:
  case ::qc::onnx_import::ElementType::UInt32:
  case ::qc::onnx_import::ElementType::UInt64:
  case ::qc::onnx_import::ElementType::Bool:
    return true;
  default:
    return false;
  }
}
