//===- ObserversTest.cpp - Tests for the calibration observers ------------===//
//
// TensorObserver against references computed here from the explicit sample
// vectors: hand-derived values, brute force over every sample (sorted-sample
// quantiles, quantize-dequantize of every value), and the TensorRT entropy
// definition written out directly over |x| bins. Nothing here calls the
// library's internals.
//
//===----------------------------------------------------------------------===//

#include "qc/Calibration/Observers.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace {

using namespace qc::calibration;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

constexpr Observer kAllObservers[] = {Observer::MinMax, Observer::MovingAverage,
                                      Observer::Percentile, Observer::Mse,
                                      Observer::Kl};

/// Observes `samples` (each of `shape`) in both passes.
TensorObserver observeAll(const std::vector<std::vector<float>> &samples,
                          std::vector<int64_t> shape,
                          std::optional<int64_t> axis = std::nullopt,
                          size_t bins = kDefaultHistogramBins) {
  TensorObserver observer(std::move(shape), axis);
  for (const std::vector<float> &s : samples)
    observer.observe(s.data(), s.size());
  observer.beginHistogram(bins);
  for (const std::vector<float> &s : samples)
    observer.observeHistogram(s.data(), s.size());
  return observer;
}

TensorObserver observeOne(const std::vector<float> &sample,
                          size_t bins = kDefaultHistogramBins) {
  return observeAll({sample}, {static_cast<int64_t>(sample.size())},
                    std::nullopt, bins);
}

/// Quantize-dequantize on the affine grid of [lo, hi] with 2^bits levels:
/// scale = (hi - lo) / (2^bits - 1), zero point = round(-lo / scale), both
/// roundings half to even (std::nearbyint in FE_TONEAREST, checked by the
/// fixture).
double quantDequant(double x, Range r, unsigned bits) {
  double qmax = std::pow(2.0, bits) - 1;
  double scale = (r.hi - r.lo) / qmax;
  if (scale == 0)
    return 0;
  double zero = std::min(std::max(std::nearbyint(-r.lo / scale), 0.0), qmax);
  double q = std::min(std::max(std::nearbyint(x / scale) + zero, 0.0), qmax);
  return (q - zero) * scale;
}

/// Mean squared quantization error of every sample on [lo, hi].
double bruteForceMse(const std::vector<float> &xs, Range r, unsigned bits) {
  double sum = 0;
  for (float x : xs) {
    double d = x - quantDequant(x, r, bits);
    sum += d * d;
  }
  return sum / static_cast<double>(xs.size());
}

/// Whether `value` is within `width` of the k-th smallest sample (1-based),
/// k = ceil(q * N), q * N <= 0 meaning the smallest: the histogram's
/// q-quantile lies in the bin that holds that sample. k is taken on both
/// sides of q * N's rounding (q * N may be an integer only up to an ulp).
bool nearOrderStatistic(std::vector<double> xs, double q, double value,
                        double width) {
  std::sort(xs.begin(), xs.end());
  double r = q * static_cast<double>(xs.size());
  for (double rank : {r - 1e-6, r + 1e-6}) {
    double k = std::min(std::max(std::ceil(rank), 1.0),
                        static_cast<double>(xs.size()));
    if (std::fabs(value - xs[static_cast<size_t>(k) - 1]) <=
        width * (1 + 1e-9))
      return true;
  }
  return false;
}

/// TensorRT's entropy threshold written from its definition over the
/// samples: |x| binned into n bins of [0, max|x|]; for i = m..n, P = first i
/// bins plus the outliers in bin i - 1, Q = the first i bins merged into m
/// levels (floor(i / m) bins each, the rest in the last level) and spread
/// over each level's non-empty bins; the i of the least KL(P || Q) (the
/// largest i among equals) gives t = i * max|x| / n. m = 2^(bits - 1), or
/// 2^bits for non-negative data.
double referenceKlThreshold(const std::vector<float> &xs, size_t n,
                            unsigned bits) {
  double amax = 0;
  for (float x : xs)
    amax = std::max(amax, std::fabs(static_cast<double>(x)));
  std::vector<double> hist(n, 0.0);
  for (float x : xs) {
    double a = std::fabs(static_cast<double>(x));
    size_t j = static_cast<size_t>(a / amax * static_cast<double>(n));
    hist[std::min(j, n - 1)] += 1;
  }
  bool nonNegative = std::all_of(xs.begin(), xs.end(),
                                 [](float x) { return x >= 0; });
  size_t m = size_t(1) << (nonNegative ? bits : bits - 1);
  double bestKl = std::numeric_limits<double>::infinity();
  size_t bestI = n;
  for (size_t i = m; i <= n; ++i) {
    std::vector<double> p(hist.begin(), hist.begin() + i);
    for (size_t j = i; j < n; ++j)
      p[i - 1] += hist[j];
    size_t width = i / m;
    auto level = [&](size_t j) { return std::min(j / width, m - 1); };
    std::vector<double> levelSum(m, 0.0), levelNonZero(m, 0.0);
    for (size_t j = 0; j < i; ++j) {
      levelSum[level(j)] += hist[j];
      levelNonZero[level(j)] += hist[j] > 0 ? 1 : 0;
    }
    std::vector<double> q(i, 0.0);
    for (size_t j = 0; j < i; ++j)
      if (hist[j] > 0)
        q[j] = levelSum[level(j)] / levelNonZero[level(j)];
    double pSum = 0, qSum = 0;
    for (size_t j = 0; j < i; ++j) {
      pSum += p[j];
      qSum += q[j];
    }
    if (qSum == 0)
      continue;
    double kl = 0;
    for (size_t j = 0; j < i; ++j) {
      if (p[j] == 0)
        continue;
      if (q[j] == 0) {
        kl = std::numeric_limits<double>::infinity();
        break;
      }
      kl += p[j] / pSum * std::log((p[j] / pSum) / (q[j] / qSum));
    }
    if (kl <= bestKl) {
      bestKl = kl;
      bestI = i;
    }
  }
  return amax * static_cast<double>(bestI) / static_cast<double>(n);
}

std::vector<float> gaussian(size_t count, double sigma, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, static_cast<float>(sigma));
  std::vector<float> xs(count);
  for (float &x : xs)
    x = dist(rng);
  return xs;
}

std::vector<float> uniform(size_t count, float lo, float hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> xs(count);
  for (float &x : xs)
    x = dist(rng);
  return xs;
}

void expectContainsZero(Range r, const char *what) {
  EXPECT_LE(r.lo, 0.0) << what;
  EXPECT_GE(r.hi, 0.0) << what;
  EXPECT_TRUE(std::isfinite(r.lo) && std::isfinite(r.hi)) << what;
}

class ObserversTest : public ::testing::Test {
protected:
  void SetUp() override { ASSERT_EQ(std::fegetround(), FE_TONEAREST); }
};

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

TEST_F(ObserversTest, Names) {
  EXPECT_EQ(observerName(Observer::MinMax), "minmax");
  EXPECT_EQ(observerName(Observer::MovingAverage), "moving_average");
  EXPECT_EQ(observerName(Observer::Percentile), "percentile");
  EXPECT_EQ(observerName(Observer::Mse), "mse");
  EXPECT_EQ(observerName(Observer::Kl), "kl");
  for (Observer o : kAllObservers)
    EXPECT_EQ(parseObserver(observerName(o)), o);
  EXPECT_EQ(parseObserver("MinMax"), std::nullopt);
  EXPECT_EQ(parseObserver("min_max"), std::nullopt);
  EXPECT_EQ(parseObserver(""), std::nullopt);
  EXPECT_EQ(parseObserver("kl "), std::nullopt);
}

//===----------------------------------------------------------------------===//
// Pass-1 statistics
//===----------------------------------------------------------------------===//

TEST_F(ObserversTest, MinMaxChannelMinMaxHandMade2x3x4) {
  // x[n][c][k], channel axis 1; channel 2 holds only negative values.
  std::vector<float> x = {
      // n = 0
      0.5f, -1.0f, 2.0f, 0.0f,     // c = 0
      -3.0f, 1.0f, 0.25f, 0.0f,    // c = 1
      -0.5f, -4.0f, -0.25f, -1.0f, // c = 2
      // n = 1
      1.0f, -2.5f, 0.0f, 0.0f,      // c = 0
      2.0f, 7.0f, -1.0f, 0.0f,      // c = 1
      -2.0f, -0.125f, -3.0f, -1.0f, // c = 2
  };
  for (int64_t axis : {1, -2}) {
    TensorObserver o({2, 3, 4}, axis);
    o.observe(x.data(), x.size());
    EXPECT_EQ(o.channelAxis(), 1);
    EXPECT_EQ(o.sampleCount(), 1u);
    EXPECT_EQ(o.finiteCount(), 24u);
    EXPECT_EQ(o.nonFiniteCount(), 0u);
    EXPECT_EQ(o.min(), -4.0);
    EXPECT_EQ(o.max(), 7.0);
    EXPECT_EQ(o.channelMin(), (std::vector<float>{-2.5f, -3.0f, -4.0f}));
    EXPECT_EQ(o.channelMax(), (std::vector<float>{2.0f, 7.0f, -0.125f}));
    // Sums by hand over both n: c0 = 1.5 - 1.5, c1 = -1.75 + 8, c2 = -5.75
    // - 6.125, each over 8 values.
    EXPECT_EQ(o.channelMean(),
              (std::vector<double>{0.0, 6.25 / 8, -11.875 / 8}));
    // Squares by hand: c0 = 5.25 + 7.25, c1 = 10.0625 + 54, c2 = 17.3125 +
    // 14.015625, over all 24 values.
    EXPECT_DOUBLE_EQ(o.meanSquare(),
                     (5.25 + 7.25 + 10.0625 + 54.0 + 17.3125 + 14.015625) /
                         24);
    Range r = o.minMaxRange();
    EXPECT_EQ(r.lo, -4.0);
    EXPECT_EQ(r.hi, 7.0);
  }
  // Per tensor: no channel statistics.
  TensorObserver perTensor({2, 3, 4});
  perTensor.observe(x.data(), x.size());
  EXPECT_FALSE(perTensor.channelAxis().has_value());
  EXPECT_TRUE(perTensor.channelMin().empty());
  EXPECT_TRUE(perTensor.channelMax().empty());
  EXPECT_TRUE(perTensor.channelMean().empty());
}

TEST_F(ObserversTest, SampledRowsByHand) {
  // x[n][c][k] = 100 n + 10 c + k, channel axis 1: position p = 4 n + k
  // holds the vector (100 n + k, 100 n + 10 + k, 100 n + 20 + k).
  std::vector<float> x;
  for (int n = 0; n < 2; ++n)
    for (int c = 0; c < 3; ++c)
      for (int k = 0; k < 4; ++k)
        x.push_back(static_cast<float>(100 * n + 10 * c + k));
  TensorObserver o({2, 3, 4}, 1);
  // 8 positions, 3 rows: positions floor(8 / 6), floor(24 / 6), floor(40 / 6)
  // = 1, 4, 6.
  o.sampleRows(x.data(), x.size(), 3);
  EXPECT_EQ(o.sampledRowCount(), 3u);
  EXPECT_EQ(o.sampledRows(),
            (std::vector<float>{1, 11, 21, 100, 110, 120, 102, 112, 122}));
  // More rows than positions: every position, appended to the first.
  o.sampleRows(x.data(), x.size(), 20);
  EXPECT_EQ(o.sampledRowCount(), 11u);
  EXPECT_EQ(o.sampledRows()[9 + 7 * 3], 103.0f);
  // A vector with a NaN is skipped.
  TensorObserver skips({2, 3, 4}, 1);
  x[4 + 2] = std::numeric_limits<float>::quiet_NaN(); // c = 1, position 2
  skips.sampleRows(x.data(), x.size(), 8);
  EXPECT_EQ(skips.sampledRowCount(), 7u);
  EXPECT_EQ(skips.sampledRows()[2 * 3], 3.0f); // position 3
}

TEST_F(ObserversTest, ChannelMinMaxRandomAgainstNestedLoops) {
  const int64_t d0 = 3, d1 = 5, d2 = 7;
  const int64_t dims[3] = {d0, d1, d2};
  for (int64_t axis = 0; axis < 3; ++axis) {
    // Gaussian samples (both signs), except channel 1, only negative, and
    // channel 2, only positive: their ranges do not contain 0.
    std::vector<std::vector<float>> samples;
    for (uint32_t s = 0; s < 4; ++s) {
      std::vector<float> sample = gaussian(d0 * d1 * d2, 1.0 + s, 100 + s);
      for (int64_t a = 0; a < d0; ++a)
        for (int64_t b = 0; b < d1; ++b)
          for (int64_t c = 0; c < d2; ++c) {
            int64_t idx[3] = {a, b, c};
            float &v = sample[(a * d1 + b) * d2 + c];
            if (idx[axis] == 1)
              v = -std::fabs(v) - 0.5f;
            else if (idx[axis] == 2)
              v = std::fabs(v) + 0.25f;
          }
      samples.push_back(std::move(sample));
    }
    TensorObserver o({d0, d1, d2}, axis);
    for (const auto &s : samples)
      o.observe(s.data(), s.size());
    std::vector<float> expectedMin(dims[axis], kInf);
    std::vector<float> expectedMax(dims[axis], -kInf);
    std::vector<double> sum(dims[axis], 0.0);
    double lo = INFINITY, hi = -INFINITY;
    for (const auto &s : samples)
      for (int64_t a = 0; a < d0; ++a)
        for (int64_t b = 0; b < d1; ++b)
          for (int64_t c = 0; c < d2; ++c) {
            float v = s[(a * d1 + b) * d2 + c];
            int64_t idx[3] = {a, b, c};
            expectedMin[idx[axis]] = std::min(expectedMin[idx[axis]], v);
            expectedMax[idx[axis]] = std::max(expectedMax[idx[axis]], v);
            sum[idx[axis]] += v;
            lo = std::min(lo, static_cast<double>(v));
            hi = std::max(hi, static_cast<double>(v));
          }
    EXPECT_EQ(o.channelMin(), expectedMin) << "axis " << axis;
    EXPECT_EQ(o.channelMax(), expectedMax) << "axis " << axis;
    std::vector<double> mean = o.channelMean();
    ASSERT_EQ(mean.size(), sum.size());
    double perChannel = static_cast<double>(samples.size() * d0 * d1 * d2) /
                        static_cast<double>(dims[axis]);
    for (size_t c = 0; c < sum.size(); ++c)
      EXPECT_NEAR(mean[c], sum[c] / perChannel, 1e-12) << "axis " << axis;
    EXPECT_LT(o.channelMax()[1], 0.0f) << "axis " << axis;
    EXPECT_GT(o.channelMin()[2], 0.0f) << "axis " << axis;
    EXPECT_LT(o.channelMin()[0], 0.0f) << "axis " << axis;
    EXPECT_GT(o.channelMax()[0], 0.0f) << "axis " << axis;
    EXPECT_EQ(o.min(), lo);
    EXPECT_EQ(o.max(), hi);
    EXPECT_EQ(o.sampleCount(), 4u);
  }
}

TEST_F(ObserversTest, ChannelWithoutFiniteValuesReportsZero) {
  // Channel 0 sees only NaN and inf; channel 2 only negative values.
  std::vector<float> s1 = {kNaN, 1.0f, -2.0f};
  std::vector<float> s2 = {kInf, -1.0f, -3.0f};
  std::vector<float> s3 = {-kInf, kNaN, kNaN};
  TensorObserver o({3}, 0);
  for (const auto *s : {&s1, &s2, &s3})
    o.observe(s->data(), s->size());
  EXPECT_EQ(o.channelMin(), (std::vector<float>{0.0f, -1.0f, -3.0f}));
  EXPECT_EQ(o.channelMax(), (std::vector<float>{0.0f, 1.0f, -2.0f}));
  // Nothing observed yet: every channel reports 0 : 0.
  TensorObserver fresh({2, 3}, 1);
  EXPECT_EQ(fresh.channelMin(), std::vector<float>(3, 0.0f));
  EXPECT_EQ(fresh.channelMax(), std::vector<float>(3, 0.0f));
}

TEST_F(ObserversTest, MovingAverageOverThreeSamplesByHand) {
  // Sample min/max: (-1, 2), (-3, 4), (-2, 1).
  std::vector<std::vector<float>> samples = {
      {-1.0f, 0.5f, 2.0f}, {4.0f, -3.0f, 0.0f}, {1.0f, -2.0f, 0.25f}};
  TensorObserver o({3});
  for (const auto &s : samples)
    o.observe(s.data(), s.size());
  // min: -1; -1 + 0.01 * (-3 - -1) = -1.02; -1.02 + 0.01 * (-2 - -1.02)
  //      = -1.0298.
  // max: 2; 2 + 0.01 * (4 - 2) = 2.02; 2.02 + 0.01 * (1 - 2.02) = 2.0098.
  Range r = o.movingAverageRange();
  EXPECT_NEAR(r.lo, -1.0298, 1e-12);
  EXPECT_NEAR(r.hi, 2.0098, 1e-12);
  // minmax keeps the extremes.
  EXPECT_EQ(o.minMaxRange().lo, -3.0);
  EXPECT_EQ(o.minMaxRange().hi, 4.0);

  // All-positive samples: the average is widened to include 0.
  TensorObserver positive({2});
  std::vector<std::vector<float>> pos = {{1.0f, 3.0f}, {2.0f, 5.0f}};
  for (const auto &s : pos)
    positive.observe(s.data(), s.size());
  Range p = positive.movingAverageRange();
  EXPECT_EQ(p.lo, 0.0);
  EXPECT_NEAR(p.hi, 3.02, 1e-12); // 3 + 0.01 * (5 - 3)
}

//===----------------------------------------------------------------------===//
// Histogram rules
//===----------------------------------------------------------------------===//

TEST_F(ObserversTest, PercentileOnUniformData) {
  // -5000, ..., 4999: the histogram on [-5000, 4999] has bins of 9999/2048.
  std::vector<float> xs;
  std::vector<double> ref;
  for (int v = -5000; v < 5000; ++v) {
    xs.push_back(static_cast<float>(v));
    ref.push_back(v);
  }
  TensorObserver o = observeOne(xs);
  double binWidth = 9999.0 / 2048;
  for (double p : {99.99, 99.0, 90.0, 75.0}) {
    Range r = o.percentileRange(p);
    EXPECT_TRUE(nearOrderStatistic(ref, 1 - p / 100, r.lo, binWidth))
        << "p = " << p << ": lo = " << r.lo;
    EXPECT_TRUE(nearOrderStatistic(ref, p / 100, r.hi, binWidth))
        << "p = " << p << ": hi = " << r.hi;
  }
  // Known quantiles: 0.01% of 10000 values is one value on each side.
  Range def = o.percentileRange();
  EXPECT_NEAR(def.lo, -4999.0, binWidth);
  EXPECT_NEAR(def.hi, 4998.0, binWidth);
  Range p90 = o.percentileRange(90);
  EXPECT_NEAR(p90.lo, -4000.0, binWidth);
  EXPECT_NEAR(p90.hi, 3999.0, binWidth);
  // p = 50: both quantiles near the median -1, widened to contain 0.
  Range median = o.percentileRange(50);
  EXPECT_NEAR(median.lo, -1.0, binWidth);
  EXPECT_EQ(median.hi, 0.0);
  // p = 100 is minmax.
  Range all = o.percentileRange(100);
  EXPECT_DOUBLE_EQ(all.lo, -5000.0);
  EXPECT_DOUBLE_EQ(all.hi, 4999.0);

  // |x| percentiles (what #qc.stats records), on [0, 5000].
  std::vector<double> abs;
  for (double v : ref)
    abs.push_back(std::fabs(v));
  double absBin = 5000.0 / 2048;
  for (double p : {99.99, 99.9, 90.0, 50.0, 0.0, 100.0})
    EXPECT_TRUE(nearOrderStatistic(abs, p / 100, o.absPercentile(p), absBin))
        << "p = " << p << ": " << o.absPercentile(p);
  EXPECT_NEAR(o.absPercentile(90), 4500.0, absBin);
}

TEST_F(ObserversTest, PercentileOnRandomDataAcrossSamples) {
  // Ten samples of 1000 Gaussian values; sparse tails, where the bin holding
  // the order statistic is what the definition promises.
  std::vector<std::vector<float>> samples;
  std::vector<double> all;
  for (uint32_t s = 0; s < 10; ++s) {
    samples.push_back(gaussian(1000, 1.5, 7 + s));
    all.insert(all.end(), samples.back().begin(), samples.back().end());
  }
  TensorObserver o = observeAll(samples, {1000});
  double binWidth = (o.max() - o.min()) / 2048;
  for (double p : {99.99, 99.9, 99.0, 95.0, 60.0}) {
    Range r = o.percentileRange(p);
    EXPECT_TRUE(nearOrderStatistic(all, 1 - p / 100, r.lo, binWidth))
        << "p = " << p << ": lo = " << r.lo;
    EXPECT_TRUE(nearOrderStatistic(all, p / 100, r.hi, binWidth))
        << "p = " << p << ": hi = " << r.hi;
  }
}

TEST_F(ObserversTest, MseClipsOutliersAndBeatsOtherRanges) {
  // 20000 values uniform on [-1, 1] and a few large outliers.
  std::vector<float> xs = uniform(20000, -1.0f, 1.0f, 42);
  for (float outlier : {9.0f, -7.5f, 11.0f})
    xs.push_back(outlier);
  TensorObserver o = observeOne(xs);
  Range full = o.minMaxRange();
  ASSERT_EQ(full.lo, -7.5);
  ASSERT_EQ(full.hi, 11.0);
  for (unsigned bits : {4u, 6u, 8u}) {
    SCOPED_TRACE("bits = " + std::to_string(bits));
    Range r = o.mseRange(bits);
    expectContainsZero(r, "mse");
    EXPECT_LT(r.hi - r.lo, full.hi - full.lo);
    double err = bruteForceMse(xs, r, bits);
    EXPECT_LE(err, bruteForceMse(xs, full, bits));
    // Other candidate ranges: scaled minmax, the bulk, symmetric ones.
    for (double f : {0.9, 0.75, 0.5, 0.25, 0.1})
      EXPECT_LE(err, bruteForceMse(xs, {full.lo * f, full.hi * f}, bits))
          << "f = " << f;
    for (Range other : {Range{-1, 1}, Range{-2, 2}, Range{-11, 11}})
      EXPECT_LE(err, bruteForceMse(xs, other, bits))
          << "[" << other.lo << ", " << other.hi << "]";
    // Close to the best of the library's candidate set by brute force: the
    // histogram's bin centers cost at most a few percent.
    double best = INFINITY;
    for (unsigned k = 1; k <= kMseSteps; ++k) {
      double f = static_cast<double>(k) / kMseSteps;
      best = std::min(best, bruteForceMse(xs, {full.lo * f, full.hi * f},
                                          bits));
    }
    EXPECT_LE(err, best * 1.05);
  }
}

TEST_F(ObserversTest, MseKeepsTheRangeWithoutOutliers) {
  // Uniform data at 8 bits: clamping any of it costs more than the rounding
  // saved, so the range stays within a step or two of minmax.
  std::vector<float> xs = uniform(20000, -2.0f, 3.0f, 5);
  TensorObserver o = observeOne(xs);
  Range full = o.minMaxRange();
  Range r = o.mseRange(8);
  EXPECT_GE(r.hi - r.lo, 0.98 * (full.hi - full.lo));
  EXPECT_LE(bruteForceMse(xs, r, 8), 1.05 * bruteForceMse(xs, full, 8));
}

TEST_F(ObserversTest, KlOnGaussianIsBetweenTwoAndFiveSigma) {
  const double sigma = 0.75;
  std::vector<std::vector<float>> samples;
  for (uint32_t s = 0; s < 50; ++s)
    samples.push_back(gaussian(2000, sigma, 1000 + s));
  TensorObserver o = observeAll(samples, {2000});
  Range r = o.klRange(8);
  EXPECT_EQ(r.lo, -r.hi);
  EXPECT_GE(r.hi, 2 * sigma);
  EXPECT_LE(r.hi, 5 * sigma);
  EXPECT_LE(r.hi, std::max(-o.min(), o.max()));
}

TEST_F(ObserversTest, KlOnUniformIsCloseToTheMax) {
  std::vector<float> xs = uniform(100000, -4.0f, 4.0f, 3);
  TensorObserver o = observeOne(xs);
  double amax = std::max(-o.min(), o.max());
  Range r = o.klRange(8);
  EXPECT_EQ(r.lo, -r.hi);
  EXPECT_GE(r.hi, 0.98 * amax);
  EXPECT_LE(r.hi, amax);

  // Non-negative data: [0, t].
  std::vector<float> pos = uniform(100000, 0.0f, 6.0f, 4);
  TensorObserver p = observeOne(pos);
  Range rp = p.klRange(8);
  EXPECT_EQ(rp.lo, 0.0);
  EXPECT_GE(rp.hi, 0.98 * p.max());
  EXPECT_LE(rp.hi, p.max());
}

TEST_F(ObserversTest, KlMatchesTheDefinitionOnSmallHistograms) {
  // Few bins so that the reference's explicit loops stay cheap; Laplace-like
  // data (heavy tails) so that clipping pays off.
  std::mt19937 rng(11);
  std::exponential_distribution<float> expo(1.0f);
  std::bernoulli_distribution sign(0.5);
  std::vector<float> xs(5000);
  for (float &x : xs)
    x = sign(rng) ? expo(rng) : -expo(rng);
  for (size_t bins : {16u, 40u, 64u, 101u})
    for (unsigned bits : {2u, 3u, 4u}) {
      TensorObserver o = observeOne(xs, bins);
      double t = referenceKlThreshold(xs, bins, bits);
      Range r = o.klRange(bits);
      EXPECT_NEAR(r.hi, t, 1e-9 * t) << bins << " bins, " << bits << " bits";
      EXPECT_EQ(r.lo, -r.hi);
    }
  // Clipping happens for these tails at 3 bits and 64 bins.
  TensorObserver o = observeOne(xs, 64);
  EXPECT_LT(o.klRange(3).hi, std::max(-o.min(), o.max()));

  // Non-negative data (|x| of the same samples): 2^bits levels.
  std::vector<float> magnitudes(xs);
  for (float &x : magnitudes)
    x = std::fabs(x);
  for (size_t bins : {16u, 40u, 64u, 101u})
    for (unsigned bits : {2u, 3u, 4u}) {
      TensorObserver positive = observeOne(magnitudes, bins);
      double t = referenceKlThreshold(magnitudes, bins, bits);
      Range r = positive.klRange(bits);
      EXPECT_NEAR(r.hi, t, 1e-9 * t) << bins << " bins, " << bits << " bits";
      EXPECT_EQ(r.lo, 0.0);
    }
}

//===----------------------------------------------------------------------===//
// Invariants and edge cases
//===----------------------------------------------------------------------===//

TEST_F(ObserversTest, RangesAlwaysContainZero) {
  std::vector<std::vector<float>> dataSets = {
      uniform(3000, 1.0f, 2.0f, 1),     // positive only
      uniform(3000, -3.0f, -1.0f, 2),   // negative only
      uniform(3000, -0.5f, 4.0f, 3),    // mixed
      gaussian(3000, 2.0, 4),           // symmetric
  };
  for (const auto &xs : dataSets) {
    // Two samples of half the data each.
    std::vector<float> a(xs.begin(), xs.begin() + 1500);
    std::vector<float> b(xs.begin() + 1500, xs.end());
    TensorObserver o = observeAll({a, b}, {1500});
    for (Observer obs : kAllObservers)
      for (unsigned bits : {2u, 4u, 8u})
        expectContainsZero(o.range(obs, bits),
                           observerName(obs).c_str());
  }
}

TEST_F(ObserversTest, NonFiniteValuesAreCountedNotAbsorbed) {
  std::vector<float> s1 = {1.0f, kNaN, -2.0f, kInf};
  std::vector<float> s2 = {-kInf, 0.5f, 3.0f, kNaN};
  std::vector<float> s3 = {kNaN, kNaN, kInf, -kInf}; // nothing finite
  TensorObserver o({2, 2}, 0);
  for (const auto *s : {&s1, &s2, &s3})
    o.observe(s->data(), s->size());
  EXPECT_EQ(o.nonFiniteCount(), 8u);
  EXPECT_EQ(o.finiteCount(), 4u);
  EXPECT_EQ(o.sampleCount(), 3u);
  EXPECT_EQ(o.min(), -2.0);
  EXPECT_EQ(o.max(), 3.0);
  // Channel 0 saw 1 and 0.5, channel 1 saw -2 and 3.
  EXPECT_EQ(o.channelMin(), (std::vector<float>{0.5f, -2.0f}));
  EXPECT_EQ(o.channelMax(), (std::vector<float>{1.0f, 3.0f}));
  EXPECT_EQ(o.meanSquare(), (1.0 + 4.0 + 0.25 + 9.0) / 4);
  // The moving average saw (-2, 1) then (0.5, 3); s3 has no finite value.
  Range ma = o.movingAverageRange();
  EXPECT_NEAR(ma.lo, -2.0 + 0.01 * (0.5 + 2.0), 1e-12);
  EXPECT_NEAR(ma.hi, 1.0 + 0.01 * (3.0 - 1.0), 1e-12);
  o.beginHistogram();
  for (const auto *s : {&s1, &s2, &s3})
    o.observeHistogram(s->data(), s->size());
  EXPECT_EQ(o.histogramOutOfRangeCount(), 0u);
  for (Observer obs : kAllObservers)
    expectContainsZero(o.range(obs), observerName(obs).c_str());
  EXPECT_EQ(o.percentileRange(100).lo, -2.0);
  EXPECT_EQ(o.percentileRange(100).hi, 3.0);
}

TEST_F(ObserversTest, AllZeroTensorGivesZeroRange) {
  std::vector<float> zeros(24, 0.0f);
  TensorObserver o = observeAll({zeros, zeros}, {2, 3, 4}, 1);
  EXPECT_EQ(o.channelMin(), (std::vector<float>{0.0f, 0.0f, 0.0f}));
  EXPECT_EQ(o.channelMax(), (std::vector<float>{0.0f, 0.0f, 0.0f}));
  for (Observer obs : kAllObservers)
    for (unsigned bits : {1u, 8u, 16u}) {
      Range r = o.range(obs, bits);
      EXPECT_EQ(r.lo, 0.0) << observerName(obs);
      EXPECT_EQ(r.hi, 0.0) << observerName(obs);
    }
  EXPECT_EQ(o.absPercentile(99.9), 0.0);

  // Nothing observed at all (or only NaN): [0, 0] as well.
  TensorObserver empty({4});
  empty.beginHistogram();
  TensorObserver nans({2});
  std::vector<float> nan2 = {kNaN, kNaN};
  nans.observe(nan2.data(), 2);
  nans.beginHistogram();
  nans.observeHistogram(nan2.data(), 2);
  for (const TensorObserver *t : {&empty, &nans})
    for (Observer obs : kAllObservers) {
      Range r = t->range(obs);
      EXPECT_EQ(r.lo, 0.0) << observerName(obs);
      EXPECT_EQ(r.hi, 0.0) << observerName(obs);
    }
  EXPECT_EQ(nans.nonFiniteCount(), 2u);
}

TEST_F(ObserversTest, SingleValue) {
  // A scalar tensor observed once.
  std::vector<float> one = {-0.75f};
  TensorObserver o = observeAll({one}, {});
  EXPECT_EQ(o.sampleCount(), 1u);
  for (Observer obs : {Observer::MinMax, Observer::MovingAverage,
                       Observer::Percentile, Observer::Mse}) {
    Range r = o.range(obs);
    EXPECT_EQ(r.lo, -0.75) << observerName(obs);
    EXPECT_EQ(r.hi, 0.0) << observerName(obs);
  }
  // kl is symmetric for data with negative values.
  Range kl = o.klRange();
  EXPECT_EQ(kl.lo, -0.75);
  EXPECT_EQ(kl.hi, 0.75);
  // One value quantizes exactly on the chosen grid.
  EXPECT_DOUBLE_EQ(quantDequant(-0.75, o.mseRange(8), 8), -0.75);
}

TEST_F(ObserversTest, ConstantPositiveTensor) {
  std::vector<float> c(50, 2.5f);
  TensorObserver o = observeAll({c, c, c}, {5, 10}, 1);
  EXPECT_EQ(o.channelMin(), std::vector<float>(10, 2.5f));
  EXPECT_EQ(o.channelMax(), std::vector<float>(10, 2.5f));
  for (Observer obs : kAllObservers)
    for (unsigned bits : {2u, 8u}) {
      Range r = o.range(obs, bits);
      EXPECT_EQ(r.lo, 0.0) << observerName(obs);
      EXPECT_EQ(r.hi, 2.5) << observerName(obs);
    }
  // |x| lies in the last bin of [0, 2.5], its mass spread over that bin.
  EXPECT_LE(o.absPercentile(50), 2.5);
  EXPECT_GE(o.absPercentile(50), 2.5 - 2.5 / 2048);
}

TEST_F(ObserversTest, SecondPassOutsideTheFirstPassRangeIsCounted) {
  std::vector<float> a = {-1.0f, 1.0f};
  std::vector<float> b = {-3.0f, 0.5f};
  TensorObserver o({2});
  o.observe(a.data(), 2);
  o.beginHistogram(8);
  o.observeHistogram(b.data(), 2);
  EXPECT_EQ(o.histogramOutOfRangeCount(), 1u);
  // beginHistogram again restarts pass 2.
  o.beginHistogram(8);
  o.observeHistogram(a.data(), 2);
  EXPECT_EQ(o.histogramOutOfRangeCount(), 0u);
}

} // namespace
