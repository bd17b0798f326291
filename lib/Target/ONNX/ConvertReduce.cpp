//===- ConvertReduce.cpp - ONNX reductions and normalizations -------------===//
//
// ReduceSum/Mean/Max/Min, GlobalAveragePool, Softmax and LayerNormalization, all
// built from tosa.reduce_* (which keep the reduced dimensions as size 1) and
// broadcasting arithmetic.
//
//===----------------------------------------------------------------------===//

#include "GraphBuilders.h"
#include "NodeImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace mlir::qc::onnx;

/// Reduces `value` over each of `axes` with TosaOp, keeping unit dimensions.
template <typename TosaOp>
static Value reduceKeepingDims(OpBuilder &builder, Location loc, Value value,
                               ArrayRef<int64_t> axes) {
  for (int64_t axis : axes) {
    auto type = cast<RankedTensorType>(value.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[axis] = 1;
    value = TosaOp::create(builder, loc, type.clone(shape), value,
                           static_cast<uint32_t>(axis));
  }
  return value;
}

/// Multiplies every element by a constant.
static Value multiplyBy(OpBuilder &builder, Location loc, Value value,
                        double factor) {
  auto type = cast<RankedTensorType>(value.getType());
  return buildBroadcastElementwise(
      builder, loc, type, value,
      [&](OpBuilder &b, Location bodyLoc, ValueRange x) -> Value {
        Value constant = buildScalarFloat(b, bodyLoc, x[0].getType(), factor);
        return arith::MulFOp::create(b, bodyLoc, x[0], constant);
      });
}

static int64_t countAlong(RankedTensorType type, ArrayRef<int64_t> axes) {
  int64_t count = 1;
  for (int64_t axis : axes)
    count *= type.getDimSize(axis);
  return count;
}

/// The reduced axes of a Reduce* node: from the `axes` input (ReduceSum
/// since opset 13, the others since 18) or attribute, all axes when empty
/// (unless noop_with_empty_axes).
static FailureOr<SmallVector<int64_t>>
getReductionAxes(NodeImporter &importer, int64_t rank,
                 int64_t axesAsInputOpset, bool &isNoop) {
  SmallVector<int64_t> axes;
  isNoop = false;
  if (importer.getOpset() >= axesAsInputOpset) {
    if (importer.getOperand(1)) {
      std::optional<SmallVector<int64_t>> given = importer.getConstantInts(1);
      if (!given)
        return importer.emitError() << "axes given at run time are not "
                                       "supported; QC compiles for static "
                                       "shapes";
      axes = *given;
    }
  } else if (auto attr = importer.getInts("axes")) {
    axes.assign(attr->begin(), attr->end());
  }
  if (axes.empty()) {
    isNoop = importer.getInt("noop_with_empty_axes", 0) != 0;
    for (int64_t axis = 0; axis < rank; ++axis)
      axes.push_back(axis);
  }
  for (int64_t &axis : axes) {
    FailureOr<int64_t> normalized = normalizeAxis(importer, axis, rank);
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  return axes;
}

enum class Reduction { Sum, Mean, Max, Min };

template <Reduction kind, int64_t kAxesAsInputOpset>
static LogicalResult convertReduce(NodeImporter &importer) {
  FailureOr<Value> input = importer.getRequiredOperand(0);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(input) || failed(type))
    return failure();
  auto inputType = cast<RankedTensorType>(input->getType());
  bool isNoop;
  FailureOr<SmallVector<int64_t>> axes = getReductionAxes(
      importer, inputType.getRank(), kAxesAsInputOpset, isNoop);
  if (failed(axes))
    return failure();
  if (isNoop)
    return importer.setResult(*input);
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  Value reduced;
  if constexpr (kind == Reduction::Max) {
    reduced = reduceKeepingDims<tosa::ReduceMaxOp>(builder, loc, *input, *axes);
  } else if constexpr (kind == Reduction::Min) {
    reduced = reduceKeepingDims<tosa::ReduceMinOp>(builder, loc, *input, *axes);
  } else {
    reduced = reduceKeepingDims<tosa::ReduceSumOp>(builder, loc, *input, *axes);
    if constexpr (kind == Reduction::Mean)
      reduced = multiplyBy(builder, loc, reduced,
                           1.0 / countAlong(inputType, *axes));
  }
  return importer.setResult(
      buildReshape(builder, loc, reduced, type->getShape()));
}

/// GlobalAveragePool: the mean over every dimension after N and C.
static LogicalResult convertGlobalAveragePool(NodeImporter &importer) {
  FailureOr<Value> input = importer.getRequiredOperand(0);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(input) || failed(type))
    return failure();
  auto inputType = cast<RankedTensorType>(input->getType());
  SmallVector<int64_t> axes;
  for (int64_t axis = 2; axis < inputType.getRank(); ++axis)
    axes.push_back(axis);
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  Value sum = reduceKeepingDims<tosa::ReduceSumOp>(builder, loc, *input, axes);
  return importer.setResult(
      multiplyBy(builder, loc, sum, 1.0 / countAlong(inputType, axes)));
}

/// exp(x - max) / sum(exp(x - max)) over `axes` of `value`.
static Value buildSoftmax(OpBuilder &builder, Location loc, Value value,
                          ArrayRef<int64_t> axes) {
  auto type = cast<RankedTensorType>(value.getType());
  Value max = reduceKeepingDims<tosa::ReduceMaxOp>(builder, loc, value, axes);
  Value exp = buildBroadcastElementwise(
      builder, loc, type, {value, max},
      [](OpBuilder &b, Location bodyLoc, ValueRange x) -> Value {
        Value shifted = arith::SubFOp::create(b, bodyLoc, x[0], x[1]);
        return math::ExpOp::create(b, bodyLoc, shifted);
      });
  Value sum = reduceKeepingDims<tosa::ReduceSumOp>(builder, loc, exp, axes);
  return buildBroadcastElementwise(
      builder, loc, type, {exp, sum},
      [](OpBuilder &b, Location bodyLoc, ValueRange x) -> Value {
        return arith::DivFOp::create(b, bodyLoc, x[0], x[1]);
      });
}

/// Softmax: over one axis (default -1) since opset 13; before, over the
/// input flattened to 2-D at `axis` (default 1).
static LogicalResult convertSoftmax(NodeImporter &importer) {
  constexpr int64_t kSingleAxisOpset = 13;
  FailureOr<Value> input = importer.getRequiredOperand(0);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(input) || failed(type))
    return failure();
  bool singleAxis = importer.getOpset() >= kSingleAxisOpset;
  int64_t rank = type->getRank();
  FailureOr<int64_t> axis = normalizeAxis(
      importer, importer.getInt("axis", singleAxis ? -1 : 1), rank);
  if (failed(axis))
    return failure();
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  SmallVector<int64_t> axes;
  for (int64_t dim = *axis; dim < (singleAxis ? *axis + 1 : rank); ++dim)
    axes.push_back(dim);
  return importer.setResult(buildSoftmax(builder, loc, *input, axes));
}

/// LayerNormalization (opset 17): normalizes over the axes from `axis` on,
/// then scales and shifts.
static LogicalResult convertLayerNormalization(NodeImporter &importer) {
  constexpr float kDefaultEpsilon = 1e-5f;
  FailureOr<Value> input = importer.getRequiredOperand(0);
  FailureOr<Value> scale = importer.getRequiredOperand(1);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(input) || failed(scale) || failed(type))
    return failure();
  int64_t rank = type->getRank();
  FailureOr<int64_t> axis =
      normalizeAxis(importer, importer.getInt("axis", -1), rank);
  if (failed(axis))
    return failure();
  float epsilon = importer.getFloat("epsilon", kDefaultEpsilon);
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  SmallVector<int64_t> axes;
  for (int64_t dim = *axis; dim < rank; ++dim)
    axes.push_back(dim);
  double inverseCount = 1.0 / countAlong(*type, axes);
  Value mean = multiplyBy(
      builder, loc,
      reduceKeepingDims<tosa::ReduceSumOp>(builder, loc, *input, axes),
      inverseCount);
  Value centered = buildBroadcastElementwise(
      builder, loc, *type, {*input, mean},
      [](OpBuilder &b, Location bodyLoc, ValueRange x) -> Value {
        return arith::SubFOp::create(b, bodyLoc, x[0], x[1]);
      });
  Value squares = buildBroadcastElementwise(
      builder, loc, *type, centered,
      [](OpBuilder &b, Location bodyLoc, ValueRange x) -> Value {
        return arith::MulFOp::create(b, bodyLoc, x[0], x[0]);
      });
  Value variance = multiplyBy(
      builder, loc,
      reduceKeepingDims<tosa::ReduceSumOp>(builder, loc, squares, axes),
      inverseCount);
  // The optional outputs Mean and InvStdDev keep the reduced dimensions.
  importer.setResult(1, mean);
  auto statsType = cast<RankedTensorType>(variance.getType());
  Value inverseStddev = buildBroadcastElementwise(
      builder, loc, statsType, variance,
      [&](OpBuilder &b, Location bodyLoc, ValueRange x) -> Value {
        Value eps = buildScalarFloat(b, bodyLoc, x[0].getType(), epsilon);
        return math::RsqrtOp::create(
            b, bodyLoc, arith::AddFOp::create(b, bodyLoc, x[0], eps));
      });
  importer.setResult(2, inverseStddev);
  SmallVector<Value> operands = {centered, inverseStddev, *scale};
  if (Value bias = importer.getOperand(2))
    operands.push_back(bias);
  return importer.setResult(buildBroadcastElementwise(
      builder, loc, *type, operands,
      [&](OpBuilder &b, Location bodyLoc, ValueRange x) -> Value {
        Value normalized = arith::MulFOp::create(b, bodyLoc, x[0], x[1]);
        Value scaled = arith::MulFOp::create(b, bodyLoc, normalized, x[2]);
        return x.size() > 3 ? Value(arith::AddFOp::create(b, bodyLoc, scaled,
                                                          x[3]))
                            : scaled;
      }));
}

void mlir::qc::onnx::registerReduceConverters(ConverterRegistry &registry) {
  constexpr int64_t kSumAxesAsInput = 13, kOtherAxesAsInput = 18;
  registry["ReduceSum"] = convertReduce<Reduction::Sum, kSumAxesAsInput>;
  registry["ReduceMean"] = convertReduce<Reduction::Mean, kOtherAxesAsInput>;
  registry["ReduceMax"] = convertReduce<Reduction::Max, kOtherAxesAsInput>;
  registry["ReduceMin"] = convertReduce<Reduction::Min, kOtherAxesAsInput>;
  registry["GlobalAveragePool"] = convertGlobalAveragePool;
  registry["Softmax"] = convertSoftmax;
  registry["LayerNormalization"] = convertLayerNormalization;
}
