//===- WeightQuantization.cpp - The grid of a linear op's weights ---------===//

#include "WeightQuantization.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include "qc/Numerics/Numerics.h"

#include <cassert>
#include <cmath>

using namespace mlir;
using namespace mlir::qc;
namespace numerics = ::qc::numerics;

/// The scale of an all-zero channel, whose integers are all 0 anyway.
static constexpr double kZeroChannelScale = 1.0;

int64_t mlir::qc::getSymmetricBound(unsigned bits) {
  return (int64_t{1} << (bits - 1)) - 1;
}

/// max|w| / qmax per output channel and group, rounded to f32 as the
/// quantized type stores it.
static SmallVector<double> getScales(const LinearWeights &weights,
                                     const QuantizedWeights &layout,
                                     int64_t qmax) {
  SmallVector<double> absMax(
      weights.getNumOutputChannels() * layout.groupsPerChannel, 0.0);
  for (auto [linear, value] : llvm::enumerate(weights.weights.values)) {
    double &bound = absMax[layout.scaleIndexOf(weights, linear)];
    bound = std::max(bound, static_cast<double>(std::fabs(value)));
  }
  SmallVector<double> scales;
  for (double bound : absMax)
    scales.push_back(bound > 0.0 ? static_cast<float>(bound / qmax)
                                 : kZeroChannelScale);
  return scales;
}

/// Input channels of a convolution or matmul weight: OHWI's I, B's K.
static std::optional<int64_t> getNumInputChannels(const LinearWeights &weights) {
  ArrayRef<int64_t> shape = weights.weights.shape;
  if (isa<tosa::Conv2DOp>(weights.op))
    return shape[3];
  if (isa<tosa::MatMulOp>(weights.op))
    return shape[1];
  return std::nullopt;
}

bool mlir::qc::canQuantizePerGroup(const LinearWeights &weights,
                                   int64_t groupSize) {
  std::optional<int64_t> channels = getNumInputChannels(weights);
  return groupSize > 0 && channels && *channels > groupSize &&
         *channels % groupSize == 0;
}

/// round_half_even(w / s) clamped into [-qmax, qmax].
static int32_t roundToGrid(float value, double scale, int64_t qmax) {
  return numerics::quantize(value, static_cast<float>(scale), 0,
                            static_cast<int32_t>(-qmax),
                            static_cast<int32_t>(qmax));
}

QuantizedWeights mlir::qc::quantizeWeights(const LinearWeights &weights,
                                           unsigned bits, int64_t groupSize) {
  assert(bits >= kMinWeightBits && bits <= kMaxWeightBits &&
         "weights are stored in int8");
  assert((groupSize == 0 || canQuantizePerGroup(weights, groupSize)) &&
         "input channels do not split into groups");
  int64_t qmax = getSymmetricBound(bits);
  QuantizedWeights result;
  if (groupSize) {
    result.groupSize = groupSize;
    result.groupsPerChannel = *getNumInputChannels(weights) / groupSize;
  }
  result.scales = getScales(weights, result, qmax);
  result.values.reserve(weights.weights.values.size());
  for (auto [linear, value] : llvm::enumerate(weights.weights.values))
    result.values.push_back(static_cast<int8_t>(roundToGrid(
        value, result.scales[result.scaleIndexOf(weights, linear)], qmax)));
  return result;
}

double mlir::qc::getRoundingError(const LinearWeights &weights,
                                  unsigned bits) {
  QuantizedWeights quantized = quantizeWeights(weights, bits);
  double error = 0.0;
  for (auto [linear, value] : llvm::enumerate(weights.weights.values)) {
    double difference = quantized.dequantized(weights, linear) - value;
    error += difference * difference;
  }
  return error;
}
