//===- Passes.td - qc transformation passes ----------------*- tablegen -*-===//

#ifndef QC_TRANSFORMS_PASSES_TD
#define QC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QCLowerPackedMatMul : Pass<"qc-lower-packed-matmul"> {
  let summary = "Lower qc.packed_matmul to linalg that unpacks weights in registers";
  let description = [{
    Rewrites each `qc.packed_matmul` with a constant weight into
    `linalg.generic` ops on tensors that read the packed weights as they are
    stored and unpack them in the loop body:

    * each bit plane of the weights (numerics' `getBitPlanes`) becomes one
      constant of words, `i8`/`i16`/`i32`/`i64` for planes of 1/2/4/8 bits,
      laid out [K / G, G / 8, N] so that consecutive output channels are
      consecutive words (vectors run along N). Together the planes hold
      exactly the packed bytes: the binary stores `bits` bits per weight;
    * the input is viewed as [M, K / G, G / 8, 8] (a reshape, no copy);
    * one generic over (m, g, n, block, lane) accumulates the i32 partial
      sums: each lane shifts its field out of the plane words, assembles the
      value and sign-extends it, all in registers, then multiplies and adds.
      The input zero point enters as the initial value `-zp * sum(w)` of each
      row and group (a constant), so the loop body never subtracts it;
    * with groups, a second generic combines the partial sums in i64 with the
      group multipliers, starting from the rounding term `2^(S-1)`, and an
      arithmetic shift right by S gives the i32 result.

    Without groups G is K, unless `partial-sum-length` L divides K into
    several blocks of whole words (L a multiple of 8): then G is L and a
    second generic adds the [M, K / L, N] partial sums in i32, which is
    exact. One sum per output is what a CPU wants; a GPU, which runs the
    first generic's parallel iterations as threads, wants the K / L times
    more (`qc-lower-to-nvvm` sets L). `qc-tile-and-vectorize` recognizes
    the first generic as a blocked contraction (see there).

    With `unpack-min-rows` R > 0, a matmul without groups whose input has
    at least R static rows is lowered differently: a generic unpacks the
    weights into an int8 [N, K] tensor (each run), and a
    `linalg.matmul` with transposed B multiplies it, from the zero point's
    correction as the initial value. That is for targets whose int8
    matrix units want int8 operands (the GPU's tensor cores, through
    `qc-gpu-mma-matmul`, which evaluates the unpacking generic inside its
    kernel, so the int8 copy never reaches memory): the weights stay
    packed in the binary and in memory.

    A `qc.packed_matmul` whose weight is not a constant is an error: the
    planes are made at compile time.
  }];
  let options = [
    Option<"partialSumLength", "partial-sum-length", "int64_t",
           /*default=*/"0",
           "Inputs per i32 partial sum of a matmul without weight groups, "
           "where it divides K (a multiple of 8); 0: one sum over K">,
    Option<"unpackMinRows", "unpack-min-rows", "int64_t", /*default=*/"0",
           "Matmuls without weight groups and with at least this many "
           "(static) rows unpack their weights to int8 [N, K] and become an "
           "int8 linalg.matmul (transposed B); 0: never">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

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

    Quantization is done by then: the `qc.stats` and `qc.scheme`
    annotations of ops (calibration statistics and schemes of float values)
    are dropped.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::quant::QuantDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def QCLowerToInteger : Pass<"qc-lower-to-integer"> {
  let summary = "Rewrite float ops between dequantize and quantize into integer-only arithmetic";
  let description = [{
    Takes a graph in QDQ form (float TOSA/linalg ops whose operands come from
    `qc.dequantize` and whose results go to `qc.quantize`, as `qc-quantize`
    and the ONNX importer produce them) and moves each `qc.dequantize` down
    through the ops it feeds, replacing them by integer ops on the storage
    tensors, until every `qc.quantize` meets a `qc.dequantize` and becomes a
    `qc.requant`:

    * uint8 values become int8 by flipping the top bit (zero point - 128),
      the form TOSA's integer ops take;
    * transpose, reshape, slice, `tensor.extract_slice`, tile, concat (one
      quantized type), reverse and max pooling run on the storage integers;
      per-axis parameters follow transposes and reshapes that keep their
      axis; a concat of differently quantized operands requantizes each to
      its output first;
    * `tosa.conv2d`, `tosa.depthwise_conv2d` and `tosa.matmul` with int8
      operands (weights per tensor or per output channel, symmetric) become
      the same ops on int8 accumulating in i32 at scale `s_in * s_w[c]`; a
      float constant bias is rounded to that scale (half to even), an i32
      bias of exactly that scale is used as is; with constant weights the
      input zero point moves into the bias (`b - z * sum(w)` per output
      channel, the padding made explicit with `z`) or, for matmuls, into a
      constant i32 correction `-z * colsum(b)`, so the op runs without zero
      points (linalg's plain, vectorized convolutions and matmuls); other
      zero points stay on the TOSA op;
    * an add of a float constant (or of an accumulator of the same type) to
      an i32 accumulator is an i32 add;
    * a multiplication by a positive constant (`tosa.mul`, or a
      `linalg.generic` whose body is one `arith.mulf`, or one `arith.divf`
      by a positive constant) changes the scale only; a multiplication of
      two quantized values is an i32 product of the zero-point-corrected
      operands; a narrow value plus a constant is widened to i32 first;
      `tosa.reduce_sum` sums in i32, and so does `tosa.avg_pool2d` without
      padding (`linalg.pooling_nhwc_sum`, the division by the window size
      being a scale change);
    * `quantize(clamp*(dequantize(x)))` is one `qc.requant` by `s_x / s_out`
      (per channel for per-channel accumulators; TFLite's
      `QuantizeMultiplier`), with ReLU/Clip bounds quantized into its clamp;
    * `quantize(clamp*(add(dequantize(a), dequantize(b))))` is HAWQ-V3's
      residual add: `qc.requant` of each operand by `s_a / s_out` and
      `s_b / s_out` into i32, an i32 add, and a final `qc.requant` that adds
      the output zero point, applies the clamps and saturates;
    * `quantize(f(dequantize(x)))` for 8-bit `x` and an elementwise
      function `f` of `x` alone becomes a 256-entry `tosa.table` of
      `quantize(f(dequantize(q)))`, computed at compile time (in double;
      `linalg.generic` bodies by MLIR's folders). `f` is one op or a graph
      of them: TOSA's elementwise float ops (add, sub, mul, maximum,
      minimum, pow, clamp, negate, reciprocal, rsqrt, exp, log, sigmoid,
      tanh, erf, abs, floor, ceil, cos, sin) and `linalg.generic`s of
      identity maps, whose other operands are constants of one value:
      HardSwish, HardSigmoid and GELU formulas spelled out in ONNX ops are
      one table each. Tables are made before any other rewrite, so a
      function's ops are not taken one at a time; functions made only of
      TOSA clamps, constant shifts and positive scalings are left to the
      requantization below;
    * `quantize(qc.softmax(dequantize(x)))` for int8 `x`: the row maximum,
      `exp(s (x - max))` from a 256-entry table in fixed point (up to 20
      fraction bits), the i32 row sum, and per element one rounded i64
      division `e * m / (sum * 2^shift)` with `m * 2^-shift = 1 / s_out`;
      positions its mask excludes stay out of the maximum and get `e = 0`;
    * `quantize(qc.layer_norm(dequantize(x), scale, bias))` for int8 `x` and
      constant scale and bias (mean and inv_std_dev unused): with
      `d = N x - sum(x)` (i32), `sum(d^2)` (i64) plus epsilon in the same
      units, its integer square root (shifted left for precision) and
      fixed-point per-column scale and bias, one rounded i64 division per
      element; every intermediate is bounded below 2^62 at compile time.

    Whatever float op remains between a dequantize and a quantize is left
    as it is; `qc-verify-integer-only` reports it.
  }];
  let options = [
    Option<"rounding", "rounding", "std::string", /*default=*/"\"gemmlowp\"",
           "Rounding of every qc.requant made: gemmlowp (TFLite), "
           "single_round, double_round, inexact_round (TOSA) or "
           "half_to_even (ONNX)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::quant::QuantDialect",
    "::mlir::tosa::TosaDialect",
  ];
}

def QCVerifyIntegerOnly : Pass<"qc-verify-integer-only"> {
  let summary = "Fail where a float op remains between qc.dequantize and qc.quantize";
  let description = [{
    A quantized region is what lies between a `qc.dequantize` and a
    `qc.quantize`: an op whose float operands come, through float values,
    from a dequantize and whose float results reach, through float values, a
    quantize. After `qc-lower-to-integer` such a region holds integer ops
    only; this pass reports every op that still computes in floating point
    there, naming it, and fails. Ops carrying the unit attribute
    `qc.keep_float` (the user asked to keep them in float) are exempt. A
    `qc.quantize` fed directly by a `qc.dequantize` is reported too: it is a
    requantization left in float.

    Float ops before the first quantize (the model's float inputs) and after
    the last dequantize (its float outputs) are outside every region.
  }];
}

def QCExpandComposites : Pass<"qc-expand-composites"> {
  let summary = "Expand float qc.softmax and qc.layer_norm into TOSA";
  let description = [{
    The composite ops `qc.softmax` and `qc.layer_norm` let quantization
    lower a softmax or a layer normalization as a whole (see
    `qc-lower-to-integer`). Those still computing in float afterwards (a
    float model, ops kept in float) become TOSA: `tosa.reduce_max`,
    `tosa.exp`, `tosa.reduce_sum` and a multiplication by the sum's
    `tosa.reciprocal`; and the mean, centered values, variance,
    `tosa.rsqrt(var + epsilon)`, scale and bias, with the mean and inverse
    standard deviation results of `qc.layer_norm` taken from the expansion.
  }];
  let dependentDialects = ["::mlir::tosa::TosaDialect"];
}

def QCRaiseLayerNorm : Pass<"qc-raise-layer-norm"> {
  let summary = "Recognize layer normalization spelled out in elementwise ops";
  let description = [{
    Exporters write LayerNormalization before ONNX opset 17 as
    `ReduceMean, Sub, Pow(2), ReduceMean, Add(epsilon), Sqrt, Div, Mul(scale),
    Add(bias)`; quantizing each of those ops loses the precision the
    normalization needs (the variance and standard deviation in 8 bits).
    This pass replaces the chain, as the ONNX importer builds it, by
    `qc.layer_norm`:

    * mean: `tosa.reduce_sum` over the trailing dimensions from some axis on,
      then a multiplication by `1/N` (a `linalg.generic` or a `tosa.mul` by a
      constant);
    * centered: `tosa.sub(x, mean)`;
    * the squares of centered values (`math.powf` by 2, or a product with
      itself), their mean as above;
    * `+ epsilon` (a constant), `math.sqrt`, and the centered values divided
      by it;
    * a multiplication by a constant `scale` and, optionally, an addition of
      a constant `bias`, broadcast along the normalized dimensions only.

    The intermediate values must have no other uses. Other spellings are left
    alone.
  }];
  let dependentDialects = ["::mlir::qc::QCDialect",
                           "::mlir::tosa::TosaDialect"];
}

def QCRaiseMaskedSoftmax : Pass<"qc-raise-masked-softmax"> {
  let summary = "Carry additive attention masks as the softmax's boolean mask";
  let description = [{
    Replaces `qc.softmax(tosa.add(x, m))` with a constant `m` whose entries
    are 0 or at most -10000 (-inf included) by `qc.softmax(x)` with the
    boolean mask `m == 0`. The probabilities are the same: a masked logit's
    exponential is 0 in float32 either way (unless it exceeds the row's
    largest kept logit by more than 9900). Quantization then sees the
    logits' own range; the sum with the mask spans 10000 and leaves the
    kept logits a few of its 256 levels.

    The add is kept for any other users. Left alone: masks with other
    entries (relative position biases), and masks that exclude a whole row
    along the softmax's axis (adding one value to a row changes nothing,
    which a boolean mask cannot say).

    quant-compile runs this pass on every model before quantization.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::qc::QCDialect"];
}

def QCFoldBatchNorm : Pass<"qc-fold-batch-norm"> {
  let summary = "Fold per-channel scales and shifts into the preceding convolution";
  let description = [{
    Inference batch normalization after a convolution is `y = a * conv(x) +
    b` per output channel; the ONNX importer emits it as `tosa.mul` and
    `tosa.add` by constants. This pass folds a constant per-channel (or
    scalar) `tosa.mul` into the convolution's weights and bias and a
    constant `tosa.add` into its bias, through the NHWC -> NCHW transpose
    the importer puts after convolutions, when the convolution (and the
    transpose) have no other use. Weights and biases must be computable
    from constants (behind transposes, reshapes and arithmetic); the folded
    ones are new constants. Quantization runs it first, so weights are
    quantized as they multiply the input (HAWQ-V3's BN folding).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def QCSmooth : Pass<"qc-smooth"> {
  let summary = "Rescale activation channels into the weights (SmoothQuant, OS+)";
  let description = [{
    Moves the per-channel range of a convolution's or matmul's input into its
    weights, so per-tensor activation quantization is not dominated by a few
    large channels, without changing what the float model computes:
    `X~ = (X - z) / s`, `W~ = diag(s) W`, `b~ = b + z W`.

    A *smoothing group* is a producer, its result X and every op that
    consumes X through views (`tosa.transpose`, `tosa.reshape` keeping the
    channel dimension whole): all consumers must be `tosa.matmul` (X as the
    left operand, constant right operand), `tosa.conv2d` or
    `tosa.depthwise_conv2d` (constant weights), and they share one `s` and
    `z` (the Q/K/V projections of one layer norm). The division folds into
    the producer: `qc.layer_norm` over the last axis (gamma / s,
    (beta - z) / s), a convolution or matmul with constant weights (its
    output channels and bias; a matmul's bias is the `tosa.add` after it),
    or a `tosa.mul` by positive per-channel constants (c / s; a
    spelled-out GELU's final 0.5, a spelled-out RMSNorm's gamma) of an i32
    accumulator it alone reads.

    Where nothing folds, `explicit-multiply` (on by default) inserts the
    division as a `tosa.mul` by `1 / s` (and a `tosa.add` of `-z / s`) at X,
    where X is, through data movement nothing else reads, the accumulator
    of a matmul of two activations (attention's `P V` before the output
    projection), a convolution or a product: `qc-quantize` then puts no
    quantization pair on the accumulator, and `qc-lower-to-integer` turns
    the multiply into the per-channel multipliers of its one requantization
    to X~, so X is never rounded on its outlier-dominated range. Elsewhere
    (X from a function argument, a lookup table, a clamp) X would be
    quantized before the multiply, which could then only add a rounding:
    such groups, and groups where X has any other use (a residual add, an
    activation function), are left alone. So are groups read only
    by depthwise convolutions unless `depthwise` is set: their weights are
    quantized per output channel, which is per input channel, so no
    quantization difficulty moves into them; smoothing then only equalizes
    X's channel ranges to calibration's maxima, which takes away the
    headroom small channels had under the per-tensor range (on PP-OCRv4 rec
    it cost 0.75 points of character accuracy out of sample).

    Methods (`method`):
    - `smoothquant`: `s_j = max|X_j|^alpha / max|W_j|^(1 - alpha)` over all
      consumers' weight rows j (floored at 1e-5); channels calibration never
      saw nonzero keep `s_j = 1`. No shift.
    - `os_plus` (Outlier Suppression+): `z_j = (max_j + min_j) / 2` and
      `s_j = max(1, (max_j - z_j) / t)`; the threshold t is the channel
      half-range that minimizes an estimate of the consumers' output
      quantization noise (one 8-bit step of X~, and each output channel's
      `weight-bits` weight step, propagated through the layer). A padded
      convolution consumer sees zeros where X~ would need -z: such groups
      get no shift.

    `alpha-search` chooses per group, by measurement: SmoothQuant's alpha
    among k / 20 (k = 0 .. 20), OS+'s t among the 20-quantiles of the
    channel half-ranges (and the largest, which only shifts), whichever
    gives the smallest squared error of the consumers' outputs,
    `Q(X~) Q(W~)` against `X~ W~`, summed over the rows of X calibration
    sampled (`#qc.stats` `rows`): X~ on the 8-bit affine grid of its range,
    W~ on the `weight-bits` per-output-channel grid. A convolution's kernel
    taps are measured as separate outputs (the rows are single positions).
    The chosen alpha or t is the one the decision records.

    The per-channel ranges come from the consumers' input statistics
    (`#qc.stats` with `channels(axis = a)`, written by calibration). The
    decision is recorded on the producer (or the explicit multiply) as
    `qc.smoothing` (`#qc.smoothing<...>`, with `folded` once applied);
    folded groups are skipped, so the pass is idempotent. To impose factors,
    write `qc.smoothing = #qc.smoothing<manual, scales = [...], shifts =
    [...]>` on the producer before the pass (where nothing folds, on a
    `tosa.mul` of X by ones written for it). Statistics of the values smoothing
    changes are removed: calibrate the smoothed model before `qc-quantize`.
  }];
  let options = [
    Option<"method", "method", "std::string", /*default=*/"\"smoothquant\"",
           "How factors are computed: smoothquant or os_plus">,
    Option<"alpha", "alpha", "double", /*default=*/"0.5",
           "SmoothQuant's migration strength in [0, 1]: 0 leaves X, 1 moves "
           "its whole range into the weights">,
    Option<"alphaSearch", "alpha-search", "bool", /*default=*/"false",
           "Choose alpha (smoothquant) or t (os_plus) per group on a grid by "
           "the consumers' quantized output error on the sampled rows">,
    Option<"weightBits", "weight-bits", "int64_t", /*default=*/"8",
           "Bits of the symmetric per-channel weights the factors are chosen "
           "for (2 to 8; qc-quantize's weight-bits)">,
    Option<"depthwise", "depthwise", "bool", /*default=*/"false",
           "Also smooth groups read only by depthwise convolutions (only "
           "their activation ranges change)">,
    Option<"explicitMultiply", "explicit-multiply", "bool",
           /*default=*/"true",
           "Where no producer folds the factors, divide by them in a "
           "per-channel tosa.mul that fuses into the accumulator's "
           "requantization">,
  ];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

def QCSplitOutliers : Pass<"qc-split-outliers"> {
  let summary = "Split outlier input channels of matmuls and convolutions (OCS)";
  let description = [{
    Outlier channel splitting (Zhao et al. 2019): a linear op reads a few
    input channels twice, and the two halves of each split share what one
    channel held, so the largest weights or activations need half the range;
    the float function is exactly the same and the graph stays dense
    (`tosa.concat` of the input and `tosa.slice`s of it, which quantize as
    data movement). Per op, `ceil(ratio * C)` channels are added, C its
    input channel count. `tosa.matmul` (constant right operand) and
    `tosa.conv2d` (constant weights) are split; depthwise convolutions are
    not (their outputs follow the input channels).

    `target=weights`: repeatedly, the input channel whose weight row (every
    output channel and kernel tap reading it) holds the largest |w|, copies
    included, is halved and the halved row appended; the op reads a copy of
    that activation channel. With `grid-aware`, w splits into
    `w / 2 - d / 4` and `w / 2 + d / 4`, d the output channel's step on the
    symmetric `weight-bits` grid of the plainly split weights: the halves
    then round apart instead of both the same way. X is unchanged, so the
    widened input's statistics are X's, with the copies' channel entries
    and sampled columns appended (its percentiles stay X's).

    `target=activations`: per channel group (as in `qc-smooth`: X from a
    producer the division folds into, or with `explicit-multiply` from an
    accumulator an explicit per-channel multiply fuses with; read only by
    these ops through views), repeatedly the channel j with the largest
    calibrated `max|X_j| / k_j` gets one more copy (k_j its copies so far,
    1 at first). Channel j is divided by k_j at the producer (gamma and
    beta, its output channel and bias, or the multiply's factor) and every
    consumer reads it k_j times, with
    its weight row copied whole. (Equal copies rather than OCS's halving of
    one copy: slicing X provides equal copies only, and the largest channel
    range falls at least as fast.) This needs per-channel statistics
    (`#qc.stats` with channels) and drops those of X: calibrate again
    before `qc-quantize`.

    Each split op records its decision as `qc.outlier_split`
    (`#qc.outlier_split<target, channels = [...]>`: the source channel of
    each appended input channel); ops carrying one are left alone, so the
    pass is idempotent.
  }];
  let options = [
    Option<"ratio", "ratio", "double", /*default=*/"0.02",
           "Input channels added per op, as a fraction of its input channels "
           "(rounded up), in [0, 1]">,
    Option<"target", "target", "std::string", /*default=*/"\"weights\"",
           "What splitting halves: weights or activations">,
    Option<"gridAware", "grid-aware", "bool", /*default=*/"false",
           "target=weights: split w into w/2 -+ d/4 (d the weight grid step) "
           "so the halves round apart">,
    Option<"weightBits", "weight-bits", "int64_t", /*default=*/"8",
           "Bits of the symmetric per-channel weight grid grid-aware splits "
           "for (2 to 8; qc-quantize's weight-bits)">,
    Option<"explicitMultiply", "explicit-multiply", "bool",
           /*default=*/"true",
           "target=activations: where no producer folds the division, do it "
           "in a per-channel tosa.mul that fuses into the accumulator's "
           "requantization">,
  ];
  let dependentDialects = ["::mlir::qc::QCDialect",
                           "::mlir::tosa::TosaDialect"];
}

def QCQuantize : Pass<"qc-quantize"> {
  let summary = "Choose scales and zero points and insert quantize/dequantize pairs";
  let description = [{
    Turns a float graph with calibration statistics (`qc.stats` on the ops
    that produce values and on function arguments) into the QDQ form that
    `qc-lower-to-integer` compiles:

    * each activation an integer op will consume gets a `qc.quantize` /
      `qc.dequantize` pair right after its producer. Its per-tensor
      `!quant.uniform` type comes from the value's `#qc.stats` range
      (widened to contain 0) and the scheme: the producer's `qc.scheme`
      when it has one, else the pass options (8-bit, signed or unsigned,
      affine or symmetric). Affine: `s = (max - min) / (qmax - qmin)`,
      `z = round(qmin - min / s)`; symmetric: `s = max|x| / qmax`, `z = 0`;
    * values that only flow (through data movement) into ops absorbing an
      i32 accumulator get no pair: clamps (ReLU, Clip), additions of a
      constant (biases) and multiplications by positive constants (one per
      tensor or per channel, e.g. `qc-smooth`'s explicit multiply); the pair
      goes after those ops instead, so ReLU and biases fuse into the
      requantization. Results of data movement (transpose, reshape, slice,
      tile, max pooling) keep their input's quantization; the model's float
      tail (ops without an integer form whose results only reach the
      return, e.g. a final Softmax) stays float after the last dequantize;
    * with `tabulate-functions`, values inside an elementwise function of
      one quantized 8-bit tensor get no pair: values computed from it by
      elementwise ops whose other operands are constants of one value, and
      read only by more of them (HardSwish spelled out as
      `x * clip(x + 3, 0, 6) / 6` with a scale and shift after it,
      `x * sigmoid(x)`); `qc-lower-to-integer` makes the whole function one
      table, one rounding instead of one per op. A function keeps a pair
      per value where one of its outputs (values read elsewhere or with a
      `qc.scheme`) is also read inside it, or an output or the source is
      not 8-bit. Off by default: on PP-OCRv4 rec the exact tables changed
      the accuracy by -2.0 to +3.6 points depending on the observer
      (docs/benchmarks.md);
    * with `per-channel-depthwise-inputs`, a value that only depthwise
      convolutions read (directly or through transposes and reshapes) is
      quantized per channel: signed, one scale per channel from the
      calibrated channel ranges `[lo_c, hi_c]` (the observer's clipping
      applies per tensor only) and one zero point `z` for all channels (the
      convolution's padding and `qc.requant`'s output take one):
      `s_c = max(hi_c / (qmax - z), -lo_c / (z - qmin))`, the smallest scale
      holding the channel's range, with `z` minimizing `sum_c s_c^2`, the
      rounding noise. Each output channel of a depthwise convolution reads
      one input channel, so the scales multiply into its per-channel
      requantization exactly. The producer must be requantized from an i32
      accumulator (convolutions, matmuls, products, sums, with clamps,
      shifts and positive scalings after them), which takes one multiplier
      per channel; values written by a table, a concatenation or a
      normalization kernel, with a `qc.scheme`, or with `activation-type=u8`
      stay per tensor. Off by default: on PP-OCRv4 rec it raises the SQNR
      of the first blocks by up to 11 dB but lowers the accuracy
      (docs/benchmarks.md);
    * weights of `tosa.conv2d`, `tosa.depthwise_conv2d` (channel multiplier
      1) and constant right operands of `tosa.matmul` become signed
      narrow-range integers of `weight-bits` bits with one scale per output
      channel, `s_c = max|w_c| / qmax`, behind a `qc.dequantize`; biases
      become plain constants (quantized to the accumulator's scale later).
      With `bias-correction` (Nagel et al., "Data-Free Quantization", 2019,
      section 4.2, with calibrated rather than batch-norm-derived input
      means), a convolution whose input has calibrated channel means
      (`#qc.stats<..., means = [...]>`) gets the bias
      `b_o - sum_{taps, c} (w_q - w)[o, taps, c] * E[x_c]`: rounding the
      weights shifts each output channel's mean by that much for inputs of
      those means (padding, which reads zeros, is not counted).
      With `weight-group-size=G` (32, 64 or 128 are typical), weights of
      `tosa.conv2d` and `tosa.matmul` whose input channels (OHWI's I, B's
      K) split into groups of G get one scale per output channel and group
      instead, `s = max|w| / qmax` over the group, as an upstream
      sub-channel type (`!quant.uniform<i8<-7:7>:f32:{0:1, 3:32}, ...>`);
      other layers (depthwise ones, or input channels that G does not
      divide) stay per channel. `qc-lower-to-integer` packs such weights
      (and any narrower than 8 bits) into `qc.packed_matmul`.

    Ops named in `keep-float` (by their location name: the ONNX node name)
    get the `qc.keep_float` attribute and keep float weights.

    Run `qc-fold-batch-norm` before calibration and this pass.
  }];
  let options = [
    Option<"activationType", "activation-type", "std::string",
           /*default=*/"\"i8\"",
           "Storage of activations: i8 (int8) or u8 (uint8)">,
    Option<"activationSymmetric", "activation-symmetric", "bool",
           /*default=*/"false",
           "Quantize activations symmetrically (zero point 0, or the middle "
           "of the range for u8) instead of affinely">,
    Option<"weightBits", "weight-bits", "int64_t", /*default=*/"8",
           "Bits of the symmetric per-channel weights (2 to 8)">,
    Option<"weightGroupSize", "weight-group-size", "int64_t",
           /*default=*/"0",
           "Input channels sharing one weight scale (0: one scale per "
           "output channel)">,
    ListOption<"keepFloat", "keep-float", "std::string",
               "Names of ops (ONNX node names) to keep in floating point">,
    Option<"tabulateFunctions", "tabulate-functions", "bool",
           /*default=*/"false",
           "Give the values inside an elementwise function of one 8-bit "
           "tensor no pairs, so the function becomes one table">,
    Option<"biasCorrection", "bias-correction", "bool", /*default=*/"false",
           "Subtract from each convolution's bias the mean change its "
           "weights' rounding makes, from the calibrated input channel "
           "means">,
    Option<"perChannelDepthwiseInputs", "per-channel-depthwise-inputs",
           "bool", /*default=*/"false",
           "Quantize values read only by depthwise convolutions per channel "
           "(one scale per channel, one zero point)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::quant::QuantDialect",
    "::mlir::qc::QCDialect",
  ];
}

def QCSearchBitWidth : Pass<"qc-search-bitwidth", "::mlir::func::FuncOp"> {
  let summary = "Choose each layer's weight bit width under a budget";
  let description = [{
    Chooses the weight width of every layer (`tosa.conv2d`,
    `tosa.depthwise_conv2d` and `tosa.matmul` with constant weights, not
    `qc.keep_float`) among `candidates` and writes it on the layer as
    `qc.bitwidth = #qc.bitwidth<weights = b, method = ..., sensitivity = x>`,
    which `qc-quantize` follows (and a user may edit). Activations stay
    8-bit. The weight grid is `qc-quantize`'s: symmetric, narrow range, one
    scale per output channel.

    `method=hawq` (HAWQ-V3, Yao et al. 2021) minimizes the summed
    sensitivity `sum_i Omega_i(b_i)` under the budget, exactly, as a 0-1
    integer program solved by GLPK:
    `Omega_i(b) = Tr(H_i) / n_i * ||Q_b(W_i) - W_i||^2`. QC takes `H_i`
    as the Hessian of the layer's reconstruction error `||W X - W' X||^2`
    on the calibration data, `2 X X^T` per output channel (as GPTQ does),
    not the Hessian of the task loss that the paper estimates with
    Hutchinson's method, which needs gradients a compiler does not have. Its
    trace per weight is `Tr(H_i) / n_i = 2 P_i E[x^2]`: `P_i` the output
    positions each weight is applied at (N H W of a convolution's output,
    the rows M of a matmul's), `E[x^2]` the calibrated mean square of the
    layer's input (`#qc.stats<..., mean_square = x>`; zero padding is not
    counted). `Omega` is then the layer's expected output error per
    sample when its weight errors are uncorrelated with its inputs.

    That error is absolute: it grows with the layer's output energy, which
    differs by orders of magnitude between layers, although a normalization
    or a residual stream downstream sees the error only relative to the
    signal it joins. `sensitivity=relative` (the default, a deviation from
    the paper) divides `Omega_i` by that signal's energy per sample,
    `P_i C_i E[y^2]` (`C_i` output channels): `E[y^2]` is the calibrated
    mean square of the residual sum the layer's result flows into (through
    data movement, clamps, bias additions and positive scalings), else of
    the first value calibration observed on that way (the layer's output).
    Each term is then the layer's noise-to-signal ratio, and their sum
    approximates the network output's when each layer's relative error
    passes on unamplified. `sensitivity=absolute` keeps `Omega` as the
    output error.

    `method=mixquant` (MixQuant, Kloberdanz and Le 2023) needs no data:
    each layer takes the smallest candidate `b` whose round-off error
    `E(b) = ||Q_b(W) - W||^2` is at most `qem * E(8)`, the largest
    candidate where none is. With a budget instead of `qem`, the search
    takes the smallest `qem` whose choice fits the budget.

    `budget` is `size:<MB>` (weights at their widths, MB = 2^20 bytes as in
    HAWQ-V3's code), `bops:<G>` (sum of MACs * weight bits * 8 activation
    bits, in 10^9), `avg-bits:<x>` (bits per weight over all layers) or
    `latency:<ms>` (the sum of per-layer latencies from `latency-table`, a
    JSON file `{"<layer>": {"<bits>": ms, ...}, ...}` measured on the
    target). The function gets `qc.bitwidth_budget =
    #qc.bitwidth_budget<kind, limit = x, used = y>`. A budget no choice
    fits is an error that names the smallest budget that would fit.

    Layers are named by their ONNX node name (the location's name; a
    repeated name gets `#k`, as calibration's tags), else `layer<i>` in
    program order. `pin=<layer>:<bits>,...` fixes widths by hand, as does a
    `#qc.bitwidth<..., pinned>` already on a layer; `pin-first-last`
    (default on, as in HAWQ-V3) keeps the first and last layer at 8 bits.
    The two branches into one residual addition take the same width
    (HAWQ-V3's ties): where both operands of a `tosa.add` are, through data
    movement, clamps, bias additions and positive scalings, results of
    layers, those layers are tied (MixQuant gives both the wider of their
    widths).
  }];
  let options = [
    Option<"method", "method", "std::string", /*default=*/"\"hawq\"",
           "How widths are chosen: hawq (least summed sensitivity under the "
           "budget) or mixquant (per-layer round-off error rule)">,
    ListOption<"candidates", "candidates", "unsigned",
               "Weight widths to choose from, 2 to 8 (default 2,3,4,8)">,
    Option<"budgetText", "budget", "std::string", /*default=*/"",
           "size:<MB>, bops:<G>, avg-bits:<x> or latency:<ms>; required by "
           "hawq, or instead of qem by mixquant">,
    Option<"qem", "qem", "double", /*default=*/"0.0",
           "MixQuant's quantization error multiplier (> 0): each layer takes "
           "the smallest width with E(b) <= qem * E(8)">,
    ListOption<"pins", "pin", "std::string",
               "Widths fixed by hand, as <layer>:<bits>">,
    Option<"sensitivity", "sensitivity", "std::string",
           /*default=*/"\"relative\"",
           "hawq: relative (Omega over the layer's output energy) or "
           "absolute (Omega as the layer's output error)">,
    Option<"pinFirstLast", "pin-first-last", "bool", /*default=*/"true",
           "Keep the first and the last layer at 8 bits">,
    Option<"latencyTable", "latency-table", "std::string", /*default=*/"",
           "JSON file of per-layer latencies in ms per width, for "
           "budget=latency:<ms>">,
  ];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

def QCInsertObservers : Pass<"qc-insert-observers"> {
  let summary = "Tap the values calibration must measure with qc.observe";
  let description = [{
    Adds a `qc.observe` after every value that `qc-quantize` will give a
    quantize/dequantize pair (the same placement rule, without
    `tabulate-functions`: its pairs are a superset of those with it, so
    one calibration serves both), and after every
    activation input of a convolution or matmul with its channel axis (3
    for NHWC convolution inputs, 2 and 1 for the operands of `tosa.matmul`),
    whose per-channel min and max smoothing needs. Tags are unique and
    deterministic: the op's location name (the ONNX node name), or
    `input:<onnx.name>` for function arguments, with `#N` appended to
    repeats, so a statistics file written for one import of a model applies
    to the next. Run `qc-fold-batch-norm` first.
  }];
  let dependentDialects = ["::mlir::qc::QCDialect"];
}

def QCCalibrate : Pass<"qc-calibrate"> {
  let summary = "Attach calibration statistics to the observed values";
  let description = [{
    Reads the statistics file a calibration run wrote (`quant-compile
    --calib`, keyed by the `qc.observe` tags of `qc-insert-observers`) and
    attaches each tap's statistics as `#qc.stats` to the value it observes
    (the producer's `qc.stats`, or a function argument attribute), then
    removes the taps. The stats' `min` and `max` are the range the
    `observer` chose (`minmax`: the values seen; `moving_average`,
    `percentile`, `mse`, `kl`: clipped ranges, see docs/design.md), always
    containing 0; per-channel taps also get each channel's min and max seen,
    `channels(axis = a) = [lo : hi, ...]`, and their means where the file
    has them, `means = [...]`; every tap gets the mean of x^2 over its
    elements where the file has it, `mean_square = x`. One calibration run
    serves every observer: the file holds all their ranges.

    File format (version 2): `{"version": 2, "samples": N, "values":
    {"<tag>": {"min": x, "max": x, "mean_square": x, "ranges": {"minmax":
    [lo, hi], ...}, "channel_axis": a, "channel_min": [...], "channel_max":
    [...], "channel_mean": [...]}}}`, the channel entries only for
    per-channel taps (`mean_square`, `channel_mean` and the sampled rows may
    be absent). Version 1 files (per-channel
    `channel_absmax` only) are rejected: calibrate again to rewrite them.

    A tap without an entry, an unknown observer or a malformed file is an
    error naming the tap or the file.
  }];
  let options = [
    Option<"statsFile", "stats-file", "std::string", /*default=*/"",
           "The statistics file (JSON) written by calibration">,
    Option<"observer", "observer", "std::string", /*default=*/"\"minmax\"",
           "Which observer's range becomes the stats' min and max: minmax, "
           "moving_average, percentile, mse or kl">,
  ];
}

def QCOutlineKernels : Pass<"qc-outline-kernels", "::mlir::ModuleOp"> {
  let summary = "Move each top-level loop nest of a function into its own function";
  let description = [{
    After tiling and bufferization a model is one function holding hundreds
    of loop nests. This pass moves every top-level `scf` loop nest and every
    linalg op of a function with at least two of them into a new private
    function `<function>_kernel<N>` marked `noinline` (through the LLVM
    `passthrough` attribute), called in its place. Values the nest uses from
    outside become arguments, except constants and `memref.get_global`s,
    which are recreated inside. Run it on buffers, after bufferization.

    Profiles of a compiled model then name the loop nest that takes the
    time (`perf report` on PP-OCRv4 rec showed which convolutions had
    ragged vector tiles), and the IR of one nest can be extracted and
    studied alone. LLVM also optimizes and allocates registers per nest
    instead of across the whole model; on PP-OCRv4 rec this changed neither
    run time nor compile time measurably.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def QCGpuBuffers : Pass<"qc-gpu-buffers", "::mlir::ModuleOp"> {
  let summary = "Place a bufferized module's buffers in GPU memory";
  let description = [{
    The first step of running bufferized functions on a GPU (the
    `qc-lower-to-nvvm` pipeline):

    * `memref.alloc` and `memref.alloca` become `gpu.alloc` (an alloca is
      freed where its block ends), `memref.dealloc` becomes `gpu.dealloc`,
      and `memref.copy` becomes `linalg.copy`, which later runs as a kernel;
    * the body of each public function `@f` moves into a new public
      function `@f_device` whose buffer arguments are device memory (the
      device-buffer entry of compiled models, `qc_model_run_device`), and
      `@f`, whose buffers are host memory (the C ABI's `qc_model_run`),
      stages them around a call to it: each buffer is copied into device
      memory first when the body reads it and back afterwards when the body
      writes it (found through views and the users' memory effects; users
      that do not declare their effects count as both).

    Private functions take device buffers from their callers. Run it after
    bufferization and buffer deallocation, with results as out-parameters:
    a public function that returns a buffer, or takes a buffer with a
    strided layout, is an error. Globals stay where they are;
    `qc-gpu-map-loops` moves their uses into the kernels.
  }];
  let dependentDialects = [
    "::mlir::func::FuncDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def QCGpuMapLoops : Pass<"qc-gpu-map-loops", "::mlir::func::FuncOp"> {
  let summary = "Map each top-level loop nest of a function to a GPU grid";
  let description = [{
    Prepares a function whose buffers are device memory (`qc-gpu-buffers`)
    and whose linalg ops are loop nests (`convert-linalg-to-parallel-loops`)
    for `convert-parallel-loops-to-gpu`:

    * each top-level `scf.parallel` has its dimensions collapsed into one,
      split into blocks of `block-size` threads with one iteration per
      thread; the block loop is mapped to `block_x`, the thread loop to
      `thread_x` (the nest's sequential inner loops, the reductions, stay in
      the thread);
    * a nest of at most 8192 iterations whose body reduces a row of at
      least `row-reduction-length` elements (its only loop, an `scf.for`
      carrying one 32-bit value into a combiner: integer add, mul, min,
      max; float min and max; float add and mul with
      `reassociate-floats`), such as a softmax over thousands of classes,
      gets one block of `block-size` threads per iteration instead: each
      thread combines every `block-size`-th element from the combiner's
      identity, `gpu.all_reduce` combines the threads' results, and thread
      0 combines that with the loop's initial value and runs the ops after
      the loop. Ops before the loop run in every thread (plain stores of
      the same values only). Integer and min/max results are those of the
      sequential loop; float sums and products are added in a different
      order (exact to rounding);
    * any other top-level op that reads or writes memory (a nest with no
      parallel dimension, a lone load or store) is wrapped in a
      one-iteration loop mapped to `block_x`: it runs on one GPU thread,
      since the host cannot touch device memory;
    * globals the nests read (`memref.get_global`) are referenced again
      inside them, so that `gpu-kernel-outlining` copies the globals into
      the kernel's `gpu.module`: weights become device data, loaded with the
      module once.

    This is the generic mapping that every op gets; it is correct for any
    loop nest, not fast for contractions.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block (positive)">,
    Option<"rowReductionLength", "row-reduction-length", "int64_t",
           /*default=*/"1024",
           "Reductions of at least this many elements per iteration share a "
           "block (0: never)">,
    Option<"reassociateFloats", "reassociate-floats", "bool",
           /*default=*/"true",
           "Let float sums and products be shared among a block's threads "
           "(which adds them in another order)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def QCGpuParallelDimsFirst : Pass<"qc-gpu-parallel-dims-first"> {
  let summary = "Interchange generics' loops so that parallel ones come first";
  let description = [{
    Rewrites every linalg op that has a reduction dimension before a
    parallel one so that all parallel dimensions come first, in their
    order, then the reductions (`linalg::interchangeGenericOp`: the
    indexing maps and `linalg.index` follow); a named op (such as
    `linalg.reduce` over a middle dimension) becomes a `linalg.generic`
    first. `convert-linalg-to-parallel-loops`
    makes only the leading parallel dimensions one `scf.parallel`, which
    `qc-gpu-map-loops` spreads over threads; parallel dimensions after a
    reduction would run sequentially in each thread. The GPU pipeline runs
    this before both, for generics such as `qc-lower-packed-matmul`'s
    partial sums, whose loops `(m, g, block, lane, n)` are ordered for CPU
    vectors along `n`.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def QCFuseParallelLoops : Pass<"qc-fuse-parallel-loops"> {
  let summary = "Fuse adjacent scf.parallel loops, constant globals read-only";
  let description = [{
    Fuses adjacent `scf.parallel` loops with the same bounds and steps into
    one, as `scf-parallel-loop-fusion` does (`scf::naivelyFuseParallelOps`:
    legal when the second loop reads what the first writes only at the
    same iteration's indices, and the other way round), with one more
    fact for its alias analysis: a view of a constant `memref.global`
    aliases no buffer that is written, since nothing may write a constant.
    Upstream's analysis cannot tell a global from a fresh allocation, so a
    reduction that reads weights from globals would not fuse with the
    fill of its output.

    The GPU pipeline runs this after `convert-linalg-to-parallel-loops`:
    each top-level loop nest becomes a kernel launch (`qc-gpu-map-loops`),
    and every launch costs the host several microseconds. A fill and the
    reduction into the filled buffer become one kernel; in it, LLVM
    forwards the filled value to the reduction's first load.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def QCPromoteLoopAccumulators : Pass<"qc-promote-loop-accumulators"> {
  let summary = "Carry elements a loop loads and stores back as loop values";
  let description = [{
    Finds, in each `scf.for`, a `memref.load` and a later `memref.store` of
    the same element (same memref and indices, all defined outside the
    loop), both among the loop body's own ops, where nothing else in the
    loop touches that buffer (looking through views to the allocation,
    global or argument; an op with unknown memory effects counts as
    touching it). The element is then loaded once before the loop, carried
    as an `iter_args` value and stored once after it. Applied repeatedly,
    the element moves out of a whole nest of loops.

    This is the form of a reduction after `convert-linalg-to-parallel-loops`:
    every iteration loads the output element, adds to it and stores it.
    The GPU pipeline runs this pass so that each thread's sum stays in a
    register; LLVM cannot do it where the loop reads other buffers that it
    cannot prove distinct. Distinct underlying values are taken as distinct
    buffers: the arguments of a compiled model are separate buffers by its
    C ABI.
  }];
  let dependentDialects = [
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def QCTransposeMatMulOperands : Pass<"qc-transpose-matmul-operands"> {
  let summary = "Give int8 matmuls their right operand as [N, K]";
  let description = [{
    Tensor cores multiply int8 tiles whose reduction dimension is contiguous
    in both operands (PTX's `row.col` `mma.sync`). This pass rewrites each
    `linalg.matmul` and `linalg.batch_matmul` of int8 tensors into int32
    (default indexing maps) into its transposed-B form
    (`linalg.matmul` / `linalg.batch_matmul` with the B map (n, k)): a
    constant right operand becomes a transposed constant at compile time,
    so the binary holds the new layout only; any other right operand goes
    through a `linalg.transpose`. `qc-gpu-mma-matmul` then maps the
    matmuls to tensor cores.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def QCGpuArena : Pass<"qc-gpu-arena", "::mlir::func::FuncOp"> {
  let summary = "Carve a function's device buffers out of one allocation";
  let description = [{
    Replaces the `gpu.alloc`s in a function's entry block that have a
    static shape and identity layout, are synchronous and not host-shared,
    and are freed by `gpu.dealloc`s in that block, by `memref.view`s of one
    `gpu.alloc` of i8 (each at an offset aligned to 256 bytes, as the
    driver aligns its own allocations), allocated where the first of them
    was and freed where the last of their deallocations was. Functions
    with fewer than two such buffers are left alone.

    Each allocation and deallocation is a driver call on the host
    (`cuMemAllocAsync`, `cuMemFreeAsync`); for a small model these calls,
    not its kernels, set the time of a run. The arena takes the sum of
    the buffers' sizes for as long as the last of them lived: the same
    memory where, as in compiled models (whose buffer deallocation frees
    at the end of their straight-line functions), all of them are freed
    at the end. The GPU pipeline runs this after outlining the kernels,
    before `gpu-async-region`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def QCGpuMmaMatMul : Pass<"qc-gpu-mma-matmul", "::mlir::func::FuncOp"> {
  let summary = "Run int8 matmuls and convolutions on device buffers as "
                "tensor-core kernels";
  let description = [{
    Replaces each int8-into-int32 matmul on dense static device buffers
    whose right operand is [N, K] (`qc-transpose-matmul-operands`) and whose
    K is a multiple of 4 by a `gpu.launch` of a tiled tensor-core kernel
    (batched matmuls: one grid layer per matrix), and so each int8
    `linalg.conv_2d_nhwc_fhwc` whose channel count is a multiple of 4, as
    an implicit GEMM: M the output pixels (N OH OW, the result read as
    [M, F]), N the filters, K the filter's (KH, KW, C) in its own layout
    (read as [F, KH KW C]); the kernel's copies of A gather each chunk of K
    from the input pixel it multiplies, so no im2col buffer is made:

    * a block of 256 threads computes a 128 x 128 tile of C; each of its
      8 warps a 64 x 32 tile of 4 x 4 `nvgpu.mma.sync` m16n8k32 s8
      products, accumulated in int32 registers;
    * K advances 64 (two mma steps) per barrier; the operand tiles are
      staged in shared memory by `nvgpu.device_async_copy` (cp.async of 16
      bytes, two per thread and operand; of 8 or 4 bytes where K, or a
      convolution's C, is not a multiple of 16) two stages deep, so the
      next stage's copies overlap this one's products; rows past M or N and
      columns past K are zero-filled;
    * fragments are loaded by `nvgpu.ldmatrix` (four tiles at a time), with
      shared rows padded by 16 bytes so that the 8 rows of an ldmatrix
      phase fall in distinct banks;
    * the epilogue adds the accumulators to C, the matmul's initial value,
      inside the edges; when a `linalg.fill` with zero initializes C right
      before, the fill is removed and the epilogue stores;
    * split K: where the tiles are fewer than 256 blocks (about two per SM
      of an H100; small M), K is divided among up to that many blocks per
      tile, each walking at least 4 stages, which add their sums into C
      with `memref.atomic_rmw addi` (exact in any order: integers); C keeps
      its fill;
    * weights (`memref.get_global` operands) are referenced inside the
      kernel, so that outlining copies them into the kernel's module;
    * a right operand that a `linalg.generic` writes just before, with
      loops `(n, block, lane)` over an allocation [N, K / L, L] that the
      operand collapses to [N, K] and that nothing else reads
      (`qc-lower-packed-matmul`'s unpacking of packed weights), is not
      read from memory: each thread evaluates the generic's body for
      whole words of L values of B (one `(n, block)`, consecutive threads
      consecutive n, so the generic's inputs are read coalesced) and
      stores each word into shared memory as one vector, after issuing
      the stage's products; the generic and its buffer are removed. The
      packed weights are then all the kernel loads of B.

    The results equal the CPU back end's: `mma.sync` saturates its int32
    accumulation, which sums of fewer than 2^17 int8 products never reach.
    Other matmuls and convolutions (depthwise ones, C = 3 of an image) are
    left to `qc-gpu-map-loops`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::nvgpu::NVGPUDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::ub::UBDialect",
    "::mlir::vector::VectorDialect",
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

def QCConvertConvLayouts : Pass<"qc-convert-conv-layouts"> {
  let summary = "Rewrite convolutions into the layouts the CPU kernels vectorize";
  let description = [{
    TOSA lowers `conv2d` to `linalg.conv_2d_nhwc_fhwc` and `depthwise_conv2d`
    to `linalg.depthwise_conv_2d_nhwc_hwcm`. Linalg's convolution
    decomposition and vectorizer (used by `qc-tile-and-vectorize`) handle
    the HWCF filter layout, where the output channel is innermost so a filter
    row is one contiguous vector, and the depthwise form without a channel
    multiplier. This pass rewrites:

    * `linalg.conv_2d_nhwc_fhwc` into a `linalg.transpose` of the filter and
      `linalg.conv_2d_nhwc_hwcf`;
    * `linalg.depthwise_conv_2d_nhwc_hwcm` whose multiplier is 1 into
      `linalg.depthwise_conv_2d_nhwc_hwc` between reshapes;
    * `linalg.transpose` of a constant into the transposed constant (a new
      resource blob), so the filter is stored in its new layout and the
      transpose costs nothing at run time.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def QCFuseElementwise : Pass<"qc-fuse-elementwise"> {
  let summary = "Fuse chains of elementwise linalg ops on tensors";
  let description = [{
    An imported graph is a chain of small ops; each activation, scale, bias,
    residual add and layout transpose reads and writes a whole tensor. This
    pass generalizes `linalg.transpose`, `linalg.broadcast` and `linalg.map`
    into `linalg.generic` and fuses elementwise producers into their
    consumers (linalg's elementwise fusion), so a chain becomes one loop
    nest whose intermediate values stay in registers. A producer is fused
    only into its single consumer: with several it would be recomputed by
    each. Convolutions, contractions and fills keep their named forms.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def QCTileAndVectorize : Pass<"qc-tile-and-vectorize"> {
  let summary = "Tile linalg ops on tensors into register tiles and vectorize them";
  let description = [{
    Tiles every statically shaped linalg op on tensors into register-sized
    tiles (`scf.for` over `tensor.extract_slice`/`tensor.insert_slice`) and
    vectorizes the tiles with linalg's vectorizer:

    * contractions (`linalg.matmul`, `linalg.batch_matmul`, contraction
      `linalg.generic`s): 8 rows by two vectors of the output, one K step
      at a time: an outer-product micro-kernel;
    * `linalg.conv_2d_nhwc_hwcf`, `linalg.depthwise_conv_2d_nhwc_hwc` and
      NHWC sum/max pooling: one output row segment (up to 8 pixels by two
      vectors of channels) per tile, unit filter height, whole filter width,
      8 input channels per step; linalg's decomposition turns the tiles into
      1-D convolutions its vectorizer unrolls over the filter width;
    * every other op: vectors along the loop that writes the output's
      innermost dimension, reductions whole up to 1024 elements.

    The vector loop's tile is a multiple of the vector width. Where such
    tiles do not cover that loop, the op is first split (`linalg::splitOp`)
    where the last whole tile ends, and the narrower rest is tiled on its
    own: a 240-wide loop becomes 224 columns of 32-lane tiles and one
    16-lane tile, instead of 30-lane tiles that fill no register. Other tile
    sizes are the largest divisors of the loop extents not above their
    bounds. Every tile is static and no masking is needed. Ops with a
    dynamic shape or several outputs are not tiled: they are vectorized
    whole when their iteration space has at most 16384 points, and stay
    scalar loops (after `convert-linalg-to-loops`) otherwise. Ops on `i1`
    and ops the vectorizer does not support stay scalar too.

    With `parallel`, ops with at least 32768 iterations first get their
    outermost parallel loop that spans several register tiles split into an
    `scf.forall`, one register tile per iteration; `scf-forall-to-parallel`
    and `convert-scf-to-openmp` turn it into threads.

    Run it after `qc-convert-conv-layouts` and before bufferization.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Elements of the op's element type in one vector register "
           "(16 for f32 with AVX-512, 8 with AVX2)">,
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Split the outermost parallel loop of large ops into an scf.forall">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // QC_TRANSFORMS_PASSES_TD
