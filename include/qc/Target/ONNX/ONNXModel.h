//===- ONNXModel.h - An ONNX model read into plain C++ ----------*- C++ -*-===//
//
// The ONNX importer works in two layers. The reader (ONNXReader.cpp) is the
// only code that touches protobuf and the ONNX library: it parses, checks and
// shape-infers a model and returns it as the plain structs below. The MLIR
// builder (ImportONNX.cpp) consumes them. The split keeps protobuf's and
// ONNX's exceptions and RTTI out of code built like LLVM (-fno-exceptions,
// -fno-rtti), and keeps each side testable alone.
//
// Tensor payloads are never copied twice: a raw_data string parsed by
// protobuf is moved into a shared buffer, which the importer hands to MLIR as
// a resource blob.
//
//===----------------------------------------------------------------------===//

#ifndef QC_TARGET_ONNX_ONNXMODEL_H
#define QC_TARGET_ONNX_ONNXMODEL_H

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qc::onnx_import {

/// ONNX TensorProto.DataType values the importer understands.
enum class ElementType {
  Undefined = 0,
  Float = 1,
  UInt8 = 2,
  Int8 = 3,
  UInt16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Double = 11,
  UInt32 = 12,
  UInt64 = 13,
  BFloat16 = 16,
};

/// Bytes per element (0 for String and Undefined).
size_t elementSize(ElementType type);

/// Name of an element type as ONNX spells it ("float", "int64", ...).
const char *elementTypeName(ElementType type);

/// Dimension size for a dimension shape inference could not resolve.
inline constexpr int64_t kDynamic = -1;

/// Type and shape of a value.
struct TensorInfo {
  ElementType type = ElementType::Undefined;
  /// Dimensions, kDynamic where unknown; empty with hasShape for scalars.
  std::vector<int64_t> shape;
  bool hasShape = false;

  bool isStatic() const;
  int64_t numElements() const;
};

/// A constant tensor: little-endian raw bytes (bool as one byte each).
struct TensorData {
  std::string name;
  TensorInfo info;
  std::shared_ptr<const std::string> bytes;
};

/// A node attribute.
struct Attribute {
  enum class Kind { Float, Int, String, Tensor, Floats, Ints, Strings, Other };
  std::string name;
  Kind kind = Kind::Other;
  float f = 0;
  int64_t i = 0;
  std::string s;
  std::optional<TensorData> t;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
};

struct Node {
  std::string name;
  std::string opType;
  std::string domain;
  /// Input names; "" for an omitted optional input.
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<Attribute> attributes;

  const Attribute *findAttribute(const std::string &attrName) const;
  /// "node 'name'", or "node producing 'output'" for unnamed nodes.
  std::string describe() const;
};

struct Model {
  int64_t irVersion = 0;
  /// Opset of the default domain.
  int64_t opset = 0;
  std::string graphName;
  /// Graph inputs that are not initializers, in order.
  std::vector<std::pair<std::string, TensorInfo>> inputs;
  std::vector<std::pair<std::string, TensorInfo>> outputs;
  /// Every value's type after shape inference (inputs, outputs, value_info).
  std::map<std::string, TensorInfo> valueInfo;
  std::vector<TensorData> initializers;
  std::vector<Node> nodes;
};

/// What the reader accepts.
inline constexpr int64_t kMinIrVersion = 3;
inline constexpr int64_t kMaxIrVersion = 10;
inline constexpr int64_t kMinOpset = 9;
inline constexpr int64_t kMaxOpset = 21;

struct ReadOptions {
  /// Static shapes for graph inputs, by name (overrides dynamic dimensions).
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Directory that external-data locations are relative to.
  std::string baseDirectory;
};

/// Parses, checks and shape-infers a serialized ModelProto. On failure returns
/// std::nullopt and sets `error` to a message that names the node, op type
/// and opset where one is at fault.
std::optional<Model> readModel(const char *data, size_t size,
                               const ReadOptions &options, std::string &error);

/// Parses a serialized TensorProto (the .pb files of ONNX test data).
std::optional<TensorData> readTensor(const char *data, size_t size,
                                     std::string &error);

} // namespace qc::onnx_import

#endif // QC_TARGET_ONNX_ONNXMODEL_H
