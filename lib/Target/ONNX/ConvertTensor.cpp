//===- ConvertTensor.cpp - ONNX data-movement ops -------------------------===//
//
// Concat, Split, Slice, Gather, Shape, Cast, ConstantOfShape and Pad. Where
// ONNX computes a result shape from an input (Split sizes, Slice bounds),
// the sizes come from shape inference and only offsets are derived here.
//
//===----------------------------------------------------------------------===//

#include "GraphBuilders.h"
#include "NodeImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

using namespace mlir;
using namespace mlir::qc::onnx;
namespace onnx_import = ::qc::onnx_import;

static LogicalResult convertConcat(NodeImporter &importer) {
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(type))
    return failure();
  FailureOr<int64_t> axis =
      normalizeAxis(importer, importer.getInt("axis", 0), type->getRank());
  if (failed(axis))
    return failure();
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < importer.getNumOperands(); ++i) {
    FailureOr<Value> input = importer.getRequiredOperand(i);
    if (failed(input))
      return failure();
    // Empty inputs contribute nothing (and TOSA rejects them).
    if (cast<RankedTensorType>(input->getType()).getNumElements() != 0)
      inputs.push_back(*input);
  }
  return importer.setResult(tosa::ConcatOp::create(
      importer.getBuilder(), importer.getLoc(), *type, inputs,
      static_cast<uint32_t>(*axis)));
}

/// tosa.slice of `input` at `offsets` with the sizes of `type`.
static Value buildSlice(OpBuilder &builder, Location loc, Value input,
                        ArrayRef<int64_t> offsets, RankedTensorType type) {
  ImplicitLocOpBuilder b(loc, builder);
  return tosa::SliceOp::create(b, type, input,
                               tosa::getTosaConstShape(b, offsets),
                               tosa::getTosaConstShape(b, type.getShape()));
}

/// Split: consecutive slices along the axis, sized as shape inference says.
static LogicalResult convertSplit(NodeImporter &importer) {
  FailureOr<Value> input = importer.getRequiredOperand(0);
  if (failed(input))
    return failure();
  auto inputType = cast<RankedTensorType>(input->getType());
  FailureOr<int64_t> axis =
      normalizeAxis(importer, importer.getInt("axis", 0), inputType.getRank());
  if (failed(axis))
    return failure();
  SmallVector<int64_t> offsets(inputType.getRank(), 0);
  for (unsigned i = 0; i < importer.getNode().outputs.size(); ++i) {
    FailureOr<RankedTensorType> type = importer.getResultType(i);
    if (failed(type))
      return failure();
    importer.setResult(i, buildSlice(importer.getBuilder(), importer.getLoc(),
                                     *input, offsets, *type));
    offsets[*axis] += type->getDimSize(*axis);
  }
  return success();
}

/// Slice with constant starts, axes and steps (inputs since opset 10,
/// attributes before): tensor.extract_slice, which takes strides.
static LogicalResult convertSlice(NodeImporter &importer) {
  constexpr int64_t kBoundsAsInputsOpset = 10;
  FailureOr<Value> input = importer.getRequiredOperand(0);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(input) || failed(type))
    return failure();
  auto inputType = cast<RankedTensorType>(input->getType());
  int64_t rank = inputType.getRank();
  std::optional<SmallVector<int64_t>> starts, axes, steps;
  if (importer.getOpset() < kBoundsAsInputsOpset) {
    if (auto attr = importer.getInts("starts"))
      starts = SmallVector<int64_t>(attr->begin(), attr->end());
    if (auto attr = importer.getInts("axes"))
      axes = SmallVector<int64_t>(attr->begin(), attr->end());
  } else {
    starts = importer.getConstantInts(1);
    axes = importer.getOperand(3) ? importer.getConstantInts(3) : std::nullopt;
    steps = importer.getOperand(4) ? importer.getConstantInts(4) : std::nullopt;
    if ((importer.getOperand(3) && !axes) || (importer.getOperand(4) && !steps))
      return importer.emitError() << "axes and steps given at run time are "
                                     "not supported; QC compiles for static "
                                     "shapes";
  }
  if (!starts)
    return importer.emitError() << "starts given at run time are not "
                                   "supported; QC compiles for static shapes";
  if (!axes) {
    axes.emplace();
    for (int64_t i = 0; i < static_cast<int64_t>(starts->size()); ++i)
      axes->push_back(i);
  }
  SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
  for (auto [index, rawAxis] : llvm::enumerate(*axes)) {
    FailureOr<int64_t> axis = normalizeAxis(importer, rawAxis, rank);
    if (failed(axis))
      return failure();
    int64_t step = steps ? (*steps)[index] : 1;
    if (step <= 0)
      return importer.emitError() << "negative or zero steps are not supported";
    int64_t dim = inputType.getDimSize(*axis);
    int64_t start = (*starts)[index];
    start = start < 0 ? start + dim : start;
    offsets[*axis] = std::clamp<int64_t>(start, 0, dim);
    strides[*axis] = step;
  }
  return importer.setResult(tensor::ExtractSliceOp::create(
      importer.getBuilder(), importer.getLoc(), *type, *input,
      ValueRange{}, ValueRange{}, ValueRange{}, offsets, type->getShape(),
      strides));
}

/// Gather along an axis with (possibly negative) indices: an elementwise
/// generic over the result that extracts from the data.
static LogicalResult convertGather(NodeImporter &importer) {
  FailureOr<Value> data = importer.getRequiredOperand(0);
  FailureOr<Value> indices = importer.getRequiredOperand(1);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(data) || failed(indices) || failed(type))
    return failure();
  auto dataType = cast<RankedTensorType>(data->getType());
  auto indicesType = cast<RankedTensorType>(indices->getType());
  FailureOr<int64_t> axis =
      normalizeAxis(importer, importer.getInt("axis", 0), dataType.getRank());
  if (failed(axis))
    return failure();
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  // Result dims: data[:axis] ++ indices ++ data[axis+1:].
  int64_t indexRank = indicesType.getRank();
  SmallVector<AffineExpr> indexExprs;
  for (int64_t i = 0; i < indexRank; ++i)
    indexExprs.push_back(builder.getAffineDimExpr(*axis + i));
  AffineMap indexMap =
      AffineMap::get(type->getRank(), 0, indexExprs, builder.getContext());
  AffineMap identity = builder.getMultiDimIdentityMap(type->getRank());
  Value init = tensor::EmptyOp::create(builder, loc, type->getShape(),
                                       type->getElementType());
  SmallVector<utils::IteratorType> iterators(type->getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      builder, loc, TypeRange{*type}, ValueRange{*indices}, ValueRange{init},
      ArrayRef<AffineMap>{indexMap, identity}, iterators,
      [&](OpBuilder &b, Location bodyLoc, ValueRange args) {
        Value index = arith::IndexCastOp::create(b, bodyLoc, b.getIndexType(),
                                                 args[0]);
        Value dim = arith::ConstantIndexOp::create(
            b, bodyLoc, dataType.getDimSize(*axis));
        Value zero = arith::ConstantIndexOp::create(b, bodyLoc, 0);
        Value negative = arith::CmpIOp::create(
            b, bodyLoc, arith::CmpIPredicate::slt, index, zero);
        Value wrapped = arith::SelectOp::create(
            b, bodyLoc, negative, arith::AddIOp::create(b, bodyLoc, index, dim),
            index);
        SmallVector<Value> position;
        for (int64_t d = 0; d < dataType.getRank(); ++d) {
          if (d == *axis)
            position.push_back(wrapped);
          else
            position.push_back(linalg::IndexOp::create(
                b, bodyLoc, d < *axis ? d : d + indexRank - 1));
        }
        Value element =
            tensor::ExtractOp::create(b, bodyLoc, *data, position);
        linalg::YieldOp::create(b, bodyLoc, element);
      });
  return importer.setResult(generic.getResult(0));
}

/// Shape: the (static) shape as an i64 constant, with start/end (opset 15).
static LogicalResult convertShape(NodeImporter &importer) {
  FailureOr<Value> input = importer.getRequiredOperand(0);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(input) || failed(type))
    return failure();
  ArrayRef<int64_t> shape = cast<RankedTensorType>(input->getType()).getShape();
  auto rank = static_cast<int64_t>(shape.size());
  auto clampIndex = [&](int64_t index) {
    return std::clamp<int64_t>(index < 0 ? index + rank : index, 0, rank);
  };
  int64_t start = clampIndex(importer.getInt("start", 0));
  int64_t end = clampIndex(importer.getInt("end", rank));
  SmallVector<int64_t> dims(shape.begin() + start,
                            shape.begin() + std::max(start, end));
  return importer.setResult(arith::ConstantOp::create(
      importer.getBuilder(), importer.getLoc(), *type,
      DenseElementsAttr::get(*type, ArrayRef<int64_t>(dims))));
}

static LogicalResult convertCast(NodeImporter &importer) {
  FailureOr<RankedTensorType> type = importer.getResultType();
  const onnx_import::TensorInfo *from = importer.getInputInfo(0);
  const onnx_import::TensorInfo *to = importer.getOutputInfo(0);
  if (failed(type) || !from || !to)
    return failure();
  bool sourceUnsigned = isUnsigned(from->type);
  bool targetUnsigned = isUnsigned(to->type);
  Type target = type->getElementType();
  FailureOr<Value> input = importer.getRequiredOperand(0);
  if (failed(input))
    return failure();
  return importer.setResult(buildBroadcastElementwise(
      importer.getBuilder(), importer.getLoc(), *type, *input,
      [&](OpBuilder &b, Location loc, ValueRange x) {
        return buildElementCast(b, loc, x[0], sourceUnsigned, target,
                                targetUnsigned);
      }));
}

/// ConstantOfShape: a splat of `value` (default float 0) in the inferred
/// shape.
static LogicalResult convertConstantOfShape(NodeImporter &importer) {
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(type))
    return failure();
  const onnx_import::Attribute *value = importer.getNode().findAttribute("value");
  Attribute splat;
  if (value && value->t) {
    auto elementType = RankedTensorType::get({}, type->getElementType());
    auto scalar = DenseElementsAttr::getFromRawBuffer(
        elementType, ArrayRef<char>(value->t->bytes->data(),
                                    value->t->bytes->size()));
    splat = SplatElementsAttr::get(*type, scalar.getSplatValue<Attribute>());
  } else {
    splat = SplatElementsAttr::get(
        *type, importer.getBuilder().getFloatAttr(type->getElementType(), 0.0));
  }
  return importer.setResult(arith::ConstantOp::create(
      importer.getBuilder(), importer.getLoc(), *type, cast<TypedAttr>(splat)));
}

/// Pad, constant mode, with constant non-negative pads (input since opset 11,
/// attribute before) and an optional constant value.
static LogicalResult convertPad(NodeImporter &importer) {
  constexpr int64_t kPadsAsInputsOpset = 11;
  FailureOr<Value> input = importer.getRequiredOperand(0);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(input) || failed(type))
    return failure();
  std::string mode = importer.getString("mode", "constant");
  if (mode != "constant")
    return importer.emitError() << "pad mode '" << mode
                                << "' is not supported; expected 'constant'";
  int64_t rank = type->getRank();
  std::optional<SmallVector<int64_t>> pads;
  double padValue = 0.0;
  if (importer.getOpset() < kPadsAsInputsOpset) {
    if (auto attr = importer.getInts("pads"))
      pads = SmallVector<int64_t>(attr->begin(), attr->end());
    padValue = importer.getFloat("value", 0.0f);
  } else {
    pads = importer.getConstantInts(1);
    if (importer.getOperand(2)) {
      std::optional<DenseElementsAttr> value = importer.getConstantOperand(2);
      if (!value)
        return importer.emitError() << "a pad value given at run time is "
                                       "not supported";
      padValue = isa<FloatType>(value->getElementType())
                     ? (*value->getValues<APFloat>().begin()).convertToDouble()
                     : static_cast<double>(
                           (*value->getValues<APInt>().begin()).getSExtValue());
    }
    if (importer.getOperand(3))
      return importer.emitError() << "the axes input is not supported";
  }
  if (!pads || static_cast<int64_t>(pads->size()) != 2 * rank)
    return importer.emitError() << "expected " << 2 * rank
                                << " pads known at compile time (run-time "
                                   "pads are not supported)";
  if (llvm::any_of(*pads, [](int64_t pad) { return pad < 0; }))
    return importer.emitError() << "negative pads are not supported";
  // ONNX lists all begins, then all ends; TOSA interleaves them per axis.
  SmallVector<int64_t> padding;
  for (int64_t dim = 0; dim < rank; ++dim) {
    padding.push_back((*pads)[dim]);
    padding.push_back((*pads)[dim + rank]);
  }
  OpBuilder &builder = importer.getBuilder();
  ImplicitLocOpBuilder b(importer.getLoc(), builder);
  Value padConst = buildSplat(
      builder, importer.getLoc(),
      RankedTensorType::get({1}, type->getElementType()), padValue);
  return importer.setResult(tosa::PadOp::create(
      b, *type, *input, tosa::getTosaConstShape(b, padding), padConst));
}

void mlir::qc::onnx::registerTensorConverters(ConverterRegistry &registry) {
  registry["Concat"] = convertConcat;
  registry["Split"] = convertSplit;
  registry["Slice"] = convertSlice;
  registry["Gather"] = convertGather;
  registry["Shape"] = convertShape;
  registry["Cast"] = convertCast;
  registry["ConstantOfShape"] = convertConstantOfShape;
  registry["Pad"] = convertPad;
}
