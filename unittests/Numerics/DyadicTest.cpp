//===- DyadicTest.cpp - Tests for dyadic multiplier approximation ---------===//
//
// Compares the three multiplier conventions with ref::nearestQ31Dyadic, which
// derives the nearest 31-bit dyadic from a double's IEEE fields with integer
// arithmetic, and checks every result against long double error bounds too.
//
//===----------------------------------------------------------------------===//

#include "Reference.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <vector>

namespace {

using namespace qc::numerics;
using ref::kInt32Max;

constexpr int kRandomCases = 1 << 22;
constexpr int32_t k2To30 = 1 << 30;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double k2To31 = 2147483648.0;

/// The largest double below x.
double below(double x) { return std::nextafter(x, -kInf); }

/// Asserts the contract every non-zero result shares: q in [2^30, 2^31) and
/// q * 2^-s the nearest such dyadic to m, ties to the larger q (so the error
/// m * 2^s - q may be -1/2 but not +1/2). Checked in long double, where
/// m * 2^s and its distance to q are exact.
void expectNearestQ31(double m, Dyadic d) {
  EXPECT_GE(d.multiplier, k2To30) << "m = " << m;
  long double error =
      std::ldexp(static_cast<long double>(m), d.shift) - d.multiplier;
  EXPECT_GE(error, -0.5L) << "m = " << m << " -> " << d;
  EXPECT_LT(error, 0.5L) << "m = " << m << " -> " << d;
}

/// Multipliers that exercise every branch: zero, the bounds of (0, 1), the
/// flush and overflow thresholds, ties of the 31-bit mantissa, subnormals,
/// and inputs every convention rejects.
std::vector<double> edgeMultipliers() {
  std::vector<double> edges = {0.0,
                               -0.0,
                               0.5,
                               below(0.5),
                               0.25,
                               below(1.0),
                               1.0,
                               1.5,
                               below(k2To31),
                               k2To31,
                               k2To31 - 1,
                               std::ldexp(1.0, -32),
                               below(std::ldexp(1.0, -32)),
                               std::ldexp(1.0, -33),
                               std::ldexp(1.0, -32) - std::ldexp(1.0, -62),
                               0.5 + std::ldexp(1.0, -32),
                               0.5 + std::ldexp(1.0, -33),
                               std::numeric_limits<double>::denorm_min(),
                               std::numeric_limits<double>::min(),
                               std::numeric_limits<double>::max(),
                               -1e-300,
                               -0.5,
                               kInf,
                               -kInf,
                               kNaN,
                               -kNaN};
  // Mantissa ties: (2^30 + k + 1/2) * 2^-31 for a few k, at several scales.
  for (int k : {0, 1, 2, 12345, k2To30 - 1})
    for (int scale : {-40, -10, 0, 10, 30})
      edges.push_back(std::ldexp(k2To30 + k + 0.5, scale - 31));
  return edges;
}

/// Cycles through three kinds of multipliers: log-uniform over the range that
/// matters (the flush threshold to beyond 2^31), arbitrary bit patterns, and
/// exact ties (2^30 + k + 1/2) * 2^-shift of the 31-bit mantissa.
double randomMultiplier(ref::Inputs &inputs, int i) {
  switch (i % 3) {
  case 0:
    return inputs.positiveDouble(-70, 32);
  case 1:
    return inputs.anyDouble();
  default:
    return std::ldexp(
        static_cast<double>(k2To30 + inputs.uniform(0, k2To30 - 1)) + 0.5,
        static_cast<int>(inputs.uniform(-70, 31)) - 31);
  }
}

//===----------------------------------------------------------------------===//
// Dyadic::toDouble
//===----------------------------------------------------------------------===//

TEST(DyadicTest, ToDoubleHandDerived) {
  EXPECT_EQ((Dyadic{1, 0}.toDouble()), 1.0);
  EXPECT_EQ((Dyadic{3, 1}.toDouble()), 1.5);
  EXPECT_EQ((Dyadic{-5, 2}.toDouble()), -1.25);
  EXPECT_EQ((Dyadic{k2To30, 31}.toDouble()), 0.5);
  EXPECT_EQ((Dyadic{1, -3}.toDouble()), 8.0);
  EXPECT_EQ((Dyadic{0, 31}.toDouble()), 0.0);
  // (2^31 - 1) * 2^-62 = 2^-31 - 2^-62.
  EXPECT_EQ((Dyadic{kInt32Max, 62}.toDouble()),
            std::ldexp(1.0, -31) - std::ldexp(1.0, -62));
}

TEST(DyadicTest, ToDoubleMatchesRepeatedHalving) {
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases; ++i) {
    Dyadic d{inputs.int32(), static_cast<int32_t>(inputs.uniform(-64, 100))};
    // 2^-shift by repeated exact halving or doubling; a 31-bit multiplier
    // times a power of two in the normal range is exact in double.
    double power = 1.0;
    for (int s = 0; s < d.shift; ++s)
      power /= 2;
    for (int s = 0; s > d.shift; --s)
      power *= 2;
    ASSERT_EQ(d.toDouble(), d.multiplier * power) << d;
  }
}

TEST(DyadicTest, Equality) {
  EXPECT_TRUE((Dyadic{5, 3} == Dyadic{5, 3}));
  EXPECT_FALSE((Dyadic{5, 3} == Dyadic{5, 4}));
  EXPECT_FALSE((Dyadic{5, 3} == Dyadic{6, 3}));
  // Equality is structural: {1, 0} and {2, 1} are the same real number.
  EXPECT_FALSE((Dyadic{1, 0} == Dyadic{2, 1}));
}

//===----------------------------------------------------------------------===//
// quantizeMultiplierGemmlowp
//===----------------------------------------------------------------------===//

TEST(QuantizeMultiplierGemmlowpTest, HandDerived) {
  // 0.5 = 2^30 * 2^-31: already in [0.5, 1), n = 0.
  EXPECT_EQ(quantizeMultiplierGemmlowp(0.5), (Dyadic{k2To30, 31}));
  // 0.75 * 2^31 = 3 * 2^29.
  EXPECT_EQ(quantizeMultiplierGemmlowp(0.75), (Dyadic{3 << 29, 31}));
  // 0.25 doubles once: n = 1.
  EXPECT_EQ(quantizeMultiplierGemmlowp(0.25), (Dyadic{k2To30, 32}));
  // (0.5 + 2^-32) * 2^31 = 2^30 + 1/2, a tie rounded away from zero.
  EXPECT_EQ(quantizeMultiplierGemmlowp(0.5 + std::ldexp(1.0, -32)),
            (Dyadic{k2To30 + 1, 31}));
  // (1 - 2^-53) * 2^31 rounds to 2^31: halved to 2^30 with n = -1.
  EXPECT_EQ(quantizeMultiplierGemmlowp(below(1.0)), (Dyadic{k2To30, 30}));
  // 2^-32 needs n = 31, shift 62, the largest allowed.
  EXPECT_EQ(quantizeMultiplierGemmlowp(std::ldexp(1.0, -32)),
            (Dyadic{k2To30, 62}));
  // Just below 2^-32 the mantissa rounds up to 2^31, bringing n back to 31.
  EXPECT_EQ(quantizeMultiplierGemmlowp(below(std::ldexp(1.0, -32))),
            (Dyadic{k2To30, 62}));
  // 2^-33 would need shift 63.
  EXPECT_EQ(quantizeMultiplierGemmlowp(std::ldexp(1.0, -33)), std::nullopt);
}

TEST(QuantizeMultiplierGemmlowpTest, RejectsOutsideOpenUnitInterval) {
  for (double m : {0.0, -0.0, 1.0, 1.5, -0.5, kInf, -kInf, kNaN})
    EXPECT_EQ(quantizeMultiplierGemmlowp(m), std::nullopt) << m;
}

TEST(QuantizeMultiplierGemmlowpTest, MatchesReference) {
  for (double m : edgeMultipliers())
    EXPECT_EQ(quantizeMultiplierGemmlowp(m), ref::quantizeMultiplierGemmlowp(m))
        << m;
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases; ++i) {
    // Below 1 (down to past the shift limit) or any multiplier at all.
    double m = i % 2 ? inputs.positiveDouble(-40, -1)
                     : randomMultiplier(inputs, i / 2);
    std::optional<Dyadic> d = quantizeMultiplierGemmlowp(m);
    ASSERT_EQ(d, ref::quantizeMultiplierGemmlowp(m)) << m;
    if (d)
      expectNearestQ31(m, *d);
  }
}

//===----------------------------------------------------------------------===//
// quantizeMultiplier (TFLite)
//===----------------------------------------------------------------------===//

TEST(QuantizeMultiplierTest, HandDerived) {
  // Zero is q = 0 with frexp exponent 0, i.e. shift 31.
  EXPECT_EQ(quantizeMultiplier(0.0), (Dyadic{0, 31}));
  EXPECT_EQ(quantizeMultiplier(-0.0), (Dyadic{0, 31}));
  // frexp(1) = (0.5, 1): q = 2^30, shift 31 - 1.
  EXPECT_EQ(quantizeMultiplier(1.0), (Dyadic{k2To30, 30}));
  // frexp(1.5) = (0.75, 1).
  EXPECT_EQ(quantizeMultiplier(1.5), (Dyadic{3 << 29, 30}));
  // frexp(2^31 - 1) = ((2^31 - 1) / 2^31, 31): q = 2^31 - 1, shift 0.
  EXPECT_EQ(quantizeMultiplier(k2To31 - 1), (Dyadic{kInt32Max, 0}));
  // 2^-32 is frexp exponent -31, the smallest kept.
  EXPECT_EQ(quantizeMultiplier(std::ldexp(1.0, -32)), (Dyadic{k2To30, 62}));
  // Below 2^-32 by one ulp: (1 - 2^-53) * 2^-32 rounds up to q = 2^31, whose
  // fix brings the exponent back to -31, so it is kept.
  EXPECT_EQ(quantizeMultiplier(below(std::ldexp(1.0, -32))),
            (Dyadic{k2To30, 62}));
  // 2^-32 - 2^-62 = (1 - 2^-30) * 2^-32: q = 2^31 - 2 with exponent -32,
  // flushed to zero.
  EXPECT_EQ(quantizeMultiplier(std::ldexp(1.0, -32) - std::ldexp(1.0, -62)),
            (Dyadic{0, 31}));
  EXPECT_EQ(quantizeMultiplier(std::ldexp(1.0, -33)), (Dyadic{0, 31}));
  EXPECT_EQ(quantizeMultiplier(std::numeric_limits<double>::denorm_min()),
            (Dyadic{0, 31}));
}

TEST(QuantizeMultiplierTest, RejectsInvalidAndTooLarge) {
  // The largest double below 2^31 rounds to q = 2^31 at exponent 31; its fix
  // would need shift -1, so it is rejected with 2^31 itself.
  for (double m :
       {below(k2To31), k2To31, 1e300, kInf, -kInf, kNaN, -kNaN, -1e-300, -1.0})
    EXPECT_EQ(quantizeMultiplier(m), std::nullopt) << m;
}

TEST(QuantizeMultiplierTest, MatchesReference) {
  for (double m : edgeMultipliers())
    EXPECT_EQ(quantizeMultiplier(m), ref::quantizeMultiplier(m)) << m;
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases; ++i) {
    double m = randomMultiplier(inputs, i);
    std::optional<Dyadic> d = quantizeMultiplier(m);
    ASSERT_EQ(d, ref::quantizeMultiplier(m)) << m;
    if (d && d->multiplier != 0)
      expectNearestQ31(m, *d);
  }
}

//===----------------------------------------------------------------------===//
// quantizeMultiplierFrexp (HAWQ-V3)
//===----------------------------------------------------------------------===//

TEST(QuantizeMultiplierFrexpTest, HandDerived) {
  EXPECT_EQ(quantizeMultiplierFrexp(0.0), (Dyadic{0, 31}));
  EXPECT_EQ(quantizeMultiplierFrexp(1.0), (Dyadic{k2To30, 30}));
  // round_half_up((0.5 + 2^-32) * 2^31) = round_half_up(2^30 + 1/2).
  EXPECT_EQ(quantizeMultiplierFrexp(0.5 + std::ldexp(1.0, -32)),
            (Dyadic{k2To30 + 1, 31}));
  // b = 2^31 after rounding: {2^30, c - 1} = {2^30, 30}.
  EXPECT_EQ(quantizeMultiplierFrexp(below(1.0)), (Dyadic{k2To30, 30}));
  EXPECT_EQ(quantizeMultiplierFrexp(std::ldexp(1.0, -32)),
            (Dyadic{k2To30, 62}));
  // Unlike TFLite, a multiplier below the shift range is an error, not zero.
  EXPECT_EQ(quantizeMultiplierFrexp(std::ldexp(1.0, -33)), std::nullopt);
  EXPECT_EQ(quantizeMultiplierFrexp(std::numeric_limits<double>::denorm_min()),
            std::nullopt);
  for (double m : {below(k2To31), k2To31, kInf, kNaN, -0.5})
    EXPECT_EQ(quantizeMultiplierFrexp(m), std::nullopt) << m;
}

TEST(QuantizeMultiplierFrexpTest, MatchesReference) {
  for (double m : edgeMultipliers())
    EXPECT_EQ(quantizeMultiplierFrexp(m), ref::quantizeMultiplierFrexp(m)) << m;
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases; ++i) {
    double m = randomMultiplier(inputs, i);
    std::optional<Dyadic> d = quantizeMultiplierFrexp(m);
    ASSERT_EQ(d, ref::quantizeMultiplierFrexp(m)) << m;
    if (d && d->multiplier != 0)
      expectNearestQ31(m, *d);
  }
}

TEST(QuantizeMultiplierFrexpTest, AgreesWithTFLiteWhereBothAreDefined) {
  // round_half_up and round-half-away coincide on the positive mantissa, so
  // the two conventions differ only where TFLite flushes to zero.
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases; ++i) {
    double m = inputs.positiveDouble(-34, 31);
    std::optional<Dyadic> frexp = quantizeMultiplierFrexp(m);
    std::optional<Dyadic> tflite = quantizeMultiplier(m);
    if (frexp) {
      ASSERT_EQ(frexp, tflite) << m;
    } else {
      ASSERT_TRUE(!tflite || *tflite == (Dyadic{0, 31})) << m;
    }
  }
}

} // namespace
