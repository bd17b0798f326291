//===- PackedLinear.h - Packed-weight patterns of qc-lower-to-integer -*- C++ -*-===//
//
// Convolutions and matmuls whose constant weights are narrower than 8 bits
// or quantized per group become qc.packed_matmul.
//
//===----------------------------------------------------------------------===//

#ifndef QC_LIB_TRANSFORMS_PACKEDLINEAR_H
#define QC_LIB_TRANSFORMS_PACKEDLINEAR_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::qc {

/// Shift shared by the group multipliers qc-lower-to-integer makes: ratios
/// of at most 1 in Q2.30, which keeps each multiplier an int32.
inline constexpr int64_t kGroupMultiplierShift = 30;

/// Adds the patterns that turn tosa.conv2d and tosa.matmul on an int8 input
/// and packable constant weights into qc.packed_matmul, ahead of (with a
/// higher benefit than) the int8 patterns.
void populatePackedLinearPatterns(RewritePatternSet &patterns);

} // namespace mlir::qc

#endif // QC_LIB_TRANSFORMS_PACKEDLINEAR_H
