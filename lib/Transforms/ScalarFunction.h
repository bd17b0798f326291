//===- ScalarFunction.h - Elementwise functions of one tensor ---*- C++ -*-===//
//
// A value computed from one tensor x by elementwise ops whose other operands
// are single-valued constants is f(x) for one scalar function f: HardSwish
// spelled out as x * clip(x + 3, 0, 6) / 6, SiLU as x * sigmoid(x), the GELU
// formulas, followed by any scale and shift. For an 8-bit x all of f is one
// 256-entry table of quantize(f(dequantize(q))): qc-quantize gives the values
// inside such a function no quantization pair (QuantizationPlacement.h) and
// qc-lower-to-integer tabulates the whole function, one rounding instead of
// one per op.
//
//===----------------------------------------------------------------------===//

#ifndef QC_LIB_TRANSFORMS_SCALARFUNCTION_H
#define QC_LIB_TRANSFORMS_SCALARFUNCTION_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace mlir::qc {

/// Whether `op` computes each element of its one float result from the
/// elements at the same position of its non-constant float operands (all of
/// the result's shape) and of constants holding one value, by arithmetic QC
/// evaluates: TOSA's elementwise float ops, and linalg.generics of identity
/// maps whose bodies MLIR's folders evaluate.
bool isScalarFunctionOp(Operation *op);

/// The scalar-function ops that compute a value from one tensor.
class ScalarFunction {
public:
  /// The function computing `root`: the scalar-function ops reached by
  /// walking up from `root`'s producer through the non-constant operands of
  /// scalar-function ops. Nothing unless `root` has such a producer and the
  /// walk ends at exactly one value, the source.
  static std::optional<ScalarFunction> get(Value root);

  /// The tensor the function reads.
  Value getSource() const { return source; }

  /// The ops from the source to the root, each after its operands'
  /// producers.
  SmallVector<Operation *> getOps() const;

  /// f(x): the root's element where the source's element is `x`; nothing
  /// where an op does not evaluate (e.g. a folder declines).
  std::optional<double> evaluate(double x) const;

  /// Whether qc-lower-to-integer folds the function into a requantization
  /// rather than a table: all of its ops are clamps, constant shifts and
  /// positive scalings. A lone linalg.generic is tabulated even then (one
  /// table instead of the generic's arithmetic).
  bool isRequantization() const;

  /// A float operand of an op of the function: a constant of one value, or
  /// a variable of the result's shape.
  struct Operand {
    Value value;
    std::optional<double> constant;
  };

  /// One op with its float operands.
  struct Step {
    Operation *op;
    SmallVector<Operand> operands;
  };

private:
  ScalarFunction(Value source, Value root, SmallVector<Step> steps)
      : source(source), root(root), steps(std::move(steps)) {}

  Value source;
  Value root;
  SmallVector<Step> steps;
};

} // namespace mlir::qc

#endif // QC_LIB_TRANSFORMS_SCALARFUNCTION_H
