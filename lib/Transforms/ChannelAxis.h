//===- ChannelAxis.h - Following a channel axis through views ---*- C++ -*-===//
//
// Per-channel facts (quantization parameters, smoothing factors) stay valid
// through ops that only rearrange a tensor, as long as the channel dimension
// stays whole. These helpers say where the channel axis goes.
//
//===----------------------------------------------------------------------===//

#ifndef QC_LIB_TRANSFORMS_CHANNELAXIS_H
#define QC_LIB_TRANSFORMS_CHANNELAXIS_H

#include "mlir/IR/Operation.h"

#include <optional>

namespace mlir::qc {

/// The axis that `axis` of `from` becomes in `to` for a reshape, if the
/// reshape keeps that dimension whole (same size, same elements before it).
std::optional<int64_t> getReshapedAxis(ArrayRef<int64_t> from,
                                       ArrayRef<int64_t> to, int64_t axis);

/// Where axis `axis` of the first operand of `op` is in its result, for
/// tosa.transpose, tosa.reshape (see getReshapedAxis) and tosa.identity;
/// none for other ops or a reshape that splits or merges the axis.
std::optional<int64_t> getViewResultAxis(Operation *op, int64_t axis);

/// The axis of the first operand of `op` that becomes axis `axis` of its
/// result (the inverse of getViewResultAxis); none for other ops.
std::optional<int64_t> getViewSourceAxis(Operation *op, int64_t axis);

} // namespace mlir::qc

#endif // QC_LIB_TRANSFORMS_CHANNELAXIS_H
