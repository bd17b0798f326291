//===- Quantize.cpp - Float <-> integer quantization ----------------------===//
//
// ONNX QuantizeLinear / DequantizeLinear on scalars, and the storage ranges of
// integer types. The rounding does not depend on the floating-point
// environment's rounding mode, so a constant folder and a runtime agree.
//
//===----------------------------------------------------------------------===//

#include "qc/Numerics/Numerics.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

using namespace qc::numerics;

namespace {

/// The nearest integer to a finite y, ties to even, whatever the current
/// rounding mode: the IEEE remainder r = y - n takes n as y rounded half to
/// even and is exact, so y - r is exactly n.
float roundHalfToEven(float y) { return y - std::remainder(y, 1.0f); }

float roundToIntegral(float y, FloatRounding rounding) {
  switch (rounding) {
  case FloatRounding::HalfToEven:
    return roundHalfToEven(y);
  case FloatRounding::HalfAwayFromZero:
    return std::round(y);
  }
  __builtin_unreachable(); // Every enumerator returns above.
}

/// 2^(bits - 1) and 2^bits for 1 <= bits <= 32.
int64_t halfSpan(unsigned bits) { return int64_t(1) << (bits - 1); }
int64_t span(unsigned bits) { return int64_t(1) << bits; }

} // namespace

int32_t qc::numerics::quantize(float x, float scale, int32_t zeroPoint,
                               int32_t qmin, int32_t qmax,
                               FloatRounding rounding) {
  assert(scale > 0 && "scale must be positive");
  assert(qmin <= qmax && "empty output range");
  const float scaled = x / scale;
  if (std::isnan(scaled))
    return std::clamp(zeroPoint, qmin, qmax);
  if (std::isinf(scaled))
    return scaled > 0 ? qmax : qmin;
  // In double the sum is exact while it is anywhere near [qmin, qmax]; far
  // outside, its rounding cannot move it across a bound.
  const double shifted = double(roundToIntegral(scaled, rounding)) + zeroPoint;
  if (shifted <= qmin)
    return qmin;
  if (shifted >= qmax)
    return qmax;
  return static_cast<int32_t>(shifted);
}

float qc::numerics::dequantize(int32_t q, float scale, int32_t zeroPoint) {
  // The difference is formed exactly and rounded to float once.
  const auto centered = static_cast<float>(int64_t(q) - zeroPoint);
  return centered * scale;
}

IntRange qc::numerics::storageRange(unsigned bits, bool isSigned,
                                    bool narrowRange) {
  assert(bits >= 1 && bits <= 32 && "unsupported bit width");
  IntRange range = isSigned ? IntRange{-halfSpan(bits), halfSpan(bits) - 1}
                            : IntRange{0, span(bits) - 1};
  // Narrow range drops the lowest value, making signed ranges symmetric.
  if (narrowRange)
    ++range.min;
  return range;
}

/// The smallest scale that puts `bound` (>= 0) within `steps` grid steps:
/// 0 for a zero bound, infinite when there are no steps for a non-zero one.
static double scaleForSteps(double bound, int64_t steps) {
  if (bound == 0.0)
    return 0.0;
  if (steps == 0)
    return std::numeric_limits<double>::infinity();
  return bound / static_cast<double>(steps);
}

qc::numerics::SharedZeroPointScales
qc::numerics::chooseSharedZeroPoint(const std::vector<double> &lo,
                                    const std::vector<double> &hi,
                                    IntRange range) {
  assert(lo.size() == hi.size() && range.min < range.max &&
         "mismatched channel ranges or empty storage range");
  auto scalesAt = [&](int64_t zeroPoint) {
    std::vector<double> scales;
    scales.reserve(lo.size());
    for (size_t channel = 0; channel < lo.size(); ++channel)
      scales.push_back(std::max(
          scaleForSteps(std::max(hi[channel], 0.0), range.max - zeroPoint),
          scaleForSteps(-std::min(lo[channel], 0.0), zeroPoint - range.min)));
    return scales;
  };
  auto noisePower = [](const std::vector<double> &scales) {
    double sum = 0.0;
    for (double scale : scales)
      sum += scale * scale;
    return sum;
  };
  SharedZeroPointScales best{range.min, scalesAt(range.min)};
  double bestPower = noisePower(best.scales);
  for (int64_t zeroPoint = range.min + 1; zeroPoint <= range.max; ++zeroPoint) {
    std::vector<double> scales = scalesAt(zeroPoint);
    double power = noisePower(scales);
    if (power < bestPower) {
      best = {zeroPoint, std::move(scales)};
      bestPower = power;
    }
  }
  return best;
}
