//===- Passes.td - qc transformation passes ----------------*- tablegen -*-===//

#ifndef QC_TRANSFORMS_PASSES_TD
#define QC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QCLowerQuantOps : Pass<"qc-lower-quant-ops"> {
  let summary = "Lower qc.quantize, qc.dequantize and qc.requant to linalg";
  let description = [{
    Rewrites the qc quantization ops into `linalg.generic` ops on tensors whose
    bodies are `arith` (and `math` for rounding floats), computing exactly the
    numerics library's definitions:

    * `qc.requant` becomes integer-only arithmetic in i64 for the selected
      rounding convention, with per-tensor, per-axis or per-group multipliers
      indexed by the linalg indexing maps;
    * `qc.quantize` divides by the scale, rounds (`math.roundeven` or
      `math.round`), adds the zero point and saturates;
    * `qc.dequantize` subtracts the zero point and multiplies by the scale.

    Values of quantized type meet the integer code through `quant.scast`, so
    the result composes with upstream `strip-func-quant-types` and the
    canonicalizer (`quant.scast` pairs fold away).

    Per-tensor, per-axis and sub-channel (blocks along any axes) quantized
    types are lowered; shapes may be dynamic. Ops whose operands are
    constants fold instead, through the same numerics library.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::quant::QuantDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def QCStripObserve : Pass<"qc-strip-observe"> {
  let summary = "Remove qc.observe calibration taps";
  let description = [{
    Erases every `qc.observe`. Calibration inserts the taps and reads their
    records; afterwards (or to compile a model without calibrating) they have
    no use. With `keep-tags`, taps whose tag is listed stay.
  }];
  let options = [
    ListOption<"keepTags", "keep-tags", "std::string",
               "Tags of the qc.observe taps to keep">,
  ];
}

#endif // QC_TRANSFORMS_PASSES_TD
