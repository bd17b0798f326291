//===- Passes.h - qc transformation passes ----------------------*- C++ -*-===//

#ifndef QC_TRANSFORMS_PASSES_H
#define QC_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace affine {
class AffineDialect;
} // namespace affine
namespace arith {
class ArithDialect;
} // namespace arith
namespace func {
class FuncDialect;
} // namespace func
namespace gpu {
class GPUDialect;
} // namespace gpu
namespace linalg {
class LinalgDialect;
} // namespace linalg
namespace memref {
class MemRefDialect;
} // namespace memref
namespace nvgpu {
class NVGPUDialect;
} // namespace nvgpu
namespace math {
class MathDialect;
} // namespace math
namespace quant {
class QuantDialect;
} // namespace quant
namespace scf {
class SCFDialect;
} // namespace scf
namespace tensor {
class TensorDialect;
} // namespace tensor
namespace tosa {
class TosaDialect;
} // namespace tosa
namespace ub {
class UBDialect;
} // namespace ub
namespace vector {
class VectorDialect;
} // namespace vector

namespace qc {

/// The widths of the symmetric per-channel weights qc-quantize makes (held
/// in int8); qc-smooth and qc-split-outliers choose factors for them.
inline constexpr int64_t kMinWeightBits = 2;
inline constexpr int64_t kMaxWeightBits = 8;

/// Checks a pass's `weight-bits` option, reporting on `root` with the pass's
/// argument (e.g. "qc-smooth") where it is outside the supported widths.
inline LogicalResult verifyWeightBitsOption(Operation *root,
                                            StringRef passArgument,
                                            int64_t bits) {
  if (bits >= kMinWeightBits && bits <= kMaxWeightBits)
    return success();
  return root->emitError() << passArgument << ": weight-bits must be in ["
                           << kMinWeightBits << ", " << kMaxWeightBits
                           << "], got " << bits;
}

#define GEN_PASS_DECL
#include "qc/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qc/Transforms/Passes.h.inc"

} // namespace qc
} // namespace mlir

#endif // QC_TRANSFORMS_PASSES_H
