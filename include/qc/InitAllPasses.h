//===- InitAllPasses.h - Passes QC's tools register -------------*- C++ -*-===//

#ifndef QC_INITALLPASSES_H
#define QC_INITALLPASSES_H

#include "qc/Transforms/Passes.h"

#include "mlir/InitAllPasses.h"

namespace mlir::qc {

/// Registers the qc passes and every upstream pass and pipeline.
inline void registerAllPasses() {
  mlir::registerAllPasses();
  registerQCPasses();
}

} // namespace mlir::qc

#endif // QC_INITALLPASSES_H
