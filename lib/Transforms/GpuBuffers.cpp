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
#include "mlir/IR/SymbolTable.h"

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

/// The suffix of the function that takes device buffers.
constexpr StringLiteral kDeviceEntrySuffix = "_device";

/// Whether `function`'s buffer arguments can be staged: dense buffers, no
/// buffer results.
LogicalResult verifyStageable(func::FuncOp function) {
  for (Type result : function.getResultTypes())
    if (isa<BaseMemRefType>(result))
      return function.emitError()
             << "qc-gpu-buffers: @" << function.getSymName()
             << " returns a buffer; expected results as out-parameters "
                "(buffer-results-to-out-params)";
  for (BlockArgument argument : function.getArguments()) {
    auto type = dyn_cast<MemRefType>(argument.getType());
    if (type && !type.getLayout().isIdentity())
      return function.emitError()
             << "qc-gpu-buffers: argument #" << argument.getArgNumber()
             << " of @" << function.getSymName()
             << " has a strided layout; expected a dense buffer (bufferize "
                "with an identity layout at function boundaries)";
  }
  return success();
}

/// Moves the body of the public `function` into a new public function
/// `<name>_device` taking device buffers, and makes `function` stage its
/// host buffers around a call to it: each buffer argument is copied into
/// device memory first when the body reads it and back afterwards when the
/// body writes it.
LogicalResult splitDeviceEntry(func::FuncOp function, SymbolTable &symbols) {
  std::string deviceName = (function.getSymName() + kDeviceEntrySuffix).str();
  if (symbols.lookup(deviceName))
    return function.emitError()
           << "qc-gpu-buffers: cannot add @" << deviceName
           << " for the device-buffer entry of @" << function.getSymName()
           << ": the name is taken";
  SmallVector<BufferAccess> accesses;
  for (BlockArgument argument : function.getArguments()) {
    BufferAccess &access = accesses.emplace_back();
    if (isa<MemRefType>(argument.getType()))
      collectAccess(argument, access);
  }
  auto device = cast<func::FuncOp>(function->clone());
  device.setSymName(deviceName);
  symbols.insert(device, std::next(function->getIterator()));

  function.getBody().getBlocks().clear();
  Block *entry = function.addEntryBlock();
  Location loc = function.getLoc();
  OpBuilder builder = OpBuilder::atBlockBegin(entry);
  SmallVector<Value> operands;
  struct StagedBuffer {
    Value host, device;
    bool copyBack;
  };
  SmallVector<StagedBuffer> staged;
  for (auto [argument, access] :
       llvm::zip_equal(function.getArguments(), accesses)) {
    auto type = dyn_cast<MemRefType>(argument.getType());
    if (!type || (!access.read && !access.written)) {
      operands.push_back(argument);
      continue;
    }
    Value buffer =
        gpu::AllocOp::create(builder, loc, type, Type(), ValueRange(),
                             getDynamicSizes(builder, loc, argument),
                             ValueRange())
            .getMemref();
    if (access.read)
      gpu::MemcpyOp::create(builder, loc, TypeRange(), ValueRange(), buffer,
                            argument);
    operands.push_back(buffer);
    staged.push_back({argument, buffer, access.written});
  }
  auto call = func::CallOp::create(builder, loc, device, operands);
  for (const StagedBuffer &buffer : staged)
    if (buffer.copyBack)
      gpu::MemcpyOp::create(builder, loc, TypeRange(), ValueRange(),
                            buffer.host, buffer.device);
  for (const StagedBuffer &buffer : staged)
    gpu::DeallocOp::create(builder, loc, TypeRange(), ValueRange(),
                           buffer.device);
  func::ReturnOp::create(builder, loc, call.getResults());
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
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    auto functions = llvm::to_vector(module.getOps<func::FuncOp>());
    for (func::FuncOp function : functions) {
      if (function.isExternal())
        continue;
      moveBuffersToDevice(function);
      if (function.isPublic() && (failed(verifyStageable(function)) ||
                                  failed(splitDeviceEntry(function, symbols))))
        return signalPassFailure();
    }
  }
};
} // namespace
