//===- FuseParallelLoops.cpp - Adjacent parallel loops as one -------------===//
//
// On the GPU every top-level loop nest is a kernel launch, and a launch
// costs the host several microseconds: a reduction and the fill that
// initializes its output (convert-linalg-to-parallel-loops makes each its
// own scf.parallel) are better one kernel. Upstream's fusion
// (scf::naivelyFuseParallelOps) does that when nothing the second loop
// reads may alias what the first writes at another index; its alias
// analysis cannot tell a global from a fresh allocation, and a reduction's
// body reads weights from globals. A constant global is never written, so
// its reads conflict with no store: this pass adds that to the analysis.
//
//===----------------------------------------------------------------------===//

#include "BufferOrigin.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Analysis/AliasAnalysis.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCFUSEPARALLELLOOPS
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;

namespace {
struct FuseParallelLoopsPass
    : mlir::qc::impl::QCFuseParallelLoopsBase<FuseParallelLoopsPass> {
  void runOnOperation() override {
    AliasAnalysis &aliasAnalysis = getAnalysis<AliasAnalysis>();
    auto mayAlias = [&](Value first, Value second) {
      if (qc::isConstantGlobalView(first) || qc::isConstantGlobalView(second))
        return false;
      return !aliasAnalysis.alias(first, second).isNo();
    };
    getOperation()->walk([&](Operation *op) {
      for (Region &region : op->getRegions())
        scf::naivelyFuseParallelOps(region, mayAlias);
    });
  }
};
} // namespace
