//===- TosaRescaleTest.cpp - Tests for TOSA apply_scale_32/16 -------------===//
//
// TOSA 1.0 apply_scale_32 and apply_scale_16 against the spec's formulas
// evaluated with floor division on 128-bit integers, including every REQUIRE.
//
//===----------------------------------------------------------------------===//

#include "Reference.h"

#include "gtest/gtest.h"

#include <limits>

namespace {

using namespace qc::numerics;
using ref::kInt32Max;
using ref::kInt32Min;

constexpr int kRandomCases = 1 << 21;
constexpr int32_t k2To30 = 1 << 30;
constexpr int64_t k2To47 = int64_t(1) << 47;
constexpr int16_t kInt16Max = std::numeric_limits<int16_t>::max();

constexpr TosaRounding kAllRoundings[] = {
    TosaRounding::Single, TosaRounding::Double, TosaRounding::Inexact};

/// A shift from one below TOSA's range to one above it.
int32_t randomShift(ref::Inputs &inputs) {
  return static_cast<int32_t>(inputs.uniform(1, kMaxShift + 1));
}

TEST(TosaApplyScale32Test, HandDerived) {
  // (3 * 2 + 4) >> 3 = 1: 3/4 rounds to 1.
  EXPECT_EQ(tosaApplyScale32(3, 2, 3, TosaRounding::Single), 1);
  // (-2 + 2) >> 2 = 0: -1/2 rounds toward +inf.
  EXPECT_EQ(tosaApplyScale32(-2, 1, 2, TosaRounding::Single), 0);
  // (-6 + 4) >> 3 = -1: -3/4 rounds to -1.
  EXPECT_EQ(tosaApplyScale32(-2, 3, 3, TosaRounding::Single), -1);
  // -2^31 * (2^31 - 1) / 2^62 = -(1 - 2^-31); (+ 2^61) >> 62 = -1.
  EXPECT_EQ(tosaApplyScale32(kInt32Min, kInt32Max, 62, TosaRounding::Single),
            -1);
  // Exactly 1/4 (value 1, multiplier 2^30, shift 32): single rounding gives
  // (2^30 + 2^31) >> 32 = 0; double rounding adds 2^30 more and reaches
  // 2^32 >> 32 = 1, as TFLite's two roundings do.
  EXPECT_EQ(tosaApplyScale32(1, k2To30, 32, TosaRounding::Single), 0);
  EXPECT_EQ(tosaApplyScale32(1, k2To30, 32, TosaRounding::Double), 1);
  // -(1/4 + 2^-32): single (2^31 - 2^30 - 1) >> 32 = 0; double subtracts
  // 2^30 for a negative value: -1 >> 32 = -1.
  EXPECT_EQ(tosaApplyScale32(-1, k2To30 + 1, 32, TosaRounding::Single), 0);
  EXPECT_EQ(tosaApplyScale32(-1, k2To30 + 1, 32, TosaRounding::Double), -1);
  // At shift 31 double rounding adds nothing: (-2^30 + 2^30) >> 31 = 0.
  EXPECT_EQ(tosaApplyScale32(-1, k2To30, 31, TosaRounding::Double), 0);
  EXPECT_EQ(tosaApplyScale32(0, 0, 2, TosaRounding::Inexact), 0);
}

TEST(TosaApplyScale32Test, RequireViolationsReturnNullopt) {
  for (TosaRounding rounding : kAllRoundings) {
    EXPECT_EQ(tosaApplyScale32(1, -1, 10, rounding), std::nullopt);
    EXPECT_EQ(tosaApplyScale32(1, kInt32Min, 40, rounding), std::nullopt);
    EXPECT_EQ(tosaApplyScale32(1, 1, 1, rounding), std::nullopt);
    EXPECT_EQ(tosaApplyScale32(1, 1, 0, rounding), std::nullopt);
    EXPECT_EQ(tosaApplyScale32(1, 1, 63, rounding), std::nullopt);
    EXPECT_EQ(tosaApplyScale32(1, 1, -5, rounding), std::nullopt);
    // Shift 2 admits values in [-2, 2).
    EXPECT_EQ(tosaApplyScale32(2, 1, 2, rounding), std::nullopt);
    EXPECT_EQ(tosaApplyScale32(-3, 1, 2, rounding), std::nullopt);
    EXPECT_NE(tosaApplyScale32(-2, 1, 2, rounding), std::nullopt);
    EXPECT_NE(tosaApplyScale32(1, 1, 2, rounding), std::nullopt);
    // Shift 32 admits every int32.
    EXPECT_NE(tosaApplyScale32(kInt32Min, kInt32Max, 32, rounding),
              std::nullopt);
    EXPECT_NE(tosaApplyScale32(kInt32Max, kInt32Max, 32, rounding),
              std::nullopt);
    // Shift 31 admits [-2^30, 2^30).
    EXPECT_EQ(tosaApplyScale32(k2To30, 1, 31, rounding), std::nullopt);
    EXPECT_NE(tosaApplyScale32(-k2To30, kInt32Max, 31, rounding), std::nullopt);
  }
}

TEST(TosaApplyScale32Test, RandomMatchesReference) {
  ref::Inputs inputs;
  int defined = 0;
  for (int i = 0; i < kRandomCases; ++i) {
    const int32_t value = inputs.int32();
    // One case in eight keeps the multiplier's sign, exercising that REQUIRE.
    const int32_t magnitude = inputs.int32();
    const int32_t multiplier =
        i % 8 == 0 ? magnitude : (magnitude < 0 ? ~magnitude : magnitude);
    const int32_t shift = randomShift(inputs);
    for (TosaRounding rounding : kAllRoundings) {
      const bool doubleRound = rounding == TosaRounding::Double;
      const std::optional<int32_t> expected =
          ref::tosaApplyScale32(value, multiplier, shift, doubleRound);
      ASSERT_EQ(tosaApplyScale32(value, multiplier, shift, rounding), expected)
          << value << " * " << multiplier << " >> " << shift;
      defined += expected.has_value();
    }
  }
  // Spread values make most REQUIREs hold; make sure the comparison is not
  // vacuous.
  EXPECT_GT(defined, kRandomCases);
}

TEST(TosaApplyScale32Test, DoubleRoundEqualsTFLiteMultiply) {
  // TOSA designed DOUBLE_ROUND to reproduce TFLite's two roundings. With
  // P = value * multiplier, a = floor((P + 2^30) / 2^31) (what SRDHM
  // computes) and k = shift - 31 > 0, the spec's
  // floor((P + 2^(shift-1) +- 2^30) / 2^shift) simplifies to
  // floor((a + 2^(k-1)) / 2^k) for value >= 0 and to
  // floor((a - 1 + 2^(k-1)) / 2^k) for value < 0. As a has the sign of value
  // (or is 0), that is RoundingDivideByPOT(a, k), whose ties go up for a >= 0
  // and down for a < 0. For shift <= 31 both sides are
  // floor((P + 2^(shift-1)) / 2^shift), the value REQUIRE keeping TFLite's
  // left shift from saturating. So wherever the REQUIREs hold they agree.
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases; ++i) {
    const int32_t value = inputs.int32();
    const int32_t magnitude = inputs.int32();
    const int32_t multiplier = magnitude < 0 ? ~magnitude : magnitude;
    const int32_t shift = static_cast<int32_t>(inputs.uniform(2, kMaxShift));
    const std::optional<int32_t> tosa =
        tosaApplyScale32(value, multiplier, shift, TosaRounding::Double);
    if (!tosa)
      continue;
    ASSERT_EQ(*tosa, ref::multiplyByQuantizedMultiplier(
                         value, Dyadic{multiplier, shift}))
        << value << " * " << multiplier << " >> " << shift;
  }
}

TEST(TosaApplyScale16Test, HandDerived) {
  // (1000 * 3 + 2) >> 2 = 750.
  EXPECT_EQ(tosaApplyScale16(1000, 3, 2), 750);
  // (-6 + 2) >> 2 = -1: -3/2 rounds toward +inf.
  EXPECT_EQ(tosaApplyScale16(-6, 1, 2), -1);
  // (-2^47 + 2^39) >> 40 = -128: exactly -2^7.
  EXPECT_EQ(tosaApplyScale16(-k2To47, 1, 40), -128);
  // (2^47 - 1)(2^15 - 1) / 2^62 = 1 - 2^-15 - 2^-47 + 2^-62 rounds to 1.
  EXPECT_EQ(tosaApplyScale16(k2To47 - 1, kInt16Max, 62), 1);
  EXPECT_EQ(tosaApplyScale16(0, 0, 2), 0);
}

TEST(TosaApplyScale16Test, RequireViolationsReturnNullopt) {
  // Not a 48-bit value.
  EXPECT_EQ(tosaApplyScale16(k2To47, 1, 40), std::nullopt);
  EXPECT_EQ(tosaApplyScale16(-k2To47 - 1, 1, 40), std::nullopt);
  EXPECT_EQ(tosaApplyScale16(ref::kInt64Min, 1, 62), std::nullopt);
  EXPECT_EQ(tosaApplyScale16(1, -1, 10), std::nullopt);
  EXPECT_EQ(tosaApplyScale16(1, 1, 1), std::nullopt);
  EXPECT_EQ(tosaApplyScale16(1, 1, 63), std::nullopt);
  // (2^47 - 1 + 2) >> 2 = 2^45 does not fit int32.
  EXPECT_EQ(tosaApplyScale16(k2To47 - 1, 1, 2), std::nullopt);
  // (-2^47 + 2^15) >> 16 = -2^31 + 1/2 floors to -2^31, which fits.
  EXPECT_EQ(tosaApplyScale16(-k2To47, 1, 16), kInt32Min);
  // (-2^47 + 2^14) >> 15 = -2^32 + 1/2 floors to -2^32, which does not.
  EXPECT_EQ(tosaApplyScale16(-k2To47, 1, 15), std::nullopt);
}

TEST(TosaApplyScale16Test, RandomMatchesReference) {
  ref::Inputs inputs;
  int defined = 0;
  for (int i = 0; i < kRandomCases; ++i) {
    // Mostly 48-bit values, some wider ones to exercise the REQUIRE.
    const int64_t value = inputs.spread(i % 8 == 0 ? 64 : 48);
    const auto magnitude = static_cast<int16_t>(inputs.spread(16));
    const int16_t multiplier =
        i % 8 == 1
            ? magnitude
            : static_cast<int16_t>(magnitude < 0 ? ~magnitude : magnitude);
    const int32_t shift = randomShift(inputs);
    const std::optional<int32_t> expected =
        ref::tosaApplyScale16(value, multiplier, shift);
    ASSERT_EQ(tosaApplyScale16(value, multiplier, shift), expected)
        << value << " * " << multiplier << " >> " << shift;
    defined += expected.has_value();
  }
  EXPECT_GT(defined, kRandomCases / 4);
}

} // namespace
