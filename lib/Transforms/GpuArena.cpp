//===- GpuArena.cpp - A function's device buffers from one allocation -----===//
//
// Every gpu.alloc and gpu.dealloc of a run is a driver call on the host
// (cuMemAllocAsync, cuMemFreeAsync), and for a small model the host's calls,
// not the kernels, set the time of a run. This pass allocates one buffer
// per function instead and makes each static buffer a view of it at its
// own offset. The deallocations it replaces all come at the end of the
// function (buffer deallocation frees after the last use, which for the
// straight-line functions of compiled models is the end), so the arena
// takes the same memory as the buffers did.
//
//===----------------------------------------------------------------------===//

#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCGPUARENA
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;

namespace {
/// Offsets into the arena are multiples of this, as the driver's own
/// allocations are, so vector and asynchronous copies stay aligned.
constexpr int64_t kArenaAlignment = 256;

/// The bytes of a buffer of `type`, if the arena can hold it: static
/// shape, identity layout, whole bytes per element.
std::optional<int64_t> getArenaBytes(MemRefType type) {
  unsigned bits = type.getElementTypeBitWidth();
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      bits % 8 != 0 || type.getMemorySpace())
    return std::nullopt;
  return type.getNumElements() * (bits / 8);
}

/// A buffer the arena takes: a synchronous, device-only allocation in the
/// function's entry block, freed there (a buffer never freed may outlive
/// the function).
struct ArenaBuffer {
  gpu::AllocOp alloc;
  SmallVector<gpu::DeallocOp> deallocs;
  int64_t bytes;
};

std::optional<ArenaBuffer> matchArenaBuffer(gpu::AllocOp alloc, Block &entry) {
  if (alloc->getBlock() != &entry || alloc.getAsyncToken() ||
      !alloc.getAsyncDependencies().empty() || alloc.getHostShared())
    return std::nullopt;
  std::optional<int64_t> bytes = getArenaBytes(alloc.getType());
  if (!bytes)
    return std::nullopt;
  ArenaBuffer buffer{alloc, {}, *bytes};
  for (Operation *user : alloc.getMemref().getUsers())
    if (auto dealloc = dyn_cast<gpu::DeallocOp>(user)) {
      if (dealloc->getBlock() != &entry || dealloc.getAsyncToken() ||
          !dealloc.getAsyncDependencies().empty())
        return std::nullopt;
      buffer.deallocs.push_back(dealloc);
    }
  if (buffer.deallocs.empty())
    return std::nullopt;
  return buffer;
}

/// Replaces `buffers` by views of one allocation made before the first of
/// them and freed where the last of their deallocations was.
void allocateArena(MutableArrayRef<ArenaBuffer> buffers) {
  int64_t total = 0;
  SmallVector<int64_t> offsets;
  for (const ArenaBuffer &buffer : buffers) {
    offsets.push_back(total);
    total += llvm::alignTo(buffer.bytes, kArenaAlignment);
  }
  OpBuilder builder(buffers.front().alloc);
  Location loc = buffers.front().alloc.getLoc();
  auto arenaType = MemRefType::get({total}, builder.getI8Type());
  Value arena = gpu::AllocOp::create(builder, loc, arenaType, Type(),
                                     ValueRange(), ValueRange(), ValueRange())
                    .getMemref();
  Operation *lastDealloc = nullptr;
  for (auto [buffer, offset] : llvm::zip_equal(buffers, offsets)) {
    builder.setInsertionPoint(buffer.alloc);
    Value start = arith::ConstantIndexOp::create(builder, loc, offset);
    Value view = memref::ViewOp::create(builder, buffer.alloc.getLoc(),
                                        buffer.alloc.getType(), arena, start,
                                        ValueRange());
    for (gpu::DeallocOp dealloc : buffer.deallocs) {
      if (!lastDealloc || lastDealloc->isBeforeInBlock(dealloc))
        lastDealloc = dealloc;
    }
    buffer.alloc.getMemref().replaceAllUsesWith(view);
  }
  builder.setInsertionPoint(lastDealloc);
  gpu::DeallocOp::create(builder, loc, Type(), ValueRange(), arena);
  for (ArenaBuffer &buffer : buffers) {
    for (gpu::DeallocOp dealloc : buffer.deallocs)
      dealloc->erase();
    buffer.alloc->erase();
  }
}

struct QCGpuArenaPass : public qc::impl::QCGpuArenaBase<QCGpuArenaPass> {
  void runOnOperation() override {
    func::FuncOp function = getOperation();
    if (function.isExternal())
      return;
    Block &entry = function.getBody().front();
    SmallVector<ArenaBuffer> buffers;
    for (auto alloc : entry.getOps<gpu::AllocOp>())
      if (std::optional<ArenaBuffer> buffer = matchArenaBuffer(alloc, entry))
        buffers.push_back(std::move(*buffer));
    if (buffers.size() > 1)
      allocateArena(buffers);
  }
};
} // namespace
