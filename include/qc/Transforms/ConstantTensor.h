//===- ConstantTensor.h - Reading and making constant tensors ---*- C++ -*-===//
//
// Weight rewrites (folding batch normalization, quantizing weights) read
// constants that may sit in resource blobs or behind the transposes and
// reshapes the importer puts on them, and write new constants.
//
//===----------------------------------------------------------------------===//

#ifndef QC_TRANSFORMS_CONSTANTTENSOR_H
#define QC_TRANSFORMS_CONSTANTTENSOR_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>

namespace mlir::qc {

/// Bytes of a dense constant, whether inline or in a resource blob; none for
/// splats and elements that are not whole bytes of an integer or float.
std::optional<ArrayRef<char>> getDenseBytes(ElementsAttr value);

/// The values of an integer constant (inline, splat or in a resource blob)
/// of 8 or 32 bits, row-major.
std::optional<SmallVector<int64_t>> readIntConstant(Value value);

/// A row-major f32 tensor computed at compile time.
struct FloatTensor {
  SmallVector<int64_t> shape;
  std::vector<float> values;

  int64_t getNumElements() const {
    return static_cast<int64_t>(values.size());
  }
};

/// The value of an f32 tensor computed from constants (arith.constant or
/// tosa.const, inline, splat or in a blob) by tosa.transpose, tosa.reshape,
/// tosa.mul, tosa.add and tosa.sub (with broadcasting); none otherwise.
std::optional<FloatTensor> evaluateFloatConstant(Value value);

/// The only axis of `shape` longer than 1, if exactly one is: the channel
/// axis of a per-channel constant such as [1, 1, C].
std::optional<int64_t> getSingleVaryingAxis(ArrayRef<int64_t> shape);

/// The per-channel values of a constant that varies along `channelAxis`
/// only (one value for all channels, or one per channel), expanded to
/// `channels` (biases, per-channel scales); none for other constants.
std::optional<SmallVector<double>>
readPerChannelConstant(Value value, int64_t channelAxis, int64_t channels);

/// An arith.constant of `type` holding `values` (row-major): inline when
/// small, else a resource blob named `blobName`.
Value buildFloatConstant(OpBuilder &builder, Location loc,
                         RankedTensorType type, ArrayRef<float> values,
                         StringRef blobName);
Value buildIntConstant(OpBuilder &builder, Location loc, RankedTensorType type,
                       ArrayRef<int8_t> values, StringRef blobName);
Value buildIntConstant(OpBuilder &builder, Location loc, RankedTensorType type,
                       ArrayRef<int16_t> values, StringRef blobName);
Value buildIntConstant(OpBuilder &builder, Location loc, RankedTensorType type,
                       ArrayRef<int32_t> values, StringRef blobName);
Value buildIntConstant(OpBuilder &builder, Location loc, RankedTensorType type,
                       ArrayRef<int64_t> values, StringRef blobName);

/// tosa.mul's shift operand for products without a shift (float and i32
/// products): an i8 zero.
Value buildNoMulShift(OpBuilder &builder, Location loc);

} // namespace mlir::qc

#endif // QC_TRANSFORMS_CONSTANTTENSOR_H
