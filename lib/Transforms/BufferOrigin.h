//===- BufferOrigin.h - Where a memref's memory comes from ------*- C++ -*-===//
//
// Passes on buffers reason about which loads and stores may touch the same
// memory. These helpers look through views to the memory itself.
//
//===----------------------------------------------------------------------===//

#ifndef QC_LIB_TRANSFORMS_BUFFERORIGIN_H
#define QC_LIB_TRANSFORMS_BUFFERORIGIN_H

#include "mlir/IR/Value.h"

namespace mlir::qc {

/// The buffer `memref` views: through subviews, reshapes and casts to the
/// allocation, global or argument.
Value getUnderlyingBuffer(Value memref);

/// Whether `memref` views a constant `memref.global`, which nothing may
/// write.
bool isConstantGlobalView(Value memref);

} // namespace mlir::qc

#endif // QC_LIB_TRANSFORMS_BUFFERORIGIN_H
