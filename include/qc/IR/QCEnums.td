//===- QCEnums.td - qc dialect enumerations ----------------*- tablegen -*-===//

#ifndef QC_IR_QCENUMS_TD
#define QC_IR_QCENUMS_TD

include "qc/IR/QCBase.td"
include "mlir/IR/EnumAttr.td"

def QC_RequantRounding : I32EnumAttr<"RequantRounding",
    "how qc.requant rounds x * m / 2^s to an integer", [
      I32EnumAttrCase<"gemmlowp", 0>,
      I32EnumAttrCase<"single_round", 1>,
      I32EnumAttrCase<"double_round", 2>,
      I32EnumAttrCase<"inexact_round", 3>,
      I32EnumAttrCase<"half_to_even", 4>,
    ]> {
  let cppNamespace = "::mlir::qc";
  let genSpecializedAttr = 0;
}

def QC_RequantRoundingAttr : EnumAttr<QC_Dialect, QC_RequantRounding,
                                      "requant_rounding"> {
  let summary = "Rounding convention of a dyadic requantization";
  let description = [{
    * `gemmlowp`: TFLite's MultiplyByQuantizedMultiplier (the input saturates
      to int32; SaturatingRoundingDoublingHighMul rounds ties up, then
      RoundingDivideByPOT rounds ties away from zero);
    * `single_round`: TOSA SINGLE_ROUND, floor(x * m / 2^s + 1/2);
    * `double_round`: TOSA DOUBLE_ROUND;
    * `inexact_round`: TOSA INEXACT_ROUND, computed as `single_round`;
    * `half_to_even`: exact x * m / 2^s rounded half to even (ONNX).
  }];
}

def QC_FloatRounding : I32EnumAttr<"FloatRounding",
    "how qc.quantize rounds x / scale to an integer", [
      I32EnumAttrCase<"half_to_even", 0>,
      I32EnumAttrCase<"half_away_from_zero", 1>,
    ]> {
  let cppNamespace = "::mlir::qc";
  let genSpecializedAttr = 0;
}

def QC_FloatRoundingAttr : EnumAttr<QC_Dialect, QC_FloatRounding,
                                    "float_rounding"> {
  let summary = "Rounding convention of float-to-integer quantization";
  let description = [{
    `half_to_even` is ONNX QuantizeLinear's rounding; `half_away_from_zero` is
    std::round, as in TFLite's reference quantizer.
  }];
}

def QC_BitWidthMethod : I32EnumAttr<"BitWidthMethod",
    "what chose a layer's bit width", [
      I32EnumAttrCase<"manual", 0>,
      I32EnumAttrCase<"uniform", 1>,
      I32EnumAttrCase<"mixquant", 2>,
      I32EnumAttrCase<"hawq", 3>,
    ]> {
  let cppNamespace = "::mlir::qc";
}

def QC_BitWidthBudgetKind : I32EnumAttr<"BitWidthBudgetKind",
    "what a bit-width search's budget limits", [
      I32EnumAttrCase<"size", 0>,
      I32EnumAttrCase<"bops", 1>,
      I32EnumAttrCase<"avg_bits", 2>,
      I32EnumAttrCase<"latency", 3>,
    ]> {
  let cppNamespace = "::mlir::qc";
}

def QC_SmoothingMethod : I32EnumAttr<"SmoothingMethod",
    "what chose an activation's smoothing factors", [
      I32EnumAttrCase<"manual", 0>,
      I32EnumAttrCase<"smoothquant", 1>,
      I32EnumAttrCase<"os_plus", 2>,
    ]> {
  let cppNamespace = "::mlir::qc";
}

def QC_SplitTarget : I32EnumAttr<"SplitTarget",
    "which side of a linear op outlier channel splitting halves", [
      I32EnumAttrCase<"weights", 0>,
      I32EnumAttrCase<"activations", 1>,
    ]> {
  let cppNamespace = "::mlir::qc";
  let genSpecializedAttr = 0;
}

#endif // QC_IR_QCENUMS_TD
