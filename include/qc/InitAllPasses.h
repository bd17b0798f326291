//===- InitAllPasses.h - Passes QC's tools register -------------*- C++ -*-===//

#ifndef QC_INITALLPASSES_H
#define QC_INITALLPASSES_H

#include "qc/Pipelines/Pipelines.h"
#include "qc/Transforms/Passes.h"

#include "mlir/InitAllPasses.h"

namespace mlir::qc {

/// Registers the qc passes and pipelines, and every upstream pass and
/// pipeline.
inline void registerAllPasses() {
  mlir::registerAllPasses();
  registerQCPasses();
  registerQCPipelines();
}

} // namespace mlir::qc

#endif // QC_INITALLPASSES_H
