//===- GpuBuffers.cpp - A function's buffers in GPU memory ----------------===//
//
// The first step of running a bufferized function on a GPU: the buffers it
// allocates live in device memory, the caller's buffers (host memory, the
// C ABI of compiled models) are staged through device copies, and buffer
// copies become linalg ops so that they run as kernels like the rest.
//
//===----------------------------------------------------------------------===//

#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCGPUBUFFERS
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;

namespace {
/// What a function does with the memory a buffer argument points to.
struct BufferAccess {
  bool read = false;
  bool written = false;
};

/// Adds the accesses of `buffer`'s users, through views of it, to `access`.
/// Users that do not describe their effects may do anything.
void collectAccess(Value buffer, BufferAccess &access) {
  for (OpOperand &use : buffer.getUses()) {
    Operation *user = use.getOwner();
    if (auto view = dyn_cast<ViewLikeOpInterface>(user);
        view && view.getViewSource() == buffer) {
      for (Value result : user->getResults())
        collectAccess(result, access);
      continue;
    }
    auto effects = dyn_cast<MemoryEffectOpInterface>(user);
    if (!effects) {
      access.read = access.written = true;
      continue;
    }
    SmallVector<MemoryEffects::EffectInstance> instances;
    effects.getEffectsOnValue(buffer, instances);
    for (const MemoryEffects::EffectInstance &instance : instances) {
      access.read |= isa<MemoryEffects::Read>(instance.getEffect());
      access.written |= isa<MemoryEffects::Write>(instance.getEffect());
    }
  }
}

/// The dynamic sizes of `buffer`, as an allocation of its type takes them.
SmallVector<Value> getDynamicSizes(OpBuilder &builder, Location loc,
                                   Value buffer) {
  SmallVector<Value> sizes;
  auto type = cast<MemRefType>(buffer.getType());
  for (auto [dim, size] : llvm::enumerate(type.getShape()))
    if (ShapedType::isDynamic(size))
      sizes.push_back(memref::DimOp::create(builder, loc, buffer, dim));
  return sizes;
}

/// Replaces the host buffer `argument` by a device copy: allocated and
/// filled on entry when the function reads it, copied back and freed
/// before every return.
LogicalResult stageArgument(BlockArgument argument, func::FuncOp function) {
  auto type = cast<MemRefType>(argument.getType());
  if (!type.getLayout().isIdentity())
    return function.emitError()
           << "qc-gpu-buffers: argument #" << argument.getArgNumber()
           << " of @" << function.getSymName()
           << " has a strided layout; expected a dense buffer (bufferize "
              "with an identity layout at function boundaries)";
  BufferAccess access;
  collectAccess(argument, access);
  if (!access.read && !access.written)
    return success();

  Location loc = argument.getLoc();
  OpBuilder builder = OpBuilder::atBlockBegin(&function.front());
  SmallVector<Value> sizes = getDynamicSizes(builder, loc, argument);
  Value device = gpu::AllocOp::create(builder, loc, type, Type(), ValueRange(),
                                      sizes, ValueRange())
                     .getMemref();
  SmallPtrSet<Operation *, 4> staging;
  for (Value size : sizes)
    staging.insert(size.getDefiningOp());
  if (access.read)
    staging.insert(gpu::MemcpyOp::create(builder, loc, TypeRange(),
                                         ValueRange(), device, argument));
  argument.replaceAllUsesExcept(device, staging);

  for (Block &block : function.getBody()) {
    auto returnOp = dyn_cast<func::ReturnOp>(block.getTerminator());
    if (!returnOp)
      continue;
    builder.setInsertionPoint(returnOp);
    if (access.written)
      gpu::MemcpyOp::create(builder, loc, TypeRange(), ValueRange(), argument,
                            device);
    gpu::DeallocOp::create(builder, loc, TypeRange(), ValueRange(), device);
  }
  return success();
}

/// memref.alloc and memref.alloca become gpu.alloc (an alloca freed where
/// its block ends), memref.dealloc gpu.dealloc, memref.copy linalg.copy.
void moveBuffersToDevice(func::FuncOp function) {
  IRRewriter rewriter(function.getContext());
  function.walk([&](Operation *op) {
    rewriter.setInsertionPoint(op);
    Location loc = op->getLoc();
    if (isa<memref::AllocOp, memref::AllocaOp>(op)) {
      auto type = cast<MemRefType>(op->getResult(0).getType());
      auto alloc = gpu::AllocOp::create(
          rewriter, loc, type, Type(), ValueRange(),
          isa<memref::AllocOp>(op) ? cast<memref::AllocOp>(op).getDynamicSizes()
                                   : cast<memref::AllocaOp>(op).getDynamicSizes(),
          ValueRange());
      if (isa<memref::AllocaOp>(op)) {
        rewriter.setInsertionPoint(op->getBlock()->getTerminator());
        gpu::DeallocOp::create(rewriter, loc, TypeRange(), ValueRange(),
                               alloc.getMemref());
      }
      rewriter.replaceOp(op, alloc.getMemref());
    } else if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
      rewriter.replaceOpWithNewOp<gpu::DeallocOp>(
          op, TypeRange(), ValueRange(), dealloc.getMemref());
    } else if (auto copy = dyn_cast<memref::CopyOp>(op)) {
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(op, copy.getSource(),
                                                  copy.getTarget());
    }
  });
}

struct QCGpuBuffersPass
    : public qc::impl::QCGpuBuffersBase<QCGpuBuffersPass> {
  void runOnOperation() override {
    func::FuncOp function = getOperation();
    if (function.isExternal())
      return;
    for (Type result : function.getResultTypes())
      if (isa<BaseMemRefType>(result)) {
        function.emitError()
            << "qc-gpu-buffers: @" << function.getSymName()
            << " returns a buffer; expected results as out-parameters "
               "(buffer-results-to-out-params)";
        return signalPassFailure();
      }
    moveBuffersToDevice(function);
    for (BlockArgument argument : function.getArguments())
      if (isa<MemRefType>(argument.getType()) &&
          failed(stageArgument(argument, function)))
        return signalPassFailure();
  }
};
} // namespace
