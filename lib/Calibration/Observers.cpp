//===- Observers.cpp - Calibration statistics and clipping ranges ---------===//
//
// The definitions are in Observers.h; comments here say how they are
// computed.
//
//===----------------------------------------------------------------------===//

#include "qc/Calibration/Observers.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <utility>

using namespace qc::calibration;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// The nearest integer to a finite y, ties to even, whatever the current
/// rounding mode (as QCNumerics rounds): the IEEE remainder r = y - n takes n
/// as y rounded half to even and is exact, so y - r is exactly n.
double roundHalfToEven(double y) { return y - std::remainder(y, 1.0); }

/// [lo, hi] widened to contain 0.
Range widenToZero(double lo, double hi) {
  return {std::min(lo, 0.0), std::max(hi, 0.0)};
}

} // namespace

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

std::string qc::calibration::observerName(Observer observer) {
  switch (observer) {
  case Observer::MinMax:
    return "minmax";
  case Observer::MovingAverage:
    return "moving_average";
  case Observer::Percentile:
    return "percentile";
  case Observer::Mse:
    return "mse";
  case Observer::Kl:
    return "kl";
  }
  __builtin_unreachable(); // Every enumerator returns above.
}

std::optional<Observer> qc::calibration::parseObserver(std::string_view name) {
  for (Observer observer : {Observer::MinMax, Observer::MovingAverage,
                            Observer::Percentile, Observer::Mse, Observer::Kl})
    if (name == observerName(observer))
      return observer;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Histogram
//===----------------------------------------------------------------------===//

double TensorObserver::Histogram::binWidth() const {
  return (hi - lo) / static_cast<double>(counts.size());
}

double TensorObserver::Histogram::binCenter(size_t j) const {
  // lo == hi: one point, every bin (only bin 0 is filled) stands for it.
  return lo + (static_cast<double>(j) + 0.5) * binWidth();
}

bool TensorObserver::Histogram::add(double x) {
  ++total;
  size_t bins = counts.size();
  bool inRange = x >= lo && x <= hi;
  if (!(hi > lo) || x <= lo) {
    ++counts[0];
    return inRange;
  }
  if (x >= hi) {
    ++counts[bins - 1];
    return inRange;
  }
  // floor((x - lo) / (hi - lo) * bins); rounding can only reach `bins` for x
  // just below hi, which belongs to the last bin.
  size_t j =
      static_cast<size_t>((x - lo) / (hi - lo) * static_cast<double>(bins));
  ++counts[std::min(j, bins - 1)];
  return true;
}

double TensorObserver::Histogram::quantile(double q) const {
  double target = q * static_cast<double>(total);
  if (target <= 0)
    return lo;
  double width = binWidth();
  double below = 0; // C_j: values in bins before j.
  for (size_t j = 0; j < counts.size(); ++j) {
    double n = static_cast<double>(counts[j]);
    if (n > 0 && below + n >= target)
      return lo + width * (static_cast<double>(j) + (target - below) / n);
    below += n;
  }
  return hi; // q == 1 up to rounding of q * total.
}

//===----------------------------------------------------------------------===//
// Observation
//===----------------------------------------------------------------------===//

TensorObserver::TensorObserver(std::vector<int64_t> shape,
                               std::optional<int64_t> channelAxis)
    : shape_(std::move(shape)), min_(kInf), max_(-kInf) {
  for (int64_t dim : shape_) {
    assert(dim >= 0 && "negative dimension");
    numElements_ *= static_cast<size_t>(std::max<int64_t>(dim, 0));
  }
  if (!channelAxis)
    return;
  int64_t rank = static_cast<int64_t>(shape_.size());
  int64_t axis = *channelAxis < 0 ? *channelAxis + rank : *channelAxis;
  assert(axis >= 0 && axis < rank && "channel axis outside the shape");
  if (axis < 0 || axis >= rank)
    return; // Release builds: no channel statistics rather than bad indices.
  channelAxis_ = axis;
  channels_ = static_cast<size_t>(std::max<int64_t>(shape_[axis], 0));
  for (int64_t d = axis + 1; d < rank; ++d)
    inner_ *= static_cast<size_t>(std::max<int64_t>(shape_[d], 0));
  channelMin_.assign(channels_, std::numeric_limits<float>::infinity());
  channelMax_.assign(channels_, -std::numeric_limits<float>::infinity());
  channelSum_.assign(channels_, 0.0);
  channelCount_.assign(channels_, 0);
}

void TensorObserver::observe(const float *data, size_t count) {
  assert(count == numElements_ && "sample size does not match the shape");
  assert(!hasHistogram() && "observe after beginHistogram");
  ++samples_;
  float sampleMin = std::numeric_limits<float>::infinity();
  float sampleMax = -std::numeric_limits<float>::infinity();
  bool perChannel = channelAxis_.has_value() && channels_ > 0;
  // Element i is in channel (i / inner) % channels; step the pair (k, c)
  // along with i instead of dividing.
  size_t k = 0, c = 0;
  for (size_t i = 0; i < count; ++i) {
    float x = data[i];
    if (std::isfinite(x)) {
      ++finite_;
      sumSquares_ += static_cast<double>(x) * x;
      sampleMin = std::min(sampleMin, x);
      sampleMax = std::max(sampleMax, x);
      if (perChannel) {
        channelMin_[c] = std::min(channelMin_[c], x);
        channelMax_[c] = std::max(channelMax_[c], x);
        channelSum_[c] += x;
        ++channelCount_[c];
      }
    } else {
      ++nonFinite_;
    }
    if (perChannel && ++k == inner_) {
      k = 0;
      if (++c == channels_)
        c = 0;
    }
  }
  if (!(sampleMin <= sampleMax))
    return; // No finite value: nothing to average.
  min_ = std::min(min_, static_cast<double>(sampleMin));
  max_ = std::max(max_, static_cast<double>(sampleMax));
  if (!movingInitialized_) {
    movingMin_ = sampleMin;
    movingMax_ = sampleMax;
    movingInitialized_ = true;
  } else {
    movingMin_ += kMovingAverageConstant * (sampleMin - movingMin_);
    movingMax_ += kMovingAverageConstant * (sampleMax - movingMax_);
  }
}

void TensorObserver::sampleRows(const float *data, size_t count,
                                size_t rows) {
  assert(count == numElements_ && "sample size does not match the shape");
  assert(channelAxis_ && "sampling rows needs a channel axis");
  size_t positions = channels_ > 0 ? numElements_ / channels_ : 0;
  size_t kept = std::min(rows, positions);
  std::vector<float> row(channels_);
  for (size_t k = 0; k < kept; ++k) {
    size_t position = (2 * k + 1) * positions / (2 * kept);
    size_t outer = position / inner_, offset = position % inner_;
    for (size_t c = 0; c < channels_; ++c)
      row[c] = data[(outer * channels_ + c) * inner_ + offset];
    if (std::all_of(row.begin(), row.end(),
                    [](float x) { return std::isfinite(x); }))
      rows_.insert(rows_.end(), row.begin(), row.end());
  }
}

std::vector<double> TensorObserver::channelMean() const {
  std::vector<double> mean(channelSum_.size(), 0.0);
  for (size_t c = 0; c < mean.size(); ++c)
    if (channelCount_[c] > 0)
      mean[c] = channelSum_[c] / static_cast<double>(channelCount_[c]);
  return mean;
}

double TensorObserver::meanSquare() const {
  return finite_ > 0 ? sumSquares_ / static_cast<double>(finite_) : 0.0;
}

std::vector<float>
TensorObserver::seenOrZero(const std::vector<float> &bounds) const {
  std::vector<float> result = bounds;
  for (size_t c = 0; c < result.size(); ++c)
    if (channelMin_[c] > channelMax_[c]) // Still the identities.
      result[c] = 0.0f;
  return result;
}

void TensorObserver::beginHistogram(size_t bins) {
  assert(bins >= 1 && "a histogram needs a bin");
  bins = std::max<size_t>(bins, 1);
  // Nothing finite seen: an empty histogram on [0, 0] (every range is [0, 0]).
  bool any = finite_ > 0;
  double lo = any ? min_ : 0.0, hi = any ? max_ : 0.0;
  histogram_ = Histogram{lo, hi, std::vector<uint64_t>(bins, 0), 0};
  absHistogram_ = Histogram{0.0, std::max(std::fabs(lo), std::fabs(hi)),
                            std::vector<uint64_t>(bins, 0), 0};
  outOfRange_ = 0;
}

void TensorObserver::observeHistogram(const float *data, size_t count) {
  assert(count == numElements_ && "sample size does not match the shape");
  assert(hasHistogram() && "observeHistogram before beginHistogram");
  if (!hasHistogram())
    return;
  for (size_t i = 0; i < count; ++i) {
    float x = data[i];
    if (!std::isfinite(x))
      continue;
    if (!histogram_.add(x))
      ++outOfRange_;
    absHistogram_.add(std::fabs(static_cast<double>(x)));
  }
}

//===----------------------------------------------------------------------===//
// Ranges
//===----------------------------------------------------------------------===//

double TensorObserver::absPercentile(double p) const {
  assert(p >= 0 && p <= 100 && "percentile rank outside [0, 100]");
  if (absHistogram_.total == 0)
    return 0;
  return absHistogram_.quantile(p / 100);
}

Range TensorObserver::minMaxRange() const {
  if (!(min_ <= max_))
    return {};
  return widenToZero(min_, max_);
}

Range TensorObserver::movingAverageRange() const {
  if (!movingInitialized_)
    return {};
  return widenToZero(movingMin_, movingMax_);
}

Range TensorObserver::percentileRange(double p) const {
  assert(p >= 50 && p <= 100 && "percentile rank outside [50, 100]");
  assert(hasHistogram() && "percentile needs the histogram pass");
  if (histogram_.total == 0)
    return {};
  double q = p / 100;
  return widenToZero(histogram_.quantile(1 - q), histogram_.quantile(q));
}

Range TensorObserver::mseRange(unsigned bits) const {
  assert(bits >= 1 && bits <= 16 && "mse bits outside [1, 16]");
  assert(hasHistogram() && "mse needs the histogram pass");
  Range full = minMaxRange();
  if (histogram_.total == 0 || !(full.hi > full.lo))
    return full;
  double qmax = std::ldexp(1.0, static_cast<int>(bits)) - 1;
  // Bin centers and counts once; empty bins add nothing.
  std::vector<std::pair<double, double>> mass;
  for (size_t j = 0; j < histogram_.counts.size(); ++j)
    if (histogram_.counts[j])
      mass.emplace_back(histogram_.binCenter(j),
                        static_cast<double>(histogram_.counts[j]));

  Range best = full;
  double bestError = kInf;
  // From the widest candidate down, replacing only on a strictly smaller
  // error: ties keep the wider range.
  for (unsigned k = kMseSteps; k >= 1; --k) {
    double f = static_cast<double>(k) / kMseSteps;
    double lo = full.lo * f, hi = full.hi * f;
    double scale = (hi - lo) / qmax;
    double zero = std::clamp(roundHalfToEven(-lo / scale), 0.0, qmax);
    double error = 0;
    for (const auto &[center, count] : mass) {
      double q = std::clamp(roundHalfToEven(center / scale) + zero, 0.0, qmax);
      double d = center - scale * (q - zero);
      error += count * d * d;
    }
    if (error < bestError) {
      bestError = error;
      best = {lo, hi};
    }
  }
  return best;
}

Range TensorObserver::klRange(unsigned bits) const {
  assert(bits >= 1 && bits <= 16 && "kl bits outside [1, 16]");
  assert(hasHistogram() && "kl needs the histogram pass");
  const std::vector<uint64_t> &h = absHistogram_.counts;
  double absMax = absHistogram_.hi;
  if (absHistogram_.total == 0 || !(absMax > 0))
    return {};
  size_t n = h.size();
  // A signed grid spends 2^(bits-1) levels on [0, t]; the affine grid of a
  // non-negative tensor spends all 2^bits there.
  size_t levels = size_t(1) << (min_ >= 0 ? bits : bits - 1);
  double total = static_cast<double>(absHistogram_.total);

  // prefix[i] = h_0 + ... + h_{i-1}.
  std::vector<double> prefix(n + 1, 0.0);
  for (size_t j = 0; j < n; ++j)
    prefix[j + 1] = prefix[j] + static_cast<double>(h[j]);

  size_t bestI = n;
  double bestKl = kInf;
  std::vector<double> q;
  for (size_t i = std::min(levels, n); i <= n; ++i) {
    double sliceSum = prefix[i];
    if (sliceSum == 0)
      continue; // Q would be empty: every value is an outlier.
    double outliers = total - sliceSum;
    if (outliers > 0 && h[i - 1] == 0)
      continue; // P_{i-1} > 0 = Q_{i-1}: KL is +inf, skip the O(i) work.
    // With fewer bins than levels (only when levels > n, at i = n) every bin
    // is its own level.
    size_t m = std::min(levels, i);
    size_t perLevel = i / m;
    q.assign(i, 0.0);
    for (size_t l = 0; l < m; ++l) {
      size_t begin = l * perLevel;
      size_t end = l + 1 == m ? i : begin + perLevel;
      size_t nonZero = 0;
      for (size_t j = begin; j < end; ++j)
        nonZero += h[j] != 0;
      if (nonZero == 0)
        continue;
      double share = (prefix[end] - prefix[begin]) / nonZero;
      for (size_t j = begin; j < end; ++j)
        if (h[j] != 0)
          q[j] = share;
    }
    double kl = 0;
    for (size_t j = 0; j < i; ++j) {
      double p = static_cast<double>(h[j]) + (j + 1 == i ? outliers : 0.0);
      if (p == 0)
        continue;
      if (q[j] == 0) {
        kl = kInf;
        break;
      }
      double pn = p / total, qn = q[j] / sliceSum;
      kl += pn * std::log(pn / qn);
    }
    // <=: ties go to the larger i.
    if (kl < kInf && kl <= bestKl) {
      bestKl = kl;
      bestI = i;
    }
  }
  double t = bestI == n ? absMax
                        : absMax * static_cast<double>(bestI) /
                              static_cast<double>(n);
  if (min_ >= 0)
    return {0.0, t};
  return {-t, t};
}

Range TensorObserver::range(Observer observer, unsigned bits,
                            double percentile) const {
  switch (observer) {
  case Observer::MinMax:
    return minMaxRange();
  case Observer::MovingAverage:
    return movingAverageRange();
  case Observer::Percentile:
    return percentileRange(percentile);
  case Observer::Mse:
    return mseRange(bits);
  case Observer::Kl:
    return klRange(bits);
  }
  __builtin_unreachable(); // Every enumerator returns above.
}
