//===- IntegerNormalizations.h - Integer softmax and layer norm -*- C++ -*-===//
//
// Patterns of qc-lower-to-integer for the composite qc.softmax and
// qc.layer_norm between an 8-bit qc.dequantize and a qc.quantize.
//
//===----------------------------------------------------------------------===//

#ifndef QC_LIB_TRANSFORMS_INTEGERNORMALIZATIONS_H
#define QC_LIB_TRANSFORMS_INTEGERNORMALIZATIONS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::qc {

/// Adds the patterns that give quantized qc.softmax and qc.layer_norm
/// integer-only kernels.
void populateIntegerNormalizationPatterns(RewritePatternSet &patterns);

} // namespace mlir::qc

#endif // QC_LIB_TRANSFORMS_INTEGERNORMALIZATIONS_H
