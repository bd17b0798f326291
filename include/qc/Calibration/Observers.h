//===- Observers.h - Calibration statistics and clipping ranges -*- C++ -*-===//
//
// What calibration does with the float tensors it sees: a TensorObserver
// accumulates one tensor's statistics over every calibration sample (min/max,
// per-channel min/max, PyTorch's moving-average min/max, histograms of x and
// |x|) without storing samples, and turns them into a clipping range by one
// of five rules (minmax, moving_average, percentile, mse, kl). The range is
// what a scheme's scale and zero point are later computed from.
//
// Like QCNumerics this library depends only on the C++ standard library, so a
// calibration driver, a runtime or a test can use it without MLIR.
//
// Conventions shared by every function below:
//  * Non-finite values (NaN, +-inf) are never folded into a statistic: they
//    are skipped and counted (nonFiniteCount()), so that the caller can
//    report an error naming the tensor instead of calibrating on garbage.
//  * Every range contains 0 (lo <= 0 <= hi), so real zero is exactly
//    representable by the affine grid built on it (ALGORITHMS.md section 1).
//  * Nothing finite observed (or an all-zero tensor) gives the range [0, 0]
//    from every rule. That is not a usable quantization range (its scale
//    would be 0); the caller decides (e.g. scale 1, zero point 0, since every
//    value it saw quantizes to 0 exactly).
//
//===----------------------------------------------------------------------===//

#ifndef QC_CALIBRATION_OBSERVERS_H
#define QC_CALIBRATION_OBSERVERS_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qc::calibration {

/// The rule that turns statistics into a clipping range.
enum class Observer { MinMax, MovingAverage, Percentile, Mse, Kl };

/// Version of the statistics file calibration writes (every observer's
/// range per tap, JSON) and qc-calibrate reads.
/// Version 2: per-channel "channel_min"/"channel_max" (version 1 had only
/// "channel_absmax", which smoothing's shift cannot be computed from), and
/// optionally "rows" (sampled channel vectors: base64 of little-endian
/// float32, "row_count" of them; files without them serve everything but
/// smoothing's alpha search), "channel_mean" (files without it serve
/// everything but bias correction) and "mean_square" (files without it
/// serve everything but bit-width search).
inline constexpr int64_t kStatsFileVersion = 2;

/// Channel vectors calibration keeps per tapped value with a channel axis
/// (spread over the samples): enough for alpha search to rank candidates by
/// output error, few enough for the statistics file.
inline constexpr size_t kSampledRows = 128;

/// "minmax", "moving_average", "percentile", "mse", "kl".
std::string observerName(Observer observer);

/// Inverse of observerName (exact, case-sensitive match); std::nullopt for
/// any other string.
std::optional<Observer> parseObserver(std::string_view name);

/// A clipping range [lo, hi]; every range returned here has lo <= 0 <= hi.
struct Range {
  double lo = 0;
  double hi = 0;
};

/// PyTorch MovingAverageMinMaxObserver's averaging_constant.
inline constexpr double kMovingAverageConstant = 0.01;
/// Histogram bins unless beginHistogram is told otherwise (TensorRT's and
/// PyTorch HistogramObserver's 2048).
inline constexpr size_t kDefaultHistogramBins = 2048;
/// Percentile rank: cut 0.01% of the values on each side.
inline constexpr double kDefaultPercentile = 99.99;
/// Number of candidate ranges the mse rule tries: [lo, hi] * k / kMseSteps
/// for k = 1..kMseSteps (0.5% steps).
inline constexpr unsigned kMseSteps = 200;

/// Statistics of one tensor over all calibration samples.
///
/// Two passes over the calibration set:
///   pass 1: observe(sample) for every sample: min, max, per-channel min and
///           max, moving-average min/max, non-finite count;
///   then    beginHistogram(bins): fixes the histogram of x to [min, max] and
///           the histogram of |x| to [0, max(|min|, |max|)], the ranges pass 1
///           found (a histogram's range must be known before it is filled,
///           and rebinning on the fly would blur it);
///   pass 2: observeHistogram(sample) for every sample fills both histograms.
/// Only minMaxRange and movingAverageRange are available after pass 1 alone;
/// percentileRange, mseRange, klRange and absPercentile need pass 2.
/// Memory: the per-channel vectors and two histograms, never the samples.
class TensorObserver {
public:
  /// `shape` is the row-major shape of every sample (all dims >= 0).
  /// `channelAxis`, when given, is the axis along which channelMin() and
  /// channelMax() are kept; negative values count from the end (ONNX
  /// style). It must name an axis of `shape` (asserted; qc.observe's
  /// verifier guarantees it).
  explicit TensorObserver(std::vector<int64_t> shape,
                          std::optional<int64_t> channelAxis = std::nullopt);

  /// Pass 1: one sample, `count` floats in row-major order of the shape.
  /// `count` must equal the shape's element count (asserted); the channel of
  /// element i is (i / inner) % channels, inner being the product of the dims
  /// after the axis. Updates min, max, the per-channel min and max and the
  /// moving average (skipped for a sample without finite values). Must not be
  /// called after beginHistogram (asserted): the histogram range would be
  /// stale.
  void observe(const float *data, size_t count);

  /// Ends pass 1 and fixes the histogram ranges from min and max (see the
  /// class comment); `bins` >= 1 (asserted). Calling it again restarts pass 2
  /// with empty histograms.
  void beginHistogram(size_t bins = kDefaultHistogramBins);

  /// Pass 2: one sample, the same layout as observe. Bin j of the x histogram
  /// holds x with floor((x - min) / (max - min) * bins) == j (x == max goes to
  /// the last bin; max == min puts everything in bin 0); likewise for |x| on
  /// [0, absMax]. Non-finite values are skipped (pass 1 counted them already).
  /// Finite values outside pass 1's range (different data in pass 2) are
  /// clamped into the edge bins and counted in histogramOutOfRangeCount().
  /// Requires beginHistogram (asserted).
  void observeHistogram(const float *data, size_t count);

  /// Keeps up to `rows` channel vectors of one sample (the layout of
  /// observe): with P positions (elements per channel; position p is the
  /// p-th index of the other dims in row-major order) and n = min(rows, P),
  /// the vectors at positions floor((k + 1/2) P / n), k = 0 .. n - 1, in
  /// that order; a vector with a non-finite element is skipped. Needs a
  /// channel axis (asserted). What smoothing's alpha search measures on.
  void sampleRows(const float *data, size_t count, size_t rows);

  //===--------------------------------------------------------------------===//
  // Statistics
  //===--------------------------------------------------------------------===//

  const std::vector<int64_t> &shape() const { return shape_; }
  /// The normalized (non-negative) channel axis, if any.
  std::optional<int64_t> channelAxis() const { return channelAxis_; }
  /// Calls to observe.
  uint64_t sampleCount() const { return samples_; }
  /// Finite values seen in pass 1.
  uint64_t finiteCount() const { return finite_; }
  /// NaN and +-inf values seen in pass 1. Non-zero means the tensor's
  /// statistics are suspect: report it, naming the tensor.
  uint64_t nonFiniteCount() const { return nonFinite_; }
  /// Smallest and largest finite value; +inf and -inf (the identities of min
  /// and max) while finiteCount() == 0.
  double min() const { return min_; }
  double max() const { return max_; }
  /// Smallest and largest finite value per channel along channelAxis() over
  /// all samples; empty without a channel axis. A channel that saw no finite
  /// value reports 0 and 0 (not the identities +inf and -inf): an empty but
  /// valid range that contains 0, like the per-tensor ranges' [0, 0].
  std::vector<float> channelMin() const { return seenOrZero(channelMin_); }
  std::vector<float> channelMax() const { return seenOrZero(channelMax_); }
  /// Mean of the finite values per channel along channelAxis() over all
  /// samples (accumulated in double); 0 in a channel without finite values;
  /// empty without a channel axis.
  std::vector<double> channelMean() const;
  /// Mean of x^2 over the finite values of all samples (accumulated in
  /// double); 0 without finite values. Bit-width search's Hessian trace.
  double meanSquare() const;
  /// The vectors sampleRows kept, row-major (channels per row), and their
  /// count.
  const std::vector<float> &sampledRows() const { return rows_; }
  size_t sampledRowCount() const { return rows_.size() / channels_; }
  /// Whether beginHistogram was called.
  bool hasHistogram() const { return !histogram_.counts.empty(); }
  /// Finite values clamped into an edge bin in pass 2 (see observeHistogram).
  uint64_t histogramOutOfRangeCount() const { return outOfRange_; }

  /// The p-th percentile of |x| (p in [0, 100], asserted), from the |x|
  /// histogram as percentileRange defines it. Needs pass 2; 0 when the
  /// histogram is empty. (What #qc.stats' percentiles hold.)
  double absPercentile(double p) const;

  //===--------------------------------------------------------------------===//
  // Ranges (each contains 0; [0, 0] when nothing finite was seen)
  //===--------------------------------------------------------------------===//

  /// [min(min, 0), max(max, 0)].
  Range minMaxRange() const;

  /// PyTorch MovingAverageMinMaxObserver: with (a_k, b_k) the min and max of
  /// sample k's finite values, m_1 = a_1 and m_k = m_{k-1} + c * (a_k -
  /// m_{k-1}) with c = kMovingAverageConstant (same for max); the range is
  /// [min(m, 0), max(M, 0)]. Computed in double (PyTorch uses float32).
  Range movingAverageRange() const;

  /// lo = the (100 - p)-th and hi = the p-th percentile of x, widened to
  /// include 0; p in [50, 100] (asserted), so percentileRange(100) is
  /// minMaxRange (up to rounding). The q-quantile of the histogram is the x
  /// where its piecewise-linear CDF reaches q * N (N values; mass spread
  /// uniformly inside each bin): with C_j values below bin j's lower edge e_j
  /// and n_j in it, x = e_j + w * (q * N - C_j) / n_j for the first non-empty
  /// bin j with C_j + n_j >= q * N (w the bin width); q * N == 0 gives min.
  /// That bin holds the ceil(q * N)-th smallest value, so the result is
  /// within one bin width of it (in sparse tails the sample quantiles of
  /// other conventions, e.g. numpy's, can differ by the gap to the next
  /// value).
  Range percentileRange(double p = kDefaultPercentile) const;

  /// The clipping range minimizing the expected squared error of uniform
  /// affine quantization to 2^bits levels (1 <= bits <= 16, asserted).
  /// Candidates: with [L, H] = minMaxRange(), [L * k / K, H * k / K] for
  /// k = K, K - 1, ..., 1 (K = kMseSteps; one factor for both ends, so the
  /// ratio of the ends, i.e. the zero point, is kept). For a candidate [lo, hi]
  /// the grid is ONNX's: s = (hi - lo) / (2^bits - 1), z = round(-lo / s),
  /// Q(x) = s * (clamp(round(x / s) + z, 0, 2^bits - 1) - z), rounding half to
  /// even; this is the grid the caller gets from scale/zero point computed
  /// that way, clamping error and rounding error included. Expected error
  /// sum_j n_j * (c_j - Q(c_j))^2 with each bin's mass at its center c_j: a
  /// bin's values see the center's clamping error to within the bin width,
  /// and its rounding error closely where a grid step spans many bins; where
  /// the step is narrower than a bin (more than 11 bits over 2048 bins, or
  /// strongly shrunk candidates) the rounding term is only as good as the
  /// centers, but it is then small next to a bin's width. The smallest
  /// error wins; ties go to the wider range.
  Range mseRange(unsigned bits = 8) const;

  /// TensorRT's entropy calibration (Migacz 2017, "8-bit Inference with
  /// TensorRT") on the |x| histogram h_0..h_{n-1} of pass 2 (width w = absMax
  /// / n), with m = 2^(bits - 1) levels (1 <= bits <= 16, asserted). For every
  /// i = m..n (only i = n when m >= n):
  ///   P = h_0..h_{i-1} with the outliers sum_{j >= i} h_j added to P_{i-1};
  ///   Q: h_0..h_{i-1} (without the outliers, as TensorRT) merged into m
  ///      levels of floor(i / m) bins each, the remainder joining the last
  ///      level; each level's sum spread evenly over its non-zero bins
  ///      (zero bins stay 0);
  ///   KL(P || Q) = sum_j p_j log(p_j / q_j) over P and Q normalized to sum 1
  ///      (+inf where p_j > 0 = q_j: that candidate is never chosen).
  /// The i with the smallest KL gives t = i * w (the upper edge of the last
  /// bin kept; ties go to the larger i, as NVIDIA's pytorch-quantization).
  /// i = n is always finite, so t <= absMax exists whenever a finite value was
  /// seen. Returns [0, t] when min >= 0, else [-t, t]. Zero bins are not
  /// smoothed (MXNet's variant adds epsilons) and bin 0 is not replaced by
  /// bin 1 (pytorch-quantization does that for ReLU outputs). m is
  /// 2^(bits - 1), TensorRT's signed grid, for tensors with negative
  /// values, and 2^bits for non-negative ones, whose affine grid puts every
  /// level on [0, t] (with 2^(bits - 1), sparse post-ReLU tensors were
  /// clipped to a tenth of their range on PP-OCR).
  Range klRange(unsigned bits = 8) const;

  /// The range `observer` selects: `bits` is used by Mse and Kl,
  /// `percentile` by Percentile.
  Range range(Observer observer, unsigned bits = 8,
              double percentile = kDefaultPercentile) const;

private:
  /// Counts of equal-width bins over [lo, hi] (one point when lo == hi).
  struct Histogram {
    double lo = 0;
    double hi = 0;
    std::vector<uint64_t> counts;
    uint64_t total = 0;

    double binWidth() const;
    double binCenter(size_t j) const;
    /// Adds x; returns false when x was outside [lo, hi] and clamped.
    bool add(double x);
    /// The q-quantile (0 <= q <= 1) as percentileRange defines it.
    double quantile(double q) const;
  };

  /// `bounds` (channelMin_ or channelMax_) with 0 in the channels that saw
  /// no finite value.
  std::vector<float> seenOrZero(const std::vector<float> &bounds) const;

  std::vector<int64_t> shape_;
  std::optional<int64_t> channelAxis_;
  size_t numElements_ = 1;
  /// Product of the dims after the channel axis, and the axis' extent.
  size_t inner_ = 1;
  size_t channels_ = 1;

  uint64_t samples_ = 0;
  uint64_t finite_ = 0;
  uint64_t nonFinite_ = 0;
  double sumSquares_ = 0;
  double min_;
  double max_;
  /// +inf and -inf (the identities) in a channel without finite values yet.
  std::vector<float> channelMin_;
  std::vector<float> channelMax_;
  std::vector<double> channelSum_;
  std::vector<uint64_t> channelCount_;
  std::vector<float> rows_;
  /// Whether movingMin_/movingMax_ hold a value (the first sample with a
  /// finite value initializes them).
  bool movingInitialized_ = false;
  double movingMin_ = 0;
  double movingMax_ = 0;

  Histogram histogram_;
  Histogram absHistogram_;
  uint64_t outOfRange_ = 0;
};

} // namespace qc::calibration

#endif // QC_CALIBRATION_OBSERVERS_H
