//===- GraphBuilders.h - Building blocks for ONNX converters ----*- C++ -*-===//
//
// TOSA reshapes and rank equalization for ONNX's numpy broadcasting, and an
// elementwise linalg.generic with broadcasting indexing maps for ONNX ops that
// TOSA cannot express exactly (float division, square root, negation,
// activation formulas).
//
//===----------------------------------------------------------------------===//

#ifndef QC_LIB_TARGET_ONNX_GRAPHBUILDERS_H
#define QC_LIB_TARGET_ONNX_GRAPHBUILDERS_H

#include "NodeImporter.h"

namespace mlir::qc::onnx {

/// tosa.reshape of `value` to `shape`.
Value buildReshape(OpBuilder &builder, Location loc, Value value,
                   ArrayRef<int64_t> shape);

/// Reshapes the lower-rank operand of a binary op by prepending unit
/// dimensions (numpy broadcasting), as TOSA needs equal ranks.
LogicalResult equalizeRanks(NodeImporter &importer, Value &lhs, Value &rhs);

/// Reshapes `value` to rank `rank` by prepending unit dimensions.
Value expandToRank(OpBuilder &builder, Location loc, Value value,
                   int64_t rank);

/// A splat constant of `type`.
Value buildSplat(OpBuilder &builder, Location loc, RankedTensorType type,
                 double value);

/// The scalar body of an elementwise generic: element values in, result out.
using ScalarBuilder =
    function_ref<Value(OpBuilder &, Location, ValueRange elements)>;

/// linalg.generic producing `resultType` from `operands` broadcast to it
/// (numpy rules: missing leading dimensions and size-1 dimensions repeat).
/// Splat constant operands are not inputs: `body` sees them as scalar
/// constants.
Value buildBroadcastElementwise(OpBuilder &builder, Location loc,
                                RankedTensorType resultType,
                                ValueRange operands, ScalarBuilder body);

/// One element converted between types as ONNX Cast does (float to integer
/// truncates toward zero; signedness from the ONNX types).
Value buildElementCast(OpBuilder &builder, Location loc, Value value,
                       bool sourceUnsigned, Type target, bool targetUnsigned);

/// Whether ONNX reads `type` as unsigned (MLIR integers are signless).
bool isUnsigned(::qc::onnx_import::ElementType type);

/// Floating-point constant of `type` (a scalar float type) in a body.
Value buildScalarFloat(OpBuilder &builder, Location loc, Type type,
                       double value);

/// Zero points of the two operands of an integer matmul or convolution.
struct OperandZeroPoints {
  int64_t lhs = 0;
  int64_t rhs = 0;
};

/// ONNX MatMul semantics on values of any rank >= 1: 1-D operands gain a
/// unit dimension, batch dimensions broadcast. Returns the product reshaped
/// to `resultType`. i8 operands (with zero points) accumulate in i32.
Value buildMatmul(OpBuilder &builder, Location loc, Value lhs, Value rhs,
                  RankedTensorType resultType, OperandZeroPoints zeroPoints = {});

/// ONNX Conv semantics (window attributes from the importer's node) on NC[H]W
/// `x` and OI[H]W `w`, with an optional bias. i8 operands (with zero points)
/// accumulate in i32 with an i32 bias.
FailureOr<Value> buildConv(NodeImporter &importer, Value x, Value w,
                           Value bias, RankedTensorType resultType,
                           OperandZeroPoints zeroPoints = {});

} // namespace mlir::qc::onnx

#endif // QC_LIB_TARGET_ONNX_GRAPHBUILDERS_H
