//===- ConvertReduce.cpp - ONNX reductions and normalizations -------------===//
//
// ReduceSum/Mean/Max/Min and GlobalAveragePool, built from tosa.reduce_*
// (which keep the reduced dimensions as size 1) and broadcasting arithmetic;
// Softmax and LayerNormalization as the composite qc.softmax and
// qc.layer_norm, which quantization lowers as a whole.
//
//===----------------------------------------------------------------------===//

#include "GraphBuilders.h"
#include "NodeImporter.h"

#include "qc/IR/QC.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <functional>
#include <numeric>

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
  if (singleAxis)
    return importer.setResult(
        mlir::qc::SoftmaxOp::create(builder, loc, *input, *axis));
  ArrayRef<int64_t> shape = type->getShape();
  int64_t outer = std::accumulate(shape.begin(), shape.begin() + *axis,
                                  int64_t{1}, std::multiplies<int64_t>());
  int64_t inner = type->getNumElements() / outer;
  Value rows = buildReshape(builder, loc, *input, {outer, inner});
  Value softmax = mlir::qc::SoftmaxOp::create(builder, loc, rows, /*axis=*/1);
  return importer.setResult(buildReshape(builder, loc, softmax, shape));
}

/// LayerNormalization (opset 17): qc.layer_norm over the axes from `axis`
/// on, with its optional Mean and InvStdDev outputs.
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
  ArrayRef<int64_t> normalized = type->getShape().drop_front(*axis);
  // Scale and bias of the normalized shape, or reshapes of it.
  SmallVector<Value> parameters = {*scale};
  if (Value bias = importer.getOperand(2))
    parameters.push_back(bias);
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  int64_t count = std::accumulate(normalized.begin(), normalized.end(),
                                  int64_t{1}, std::multiplies<int64_t>());
  for (Value &parameter : parameters) {
    auto parameterType = cast<RankedTensorType>(parameter.getType());
    if (parameterType.getNumElements() != count)
      return importer.emitError()
             << "expected Scale and B of the normalized shape [" << normalized
             << "], got " << parameterType;
    parameter = buildReshape(builder, loc, parameter, normalized);
  }
  float epsilon = importer.getFloat("epsilon", kDefaultEpsilon);
  auto layerNorm = mlir::qc::LayerNormOp::create(
      builder, loc, *input, parameters[0],
      parameters.size() > 1 ? parameters[1] : Value(), *axis, epsilon);
  importer.setResult(1, layerNorm.getMean());
  importer.setResult(2, layerNorm.getInvStdDev());
  return importer.setResult(layerNorm.getResult());
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
