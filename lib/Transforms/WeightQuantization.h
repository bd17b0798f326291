//===- WeightQuantization.h - The grid of a linear op's weights -*- C++ -*-===//
//
// The one weight grid QC uses, shared by qc-quantize (which stores the
// integers) and qc-search-bitwidth (which measures what each width costs in
// accuracy): symmetric, narrow range, one scale per output channel,
// s_c = max|w_c| / qmax with qmax = 2^(bits-1) - 1 (1 for an all-zero
// channel), q = round_half_even(w / s_c).
//
//===----------------------------------------------------------------------===//

#ifndef QC_LIB_TRANSFORMS_WEIGHTQUANTIZATION_H
#define QC_LIB_TRANSFORMS_WEIGHTQUANTIZATION_H

#include "ChannelGroup.h"

#include "qc/Transforms/Passes.h"

#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <vector>

namespace mlir::qc {

/// The largest magnitude of a symmetric narrow-range `bits`-bit integer.
int64_t getSymmetricBound(unsigned bits);

/// A linear op's weights on the grid of `bits` bits.
struct QuantizedWeights {
  /// One scale per output channel (LinearWeights::outputChannelOf).
  SmallVector<double> scales;
  /// The integers, in the layout of the float weights.
  std::vector<int8_t> values;

  /// The value element `linear` stands for: q * s_c.
  double dequantized(const LinearWeights &weights, int64_t linear) const {
    return values[linear] * scales[weights.outputChannelOf(linear)];
  }
};

/// Quantizes `weights` to `bits` bits (kMinWeightBits to kMaxWeightBits).
QuantizedWeights quantizeWeights(const LinearWeights &weights, unsigned bits);

/// ||Q_bits(W) - W||^2: the squared error of rounding `weights` to the grid
/// of `bits` bits (kMinWeightBits to kMaxWeightBits).
double getRoundingError(const LinearWeights &weights, unsigned bits);

} // namespace mlir::qc

#endif // QC_LIB_TRANSFORMS_WEIGHTQUANTIZATION_H
