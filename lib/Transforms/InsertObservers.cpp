//===- InsertObservers.cpp - Calibration taps on the values to quantize ---===//
//
// Taps (qc.observe) every value qc-quantize will give a quantize/dequantize
// pair (QuantizationPlacement.h's rule) and every activation input of a
// convolution or matmul, the latter with the channel axis whose per-channel
// absolute maximum smoothing needs. Tags are unique and deterministic: the
// op's location name (ONNX node name), `input:<name>` for function
// arguments, with `#N` appended to repeats.
//
//===----------------------------------------------------------------------===//

#include "QuantizationPlacement.h"

#include "qc/IR/QC.h"
#include "qc/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCINSERTOBSERVERS
#include "qc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

/// Channel axes of the activation operands of TOSA's convolutions (NHWC)
/// and matmuls ([N, H, C] x [N, C, W]).
static constexpr int64_t kConvolutionInputChannelAxis = 3;
static constexpr int64_t kMatMulLhsChannelAxis = 2;
static constexpr int64_t kMatMulRhsChannelAxis = 1;

/// The name a tag starts with: the ONNX name of a function argument, else
/// the op's location name, else the op's name.
static std::string getBaseName(Value value) {
  if (auto argument = dyn_cast<BlockArgument>(value)) {
    auto function =
        dyn_cast<FunctionOpInterface>(argument.getOwner()->getParentOp());
    if (function)
      if (auto name = function.getArgAttrOfType<StringAttr>(
              argument.getArgNumber(), "onnx.name"))
        return ("input:" + name.getValue()).str();
    return "input:" + std::to_string(argument.getArgNumber());
  }
  Operation *producer = value.getDefiningOp();
  return getNodeName(producer)
      .value_or(producer->getName().getStringRef())
      .str();
}

/// The activation operands of `op` that smoothing measures per channel,
/// with their channel axes.
static SmallVector<std::pair<Value, int64_t>> getChanneledInputs(Operation *op) {
  if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
    return {{op->getOperand(0), kConvolutionInputChannelAxis}};
  if (auto matmul = dyn_cast<tosa::MatMulOp>(op)) {
    SmallVector<std::pair<Value, int64_t>> inputs = {
        {matmul.getA(), kMatMulLhsChannelAxis}};
    if (!isConstantExpression(matmul.getB()))
      inputs.push_back({matmul.getB(), kMatMulRhsChannelAxis});
    return inputs;
  }
  return {};
}

namespace {
struct InsertObserversPass
    : mlir::qc::impl::QCInsertObserversBase<InsertObserversPass> {
  void runOnOperation() override {
    // Values to tap, in program order, with an optional channel axis.
    llvm::MapVector<Value, std::optional<int64_t>> taps;
    getOperation()->walk([&](Block *block) {
      // Calibration feeds the model's inputs: only a function's own
      // arguments are values it can observe.
      if (block->isEntryBlock() &&
          isa<FunctionOpInterface>(block->getParentOp()))
        for (BlockArgument argument : block->getArguments())
          if (needsQuantization(argument))
            taps.insert({argument, std::nullopt});
      for (Operation &op : *block) {
        if (isa<ObserveOp>(op))
          continue;
        for (Value result : op.getResults())
          if (needsQuantization(result))
            taps.insert({result, std::nullopt});
        for (auto [input, axis] : getChanneledInputs(&op))
          if (!isConstantExpression(input))
            taps[input] = axis;
      }
    });
    llvm::StringMap<unsigned> repeats;
    llvm::StringSet<> tags;
    for (auto [value, axis] : taps) {
      // Names may end in "#N" themselves: count on until the tag is new.
      std::string base = getBaseName(value);
      std::string tag = base;
      while (!tags.insert(tag).second)
        tag = base + "#" + std::to_string(++repeats[base]);
      OpBuilder builder(&getContext());
      builder.setInsertionPointAfterValue(value);
      IntegerAttr axisAttr;
      if (axis)
        axisAttr = builder.getI64IntegerAttr(*axis);
      ObserveOp::create(builder, value.getLoc(), value,
                        builder.getStringAttr(tag), axisAttr);
    }
  }
};
} // namespace
