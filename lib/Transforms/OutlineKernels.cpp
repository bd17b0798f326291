//===- OutlineKernels.cpp - One function per loop nest --------------------===//
//
// After tiling and bufferization a model is one function holding hundreds of
// loop nests. Each top-level loop nest (and each linalg op left whole)
// becomes a private function of its own, called once and kept out of line,
// so profiles name the nest that takes the time and LLVM optimizes and
// allocates registers per nest.
//
//===----------------------------------------------------------------------===//

#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCOUTLINEKERNELS
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;

namespace {
/// Whether `op` is a kernel: a loop nest or a linalg op on buffers.
bool isKernel(Operation *op) {
  return op->getNumRegions() > 0 && !isa<func::FuncOp>(op) &&
         (isa<linalg::LinalgOp>(op) || op->getDialect()->getNamespace() == "scf");
}

/// Whether `value` is cheaper to recreate inside the kernel than to pass:
/// constants and references to global buffers.
bool isRematerializable(Value value) {
  Operation *producer = value.getDefiningOp();
  return producer && producer->getNumOperands() == 0 &&
         producer->getNumRegions() == 0 &&
         (producer->hasTrait<OpTrait::ConstantLike>() ||
          isa<memref::GetGlobalOp>(producer));
}

/// Moves `kernel` into a new private function `name` of `module` taking the
/// values it uses from outside, and calls that function in its place.
void outline(Operation *kernel, StringRef name, SymbolTable &symbols,
             OpBuilder &builder) {
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(kernel->getRegions(), captured);
  captured.insert_range(kernel->getOperands());
  SmallVector<Value> arguments, rematerialized;
  for (Value value : captured)
    (isRematerializable(value) ? rematerialized : arguments).push_back(value);

  Location loc = kernel->getLoc();
  auto parent = kernel->getParentOfType<func::FuncOp>();
  builder.setInsertionPoint(parent);
  auto type = builder.getFunctionType(ValueRange(arguments).getTypes(),
                                      kernel->getResultTypes());
  auto function = func::FuncOp::create(builder, loc, name, type);
  function.setPrivate();
  // LLVM would inline a private function called once right back; the
  // passthrough attribute reaches the LLVM function.
  function->setAttr("passthrough",
                    builder.getArrayAttr(builder.getStringAttr("noinline")));
  symbols.insert(function);

  Block *body = function.addEntryBlock();
  builder.setInsertionPointToStart(body);
  IRMapping mapping;
  mapping.map(arguments, body->getArguments());
  for (Value value : rematerialized)
    mapping.map(value, builder.clone(*value.getDefiningOp())->getResult(0));
  Operation *moved = builder.clone(*kernel, mapping);
  func::ReturnOp::create(builder, loc, moved->getResults());

  builder.setInsertionPoint(kernel);
  auto call = func::CallOp::create(builder, loc, function, arguments);
  kernel->replaceAllUsesWith(call.getResults());
  kernel->erase();
}

struct OutlineKernelsPass
    : public mlir::qc::impl::QCOutlineKernelsBase<OutlineKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    OpBuilder builder(&getContext());
    SmallVector<func::FuncOp> functions(module.getOps<func::FuncOp>());
    for (func::FuncOp function : functions) {
      if (function.isExternal())
        continue;
      SmallVector<Operation *> kernels;
      for (Operation &op : function.getBody().getOps())
        if (isKernel(&op))
          kernels.push_back(&op);
      if (kernels.size() < 2)
        continue;
      for (auto [index, kernel] : llvm::enumerate(kernels))
        outline(kernel, (function.getName() + "_kernel" + Twine(index)).str(),
                symbols, builder);
    }
  }
};
} // namespace
