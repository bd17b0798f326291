//===- QuantParams.h - Scale and zero point of each element -----*- C++ -*-===//
//
// Upstream quantized types describe scales and zero points per tensor, per
// axis or per sub-channel block. Constant folding and reference evaluation
// need them per element; this helper flattens the three forms into one query.
//
//===----------------------------------------------------------------------===//

#ifndef QC_IR_QUANTPARAMS_H
#define QC_IR_QUANTPARAMS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::qc {

/// How the parameters of a uniform quantized type are laid out over a tensor
/// of a given shape: the parameters form a tensor of `paramShape` (all ones
/// for per-tensor), and data element [i0, ..., in] uses parameter
/// [i0 / blockSizes[0], ..., in / blockSizes[n]]. Per axis is block size 1
/// along the axis; sub-channel types give their blocks.
struct QuantLayout {
  /// Fails for quantized types that are not uniform and for shapes that do
  /// not fit the type's axis or blocks. Dynamic dimensions are accepted.
  static FailureOr<QuantLayout> get(quant::QuantizedType type,
                                    ArrayRef<int64_t> shape);

  bool isPerTensor() const { return scales.size() == 1; }

  SmallVector<int64_t> blockSizes;
  SmallVector<int64_t> paramShape;
  /// Row-major over paramShape.
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
};

/// Scale and zero point of every element of a statically shaped tensor whose
/// element type is a uniform quantized type.
class ElementQuantParams {
public:
  /// Fails for quantized types that are not uniform, and for shapes that are
  /// dynamic or do not fit the type's axis or blocks.
  static FailureOr<ElementQuantParams> get(quant::QuantizedType type,
                                           ArrayRef<int64_t> shape);

  double getScale(int64_t linearIndex) const {
    return layout.scales[paramIndex(linearIndex)];
  }
  int64_t getZeroPoint(int64_t linearIndex) const {
    return layout.zeroPoints[paramIndex(linearIndex)];
  }

private:
  /// Index into scales/zeroPoints of the element at `linearIndex`.
  int64_t paramIndex(int64_t linearIndex) const;

  SmallVector<int64_t> shape;
  QuantLayout layout;
};

/// Verifies that `type` is a uniform quantized type whose axis or blocks fit
/// `tensorType`, with expressed type `floatType`. Reports through `emitError`.
LogicalResult verifyQuantizedTensor(function_ref<InFlightDiagnostic()> emitError,
                                    RankedTensorType tensorType,
                                    Type floatType);

} // namespace mlir::qc

#endif // QC_IR_QUANTPARAMS_H
