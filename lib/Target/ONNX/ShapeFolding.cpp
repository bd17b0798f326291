//===- ShapeFolding.cpp - Evaluate shape arithmetic at import -------------===//
//
// Exporters compute Reshape targets at run time: Shape -> Cast -> Slice ->
// Concat -> Reshape. ONNX's shape inference only propagates data through
// some of these ops (not Cast), so shapes downstream stay unknown. With
// static input shapes every such value is a compile-time constant: this
// evaluates the small integer computations whose inputs are known and
// replaces them by initializers, so that shape inference sees constants.
//
//===----------------------------------------------------------------------===//

#include "ShapeFolding.h"

#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <optional>
#include <set>

namespace {

/// A small integer tensor known at compile time.
struct IntTensor {
  std::vector<int64_t> dims;
  std::vector<int64_t> values;
  int32_t dtype = onnx::TensorProto::INT64;
};

/// Tensors larger than this are not shape arithmetic; they are left alone.
constexpr size_t kMaxFoldedElements = 64;

bool isIntegerType(int32_t dtype) {
  return dtype == onnx::TensorProto::INT64 || dtype == onnx::TensorProto::INT32;
}

std::optional<IntTensor> fromProto(const onnx::TensorProto &tensor) {
  if (!isIntegerType(tensor.data_type()))
    return std::nullopt;
  IntTensor result;
  result.dtype = tensor.data_type();
  result.dims.assign(tensor.dims().begin(), tensor.dims().end());
  int64_t count = std::accumulate(result.dims.begin(), result.dims.end(),
                                  int64_t{1}, std::multiplies<>());
  if (count < 0 || static_cast<size_t>(count) > kMaxFoldedElements)
    return std::nullopt;
  size_t width = tensor.data_type() == onnx::TensorProto::INT64 ? 8 : 4;
  if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    if (raw.size() != static_cast<size_t>(count) * width)
      return std::nullopt;
    for (int64_t i = 0; i < count; ++i) {
      if (width == 8) {
        int64_t value;
        std::memcpy(&value, raw.data() + i * 8, 8);
        result.values.push_back(value);
      } else {
        int32_t value;
        std::memcpy(&value, raw.data() + i * 4, 4);
        result.values.push_back(value);
      }
    }
  } else if (width == 8) {
    result.values.assign(tensor.int64_data().begin(), tensor.int64_data().end());
  } else {
    result.values.assign(tensor.int32_data().begin(), tensor.int32_data().end());
  }
  if (result.values.size() != static_cast<size_t>(count))
    return std::nullopt;
  return result;
}

onnx::TensorProto toProto(const IntTensor &tensor, const std::string &name) {
  onnx::TensorProto proto;
  proto.set_name(name);
  proto.set_data_type(tensor.dtype);
  for (int64_t dim : tensor.dims)
    proto.add_dims(dim);
  for (int64_t value : tensor.values) {
    if (tensor.dtype == onnx::TensorProto::INT64)
      proto.add_int64_data(value);
    else
      proto.add_int32_data(static_cast<int32_t>(value));
  }
  return proto;
}

const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                     const std::string &name) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

int64_t intAttr(const onnx::NodeProto &node, const std::string &name,
                int64_t fallback) {
  const onnx::AttributeProto *attr = findAttr(node, name);
  return attr ? attr->i() : fallback;
}

/// Static shapes of graph values, from inputs and shape inference.
std::map<std::string, std::vector<int64_t>>
staticShapes(const onnx::GraphProto &graph) {
  std::map<std::string, std::vector<int64_t>> shapes;
  auto record = [&](const onnx::ValueInfoProto &value) {
    if (!value.type().has_tensor_type() ||
        !value.type().tensor_type().has_shape())
      return;
    std::vector<int64_t> dims;
    for (const auto &dim : value.type().tensor_type().shape().dim()) {
      if (!dim.has_dim_value())
        return;
      dims.push_back(dim.dim_value());
    }
    shapes[value.name()] = dims;
  };
  for (const onnx::ValueInfoProto &value : graph.input())
    record(value);
  for (const onnx::ValueInfoProto &value : graph.value_info())
    record(value);
  return shapes;
}

int64_t normalize(int64_t index, int64_t size) {
  return index < 0 ? index + size : index;
}

/// Elementwise integer arithmetic with a scalar or equal-length operand.
std::optional<IntTensor> binary(const IntTensor &a, const IntTensor &b,
                                const std::string &op) {
  // The result has the larger rank (numpy broadcasting of a scalar or a
  // one-element tensor against a vector).
  const IntTensor &shape =
      a.dims.size() != b.dims.size()
          ? (a.dims.size() > b.dims.size() ? a : b)
          : (a.values.size() >= b.values.size() ? a : b);
  if (a.values.size() != b.values.size() && a.values.size() != 1 &&
      b.values.size() != 1)
    return std::nullopt;
  IntTensor result = shape;
  result.dtype = a.dtype;
  for (size_t i = 0; i < result.values.size(); ++i) {
    int64_t x = a.values[a.values.size() == 1 ? 0 : i];
    int64_t y = b.values[b.values.size() == 1 ? 0 : i];
    if (op == "Add")
      result.values[i] = x + y;
    else if (op == "Sub")
      result.values[i] = x - y;
    else if (op == "Mul")
      result.values[i] = x * y;
    else if (y == 0)
      return std::nullopt;
    else // Div: ONNX integer division truncates.
      result.values[i] = x / y;
  }
  return result;
}

/// The value of the node's single output, when its inputs are known.
std::optional<IntTensor>
evaluate(const onnx::NodeProto &node, int64_t opset,
         const std::map<std::string, IntTensor> &known,
         const std::map<std::string, std::vector<int64_t>> &shapes) {
  auto input = [&](int index) -> const IntTensor * {
    if (index >= node.input_size() || node.input(index).empty())
      return nullptr;
    auto it = known.find(node.input(index));
    return it == known.end() ? nullptr : &it->second;
  };
  const std::string &op = node.op_type();
  if (op == "Shape") {
    auto it = shapes.find(node.input(0));
    if (it == shapes.end())
      return std::nullopt;
    auto rank = static_cast<int64_t>(it->second.size());
    int64_t start = std::clamp<int64_t>(
        normalize(intAttr(node, "start", 0), rank), 0, rank);
    int64_t end = std::clamp<int64_t>(
        normalize(intAttr(node, "end", rank), rank), 0, rank);
    IntTensor result;
    result.values.assign(it->second.begin() + start,
                         it->second.begin() + std::max(start, end));
    result.dims = {static_cast<int64_t>(result.values.size())};
    return result;
  }
  const IntTensor *x = input(0);
  if (!x)
    return std::nullopt;
  if (op == "Identity")
    return *x;
  if (op == "Cast") {
    int64_t to = intAttr(node, "to", 0);
    if (!isIntegerType(static_cast<int32_t>(to)))
      return std::nullopt;
    IntTensor result = *x;
    result.dtype = static_cast<int32_t>(to);
    return result;
  }
  if (op == "Unsqueeze" || op == "Squeeze") {
    // Only the rank changes; shape inference gives the new dims.
    return std::nullopt;
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    const IntTensor *y = input(1);
    return y ? binary(*x, *y, op) : std::nullopt;
  }
  if (op == "Concat") {
    if (x->dims.size() != 1)
      return std::nullopt;
    IntTensor result = *x;
    for (int i = 1; i < node.input_size(); ++i) {
      const IntTensor *next = input(i);
      if (!next || next->dims.size() != 1)
        return std::nullopt;
      result.values.insert(result.values.end(), next->values.begin(),
                           next->values.end());
    }
    result.dims = {static_cast<int64_t>(result.values.size())};
    return result;
  }
  if (op == "Gather") {
    const IntTensor *indices = input(1);
    if (!indices || x->dims.size() != 1 || intAttr(node, "axis", 0) != 0)
      return std::nullopt;
    IntTensor result;
    result.dtype = x->dtype;
    result.dims = indices->dims;
    auto size = static_cast<int64_t>(x->values.size());
    for (int64_t index : indices->values) {
      index = normalize(index, size);
      if (index < 0 || index >= size)
        return std::nullopt;
      result.values.push_back(x->values[index]);
    }
    return result;
  }
  if (op == "Slice" && x->dims.size() == 1) {
    constexpr int64_t kBoundsAsInputsOpset = 10;
    std::vector<int64_t> starts, ends, steps = {1};
    if (opset < kBoundsAsInputsOpset) {
      const onnx::AttributeProto *s = findAttr(node, "starts");
      const onnx::AttributeProto *e = findAttr(node, "ends");
      if (!s || !e)
        return std::nullopt;
      starts.assign(s->ints().begin(), s->ints().end());
      ends.assign(e->ints().begin(), e->ints().end());
    } else {
      const IntTensor *s = input(1), *e = input(2), *st = input(4);
      if (!s || !e || (node.input_size() > 4 && !node.input(4).empty() && !st))
        return std::nullopt;
      starts = s->values;
      ends = e->values;
      if (st)
        steps = st->values;
    }
    if (starts.size() != 1 || ends.size() != 1 || steps.size() != 1 ||
        steps[0] <= 0)
      return std::nullopt;
    auto size = static_cast<int64_t>(x->values.size());
    int64_t start = std::clamp<int64_t>(normalize(starts[0], size), 0, size);
    int64_t end = std::clamp<int64_t>(normalize(ends[0], size), 0, size);
    IntTensor result;
    result.dtype = x->dtype;
    for (int64_t i = start; i < end; i += steps[0])
      result.values.push_back(x->values[i]);
    result.dims = {static_cast<int64_t>(result.values.size())};
    return result;
  }
  return std::nullopt;
}

/// One folding sweep; true when a node was replaced.
bool foldOnce(onnx::ModelProto &model, int64_t opset) {
  onnx::GraphProto &graph = *model.mutable_graph();
  std::map<std::string, IntTensor> known;
  for (const onnx::TensorProto &tensor : graph.initializer())
    if (std::optional<IntTensor> value = fromProto(tensor))
      known[tensor.name()] = *value;
  std::set<std::string> graphOutputs;
  for (const onnx::ValueInfoProto &output : graph.output())
    graphOutputs.insert(output.name());
  std::map<std::string, std::vector<int64_t>> shapes = staticShapes(graph);

  bool changed = false;
  google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
  for (onnx::NodeProto &node : *graph.mutable_node()) {
    std::optional<IntTensor> value;
    if (node.output_size() == 1 && !graphOutputs.count(node.output(0)) &&
        (node.domain().empty() || node.domain() == "ai.onnx")) {
      if (node.op_type() == "Constant") {
        const onnx::AttributeProto *attr = findAttr(node, "value");
        if (attr && attr->has_t())
          if (std::optional<IntTensor> constant = fromProto(attr->t()))
            known[node.output(0)] = *constant;
      } else {
        value = evaluate(node, opset, known, shapes);
      }
    }
    // Empty results stay nodes: with an empty initializer in their place,
    // ONNX 1.12's shape inference rejects a following Concat (seen in the
    // expanded LayerNormalization backend tests); its data propagation
    // handles them.
    if (value && !value->values.empty() &&
        value->values.size() <= kMaxFoldedElements) {
      known[node.output(0)] = *value;
      *graph.add_initializer() = toProto(*value, node.output(0));
      changed = true;
      continue;
    }
    *kept.Add() = std::move(node);
  }
  graph.mutable_node()->Swap(&kept);
  return changed;
}

} // namespace

void qc::onnx_import::foldShapeComputations(onnx::ModelProto &model,
                                            int64_t opset) {
  onnx::ShapeInferenceOptions inference(/*check_type_val=*/true,
                                        /*strict_mode_val=*/1,
                                        /*data_prop_val=*/true);
  // Each sweep can resolve shapes that let the next fold more.
  do {
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       inference);
  } while (foldOnce(model, opset));
}
