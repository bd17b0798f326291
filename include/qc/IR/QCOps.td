//===- QCOps.td - qc dialect operations --------------------*- tablegen -*-===//

#ifndef QC_IR_QCOPS_TD
#define QC_IR_QCOPS_TD

include "qc/IR/QCBase.td"
include "qc/IR/QCAttrs.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

/// A zero point: an i64 attribute read as a signed value.
def QC_ZeroPointAttr : TypedSignlessIntegerAttrBase<
    I64, "int64_t", "64-bit signed zero point"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}

def QC_FloatTensor : RankedTensorOf<[AnyFloat]>;
def QC_QuantizedTensor : RankedTensorOf<[quant_QuantizedType]>;
def QC_IntegerTensor : RankedTensorOf<[AnySignlessInteger]>;
def QC_BoolTensor : RankedTensorOf<[I1]>;

//===----------------------------------------------------------------------===//
// QuantizeOp
//===----------------------------------------------------------------------===//

def QC_QuantizeOp : QC_Op<"quantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Float to quantized tensor with defined rounding and saturation";
  let description = [{
    Quantizes each element as ONNX QuantizeLinear does:
    `q = clamp(round(x / scale) + zero_point, storage_min, storage_max)`, with
    `x / scale` computed in the input float type, scales and zero points from
    the result's `!quant.uniform` type (per tensor, per axis or sub-channel),
    and `rounding` (default `half_to_even`) breaking ties. NaN maps to the
    zero point; infinities saturate.

    Upstream `quant.qcast` has the same shape but leaves rounding and
    saturation to the lowering; `qc.quantize` fixes them so that QC's compiled
    code, its constant folding and an ONNX runtime agree bit for bit.

    ```mlir
    %q = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
    %r = qc.quantize %x rounding half_away_from_zero
        : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
    ```
  }];
  let arguments = (ins
    QC_FloatTensor:$input,
    DefaultValuedAttr<QC_FloatRoundingAttr,
                      "::mlir::qc::FloatRounding::half_to_even">:$rounding
  );
  let results = (outs QC_QuantizedTensor:$result);
  let assemblyFormat = [{
    $input (`rounding` `` $rounding^)? attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// DequantizeOp
//===----------------------------------------------------------------------===//

def QC_DequantizeOp : QC_Op<"dequantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Quantized to float tensor";
  let description = [{
    `x = (q - zero_point) * scale`, computed in the result float type, with
    scales and zero points from the operand's `!quant.uniform` type (ONNX
    DequantizeLinear). Folds when the operand is a constant made by
    `quant.scast` of integer constants.

    ```mlir
    %x = qc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins QC_QuantizedTensor:$input);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// RequantOp
//===----------------------------------------------------------------------===//

def QC_RequantOp : QC_Op<"requant", [Pure, SameOperandsAndResultShape]> {
  let summary = "Integer-only requantization by dyadic multipliers";
  let description = [{
    For each element, with `x = input - input_zp` and `m * 2^-s` the
    multiplier that applies at its position (per tensor, axis or group):

    `result = clamp(round(x * m / 2^s) + output_zp, min, max)`

    computed exactly in integers (no floating point), `round` being the
    `rounding` convention (default `gemmlowp`; see `#qc.requant_rounding`).
    `min`/`max` default to the result type's range, signed unless
    `output_unsigned` is set; `clamp [lo, hi]` narrows them (a fused ReLU).
    The input is read as unsigned when `input_unsigned` is set. Inputs and
    results have at most 32 bits; a non-zero `input_zp` and `input_unsigned`
    are only allowed for inputs of at most 16 bits, as in TOSA, so that the
    intermediate product never exceeds 64 bits.

    With `gemmlowp` rounding every multiplier must be in TFLite's Q0.31 form
    (`2^30 <= m < 2^31`, or 0), as `QuantizeMultiplier` makes it; smaller
    ones would saturate in its left shift.

    The arithmetic is the numerics library's `requantize`, which the folder
    uses too; `tosa.rescale` is the same operation for the rounding modes
    TOSA has.

    ```mlir
    %o = qc.requant %acc by(#qc.dyadic<1518500250 * 2**-37>) output_zp(-3)
        : tensor<4x8xi32> -> tensor<4x8xi8>
    %p = qc.requant %acc by(#qc.dyadic<per_axis = 1, [1073741824 * 2**-31, 1073741824 * 2**-32]>)
        clamp [0, 127] rounding single_round : tensor<4x2xi32> -> tensor<4x2xi8>
    ```
  }];
  let arguments = (ins
    QC_IntegerTensor:$input,
    QC_DyadicAttr:$multiplier,
    DefaultValuedAttr<QC_ZeroPointAttr, "0">:$input_zp,
    DefaultValuedAttr<QC_ZeroPointAttr, "0">:$output_zp,
    OptionalAttr<DenseI64ArrayAttr>:$clamp,
    UnitAttr:$input_unsigned,
    UnitAttr:$output_unsigned,
    DefaultValuedAttr<QC_RequantRoundingAttr,
                      "::mlir::qc::RequantRounding::gemmlowp">:$rounding
  );
  let results = (outs QC_IntegerTensor:$result);
  let assemblyFormat = [{
    $input `by` `(` qualified($multiplier) `)`
    (`input_zp` `(` $input_zp^ `)`)?
    (`output_zp` `(` $output_zp^ `)`)?
    (`clamp` $clamp^)?
    (`rounding` `` $rounding^)?
    attr-dict `:` type($input) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// The inclusive range results are clamped to.
    ::qc::numerics::IntRange getResultRange();
    /// The range of the input's storage type as read (signed or unsigned).
    ::qc::numerics::IntRange getInputRange();
    /// True when the op returns its input unchanged for every input value.
    bool isIdentity();
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// PackedMatMulOp
//===----------------------------------------------------------------------===//

def QC_PackedMatMulOp : QC_Op<"packed_matmul", [Pure]> {
  let summary = "Integer matmul against bit-packed weights, per channel or group";
  let description = [{
    `input` (M x K, i8) times the transpose of `weight` (N rows of K
    `bits`-bit signed integers, packed), accumulated exactly in integers:

    `P[m, n, g] = sum over k in group g of (input[m, k] - input_zp) * w[n, k]`

    Without groups there is one group of all K and `result = P`. With
    `groups(G, [multipliers], shift S)` each row's K splits into K / G
    groups of G, and the partial sums, exact in i32, are combined in i64 by
    one multiplier per row and group, `mult[n * K / G + g]`, sharing the
    right shift S:

    `result[m, n] = (sum_g mult[n * K / G + g] * P[m, n, g] + 2^(S-1)) >> S`

    (an arithmetic shift: rounding half up; no offset when S = 0). This is
    how weights quantized with one scale per group meet one accumulator scale
    per output channel: `mult / 2^S` approximates the ratio of a group's scale
    to the row's reference scale (see docs/design.md for the error bound).

    `weight` holds each row's K values in numerics' bit-plane layout
    (`packBitPlanes`): blocks of 8 values of `bits` bytes, the planes widest
    first, each a little-endian word of its fields; for 1, 2, 4 and 8 bits
    this is the plain little-endian bit stream (4 bits: two values per byte,
    value 0 in the low nibble). So K is a multiple of 8 and `weight` is
    N x (K * bits / 8) bytes.

    The CPU back end (`qc-lower-packed-matmul`) unpacks the weights in
    registers; the packed bytes are what the binary stores.

    ```mlir
    %a = qc.packed_matmul %x, %w bits(4) input_zp(-3)
        : tensor<16x64xi8>, tensor<32x32xi8> -> tensor<16x32xi32>
    %b = qc.packed_matmul %x, %w3 bits(3)
        groups(32, [1073741824, 536870912, 1073741824, 805306368], shift 30)
        : tensor<16x64xi8>, tensor<2x24xi8> -> tensor<16x2xi32>
    ```
  }];
  let arguments = (ins
    2DTensorOf<[I8]>:$input,
    2DTensorOf<[I8]>:$weight,
    ConfinedAttr<I64Attr, [IntMinValue<1>, IntMaxValue<8>]>:$bits,
    DefaultValuedAttr<QC_ZeroPointAttr, "0">:$input_zp,
    OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:$group_size,
    OptionalAttr<DenseI32ArrayAttr>:$group_multipliers,
    OptionalAttr<ConfinedAttr<I64Attr, [IntNonNegative]>>:$group_shift
  );
  let results = (outs 2DTensorOf<[I32]>:$result);
  let assemblyFormat = [{
    $input `,` $weight `bits` `(` $bits `)`
    (`input_zp` `(` $input_zp^ `)`)?
    (`groups` `(` $group_size^ `,` $group_multipliers `,` `shift` $group_shift `)`)?
    attr-dict `:` type($input) `,` type($weight) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// The reduction length K.
    int64_t getReductionSize() { return getInput().getType().getDimSize(1); }
    /// The number of output channels N.
    int64_t getNumRows() { return getWeight().getType().getDimSize(0); }
    /// Groups per row: K / G, or 1 without groups.
    int64_t getNumGroups();
    /// The multiplier of row `row` and group `group`.
    int32_t getGroupMultiplier(int64_t row, int64_t group) {
      return (*getGroupMultipliers())[row * getNumGroups() + group];
    }
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// SoftmaxOp
//===----------------------------------------------------------------------===//

def QC_SoftmaxOp : QC_Op<"softmax",
    [Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "Softmax along one axis, optionally over masked rows";
  let description = [{
    `exp(x - max(x)) / sum(exp(x - max(x)))` along `axis`.

    With a `mask` (i1, of the input's rank, each dimension equal to the
    input's or 1 and broadcast), only the positions where it is true take
    part: the others get probability 0 and enter neither the maximum nor the
    sum. A row in which no position takes part is all zeros. This is how an
    additive attention mask is carried (qc-raise-masked-softmax): adding
    -10000 or -inf to masked logits before a softmax gives the same
    probabilities, but it stretches the range that quantizes the logits.

    A composite op, so that quantization sees the whole function: between a
    `qc.dequantize` of 8-bit values and a `qc.quantize`, qc-lower-to-integer
    gives it an integer-only kernel (a table of exponentials, an i32 sum and
    an integer division); a float one is expanded into TOSA by
    qc-expand-composites.

    ```mlir
    %p = qc.softmax %x axis(3) : tensor<1x8x40x40xf32>
    %q = qc.softmax %x mask(%causal : tensor<1x1x40x40xi1>) axis(3)
        : tensor<1x8x40x40xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$input,
                       Optional<QC_BoolTensor>:$mask, I64Attr:$axis);
  let results = (outs QC_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`mask` `(` $mask^ `:` type($mask) `)`)? `axis` `(` $axis `)`
    attr-dict `:` type($input)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$input, "int64_t":$axis), [{
      build($_builder, $_state, input.getType(), input, /*mask=*/nullptr,
            axis);
    }]>
  ];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// LayerNormOp
//===----------------------------------------------------------------------===//

def QC_LayerNormOp : QC_Op<"layer_norm", [Pure]> {
  let summary = "Layer normalization over the trailing dimensions";
  let description = [{
    ONNX LayerNormalization: with the dimensions from `axis` on normalized,
    `mean` and `var` their mean and (biased) variance,

    `result = (input - mean) / sqrt(var + epsilon) * scale + bias`

    `scale` and the optional `bias` have the normalized dimensions' shape.
    `mean` and `inv_std_dev` (`1 / sqrt(var + epsilon)`) are results too,
    with the normalized dimensions kept as 1, as ONNX returns them.

    A composite op, like `qc.softmax`: qc-raise-layer-norm recognizes it in
    graphs that spell it out, qc-lower-to-integer gives a quantized one with
    constant `scale` and `bias` an integer-only kernel (integer mean and
    variance, an integer square root), and qc-expand-composites expands a
    float one into TOSA.

    ```mlir
    %y, %mean, %inv = qc.layer_norm %x, %gamma, %beta axis(2) epsilon(1.0e-05)
        : (tensor<1x40x120xf32>, tensor<120xf32>, tensor<120xf32>)
        -> (tensor<1x40x120xf32>, tensor<1x40x1xf32>, tensor<1x40x1xf32>)
    ```
  }];
  let arguments = (ins
    QC_FloatTensor:$input,
    QC_FloatTensor:$scale,
    Optional<QC_FloatTensor>:$bias,
    I64Attr:$axis,
    F64Attr:$epsilon
  );
  let results = (outs
    QC_FloatTensor:$result,
    QC_FloatTensor:$mean,
    QC_FloatTensor:$inv_std_dev
  );
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? `axis` `(` $axis `)`
    `epsilon` `(` $epsilon `)` attr-dict `:` functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "Value":$input, "Value":$scale, "Value":$bias,
                   "int64_t":$axis, "double":$epsilon)>
  ];
  let extraClassDeclaration = [{
    /// The number of elements each normalization covers.
    int64_t getNormalizedCount();
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// ObserveOp
//===----------------------------------------------------------------------===//

def QC_ObserveOp : QC_Op<"observe", [MemoryEffects<[MemWrite]>]> {
  let summary = "Calibration tap: records statistics of a value";
  let description = [{
    Marks a value whose statistics calibration records under `tag`. With `channel_axis`, calibration also
    records the per-channel absolute maximum along that axis. The op writes to
    the calibration record, so it is never removed as dead code; once
    calibration has attached `#qc.stats` to the value's producer, the taps are
    removed.

    ```mlir
    qc.observe %x tag("conv1.out") : tensor<1x16x8x8xf32>
    qc.observe %h tag("ln1.out") channel_axis(2) : tensor<1x32x128xf32>
    ```
  }];
  let arguments = (ins
    QC_FloatTensor:$input,
    StrAttr:$tag,
    OptionalAttr<ConfinedAttr<I64Attr, [IntNonNegative]>>:$channel_axis
  );
  let assemblyFormat = [{
    $input `tag` `(` $tag `)` (`channel_axis` `(` $channel_axis^ `)`)?
    attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

#endif // QC_IR_QCOPS_TD
