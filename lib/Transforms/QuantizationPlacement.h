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
// constants, one per tensor or per channel. Data movement (transpose, reshape, slice, tile, max pooling)
// keeps its input's quantization, so its results get no pair. Nor do the
// results of the model's float tail: ops without an integer form whose
// results only reach the function's return (a final Softmax), which run in
// float after the last dequantize.
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

/// Whether the float value `value` gets a quantize/dequantize pair.
bool needsQuantization(Value value);

/// Whether a multiplication of `value` by positive per-channel constants,
/// taking all of its uses, fuses into a requantization: `value` is, through
/// data movement nothing else reads, the i32 accumulator of a convolution, a
/// matmul or a product of two values, which then gets no pair of its own,
/// so the factors become per-channel multipliers of the one requantization
/// after them.
bool isFusableAccumulator(Value value);

} // namespace mlir::qc

#endif // QC_LIB_TRANSFORMS_QUANTIZATIONPLACEMENT_H
