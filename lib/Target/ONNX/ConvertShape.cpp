//===- ConvertShape.cpp - ONNX constants and shape ops --------------------===//
//
// Ops that only move or relabel data. Reshape, Flatten, Squeeze and Unsqueeze
// all become tosa.reshape to the shape ONNX shape inference computed, so
// their shape inputs and axes need no interpretation here.
//
//===----------------------------------------------------------------------===//

#include "GraphBuilders.h"
#include "NodeImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <numeric>

using namespace mlir;
using namespace mlir::qc::onnx;
namespace onnx_import = ::qc::onnx_import;

static LogicalResult convertIdentity(NodeImporter &importer) {
  FailureOr<Value> input = importer.getRequiredOperand(0);
  if (failed(input))
    return failure();
  return importer.setResult(*input);
}

/// Constant: the `value` tensor, or (opset 12+) one of the scalar and list
/// forms.
static LogicalResult convertConstant(NodeImporter &importer) {
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(type))
    return failure();
  const onnx_import::Node &node = importer.getNode();
  if (node.attributes.size() != 1)
    return importer.emitError() << "expected exactly one value attribute";
  const onnx_import::Attribute &attr = node.attributes.front();
  Attribute value;
  if (attr.name == "value" && attr.t)
    value = DenseElementsAttr::getFromRawBuffer(
        *type, ArrayRef<char>(attr.t->bytes->data(), attr.t->bytes->size()));
  else if (attr.name == "value_float" || attr.name == "value_floats")
    value = DenseElementsAttr::get(
        *type, attr.name == "value_float" ? ArrayRef<float>(attr.f)
                                          : ArrayRef<float>(attr.floats));
  else if (attr.name == "value_int" || attr.name == "value_ints")
    value = DenseElementsAttr::get(
        *type, attr.name == "value_int" ? ArrayRef<int64_t>(attr.i)
                                        : ArrayRef<int64_t>(attr.ints));
  else
    return importer.emitError() << "attribute '" << attr.name
                                << "' is not supported";
  return importer.setResult(arith::ConstantOp::create(
      importer.getBuilder(), importer.getLoc(), *type, cast<TypedAttr>(value)));
}

/// Reshape, Flatten, Squeeze, Unsqueeze: the inferred result shape.
static LogicalResult convertToInferredShape(NodeImporter &importer) {
  FailureOr<Value> input = importer.getRequiredOperand(0);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(input) || failed(type))
    return failure();
  return importer.setResult(buildReshape(importer.getBuilder(),
                                         importer.getLoc(), *input,
                                         type->getShape()));
}

static LogicalResult convertTranspose(NodeImporter &importer) {
  FailureOr<Value> input = importer.getRequiredOperand(0);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(input) || failed(type))
    return failure();
  int64_t rank = type->getRank();
  SmallVector<int32_t> perms(rank);
  if (std::optional<std::vector<int64_t>> given = importer.getInts("perm")) {
    if (static_cast<int64_t>(given->size()) != rank)
      return importer.emitError() << "expected perm of " << rank
                                  << " entries, got " << given->size();
    llvm::copy(*given, perms.begin());
  } else {
    // The default reverses the dimensions.
    std::iota(perms.rbegin(), perms.rend(), 0);
  }
  return importer.setResult(tosa::TransposeOp::create(
      importer.getBuilder(), importer.getLoc(), *type, *input,
      importer.getBuilder().getDenseI32ArrayAttr(perms)));
}

void mlir::qc::onnx::registerShapeConverters(ConverterRegistry &registry) {
  registry["Identity"] = convertIdentity;
  registry["Constant"] = convertConstant;
  registry["Reshape"] = convertToInferredShape;
  registry["Flatten"] = convertToInferredShape;
  registry["Squeeze"] = convertToInferredShape;
  registry["Unsqueeze"] = convertToInferredShape;
  registry["Transpose"] = convertTranspose;
}
