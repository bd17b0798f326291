//===- ConvertConvLayouts.cpp - Convolutions into vectorizable layouts ----===//
//
// TOSA lowers conv2d to linalg.conv_2d_nhwc_fhwc and depthwise_conv2d to
// linalg.depthwise_conv_2d_nhwc_hwcm. Linalg's convolution decomposition and
// vectorizer handle the HWCF filter layout (the output channel innermost, so a
// filter row is one contiguous vector) and the multiplier-free depthwise form.
// This pass rewrites into those forms; a transpose of a constant filter is
// folded, so the filter is stored in the new layout in the binary.
//
//===----------------------------------------------------------------------===//

#include "qc/Transforms/ConstantTensor.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCCONVERTCONVLAYOUTS
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {
/// conv_2d_nhwc_fhwc -> linalg.transpose of the filter + conv_2d_nhwc_hwcf.
struct FilterToHWCF : OpRewritePattern<linalg::Conv2DNhwcFhwcOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::Conv2DNhwcFhwcOp conv,
                                PatternRewriter &rewriter) const override {
    if (!conv.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(conv, "expected tensor operands");
    if (!cast<ShapedType>(conv.getInputs()[1].getType()).hasStaticShape())
      return rewriter.notifyMatchFailure(conv, "expected a static filter");
    return linalg::transposeConv2D(rewriter, conv);
  }
};

/// depthwise_conv_2d_nhwc_hwcm with channel multiplier 1 ->
/// depthwise_conv_2d_nhwc_hwc, reshaping the filter and output.
struct DropUnitChannelMultiplier
    : OpRewritePattern<linalg::DepthwiseConv2DNhwcHwcmOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::DepthwiseConv2DNhwcHwcmOp conv,
                                PatternRewriter &rewriter) const override {
    if (!conv.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(conv, "expected tensor operands");
    Value filter = conv.getInputs()[1];
    Value init = conv.getOutputs()[0];
    auto filterType = cast<RankedTensorType>(filter.getType());
    if (filterType.getDimSize(3) != 1)
      return rewriter.notifyMatchFailure(conv, "channel multiplier is not 1");

    Location loc = conv.getLoc();
    SmallVector<ReassociationIndices> filterGroups = {{0}, {1}, {2, 3}};
    SmallVector<ReassociationIndices> outputGroups = {{0}, {1}, {2}, {3, 4}};
    Value collapsedFilter =
        tensor::CollapseShapeOp::create(rewriter, loc, filter, filterGroups);
    Value collapsedInit =
        tensor::CollapseShapeOp::create(rewriter, loc, init, outputGroups);
    auto depthwise = linalg::DepthwiseConv2DNhwcHwcOp::create(
        rewriter, loc, TypeRange{collapsedInit.getType()},
        ValueRange{conv.getInputs()[0], collapsedFilter},
        ValueRange{collapsedInit}, conv.getStrides(), conv.getDilations());
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        conv, init.getType(), depthwise.getResult(0), outputGroups);
    return success();
  }
};

/// Copies `source`, a row-major array of `sourceShape`, into the row-major
/// layout of its transpose by `permutation` (result dim i = source dim
/// permutation[i]).
SmallVector<char> transposeBytes(ArrayRef<char> source,
                                 ArrayRef<int64_t> sourceShape,
                                 ArrayRef<int64_t> permutation,
                                 int64_t elementBytes) {
  int64_t rank = sourceShape.size();
  SmallVector<int64_t> sourceStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    sourceStrides[d] = sourceStrides[d + 1] * sourceShape[d + 1];
  SmallVector<int64_t> resultShape, stridesInSource;
  for (int64_t d : permutation) {
    resultShape.push_back(sourceShape[d]);
    stridesInSource.push_back(sourceStrides[d]);
  }

  SmallVector<char> result(source.size());
  SmallVector<int64_t> index(rank, 0);
  int64_t numElements = source.size() / elementBytes;
  for (int64_t linear = 0; linear < numElements; ++linear) {
    int64_t sourceOffset = 0;
    for (int64_t d = 0; d < rank; ++d)
      sourceOffset += index[d] * stridesInSource[d];
    std::memcpy(result.data() + linear * elementBytes,
                source.data() + sourceOffset * elementBytes, elementBytes);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < resultShape[d])
        break;
      index[d] = 0;
    }
  }
  return result;
}

/// linalg.transpose of a constant -> the transposed constant. Splats become
/// splats of the new shape; other data is copied into a new resource blob.
struct FoldConstantTranspose : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    ElementsAttr value;
    if (!transpose.hasPureTensorSemantics() ||
        !matchPattern(transpose.getInput(), m_Constant(&value)))
      return rewriter.notifyMatchFailure(transpose, "input is not a constant");
    auto resultType = cast<RankedTensorType>(transpose.getResult()[0].getType());

    if (auto dense = dyn_cast<DenseElementsAttr>(value); dense && dense.isSplat()) {
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(
          transpose, DenseElementsAttr::get(resultType,
                                            dense.getSplatValue<Attribute>()));
      return success();
    }
    std::optional<ArrayRef<char>> bytes = qc::getDenseBytes(value);
    if (!bytes)
      return rewriter.notifyMatchFailure(transpose, "constant data unavailable");

    int64_t elementBytes = resultType.getElementTypeBitWidth() / 8;
    SmallVector<char> transposed =
        transposeBytes(*bytes, value.getShapedType().getShape(),
                       transpose.getPermutation(), elementBytes);
    auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        transposed, alignof(std::max_align_t));
    auto attr = DenseResourceElementsAttr::get(resultType, "transposed",
                                               std::move(blob));
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(transpose, attr);
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {
struct ConvertConvLayoutsPass
    : public mlir::qc::impl::QCConvertConvLayoutsBase<ConvertConvLayoutsPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FilterToHWCF, DropUnitChannelMultiplier,
                 FoldConstantTranspose>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
