//===- FixedPointTest.cpp - Tests for gemmlowp fixed-point primitives -----===//
//
// SaturatingRoundingDoublingHighMul, RoundingDivideByPOT and
// MultiplyByQuantizedMultiplier against exact 128-bit rational rounding.
//
//===----------------------------------------------------------------------===//

#include "Reference.h"

#include "gtest/gtest.h"

#include <cstdint>
#include <vector>

namespace {

using namespace qc::numerics;
using ref::kInt32Max;
using ref::kInt32Min;

constexpr int kRandomCases = 1 << 22;
constexpr int32_t k2To30 = 1 << 30;
constexpr int32_t k2To15 = 1 << 15;
constexpr int kMaxExponent = 31;

/// int32 values around every power of two, both signs, and the extremes.
std::vector<int32_t> edgeInt32s() {
  std::vector<int32_t> edges = {0, kInt32Min, kInt32Min + 1, kInt32Max,
                                kInt32Max - 1};
  for (int k = 0; k < 31; ++k) {
    const int32_t power = int32_t(1) << k;
    for (int32_t v : {power - 1, power, power + 1}) {
      edges.push_back(v);
      edges.push_back(-v);
    }
  }
  return edges;
}

//===----------------------------------------------------------------------===//
// saturatingRoundingDoublingHighMul
//===----------------------------------------------------------------------===//

TEST(SaturatingRoundingDoublingHighMulTest, HandDerived) {
  // 2^30 * 2^30 / 2^31 = 2^29.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(k2To30, k2To30), 1 << 29);
  // (-1) * (-1) = +1 in Q0.31 does not fit: saturates.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kInt32Min, kInt32Min), kInt32Max);
  // -2^31 * (2^31 - 1) / 2^31 = -(2^31 - 1), exact.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kInt32Min, kInt32Max),
            -kInt32Max);
  // (2^31 - 1)^2 / 2^31 = 2^31 - 2 + 2^-31.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(kInt32Max, kInt32Max),
            kInt32Max - 1);
  // Ties go toward +inf: 2^15 * 2^15 / 2^31 = 1/2 -> 1 and 3/2 -> 2, while
  // -1/2 -> 0 and -3/2 -> -1. For -1/2 gemmlowp computes
  // (-2^30 + (1 - 2^30)) / 2^31 = -(2^31 - 1) / 2^31, truncated to 0.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(k2To15, k2To15), 1);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(3 * k2To15, k2To15), 2);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-k2To15, k2To15), 0);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(k2To15, -3 * k2To15), -1);
  // Just past a tie rounds to nearest: -(2^30 + 1) / 2^31 -> -1.
  EXPECT_EQ(saturatingRoundingDoublingHighMul(-(k2To30 + 1), 1), -1);
  EXPECT_EQ(saturatingRoundingDoublingHighMul(0, kInt32Min), 0);
}

TEST(SaturatingRoundingDoublingHighMulTest, EdgePairsMatchReference) {
  const std::vector<int32_t> edges = edgeInt32s();
  for (int32_t a : edges)
    for (int32_t b : edges)
      ASSERT_EQ(saturatingRoundingDoublingHighMul(a, b), ref::srdhm(a, b))
          << a << " * " << b;
}

TEST(SaturatingRoundingDoublingHighMulTest, RandomMatchesReference) {
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases; ++i) {
    // Half the pairs with arbitrary bits, half with spread magnitudes.
    int32_t a = i % 2 ? inputs.int32() : static_cast<int32_t>(inputs.bits64());
    int32_t b = i % 2 ? inputs.int32() : static_cast<int32_t>(inputs.bits64());
    ASSERT_EQ(saturatingRoundingDoublingHighMul(a, b), ref::srdhm(a, b))
        << a << " * " << b;
  }
}

TEST(SaturatingRoundingDoublingHighMulTest, TiesMatchReference) {
  // a = odd * 2^j, b = +-2^(30 - j): a * b = odd * 2^30 is a tie.
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases / 4; ++i) {
    const int j = static_cast<int>(inputs.uniform(0, 30));
    const int64_t halfOddLimit = int64_t(1) << (30 - j);
    const int64_t odd = 2 * inputs.uniform(-halfOddLimit, halfOddLimit - 1) + 1;
    const auto a = static_cast<int32_t>(odd * (int64_t(1) << j));
    const int32_t b = (inputs.coin() ? 1 : -1) * (int32_t(1) << (30 - j));
    ASSERT_EQ(saturatingRoundingDoublingHighMul(a, b), ref::srdhm(a, b))
        << a << " * " << b;
  }
}

//===----------------------------------------------------------------------===//
// roundingDivideByPOT
//===----------------------------------------------------------------------===//

TEST(RoundingDivideByPOTTest, HandDerived) {
  EXPECT_EQ(roundingDivideByPOT(5, 1), 3);   // 2.5 -> 3
  EXPECT_EQ(roundingDivideByPOT(-5, 1), -3); // -2.5 -> -3
  EXPECT_EQ(roundingDivideByPOT(-4, 1), -2);
  EXPECT_EQ(roundingDivideByPOT(3, 2), 1);   // 0.75 -> 1
  EXPECT_EQ(roundingDivideByPOT(-2, 2), -1); // -0.5 -> -1
  EXPECT_EQ(roundingDivideByPOT(-1, 2), 0);  // -0.25 -> 0
  EXPECT_EQ(roundingDivideByPOT(kInt32Min, 0), kInt32Min);
  EXPECT_EQ(roundingDivideByPOT(kInt32Min, 31), -1);    // -1 exactly
  EXPECT_EQ(roundingDivideByPOT(kInt32Max, 31), 1);     // 1 - 2^-31
  EXPECT_EQ(roundingDivideByPOT(k2To30, 31), 1);        // 0.5 -> 1
  EXPECT_EQ(roundingDivideByPOT(-k2To30, 31), -1);      // -0.5 -> -1
  EXPECT_EQ(roundingDivideByPOT(k2To30 - 1, 31), 0);    // just below 0.5
  EXPECT_EQ(roundingDivideByPOT(-k2To30 + 1, 31), 0);   // just above -0.5
  EXPECT_EQ(roundingDivideByPOT(kInt32Max, 1), k2To30); // 2^30 - 0.5 -> 2^30
}

TEST(RoundingDivideByPOTTest, ExhaustiveInt16RangeAllExponents) {
  for (int32_t x = -(1 << 15); x < (1 << 15); ++x)
    for (int e = 0; e <= kMaxExponent; ++e)
      ASSERT_EQ(roundingDivideByPOT(x, e), ref::roundingDivideByPOT(x, e))
          << x << " / 2^" << e;
}

TEST(RoundingDivideByPOTTest, EdgesAllExponents) {
  for (int32_t x : edgeInt32s())
    for (int e = 0; e <= kMaxExponent; ++e)
      ASSERT_EQ(roundingDivideByPOT(x, e), ref::roundingDivideByPOT(x, e))
          << x << " / 2^" << e;
}

TEST(RoundingDivideByPOTTest, RandomMatchesReference) {
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases; ++i) {
    int32_t x = i % 2 ? inputs.int32() : static_cast<int32_t>(inputs.bits64());
    int e = static_cast<int>(inputs.uniform(0, kMaxExponent));
    ASSERT_EQ(roundingDivideByPOT(x, e), ref::roundingDivideByPOT(x, e))
        << x << " / 2^" << e;
  }
}

TEST(RoundingDivideByPOTTest, TiesMatchReference) {
  // x = (2k + 1) * 2^(e-1) is a tie for exponent e >= 1.
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases / 4; ++i) {
    const int e = static_cast<int>(inputs.uniform(1, kMaxExponent));
    const int64_t half = int64_t(1) << (e - 1);
    const int64_t halfOddLimit = int64_t(1) << (31 - e);
    const int64_t odd = 2 * inputs.uniform(-halfOddLimit, halfOddLimit - 1) + 1;
    const auto x = static_cast<int32_t>(odd * half);
    ASSERT_EQ(roundingDivideByPOT(x, e), ref::roundingDivideByPOT(x, e))
        << x << " / 2^" << e;
  }
}

//===----------------------------------------------------------------------===//
// multiplyByQuantizedMultiplier
//===----------------------------------------------------------------------===//

TEST(MultiplyByQuantizedMultiplierTest, HandDerived) {
  // 100 * 0.5: SRDHM(100, 2^30) = 50 exactly.
  EXPECT_EQ(multiplyByQuantizedMultiplier(100, {k2To30, 31}), 50);
  // 1 * 2^30 * 2^-32 = 1/4, yet two ties round it to 1: SRDHM(1, 2^30) =
  // 1/2 -> 1, then RoundingDivideByPOT(1, 1) = 1/2 -> 1.
  EXPECT_EQ(multiplyByQuantizedMultiplier(1, {k2To30, 32}), 1);
  // -1/4 the same way: SRDHM(-1, 2^30) = -1/2 -> 0 (ties toward +inf).
  EXPECT_EQ(multiplyByQuantizedMultiplier(-1, {k2To30, 32}), 0);
  // A multiplier of 1 ({2^30, 30}) shifts x left by 1 first: SRDHM(6, 2^30).
  EXPECT_EQ(multiplyByQuantizedMultiplier(3, {k2To30, 30}), 3);
  // Shift 0 multiplies by 2^30: x * 2^31 saturates to 2^31 - 1, then
  // SRDHM(2^31 - 1, 2^30) = 2^30 - 1/2 -> 2^30.
  EXPECT_EQ(multiplyByQuantizedMultiplier(kInt32Max, {k2To30, 0}), k2To30);
  EXPECT_EQ(multiplyByQuantizedMultiplier(-1, {k2To30, 0}), -k2To30);
  // Shift 62: INT32_MIN * (2^31 - 1) / 2^62 = -(1 - 2^-31). SRDHM gives
  // -(2^31 - 1) exactly, which RoundingDivideByPOT(., 31) rounds to -1.
  EXPECT_EQ(multiplyByQuantizedMultiplier(kInt32Min, {kInt32Max, 62}), -1);
  EXPECT_EQ(multiplyByQuantizedMultiplier(12345, {0, 31}), 0);
}

TEST(MultiplyByQuantizedMultiplierTest, EdgesMatchReference) {
  const std::vector<int32_t> edges = edgeInt32s();
  for (int32_t x : edges)
    for (int32_t q : {0, 1, k2To30, k2To30 + 1, kInt32Max, -1, kInt32Min})
      for (int32_t shift = 0; shift <= kMaxShift; ++shift)
        ASSERT_EQ(multiplyByQuantizedMultiplier(x, {q, shift}),
                  ref::multiplyByQuantizedMultiplier(x, {q, shift}))
            << x << " * " << Dyadic{q, shift};
}

TEST(MultiplyByQuantizedMultiplierTest, RandomMatchesReference) {
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases; ++i) {
    const int32_t x = inputs.int32();
    const Dyadic d{
        i % 2 ? inputs.int32()
              : static_cast<int32_t>(inputs.uniform(k2To30, kInt32Max)),
        static_cast<int32_t>(inputs.uniform(0, kMaxShift))};
    ASSERT_EQ(multiplyByQuantizedMultiplier(x, d),
              ref::multiplyByQuantizedMultiplier(x, d))
        << x << " * " << d;
  }
}

TEST(MultiplyByQuantizedMultiplierTest, WithinOneOfExactProduct) {
  // Two roundings, each within 1/2 of its input, leave the result within 1
  // of x * q / 2^s wherever nothing saturates: a bound independent of how
  // the ties go.
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases / 4; ++i) {
    const int32_t x = inputs.int32();
    const Dyadic d{static_cast<int32_t>(inputs.uniform(k2To30, kInt32Max)),
                   static_cast<int32_t>(inputs.uniform(31, kMaxShift))};
    const ref::Int128 exact = ref::Int128(x) * d.multiplier;
    const ref::Int128 scaled =
        ref::Int128(multiplyByQuantizedMultiplier(x, d)) * ref::pow2(d.shift);
    const ref::Int128 error = scaled > exact ? scaled - exact : exact - scaled;
    ASSERT_LE(error, ref::pow2(d.shift)) << x << " * " << d;
  }
}

} // namespace
