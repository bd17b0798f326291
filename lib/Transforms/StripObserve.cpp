//===- StripObserve.cpp - Remove qc.observe calibration taps --------------===//

#include "qc/IR/QC.h"
#include "qc/Transforms/Passes.h"

#include "llvm/ADT/StringSet.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCSTRIPOBSERVE
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {
struct StripObservePass
    : public mlir::qc::impl::QCStripObserveBase<StripObservePass> {
  using Base::Base;

  void runOnOperation() override {
    llvm::StringSet<> kept(llvm::from_range, keepTags);
    getOperation()->walk([&](ObserveOp observe) {
      if (!kept.contains(observe.getTag()))
        observe.erase();
    });
  }
};
} // namespace
