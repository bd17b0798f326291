//===- WeightQuantization.h - The grid of a linear op's weights -*- C++ -*-===//
//
// The one weight grid QC uses, shared by qc-quantize (which stores the
// integers) and qc-search-bitwidth (which measures what each width costs in
// accuracy): symmetric, narrow range, one scale per output channel (or per
// output channel and group of input channels), s = max|w| / qmax over the
// channel or group with qmax = 2^(bits-1) - 1 (1 for all zeros),
// q = round_half_even(w / s).
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
  /// Input channels per scale: 0 for one scale per output channel, else G
  /// for one per output channel and group of G input channels.
  int64_t groupSize = 0;
  /// Groups per output channel (1 without groups).
  int64_t groupsPerChannel = 1;
  /// One scale per output channel (LinearWeights::outputChannelOf) and
  /// group, row-major.
  SmallVector<double> scales;
  /// The integers, in the layout of the float weights.
  std::vector<int8_t> values;

  /// The index into `scales` of element `linear`.
  int64_t scaleIndexOf(const LinearWeights &weights, int64_t linear) const {
    int64_t group = groupSize ? weights.inputChannelOf(linear) / groupSize : 0;
    return weights.outputChannelOf(linear) * groupsPerChannel + group;
  }
  /// The value element `linear` stands for: q * s.
  double dequantized(const LinearWeights &weights, int64_t linear) const {
    return values[linear] * scales[scaleIndexOf(weights, linear)];
  }
};

/// Whether `weights` can have one scale per group of `groupSize` input
/// channels: a convolution (not depthwise) or matmul whose input channels
/// split into two or more whole groups.
bool canQuantizePerGroup(const LinearWeights &weights, int64_t groupSize);

/// Quantizes `weights` to `bits` bits (kMinWeightBits to kMaxWeightBits),
/// with one scale per output channel, or per output channel and group of
/// `groupSize` input channels (canQuantizePerGroup) when it is not 0.
QuantizedWeights quantizeWeights(const LinearWeights &weights, unsigned bits,
                                 int64_t groupSize = 0);

/// ||Q_bits(W) - W||^2: the squared error of rounding `weights` to the grid
/// of `bits` bits (kMinWeightBits to kMaxWeightBits).
double getRoundingError(const LinearWeights &weights, unsigned bits);

} // namespace mlir::qc

#endif // QC_LIB_TRANSFORMS_WEIGHTQUANTIZATION_H
