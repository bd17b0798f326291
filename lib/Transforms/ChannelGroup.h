//===- ChannelGroup.h - An activation and the weights reading it -*- C++ -*-===//
//
// Smoothing and outlier splitting rewrite the channels of one activation X
// and, to keep the float function, the constant weights of the linear ops
// that read those channels. A channel group is the op producing X, X, and
// those consumers (reached through views that keep the channel dimension
// whole); per-channel factors fold into the producer.
//
//===----------------------------------------------------------------------===//

#ifndef QC_LIB_TRANSFORMS_CHANNELGROUP_H
#define QC_LIB_TRANSFORMS_CHANNELGROUP_H

#include "qc/Transforms/ConstantTensor.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <optional>

namespace mlir::qc {

/// Channel axes of TOSA's linear ops: the input channels of a convolution's
/// NHWC input, of a matmul's [N, H, C] left operand, and the output channels
/// of both results.
inline constexpr int64_t kConvolutionChannelAxis = 3;
inline constexpr int64_t kMatMulChannelAxis = 2;

/// A linear op's constant weight tensor (tosa.matmul's B, tosa.conv2d's OHWI,
/// tosa.depthwise_conv2d's HWCM), with the layout facts the rewrites need:
/// which element belongs to which input and output channel.
struct LinearWeights {
  Operation *op;
  FloatTensor weights;

  /// Operand positions shared by tosa.matmul (B), tosa.conv2d and
  /// tosa.depthwise_conv2d (weight, then bias for the convolutions).
  static constexpr unsigned kWeightOperand = 1;
  static constexpr unsigned kBiasOperand = 2;

  /// The weights of `op` if it is a linear op with constant weights.
  static std::optional<LinearWeights> read(Operation *op);

  /// Input channel of element `linear`: B [N, K, W]'s K, OHWI's I, HWCM's C.
  int64_t inputChannelOf(int64_t linear) const;
  /// Output channel of element `linear`: B's W, OHWI's O, HWCM's C * M + m.
  int64_t outputChannelOf(int64_t linear) const;
  /// The output element of one input row that weight element `linear`
  /// contributes to, with a convolution's kernel taps kept apart: B's
  /// (n, w), OHWI's (o, h, w), every HWCM element its own (a depthwise
  /// product has one input channel).
  int64_t columnOf(int64_t linear) const;
  int64_t getNumColumns() const;
  int64_t getNumOutputChannels() const;

  /// Whether zero padding makes the convolution see zeros that a shifted
  /// input would see as -z: then a shift cannot be compensated exactly.
  bool padsInput() const;

  /// Makes `weights` (its shape may have changed) the op's weight operand.
  void writeBack(OpBuilder &builder, StringRef blobName);
};

/// Where a rewritten activation comes from, and how its channels fold in.
struct ChannelProducer {
  /// The op per-channel factors fold into; null where none does, and an
  /// explicit multiply of `activation` is to carry them
  /// (insertExplicitMultiply).
  Operation *op;
  /// The activation X and the axis of its channels.
  Value activation;
  int64_t channelAxis;
  /// For a matmul or multiply producer: the tosa.add of its per-channel
  /// bias, if any (X is then the sum); the matmul or multiply is `op`.
  tosa::AddOp biasAdd;
};

/// A producer, the linear ops consuming its result, and the views between.
struct ChannelGroup {
  ChannelProducer producer;
  int64_t channels;
  /// Values whose contents a rewrite of X changes: X and the views of it.
  SmallVector<Value> changedValues;
  SmallVector<Operation *> consumers;
};

/// The producer kinds per-channel factors fold into: a qc.layer_norm over the
/// last axis, a convolution, a matmul with constant weights (and its bias
/// add), or a multiplication by positive per-channel constants of an
/// accumulator whose requantization it fuses into (an explicit multiply,
/// GELU's 0.5).
std::optional<ChannelProducer> matchChannelProducer(Operation *op);

/// Where a channel group may start: at a producer (the group of its
/// result), or at a linear op (`atInput`: the group of its input, where no
/// producer folds factors but an explicit multiply fuses into the
/// requantization of the accumulator X comes from; QuantizationPlacement's
/// isFusableAccumulator).
struct GroupCandidate {
  Operation *op;
  bool atInput;
};

/// The candidates under `root` in program order, those at inputs only with
/// `explicitMultiply`. Match them one at a time as they come: rewriting a
/// group changes the weights and biases a later one reads (a consumer is
/// often the next group's producer).
SmallVector<GroupCandidate> collectGroupCandidates(Operation *root,
                                                   bool explicitMultiply);

/// The group `candidate` starts, if its result (or input) is only read
/// (through views) as the input of linear ops with constant weights.
std::optional<ChannelGroup> matchChannelGroup(GroupCandidate candidate);

/// Makes a group without producer (its producer's `op` is null) read its
/// activation through a new multiply by ones, its producer from then on.
void insertExplicitMultiply(ChannelGroup &group, OpBuilder &builder);

/// The channel axis a linear op reads its input's channels along.
int64_t getConsumerChannelAxis(Operation *consumer);

/// The tosa.add of a per-channel constant (along `channelAxis`) that is the
/// only use of `op` (a matmul's or multiply's bias), if any.
tosa::AddOp getBiasAdd(Operation *op, int64_t channelAxis, int64_t channels);

/// What calibration saw of X per channel, over all consumers' taps.
struct ChannelRanges {
  SmallVector<double> min, max;

  double getAbsMax(int64_t channel) const;
};

/// The per-channel ranges of X from the consumers' input statistics; an
/// error naming `passName` (which needs them) where a consumer has none.
FailureOr<ChannelRanges> readChannelRanges(const ChannelGroup &group,
                                           StringRef passName);

/// Replaces X by (X - z) / s at the producer: gamma / s and (beta - z) / s
/// for a layer norm; output channel c of the weights / s_c and (b_c - z_c) /
/// s_c for a convolution or matmul, factor c / s_c for a multiply (a bias
/// add is created where needed). The producer must exist
/// (insertExplicitMultiply).
LogicalResult foldIntoProducer(const ChannelGroup &group,
                               ArrayRef<double> scales,
                               ArrayRef<double> shifts, OpBuilder &builder);

} // namespace mlir::qc

#endif // QC_LIB_TRANSFORMS_CHANNELGROUP_H
