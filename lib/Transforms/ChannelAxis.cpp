//===- ChannelAxis.cpp - Following a channel axis through views -----------===//

#include "ChannelAxis.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;

std::optional<int64_t> mlir::qc::getReshapedAxis(ArrayRef<int64_t> from,
                                                 ArrayRef<int64_t> to,
                                                 int64_t axis) {
  int64_t before = 1;
  for (int64_t dim = 0; dim < axis; ++dim)
    before *= from[dim];
  int64_t prefix = 1;
  for (auto [dim, size] : llvm::enumerate(to)) {
    if (prefix == before && size == from[axis])
      return static_cast<int64_t>(dim);
    prefix *= size;
  }
  return std::nullopt;
}

std::optional<int64_t> mlir::qc::getViewResultAxis(Operation *op,
                                                   int64_t axis) {
  if (auto transpose = dyn_cast<tosa::TransposeOp>(op)) {
    for (auto [dim, perm] : llvm::enumerate(transpose.getPerms()))
      if (perm == axis)
        return static_cast<int64_t>(dim);
    return std::nullopt;
  }
  if (auto reshape = dyn_cast<tosa::ReshapeOp>(op))
    return getReshapedAxis(reshape.getInput1().getType().getShape(),
                           reshape.getType().getShape(), axis);
  if (isa<tosa::IdentityOp>(op))
    return axis;
  return std::nullopt;
}

std::optional<int64_t> mlir::qc::getViewSourceAxis(Operation *op,
                                                   int64_t axis) {
  if (op->getNumOperands() == 0)
    return std::nullopt;
  auto source = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  if (!source)
    return std::nullopt;
  for (int64_t dim = 0; dim < source.getRank(); ++dim)
    if (getViewResultAxis(op, dim) == axis)
      return dim;
  return std::nullopt;
}
