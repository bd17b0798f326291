//===- ONNXReader.cpp - Parse, check and shape-infer an ONNX model --------===//
//
// The only code that touches protobuf and the ONNX library (built with
// exceptions and RTTI, which both need). Everything it returns is plain C++
// (ONNXModel.h).
//
//===----------------------------------------------------------------------===//

#include "qc/Target/ONNX/ONNXModel.h"

#include "ShapeFolding.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <fstream>
#include <unordered_map>

using namespace qc::onnx_import;

namespace {

/// Error raised while converting the protobuf model; caught in readModel.
struct ReadError {
  std::string message;
};

bool isDefaultDomain(const std::string &domain) {
  return domain.empty() || domain == "ai.onnx";
}

/// Names a node as Node::describe does, with its op type and opset.
std::string describeNode(const onnx::NodeProto &node, int64_t opset) {
  std::string name = node.name().empty() && node.output_size() > 0
                         ? "node producing '" + node.output(0) + "'"
                         : "node '" + node.name() + "'";
  return name + " (" + node.op_type() + ", opset " + std::to_string(opset) +
         ")";
}

//===----------------------------------------------------------------------===//
// Types and shapes
//===----------------------------------------------------------------------===//

TensorInfo toTensorInfo(const onnx::TypeProto &type) {
  TensorInfo info;
  if (!type.has_tensor_type())
    return info;
  const onnx::TypeProto::Tensor &tensor = type.tensor_type();
  info.type = static_cast<ElementType>(tensor.elem_type());
  if (!tensor.has_shape())
    return info;
  info.hasShape = true;
  for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim())
    info.shape.push_back(dim.has_dim_value() ? dim.dim_value() : kDynamic);
  return info;
}

/// Replaces the shape of graph input `name` by `shape`.
void overrideInputShape(onnx::ValueInfoProto &input,
                        const std::vector<int64_t> &shape) {
  onnx::TypeProto::Tensor *tensor =
      input.mutable_type()->mutable_tensor_type();
  onnx::TensorShapeProto *proto = tensor->mutable_shape();
  if (tensor->has_shape() && proto->dim_size() != static_cast<int>(shape.size()))
    throw ReadError{"--input-shape for '" + input.name() + "' has rank " +
                    std::to_string(shape.size()) + ", the model's input has rank " +
                    std::to_string(proto->dim_size())};
  proto->clear_dim();
  for (int64_t size : shape)
    proto->add_dim()->set_dim_value(size);
}

//===----------------------------------------------------------------------===//
// Tensor payloads
//===----------------------------------------------------------------------===//

/// Appends `count` little-endian values of `size` bytes taken from the low
/// bytes of each element of `values` (x86-64 is little-endian).
template <typename Repeated>
void appendLowBytes(const Repeated &values, size_t size, std::string &out) {
  for (const auto &value : values) {
    char bytes[sizeof(value)];
    std::memcpy(bytes, &value, sizeof(value));
    out.append(bytes, size);
  }
}

/// The payload of a TensorProto stored in its typed fields (not raw_data).
std::string typedFieldBytes(const onnx::TensorProto &tensor, ElementType type) {
  std::string bytes;
  size_t size = elementSize(type);
  switch (type) {
  case ElementType::Float:
    appendLowBytes(tensor.float_data(), size, bytes);
    break;
  case ElementType::Double:
    appendLowBytes(tensor.double_data(), size, bytes);
    break;
  case ElementType::Int64:
    appendLowBytes(tensor.int64_data(), size, bytes);
    break;
  case ElementType::UInt32:
  case ElementType::UInt64:
    appendLowBytes(tensor.uint64_data(), size, bytes);
    break;
  case ElementType::Int32:
  case ElementType::Int16:
  case ElementType::Int8:
  case ElementType::UInt16:
  case ElementType::UInt8:
  case ElementType::Bool:
  case ElementType::Float16:
  case ElementType::BFloat16:
    // ONNX stores these one per int32 (16-bit floats as their bit pattern).
    appendLowBytes(tensor.int32_data(), size, bytes);
    break;
  default:
    throw ReadError{"tensor '" + tensor.name() + "' has unsupported type " +
                    elementTypeName(type)};
  }
  return bytes;
}

/// Reads an external-data payload, relative to the model's directory.
std::string externalDataBytes(const onnx::TensorProto &tensor,
                              const std::string &baseDirectory) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset")
      offset = std::stoll(entry.value());
    else if (entry.key() == "length")
      length = std::stoll(entry.value());
  }
  if (location.empty() || location.front() == '/' ||
      location.find("..") != std::string::npos)
    throw ReadError{"tensor '" + tensor.name() +
                    "' has an external-data location outside the model's "
                    "directory: '" + location + "'"};
  std::string path = baseDirectory.empty() ? location
                                           : baseDirectory + "/" + location;
  std::ifstream file(path, std::ios::binary);
  if (!file)
    throw ReadError{"cannot open external data '" + path + "' of tensor '" +
                    tensor.name() + "'"};
  file.seekg(0, std::ios::end);
  int64_t fileSize = file.tellg();
  if (length < 0)
    length = fileSize - offset;
  if (offset < 0 || offset + length > fileSize)
    throw ReadError{"external data of tensor '" + tensor.name() +
                    "' is out of bounds of '" + path + "'"};
  std::string bytes(static_cast<size_t>(length), '\0');
  file.seekg(offset);
  file.read(bytes.data(), length);
  return bytes;
}

TensorData toTensorData(onnx::TensorProto &tensor,
                        const std::string &baseDirectory) {
  TensorData data;
  data.name = tensor.name();
  data.info.type = static_cast<ElementType>(tensor.data_type());
  data.info.hasShape = true;
  data.info.shape.assign(tensor.dims().begin(), tensor.dims().end());
  if (elementSize(data.info.type) == 0)
    throw ReadError{"tensor '" + tensor.name() + "' has unsupported type " +
                    elementTypeName(data.info.type)};
  std::string bytes;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    bytes = externalDataBytes(tensor, baseDirectory);
  else if (tensor.has_raw_data())
    bytes = std::move(*tensor.mutable_raw_data());
  else
    bytes = typedFieldBytes(tensor, data.info.type);
  size_t expected = static_cast<size_t>(data.info.numElements()) *
                    elementSize(data.info.type);
  if (bytes.size() != expected)
    throw ReadError{"tensor '" + tensor.name() + "' holds " +
                    std::to_string(bytes.size()) + " bytes, its shape needs " +
                    std::to_string(expected)};
  data.bytes = std::make_shared<const std::string>(std::move(bytes));
  return data;
}

//===----------------------------------------------------------------------===//
// Nodes
//===----------------------------------------------------------------------===//

Attribute toAttribute(onnx::AttributeProto &proto,
                      const std::string &baseDirectory) {
  Attribute attr;
  attr.name = proto.name();
  switch (proto.type()) {
  case onnx::AttributeProto::FLOAT:
    attr.kind = Attribute::Kind::Float;
    attr.f = proto.f();
    break;
  case onnx::AttributeProto::INT:
    attr.kind = Attribute::Kind::Int;
    attr.i = proto.i();
    break;
  case onnx::AttributeProto::STRING:
    attr.kind = Attribute::Kind::String;
    attr.s = proto.s();
    break;
  case onnx::AttributeProto::TENSOR:
    attr.kind = Attribute::Kind::Tensor;
    attr.t = toTensorData(*proto.mutable_t(), baseDirectory);
    break;
  case onnx::AttributeProto::FLOATS:
    attr.kind = Attribute::Kind::Floats;
    attr.floats.assign(proto.floats().begin(), proto.floats().end());
    break;
  case onnx::AttributeProto::INTS:
    attr.kind = Attribute::Kind::Ints;
    attr.ints.assign(proto.ints().begin(), proto.ints().end());
    break;
  case onnx::AttributeProto::STRINGS:
    attr.kind = Attribute::Kind::Strings;
    attr.strings.assign(proto.strings().begin(), proto.strings().end());
    break;
  default:
    attr.kind = Attribute::Kind::Other;
    break;
  }
  return attr;
}

Node toNode(onnx::NodeProto &proto, const std::string &baseDirectory) {
  Node node;
  node.name = proto.name();
  node.opType = proto.op_type();
  node.domain = proto.domain();
  node.inputs.assign(proto.input().begin(), proto.input().end());
  node.outputs.assign(proto.output().begin(), proto.output().end());
  for (onnx::AttributeProto &attr : *proto.mutable_attribute())
    node.attributes.push_back(toAttribute(attr, baseDirectory));
  return node;
}

//===----------------------------------------------------------------------===//
// The model
//===----------------------------------------------------------------------===//

onnx::ModelProto parseModel(const char *data, size_t size) {
  if (size > static_cast<size_t>(INT_MAX))
    throw ReadError{"the model is larger than protobuf's 2 GiB limit; store "
                    "its weights as ONNX external data"};
  google::protobuf::io::ArrayInputStream stream(data, static_cast<int>(size));
  google::protobuf::io::CodedInputStream coded(&stream);
  coded.SetTotalBytesLimit(INT_MAX);
  onnx::ModelProto model;
  if (!model.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
    throw ReadError{"not a valid ONNX model: the protobuf is malformed or "
                    "truncated"};
  if (!model.has_graph())
    throw ReadError{"not a valid ONNX model: it has no graph"};
  return model;
}

int64_t defaultDomainOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &import : model.opset_import())
    if (isDefaultDomain(import.domain()))
      return import.version();
  throw ReadError{"the model imports no opset of the default ONNX domain"};
}

void checkVersions(const onnx::ModelProto &model, int64_t opset) {
  if (model.ir_version() < kMinIrVersion || model.ir_version() > kMaxIrVersion)
    throw ReadError{"ONNX IR version " + std::to_string(model.ir_version()) +
                    " is not supported; QC reads IR versions " +
                    std::to_string(kMinIrVersion) + " to " +
                    std::to_string(kMaxIrVersion)};
  if (opset < kMinOpset || opset > kMaxOpset)
    throw ReadError{"opset " + std::to_string(opset) +
                    " is not supported; QC reads opsets " +
                    std::to_string(kMinOpset) + " to " +
                    std::to_string(kMaxOpset)};
}

/// Rejects nodes of other domains before the checker, which would only say
/// that it has no schema for them.
void checkDomains(const onnx::GraphProto &graph, int64_t opset) {
  for (const onnx::NodeProto &node : graph.node())
    if (!isDefaultDomain(node.domain()))
      throw ReadError{describeNode(node, opset) + ": unknown domain '" +
                      node.domain() + "'; QC imports the default ONNX domain"};
}

void checkModel(const onnx::ModelProto &model,
                const std::string &baseDirectory) {
  onnx::checker::CheckerContext context;
  context.set_ir_version(static_cast<int>(model.ir_version()));
  std::unordered_map<std::string, int> opsets;
  for (const onnx::OperatorSetIdProto &import : model.opset_import())
    opsets[import.domain()] = static_cast<int>(import.version());
  context.set_opset_imports(opsets);
  context.set_model_dir(baseDirectory);
  onnx::checker::LexicalScopeContext scope;
  onnx::checker::check_graph(model.graph(), context, scope);
}

void applyInputShapes(onnx::GraphProto &graph,
                      const std::map<std::string, std::vector<int64_t>> &shapes) {
  for (const auto &[name, shape] : shapes) {
    auto input = std::find_if(
        graph.mutable_input()->begin(), graph.mutable_input()->end(),
        [&](const onnx::ValueInfoProto &value) { return value.name() == name; });
    if (input == graph.mutable_input()->end())
      throw ReadError{"--input-shape names '" + name +
                      "', which is not an input of the model"};
    overrideInputShape(*input, shape);
  }
}

/// Drops the declared shapes of graph outputs, keeping their element types:
/// shape inference keeps a declared symbolic dimension (exporters often
/// declare outputs [?, N]) instead of the size it infers from static inputs.
void forgetOutputShapes(onnx::GraphProto &graph) {
  for (onnx::ValueInfoProto &output : *graph.mutable_output())
    if (output.type().has_tensor_type())
      output.mutable_type()->mutable_tensor_type()->clear_shape();
}

Model convertModel(onnx::ModelProto &proto, int64_t opset,
                   const std::string &baseDirectory) {
  onnx::GraphProto &graph = *proto.mutable_graph();
  Model model;
  model.irVersion = proto.ir_version();
  model.opset = opset;
  model.graphName = graph.name();
  for (onnx::TensorProto &tensor : *graph.mutable_initializer())
    model.initializers.push_back(toTensorData(tensor, baseDirectory));
  std::map<std::string, bool> isInitializer;
  for (const TensorData &tensor : model.initializers)
    isInitializer[tensor.name] = true;

  auto record = [&](const onnx::ValueInfoProto &value) {
    TensorInfo info = toTensorInfo(value.type());
    model.valueInfo[value.name()] = info;
    return info;
  };
  for (const onnx::ValueInfoProto &value : graph.value_info())
    record(value);
  for (const onnx::ValueInfoProto &value : graph.input()) {
    TensorInfo info = record(value);
    if (!isInitializer.count(value.name()))
      model.inputs.emplace_back(value.name(), info);
  }
  for (const onnx::ValueInfoProto &value : graph.output())
    model.outputs.emplace_back(value.name(), record(value));
  for (onnx::NodeProto &node : *graph.mutable_node())
    model.nodes.push_back(toNode(node, baseDirectory));
  return model;
}

} // namespace

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

size_t qc::onnx_import::elementSize(ElementType type) {
  switch (type) {
  case ElementType::Bool:
  case ElementType::Int8:
  case ElementType::UInt8:
    return 1;
  case ElementType::Int16:
  case ElementType::UInt16:
  case ElementType::Float16:
  case ElementType::BFloat16:
    return 2;
  case ElementType::Int32:
  case ElementType::UInt32:
  case ElementType::Float:
    return 4;
  case ElementType::Int64:
  case ElementType::UInt64:
  case ElementType::Double:
    return 8;
  case ElementType::String:
  case ElementType::Undefined:
    return 0;
  }
  return 0;
}

const char *qc::onnx_import::elementTypeName(ElementType type) {
  switch (type) {
  case ElementType::Float: return "float";
  case ElementType::UInt8: return "uint8";
  case ElementType::Int8: return "int8";
  case ElementType::UInt16: return "uint16";
  case ElementType::Int16: return "int16";
  case ElementType::Int32: return "int32";
  case ElementType::Int64: return "int64";
  case ElementType::String: return "string";
  case ElementType::Bool: return "bool";
  case ElementType::Float16: return "float16";
  case ElementType::Double: return "double";
  case ElementType::UInt32: return "uint32";
  case ElementType::UInt64: return "uint64";
  case ElementType::BFloat16: return "bfloat16";
  case ElementType::Undefined: return "undefined";
  }
  return "unknown";
}

bool TensorInfo::isStatic() const {
  return hasShape && std::none_of(shape.begin(), shape.end(),
                                  [](int64_t dim) { return dim == kDynamic; });
}

int64_t TensorInfo::numElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

const Attribute *Node::findAttribute(const std::string &attrName) const {
  for (const Attribute &attr : attributes)
    if (attr.name == attrName)
      return &attr;
  return nullptr;
}

std::string Node::describe() const {
  if (name.empty() && !outputs.empty())
    return "node producing '" + outputs.front() + "'";
  return "node '" + name + "'";
}

std::optional<Model> qc::onnx_import::readModel(const char *data, size_t size,
                                                const ReadOptions &options,
                                                std::string &error) {
  try {
    onnx::ModelProto proto = parseModel(data, size);
    int64_t opset = defaultDomainOpset(proto);
    checkVersions(proto, opset);
    checkDomains(proto.graph(), opset);
    applyInputShapes(*proto.mutable_graph(), options.inputShapes);
    checkModel(proto, options.baseDirectory);
    forgetOutputShapes(*proto.mutable_graph());
    foldShapeComputations(proto, opset);
    return convertModel(proto, opset, options.baseDirectory);
  } catch (const ReadError &readError) {
    error = readError.message;
  } catch (const std::exception &exception) {
    // The ONNX checker and shape inference name the node in their messages.
    error = exception.what();
  }
  return std::nullopt;
}

std::optional<TensorData> qc::onnx_import::readTensor(const char *data,
                                                      size_t size,
                                                      std::string &error) {
  try {
    onnx::TensorProto tensor;
    if (size > static_cast<size_t>(INT_MAX) ||
        !tensor.ParseFromArray(data, static_cast<int>(size)))
      throw ReadError{"not a valid ONNX TensorProto: the protobuf is "
                      "malformed or truncated"};
    return toTensorData(tensor, /*baseDirectory=*/"");
  } catch (const ReadError &readError) {
    error = readError.message;
  }
  return std::nullopt;
}
