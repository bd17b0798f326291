//===- FoldBatchNorm.cpp - Per-channel affine ops into convolutions -------===//
//
// Inference batch normalization after a convolution is y = a * conv(x) + b
// per output channel (the importer emits it as tosa.mul and tosa.add by
// constants). Folding a into the weights and bias and b into the bias gives
// one convolution, so quantization sees the weights that actually multiply
// the input (HAWQ-V3's BN folding).
//
//===----------------------------------------------------------------------===//

#include "qc/Transforms/ConstantTensor.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCFOLDBATCHNORM
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {
/// A convolution whose NHWC result reaches a value directly or through one
/// transpose, each with a single use.
struct ConvolutionOutput {
  Operation *convolution;
  tosa::TransposeOp transpose;
  /// The axis of the output channels in the value.
  int64_t channelAxis;
};
} // namespace

/// The NHWC channel axis of TOSA convolution results.
static constexpr int32_t kResultChannelAxis = 3;

static std::optional<ConvolutionOutput> matchConvolutionOutput(Value value) {
  tosa::TransposeOp transpose = value.getDefiningOp<tosa::TransposeOp>();
  int64_t channelAxis = kResultChannelAxis;
  if (transpose) {
    if (!transpose->hasOneUse())
      return std::nullopt;
    auto perms = transpose.getPerms();
    channelAxis = llvm::find(perms, kResultChannelAxis) - perms.begin();
    value = transpose.getInput1();
  }
  Operation *convolution = value.getDefiningOp();
  if (!isa_and_nonnull<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(convolution) ||
      !convolution->hasOneUse())
    return std::nullopt;
  return ConvolutionOutput{convolution, transpose, channelAxis};
}

/// Output channel of weight element `linear`: OHWI's O, or HWCM's C * M + m.
static int64_t outputChannelOf(Operation *convolution, int64_t linear,
                               ArrayRef<int64_t> weightShape) {
  if (isa<tosa::Conv2DOp>(convolution))
    return linear / (weightShape[1] * weightShape[2] * weightShape[3]);
  return linear % (weightShape[2] * weightShape[3]);
}

namespace {
/// mul(conv(x, w, b), a) -> conv(x, w * a, b * a) and
/// add(conv(x, w, b), c) -> conv(x, w, b + c), for per-channel constants,
/// through the NHWC -> NCHW transpose of the importer.
template <typename AffineOp>
struct FoldChannelAffine : OpRewritePattern<AffineOp> {
  using OpRewritePattern<AffineOp>::OpRewritePattern;

  static constexpr bool kIsScale = std::is_same_v<AffineOp, tosa::MulOp>;

  LogicalResult matchAndRewrite(AffineOp op,
                                PatternRewriter &rewriter) const override {
    for (auto [input, other] : {std::pair(op.getInput1(), op.getInput2()),
                                std::pair(op.getInput2(), op.getInput1())}) {
      std::optional<ConvolutionOutput> output = matchConvolutionOutput(input);
      if (!output || input.getType() != op.getType())
        continue;
      if (succeeded(fold(op, *output, other, rewriter)))
        return success();
    }
    return failure();
  }

private:
  LogicalResult fold(AffineOp op, const ConvolutionOutput &output,
                     Value constant, PatternRewriter &rewriter) const {
    Operation *convolution = output.convolution;
    Value weight = convolution->getOperand(1);
    Value bias = convolution->getOperand(2);
    auto resultType =
        cast<RankedTensorType>(convolution->getResult(0).getType());
    int64_t channels = resultType.getDimSize(kResultChannelAxis);
    std::optional<SmallVector<double>> factors =
        readPerChannelConstant(constant, output.channelAxis, channels);
    std::optional<FloatTensor> weights = evaluateFloatConstant(weight);
    std::optional<SmallVector<double>> biases =
        readPerChannelConstant(bias, /*channelAxis=*/0, channels);
    if (!factors || !weights || !biases)
      return failure();
    Location loc = op.getLoc();
    // The new constants and convolution replace the old one where it is.
    rewriter.setInsertionPoint(convolution);
    Value newWeight = weight;
    for (auto [channel, value] : llvm::enumerate(*biases))
      value =
          kIsScale ? value * (*factors)[channel] : value + (*factors)[channel];
    if constexpr (kIsScale) {
      for (int64_t linear = 0; linear < weights->getNumElements(); ++linear)
        weights->values[linear] *=
            (*factors)[outputChannelOf(convolution, linear, weights->shape)];
      newWeight = buildFloatConstant(rewriter, loc,
                                     cast<RankedTensorType>(weight.getType()),
                                     weights->values, "folded_weight");
    }
    // One bias per channel, even where the old one was broadcast.
    Value newBias = buildFloatConstant(
        rewriter, loc,
        RankedTensorType::get({channels}, resultType.getElementType()),
        std::vector<float>(biases->begin(), biases->end()), "folded_bias");
    Operation *folded = rewriter.clone(*convolution);
    folded->setOperand(1, newWeight);
    folded->setOperand(2, newBias);
    Value result = folded->getResult(0);
    if (output.transpose) {
      rewriter.setInsertionPoint(output.transpose);
      result = rewriter.clone(*output.transpose)->getResult(0);
      result.getDefiningOp()->setOperand(0, folded->getResult(0));
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct FoldBatchNormPass
    : mlir::qc::impl::QCFoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns
        .add<FoldChannelAffine<tosa::MulOp>, FoldChannelAffine<tosa::AddOp>>(
            &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
