//===- Reference.h - Independent reference arithmetic for tests -*- C++ -*-===//
//
// What QC's numerics compute, written a second time in a deliberately
// different way: rationals as exact 128-bit numerators and denominators,
// rounding as floor division plus an explicit comparison of the remainder
// with half the divisor, multipliers derived from a double's IEEE bits, and
// floating-point results through wider types. The tests compare the library
// against these definitions; sharing no code with it, a bug has to be made
// twice to go unnoticed.
//
//===----------------------------------------------------------------------===//

#ifndef QC_UNITTESTS_NUMERICS_REFERENCE_H
#define QC_UNITTESTS_NUMERICS_REFERENCE_H

#include "qc/Numerics/Numerics.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <ostream>
#include <random>

namespace qc::numerics {

/// Prints a Dyadic as {multiplier, shift}, for gtest and failure messages.
inline std::ostream &operator<<(std::ostream &os, const Dyadic &d) {
  return os << "{" << d.multiplier << ", " << d.shift << "}";
}

} // namespace qc::numerics

namespace qc::numerics::ref {

__extension__ typedef __int128 Int128;

inline constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();
inline constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();
inline constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

inline Int128 pow2(int exponent) { return Int128(1) << exponent; }

//===----------------------------------------------------------------------===//
// Exact rounding of rationals
//===----------------------------------------------------------------------===//

/// floor(n / d) for d > 0, from C++'s division that truncates toward zero.
inline Int128 floorDiv(Int128 n, Int128 d) {
  Int128 quotient = n / d;
  if (n % d != 0 && n < 0)
    --quotient;
  return quotient;
}

enum class Tie { TowardPositive, AwayFromZero, ToEven };

/// n / d (d > 0) rounded to the nearest integer. A tie is detected exactly,
/// as a remainder of precisely half the divisor, and resolved by `tie`.
inline Int128 roundDiv(Int128 n, Int128 d, Tie tie) {
  Int128 below = floorDiv(n, d);
  Int128 twiceRemainder = 2 * (n - below * d); // In [0, 2d).
  if (twiceRemainder < d)
    return below;
  if (twiceRemainder > d)
    return below + 1;
  switch (tie) {
  case Tie::TowardPositive:
    return below + 1;
  case Tie::AwayFromZero:
    return n > 0 ? below + 1 : below;
  case Tie::ToEven:
    return below % 2 == 0 ? below : below + 1;
  }
  __builtin_unreachable();
}

inline int64_t clampTo(Int128 value, int64_t lo, int64_t hi) {
  if (value < lo)
    return lo;
  if (value > hi)
    return hi;
  return static_cast<int64_t>(value);
}

inline int32_t saturateInt32(Int128 value) {
  return static_cast<int32_t>(clampTo(value, kInt32Min, kInt32Max));
}

//===----------------------------------------------------------------------===//
// Fixed point
//===----------------------------------------------------------------------===//

/// a * b / 2^31 to nearest, ties toward +inf (gemmlowp's nudge-and-truncate
/// and NEON vqrdmulh). INT32_MIN^2 / 2^31 = 2^31 is the one result the clamp
/// saturates, so no special case is needed.
inline int32_t srdhm(int32_t a, int32_t b) {
  return saturateInt32(roundDiv(Int128(a) * b, pow2(31), Tie::TowardPositive));
}

/// x / 2^exponent to nearest, ties away from zero.
inline int32_t roundingDivideByPOT(int32_t x, int exponent) {
  return static_cast<int32_t>(roundDiv(x, pow2(exponent), Tie::AwayFromZero));
}

/// TFLite's MultiplyByQuantizedMultiplier composed from the exact
/// primitives above, with QC's saturating left shift.
inline int32_t multiplyByQuantizedMultiplier(int32_t x, Dyadic d) {
  if (d.shift >= 31)
    return roundingDivideByPOT(srdhm(x, d.multiplier), d.shift - 31);
  return srdhm(saturateInt32(Int128(x) * pow2(31 - d.shift)), d.multiplier);
}

/// TOSA's apply_scale: floor((value * multiplier + round) / 2^shift), round =
/// 2^(shift-1) plus, for DOUBLE_ROUND with shift > 31, 2^30 signed like
/// value. `valueFits` is the REQUIRE on the value's own type.
inline std::optional<int32_t> tosaApplyScale(Int128 value, Int128 multiplier,
                                             int shift, bool doubleRound,
                                             bool valueFits) {
  if (!valueFits || multiplier < 0 || shift < 2 || shift > 62)
    return std::nullopt;
  Int128 round = pow2(shift - 1);
  if (doubleRound && shift > 31)
    round += value >= 0 ? pow2(30) : -pow2(30);
  Int128 result = floorDiv(value * multiplier + round, pow2(shift));
  if (result < kInt32Min || result > kInt32Max)
    return std::nullopt;
  return static_cast<int32_t>(result);
}

inline std::optional<int32_t> tosaApplyScale32(int32_t value,
                                               int32_t multiplier, int shift,
                                               bool doubleRound) {
  // -2^(shift-1) <= value < 2^(shift-1), doubled to stay in integers.
  bool valueInRange = shift >= 2 && shift <= 62 &&
                      2 * Int128(value) >= -pow2(shift) &&
                      2 * Int128(value) < pow2(shift);
  return tosaApplyScale(value, multiplier, shift, doubleRound, valueInRange);
}

inline std::optional<int32_t> tosaApplyScale16(int64_t value,
                                               int16_t multiplier, int shift) {
  bool isInt48 = value >= -pow2(47) && value < pow2(47);
  return tosaApplyScale(value, multiplier, shift, /*doubleRound=*/false,
                        isInt48);
}

/// qc.requant: every mode is a rounding of the exact rational
/// x * multiplier / 2^shift, except Gemmlowp, which is TFLite's pipeline.
inline int64_t requantize(int64_t value, Dyadic d, RequantRounding rounding,
                          int64_t inputZeroPoint, int64_t outputZeroPoint,
                          int64_t qmin, int64_t qmax) {
  Int128 x = Int128(value) - inputZeroPoint;
  Int128 numerator = x * d.multiplier;
  Int128 denominator = pow2(d.shift);
  Int128 rounded = 0;
  switch (rounding) {
  case RequantRounding::Gemmlowp:
    rounded = ref::multiplyByQuantizedMultiplier(saturateInt32(x), d);
    break;
  case RequantRounding::SingleRound:
  case RequantRounding::InexactRound:
    rounded = roundDiv(numerator, denominator, Tie::TowardPositive);
    break;
  case RequantRounding::DoubleRound:
    if (d.shift > 31)
      numerator += x >= 0 ? pow2(30) : -pow2(30);
    rounded = roundDiv(numerator, denominator, Tie::TowardPositive);
    break;
  case RequantRounding::HalfToEven:
    rounded = roundDiv(numerator, denominator, Tie::ToEven);
    break;
  }
  return clampTo(rounded + outputZeroPoint, qmin, qmax);
}

//===----------------------------------------------------------------------===//
// Dyadic multipliers
//===----------------------------------------------------------------------===//

/// A finite double m >= 0 as the exact product mantissa * 2^exponent,
/// read from its IEEE-754 fields.
struct ExactDouble {
  uint64_t mantissa;
  int exponent;
};

inline ExactDouble decompose(double m) {
  uint64_t bits = 0;
  std::memcpy(&bits, &m, sizeof(bits));
  const uint64_t fractionField = bits & ((uint64_t(1) << 52) - 1);
  const int exponentField = static_cast<int>((bits >> 52) & 0x7FF);
  if (exponentField == 0) // Subnormal: no implicit leading one.
    return {fractionField, -1074};
  return {fractionField | (uint64_t(1) << 52), exponentField - 1075};
}

inline int bitLength(uint64_t value) {
  int length = 0;
  for (; value != 0; value >>= 1)
    ++length;
  return length;
}

/// The q * 2^-shift nearest to m > 0 with q in [2^30, 2^31), ties to the
/// larger q; a q that rounds to 2^31 becomes 2^30 with shift - 1. Computed
/// from the bits alone: with L the bit length of m's integer mantissa M,
/// m * 2^shift = M * 2^(exponent + shift) is in [2^30, 2^31) exactly when
/// L - 1 + exponent + shift = 30, and then q = round(M * 2^(31 - L)).
inline Dyadic nearestQ31Dyadic(double m) {
  ExactDouble exact = decompose(m);
  const int length = bitLength(exact.mantissa);
  int shift = 31 - length - exact.exponent;
  Int128 q = length <= 31 ? Int128(exact.mantissa) * pow2(31 - length)
                          : roundDiv(exact.mantissa, pow2(length - 31),
                                     Tie::TowardPositive);
  if (q == pow2(31)) {
    q = pow2(30);
    --shift;
  }
  return {static_cast<int32_t>(q), shift};
}

/// The zero multiplier TFLite and HAWQ-V3 produce: q = 0, frexp exponent 0.
inline constexpr Dyadic kZeroMultiplier{0, 31};

inline bool isFiniteNonNegativeBelow2To31(double m) {
  return m >= 0 && m < 2147483648.0; // False for NaN.
}

inline std::optional<Dyadic> quantizeMultiplierGemmlowp(double m) {
  if (!(m > 0 && m < 1))
    return std::nullopt;
  Dyadic d = nearestQ31Dyadic(m);
  if (d.shift > kMaxShift)
    return std::nullopt;
  return d;
}

inline std::optional<Dyadic> quantizeMultiplier(double m) {
  if (!isFiniteNonNegativeBelow2To31(m))
    return std::nullopt;
  if (m == 0)
    return kZeroMultiplier;
  Dyadic d = nearestQ31Dyadic(m);
  if (d.shift < 0)
    return std::nullopt;
  return d.shift > kMaxShift ? kZeroMultiplier : d;
}

inline std::optional<Dyadic> quantizeMultiplierFrexp(double m) {
  if (!isFiniteNonNegativeBelow2To31(m))
    return std::nullopt;
  if (m == 0)
    return kZeroMultiplier;
  Dyadic d = nearestQ31Dyadic(m);
  if (d.shift < 0 || d.shift > kMaxShift)
    return std::nullopt;
  return d;
}

//===----------------------------------------------------------------------===//
// Float quantization
//===----------------------------------------------------------------------===//

/// ONNX QuantizeLinear. The float32 quotient is taken as the double quotient
/// rounded to float: double carries more than 2 * 24 + 2 bits, so that double
/// rounding is the correctly rounded float32 quotient. The integer rounding
/// uses std::nearbyint (the tests run in the default round-to-nearest-even
/// mode) and std::round.
inline int32_t quantize(float x, float scale, int32_t zeroPoint, int32_t qmin,
                        int32_t qmax, FloatRounding rounding) {
  const auto quotient =
      static_cast<float>(static_cast<double>(x) / static_cast<double>(scale));
  if (std::isnan(quotient))
    return static_cast<int32_t>(clampTo(zeroPoint, qmin, qmax));
  const double integral = rounding == FloatRounding::HalfToEven
                              ? std::nearbyint(static_cast<double>(quotient))
                              : std::round(static_cast<double>(quotient));
  // Past 2^62 (infinities included) the result saturates whatever the zero
  // point; below, int64 holds the integral value exactly.
  if (std::fabs(integral) >= 0x1p62)
    return integral > 0 ? qmax : qmin;
  return static_cast<int32_t>(
      clampTo(Int128(static_cast<int64_t>(integral)) + zeroPoint, qmin, qmax));
}

/// ONNX DequantizeLinear: the int32 difference is exact in double; the
/// product of two floats is exact in double (48 significant bits), so
/// converting it to float rounds once, as a float multiply does.
inline float dequantize(int32_t q, float scale, int32_t zeroPoint) {
  const auto centered = static_cast<float>(double(q) - double(zeroPoint));
  return static_cast<float>(double(centered) * double(scale));
}

//===----------------------------------------------------------------------===//
// Random inputs
//===----------------------------------------------------------------------===//

/// Random test inputs from a fixed seed. Integers get a random width first,
/// so that small magnitudes and values near every power of two, the extremes
/// included, are all common, unlike with uniform draws.
class Inputs {
public:
  static constexpr uint64_t kSeed = 0x5143'4e75'6d65'7269; // "QCNumeri"

  explicit Inputs(uint64_t seed = kSeed) : engine(seed) {}

  uint64_t bits64() { return engine(); }

  /// Uniform in [lo, hi].
  int64_t uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(engine);
  }

  bool coin() { return (engine() & 1) != 0; }

  /// A signed integer that fits maxBits bits: a width w uniform in
  /// [0, maxBits - 1], a magnitude uniform below 2^w and a random sign.
  int64_t spread(int maxBits) {
    const int magnitudeBits = static_cast<int>(uniform(0, maxBits - 1));
    const uint64_t magnitude =
        magnitudeBits == 0 ? 0 : engine() >> (64 - magnitudeBits);
    // -magnitude - 1 reaches the most negative value of the width.
    return coin() ? static_cast<int64_t>(magnitude)
                  : -static_cast<int64_t>(magnitude) - 1;
  }

  int32_t int32() { return static_cast<int32_t>(spread(32)); }
  int64_t int64() { return spread(64); }

  /// A double with uniformly random 52 fraction bits in [2^e, 2^(e+1)),
  /// e uniform in [minExponent, maxExponent].
  double positiveDouble(int minExponent, int maxExponent) {
    const int exponent = static_cast<int>(uniform(minExponent, maxExponent));
    const double fraction =
        1.0 + std::ldexp(static_cast<double>(engine() >> 12), -52);
    return std::ldexp(fraction, exponent);
  }

  /// Any double, NaNs, infinities and subnormals included.
  double anyDouble() {
    const uint64_t bits = engine();
    double value = 0;
    std::memcpy(&value, &bits, sizeof(value));
    return value;
  }

  /// Any float, NaNs, infinities and subnormals included.
  float anyFloat() {
    const auto bits = static_cast<uint32_t>(engine());
    float value = 0;
    std::memcpy(&value, &bits, sizeof(value));
    return value;
  }

private:
  std::mt19937_64 engine;
};

} // namespace qc::numerics::ref

#endif // QC_UNITTESTS_NUMERICS_REFERENCE_H
