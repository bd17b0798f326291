//===- QuantizeTest.cpp - Tests for float <-> integer quantization --------===//
//
// quantize and dequantize against double-precision references (exhaustively
// over whole binades of floats, randomly over all bit patterns, and on exact
// ties), and storageRange against its defining properties.
//
//===----------------------------------------------------------------------===//

#include "Reference.h"

#include "gtest/gtest.h"

#include <cfenv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <utility>
#include <vector>

namespace {

using namespace qc::numerics;
using ref::kInt32Max;
using ref::kInt32Min;

constexpr int kRandomCases = 1 << 21;
constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kDenormMin = std::numeric_limits<float>::denorm_min();
constexpr float kFloatMax = std::numeric_limits<float>::max();
constexpr int32_t kInt8Min = -128;
constexpr int32_t kInt8Max = 127;

constexpr FloatRounding kAllRoundings[] = {FloatRounding::HalfToEven,
                                           FloatRounding::HalfAwayFromZero};

float fromBits(uint32_t bits) {
  float value = 0;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

/// The reference's std::nearbyint rounds half to even only in this mode.
class QuantizeTest : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_EQ(std::fegetround(), FE_TONEAREST); }
};

int32_t quantizeInt8(float x, float scale, FloatRounding rounding) {
  return quantize(x, scale, 0, kInt8Min, kInt8Max, rounding);
}

TEST_F(QuantizeTest, HandDerivedTies) {
  using F = FloatRounding;
  EXPECT_EQ(quantizeInt8(2.5f, 1.0f, F::HalfToEven), 2);
  EXPECT_EQ(quantizeInt8(2.5f, 1.0f, F::HalfAwayFromZero), 3);
  EXPECT_EQ(quantizeInt8(-2.5f, 1.0f, F::HalfToEven), -2);
  EXPECT_EQ(quantizeInt8(-2.5f, 1.0f, F::HalfAwayFromZero), -3);
  EXPECT_EQ(quantizeInt8(3.5f, 1.0f, F::HalfToEven), 4);
  EXPECT_EQ(quantizeInt8(0.5f, 1.0f, F::HalfToEven), 0);
  EXPECT_EQ(quantizeInt8(-0.5f, 1.0f, F::HalfToEven), 0);
  EXPECT_EQ(quantizeInt8(-0.5f, 1.0f, F::HalfAwayFromZero), -1);
  // 1.25 / 0.5 = 2.5 exactly.
  EXPECT_EQ(quantizeInt8(1.25f, 0.5f, F::HalfToEven), 2);
  EXPECT_EQ(quantizeInt8(1.25f, 0.5f, F::HalfAwayFromZero), 3);
  // Just off the tie: the largest float below 2.5 rounds down either way.
  EXPECT_EQ(quantizeInt8(std::nextafter(2.5f, 0.0f), 1.0f, F::HalfAwayFromZero),
            2);
}

TEST_F(QuantizeTest, QuotientIsFloat32) {
  // x / scale is 2.4999999159 exactly but 2.5 once rounded to float32, so the
  // tie rule decides: ONNX gets 2 or 3 where a double quotient gives 2.
  const float x = 0x1.c5727p+1f;
  const float scale = 0x1.6ac1f4p+0f;
  ASSERT_EQ(x / scale, 2.5f);
  ASSERT_LT(double(x) / double(scale), 2.5);
  EXPECT_EQ(quantizeInt8(x, scale, FloatRounding::HalfToEven), 2);
  EXPECT_EQ(quantizeInt8(x, scale, FloatRounding::HalfAwayFromZero), 3);
}

TEST_F(QuantizeTest, ZeroPointAndSaturation) {
  for (FloatRounding rounding : kAllRoundings) {
    // round(10 / 4) + 3: 2.5 -> 2 or 3, plus 3.
    const int32_t tie = rounding == FloatRounding::HalfToEven ? 2 : 3;
    EXPECT_EQ(quantize(10.0f, 4.0f, 3, kInt8Min, kInt8Max, rounding), tie + 3);
    // 200 + 0 saturates at 127; -200 + 100 = -100 fits.
    EXPECT_EQ(quantize(200.0f, 1.0f, 0, kInt8Min, kInt8Max, rounding), 127);
    EXPECT_EQ(quantize(-200.0f, 1.0f, 100, kInt8Min, kInt8Max, rounding), -100);
    EXPECT_EQ(quantize(-1.0f, 1.0f, 0, 0, 255, rounding), 0);
    // int32 output: 2^31 as a float is one past INT32_MAX.
    EXPECT_EQ(quantize(2147483648.0f, 1.0f, 0, kInt32Min, kInt32Max, rounding),
              kInt32Max);
    EXPECT_EQ(quantize(-2147483648.0f, 1.0f, 0, kInt32Min, kInt32Max, rounding),
              kInt32Min);
    EXPECT_EQ(
        quantize(-2147483648.0f, 1.0f, -1, kInt32Min, kInt32Max, rounding),
        kInt32Min);
    // 2^30 + zero point 2^30 - 1 = INT32_MAX exactly.
    EXPECT_EQ(quantize(1073741824.0f, 1.0f, (1 << 30) - 1, kInt32Min, kInt32Max,
                       rounding),
              kInt32Max);
    EXPECT_EQ(
        quantize(kFloatMax, 1.0f, kInt32Min, kInt32Min, kInt32Max, rounding),
        kInt32Max);
  }
}

TEST_F(QuantizeTest, NaNInfinityAndSubnormals) {
  for (FloatRounding rounding : kAllRoundings) {
    // NaN is the zero point, clamped into the range.
    EXPECT_EQ(quantize(kNaN, 0.1f, 7, kInt8Min, kInt8Max, rounding), 7);
    EXPECT_EQ(quantize(-kNaN, 0.1f, 7, kInt8Min, kInt8Max, rounding), 7);
    EXPECT_EQ(quantize(kNaN, 0.1f, 300, kInt8Min, kInt8Max, rounding), 127);
    EXPECT_EQ(quantize(kNaN, 0.1f, -5, 0, 255, rounding), 0);
    // inf / inf is NaN too.
    EXPECT_EQ(quantize(kInf, kInf, 7, kInt8Min, kInt8Max, rounding), 7);
    EXPECT_EQ(quantize(kInf, 0.1f, 0, kInt8Min, kInt8Max, rounding), 127);
    EXPECT_EQ(quantize(-kInf, 0.1f, 0, kInt8Min, kInt8Max, rounding), -128);
    // A finite quotient that overflows float32 saturates like infinity.
    EXPECT_EQ(quantize(1e30f, 1e-30f, 0, kInt8Min, kInt8Max, rounding), 127);
    EXPECT_EQ(quantize(1.0f, kDenormMin, 0, kInt8Min, kInt8Max, rounding), 127);
    EXPECT_EQ(quantize(-1.0f, kDenormMin, 0, kInt8Min, kInt8Max, rounding),
              -128);
    // Subnormal inputs quantize to the zero point; scaled up they count.
    EXPECT_EQ(quantize(kDenormMin, 1.0f, 4, kInt8Min, kInt8Max, rounding), 4);
    EXPECT_EQ(quantize(-kDenormMin, 1.0f, 4, kInt8Min, kInt8Max, rounding), 4);
    EXPECT_EQ(
        quantize(3 * kDenormMin, kDenormMin, 4, kInt8Min, kInt8Max, rounding),
        7);
    // A finite x over an infinite scale is 0.
    EXPECT_EQ(quantize(kFloatMax, kInf, 4, kInt8Min, kInt8Max, rounding), 4);
  }
}

/// Every float whose magnitude lies in [2^minExponent, 2^maxExponent), both
/// signs, quantized with `scale` in both rounding modes.
void checkBinadesExhaustively(int minExponent, int maxExponent, float scale,
                              int32_t zeroPoint, int32_t qmin, int32_t qmax) {
  constexpr int kExponentBias = 127;
  constexpr int kFractionBits = 23;
  constexpr uint32_t kSignBit = uint32_t(1) << 31;
  const uint32_t first = uint32_t(minExponent + kExponentBias) << kFractionBits;
  const uint32_t last = uint32_t(maxExponent + kExponentBias) << kFractionBits;
  for (uint32_t bits = first; bits < last; ++bits) {
    for (uint32_t sign : {uint32_t(0), kSignBit}) {
      const float x = fromBits(bits | sign);
      for (FloatRounding rounding : kAllRoundings)
        ASSERT_EQ(quantize(x, scale, zeroPoint, qmin, qmax, rounding),
                  ref::quantize(x, scale, zeroPoint, qmin, qmax, rounding))
            << x << " / " << scale << " rounding "
            << static_cast<int>(rounding);
    }
  }
}

TEST_F(QuantizeTest, ExhaustiveBinadesUnitScale) {
  // With scale 1 the quotient is x itself. [1/2, 2) holds the ties +-1/2 and
  // +-3/2; in [2^6, 2^8) every half-integer is a tie and the output range
  // cuts through the binades; in [2^22, 2^23) every other float is a tie and
  // from 2^23 on every float is an integer.
  checkBinadesExhaustively(-1, 1, 1.0f, 3, -200, 200);
  checkBinadesExhaustively(6, 8, 1.0f, 3, -200, 200);
  checkBinadesExhaustively(22, 24, 1.0f, 3, kInt32Min, kInt32Max);
}

TEST_F(QuantizeTest, ExhaustiveBinadeInexactScale) {
  // A scale that is no power of two rounds most quotients; [2^-2, 2^-1) / 0.01
  // covers [25, 50).
  checkBinadesExhaustively(-2, -1, 0.01f, -7, kInt8Min, kInt8Max);
}

TEST_F(QuantizeTest, RandomBitPatternsMatchReference) {
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases; ++i) {
    const float x = inputs.anyFloat();
    // Any positive scale, subnormal and infinite included, half the time;
    // otherwise a typical one.
    const float scale = i % 2
                            ? std::fabs(inputs.anyFloat())
                            : static_cast<float>(inputs.positiveDouble(-20, 0));
    if (!(scale > 0))
      continue;
    const auto zeroPoint = static_cast<int32_t>(inputs.spread(i % 4 ? 9 : 32));
    int32_t qmin = inputs.int32();
    int32_t qmax = inputs.int32();
    if (qmin > qmax)
      std::swap(qmin, qmax);
    for (FloatRounding rounding : kAllRoundings)
      ASSERT_EQ(quantize(x, scale, zeroPoint, qmin, qmax, rounding),
                ref::quantize(x, scale, zeroPoint, qmin, qmax, rounding))
          << x << " / " << scale << " + " << zeroPoint << " in [" << qmin
          << ", " << qmax << "] rounding " << static_cast<int>(rounding);
  }
}

TEST_F(QuantizeTest, RandomTiesMatchReference) {
  // (k + 1/2) * 2^e over scale 2^e is exactly k + 1/2 in float32.
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases / 2; ++i) {
    const int64_t k = inputs.spread(24);
    const int e = static_cast<int>(inputs.uniform(-60, 60));
    const float scale = std::ldexp(1.0f, e);
    const float x = std::ldexp(static_cast<float>(k) + 0.5f, e);
    ASSERT_EQ(x / scale, static_cast<float>(k) + 0.5f);
    for (FloatRounding rounding : kAllRoundings)
      ASSERT_EQ(quantize(x, scale, 0, kInt32Min, kInt32Max, rounding),
                ref::quantize(x, scale, 0, kInt32Min, kInt32Max, rounding))
          << x << " / " << scale;
  }
}

//===----------------------------------------------------------------------===//
// dequantize
//===----------------------------------------------------------------------===//

TEST(DequantizeTest, HandDerived) {
  EXPECT_EQ(dequantize(5, 0.5f, 1), 2.0f);
  EXPECT_EQ(dequantize(-128, 0.25f, 0), -32.0f);
  EXPECT_EQ(dequantize(0, 0.1f, 0), 0.0f);
  // The int32 difference 2^32 - 1 overflows int32 but is formed exactly and
  // rounds to the float 2^32.
  EXPECT_EQ(dequantize(kInt32Max, 1.0f, kInt32Min), 4294967296.0f);
  // 2^24 + 1 is no float: it rounds once, to even, giving 2^24.
  EXPECT_EQ(dequantize((1 << 24) + 1, 1.0f, 0), 16777216.0f);
  EXPECT_EQ(dequantize(1, kInf, 0), kInf);
  EXPECT_TRUE(std::isnan(dequantize(0, kInf, 0)));
}

TEST(DequantizeTest, RandomMatchesReference) {
  ref::Inputs inputs;
  for (int i = 0; i < kRandomCases; ++i) {
    const int32_t q = inputs.int32();
    const int32_t zeroPoint = inputs.int32();
    const float scale = i % 2
                            ? std::fabs(inputs.anyFloat())
                            : static_cast<float>(inputs.positiveDouble(-20, 0));
    const float expected = ref::dequantize(q, scale, zeroPoint);
    const float actual = dequantize(q, scale, zeroPoint);
    // Bitwise equal, or both NaN (infinite scale times zero).
    ASSERT_TRUE(std::memcmp(&actual, &expected, sizeof(float)) == 0 ||
                (std::isnan(actual) && std::isnan(expected)))
        << "(" << q << " - " << zeroPoint << ") * " << scale << " = " << actual
        << ", expected " << expected;
  }
}

//===----------------------------------------------------------------------===//
// storageRange
//===----------------------------------------------------------------------===//

TEST(StorageRangeTest, HandDerived) {
  auto expectRange = [](IntRange range, int64_t min, int64_t max) {
    EXPECT_EQ(range.min, min);
    EXPECT_EQ(range.max, max);
  };
  expectRange(storageRange(8, true), -128, 127);
  expectRange(storageRange(8, true, true), -127, 127);
  expectRange(storageRange(8, false), 0, 255);
  expectRange(storageRange(8, false, true), 1, 255);
  expectRange(storageRange(4, true), -8, 7);
  expectRange(storageRange(4, false), 0, 15);
  expectRange(storageRange(1, true), -1, 0);
  expectRange(storageRange(1, true, true), 0, 0);
  expectRange(storageRange(1, false), 0, 1);
  expectRange(storageRange(32, false), 0, 4294967295);
  expectRange(storageRange(32, true, true), kInt32Min + 1, kInt32Max);
}

TEST(StorageRangeTest, MatchesNativeTypes) {
  auto expectLimits = [](unsigned bits, bool isSigned, auto type) {
    using T = decltype(type);
    IntRange range = storageRange(bits, isSigned);
    EXPECT_EQ(range.min, std::numeric_limits<T>::min()) << bits;
    EXPECT_EQ(range.max, std::numeric_limits<T>::max()) << bits;
  };
  expectLimits(8, true, int8_t());
  expectLimits(16, true, int16_t());
  expectLimits(32, true, int32_t());
  expectLimits(8, false, uint8_t());
  expectLimits(16, false, uint16_t());
  expectLimits(32, false, uint32_t());
}

TEST(StorageRangeTest, AllWidthsHaveTwoToTheBitsValues) {
  int64_t values = 1;
  for (unsigned bits = 1; bits <= 32; ++bits) {
    values *= 2;
    const IntRange signedRange = storageRange(bits, true);
    const IntRange unsignedRange = storageRange(bits, false);
    EXPECT_EQ(signedRange.max - signedRange.min + 1, values) << bits;
    EXPECT_EQ(signedRange.min, -signedRange.max - 1) << bits;
    EXPECT_EQ(unsignedRange.min, 0) << bits;
    EXPECT_EQ(unsignedRange.max + 1, values) << bits;
    // Narrow range drops exactly the lowest value.
    const IntRange narrowSigned = storageRange(bits, true, true);
    const IntRange narrowUnsigned = storageRange(bits, false, true);
    EXPECT_EQ(narrowSigned.min, signedRange.min + 1) << bits;
    EXPECT_EQ(narrowSigned.max, signedRange.max) << bits;
    EXPECT_EQ(narrowUnsigned.min, 1) << bits;
    EXPECT_EQ(narrowUnsigned.max, unsignedRange.max) << bits;
  }
}

//===----------------------------------------------------------------------===//
// Per-channel scales with one zero point
//===----------------------------------------------------------------------===//

/// Brute force: for every storage value z, the per-channel scales that hold
/// each channel's range (widened to contain 0) with zero point z, and their
/// noise power; infeasible z (a non-zero side without grid steps) skipped.
std::pair<int64_t, double> referenceSharedZeroPoint(
    const std::vector<double> &lo, const std::vector<double> &hi,
    IntRange range) {
  int64_t bestZeroPoint = 0;
  double bestPower = kInf;
  for (int64_t z = range.min; z <= range.max; ++z) {
    double power = 0.0;
    bool feasible = true;
    for (size_t c = 0; c < lo.size(); ++c) {
      double scale = 0.0;
      if (hi[c] > 0.0) {
        if (z == range.max)
          feasible = false;
        else
          scale = std::max(scale, hi[c] / double(range.max - z));
      }
      if (lo[c] < 0.0) {
        if (z == range.min)
          feasible = false;
        else
          scale = std::max(scale, -lo[c] / double(z - range.min));
      }
      power += scale * scale;
    }
    if (feasible && power < bestPower) {
      bestPower = power;
      bestZeroPoint = z;
    }
  }
  return {bestZeroPoint, bestPower};
}

TEST(SharedZeroPointTest, MatchesBruteForceOnRandomRanges) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> magnitude(0.0, 10.0);
  std::uniform_int_distribution<int> channels(1, 40);
  const IntRange kRanges[] = {storageRange(8, true), storageRange(8, false),
                              storageRange(4, true)};
  for (int trial = 0; trial < 500; ++trial) {
    const IntRange range = kRanges[trial % 3];
    std::vector<double> lo, hi;
    for (int c = channels(rng); c > 0; --c) {
      // Mostly skewed ranges (as after an activation), some one-sided.
      lo.push_back(trial % 5 == 0 ? 0.0 : -magnitude(rng) / 8.0);
      hi.push_back(magnitude(rng));
    }
    SharedZeroPointScales chosen = chooseSharedZeroPoint(lo, hi, range);
    auto [zeroPoint, power] = referenceSharedZeroPoint(lo, hi, range);
    EXPECT_EQ(chosen.zeroPoint, zeroPoint) << trial;
    ASSERT_EQ(chosen.scales.size(), lo.size());
    double chosenPower = 0.0;
    for (size_t c = 0; c < lo.size(); ++c) {
      double scale = chosen.scales[c];
      chosenPower += scale * scale;
      // Each channel's range fits the grid, one end exactly.
      EXPECT_LE(double(range.min - chosen.zeroPoint) * scale,
                std::min(lo[c], 0.0) * (1 - 1e-12));
      EXPECT_GE(double(range.max - chosen.zeroPoint) * scale,
                hi[c] * (1 - 1e-12));
    }
    EXPECT_NEAR(chosenPower, power, 1e-12 * power) << trial;
  }
}

TEST(SharedZeroPointTest, NonNegativeRangesUseTheWholeGrid) {
  IntRange range = storageRange(8, true);
  SharedZeroPointScales chosen =
      chooseSharedZeroPoint({0.0, 0.0}, {2.55, 0.51}, range);
  EXPECT_EQ(chosen.zeroPoint, range.min);
  EXPECT_DOUBLE_EQ(chosen.scales[0], 0.01);
  EXPECT_DOUBLE_EQ(chosen.scales[1], 0.002);
}

TEST(SharedZeroPointTest, SymmetricRangesCenterTheZeroPoint) {
  SharedZeroPointScales chosen =
      chooseSharedZeroPoint({-1.0, -4.0}, {1.0, 4.0}, storageRange(8, true));
  // 127 steps on one side and 128 on the other either way.
  EXPECT_EQ(chosen.zeroPoint, -1);
  EXPECT_DOUBLE_EQ(chosen.scales[1], 4.0 / 127.0);
}

TEST(SharedZeroPointTest, EmptyChannelsGetScaleZero) {
  SharedZeroPointScales chosen =
      chooseSharedZeroPoint({0.0, -1.0}, {0.0, 3.0}, storageRange(8, true));
  EXPECT_EQ(chosen.scales[0], 0.0);
  EXPECT_GT(chosen.scales[1], 0.0);
}

} // namespace
