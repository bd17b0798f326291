//===- QDQ.cpp - The dequantize/quantize form of quantized graphs ---------===//

#include "QDQ.h"

#include "qc/IR/QC.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/TypeUtilities.h"

#include <limits>

using namespace mlir;
using namespace mlir::qc;

std::optional<QuantParams> QuantParams::get(Type elementType) {
  QuantParams params;
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(elementType)) {
    params.type = perTensor;
    params.scales = {perTensor.getScale()};
    params.zeroPoints = {perTensor.getZeroPoint()};
    return params;
  }
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(elementType)) {
    params.type = perAxis;
    params.axis = perAxis.getQuantizedDimension();
    params.scales.assign(perAxis.getScales().begin(),
                         perAxis.getScales().end());
    params.zeroPoints.assign(perAxis.getZeroPoints().begin(),
                             perAxis.getZeroPoints().end());
    return params;
  }
  return std::nullopt;
}

std::optional<DequantizedValue> mlir::qc::matchDequantized(Value value) {
  auto dequantize = value.getDefiningOp<DequantizeOp>();
  if (!dequantize)
    return std::nullopt;
  Value quantized = dequantize.getInput();
  std::optional<QuantParams> params =
      QuantParams::get(getElementTypeOrSelf(quantized.getType()));
  if (!params)
    return std::nullopt;
  Value storage;
  if (auto cast = quantized.getDefiningOp<quant::StorageCastOp>();
      cast && isa<IntegerType>(getElementTypeOrSelf(cast.getInput())))
    storage = cast.getInput();
  return DequantizedValue{quantized, storage, *params};
}

Value DequantizedValue::getStorage(OpBuilder &builder, Location loc) const {
  if (storage)
    return storage;
  auto type = cast<RankedTensorType>(quantized.getType());
  return quant::StorageCastOp::create(
      builder, loc, getStorageTensorType(type, params.type), quantized);
}

RankedTensorType mlir::qc::getStorageTensorType(RankedTensorType type,
                                                quant::QuantizedType quantized) {
  return type.clone(quantized.getStorageType());
}

Value mlir::qc::buildDequantize(OpBuilder &builder, Location loc,
                                Value storage, quant::QuantizedType type,
                                Type floatType) {
  auto storageType = cast<RankedTensorType>(storage.getType());
  Value quantized = quant::StorageCastOp::create(
      builder, loc, storageType.clone(type), storage);
  return DequantizeOp::create(builder, loc, storageType.clone(floatType),
                              quantized);
}

quant::QuantizedType mlir::qc::buildUniformType(quant::QuantizedType like,
                                                ArrayRef<double> scales,
                                                ArrayRef<int64_t> zeroPoints,
                                                std::optional<int32_t> axis) {
  if (!axis)
    return quant::UniformQuantizedType::get(
        like.getFlags(), like.getStorageType(), like.getExpressedType(),
        scales.front(), zeroPoints.front(), like.getStorageTypeMin(),
        like.getStorageTypeMax());
  return quant::UniformQuantizedPerAxisType::get(
      like.getFlags(), like.getStorageType(), like.getExpressedType(), scales,
      zeroPoints, *axis, like.getStorageTypeMin(), like.getStorageTypeMax());
}

quant::QuantizedType mlir::qc::getAccumulatorType(Type floatType,
                                                  ArrayRef<double> scales,
                                                  std::optional<int32_t> axis) {
  MLIRContext *context = floatType.getContext();
  auto like = quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, IntegerType::get(context, 32),
      floatType, 1.0, 0, std::numeric_limits<int32_t>::min(),
      std::numeric_limits<int32_t>::max());
  return buildUniformType(like, scales,
                          SmallVector<int64_t>(scales.size(), 0), axis);
}
