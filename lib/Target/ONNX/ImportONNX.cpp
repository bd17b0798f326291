//===- ImportONNX.cpp - ONNX to MLIR --------------------------------------===//
//
// Builds `func.func @main` from a model the reader has parsed, checked and
// shape-inferred: graph inputs become arguments, initializers and Constant
// nodes constants, each node goes through the converter of its op type, and
// graph outputs are returned.
//
//===----------------------------------------------------------------------===//

#include "qc/Target/ONNX/ImportONNX.h"

#include "GraphBuilders.h"
#include "NodeImporter.h"

#include "qc/IR/QC.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::onnx;
namespace onnx_import = ::qc::onnx_import;

//===----------------------------------------------------------------------===//
// NodeImporter
//===----------------------------------------------------------------------===//

Value NodeImporter::getOperand(unsigned index) const {
  if (index >= node.inputs.size() || node.inputs[index].empty())
    return {};
  return values.lookup(node.inputs[index]);
}

FailureOr<Value> NodeImporter::getRequiredOperand(unsigned index) {
  if (Value value = getOperand(index))
    return value;
  return emitError() << "expected input " << index;
}

std::optional<DenseElementsAttr>
NodeImporter::getConstantOperand(unsigned index) const {
  Value value = getOperand(index);
  if (!value)
    return std::nullopt;
  auto constant = value.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
    return dense;
  // Parameters larger than kMaxInlineElements (per-channel scales of a wide
  // layer) live in blobs; reading one copies it.
  auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue());
  if (!resource || !resource.getRawHandle().getBlob())
    return std::nullopt;
  ArrayRef<char> bytes = resource.getRawHandle().getBlob()->getData();
  auto type = cast<ShapedType>(resource.getType());
  bool isSplat = false;
  if (!DenseElementsAttr::isValidRawBuffer(type, bytes, isSplat))
    return std::nullopt;
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}

std::optional<SmallVector<int64_t>>
NodeImporter::getConstantInts(unsigned index) const {
  std::optional<DenseElementsAttr> constant = getConstantOperand(index);
  if (!constant || !constant->getElementType().isInteger())
    return std::nullopt;
  SmallVector<int64_t> ints;
  for (const APInt &value : constant->getValues<APInt>())
    ints.push_back(value.getSExtValue());
  return ints;
}

/// The ONNX type of value `name`: from shape inference, or the initializer.
static const onnx_import::TensorInfo *findInfo(const onnx_import::Model &model,
                                               const std::string &name) {
  auto it = model.valueInfo.find(name);
  if (it != model.valueInfo.end())
    return &it->second;
  for (const onnx_import::TensorData &tensor : model.initializers)
    if (tensor.name == name)
      return &tensor.info;
  return nullptr;
}

const onnx_import::TensorInfo *
NodeImporter::getInputInfo(unsigned index) const {
  if (index >= node.inputs.size() || node.inputs[index].empty())
    return nullptr;
  return findInfo(model, node.inputs[index]);
}

const onnx_import::TensorInfo *
NodeImporter::getOutputInfo(unsigned index) const {
  if (index >= node.outputs.size())
    return nullptr;
  return findInfo(model, node.outputs[index]);
}

FailureOr<RankedTensorType> NodeImporter::getResultType(unsigned index) {
  const std::string &name = node.outputs[index];
  auto it = model.valueInfo.find(name);
  if (it == model.valueInfo.end() || !it->second.isStatic() ||
      it->second.type == onnx_import::ElementType::Undefined)
    return emitError() << "cannot resolve the type and shape of output '"
                       << name
                       << "'; give static input shapes with --input-shape";
  Type elementType = getElementType(builder.getContext(), it->second.type);
  if (!elementType)
    return emitError() << "output '" << name << "' has unsupported type "
                       << onnx_import::elementTypeName(it->second.type);
  return RankedTensorType::get(it->second.shape, elementType);
}

void NodeImporter::setResult(unsigned index, Value value) {
  if (index < node.outputs.size() && !node.outputs[index].empty())
    values[node.outputs[index]] = value;
}

int64_t NodeImporter::getInt(StringRef name, int64_t defaultValue) const {
  const onnx_import::Attribute *attr = node.findAttribute(name.str());
  return attr ? attr->i : defaultValue;
}

float NodeImporter::getFloat(StringRef name, float defaultValue) const {
  const onnx_import::Attribute *attr = node.findAttribute(name.str());
  return attr ? attr->f : defaultValue;
}

std::string NodeImporter::getString(StringRef name,
                                    StringRef defaultValue) const {
  const onnx_import::Attribute *attr = node.findAttribute(name.str());
  return attr ? attr->s : defaultValue.str();
}

std::optional<std::vector<int64_t>>
NodeImporter::getInts(StringRef name) const {
  const onnx_import::Attribute *attr = node.findAttribute(name.str());
  if (!attr)
    return std::nullopt;
  return attr->ints;
}

bool NodeImporter::hasAttribute(StringRef name) const {
  return node.findAttribute(name.str()) != nullptr;
}

InFlightDiagnostic NodeImporter::emitError() {
  return mlir::emitError(loc) << node.describe() << " (" << node.opType
                              << ", opset " << model.opset << "): ";
}

Type mlir::qc::onnx::getElementType(MLIRContext *context,
                                    onnx_import::ElementType type) {
  Builder b(context);
  switch (type) {
  case onnx_import::ElementType::Float:
    return b.getF32Type();
  case onnx_import::ElementType::Double:
    return b.getF64Type();
  case onnx_import::ElementType::Float16:
    return b.getF16Type();
  case onnx_import::ElementType::BFloat16:
    return b.getBF16Type();
  case onnx_import::ElementType::Bool:
    return b.getI1Type();
  case onnx_import::ElementType::Int8:
  case onnx_import::ElementType::UInt8:
    return b.getI8Type();
  case onnx_import::ElementType::Int16:
  case onnx_import::ElementType::UInt16:
    return b.getI16Type();
  case onnx_import::ElementType::Int32:
  case onnx_import::ElementType::UInt32:
    return b.getI32Type();
  case onnx_import::ElementType::Int64:
  case onnx_import::ElementType::UInt64:
    return b.getI64Type();
  case onnx_import::ElementType::String:
  case onnx_import::ElementType::Undefined:
    return {};
  }
  return {};
}

FailureOr<int64_t> mlir::qc::onnx::normalizeAxis(NodeImporter &importer,
                                                 int64_t axis, int64_t rank) {
  int64_t normalized = axis < 0 ? axis + rank : axis;
  if (normalized < 0 || normalized >= rank)
    return importer.emitError()
           << "axis " << axis << " is out of range for rank " << rank;
  return normalized;
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

/// Constants up to this many elements are inlined as DenseElementsAttr (so
/// folders and converters can read them, e.g. shapes and clip bounds);
/// larger ones stay in resource blobs that own the bytes the reader parsed.
static constexpr int64_t kMaxInlineElements = 64;

static ElementsAttr buildConstantAttr(MLIRContext *context,
                                      const onnx_import::TensorData &data,
                                      RankedTensorType type) {
  const std::string &bytes = *data.bytes;
  ArrayRef<char> raw(bytes.data(), bytes.size());
  if (type.getElementType().isInteger(1)) {
    SmallVector<bool> bits(raw.begin(), raw.end());
    return DenseElementsAttr::get(type, ArrayRef<bool>(bits));
  }
  if (type.getNumElements() <= kMaxInlineElements)
    return DenseElementsAttr::getFromRawBuffer(type, raw);
  // The blob keeps the reader's buffer alive instead of copying it.
  size_t alignment = onnx_import::elementSize(data.info.type);
  AsmResourceBlob blob =
      llvm::isAddrAligned(llvm::Align(alignment), bytes.data())
          ? AsmResourceBlob(raw, alignment,
                            [keepAlive = data.bytes](void *, size_t, size_t) {},
                            /*dataIsMutable=*/false)
          : HeapAsmResourceBlob::allocateAndCopyWithAlign(raw, alignment);
  return DenseResourceElementsAttr::get(type, data.name.empty() ? "onnx"
                                                                : data.name,
                                        std::move(blob));
}

static Value buildConstant(OpBuilder &builder, Location loc,
                           const onnx_import::TensorData &data) {
  Type elementType = getElementType(builder.getContext(), data.info.type);
  auto type = RankedTensorType::get(data.info.shape, elementType);
  return arith::ConstantOp::create(
      builder, loc, type,
      cast<TypedAttr>(buildConstantAttr(builder.getContext(), data, type)));
}

//===----------------------------------------------------------------------===//
// Graph
//===----------------------------------------------------------------------===//

namespace {
class GraphImporter {
public:
  GraphImporter(MLIRContext *context, const onnx_import::Model &model,
                StringRef fileName)
      : context(context), model(model),
        fileLoc(FileLineColLoc::get(context, fileName, 0, 0)) {
    registerElementwiseConverters(converters);
    registerLinearAlgebraConverters(converters);
    registerShapeConverters(converters);
    registerTensorConverters(converters);
    registerReduceConverters(converters);
    registerNNConverters(converters);
    registerQuantizationConverters(converters);
    registerResizeConverters(converters);
  }

  OwningOpRef<ModuleOp> import();

private:
  FailureOr<RankedTensorType> getInputType(StringRef name,
                                           const onnx_import::TensorInfo &info);
  LogicalResult importNode(OpBuilder &builder, const onnx_import::Node &node);
  /// The node's name, or its first output's for unnamed nodes.
  Location nodeLoc(const onnx_import::Node &node) {
    StringRef name = node.name;
    if (name.empty() && !node.outputs.empty())
      name = node.outputs.front();
    return NameLoc::get(StringAttr::get(context, name), fileLoc);
  }

  MLIRContext *context;
  const onnx_import::Model &model;
  Location fileLoc;
  ConverterRegistry converters;
  ValueMap values;
};
} // namespace

FailureOr<RankedTensorType>
GraphImporter::getInputType(StringRef name,
                            const onnx_import::TensorInfo &info) {
  Type elementType = getElementType(context, info.type);
  if (!elementType)
    return emitError(fileLoc) << "input '" << name << "' has unsupported type "
                              << onnx_import::elementTypeName(info.type);
  if (!info.isStatic()) {
    InFlightDiagnostic diag = emitError(fileLoc)
                              << "input '" << name
                              << "' has an unresolved shape";
    if (info.hasShape) {
      diag << " [";
      llvm::interleaveComma(info.shape, diag, [&](int64_t dim) {
        if (dim == onnx_import::kDynamic)
          diag << "?";
        else
          diag << dim;
      });
      diag << "]";
    }
    return diag << "; give it with --input-shape " << name << "=<d0>x<d1>...";
  }
  if (info.numElements() == 0)
    return emitError(fileLoc) << "input '" << name
                              << "' is empty; zero-size tensors are not "
                                 "supported";
  return RankedTensorType::get(info.shape, elementType);
}

LogicalResult GraphImporter::importNode(OpBuilder &builder,
                                        const onnx_import::Node &node) {
  NodeImporter importer(builder, node, model, values, nodeLoc(node));
  for (const std::string &input : node.inputs)
    if (!input.empty() && !values.count(input))
      return importer.emitError() << "input '" << input << "' is not defined";
  auto converter = converters.find(node.opType);
  if (converter == converters.end())
    return importer.emitError() << "QC does not support this op";
  // TOSA has no zero-size tensors; only constants (e.g. an empty Resize roi
  // placeholder) may be empty.
  if (node.opType != "Constant")
    for (unsigned i = 0; i < node.outputs.size(); ++i)
      if (const onnx_import::TensorInfo *info = importer.getOutputInfo(i);
          info && info->hasShape && info->numElements() == 0)
        return importer.emitError() << "output '" << node.outputs[i]
                                    << "' is empty; zero-size tensors are "
                                       "not supported";
  if (failed(converter->second(importer)))
    return failure();
  for (const std::string &output : node.outputs)
    if (!output.empty() && !values.count(output))
      return importer.emitError()
             << "QC does not support output '" << output << "' of this op";
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::import() {
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  OpBuilder builder = OpBuilder::atBlockEnd(module->getBody());

  SmallVector<Type> inputTypes;
  for (const auto &[name, info] : model.inputs) {
    FailureOr<RankedTensorType> type = getInputType(name, info);
    if (failed(type))
      return nullptr;
    inputTypes.push_back(*type);
  }

  // The result types are those of the returned values, known once the
  // nodes are imported (an unsupported node is reported before its output).
  auto function = func::FuncOp::create(
      builder, fileLoc, "main", builder.getFunctionType(inputTypes, {}));
  // MLIR integers are signless: `onnx.unsigned` keeps ONNX's uint types
  // for the model's interface.
  auto nameAttr = [&](StringRef name, const onnx_import::TensorInfo &info) {
    SmallVector<NamedAttribute> attrs = {
        builder.getNamedAttr("onnx.name", builder.getStringAttr(name))};
    if (isUnsigned(info.type) && info.type != onnx_import::ElementType::Bool)
      attrs.push_back(
          builder.getNamedAttr("onnx.unsigned", builder.getUnitAttr()));
    return builder.getDictionaryAttr(attrs);
  };
  for (auto [index, input] : llvm::enumerate(model.inputs))
    function.setArgAttrs(index, nameAttr(input.first, input.second));

  Block *body = function.addEntryBlock();
  builder.setInsertionPointToStart(body);
  for (auto [argument, input] : llvm::zip(body->getArguments(), model.inputs))
    values[input.first] = argument;
  for (const onnx_import::TensorData &tensor : model.initializers)
    values[tensor.name] = buildConstant(
        builder, NameLoc::get(StringAttr::get(context, tensor.name), fileLoc),
        tensor);
  for (const onnx_import::Node &node : model.nodes)
    if (failed(importNode(builder, node)))
      return nullptr;

  SmallVector<Value> results;
  for (const auto &[name, info] : model.outputs) {
    Value value = values.lookup(name);
    if (!value) {
      emitError(fileLoc) << "output '" << name << "' is not produced by any node";
      return nullptr;
    }
    results.push_back(value);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  function.setType(
      builder.getFunctionType(inputTypes, ValueRange(results).getTypes()));
  for (auto [index, output] : llvm::enumerate(model.outputs))
    function.setResultAttrs(index, nameAttr(output.first, output.second));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> mlir::qc::importONNX(llvm::SourceMgr &sourceMgr,
                                           MLIRContext *context,
                                           const ONNXImportOptions &options) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  StringRef fileName = buffer->getBufferIdentifier();
  onnx_import::ReadOptions readOptions;
  readOptions.inputShapes = options.inputShapes;
  readOptions.baseDirectory = llvm::sys::path::parent_path(fileName).str();
  std::string error;
  std::optional<onnx_import::Model> model =
      onnx_import::readModel(buffer->getBufferStart(), buffer->getBufferSize(),
                             readOptions, error);
  Location fileLoc = FileLineColLoc::get(context, fileName, 0, 0);
  if (!model) {
    emitError(fileLoc) << error;
    return nullptr;
  }
  context->loadDialect<arith::ArithDialect, func::FuncDialect,
                       linalg::LinalgDialect, math::MathDialect,
                       tensor::TensorDialect, tosa::TosaDialect, QCDialect>();
  return GraphImporter(context, *model, fileName).import();
}

bool mlir::qc::parseInputShape(StringRef text, std::string &name,
                               std::vector<int64_t> &shape) {
  auto [namePart, dims] = text.rsplit('=');
  if (namePart.empty() || namePart.size() == text.size())
    return false;
  name = namePart.str();
  shape.clear();
  if (dims.empty())
    return true;
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t size;
    if (part.getAsInteger(10, size) || size < 0)
      return false;
    shape.push_back(size);
  }
  return true;
}

void mlir::qc::registerImportONNXTranslation() {
  static llvm::cl::list<std::string> inputShapes(
      "input-shape",
      llvm::cl::desc("Static shape of an ONNX graph input, "
                     "name=<d0>x<d1>x... (repeatable)"),
      llvm::cl::value_desc("name=shape"));
  TranslateToMLIRRegistration registration(
      "import-onnx", "Import an ONNX model (.onnx) as func + TOSA",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        ONNXImportOptions options;
        for (const std::string &text : inputShapes) {
          std::string name;
          std::vector<int64_t> shape;
          if (!parseInputShape(text, name, shape)) {
            emitError(UnknownLoc::get(context))
                << "malformed --input-shape '" << text
                << "'; expected name=<d0>x<d1>..., e.g. x=1x3x48x320";
            return nullptr;
          }
          options.inputShapes[name] = std::move(shape);
        }
        return importONNX(sourceMgr, context, options);
      },
      [](DialectRegistry &registry) {
        registry.insert<arith::ArithDialect, func::FuncDialect,
                        linalg::LinalgDialect, math::MathDialect,
                        tensor::TensorDialect, tosa::TosaDialect, QCDialect>();
      });
}
