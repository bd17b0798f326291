//===- ConvertQuantization.cpp - ONNX quantization ops --------------------===//
//
// QuantizeLinear and DequantizeLinear become qc.quantize and qc.dequantize
// whose constant scales and zero points live in an upstream !quant.uniform
// type; quant.scast moves between that type and the storage tensor ONNX
// passes around. The QLinear ops become the same QDQ form (dequantize, the
// float op, quantize), which qc-lower-to-integer turns into integer
// arithmetic: a QLinearConv and a Conv between QDQ pairs take one path.
//
// MatMulInteger and ConvInteger are integer already: tosa.matmul and
// tosa.conv2d on int8 with zero points, accumulating in i32. uint8 operands
// become int8 by flipping the top bit, which subtracts 128 from values and
// zero point alike and so keeps every difference value - zero point.
//
// QuantizeLinear and DequantizeLinear with parameters computed at run time,
// and DynamicQuantizeLinear, which computes its own, are ONNX's float
// formulas, elementwise.
//
//===----------------------------------------------------------------------===//

#include "GraphBuilders.h"
#include "NodeImporter.h"

#include "qc/IR/QC.h"
#include "qc/Numerics/Numerics.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qc::onnx;
namespace onnx_import = ::qc::onnx_import;
namespace numerics = ::qc::numerics;

//===----------------------------------------------------------------------===//
// Quantized types from (scale, zero point) operands
//===----------------------------------------------------------------------===//

namespace {
/// Where a node keeps the parameters of one quantized value.
struct QuantOperands {
  unsigned scale;
  unsigned zeroPoint;
};

/// The storage integer of a quantized value, as ONNX names it.
struct Storage {
  unsigned width;
  bool isSigned;
};
} // namespace

static FailureOr<Storage> getStorage(NodeImporter &importer,
                                     onnx_import::ElementType type) {
  switch (type) {
  case onnx_import::ElementType::Int8:
    return Storage{8, true};
  case onnx_import::ElementType::UInt8:
    return Storage{8, false};
  case onnx_import::ElementType::Int16:
    return Storage{16, true};
  case onnx_import::ElementType::UInt16:
    return Storage{16, false};
  case onnx_import::ElementType::Int32:
    return Storage{32, true};
  default:
    return importer.emitError()
           << "expected int8, uint8, int16, uint16 or int32 quantized values, "
              "got "
           << onnx_import::elementTypeName(type);
  }
}

/// The storage type of the value described by `operands`: the zero point's
/// type, else `fallback` (the quantized input or output itself).
static FailureOr<Storage> getStorage(NodeImporter &importer,
                                     QuantOperands operands,
                                     onnx_import::ElementType fallback) {
  if (const onnx_import::TensorInfo *zeroPoint =
          importer.getInputInfo(operands.zeroPoint))
    return getStorage(importer, zeroPoint->type);
  return getStorage(importer, fallback);
}

/// The scales of `operands`, constant and positive.
static FailureOr<SmallVector<double>> readScales(NodeImporter &importer,
                                                 QuantOperands operands) {
  std::optional<DenseElementsAttr> constant =
      importer.getConstantOperand(operands.scale);
  if (!constant || !isa<FloatType>(constant->getElementType()))
    return importer.emitError()
           << "expected input " << operands.scale
           << " (scale) to be a float constant: QC compiles quantization "
              "parameters into the code";
  SmallVector<double> scales;
  for (const APFloat &scale : constant->getValues<APFloat>()) {
    double value = scale.convertToDouble();
    if (!(value > 0.0) || !std::isfinite(value))
      return importer.emitError() << "expected positive finite scales, got "
                                  << value;
    scales.push_back(value);
  }
  return scales;
}

/// The zero points of `operands` (zeros when omitted), read as `storage`.
static FailureOr<SmallVector<int64_t>>
readZeroPoints(NodeImporter &importer, QuantOperands operands,
               Storage storage, size_t count) {
  if (!importer.getOperand(operands.zeroPoint))
    return SmallVector<int64_t>(count, 0);
  std::optional<DenseElementsAttr> constant =
      importer.getConstantOperand(operands.zeroPoint);
  if (!constant || !constant->getElementType().isInteger())
    return importer.emitError()
           << "expected input " << operands.zeroPoint
           << " (zero point) to be an integer constant";
  SmallVector<int64_t> zeroPoints;
  for (const APInt &zeroPoint : constant->getValues<APInt>())
    zeroPoints.push_back(storage.isSigned
                             ? zeroPoint.getSExtValue()
                             : static_cast<int64_t>(zeroPoint.getZExtValue()));
  if (zeroPoints.size() != count)
    return importer.emitError() << "expected " << count
                                << " zero points, got " << zeroPoints.size();
  if (storage.width == 32 && llvm::any_of(zeroPoints, [](int64_t zeroPoint) {
        return zeroPoint != 0;
      }))
    return importer.emitError() << "expected int32 zero points to be 0";
  return zeroPoints;
}

/// The quantized element type for a value of `valueType` described by
/// `operands`: per tensor for a single scale, else per axis `axis` (one
/// scale per index along it).
static FailureOr<quant::QuantizedType>
readQuantizedType(NodeImporter &importer, QuantOperands operands,
                  Storage storage, RankedTensorType valueType, Type expressed,
                  int64_t axis) {
  if (importer.hasAttribute("block_size") &&
      importer.getInt("block_size", 0) != 0)
    return importer.emitError() << "blocked quantization (block_size) is not "
                                   "supported";
  FailureOr<SmallVector<double>> scales = readScales(importer, operands);
  if (failed(scales))
    return failure();
  FailureOr<SmallVector<int64_t>> zeroPoints =
      readZeroPoints(importer, operands, storage, scales->size());
  if (failed(zeroPoints))
    return failure();
  if (!isa<FloatType>(expressed))
    return importer.emitError() << "expected float values, got " << expressed;
  std::optional<int64_t> normalized;
  if (scales->size() != 1) {
    FailureOr<int64_t> valueAxis =
        normalizeAxis(importer, axis, valueType.getRank());
    if (failed(valueAxis))
      return failure();
    if (valueType.getDimSize(*valueAxis) !=
        static_cast<int64_t>(scales->size()))
      return importer.emitError()
             << "expected one scale per index of axis " << *valueAxis
             << " (size " << valueType.getDimSize(*valueAxis) << "), got "
             << scales->size();
    normalized = *valueAxis;
  }
  MLIRContext *context = importer.getBuilder().getContext();
  Type storageType = IntegerType::get(context, storage.width);
  numerics::IntRange range = numerics::storageRange(storage.width,
                                                    storage.isSigned);
  unsigned flags = storage.isSigned ? quant::QuantizationFlags::Signed : 0;
  auto emitError = [&] { return importer.emitError(); };
  quant::QuantizedType type;
  if (normalized)
    type = quant::UniformQuantizedPerAxisType::getChecked(
        emitError, flags, storageType, expressed, *scales, *zeroPoints,
        static_cast<int32_t>(*normalized), range.min, range.max);
  else
    type = quant::UniformQuantizedType::getChecked(
        emitError, flags, storageType, expressed, scales->front(),
        zeroPoints->front(), range.min, range.max);
  if (!type)
    return failure();
  return type;
}

//===----------------------------------------------------------------------===//
// QDQ building blocks
//===----------------------------------------------------------------------===//

/// The float value ONNX DequantizeLinear gives for input `index` under
/// `operands` (per axis along `axis` when there are several scales).
static FailureOr<Value> dequantizeInput(NodeImporter &importer, unsigned index,
                                        QuantOperands operands,
                                        int64_t axis = 1) {
  FailureOr<Value> input = importer.getRequiredOperand(index);
  const onnx_import::TensorInfo *info = importer.getInputInfo(index);
  if (failed(input) || !info)
    return failure();
  FailureOr<Storage> storage = getStorage(importer, operands, info->type);
  if (failed(storage))
    return failure();
  auto inputType = cast<RankedTensorType>(input->getType());
  Type expressed = importer.getBuilder().getF32Type();
  if (std::optional<DenseElementsAttr> scale =
          importer.getConstantOperand(operands.scale))
    expressed = scale->getElementType();
  FailureOr<quant::QuantizedType> quantized = readQuantizedType(
      importer, operands, *storage, inputType, expressed, axis);
  if (failed(quantized))
    return failure();
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  Value cast = quant::StorageCastOp::create(
      builder, loc, inputType.clone(*quantized), *input);
  return Value(mlir::qc::DequantizeOp::create(builder, loc,
                                        inputType.clone(expressed), cast));
}

/// ONNX QuantizeLinear of the float `value` under `operands` into the
/// storage of result `resultIndex`.
static FailureOr<Value> quantizeResult(NodeImporter &importer, Value value,
                                       QuantOperands operands,
                                       unsigned resultIndex = 0,
                                       int64_t axis = 1) {
  FailureOr<RankedTensorType> resultType = importer.getResultType(resultIndex);
  const onnx_import::TensorInfo *info = importer.getOutputInfo(resultIndex);
  if (failed(resultType) || !info)
    return failure();
  FailureOr<Storage> storage = getStorage(importer, operands, info->type);
  if (failed(storage))
    return failure();
  auto valueType = cast<RankedTensorType>(value.getType());
  FailureOr<quant::QuantizedType> quantized =
      readQuantizedType(importer, operands, *storage, valueType,
                        valueType.getElementType(), axis);
  if (failed(quantized))
    return failure();
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  Value quantizedValue = mlir::qc::QuantizeOp::create(
      builder, loc, valueType.clone(*quantized), value);
  return Value(
      quant::StorageCastOp::create(builder, loc, *resultType, quantizedValue));
}

//===----------------------------------------------------------------------===//
// Quantization with run-time parameters
//===----------------------------------------------------------------------===//

/// Saturates the whole float `rounded` into the range of `storage`, giving
/// storage bits of `storageType`.
static Value buildSaturate(OpBuilder &b, Location loc, Value rounded,
                           Storage storage, Type storageType) {
  numerics::IntRange range =
      numerics::storageRange(storage.width, storage.isSigned);
  Type floatType = rounded.getType();
  Value clamped = arith::MinimumFOp::create(
      b, loc,
      arith::MaximumFOp::create(
          b, loc, rounded,
          buildScalarFloat(b, loc, floatType, static_cast<double>(range.min))),
      buildScalarFloat(b, loc, floatType, static_cast<double>(range.max)));
  if (storage.isSigned)
    return arith::FPToSIOp::create(b, loc, storageType, clamped);
  return arith::FPToUIOp::create(b, loc, storageType, clamped);
}

/// Integer `value` of `storage` as a float of `floatType`.
static Value buildIntToFloat(OpBuilder &b, Location loc, Value value,
                             Storage storage, Type floatType) {
  if (storage.isSigned)
    return arith::SIToFPOp::create(b, loc, floatType, value);
  return arith::UIToFPOp::create(b, loc, floatType, value);
}

/// Parameter input `index` (a scale or zero point computed at run time)
/// reshaped to broadcast against a value of rank `rank`: one element for
/// the whole tensor, or one per index along `axis`. A missing zero point is
/// 0 of `missingType`.
static FailureOr<Value> broadcastParameter(NodeImporter &importer,
                                           unsigned index, int64_t rank,
                                           int64_t axis, Type missingType) {
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  SmallVector<int64_t> shape(rank, 1);
  Value parameter = importer.getOperand(index);
  if (!parameter)
    return buildSplat(builder, loc, RankedTensorType::get(shape, missingType),
                      0.0);
  auto type = cast<RankedTensorType>(parameter.getType());
  if (type.getNumElements() != 1) {
    FailureOr<int64_t> normalized = normalizeAxis(importer, axis, rank);
    if (failed(normalized))
      return failure();
    shape[*normalized] = type.getNumElements();
  }
  return buildReshape(builder, loc, parameter, shape);
}

/// QuantizeLinear whose scale or zero point is computed at run time, as the
/// elementwise formula saturate(round(x / scale) + zero_point).
static LogicalResult convertRunTimeQuantizeLinear(NodeImporter &importer,
                                                  Value x, Storage storage) {
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(type))
    return failure();
  Type floatType = cast<RankedTensorType>(x.getType()).getElementType();
  if (!isa<FloatType>(floatType))
    return importer.emitError() << "expected float values, got " << floatType;
  int64_t axis = importer.getInt("axis", 1);
  FailureOr<Value> scale =
      broadcastParameter(importer, 1, type->getRank(), axis, Type());
  FailureOr<Value> zeroPoint = broadcastParameter(
      importer, 2, type->getRank(), axis, type->getElementType());
  if (failed(scale) || failed(zeroPoint))
    return failure();
  return importer.setResult(buildBroadcastElementwise(
      importer.getBuilder(), importer.getLoc(), *type, {x, *scale, *zeroPoint},
      [&](OpBuilder &b, Location loc, ValueRange e) -> Value {
        Value scaled = math::RoundEvenOp::create(
            b, loc, arith::DivFOp::create(b, loc, e[0], e[1]));
        Value shifted = arith::AddFOp::create(
            b, loc, scaled, buildIntToFloat(b, loc, e[2], storage, floatType));
        return buildSaturate(b, loc, shifted, storage, type->getElementType());
      }));
}

/// DequantizeLinear whose scale or zero point is computed at run time, as
/// the elementwise formula (x - zero_point) * scale.
static LogicalResult convertRunTimeDequantizeLinear(NodeImporter &importer,
                                                    Value x, Storage storage) {
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(type))
    return failure();
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t axis = importer.getInt("axis", 1);
  FailureOr<Value> scale =
      broadcastParameter(importer, 1, type->getRank(), axis, Type());
  FailureOr<Value> zeroPoint = broadcastParameter(
      importer, 2, type->getRank(), axis, xType.getElementType());
  if (failed(scale) || failed(zeroPoint))
    return failure();
  Type floatType = type->getElementType();
  // The difference is formed exactly in i64 and rounded to float once.
  return importer.setResult(buildBroadcastElementwise(
      importer.getBuilder(), importer.getLoc(), *type, {x, *scale, *zeroPoint},
      [&](OpBuilder &b, Location loc, ValueRange e) -> Value {
        Type wide = b.getI64Type();
        auto extend = [&](Value value) -> Value {
          if (storage.isSigned)
            return arith::ExtSIOp::create(b, loc, wide, value);
          return arith::ExtUIOp::create(b, loc, wide, value);
        };
        Value difference =
            arith::SubIOp::create(b, loc, extend(e[0]), extend(e[2]));
        return arith::MulFOp::create(
            b, loc, arith::SIToFPOp::create(b, loc, floatType, difference),
            e[1]);
      }));
}

//===----------------------------------------------------------------------===//
// QuantizeLinear, DequantizeLinear
//===----------------------------------------------------------------------===//

/// Whether the scale and zero point of `operands` are compile-time constants.
static bool hasConstantParameters(NodeImporter &importer,
                                  QuantOperands operands) {
  return importer.getConstantOperand(operands.scale) &&
         (!importer.getOperand(operands.zeroPoint) ||
          importer.getConstantOperand(operands.zeroPoint));
}

static LogicalResult convertQuantizeLinear(NodeImporter &importer) {
  FailureOr<Value> x = importer.getRequiredOperand(0);
  const onnx_import::TensorInfo *info = importer.getOutputInfo(0);
  if (failed(x) || !info)
    return failure();
  if (importer.hasAttribute("output_dtype"))
    return importer.emitError() << "output_dtype is not supported";
  constexpr QuantOperands kOperands = {1, 2};
  if (!hasConstantParameters(importer, kOperands)) {
    FailureOr<Storage> storage = getStorage(importer, kOperands, info->type);
    if (failed(storage))
      return failure();
    return convertRunTimeQuantizeLinear(importer, *x, *storage);
  }
  FailureOr<Value> result = quantizeResult(
      importer, *x, kOperands, /*resultIndex=*/0, importer.getInt("axis", 1));
  if (failed(result))
    return failure();
  return importer.setResult(*result);
}

static LogicalResult convertDequantizeLinear(NodeImporter &importer) {
  constexpr QuantOperands kOperands = {1, 2};
  if (!hasConstantParameters(importer, kOperands)) {
    FailureOr<Value> x = importer.getRequiredOperand(0);
    const onnx_import::TensorInfo *info = importer.getInputInfo(0);
    if (failed(x) || !info)
      return failure();
    FailureOr<Storage> storage = getStorage(importer, kOperands, info->type);
    if (failed(storage))
      return failure();
    return convertRunTimeDequantizeLinear(importer, *x, *storage);
  }
  FailureOr<Value> result =
      dequantizeInput(importer, 0, kOperands, importer.getInt("axis", 1));
  if (failed(result))
    return failure();
  return importer.setResult(*result);
}

//===----------------------------------------------------------------------===//
// QLinearMatMul, QLinearConv
//===----------------------------------------------------------------------===//

/// The float type of result 0 with the element type of `value`.
static FailureOr<RankedTensorType> floatResultType(NodeImporter &importer,
                                                   Value value) {
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(type))
    return failure();
  return type->clone(cast<RankedTensorType>(value.getType()).getElementType());
}

/// QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp): b may
/// have one scale per column (a 1-D b_scale); a is per tensor.
static LogicalResult convertQLinearMatMul(NodeImporter &importer) {
  FailureOr<SmallVector<double>> aScales = readScales(importer, {1, 2});
  if (failed(aScales))
    return failure();
  if (aScales->size() != 1)
    return importer.emitError()
           << "per-row scales of a are not supported (" << aScales->size()
           << " scales): QC quantizes activations per tensor";
  FailureOr<Value> a = dequantizeInput(importer, 0, {1, 2});
  FailureOr<Value> b = dequantizeInput(importer, 3, {4, 5}, /*axis=*/-1);
  if (failed(a) || failed(b))
    return failure();
  FailureOr<RankedTensorType> type = floatResultType(importer, *a);
  if (failed(type))
    return failure();
  Value product =
      buildMatmul(importer.getBuilder(), importer.getLoc(), *a, *b, *type);
  FailureOr<Value> result = quantizeResult(importer, product, {6, 7});
  if (failed(result))
    return failure();
  return importer.setResult(*result);
}

/// The bias of a QLinearConv as float: int32 values in units of
/// x_scale * w_scale[c], per output channel.
static FailureOr<Value> dequantizeConvBias(NodeImporter &importer, Value bias,
                                           Type expressed) {
  FailureOr<SmallVector<double>> xScale = readScales(importer, {1, 2});
  FailureOr<SmallVector<double>> wScales = readScales(importer, {4, 5});
  if (failed(xScale) || failed(wScales))
    return failure();
  auto biasType = cast<RankedTensorType>(bias.getType());
  SmallVector<double> scales;
  for (double wScale : *wScales)
    scales.push_back(xScale->front() * wScale);
  MLIRContext *context = importer.getBuilder().getContext();
  numerics::IntRange range = numerics::storageRange(32, /*isSigned=*/true);
  Type storageType = IntegerType::get(context, 32);
  unsigned flags = quant::QuantizationFlags::Signed;
  Type quantized =
      scales.size() == 1
          ? Type(quant::UniformQuantizedType::get(flags, storageType, expressed,
                                                  scales.front(), 0, range.min,
                                                  range.max))
          : Type(quant::UniformQuantizedPerAxisType::get(
                flags, storageType, expressed, scales,
                SmallVector<int64_t>(scales.size(), 0), 0, range.min,
                range.max));
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  Value cast = quant::StorageCastOp::create(builder, loc,
                                            biasType.clone(quantized), bias);
  return Value(
      mlir::qc::DequantizeOp::create(builder, loc, biasType.clone(expressed), cast));
}

/// QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B): w may
/// have one scale per output channel; B is int32 in the accumulator's units.
static LogicalResult convertQLinearConv(NodeImporter &importer) {
  FailureOr<Value> x = dequantizeInput(importer, 0, {1, 2});
  FailureOr<Value> w = dequantizeInput(importer, 3, {4, 5}, /*axis=*/0);
  if (failed(x) || failed(w))
    return failure();
  Type expressed = cast<RankedTensorType>(x->getType()).getElementType();
  Value bias;
  if (Value b = importer.getOperand(8)) {
    FailureOr<Value> floatBias = dequantizeConvBias(importer, b, expressed);
    if (failed(floatBias))
      return failure();
    bias = *floatBias;
  }
  FailureOr<RankedTensorType> type = floatResultType(importer, *x);
  if (failed(type))
    return failure();
  FailureOr<Value> convolution = buildConv(importer, *x, *w, bias, *type);
  if (failed(convolution))
    return failure();
  FailureOr<Value> result = quantizeResult(importer, *convolution, {6, 7});
  if (failed(result))
    return failure();
  return importer.setResult(*result);
}

//===----------------------------------------------------------------------===//
// MatMulInteger, ConvInteger
//===----------------------------------------------------------------------===//

namespace {
/// An 8-bit integer operand as int8 with its zero point.
struct SignedOperand {
  Value value;
  int64_t zeroPoint;
};
} // namespace

/// Input `index` of an integer op as int8, with the zero point at
/// `zeroPointIndex` (a single value; absent means 0).
static FailureOr<SignedOperand> getSignedOperand(NodeImporter &importer,
                                                 unsigned index,
                                                 unsigned zeroPointIndex) {
  FailureOr<Value> value = importer.getRequiredOperand(index);
  const onnx_import::TensorInfo *info = importer.getInputInfo(index);
  if (failed(value) || !info)
    return failure();
  FailureOr<Storage> storage = getStorage(importer, info->type);
  if (failed(storage))
    return failure();
  if (storage->width != 8)
    return importer.emitError() << "expected int8 or uint8 input " << index;
  if (std::optional<DenseElementsAttr> zeroPoint =
          importer.getConstantOperand(zeroPointIndex);
      zeroPoint && zeroPoint->getNumElements() != 1)
    return importer.emitError()
           << "per-row, per-column or per-channel zero points are not "
              "supported (input "
           << zeroPointIndex << " has " << zeroPoint->getNumElements()
           << " elements)";
  FailureOr<SmallVector<int64_t>> zeroPoints =
      readZeroPoints(importer, {zeroPointIndex, zeroPointIndex}, *storage, 1);
  if (failed(zeroPoints))
    return failure();
  if (storage->isSigned)
    return SignedOperand{*value, zeroPoints->front()};
  // Flipping the top bit maps uint8 q to the int8 value q - 128.
  constexpr int64_t kSignBit = -128;
  OpBuilder &builder = importer.getBuilder();
  auto type = cast<RankedTensorType>(value->getType());
  Value signBit = buildSplat(builder, importer.getLoc(), type,
                             static_cast<double>(kSignBit));
  Value flipped = tosa::BitwiseXorOp::create(builder, importer.getLoc(), type,
                                             *value, signBit);
  return SignedOperand{flipped, zeroPoints->front() + kSignBit};
}

static LogicalResult convertMatMulInteger(NodeImporter &importer) {
  FailureOr<SignedOperand> a = getSignedOperand(importer, 0, 2);
  FailureOr<SignedOperand> b = getSignedOperand(importer, 1, 3);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(a) || failed(b) || failed(type))
    return failure();
  return importer.setResult(buildMatmul(importer.getBuilder(),
                                        importer.getLoc(), a->value, b->value,
                                        *type, {a->zeroPoint, b->zeroPoint}));
}

static LogicalResult convertConvInteger(NodeImporter &importer) {
  FailureOr<SignedOperand> x = getSignedOperand(importer, 0, 2);
  FailureOr<SignedOperand> w = getSignedOperand(importer, 1, 3);
  FailureOr<RankedTensorType> type = importer.getResultType();
  if (failed(x) || failed(w) || failed(type))
    return failure();
  FailureOr<Value> result = buildConv(importer, x->value, w->value, Value(),
                                      *type, {x->zeroPoint, w->zeroPoint});
  if (failed(result))
    return failure();
  return importer.setResult(*result);
}

//===----------------------------------------------------------------------===//
// DynamicQuantizeLinear
//===----------------------------------------------------------------------===//

/// tosa.reduce_min or tosa.reduce_max over every element, as a [1] tensor.
template <typename ReduceOp>
static Value reduceAll(OpBuilder &builder, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  Value flat = buildReshape(builder, loc, value, {type.getNumElements()});
  return ReduceOp::create(builder, loc,
                          RankedTensorType::get({1}, type.getElementType()),
                          flat, static_cast<uint32_t>(0));
}

/// DynamicQuantizeLinear(x) -> (y uint8, y_scale, y_zero_point): the range
/// [min(0, min x), max(0, max x)] maps onto [0, 255].
static LogicalResult convertDynamicQuantizeLinear(NodeImporter &importer) {
  constexpr double kQMax = 255.0;
  FailureOr<Value> x = importer.getRequiredOperand(0);
  FailureOr<RankedTensorType> yType = importer.getResultType(0);
  FailureOr<RankedTensorType> scaleType = importer.getResultType(1);
  FailureOr<RankedTensorType> zeroPointType = importer.getResultType(2);
  if (failed(x) || failed(yType) || failed(scaleType) || failed(zeroPointType))
    return failure();
  OpBuilder &builder = importer.getBuilder();
  Location loc = importer.getLoc();
  auto xType = cast<RankedTensorType>(x->getType());
  Type floatType = xType.getElementType();
  Type storageType = yType->getElementType();
  auto scalarType = [&](Type elementType) {
    return RankedTensorType::get({1}, elementType);
  };
  Value low = reduceAll<tosa::ReduceMinOp>(builder, loc, *x);
  Value high = reduceAll<tosa::ReduceMaxOp>(builder, loc, *x);

  auto floatConstant = [&](OpBuilder &b, Location l, double value) {
    return buildScalarFloat(b, l, floatType, value);
  };
  // y_scale = (max(0, high) - min(0, low)) / 255.
  Value scale = buildBroadcastElementwise(
      builder, loc, scalarType(floatType), {low, high},
      [&](OpBuilder &b, Location l, ValueRange e) -> Value {
        Value zero = floatConstant(b, l, 0.0);
        Value range = arith::SubFOp::create(
            b, l, arith::MaximumFOp::create(b, l, e[1], zero),
            arith::MinimumFOp::create(b, l, e[0], zero));
        return arith::DivFOp::create(b, l, range, floatConstant(b, l, kQMax));
      });
  constexpr Storage kUInt8 = {8, false};
  auto saturate = [&](OpBuilder &b, Location l, Value rounded) {
    return buildSaturate(b, l, rounded, kUInt8, storageType);
  };
  // y_zero_point = saturate(round(0 - min(0, low) / y_scale)).
  Value zeroPoint = buildBroadcastElementwise(
      builder, loc, scalarType(storageType), {low, scale},
      [&](OpBuilder &b, Location l, ValueRange e) -> Value {
        Value lowest = arith::MinimumFOp::create(b, l, e[0],
                                                 floatConstant(b, l, 0.0));
        Value real = arith::NegFOp::create(
            b, l, arith::DivFOp::create(b, l, lowest, e[1]));
        return saturate(b, l, math::RoundEvenOp::create(b, l, real));
      });
  // y = saturate(round(x / y_scale) + y_zero_point).
  SmallVector<int64_t> unitShape(xType.getRank(), 1);
  Value broadcastScale = buildReshape(builder, loc, scale, unitShape);
  Value broadcastZeroPoint = buildReshape(builder, loc, zeroPoint, unitShape);
  Value y = buildBroadcastElementwise(
      builder, loc, *yType, {*x, broadcastScale, broadcastZeroPoint},
      [&](OpBuilder &b, Location l, ValueRange e) -> Value {
        Value scaled = math::RoundEvenOp::create(
            b, l, arith::DivFOp::create(b, l, e[0], e[1]));
        Value shifted = arith::AddFOp::create(
            b, l, scaled, buildIntToFloat(b, l, e[2], kUInt8, floatType));
        return saturate(b, l, shifted);
      });
  importer.setResult(0, y);
  importer.setResult(1, buildReshape(builder, loc, scale,
                                     scaleType->getShape()));
  importer.setResult(2, buildReshape(builder, loc, zeroPoint,
                                     zeroPointType->getShape()));
  return success();
}

void mlir::qc::onnx::registerQuantizationConverters(
    ConverterRegistry &registry) {
  registry["QuantizeLinear"] = convertQuantizeLinear;
  registry["DequantizeLinear"] = convertDequantizeLinear;
  registry["QLinearMatMul"] = convertQLinearMatMul;
  registry["QLinearConv"] = convertQLinearConv;
  registry["MatMulInteger"] = convertMatMulInteger;
  registry["ConvInteger"] = convertConvInteger;
  registry["DynamicQuantizeLinear"] = convertDynamicQuantizeLinear;
}
