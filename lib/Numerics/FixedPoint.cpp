//===- FixedPoint.cpp - Fixed-point requantization primitives -------------===//
//
// gemmlowp's fixed-point primitives, TOSA's apply_scale_32/16 and qc.requant.
// Everything is computed on exact 64- or 128-bit products; the only
// truncations are the ones each convention defines.
//
//===----------------------------------------------------------------------===//

#include "qc/Numerics/Numerics.h"

#include <algorithm>
#include <cassert>
#include <limits>

using namespace qc::numerics;

namespace {

// 128 bits hold every intermediate: |value - inputZeroPoint| < 2^64 times
// |multiplier| <= 2^31. __extension__ keeps -pedantic quiet about __int128.
__extension__ typedef __int128 Int128;

constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();

/// The multiplier of a Dyadic is a Q0.31 fixed-point number, so a doubling
/// high multiply divides by 2^31 and rounds by adding half of that, 2^30.
constexpr int kQ31FractionBits = 31;
constexpr int64_t kQ31One = int64_t(1) << kQ31FractionBits;
constexpr int64_t kQ31Half = kQ31One / 2;

/// RoundingDivideByPOT shifts an int32, so by at most 31.
[[maybe_unused]] constexpr int kMaxPOTExponent = 31;

/// TOSA rescale shifts: at least 2, at most kMaxShift.
constexpr int32_t kTosaMinShift = 2;

/// DOUBLE_ROUND adds an extra +-2^30 for shifts above 31, reproducing the
/// rounding step of gemmlowp's doubling high multiply.
constexpr int kDoubleRoundMinShift = kQ31FractionBits + 1;

/// apply_scale_16 takes a 48-bit accumulator.
constexpr int kInt48Bits = 48;
constexpr int64_t kInt48Min = -(int64_t(1) << (kInt48Bits - 1));
constexpr int64_t kInt48Max = (int64_t(1) << (kInt48Bits - 1)) - 1;

Int128 pow2(int exponent) { return Int128(1) << exponent; }

int32_t saturateToInt32(Int128 value) {
  return static_cast<int32_t>(std::clamp<Int128>(value, kInt32Min, kInt32Max));
}

bool fitsInt32(Int128 value) {
  return value >= kInt32Min && value <= kInt32Max;
}

/// floor(value / 2^shift). GCC and Clang define >> on negative values as an
/// arithmetic shift (C++20 requires it), which is exactly the floor.
Int128 floorShiftRight(Int128 value, int shift) { return value >> shift; }

/// TOSA's rounding of value * multiplier / 2^shift: floor((product + round) /
/// 2^shift) with round = 2^(shift-1), plus +-2^30 for DOUBLE_ROUND when
/// shift > 31 (the sign is the sign of value). Shift 0 is exact.
Int128 tosaRoundingShift(Int128 value, Int128 multiplier, int shift,
                         bool doubleRound) {
  Int128 round = shift > 0 ? pow2(shift - 1) : 0;
  if (doubleRound && shift >= kDoubleRoundMinShift)
    round += value >= 0 ? kQ31Half : -kQ31Half;
  return floorShiftRight(value * multiplier + round, shift);
}

/// product / 2^shift rounded to nearest, ties to even.
Int128 roundHalfToEvenShift(Int128 product, int shift) {
  if (shift == 0)
    return product;
  Int128 quotient = floorShiftRight(product, shift);
  Int128 remainder = product - quotient * pow2(shift); // In [0, 2^shift).
  Int128 half = pow2(shift - 1);
  bool roundUp = remainder > half || (remainder == half && (quotient & 1) != 0);
  return quotient + (roundUp ? 1 : 0);
}

/// value * d.multiplier / 2^d.shift rounded as `rounding` defines, before
/// the output zero point and clamp.
Int128 scaleAndRound(Int128 value, Dyadic d, RequantRounding rounding) {
  switch (rounding) {
  case RequantRounding::Gemmlowp:
    return multiplyByQuantizedMultiplier(saturateToInt32(value), d);
  case RequantRounding::SingleRound:
  case RequantRounding::InexactRound:
    return tosaRoundingShift(value, d.multiplier, d.shift,
                             /*doubleRound=*/false);
  case RequantRounding::DoubleRound:
    return tosaRoundingShift(value, d.multiplier, d.shift,
                             /*doubleRound=*/true);
  case RequantRounding::HalfToEven:
    return roundHalfToEvenShift(value * d.multiplier, d.shift);
  }
  __builtin_unreachable(); // Every enumerator returns above.
}

bool isValidTosaShift(int32_t shift) {
  return shift >= kTosaMinShift && shift <= kMaxShift;
}

} // namespace

int32_t qc::numerics::saturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  // The only product whose doubled high half leaves int32: (-1) * (-1) in
  // Q0.31 is +1.
  if (a == kInt32Min && b == kInt32Min)
    return kInt32Max;
  int64_t product = int64_t(a) * b;
  // gemmlowp nudges negative products by 1 - 2^30 and divides truncating
  // toward zero, which equals floor((product + 2^30) / 2^31) for every sign:
  // ties round toward +inf, as NEON's vqrdmulh does.
  int64_t nudge = product >= 0 ? kQ31Half : 1 - kQ31Half;
  return static_cast<int32_t>((product + nudge) / kQ31One);
}

int32_t qc::numerics::roundingDivideByPOT(int32_t x, int exponent) {
  assert(exponent >= 0 && exponent <= kMaxPOTExponent &&
         "exponent out of range");
  // Ties away from zero: round up when the discarded bits x mod 2^exponent
  // exceed half, or equal half for non-negative x.
  const int32_t mask = static_cast<int32_t>((int64_t(1) << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t qc::numerics::multiplyByQuantizedMultiplier(int32_t x, Dyadic d) {
  assert(d.shift >= 0 && d.shift <= kMaxShift && "shift out of range");
  if (d.shift >= kQ31FractionBits)
    return roundingDivideByPOT(
        saturatingRoundingDoublingHighMul(x, d.multiplier),
        d.shift - kQ31FractionBits);
  // A multiplier of 1 or more shifts left first; |x| * 2^31 fits 64 bits.
  int64_t shifted = int64_t(x) * (int64_t(1) << (kQ31FractionBits - d.shift));
  return saturatingRoundingDoublingHighMul(saturateToInt32(shifted),
                                           d.multiplier);
}

std::optional<int32_t> qc::numerics::tosaApplyScale32(int32_t value,
                                                      int32_t multiplier,
                                                      int32_t shift,
                                                      TosaRounding rounding) {
  if (multiplier < 0 || !isValidTosaShift(shift))
    return std::nullopt;
  // -2^(shift-1) <= value < 2^(shift-1); always true from shift 32 on.
  Int128 valueBound = pow2(shift - 1);
  if (value < -valueBound || value >= valueBound)
    return std::nullopt;
  Int128 result = tosaRoundingShift(value, multiplier, shift,
                                    rounding == TosaRounding::Double);
  // The value REQUIRE already bounds |result| by about 2^30; the spec checks
  // anyway, and so does QC.
  if (!fitsInt32(result))
    return std::nullopt;
  return static_cast<int32_t>(result);
}

std::optional<int32_t> qc::numerics::tosaApplyScale16(int64_t value,
                                                      int16_t multiplier,
                                                      int32_t shift) {
  if (value < kInt48Min || value > kInt48Max || multiplier < 0 ||
      !isValidTosaShift(shift))
    return std::nullopt;
  Int128 result =
      tosaRoundingShift(value, multiplier, shift, /*doubleRound=*/false);
  if (!fitsInt32(result))
    return std::nullopt;
  return static_cast<int32_t>(result);
}

int64_t qc::numerics::requantize(int64_t value, Dyadic d,
                                 RequantRounding rounding,
                                 int64_t inputZeroPoint,
                                 int64_t outputZeroPoint, int64_t qmin,
                                 int64_t qmax) {
  assert(d.shift >= 0 && d.shift <= kMaxShift && "shift out of range");
  assert(qmin <= qmax && "empty output range");
  Int128 centered = Int128(value) - inputZeroPoint;
  Int128 result = scaleAndRound(centered, d, rounding) + outputZeroPoint;
  return static_cast<int64_t>(std::clamp<Int128>(result, qmin, qmax));
}
