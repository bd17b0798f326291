//===- VerifyIntegerOnly.cpp - No float op inside quantized regions -------===//
//
// A quantized region is what lies between a qc.dequantize and a qc.quantize:
// an op whose float operands come (through float ops) from a dequantize and
// whose float results reach (through float ops) a quantize. After
// qc-lower-to-integer nothing should be there; this pass names what is.
//
//===----------------------------------------------------------------------===//

#include "qc/IR/QC.h"
#include "qc/Transforms/Passes.h"

#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCVERIFYINTEGERONLY
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

static bool isFloatValue(Value value) {
  return isa<FloatType>(getElementTypeOrSelf(value.getType()));
}

/// Ops reached from qc.dequantize results through float values, stopping
/// at qc.quantize.
static llvm::SetVector<Operation *> collectDownstream(Operation *root) {
  llvm::SetVector<Operation *> reached;
  SmallVector<Value> worklist;
  root->walk([&](DequantizeOp op) { worklist.push_back(op.getResult()); });
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (isa<QuantizeOp>(user) || !reached.insert(user))
        continue;
      for (Value result : user->getResults())
        if (isFloatValue(result))
          worklist.push_back(result);
    }
  }
  return reached;
}

/// Ops that reach a qc.quantize operand through float values, stopping at
/// qc.dequantize.
static llvm::SetVector<Operation *> collectUpstream(Operation *root) {
  llvm::SetVector<Operation *> reached;
  SmallVector<Value> worklist;
  root->walk([&](QuantizeOp op) { worklist.push_back(op.getInput()); });
  while (!worklist.empty()) {
    Operation *producer = worklist.pop_back_val().getDefiningOp();
    if (!producer || isa<DequantizeOp>(producer) || !reached.insert(producer))
      continue;
    for (Value operand : producer->getOperands())
      if (isFloatValue(operand))
        worklist.push_back(operand);
  }
  return reached;
}

namespace {
struct VerifyIntegerOnlyPass
    : mlir::qc::impl::QCVerifyIntegerOnlyBase<VerifyIntegerOnlyPass> {
  void runOnOperation() override {
    llvm::SetVector<Operation *> downstream = collectDownstream(getOperation());
    llvm::SetVector<Operation *> upstream = collectUpstream(getOperation());
    bool clean = true;
    for (Operation *op : downstream) {
      if (!upstream.contains(op) || op->hasAttr(QCDialect::kKeepFloatAttrName))
        continue;
      op->emitError() << "'" << op->getName()
                      << "' computes in floating point between qc.dequantize "
                         "and qc.quantize: qc-lower-to-integer has no integer "
                         "form for it here (keep it in float with the "
                      << QCDialect::kKeepFloatAttrName << " attribute)";
      clean = false;
    }
    // A quantize fed straight by a dequantize is a requantization that was
    // left in float (e.g. its multiplier is out of range).
    getOperation()->walk([&](QuantizeOp op) {
      if (op.getInput().getDefiningOp<DequantizeOp>()) {
        op.emitError() << "requantizes through floating point: no dyadic "
                          "multiplier represents the ratio of the scales";
        clean = false;
      }
    });
    if (!clean)
      signalPassFailure();
  }
};
} // namespace
