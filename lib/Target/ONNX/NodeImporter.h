//===- NodeImporter.h - Converting one ONNX node ----------------*- C++ -*-===//
//
// What an op converter sees: the node, its operands as MLIR values, the
// result types shape inference found, typed attribute getters, and a
// diagnostic that names the node, op type and opset.
//
//===----------------------------------------------------------------------===//

#ifndef QC_LIB_TARGET_ONNX_NODEIMPORTER_H
#define QC_LIB_TARGET_ONNX_NODEIMPORTER_H

#include "qc/Target/ONNX/ONNXModel.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::qc::onnx {

using ::qc::onnx_import::Model;
using ::qc::onnx_import::Node;

/// Maps ONNX value names to the MLIR values that hold them.
using ValueMap = llvm::StringMap<Value>;

class NodeImporter {
public:
  NodeImporter(OpBuilder &builder, const Node &node, const Model &model,
               ValueMap &values, Location loc)
      : builder(builder), node(node), model(model), values(values), loc(loc) {}

  OpBuilder &getBuilder() { return builder; }
  Location getLoc() const { return loc; }
  const Node &getNode() const { return node; }
  int64_t getOpset() const { return model.opset; }

  /// Number of inputs the node lists (omitted optional ones included).
  unsigned getNumOperands() const { return node.inputs.size(); }
  /// The value of input `index`; null when absent or omitted.
  Value getOperand(unsigned index) const;
  /// The value of a required input; reports an error when missing.
  FailureOr<Value> getRequiredOperand(unsigned index);

  /// Constant contents of input `index` when it is a constant (one held in
  /// a resource blob is copied: meant for parameters, not weights).
  std::optional<DenseElementsAttr> getConstantOperand(unsigned index) const;
  /// The integer contents of constant input `index`.
  std::optional<SmallVector<int64_t>> getConstantInts(unsigned index) const;

  /// ONNX type information of input or output `index` (signedness lives
  /// only here: MLIR integers are signless).
  const ::qc::onnx_import::TensorInfo *getInputInfo(unsigned index) const;
  const ::qc::onnx_import::TensorInfo *getOutputInfo(unsigned index) const;

  /// The statically shaped type of result `index`, from shape inference.
  FailureOr<RankedTensorType> getResultType(unsigned index = 0);
  void setResult(unsigned index, Value value);
  /// Convenience for single-result nodes.
  LogicalResult setResult(Value value) {
    setResult(0, value);
    return success();
  }

  /// Attribute getters; the default when absent.
  int64_t getInt(StringRef name, int64_t defaultValue) const;
  float getFloat(StringRef name, float defaultValue) const;
  std::string getString(StringRef name, StringRef defaultValue) const;
  std::optional<std::vector<int64_t>> getInts(StringRef name) const;
  bool hasAttribute(StringRef name) const;

  /// An error located at the node: "node 'n' (Op, opset 13): ...".
  /// Unnamed nodes are named by their first output.
  InFlightDiagnostic emitError();

private:
  OpBuilder &builder;
  const Node &node;
  const Model &model;
  ValueMap &values;
  Location loc;
};

/// Converts one node; emits an error and fails when it cannot.
using Converter = LogicalResult (*)(NodeImporter &);
using ConverterRegistry = llvm::StringMap<Converter>;

/// The converters of each op family (one file each).
void registerElementwiseConverters(ConverterRegistry &registry);
void registerLinearAlgebraConverters(ConverterRegistry &registry);
void registerShapeConverters(ConverterRegistry &registry);
void registerTensorConverters(ConverterRegistry &registry);
void registerReduceConverters(ConverterRegistry &registry);
void registerNNConverters(ConverterRegistry &registry);
void registerQuantizationConverters(ConverterRegistry &registry);
void registerResizeConverters(ConverterRegistry &registry);

/// The MLIR element type of an ONNX element type (signless integers).
Type getElementType(MLIRContext *context,
                    ::qc::onnx_import::ElementType type);

/// Normalizes a possibly negative ONNX axis for rank `rank`; fails (after
/// reporting) when out of range.
FailureOr<int64_t> normalizeAxis(NodeImporter &importer, int64_t axis,
                                 int64_t rank);

} // namespace mlir::qc::onnx

#endif // QC_LIB_TARGET_ONNX_NODEIMPORTER_H
