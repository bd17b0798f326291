//===- QDQ.h - The dequantize/quantize form of quantized graphs -*- C++ -*-===//
//
// Between qc-quantize and qc-lower-to-integer, a quantized graph is float
// ops between qc.dequantize and qc.quantize ("QDQ"): every quantized value
// is an integer storage tensor that a qc.dequantize (through quant.scast)
// turns into float. These helpers read and build that form.
//
//===----------------------------------------------------------------------===//

#ifndef QC_LIB_TRANSFORMS_QDQ_H
#define QC_LIB_TRANSFORMS_QDQ_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>

namespace mlir::qc {

/// Scales and zero points of a uniform quantized element type, for the
/// whole tensor or one per index along `axis`.
struct QuantParams {
  /// Fails for types that are not uniform (per tensor or per axis).
  static std::optional<QuantParams> get(Type elementType);

  bool isPerTensor() const { return !axis; }
  double getScale(int64_t index) const {
    return scales[isPerTensor() ? 0 : index];
  }
  int64_t getZeroPoint(int64_t index) const {
    return zeroPoints[isPerTensor() ? 0 : index];
  }
  bool hasZeroPoints() const {
    return llvm::any_of(zeroPoints, [](int64_t zp) { return zp != 0; });
  }

  quant::UniformQuantizedType getPerTensorType() const {
    return cast<quant::UniformQuantizedType>(type);
  }

  quant::QuantizedType type;
  std::optional<int32_t> axis;
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
};

/// A float value that is `qc.dequantize` of a quantized tensor.
struct DequantizedValue {
  /// The quantized tensor (null when only `storage` is known).
  Value quantized;
  /// The integer storage of `quantized`, when it already exists.
  Value storage;
  QuantParams params;

  /// The integer storage tensor (signless); builds a quant.scast when the
  /// quantized tensor does not come from one.
  Value getStorage(OpBuilder &builder, Location loc) const;

  quant::QuantizedType getType() const { return params.type; }
  unsigned getBitWidth() const {
    return params.type.getStorageTypeIntegralWidth();
  }
  bool isSigned() const { return params.type.isSigned(); }
};

/// Matches `value = qc.dequantize(q)` with a uniform quantized `q`. Builds
/// nothing, so patterns may call it before they decide to rewrite.
std::optional<DequantizedValue> matchDequantized(Value value);

/// qc.dequantize(quant.scast(storage)) as a float tensor of `floatType`.
Value buildDequantize(OpBuilder &builder, Location loc, Value storage,
                      quant::QuantizedType type, Type floatType);

/// The storage tensor type of a tensor of `type` quantized as `quantized`.
RankedTensorType getStorageTensorType(RankedTensorType type,
                                      quant::QuantizedType quantized);

/// The signed 32-bit accumulator type with zero point 0 and the given
/// scales (one, or one per index along `axis`), expressed in `floatType`.
quant::QuantizedType getAccumulatorType(Type floatType,
                                        ArrayRef<double> scales,
                                        std::optional<int32_t> axis);

/// A uniform quantized type with the storage, signedness and range of
/// `like`: per tensor for one scale, else one per index along `axis`.
quant::QuantizedType buildUniformType(quant::QuantizedType like,
                                      ArrayRef<double> scales,
                                      ArrayRef<int64_t> zeroPoints,
                                      std::optional<int32_t> axis);

} // namespace mlir::qc

#endif // QC_LIB_TRANSFORMS_QDQ_H
