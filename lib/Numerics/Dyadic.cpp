//===- Dyadic.cpp - Dyadic approximation of real multipliers --------------===//
//
// Turns a real requantization multiplier m into q * 2^-shift with a 31-bit
// mantissa q in [2^30, 2^31), the way gemmlowp, TFLite and HAWQ-V3 do. The
// three conventions agree on the mantissa and differ only in which inputs they
// accept and in what they do with multipliers too small for the shift range.
//
//===----------------------------------------------------------------------===//

#include "qc/Numerics/Numerics.h"

#include <cmath>

using namespace qc::numerics;

namespace {

/// Fractional bits of the Q0.31 mantissa: q = round(f * 2^31) for f in
/// [0.5, 1), so q lies in [2^30, 2^31], and 2^31 itself does not fit int32.
constexpr int kMantissaBits = 31;
constexpr int64_t kMantissaOverflow = int64_t(1) << kMantissaBits;
constexpr double kMantissaScale = static_cast<double>(kMantissaOverflow);

/// Multipliers must stay below 2^31: a larger one needs a negative shift.
constexpr double kMultiplierLimit = kMantissaScale;

/// TFLite and HAWQ-V3 both encode a zero multiplier as mantissa 0 with
/// frexp exponent 0, i.e. shift 31.
constexpr Dyadic kZeroMultiplier{0, kMantissaBits};

/// The nearest q * 2^-shift to m > 0 with q in [2^30, 2^31). For tiny m the
/// shift exceeds every bound QC accepts (it stays below 1200, so it fits);
/// the callers apply their own bounds.
Dyadic normalize(double m) {
  int exponent = 0;
  double fraction = std::frexp(m, &exponent); // m = fraction * 2^exponent.
  // fraction * 2^31 is exact (a power-of-two scaling of a normal double), so
  // std::round rounds the exact value once. For positive values gemmlowp's and
  // TFLite's ties-away-from-zero and HAWQ-V3's round_half_up coincide.
  auto mantissa = static_cast<int64_t>(std::round(fraction * kMantissaScale));
  // Rounding up to 2^31 leaves int32: 2^30 * 2^-(shift-1) is the same value.
  if (mantissa == kMantissaOverflow) {
    mantissa /= 2;
    ++exponent;
  }
  return {static_cast<int32_t>(mantissa), kMantissaBits - exponent};
}

/// True for 0 <= m < 2^31 (false for NaN).
bool isInMultiplierRange(double m) { return m >= 0 && m < kMultiplierLimit; }

} // namespace

double Dyadic::toDouble() const { return std::ldexp(multiplier, -shift); }

std::optional<Dyadic> qc::numerics::quantizeMultiplierGemmlowp(double m) {
  if (!(m > 0 && m < 1))
    return std::nullopt;
  // gemmlowp doubles m into [0.5, 1) counting the doublings n; frexp yields
  // the same fraction with exponent -n, so the shift 31 + n is 31 - exponent.
  Dyadic d = normalize(m);
  if (d.shift > kMaxShift)
    return std::nullopt;
  return d;
}

std::optional<Dyadic> qc::numerics::quantizeMultiplier(double m) {
  if (!isInMultiplierRange(m))
    return std::nullopt;
  if (m == 0)
    return kZeroMultiplier;
  Dyadic d = normalize(m);
  // TFLite flushes exponents below -31 (shifts above 62) to zero rather than
  // shifting every bit out.
  if (d.shift > kMaxShift)
    return kZeroMultiplier;
  // The doubles just below 2^31 round to 2^31 itself (shift -1).
  if (d.shift < 0)
    return std::nullopt;
  return d;
}

std::optional<Dyadic> qc::numerics::quantizeMultiplierFrexp(double m) {
  if (!isInMultiplierRange(m))
    return std::nullopt;
  if (m == 0)
    return kZeroMultiplier;
  Dyadic d = normalize(m);
  if (d.shift < 0 || d.shift > kMaxShift)
    return std::nullopt;
  return d;
}
