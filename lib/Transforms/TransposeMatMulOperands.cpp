//===- TransposeMatMulOperands.cpp - K-innermost right operands -----------===//
//
// Tensor cores multiply int8 tiles whose reduction dimension is contiguous
// in both operands (PTX's "row.col" mma.sync). This pass gives each int8
// matmul its right operand as [N, K]: a constant is transposed at compile
// time (the binary stores the new layout only), any other value by a
// linalg.transpose.
//
//===----------------------------------------------------------------------===//

#include "qc/Transforms/ConstantTensor.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCTRANSPOSEMATMULOPERANDS
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;

namespace {
/// Whether `op` multiplies int8 tensors into int32 ones.
bool isInt8MatMul(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics())
    return false;
  auto elementType = [](Value value) {
    return cast<ShapedType>(value.getType()).getElementType();
  };
  return elementType(op.getDpsInputs()[0]).isInteger(8) &&
         elementType(op.getDpsInputs()[1]).isInteger(8) &&
         elementType(op.getDpsInits()[0]).isInteger(32);
}

/// `value` (a matrix or a batch of them, the last two dimensions swapped):
/// a new constant when `value` is one, else a linalg.transpose.
Value transposeLastTwo(PatternRewriter &rewriter, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> permutation = llvm::to_vector(llvm::seq<int64_t>(rank));
  std::swap(permutation[rank - 2], permutation[rank - 1]);
  SmallVector<int64_t> shape =
      applyPermutation(type.getShape(), ArrayRef<int64_t>(permutation));
  auto transposedType = RankedTensorType::get(shape, type.getElementType());

  if (std::optional<SmallVector<int64_t>> values = qc::readIntConstant(value);
      values && type.hasStaticShape()) {
    int64_t rows = type.getDimSize(rank - 2), cols = type.getDimSize(rank - 1);
    SmallVector<int8_t> transposed(values->size());
    for (int64_t matrix = 0; matrix < type.getNumElements() / (rows * cols);
         ++matrix)
      for (int64_t row = 0; row < rows; ++row)
        for (int64_t col = 0; col < cols; ++col)
          transposed[matrix * rows * cols + col * rows + row] =
              static_cast<int8_t>((*values)[matrix * rows * cols +
                                            row * cols + col]);
    return qc::buildIntConstant(rewriter, loc, transposedType, transposed,
                                "transposed_weight");
  }
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, value);
  applyPermutationToVector(sizes, permutation);
  Value init = tensor::EmptyOp::create(rewriter, loc, sizes,
                                       type.getElementType());
  return linalg::TransposeOp::create(rewriter, loc, value, init, permutation)
      ->getResult(0);
}

/// linalg.matmul and linalg.batch_matmul of int8 tensors (default indexing
/// maps) to their transposed-B forms.
template <typename MatMulOp, typename TransposedOp>
struct TransposeRightOperand : OpRewritePattern<MatMulOp> {
  using OpRewritePattern<MatMulOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(MatMulOp op,
                                PatternRewriter &rewriter) const override {
    if (!MatMulOp::isDefaultIndexingMaps(op.getIndexingMaps()) ||
        !isInt8MatMul(op))
      return rewriter.notifyMatchFailure(op, "not an int8 matmul");
    Value right =
        transposeLastTwo(rewriter, op.getLoc(), op.getDpsInputs()[1]);
    rewriter.replaceOp(op, TransposedOp::create(
                               rewriter, op.getLoc(), op->getResultTypes(),
                               ValueRange{op.getDpsInputs()[0], right},
                               op.getDpsInits()));
    return success();
  }
};

struct QCTransposeMatMulOperandsPass
    : public qc::impl::QCTransposeMatMulOperandsBase<
          QCTransposeMatMulOperandsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<TransposeRightOperand<linalg::MatmulOp,
                                       linalg::MatmulTransposeBOp>,
                 TransposeRightOperand<linalg::BatchMatmulOp,
                                       linalg::BatchMatmulTransposeBOp>>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
