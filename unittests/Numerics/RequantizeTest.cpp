//===- RequantizeTest.cpp - Tests for qc.requant arithmetic ---------------===//
//
// requantize under every rounding mode against exact floor/remainder rounding
// of x * multiplier / 2^shift on 128-bit integers, plus its agreement with
// TOSA apply_scale_32 and TFLite's MultiplyByQuantizedMultiplier.
//
//===----------------------------------------------------------------------===//

#include "Reference.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <initializer_list>
#include <utility>

namespace {

using namespace qc::numerics;
using ref::kInt32Max;
using ref::kInt32Min;
using ref::kInt64Max;
using ref::kInt64Min;

constexpr int kRandomCases = 1 << 21;
constexpr int32_t k2To30 = 1 << 30;
constexpr int64_t k2To61 = int64_t(1) << 61;

constexpr RequantRounding kAllRoundings[] = {
    RequantRounding::Gemmlowp, RequantRounding::SingleRound,
    RequantRounding::DoubleRound, RequantRounding::InexactRound,
    RequantRounding::HalfToEven};

/// requantize with no zero points and the full int64 output range.
int64_t scale(int64_t value, Dyadic d, RequantRounding rounding) {
  return requantize(value, d, rounding, 0, 0, kInt64Min, kInt64Max);
}

struct Expectation {
  RequantRounding rounding;
  int64_t expected;
};

void expectScales(int64_t value, Dyadic d,
                  std::initializer_list<Expectation> expectations) {
  for (const Expectation &e : expectations)
    EXPECT_EQ(scale(value, d, e.rounding), e.expected)
        << value << " * " << d << " rounding " << static_cast<int>(e.rounding);
}

TEST(RequantizeTest, HandDerivedTies) {
  using R = RequantRounding;
  const Dyadic half{k2To30, 31};
  // 5/2: SRDHM(5, 2^30) = 5/2 -> 3; single rounding floor(5/2 + 1/2) = 3;
  // half to even 2.
  expectScales(5, half,
               {{R::Gemmlowp, 3},
                {R::SingleRound, 3},
                {R::DoubleRound, 3},
                {R::InexactRound, 3},
                {R::HalfToEven, 2}});
  // -7/2: ties toward +inf give -3 (SRDHM included), half to even -4.
  expectScales(-7, half,
               {{R::Gemmlowp, -3},
                {R::SingleRound, -3},
                {R::DoubleRound, -3},
                {R::InexactRound, -3},
                {R::HalfToEven, -4}});
  // Exactly 1/4 at shift 32 (see TosaApplyScale32Test): the double roundings
  // give 1, the single ones 0.
  expectScales(1, {k2To30, 32},
               {{R::Gemmlowp, 1},
                {R::SingleRound, 0},
                {R::DoubleRound, 1},
                {R::InexactRound, 0},
                {R::HalfToEven, 0}});
  // -(1/4 + 2^-32): SRDHM(-1, 2^30 + 1) = -1/2 - 2^-31 -> -1, then
  // RoundingDivideByPOT(-1, 1) = -1/2 -> -1.
  expectScales(-1, {k2To30 + 1, 32},
               {{R::Gemmlowp, -1},
                {R::SingleRound, 0},
                {R::DoubleRound, -1},
                {R::InexactRound, 0},
                {R::HalfToEven, 0}});
  // Shift 62: 3 * 2^61 / 2^62 = 3/2 and 2^61 / 2^62 = 1/2. Gemmlowp first
  // saturates x to int32: SRDHM(2^31 - 1, 1) = 1 - 2^-31 -> 1, then
  // RoundingDivideByPOT(1, 31) = 2^-31 -> 0.
  expectScales(3 * k2To61, {1, 62},
               {{R::Gemmlowp, 0},
                {R::SingleRound, 2},
                {R::DoubleRound, 2},
                {R::InexactRound, 2},
                {R::HalfToEven, 2}});
  // 1/2: half to even gives 0; DOUBLE_ROUND's extra 2^30 does not matter
  // for a tie of the final rounding: (2^61 + 2^61 + 2^30) >> 62 = 1.
  expectScales(k2To61, {1, 62},
               {{R::SingleRound, 1}, {R::DoubleRound, 1}, {R::HalfToEven, 0}});
  // -1/2: single rounding 0, but DOUBLE_ROUND subtracts 2^30:
  // (-2^61 + 2^61 - 2^30) >> 62 = -1.
  expectScales(-k2To61, {1, 62},
               {{R::SingleRound, 0}, {R::DoubleRound, -1}, {R::HalfToEven, 0}});
  // Shift 0 is exact in every mode but Gemmlowp, which shifts x left by 31
  // and saturates: SRDHM(2^31 - 1, 3) = 3 - 3 * 2^-31 -> 3.
  expectScales(1000, {3, 0},
               {{R::Gemmlowp, 3},
                {R::SingleRound, 3000},
                {R::DoubleRound, 3000},
                {R::HalfToEven, 3000}});
}

TEST(RequantizeTest, HandDerivedZeroPointsAndClamp) {
  for (RequantRounding rounding : kAllRoundings) {
    // (1000 - 10) / 2 - 128 = 367.
    EXPECT_EQ(requantize(1000, {k2To30, 31}, rounding, 10, -128, -128, 1000),
              367);
    EXPECT_EQ(requantize(1000, {k2To30, 31}, rounding, 10, -128, -128, 127),
              127);
    // (0 - 300) / 2 = -150 clamps to -128.
    EXPECT_EQ(requantize(0, {k2To30, 31}, rounding, 300, 0, -128, 127), -128);
    EXPECT_EQ(requantize(7, {0, 31}, rounding, 0, 5, -128, 127), 5);
  }
}

TEST(RequantizeTest, ExtremesSaturateWithoutOverflow) {
  for (RequantRounding rounding : kAllRoundings) {
    // x = INT64_MIN - INT64_MAX = -(2^64 - 1), far below any output.
    EXPECT_EQ(requantize(kInt64Min, {kInt32Max, 0}, rounding, kInt64Max,
                         kInt64Min, kInt64Min, kInt64Max),
              kInt64Min);
    EXPECT_EQ(requantize(kInt64Max, {kInt32Max, 0}, rounding, kInt64Min,
                         kInt64Max, kInt64Min, kInt64Max),
              kInt64Max);
    EXPECT_EQ(requantize(kInt64Max, {kInt32Min, 0}, rounding, kInt64Min, 0,
                         -128, 127),
              -128);
  }
  // Only the exact modes see past int32: 2^40 / 2 = 2^39, whereas Gemmlowp
  // saturates x to 2^31 - 1 and returns SRDHM(2^31 - 1, 2^30) = 2^30 - 1/2,
  // rounded to 2^30.
  const int64_t big = int64_t(1) << 40;
  EXPECT_EQ(scale(big, {k2To30, 31}, RequantRounding::Gemmlowp), k2To30);
  EXPECT_EQ(scale(big, {k2To30, 31}, RequantRounding::SingleRound), big / 2);
  EXPECT_EQ(scale(big, {k2To30, 31}, RequantRounding::HalfToEven), big / 2);
}

/// A random qc.requant instance: accumulators of any width, zero points
/// usually int32 but sometimes wider, any multiplier sign and shift, and an
/// output range either of a storage type or arbitrary.
struct Instance {
  int64_t value;
  Dyadic d;
  int64_t inputZeroPoint;
  int64_t outputZeroPoint;
  int64_t qmin;
  int64_t qmax;
};

Instance randomInstance(ref::Inputs &inputs) {
  Instance in;
  in.value = inputs.int64();
  in.d = {inputs.int32(), static_cast<int32_t>(inputs.uniform(0, kMaxShift))};
  in.inputZeroPoint = inputs.spread(inputs.coin() ? 32 : 64);
  in.outputZeroPoint = inputs.spread(inputs.coin() ? 32 : 64);
  if (inputs.coin()) {
    IntRange range = storageRange(static_cast<unsigned>(inputs.uniform(1, 32)),
                                  inputs.coin());
    in.qmin = range.min;
    in.qmax = range.max;
  } else {
    in.qmin = inputs.int64();
    in.qmax = inputs.int64();
    if (in.qmin > in.qmax)
      std::swap(in.qmin, in.qmax);
  }
  return in;
}

TEST(RequantizeTest, RandomMatchesReference) {
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases; ++i) {
    const Instance in = randomInstance(inputs);
    for (RequantRounding rounding : kAllRoundings)
      ASSERT_EQ(requantize(in.value, in.d, rounding, in.inputZeroPoint,
                           in.outputZeroPoint, in.qmin, in.qmax),
                ref::requantize(in.value, in.d, rounding, in.inputZeroPoint,
                                in.outputZeroPoint, in.qmin, in.qmax))
          << "value " << in.value << " d " << in.d << " zero points "
          << in.inputZeroPoint << ", " << in.outputZeroPoint << " range ["
          << in.qmin << ", " << in.qmax << "] rounding "
          << static_cast<int>(rounding);
  }
}

TEST(RequantizeTest, RandomTiesMatchReference) {
  // value = odd * 2^(shift - 1) and an odd multiplier make the exact result
  // value * multiplier / 2^shift = odd * multiplier / 2 a tie, where the
  // modes differ.
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases / 2; ++i) {
    const auto shift = static_cast<int32_t>(inputs.uniform(1, kMaxShift));
    // |odd| < 2^(63 - shift) keeps |value| below 2^62.
    const int64_t halfOddLimit = int64_t(1) << std::min(62 - shift, 30);
    const int64_t odd = 2 * inputs.uniform(-halfOddLimit, halfOddLimit - 1) + 1;
    const int64_t value = odd * (int64_t(1) << (shift - 1));
    const Dyadic d{inputs.int32() | 1, shift};
    for (RequantRounding rounding : kAllRoundings)
      ASSERT_EQ(scale(value, d, rounding),
                ref::requantize(value, d, rounding, 0, 0, kInt64Min, kInt64Max))
          << value << " * " << d << " rounding " << static_cast<int>(rounding);
  }
}

TEST(RequantizeTest, TosaModesMatchApplyScale32) {
  // Where apply_scale_32's REQUIREs hold, qc.requant's TOSA modes are it.
  ref::Inputs inputs;
  int compared = 0;
  for (int i = 0; i < kRandomCases; ++i) {
    const int32_t value = inputs.int32();
    const int32_t magnitude = inputs.int32();
    const Dyadic d{magnitude < 0 ? ~magnitude : magnitude,
                   static_cast<int32_t>(inputs.uniform(2, kMaxShift))};
    const std::pair<RequantRounding, TosaRounding> modes[] = {
        {RequantRounding::SingleRound, TosaRounding::Single},
        {RequantRounding::DoubleRound, TosaRounding::Double},
        {RequantRounding::InexactRound, TosaRounding::Inexact}};
    for (auto [requantMode, tosaMode] : modes) {
      std::optional<int32_t> tosa =
          tosaApplyScale32(value, d.multiplier, d.shift, tosaMode);
      if (!tosa)
        continue;
      ++compared;
      ASSERT_EQ(scale(value, d, requantMode), *tosa) << value << " * " << d;
    }
  }
  EXPECT_GT(compared, kRandomCases);
}

TEST(RequantizeTest, DoubleRoundMatchesGemmlowpWithoutSaturation) {
  // The header's claim (derived in TosaApplyScale32Test): for a multiplier
  // >= 0, an int32 x and no saturating left shift, the modes agree.
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases; ++i) {
    const int32_t value = inputs.int32();
    const int32_t magnitude = inputs.int32();
    const Dyadic d{magnitude < 0 ? ~magnitude : magnitude,
                   static_cast<int32_t>(inputs.uniform(0, kMaxShift))};
    const ref::Int128 shifted =
        d.shift >= 31 ? value : ref::Int128(value) * ref::pow2(31 - d.shift);
    if (shifted < kInt32Min || shifted > kInt32Max)
      continue;
    ASSERT_EQ(scale(value, d, RequantRounding::DoubleRound),
              scale(value, d, RequantRounding::Gemmlowp))
        << value << " * " << d;
  }
}

} // namespace
