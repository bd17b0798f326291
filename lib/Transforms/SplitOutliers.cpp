//===- SplitOutliers.cpp - Outlier channel splitting as a graph rewrite ---===//
//
// A few large weights or activation channels set the quantization step of a
// whole output channel or tensor. Outlier channel splitting (OCS) makes a
// linear op read such a channel twice and gives each reading half of what
// the channel contributed: y = W x = W' [x; x_c] with W' the weights whose
// row c is halved and appended again (target weights), or with x_c divided
// among its copies at the producer and the row copied whole (target
// activations). The float function is unchanged and the graph stays dense:
// the copies are a tosa.concat of the input and tosa.slices of it, which
// quantize as data movement.
//
// Each split op records the source channels of its appended inputs as
// `qc.outlier_split`; ops that carry it are not split again.
//
//===----------------------------------------------------------------------===//

#include "ChannelGroup.h"

#include "qc/IR/QC.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <cmath>
#include <numeric>

namespace mlir::qc {
#define GEN_PASS_DEF_QCSPLITOUTLIERS
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

/// The axis of a weight tensor that runs over input channels: B [N, K, W]'s
/// K, OHWI's I.
static constexpr int64_t kMatMulWeightInputAxis = 1;
static constexpr int64_t kConvolutionWeightInputAxis = 3;

/// The linear ops whose input channels can be split: each output reads every
/// input channel through its own weight (not so for depthwise convolutions).
/// Whether the weights are constant is checked where they are read.
static bool isSplittable(Operation *op) {
  return isa<tosa::MatMulOp, tosa::Conv2DOp>(op);
}

static bool isSplit(Operation *op) {
  return op->hasAttr(QCDialect::kOutlierSplitAttrName);
}

/// How many input channels a split adds to an op reading `channels`.
static int64_t getSplitCount(double ratio, int64_t channels) {
  return static_cast<int64_t>(std::ceil(ratio * static_cast<double>(channels)));
}

//===----------------------------------------------------------------------===//
// Weights as one row per input channel
//===----------------------------------------------------------------------===//

namespace {
/// A linear op's weights as one row per input channel: the elements that
/// read the channel, in layout order. Splitting appends rows.
class WeightRows {
public:
  explicit WeightRows(const LinearWeights &weights)
      : shape(weights.weights.shape),
        axis(isa<tosa::MatMulOp>(weights.op) ? kMatMulWeightInputAxis
                                             : kConvolutionWeightInputAxis) {
    int64_t channels = shape[axis];
    rows.assign(channels, {});
    for (auto [linear, weight] : llvm::enumerate(weights.weights.values))
      rows[linear / getInner() % channels].push_back(weight);
    // A row position is (outer, inner): the output channel is the outer
    // index for OHWI (over H and W), the inner one for B [N, K, W].
    for (int64_t position = 0; position < getRowLength(); ++position)
      outputChannels.push_back(axis == kMatMulWeightInputAxis
                                   ? position % getInner()
                                   : position / getInner() /
                                         (shape[1] * shape[2]));
  }

  int64_t getNumRows() const { return rows.size(); }
  int64_t getRowLength() const { return rows.front().size(); }

  double getAbsMax(int64_t row) const {
    double absMax = 0;
    for (float weight : rows[row])
      absMax = std::max(absMax, static_cast<double>(std::fabs(weight)));
    return absMax;
  }

  /// Row `row` becomes w / 2 - offset and the appended copy w / 2 + offset,
  /// with the offset of each position's output channel.
  void split(int64_t row, ArrayRef<double> offsets) {
    SmallVector<float> copy;
    for (auto [weight, outputChannel] :
         llvm::zip_equal(rows[row], outputChannels)) {
      double half = weight / 2.0, offset = offsets[outputChannel];
      weight = static_cast<float>(half - offset);
      copy.push_back(static_cast<float>(half + offset));
    }
    rows.push_back(std::move(copy));
  }

  /// Appends a copy of row `row` as it is.
  void duplicate(int64_t row) { rows.push_back(SmallVector<float>(rows[row])); }

  /// The largest |w| of each output channel, over all rows.
  SmallVector<double> getOutputChannelAbsMax(int64_t outputs) const {
    SmallVector<double> absMax(outputs, 0.0);
    for (const SmallVector<float> &row : rows)
      for (auto [weight, outputChannel] : llvm::zip_equal(row, outputChannels))
        absMax[outputChannel] =
            std::max(absMax[outputChannel], static_cast<double>(std::fabs(weight)));
    return absMax;
  }

  /// Writes the rows back in the op's layout, its input axis widened.
  void writeTo(LinearWeights &linear) const {
    SmallVector<int64_t> widened(shape);
    widened[axis] = getNumRows();
    std::vector<float> values(getOuter() * getNumRows() * getInner());
    for (int64_t outer = 0; outer < getOuter(); ++outer)
      for (int64_t row = 0; row < getNumRows(); ++row)
        for (int64_t inner = 0; inner < getInner(); ++inner)
          values[(outer * getNumRows() + row) * getInner() + inner] =
              rows[row][outer * getInner() + inner];
    linear.weights = FloatTensor{std::move(widened), std::move(values)};
  }

private:
  int64_t getOuter() const {
    return std::accumulate(shape.begin(), shape.begin() + axis, int64_t{1},
                           std::multiplies<>());
  }
  int64_t getInner() const {
    return std::accumulate(shape.begin() + axis + 1, shape.end(), int64_t{1},
                           std::multiplies<>());
  }

  SmallVector<int64_t> shape;
  int64_t axis;
  SmallVector<SmallVector<float>> rows;
  SmallVector<int64_t> outputChannels;
};
} // namespace

/// OCS on the weights: `count` times, the row with the largest |w| (split
/// copies included, the first of equals) is halved and the half appended.
/// Returns the split rows in order.
static SmallVector<int64_t> splitLargestRows(WeightRows &rows, int64_t count,
                                             int64_t outputs) {
  SmallVector<double> noOffsets(outputs, 0.0);
  SmallVector<int64_t> splitRows;
  for (int64_t step = 0; step < count; ++step) {
    int64_t largest = 0;
    double largestAbsMax = rows.getAbsMax(0);
    for (int64_t row = 1; row < rows.getNumRows(); ++row)
      if (double absMax = rows.getAbsMax(row); absMax > largestAbsMax) {
        largest = row;
        largestAbsMax = absMax;
      }
    rows.split(largest, noOffsets);
    splitRows.push_back(largest);
  }
  return splitRows;
}

/// The source channel of each appended input channel, for splits of rows
/// `splitRows` of an op with `channels` input channels.
static SmallVector<int64_t> getSourceChannels(ArrayRef<int64_t> splitRows,
                                              int64_t channels) {
  SmallVector<int64_t> sources = llvm::to_vector(llvm::seq(channels));
  for (int64_t row : splitRows)
    sources.push_back(sources[row]);
  return SmallVector<int64_t>(sources.begin() + channels, sources.end());
}

//===----------------------------------------------------------------------===//
// Widening an op's input
//===----------------------------------------------------------------------===//

/// `stats` of an input with `sources`' channels appended along the last
/// axis: the copies' range is the input's, their channel entries and
/// sampled columns are their sources'. The mean square over all elements
/// is dropped: the statistics do not hold the copied channels' share.
static StatsAttr appendChannelStats(StatsAttr stats, ArrayRef<int64_t> sources,
                                    int64_t rank) {
  if (!stats.getChannelMin() || stats.getChannelAxis() != rank - 1)
    return StatsAttr::get(stats.getContext(), stats.getMin(), stats.getMax(),
                          std::nullopt, nullptr, nullptr, nullptr,
                          stats.getPercentileRanks(),
                          stats.getPercentileValues(), nullptr,
                          /*meanSquare=*/std::optional<APFloat>());
  auto appended = [&](DenseF64ArrayAttr perChannel) {
    SmallVector<double> values = llvm::to_vector(perChannel.asArrayRef());
    for (int64_t source : sources)
      values.push_back(values[source]);
    return DenseF64ArrayAttr::get(stats.getContext(), values);
  };
  DenseFPElementsAttr rows;
  if (DenseFPElementsAttr sampled = stats.getRows()) {
    auto type = cast<RankedTensorType>(sampled.getType());
    int64_t channels = type.getDimSize(1);
    SmallVector<float> values = llvm::to_vector(sampled.getValues<float>());
    SmallVector<float> widened;
    for (int64_t row = 0; row < type.getDimSize(0); ++row) {
      ArrayRef<float> original(values.data() + row * channels, channels);
      llvm::append_range(widened, original);
      for (int64_t source : sources)
        widened.push_back(original[source]);
    }
    rows = cast<DenseFPElementsAttr>(DenseElementsAttr::get(
        type.clone({type.getDimSize(0),
                    channels + static_cast<int64_t>(sources.size())}),
        ArrayRef<float>(widened)));
  }
  return StatsAttr::get(stats.getContext(), stats.getMin(), stats.getMax(),
                        stats.getChannelAxis(),
                        appended(stats.getChannelMin()),
                        appended(stats.getChannelMax()),
                        stats.getChannelMean() ? appended(stats.getChannelMean())
                                               : nullptr,
                        stats.getPercentileRanks(),
                        stats.getPercentileValues(), rows,
                        /*meanSquare=*/std::optional<APFloat>());
}

/// Makes `op` read its input followed by copies of its channels `sources`
/// (the last axis): tosa.concat of the input and a tosa.slice per source.
static void appendInputChannels(Operation *op, ArrayRef<int64_t> sources,
                                OpBuilder &builder) {
  Value input = op->getOperand(0);
  auto type = cast<RankedTensorType>(input.getType());
  int64_t axis = type.getRank() - 1;
  ImplicitLocOpBuilder b(op->getLoc(), builder);
  b.setInsertionPoint(op);
  SmallVector<Value> parts = {input};
  DenseMap<int64_t, Value> slices;
  for (int64_t source : sources) {
    Value &slice = slices[source];
    if (!slice) {
      SmallVector<int64_t> offsets(type.getRank(), 0), sizes(type.getShape());
      offsets[axis] = source;
      sizes[axis] = 1;
      slice = tosa::SliceOp::create(b, type.clone(sizes), input,
                                    tosa::getTosaConstShape(b, offsets),
                                    tosa::getTosaConstShape(b, sizes));
    }
    parts.push_back(slice);
  }
  SmallVector<int64_t> widened(type.getShape());
  widened[axis] += static_cast<int64_t>(sources.size());
  auto concat = tosa::ConcatOp::create(b, type.clone(widened), parts,
                                       static_cast<uint32_t>(axis));
  if (StatsAttr stats = getValueStats(input))
    setValueStats(concat.getResult(),
                  appendChannelStats(stats, sources, type.getRank()));
  op->setOperand(0, concat.getResult());
}

//===----------------------------------------------------------------------===//
// Activation copies
//===----------------------------------------------------------------------===//

/// The channels that get one more copy each step: `count` times, the channel
/// with the largest absMax_j / k_j (k_j its copies so far; the first of
/// equals).
static SmallVector<int64_t> chooseActivationCopies(ArrayRef<double> absMax,
                                                   int64_t count) {
  SmallVector<int64_t> copies(absMax.size(), 1);
  SmallVector<int64_t> chosen;
  auto perCopy = [&](int64_t channel) {
    return absMax[channel] / static_cast<double>(copies[channel]);
  };
  for (int64_t step = 0; step < count; ++step) {
    int64_t largest = 0;
    for (int64_t channel = 1; channel < static_cast<int64_t>(absMax.size());
         ++channel)
      if (perCopy(channel) > perCopy(largest))
        largest = channel;
    ++copies[largest];
    chosen.push_back(largest);
  }
  return chosen;
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {
struct SplitOutliersPass
    : mlir::qc::impl::QCSplitOutliersBase<SplitOutliersPass> {
  using Base::Base;

  void runOnOperation() override {
    std::optional<SplitTarget> splitTarget = symbolizeSplitTarget(target);
    if (!splitTarget) {
      getOperation()->emitError() << "qc-split-outliers: unknown target '"
                                  << target
                                  << "' (expected weights or activations)";
      return signalPassFailure();
    }
    if (!(ratio >= 0.0 && ratio <= 1.0)) {
      getOperation()->emitError()
          << "qc-split-outliers: ratio must be in [0, 1], got " << ratio;
      return signalPassFailure();
    }
    if (failed(verifyWeightBitsOption(getOperation(), getArgument(),
                                      weightBits)))
      return signalPassFailure();
    if (gridAware && *splitTarget != SplitTarget::weights) {
      getOperation()->emitError() << "qc-split-outliers: grid-aware splits "
                                     "weights; it needs target=weights";
      return signalPassFailure();
    }
    OpBuilder builder(&getContext());
    if (*splitTarget == SplitTarget::weights) {
      SmallVector<Operation *> ops;
      getOperation()->walk([&](Operation *op) {
        if (isSplittable(op) && !isSplit(op))
          ops.push_back(op);
      });
      for (Operation *op : ops)
        splitWeights(op, builder);
      return;
    }
    for (GroupCandidate candidate :
         collectGroupCandidates(getOperation(), explicitMultiply))
      if (std::optional<ChannelGroup> group = matchChannelGroup(candidate))
        if (failed(splitActivations(*group, builder)))
          return signalPassFailure();
  }

private:
  void splitWeights(Operation *op, OpBuilder &builder) {
    std::optional<LinearWeights> linear = LinearWeights::read(op);
    if (!linear)
      return;
    WeightRows rows(*linear);
    int64_t channels = rows.getNumRows();
    int64_t count = getSplitCount(ratio, channels);
    if (count == 0)
      return;
    int64_t outputs = linear->getNumOutputChannels();
    SmallVector<int64_t> splitRows = splitLargestRows(rows, count, outputs);
    if (gridAware) {
      // The grid is that of the plainly split weights; the same splits of
      // the original rows move each split's halves a quarter step apart.
      SmallVector<double> offsets = rows.getOutputChannelAbsMax(outputs);
      for (double &offset : offsets)
        offset /= 4.0 * static_cast<double>(getWeightSteps());
      rows = WeightRows(*linear);
      for (int64_t row : splitRows)
        rows.split(row, offsets);
    }
    rows.writeTo(*linear);
    linear->writeBack(builder, "split_weight");
    SmallVector<int64_t> sources = getSourceChannels(splitRows, channels);
    appendInputChannels(op, sources, builder);
    op->setAttr(QCDialect::kOutlierSplitAttrName,
                OutlierSplitAttr::get(&getContext(), SplitTarget::weights,
                                      sources));
  }

  LogicalResult splitActivations(ChannelGroup &group, OpBuilder &builder) {
    if (!llvm::all_of(group.consumers, isSplittable) ||
        llvm::any_of(group.consumers, isSplit))
      return success();
    int64_t count = getSplitCount(ratio, group.channels);
    if (count == 0)
      return success();
    FailureOr<ChannelRanges> ranges = readChannelRanges(group, getArgument());
    if (failed(ranges))
      return failure();
    SmallVector<double> absMax;
    for (int64_t channel = 0; channel < group.channels; ++channel)
      absMax.push_back(ranges->getAbsMax(channel));
    SmallVector<int64_t> sources = chooseActivationCopies(absMax, count);
    SmallVector<double> copies(group.channels, 1.0);
    for (int64_t source : sources)
      copies[source] += 1.0;
    if (!group.producer.op)
      insertExplicitMultiply(group, builder);
    if (failed(foldIntoProducer(group, copies,
                                SmallVector<double>(group.channels, 0.0),
                                builder)))
      return failure();
    for (Value changed : group.changedValues)
      setValueStats(changed, nullptr);
    for (Operation *consumer : group.consumers) {
      LinearWeights linear = *LinearWeights::read(consumer);
      WeightRows rows(linear);
      for (int64_t source : sources)
        rows.duplicate(source);
      rows.writeTo(linear);
      linear.writeBack(builder, "split_weight");
      appendInputChannels(consumer, sources, builder);
      consumer->setAttr(QCDialect::kOutlierSplitAttrName,
                        OutlierSplitAttr::get(&getContext(),
                                              SplitTarget::activations,
                                              sources));
    }
    return success();
  }

  /// Steps on either side of zero of the symmetric weight grid.
  int64_t getWeightSteps() const {
    return (int64_t{1} << (weightBits - 1)) - 1;
  }
};
} // namespace
