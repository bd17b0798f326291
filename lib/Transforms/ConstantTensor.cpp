//===- ConstantTensor.cpp - Reading and making constant tensors -----------===//

#include "qc/Transforms/ConstantTensor.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cstring>

using namespace mlir;
using namespace mlir::qc;

/// Constants up to this many elements stay inline (readable in the IR);
/// larger ones go to resource blobs, as the importer does.
static constexpr int64_t kMaxInlineElements = 64;

std::optional<ArrayRef<char>> mlir::qc::getDenseBytes(ElementsAttr value) {
  Type elementType = value.getElementType();
  if (!elementType.isIntOrFloat() ||
      elementType.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (dense.isSplat())
      return std::nullopt;
    return dense.getRawData();
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value))
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
  return std::nullopt;
}

static int64_t productOf(ArrayRef<int64_t> shape) {
  int64_t product = 1;
  for (int64_t size : shape)
    product *= size;
  return product;
}

static SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t dim = static_cast<int64_t>(shape.size()) - 2; dim >= 0; --dim)
    strides[dim] = strides[dim + 1] * shape[dim + 1];
  return strides;
}

static std::optional<FloatTensor> readConstant(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  if (!type.getElementType().isF32() || !type.hasStaticShape())
    return std::nullopt;
  FloatTensor tensor{SmallVector<int64_t>(type.getShape()), {}};
  int64_t count = type.getNumElements();
  if (auto dense = dyn_cast<DenseElementsAttr>(attr); dense && dense.isSplat()) {
    tensor.values.assign(count, dense.getSplatValue<float>());
    return tensor;
  }
  std::optional<ArrayRef<char>> bytes = getDenseBytes(attr);
  if (!bytes || static_cast<int64_t>(bytes->size()) != count * 4)
    return std::nullopt;
  tensor.values.resize(count);
  std::memcpy(tensor.values.data(), bytes->data(), bytes->size());
  return tensor;
}

static FloatTensor transposed(const FloatTensor &input,
                              ArrayRef<int32_t> perms) {
  FloatTensor result;
  for (int32_t perm : perms)
    result.shape.push_back(input.shape[perm]);
  SmallVector<int64_t> inputStrides = stridesOf(input.shape);
  SmallVector<int64_t> index(perms.size(), 0);
  result.values.reserve(input.values.size());
  for (int64_t linear = 0, count = input.getNumElements(); linear < count;
       ++linear) {
    int64_t source = 0;
    for (auto [dim, perm] : llvm::enumerate(perms))
      source += index[dim] * inputStrides[perm];
    result.values.push_back(input.values[source]);
    for (int64_t dim = static_cast<int64_t>(perms.size()) - 1; dim >= 0;
         --dim) {
      if (++index[dim] < result.shape[dim])
        break;
      index[dim] = 0;
    }
  }
  return result;
}

/// Elementwise `combine` of two equal-rank tensors with numpy broadcasting.
static std::optional<FloatTensor>
broadcast(const FloatTensor &lhs, const FloatTensor &rhs,
          function_ref<float(float, float)> combine) {
  if (lhs.shape.size() != rhs.shape.size())
    return std::nullopt;
  FloatTensor result;
  for (auto [l, r] : llvm::zip_equal(lhs.shape, rhs.shape)) {
    if (l != r && l != 1 && r != 1)
      return std::nullopt;
    result.shape.push_back(std::max(l, r));
  }
  SmallVector<int64_t> lhsStrides = stridesOf(lhs.shape);
  SmallVector<int64_t> rhsStrides = stridesOf(rhs.shape);
  int64_t count = productOf(result.shape);
  SmallVector<int64_t> index(result.shape.size(), 0);
  result.values.reserve(count);
  for (int64_t linear = 0; linear < count; ++linear) {
    int64_t l = 0, r = 0;
    for (size_t dim = 0; dim < index.size(); ++dim) {
      l += (lhs.shape[dim] == 1 ? 0 : index[dim]) * lhsStrides[dim];
      r += (rhs.shape[dim] == 1 ? 0 : index[dim]) * rhsStrides[dim];
    }
    result.values.push_back(combine(lhs.values[l], rhs.values[r]));
    for (int64_t dim = static_cast<int64_t>(index.size()) - 1; dim >= 0;
         --dim) {
      if (++index[dim] < result.shape[dim])
        break;
      index[dim] = 0;
    }
  }
  return result;
}

template <typename BinaryOp>
static std::optional<FloatTensor>
evaluateBinary(BinaryOp op, function_ref<float(float, float)> combine) {
  std::optional<FloatTensor> lhs = evaluateFloatConstant(op.getInput1());
  std::optional<FloatTensor> rhs = evaluateFloatConstant(op.getInput2());
  if (!lhs || !rhs)
    return std::nullopt;
  return broadcast(*lhs, *rhs, combine);
}

std::optional<FloatTensor> mlir::qc::evaluateFloatConstant(Value value) {
  ElementsAttr attr;
  if (matchPattern(value, m_Constant(&attr)))
    return readConstant(attr);
  Operation *producer = value.getDefiningOp();
  if (!producer)
    return std::nullopt;
  return llvm::TypeSwitch<Operation *, std::optional<FloatTensor>>(producer)
      .Case([](tosa::TransposeOp op) -> std::optional<FloatTensor> {
        std::optional<FloatTensor> input = evaluateFloatConstant(op.getInput1());
        if (!input)
          return std::nullopt;
        return transposed(*input, op.getPerms());
      })
      .Case([](tosa::ReshapeOp op) -> std::optional<FloatTensor> {
        std::optional<FloatTensor> input = evaluateFloatConstant(op.getInput1());
        if (!input || !op.getType().hasStaticShape())
          return std::nullopt;
        input->shape.assign(op.getType().getShape().begin(),
                            op.getType().getShape().end());
        return input;
      })
      .Case([](tosa::MulOp op) {
        return evaluateBinary(op, [](float a, float b) { return a * b; });
      })
      .Case([](tosa::AddOp op) {
        return evaluateBinary(op, [](float a, float b) { return a + b; });
      })
      .Case([](tosa::SubOp op) {
        return evaluateBinary(op, [](float a, float b) { return a - b; });
      })
      .Default([](Operation *) { return std::nullopt; });
}

template <typename T>
static Value buildConstant(OpBuilder &builder, Location loc,
                           RankedTensorType type, ArrayRef<T> values,
                           StringRef blobName) {
  if (type.getNumElements() <= kMaxInlineElements)
    return arith::ConstantOp::create(builder, loc,
                                     DenseElementsAttr::get(type, values));
  ArrayRef<char> bytes(reinterpret_cast<const char *>(values.data()),
                       values.size() * sizeof(T));
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(T));
  return arith::ConstantOp::create(
      builder, loc,
      DenseResourceElementsAttr::get(type, blobName, std::move(blob)));
}

Value mlir::qc::buildFloatConstant(OpBuilder &builder, Location loc,
                                   RankedTensorType type,
                                   ArrayRef<float> values,
                                   StringRef blobName) {
  return buildConstant(builder, loc, type, values, blobName);
}

Value mlir::qc::buildIntConstant(OpBuilder &builder, Location loc,
                                 RankedTensorType type,
                                 ArrayRef<int8_t> values, StringRef blobName) {
  return buildConstant(builder, loc, type, values, blobName);
}

Value mlir::qc::buildIntConstant(OpBuilder &builder, Location loc,
                                 RankedTensorType type,
                                 ArrayRef<int16_t> values, StringRef blobName) {
  return buildConstant(builder, loc, type, values, blobName);
}

Value mlir::qc::buildIntConstant(OpBuilder &builder, Location loc,
                                 RankedTensorType type,
                                 ArrayRef<int32_t> values, StringRef blobName) {
  return buildConstant(builder, loc, type, values, blobName);
}

Value mlir::qc::buildIntConstant(OpBuilder &builder, Location loc,
                                 RankedTensorType type,
                                 ArrayRef<int64_t> values, StringRef blobName) {
  return buildConstant(builder, loc, type, values, blobName);
}

Value mlir::qc::buildNoMulShift(OpBuilder &builder, Location loc) {
  auto type = RankedTensorType::get({1}, builder.getI8Type());
  return tosa::ConstOp::create(
      builder, loc, type,
      DenseElementsAttr::get(type, builder.getI8IntegerAttr(0)));
}

std::optional<int64_t> mlir::qc::getSingleVaryingAxis(ArrayRef<int64_t> shape) {
  std::optional<int64_t> axis;
  for (auto [dim, size] : llvm::enumerate(shape)) {
    if (size == 1)
      continue;
    if (axis)
      return std::nullopt;
    axis = static_cast<int64_t>(dim);
  }
  return axis;
}

std::optional<SmallVector<double>>
mlir::qc::readPerChannelConstant(Value value, int64_t channelAxis,
                                 int64_t channels) {
  std::optional<FloatTensor> constant = evaluateFloatConstant(value);
  if (!constant)
    return std::nullopt;
  for (auto [dim, size] : llvm::enumerate(constant->shape))
    if (size != 1 && static_cast<int64_t>(dim) != channelAxis)
      return std::nullopt;
  if (constant->getNumElements() == 1)
    return SmallVector<double>(channels, constant->values.front());
  if (constant->getNumElements() != channels)
    return std::nullopt;
  return SmallVector<double>(constant->values.begin(), constant->values.end());
}

std::optional<SmallVector<int64_t>> mlir::qc::readIntConstant(Value value) {
  ElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int64_t> values;
  if (auto dense = dyn_cast<DenseIntElementsAttr>(attr)) {
    for (const APInt &element : dense.getValues<APInt>())
      values.push_back(element.getSExtValue());
    return values;
  }
  std::optional<ArrayRef<char>> bytes = getDenseBytes(attr);
  Type elementType = cast<ShapedType>(attr.getType()).getElementType();
  if (!bytes)
    return std::nullopt;
  if (elementType.isInteger(8)) {
    for (char byte : *bytes)
      values.push_back(static_cast<int8_t>(byte));
    return values;
  }
  if (!elementType.isInteger(32))
    return std::nullopt;
  for (size_t offset = 0; offset + sizeof(int32_t) <= bytes->size();
       offset += sizeof(int32_t)) {
    int32_t element;
    std::memcpy(&element, bytes->data() + offset, sizeof(element));
    values.push_back(element);
  }
  return values;
}
