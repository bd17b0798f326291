//===- QuantizationPlacement.h - Where quantization pairs go ----*- C++ -*-===//
//
// The one rule for which float values get a quantize/dequantize pair, shared
// by qc-quantize (which inserts the pairs) and qc-insert-observers (which
// taps the values calibration must measure for them).
//
// A pair goes after every op that computes a new value, except where the
// value only flows (through data movement) into ops that absorb an i32
// accumulator without a requantization: clamps (ReLU, Clip), additions of a
// constant (biases, batch-norm shifts) and multiplications by positive
// constants, one per tensor or per channel. Data movement (transpose,
// reshape, slice, tile, max pooling) keeps its input's quantization, so its
// results get no pair. Nor do the results of the model's float tail: ops
// without an integer form whose results only reach the function's return (a
// final Softmax), which run in float after the last dequantize. On request,
// nor do the values inside an elementwise function of one quantized tensor
// (ScalarFunction.h: HardSwish spelled out, x * sigmoid(x)), which becomes
// one table.
//
//===----------------------------------------------------------------------===//

#ifndef QC_LIB_TRANSFORMS_QUANTIZATIONPLACEMENT_H
#define QC_LIB_TRANSFORMS_QUANTIZATIONPLACEMENT_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

namespace mlir::qc {

/// Ops that only move or select elements: their results keep the
/// quantization of their input.
bool isDataMovement(Operation *op);

/// Whether `value` is computed from constants only (weights, biases).
bool isConstantExpression(Value value);

/// Whether `op` takes an i32 accumulator as it is: clamps, additions of a
/// constant and multiplications by positive constants (per tensor or per
/// channel).
bool absorbsAccumulator(Operation *op);

/// Choices the placement rule leaves to the user.
struct PlacementOptions {
  /// Whether the values inside an elementwise function of one quantized
  /// 8-bit tensor go without pairs, so that qc-lower-to-integer makes the
  /// function one table (ScalarFunction.h).
  bool tabulateFunctions = false;
};

/// Whether the float value `value` gets a quantize/dequantize pair. Without
/// function tabulation the pairs are a superset of those with it.
bool needsQuantization(Value value, const PlacementOptions &options = {});

/// The axis of `value` that each of its readers takes as the channel axis
/// of a depthwise convolution's input, directly or through views (transposes,
/// reshapes keeping the axis) that nothing else reads; nothing when anything
/// else reads it. Each output channel of a depthwise convolution reads one
/// input channel, so such a value may be quantized per channel.
std::optional<int64_t> getDepthwiseInputAxis(Value value);

/// Whether a multiplication of `value` by positive per-channel constants,
/// taking all of its uses, fuses into a requantization: `value` is, through
/// data movement nothing else reads, the i32 accumulator of a convolution, a
/// matmul or a product of two values, which then gets no pair of its own,
/// so the factors become per-channel multipliers of the one requantization
/// after them.
bool isFusableAccumulator(Value value);

} // namespace mlir::qc

#endif // QC_LIB_TRANSFORMS_QUANTIZATIONPLACEMENT_H
