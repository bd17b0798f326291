"""Bit-exact agreement between QC's integer code and a numpy reference.

Each test builds a tiny QDQ ONNX model whose graph input is an integer
tensor (DequantizeLinear of int8/uint8) and whose output is the integer
result of a QuantizeLinear, compiles it with quant-compile, runs it on random
integers and compares with a numpy model of the integer arithmetic QC is
meant to compute (np.array_equal, no tolerance). The reference is written
from the definitions in shared/reference/ALGORITHMS.md sections 1-2
(gemmlowp / TFLite requantization, HAWQ-V3 residual add), not from QC's
sources:

* convolutions and matmuls: exact int32 sums of (x - zx) * w, plus the bias
  rounded half to even to the scale s_x * s_w[c]; requantization by
  M = s_x * s_w[c] / s_out (in double) through TFLite's QuantizeMultiplier,
  SaturatingRoundingDoublingHighMul, RoundingDivideByPOT, + zero point,
  saturation (or the fused ReLU / ReLU6 clamp);
* residual add: each operand requantized to the output scale separately,
  summed in int32, + zero point, saturated;
* elementwise functions: the 256-entry table quantize(f(dequantize(q)))
  evaluated in float32 as ONNX defines QuantizeLinear (x / scale in float32,
  round half to even, saturate);
* average pooling (no padding): window sums of (q - z) in int32,
  requantized by (s / (kh kw)) / s_out like a convolution; with padding
  the op stays float and integer-only compilation must fail;
* Concat: each input requantized to the output's scale and zero point
  separately (an input already at them copied); Split: the stored
  integers, sliced.

Softmax and LayerNormalization follow the specification of QC's integer
lowerings (written from it, not from QC's sources), computed here in exact
Python integers (math.isqrt), with round_half_away(a / b) = (a + b/2) / b
for a >= 0 and (a - b/2) / b for a < 0 (C's truncating division) and
lround / llround of doubles ties away from zero:

* Softmax over N elements: F = min(20, 30 - ceil(log2 N)),
  table[k] = lround(exp(-s k) 2^F) (k = 0..255, s the input scale in
  double); per row e_i = table[max(q) - q_i], S = sum e_i;
  out_i = z_out + round_half_away(e_i M / (S 2^shift)), saturated, where
  M 2^-shift = QuantizeMultiplier(1 / s_out);
* LayerNormalization over N elements (n = N as a double): E =
  llround(eps n^3 / s^2); Wmax = n (255 n)^2 + eps n^3 / s^2,
  k = floor((62 - log2 Wmax) / 2); c the largest of 16..0 for which
  255 n (max|gamma| sqrt(n) / s_out 2^c + 1) 2^k
  + (max|beta| / s_out 2^c + 1) sqrt(Wmax) 2^k < 2^62 (and
  sqrt(Wmax) 2^(k + c) < 2^62); C_j = llround(gamma_j sqrt(n) / s_out 2^c),
  B_j = llround(beta_j / s_out 2^c); per row d_i = N q_i - sum q,
  r = isqrt(max((sum d_i^2 + E) 2^(2k), 1)), out_i = z_out +
  round_half_away((d_i C_j 2^k + B_j r) / (r 2^c)), saturated.

Every quantized model (but the padded average pool) is also checked to be
integer-only: quant-opt's qc-lower-to-integer and qc-verify-integer-only
leave no float op and no qc.quantize/qc.dequantize in it. Float models with
Softmax and LayerNormalization (which QC expands into TOSA) are compared
with numpy in float64 within 1e-5.
"""

import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import qc  # noqa: E402


pytestmark = pytest.mark.skipif(
    not qc.tools_available("quant-compile", "quant-opt"),
    reason="QC's tools are not built")

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1
RANGES = {np.int8: (-128, 127), np.uint8: (0, 255)}
ONNX_TYPES = {np.int8: TensorProto.INT8, np.uint8: TensorProto.UINT8,
              np.int32: TensorProto.INT32, np.float32: TensorProto.FLOAT}


#===----------------------------------------------------------------------===#
# Reference integer arithmetic (ALGORITHMS.md section 1)
#===----------------------------------------------------------------------===#

def quantize_multiplier(real):
    """TFLite QuantizeMultiplier: (quantized_multiplier, shift) with
    real ~ quantized_multiplier * 2^(shift - 31); shift > 0 is a left shift.
    (m, e) = frexp(real); q = round(m * 2^31) (ties away from zero);
    q == 2^31 -> q / 2, e + 1; e < -31 flushes to zero."""
    assert real >= 0.0
    if real == 0.0:
        return 0, 0
    mantissa, exponent = math.frexp(real)
    # mantissa * 2^31 is exact in double; mantissa > 0, so floor(v + 0.5)
    # rounds half away from zero.
    q = math.floor(mantissa * (1 << 31) + 0.5)
    if q == 1 << 31:
        q //= 2
        exponent += 1
    if exponent < -31:
        return 0, 0
    assert exponent <= 30, f"multiplier {real} too large"
    return q, exponent


def _trunc_div(numerator, denominator):
    """C integer division (truncation toward zero) of int64 arrays."""
    quotient = np.abs(numerator) // denominator
    return np.where(numerator < 0, -quotient, quotient)


def srdhm(a, b):
    """gemmlowp SaturatingRoundingDoublingHighMul on int32 values held in
    int64 arrays: nudge 2^30 (1 - 2^30 for negative products), divide by
    2^31 truncating."""
    a = np.asarray(a, np.int64)
    product = a * np.int64(b)
    nudge = np.where(product >= 0, np.int64(1 << 30), np.int64(1 - (1 << 30)))
    result = _trunc_div(product + nudge, np.int64(1 << 31))
    overflow = (a == INT32_MIN) & (b == INT32_MIN)
    return np.where(overflow, INT32_MAX, result).astype(np.int64)


def rounding_divide_by_pot(x, exponent):
    """gemmlowp RoundingDivideByPOT: ties away from zero."""
    assert 0 <= exponent <= 31
    x = np.asarray(x, np.int64)
    mask = np.int64((1 << exponent) - 1)
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0).astype(np.int64)
    return (x >> exponent) + (remainder > threshold).astype(np.int64)


def multiply_by_quantized_multiplier(x, real):
    """TFLite MultiplyByQuantizedMultiplier(x, QuantizeMultiplier(real)):
    RoundingDivideByPOT(SRDHM(x * 2^left, q), right). x is int32; the left
    shift saturates to int32 (TFLite leaves overflow undefined; the tests
    keep clear of it)."""
    q, shift = quantize_multiplier(real)
    x = np.asarray(x, np.int64)
    assert x.min(initial=0) >= INT32_MIN and x.max(initial=0) <= INT32_MAX
    left, right = max(shift, 0), max(-shift, 0)
    shifted = np.clip(x * (np.int64(1) << left), INT32_MIN, INT32_MAX)
    return rounding_divide_by_pot(srdhm(shifted, q), right)


def requantize(acc, multipliers, zero_point, lo, hi, axis=None):
    """clamp(MultiplyByQuantizedMultiplier(acc, M) + zero_point, lo, hi),
    per tensor (one multiplier) or along `axis`."""
    acc = np.asarray(acc, np.int64)
    multipliers = np.atleast_1d(multipliers)
    if axis is None:
        assert multipliers.size == 1
        scaled = multiply_by_quantized_multiplier(acc, float(multipliers[0]))
    else:
        scaled = np.empty_like(acc)
        for channel, real in enumerate(multipliers):
            index = [slice(None)] * acc.ndim
            index[axis] = channel
            scaled[tuple(index)] = multiply_by_quantized_multiplier(
                acc[tuple(index)], float(real))
    return np.clip(scaled + zero_point, lo, hi)


def onnx_quantize(x, scale, zero_point, dtype):
    """ONNX QuantizeLinear in float32: saturate(round_half_even(x / scale)
    + zero_point)."""
    lo, hi = RANGES[dtype]
    scaled = np.asarray(x, np.float32) / np.float32(scale)
    rounded = np.rint(scaled).astype(np.float64) + zero_point
    return np.clip(rounded, lo, hi).astype(np.int64)


def onnx_dequantize(q, scale, zero_point):
    """ONNX DequantizeLinear in float32."""
    return ((np.asarray(q, np.int64) - zero_point).astype(np.float32)
            * np.float32(scale))


def quantize_bias(bias, input_scale, weight_scales):
    """A float bias in int32 units of s_x * s_w[c] (double), half to even."""
    scales = np.float64(input_scale) * np.asarray(weight_scales, np.float64)
    return np.clip(np.rint(np.asarray(bias, np.float64) / scales),
                   INT32_MIN, INT32_MAX).astype(np.int64)


def conv2d_int(x, x_zero, w, bias, stride, pad, group=1):
    """Exact NCHW convolution of (x - x_zero) with int weights OIHW, plus an
    int bias per output channel, in int64 (checked to fit int32)."""
    centered = np.asarray(x, np.int64) - x_zero
    padded = np.pad(centered, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    n, c, h, wd = padded.shape
    out_c, group_c, kh, kw = w.shape
    assert c == group_c * group
    out_h, out_w = (h - kh) // stride + 1, (wd - kw) // stride + 1
    out = np.zeros((n, out_c, out_h, out_w), np.int64)
    w64 = np.asarray(w, np.int64)
    per_group = out_c // group
    for g in range(group):
        channels = slice(g * group_c, (g + 1) * group_c)
        outputs = slice(g * per_group, (g + 1) * per_group)
        for i in range(kh):
            for j in range(kw):
                patch = padded[:, channels,
                               i:i + stride * (out_h - 1) + 1:stride,
                               j:j + stride * (out_w - 1) + 1:stride]
                out[:, outputs] += np.einsum("nchw,oc->nohw", patch,
                                             w64[outputs, :, i, j])
    out += np.asarray(bias, np.int64).reshape(1, -1, 1, 1)
    assert out.min() >= INT32_MIN and out.max() <= INT32_MAX
    return out


def max_pool_int(x, kernel, stride, pad):
    """NCHW max pooling of integers; padding never wins."""
    sentinel = np.iinfo(np.int64).min
    padded = np.pad(np.asarray(x, np.int64),
                    ((0, 0), (0, 0), (pad, pad), (pad, pad)),
                    constant_values=sentinel)
    h, w = padded.shape[2:]
    out_h, out_w = (h - kernel) // stride + 1, (w - kernel) // stride + 1
    out = np.full(padded.shape[:2] + (out_h, out_w), sentinel)
    for i in range(kernel):
        for j in range(kernel):
            window = padded[:, :, i:i + stride * (out_h - 1) + 1:stride,
                            j:j + stride * (out_w - 1) + 1:stride]
            out = np.maximum(out, window)
    return out


def f32(value):
    return float(np.float32(value))


def output_scale_for(real_values, levels=160.0):
    """A float32 output scale such that most values fit and a few saturate."""
    return f32(np.abs(real_values).max() / levels)


#===----------------------------------------------------------------------===#
# Model building, compiling and running
#===----------------------------------------------------------------------===#

class QDQGraph:
    """A small ONNX graph under construction."""

    def __init__(self, opset=13):
        self.opset = opset
        self.nodes, self.initializers = [], []
        self.inputs, self.outputs = [], []
        self.output_dtypes = []
        self._count = 0

    def _name(self, prefix):
        self._count += 1
        return f"{prefix}{self._count}"

    def const(self, array, prefix="c"):
        name = self._name(prefix)
        self.initializers.append(numpy_helper.from_array(np.asarray(array),
                                                         name))
        return name

    def input(self, name, dtype, shape):
        self.inputs.append(helper.make_tensor_value_info(
            name, ONNX_TYPES[dtype], list(shape)))
        return name

    def node(self, op, inputs, **attributes):
        name = self._name(op.lower())
        self.nodes.append(helper.make_node(op, list(inputs), [name],
                                           name=name, **attributes))
        return name

    def dequantize(self, q, scale, zero_point, dtype, axis=None):
        """DequantizeLinear with constant scale(s) and zero point(s)."""
        scale = np.asarray(scale, np.float32)
        zero = np.asarray(zero_point, dtype)
        extra = {} if axis is None else {"axis": axis}
        return self.node("DequantizeLinear",
                         [q, self.const(scale, "scale"),
                          self.const(zero, "zp")], **extra)

    def quantize(self, x, scale, zero_point, dtype):
        return self.node("QuantizeLinear",
                         [x, self.const(np.float32(scale), "scale"),
                          self.const(np.asarray(zero_point, dtype), "zp")])

    def output(self, value, dtype, shape, name="out"):
        self.nodes.append(helper.make_node("Identity", [value], [name],
                                           name=name))
        self.outputs.append(helper.make_tensor_value_info(
            name, ONNX_TYPES[dtype], list(shape)))
        self.output_dtypes.append(dtype)

    def model(self):
        graph = helper.make_graph(self.nodes, "qdq", self.inputs, self.outputs,
                                  self.initializers)
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", self.opset)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        return model


_FLOAT_TYPE = re.compile(r"\b(f16|bf16|f32|f64)\b")


def check_integer_only(mlir_path, expected_ops=()):
    """The imported model after qc-lower-to-integer: qc-verify-integer-only
    accepts it, no float type, quantize or dequantize is left, and
    `expected_ops` appear. Returns the lowered MLIR."""
    lowered = qc.opt(Path(mlir_path).read_text(),
                     ["qc-lower-to-integer", "canonicalize",
                      "qc-verify-integer-only"])
    body = lowered.split("{-#")[0]  # without the resource blobs
    assert "qc.quantize" not in body and "qc.dequantize" not in body, body
    assert not _FLOAT_TYPE.search(body), body
    for op in expected_ops:
        assert op in body, f"{op} missing from\n{body}"
    return lowered


def compile_and_run(graph, tmp_path, inputs, expected_ops=(),
                    pre_passes=()):
    """Saves `graph`, checks its integer-only lowering, compiles it to a
    library and runs it on `inputs` (integer arrays); returns the output.
    With `pre_passes`, quant-opt runs them on the imported MLIR first and
    that MLIR is compiled instead of the ONNX file."""
    return compile_and_run_all(graph, tmp_path, inputs, expected_ops,
                               pre_passes)[0]


def compile_and_run_all(graph, tmp_path, inputs, expected_ops=(),
                        pre_passes=()):
    """compile_and_run for a graph of several outputs: returns them all."""
    source = tmp_path / "model.onnx"
    onnx.save(graph.model(), source)
    imported = qc.compile(source, tmp_path / "model.mlir")
    if pre_passes:
        source = tmp_path / "model.pre.mlir"
        source.write_text(qc.opt(Path(imported).read_text(), pre_passes))
        imported = source
    check_integer_only(imported, expected_ops)
    model = qc.load(qc.compile(source, tmp_path / "model.so"))
    arguments = []
    for spec, array in zip(model.inputs, inputs):
        array = np.ascontiguousarray(array)
        # The library's signature says int8 for uint8 tensors (see
        # test_uint8_tensors_keep_their_type_in_the_abi); the bytes agree.
        if array.dtype != spec.dtype and \
                array.dtype.itemsize == spec.dtype.itemsize:
            array = array.view(spec.dtype)
        arguments.append(array)
    results = model(*arguments)
    assert len(results) == len(graph.output_dtypes)
    return [result.view(dtype)
            for result, dtype in zip(results, graph.output_dtypes)]


def assert_bit_exact(got, expected, what=""):
    """np.array_equal, with the differing elements listed when it fails."""
    expected = np.asarray(expected)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    if np.array_equal(got.astype(np.int64), expected.astype(np.int64)):
        return
    wrong = np.argwhere(got.astype(np.int64) != expected.astype(np.int64))
    lines = [f"{what}: {len(wrong)} of {expected.size} elements differ"]
    for index in wrong[:10]:
        index = tuple(int(i) for i in index)
        lines.append(f"  at {index}: expected {int(expected[index])}, "
                     f"got {int(got[index])}")
    pytest.fail("\n".join(lines))


def random_ints(rng, dtype, shape):
    lo, hi = RANGES[dtype]
    return rng.integers(lo, hi + 1, shape).astype(dtype)


def random_zero_point(rng, dtype):
    lo, hi = RANGES[dtype]
    middle = (lo + hi + 1) // 2
    return int(rng.integers(middle - 20, middle + 21))


def per_channel_weights(rng, shape):
    """Symmetric int8 weights in [-127, 127] with one scale per output
    channel (axis 0 of `shape`)."""
    weights = rng.integers(-127, 128, shape).astype(np.int8)
    scales = rng.uniform(0.002, 0.02, shape[0]).astype(np.float32)
    return weights, scales


#===----------------------------------------------------------------------===#
# Convolutions
#===----------------------------------------------------------------------===#

def _conv_case(tmp_path, seed, act, *, channels=3, out_channels=4, size=9,
               stride=2, pad=1, depthwise=False, activation=None,
               out_dtype=np.int8, bias_kind="float", opset=13,
               pre_passes=(), per_channel_input=False):
    """x (act) -> DQ -> Conv(3x3, pad, stride, per-channel int8 weights,
    bias) [-> Relu | Clip(0, 6)] -> Q(out_dtype), against the reference.
    Below opset 13 (no per-axis DequantizeLinear) the weights have one
    scale. With `per_channel_input` (depthwise), x has one scale per channel
    and one zero point, as qc-quantize's per-channel-depthwise-inputs
    makes it."""
    rng = np.random.default_rng(seed)
    group = channels if depthwise else 1
    if depthwise:
        out_channels = channels
    x_scale, x_zero = f32(rng.uniform(0.01, 0.05)), random_zero_point(rng, act)
    if per_channel_input:
        x_scale = rng.uniform(0.002, 0.2, channels).astype(np.float32)
    weights, w_scales = per_channel_weights(
        rng, (out_channels, channels // group, 3, 3))
    per_tensor = opset < 13
    if per_tensor:
        w_scales[:] = w_scales[0]
    float_bias = rng.standard_normal(out_channels).astype(np.float32)
    if bias_kind == "float":
        bias_q = quantize_bias(float_bias, x_scale, w_scales)
    else:
        bias_q = rng.integers(-3000, 3000, out_channels).astype(np.int32)
    x = random_ints(rng, act, (1, channels, size, size))
    acc = conv2d_int(x, x_zero, weights, bias_q, stride, pad, group)
    acc_scales = np.float64(x_scale) * w_scales.astype(np.float64)
    real = acc * acc_scales.reshape(1, -1, 1, 1)
    y_scale = output_scale_for(np.maximum(real, 0) if activation else real)
    y_zero = random_zero_point(rng, out_dtype)
    if activation:  # leave room above the zero point for the positive half
        y_zero = RANGES[out_dtype][0] + 10
    lo, hi = RANGES[out_dtype]
    if activation is not None:
        lo = max(lo, int(onnx_quantize(0.0, y_scale, y_zero, out_dtype)))
    if activation == "relu6":
        hi = min(hi, int(onnx_quantize(6.0, y_scale, y_zero, out_dtype)))
        assert hi < RANGES[out_dtype][1], "the ReLU6 bound must bind"
    expected = requantize(acc, acc_scales / np.float64(y_scale), y_zero,
                          lo, hi, axis=1)

    g = QDQGraph(opset)
    if per_channel_input:
        xf = g.dequantize(g.input("x", act, x.shape), x_scale,
                          np.full(channels, x_zero), act, axis=1)
    else:
        xf = g.dequantize(g.input("x", act, x.shape), x_scale, x_zero, act)
    if per_tensor:
        wf = g.dequantize(g.const(weights, "w"), w_scales[0], 0, np.int8)
    else:
        wf = g.dequantize(g.const(weights, "w"), w_scales,
                          np.zeros(out_channels), np.int8, axis=0)
    if bias_kind == "float":
        bf = g.const(float_bias, "b")
    else:  # "float32": an int32 bias at scale float32(s_x * s_w[c])
        b_scales = np.float64(x_scale) * w_scales.astype(np.float64)
        bf = g.dequantize(g.const(bias_q, "b"), b_scales.astype(np.float32),
                          np.zeros(out_channels), np.int32, axis=0)
    y = g.node("Conv", [xf, wf, bf], kernel_shape=[3, 3],
               pads=[pad] * 4, strides=[stride] * 2, group=group)
    if activation == "relu":
        y = g.node("Relu", [y])
    elif activation == "relu6" and opset >= 11:
        y = g.node("Clip", [y, g.const(np.float32(0)),
                            g.const(np.float32(6))])
    elif activation == "relu6":
        y = g.node("Clip", [y], min=0.0, max=6.0)
    g.output(g.quantize(y, y_scale, y_zero, out_dtype), out_dtype,
             expected.shape)
    op = "tosa.depthwise_conv2d" if depthwise else "tosa.conv2d"
    got = compile_and_run(g, tmp_path, [x], expected_ops=[op, "qc.requant"],
                          pre_passes=pre_passes)
    assert_bit_exact(got, expected, "conv")
    # The inputs exercise the whole output range (some values saturate).
    assert (expected == lo).any() or (expected == hi).any()
    return got


@pytest.mark.parametrize("act", [np.int8, np.uint8], ids=["int8", "uint8"])
def test_conv_3x3_stride2_per_channel(tmp_path, act):
    _conv_case(tmp_path, 1, act)


def test_conv_uint8_output(tmp_path):
    _conv_case(tmp_path, 2, np.uint8, out_dtype=np.uint8)


def test_conv_int32_bias_of_exact_scale(tmp_path):
    """A DequantizeLinear'd int32 bias whose scales are exactly
    s_x * s_w[c]: small multiples of powers of two, so the products are
    float32 numbers."""
    rng = np.random.default_rng(4)
    act = np.int8
    x_scale, x_zero = 2.0 ** -5, 7
    out_channels, channels = 4, 3
    weights = rng.integers(-127, 128, (out_channels, channels, 3, 3)) \
        .astype(np.int8)
    w_scales = np.array([3, 5, 7, 9], np.float32) * np.float32(2.0 ** -10)
    bias_q = rng.integers(-3000, 3000, out_channels).astype(np.int32)
    x = random_ints(rng, act, (1, channels, 9, 9))
    acc = conv2d_int(x, x_zero, weights, bias_q, 2, 1)
    acc_scales = np.float64(x_scale) * w_scales.astype(np.float64)
    assert np.array_equal(acc_scales.astype(np.float32), acc_scales)
    y_scale = output_scale_for(acc * acc_scales.reshape(1, -1, 1, 1))
    y_zero = -5
    expected = requantize(acc, acc_scales / np.float64(y_scale), y_zero,
                          -128, 127, axis=1)
    g = QDQGraph()
    xf = g.dequantize(g.input("x", act, x.shape), x_scale, x_zero, act)
    wf = g.dequantize(g.const(weights, "w"), w_scales, np.zeros(4), np.int8,
                      axis=0)
    bf = g.dequantize(g.const(bias_q, "b"), acc_scales.astype(np.float32),
                      np.zeros(4), np.int32, axis=0)
    y = g.node("Conv", [xf, wf, bf], kernel_shape=[3, 3], pads=[1] * 4,
               strides=[2, 2])
    g.output(g.quantize(y, y_scale, y_zero, np.int8), np.int8, expected.shape)
    got = compile_and_run(g, tmp_path, [x],
                          expected_ops=["tosa.conv2d", "qc.requant"])
    assert_bit_exact(got, expected, "conv, int32 bias")


def test_conv_int32_bias_of_float32_scale(tmp_path):
    """An int32 bias DequantizeLinear'd with scale float32(s_x * s_w[c]),
    as QDQ quantizers store it (not exactly the accumulator's scale). QC
    folds it to float and rounds it back to s_x * s_w[c], which returns
    the stored integers while they are small (|b| < 3000 here; beyond 2^24
    see test_int32_bias_of_float32_scale_is_kept_as_is)."""
    _conv_case(tmp_path, 5, np.int8, bias_kind="float32")


def _lowered_conv_bias(tmp_path, bias_q, exact):
    """The i32 bias constant of the integer conv QC makes for an int32 bias
    DequantizeLinear'd at the accumulator scale, exactly or as float32."""
    x_scale = 2.0 ** -5 if exact else 0.0123
    if exact:
        w_scales = np.array([3, 5, 7, 9], np.float32) * np.float32(2.0 ** -10)
    else:
        w_scales = np.array([0.0031, 0.0057, 0.0071, 0.0093], np.float32)
    b_scales = np.float64(np.float32(x_scale)) * w_scales.astype(np.float64)
    assert exact == np.array_equal(b_scales.astype(np.float32), b_scales)
    g = QDQGraph()
    xf = g.dequantize(g.input("x", np.int8, (1, 3, 5, 5)), x_scale, 0,
                      np.int8)
    wf = g.dequantize(g.const(np.ones((4, 3, 3, 3), np.int8), "w"), w_scales,
                      np.zeros(4), np.int8, axis=0)
    bf = g.dequantize(g.const(bias_q, "b"), b_scales.astype(np.float32),
                      np.zeros(4), np.int32, axis=0)
    y = g.node("Conv", [xf, wf, bf], kernel_shape=[3, 3], pads=[1] * 4)
    g.output(g.quantize(y, 1.0, 0, np.int8), np.int8, (1, 4, 5, 5))
    onnx.save(g.model(), tmp_path / "model.onnx")
    lowered = check_integer_only(
        qc.compile(tmp_path / "model.onnx", tmp_path / "model.mlir"),
        ["tosa.conv2d"])
    conv = re.search(r"tosa\.conv2d %\w+, %\w+, %(\w+),", lowered)
    constant = re.search(r"%" + conv.group(1)
                         + r" = arith.constant dense<\[([-0-9, ]+)\]>",
                         lowered)
    return [int(v) for v in constant.group(1).split(",")]


LARGE_BIAS = np.array([(1 << 24) + 1, -(1 << 24) - 3, 123456789, -7],
                      np.int32)


def test_int32_bias_of_exact_scale_is_kept_as_is(tmp_path):
    assert _lowered_conv_bias(tmp_path, LARGE_BIAS, True) == \
        LARGE_BIAS.tolist()


def test_int32_bias_of_float32_scale_is_kept_as_is(tmp_path):
    assert _lowered_conv_bias(tmp_path, LARGE_BIAS, False) == \
        LARGE_BIAS.tolist()


@pytest.mark.parametrize("act", [np.int8, np.uint8], ids=["int8", "uint8"])
def test_depthwise_conv(tmp_path, act):
    _conv_case(tmp_path, 6, act, channels=4, depthwise=True, size=8,
               stride=1)


def test_depthwise_conv_stride2(tmp_path):
    _conv_case(tmp_path, 7, np.int8, channels=5, depthwise=True, size=9,
               stride=2)


def test_depthwise_conv_per_channel_input(tmp_path):
    """Input scales 100x apart across channels, one zero point (folded into
    the bias with the padding)."""
    _conv_case(tmp_path, 8, np.int8, channels=6, depthwise=True, size=8,
               stride=1, per_channel_input=True)


@pytest.mark.parametrize("act", [np.int8, np.uint8], ids=["int8", "uint8"])
def test_conv_relu(tmp_path, act):
    got = _conv_case(tmp_path, 8, act, activation="relu")
    assert got.min() == RANGES[np.int8][0] + 10  # clamped at the zero point


@pytest.mark.parametrize("act,opset", [(np.int8, 13), (np.uint8, 13),
                                       (np.int8, 10)],
                         ids=["int8", "uint8", "int8-opset10"])
def test_conv_clip_0_6(tmp_path, act, opset):
    _conv_case(tmp_path, 9, act, activation="relu6", opset=opset)


@pytest.mark.parametrize("act", [np.int8, np.uint8], ids=["int8", "uint8"])
def test_conv_clip_0_6_after_inlining(tmp_path, act):
    """The fused ReLU6 clamp's numerics, with the Clip's bounds inlined
    into its body by linalg-inline-scalar-operands (which quant-compile
    does not run) so that qc-lower-to-integer matches it."""
    _conv_case(tmp_path, 9, act, activation="relu6",
               pre_passes=["linalg-inline-scalar-operands"])


#===----------------------------------------------------------------------===#
# MatMul and Gemm
#===----------------------------------------------------------------------===#

@pytest.mark.parametrize("act", [np.int8, np.uint8], ids=["int8", "uint8"])
def test_matmul_per_column_with_bias_add(tmp_path, act):
    """x[2, 3, 16] @ W[16, 8] (per-column int8) + b, batched through a
    reshape."""
    rng = np.random.default_rng(10)
    k, n = 16, 8
    x_scale, x_zero = f32(rng.uniform(0.01, 0.05)), random_zero_point(rng, act)
    weights_t, w_scales = per_channel_weights(rng, (n, k))
    weights = np.ascontiguousarray(weights_t.T)  # [K, N], scales per column
    bias = rng.standard_normal(n).astype(np.float32)
    x = random_ints(rng, act, (2, 3, k))
    acc = np.einsum("bmk,kn->bmn", x.astype(np.int64) - x_zero,
                    weights.astype(np.int64))
    acc += quantize_bias(bias, x_scale, w_scales)
    acc_scales = np.float64(x_scale) * w_scales.astype(np.float64)
    y_scale = output_scale_for(acc * acc_scales)
    y_zero = random_zero_point(rng, np.int8)
    expected = requantize(acc, acc_scales / np.float64(y_scale), y_zero,
                          -128, 127, axis=2)

    g = QDQGraph()
    xf = g.dequantize(g.input("x", act, x.shape), x_scale, x_zero, act)
    wf = g.dequantize(g.const(weights, "w"), w_scales, np.zeros(n), np.int8,
                      axis=1)
    y = g.node("Add", [g.node("MatMul", [xf, wf]), g.const(bias, "b")])
    g.output(g.quantize(y, y_scale, y_zero, np.int8), np.int8, expected.shape)
    got = compile_and_run(g, tmp_path, [x],
                          expected_ops=["tosa.matmul", "qc.requant"])
    assert_bit_exact(got, expected, "matmul")


@pytest.mark.parametrize("act", [np.int8, np.uint8], ids=["int8", "uint8"])
def test_gemm_trans_b_per_channel(tmp_path, act):
    """Gemm(x[4, 16], W[8, 16], C, transB=1), W per output channel."""
    rng = np.random.default_rng(11)
    m, k, n = 4, 16, 8
    x_scale, x_zero = f32(rng.uniform(0.01, 0.05)), random_zero_point(rng, act)
    weights, w_scales = per_channel_weights(rng, (n, k))
    bias = rng.standard_normal(n).astype(np.float32)
    x = random_ints(rng, act, (m, k))
    acc = (x.astype(np.int64) - x_zero) @ weights.astype(np.int64).T
    acc += quantize_bias(bias, x_scale, w_scales)
    acc_scales = np.float64(x_scale) * w_scales.astype(np.float64)
    y_scale = output_scale_for(acc * acc_scales)
    y_zero = random_zero_point(rng, act)
    lo, hi = RANGES[act]
    expected = requantize(acc, acc_scales / np.float64(y_scale), y_zero,
                          lo, hi, axis=1)

    g = QDQGraph()
    xf = g.dequantize(g.input("x", act, x.shape), x_scale, x_zero, act)
    wf = g.dequantize(g.const(weights, "w"), w_scales, np.zeros(n), np.int8,
                      axis=0)
    y = g.node("Gemm", [xf, wf, g.const(bias, "b")], transB=1)
    g.output(g.quantize(y, y_scale, y_zero, act), act, expected.shape)
    got = compile_and_run(g, tmp_path, [x],
                          expected_ops=["tosa.matmul", "qc.requant"])
    assert_bit_exact(got, expected, "gemm")


#===----------------------------------------------------------------------===#
# Residual add and Mul of two quantized tensors
#===----------------------------------------------------------------------===#

@pytest.mark.parametrize("types", [(np.int8, np.int8, np.int8),
                                   (np.uint8, np.int8, np.uint8),
                                   (np.uint8, np.uint8, np.int8)],
                         ids=["i8+i8->i8", "u8+i8->u8", "u8+u8->i8"])
def test_residual_add_two_scales(tmp_path, types):
    """HAWQ-V3 integer add: each operand requantized to the output scale
    into int32 (gemmlowp rounding), summed, + output zero point, saturated."""
    a_type, b_type, out_type = types
    rng = np.random.default_rng(12)
    shape = (1, 4, 5, 6)
    a_scale, a_zero = 0.043, random_zero_point(rng, a_type)
    b_scale, b_zero = 0.0171, random_zero_point(rng, b_type)
    y_scale, y_zero = 0.05, random_zero_point(rng, out_type)
    a, b = random_ints(rng, a_type, shape), random_ints(rng, b_type, shape)
    term_a = multiply_by_quantized_multiplier(
        a.astype(np.int64) - a_zero, f32(a_scale) / f32(y_scale))
    term_b = multiply_by_quantized_multiplier(
        b.astype(np.int64) - b_zero, f32(b_scale) / f32(y_scale))
    lo, hi = RANGES[out_type]
    expected = np.clip(term_a + term_b + y_zero, lo, hi)

    g = QDQGraph()
    af = g.dequantize(g.input("a", a_type, shape), a_scale, a_zero, a_type)
    bf = g.dequantize(g.input("b", b_type, shape), b_scale, b_zero, b_type)
    y = g.node("Add", [af, bf])
    g.output(g.quantize(y, y_scale, y_zero, out_type), out_type, shape)
    got = compile_and_run(g, tmp_path, [a, b],
                          expected_ops=["qc.requant", "tosa.add"])
    assert_bit_exact(got, expected, "residual add")
    assert (expected == lo).any() or (expected == hi).any()


@pytest.mark.parametrize("types", [(np.int8, np.int8), (np.uint8, np.int8)],
                         ids=["int8", "uint8"])
def test_mul_of_two_quantized_tensors(tmp_path, types):
    """(a - za) * (b - zb) in int32 at scale s_a * s_b, requantized."""
    act, out_type = types
    rng = np.random.default_rng(13)
    shape = (2, 3, 7)
    a_scale, a_zero = 0.031, random_zero_point(rng, act)
    b_scale, b_zero = 0.047, random_zero_point(rng, act)
    a, b = random_ints(rng, act, shape), random_ints(rng, act, shape)
    product = (a.astype(np.int64) - a_zero) * (b.astype(np.int64) - b_zero)
    y_scale = output_scale_for(product * (f32(a_scale) * f32(b_scale)))
    y_zero = random_zero_point(rng, out_type)
    lo, hi = RANGES[out_type]
    expected = requantize(product, f32(a_scale) * f32(b_scale) / y_scale,
                          y_zero, lo, hi)

    g = QDQGraph()
    af = g.dequantize(g.input("a", act, shape), a_scale, a_zero, act)
    bf = g.dequantize(g.input("b", act, shape), b_scale, b_zero, act)
    y = g.node("Mul", [af, bf])
    g.output(g.quantize(y, y_scale, y_zero, out_type), out_type, shape)
    got = compile_and_run(g, tmp_path, [a, b],
                          expected_ops=["tosa.mul", "qc.requant"])
    assert_bit_exact(got, expected, "mul")


#===----------------------------------------------------------------------===#
# Tables: Sigmoid, HardSwish
#===----------------------------------------------------------------------===#

def _sigmoid_f32(x):
    x = np.asarray(x, np.float32)
    return np.float32(1) / (np.float32(1) + np.exp(-x))


def _hardswish_f32(x):
    # ONNX HardSwish: x * max(0, min(1, alpha * x + beta)), alpha = 1/6,
    # beta = 0.5, in float32.
    x = np.asarray(x, np.float32)
    alpha, beta = np.float32(1.0 / 6.0), np.float32(0.5)
    return x * np.maximum(np.float32(0),
                          np.minimum(np.float32(1), x * alpha + beta))


def _table_case(tmp_path, op, function, act, x_scale, x_zero, y_scale, y_zero,
                out_type, min_ties=0):
    """All 256 input values through quantize(f(dequantize(q))); at least
    `min_ties` of them must round a tie f(x) / s_out = n + 1/2."""
    lo, hi = RANGES[act]
    rng = np.random.default_rng(14)
    x = rng.permutation(np.arange(lo, hi + 1)).astype(act).reshape(4, 64)
    values = function(onnx_dequantize(x, x_scale, x_zero))
    expected = onnx_quantize(values, y_scale, y_zero, out_type)
    scaled = values / np.float32(y_scale)
    assert np.count_nonzero(scaled - np.floor(scaled) == 0.5) >= min_ties
    g = QDQGraph(opset=14)  # HardSwish is an opset 14 op
    xf = g.dequantize(g.input("x", act, x.shape), x_scale, x_zero, act)
    y = g.node(op, [xf])
    g.output(g.quantize(y, y_scale, y_zero, out_type), out_type, x.shape)
    got = compile_and_run(g, tmp_path, [x], expected_ops=["tosa.table"])
    if not np.array_equal(got.astype(np.int64), expected):
        wrong = np.argwhere(got.astype(np.int64) != expected)
        lines = [f"{op}: {len(wrong)} of 256 table entries differ"]
        for index in wrong:
            index = tuple(index)
            q = int(x[index])
            real = onnx_dequantize(q, x_scale, x_zero)
            lines.append(
                f"  q={q}: x={real!r}, f(x)={function(real)!r}, expected "
                f"{int(expected[index])}, got {int(got[index])} "
                f"(diff {int(got[index]) - int(expected[index])})")
        pytest.fail("\n".join(lines))
    # The output range is used from end to end.
    assert len(np.unique(expected)) > 20


@pytest.mark.parametrize("act", [np.int8, np.uint8], ids=["int8", "uint8"])
def test_sigmoid_table(tmp_path, act):
    zero = 0 if act == np.int8 else 128
    # TFLite's output convention for sigmoid: scale 1/256, zero point -128.
    out_zero = -128 if act == np.int8 else 0
    _table_case(tmp_path, "Sigmoid", _sigmoid_f32, act, 0.0625, zero + 3,
                1.0 / 256.0, out_zero, act)


def test_sigmoid_table_odd_scales(tmp_path):
    _table_case(tmp_path, "Sigmoid", _sigmoid_f32, np.int8, 0.0371, -11,
                0.0041, -120, np.int8)


@pytest.mark.parametrize("act", [np.int8, np.uint8], ids=["int8", "uint8"])
def test_hardswish_table(tmp_path, act):
    zero = 10 if act == np.int8 else 138
    out_zero = -90 if act == np.int8 else 38
    _table_case(tmp_path, "HardSwish", _hardswish_f32, act, 0.047, zero,
                0.029, out_zero, act)


def test_hardswish_table_ties(tmp_path):
    """HardSwish(x) = x for x >= 3; with s_out = 2 s_x every odd q >= 48
    lands on n + 1/2: the table rounds those half to even."""
    _table_case(tmp_path, "HardSwish", _hardswish_f32, np.int8, 0.0625, 0,
                0.125, -32, np.int8, min_ties=30)


#===----------------------------------------------------------------------===#
# Data movement and requantization
#===----------------------------------------------------------------------===#

@pytest.mark.parametrize("act", [
    np.int8,
    np.uint8],
    ids=["int8", "uint8"])
def test_max_pool_runs_on_integers(tmp_path, act):
    """MaxPool(3x3, stride 2, pad 1) with the input's scale and zero point
    at the output: the stored integers are pooled as they are."""
    rng = np.random.default_rng(15)
    x_scale, x_zero = 0.02, random_zero_point(rng, act)
    x = random_ints(rng, act, (1, 3, 9, 9))
    expected = max_pool_int(x, 3, 2, 1)
    g = QDQGraph()
    xf = g.dequantize(g.input("x", act, x.shape), x_scale, x_zero, act)
    y = g.node("MaxPool", [xf], kernel_shape=[3, 3], strides=[2, 2],
               pads=[1, 1, 1, 1])
    g.output(g.quantize(y, x_scale, x_zero, act), act, expected.shape)
    got = compile_and_run(g, tmp_path, [x], expected_ops=["tosa.max_pool2d"])
    assert_bit_exact(got, expected, "max pool")


def test_max_pool_then_requantize(tmp_path):
    """MaxPool whose output has another scale: pooled integers, then one
    requantization int8 -> uint8."""
    rng = np.random.default_rng(16)
    x_scale, x_zero = 0.02, -7
    y_scale, y_zero = 0.013, 120
    x = random_ints(rng, np.int8, (1, 2, 8, 8))
    pooled = max_pool_int(x, 2, 2, 0)
    expected = requantize(pooled - x_zero, f32(x_scale) / f32(y_scale),
                          y_zero, 0, 255)
    g = QDQGraph()
    xf = g.dequantize(g.input("x", np.int8, x.shape), x_scale, x_zero,
                      np.int8)
    y = g.node("MaxPool", [xf], kernel_shape=[2, 2], strides=[2, 2])
    g.output(g.quantize(y, y_scale, y_zero, np.uint8), np.uint8,
             expected.shape)
    got = compile_and_run(g, tmp_path, [x],
                          expected_ops=["tosa.max_pool2d", "qc.requant"])
    assert_bit_exact(got, expected, "max pool + requant")


@pytest.mark.parametrize("act", [np.int8, np.uint8], ids=["int8", "uint8"])
def test_transpose_reshape_pass_through(tmp_path, act):
    """Transpose and Reshape between DQ and Q of one type move the stored
    integers unchanged."""
    rng = np.random.default_rng(17)
    x = random_ints(rng, act, (2, 3, 4, 5))
    x_zero = random_zero_point(rng, act)
    expected = x.transpose(0, 2, 3, 1).reshape(2, 20, 3)
    g = QDQGraph()
    xf = g.dequantize(g.input("x", act, x.shape), 0.1, x_zero, act)
    y = g.node("Transpose", [xf], perm=[0, 2, 3, 1])
    y = g.node("Reshape", [y, g.const(np.array([2, 20, 3], np.int64))])
    g.output(g.quantize(y, 0.1, x_zero, act), act, expected.shape)
    got = compile_and_run(g, tmp_path, [x],
                          expected_ops=["tosa.transpose", "tosa.reshape"])
    assert_bit_exact(got, expected, "transpose + reshape")


@pytest.mark.parametrize(
    "case",
    [(np.int8, 0.037, -5, np.uint8, 0.11, 131, False),    # M < 1
     (np.uint8, 0.05, 121, np.int8, 0.0185, 3, False),    # M > 1: left shift
     (np.int8, 0.25, 0, np.int8, 0.5, 0, True),           # M = 1/2: ties
     (np.int8, 0.125, 1, np.int8, 0.5, -1, True),         # M = 1/4
     (np.uint8, 0.3, 128, np.uint8, 0.3 / 7, 128, False)],  # M ~ 7
    ids=["i8-u8-down", "u8-i8-up", "half", "quarter", "saturate"])
def test_requantize_between_scales(tmp_path, case):
    """DQ(s1, z1) -> Q(s2, z2): one qc.requant by M = s1 / s2 with gemmlowp
    rounding (SRDHM ties toward +inf, then RoundingDivideByPOT ties away
    from zero). In the tie cases the expected integers differ from exact
    round-half-to-even, so the test tells the conventions apart. (With
    small inputs gemmlowp's two roundings also differ from exact rounding
    off ties: M = 0.037 / 0.11, x - z1 = -123 gives SRDHM -82.75 -> -83,
    then -41.5 -> -42, where -41.37 rounds to -41.)"""
    in_type, s1, z1, out_type, s2, z2, ties = case
    lo, hi = RANGES[in_type]
    x = np.arange(lo, hi + 1).astype(in_type).reshape(16, 16)
    expected = requantize(x.astype(np.int64) - z1, f32(s1) / f32(s2), z2,
                          *RANGES[out_type])
    half_to_even = np.clip(np.rint((x.astype(np.int64) - z1)
                                   * (f32(s1) / f32(s2))) + z2,
                           *RANGES[out_type])
    if ties:
        assert not np.array_equal(expected, half_to_even)
    g = QDQGraph()
    xf = g.dequantize(g.input("x", in_type, x.shape), s1, z1, in_type)
    g.output(g.quantize(xf, s2, z2, out_type), out_type, x.shape)
    got = compile_and_run(g, tmp_path, [x], expected_ops=["qc.requant"])
    assert_bit_exact(got, expected, "requantize")


def test_reference_rounding_is_gemmlowp():
    """The reference's own fixed points: M = 1/4 rounds 1 * 1/4 to 1
    (double rounding: SRDHM rounds 0.5 up, RoundingDivideByPOT rounds the
    next 0.5 away from zero) and -1 * 1/4 to 0, -3 * 1/2 to -1 (SRDHM's
    ties toward +inf)."""
    assert quantize_multiplier(0.25) == (1 << 30, -1)
    assert quantize_multiplier(1.0) == (1 << 30, 1)
    assert int(multiply_by_quantized_multiplier(1, 0.25)) == 1
    assert int(multiply_by_quantized_multiplier(-1, 0.25)) == 0
    assert int(multiply_by_quantized_multiplier(-3, 0.5)) == -1
    assert int(multiply_by_quantized_multiplier(3, 0.5)) == 2
    assert int(multiply_by_quantized_multiplier(-5, 0.25)) == -1
    assert int(srdhm(INT32_MIN, INT32_MIN)) == INT32_MAX
    assert int(rounding_divide_by_pot(-6, 2)) == -2  # -1.5 away from zero


#===----------------------------------------------------------------------===#
# Softmax and LayerNormalization: exact references in Python integers
#===----------------------------------------------------------------------===#

def round_half_away(x):
    """C's std::lround / std::llround of a double: nearest integer, ties
    away from zero (x - floor(x) is exact, so no addition rounds)."""
    magnitude = math.floor(abs(x))
    if abs(x) - magnitude >= 0.5:
        magnitude += 1
    return int(magnitude) if x >= 0 else -int(magnitude)


def divide_round_half_away(num, den):
    """num / den rounded half away from zero for Python ints, den > 0:
    (num + den/2) / den, or (num - den/2) / den for num < 0, with C's
    truncating division (den/2 = floor(den / 2))."""
    assert den > 0
    if num >= 0:
        return (num + den // 2) // den
    return -((-num + den // 2) // den)


def softmax_int(q, axis, x_scale, y_scale, y_zero, lo, hi, kept=None):
    """Integer Softmax of the stored integers q along `axis` (the zero point
    cancels in max - q): table[k] = lround(exp(-s k) 2^F) with
    F = min(20, 30 - ceil(log2 N)); per row e_i = table[max - q_i],
    S = sum e_i; out_i = clamp(z_out + round_half_away(e_i M /
    (S 2^shift))) with M 2^-shift = QuantizeMultiplier(1 / s_out). With a
    boolean `kept` (broadcast to q), max runs over the kept positions only
    and the others get e_i = 0."""
    if kept is None:
        kept = np.ones(np.shape(q), bool)
    kept = np.moveaxis(np.broadcast_to(kept, np.shape(q)), axis, -1)
    q = np.moveaxis(np.asarray(q, np.int64), axis, -1)
    n = q.shape[-1]
    frac_bits = min(20, 30 - (n - 1).bit_length())  # ceil(log2 n)
    s = float(np.float32(x_scale))
    table = [round_half_away(math.ldexp(math.exp(-s * k), frac_bits))
             for k in range(256)]
    multiplier, shift_tflite = quantize_multiplier(
        1.0 / float(np.float32(y_scale)))
    shift = 31 - shift_tflite
    assert shift >= 0
    out = np.empty(q.shape, np.int64)
    for index in np.ndindex(q.shape[:-1]):
        row = [int(v) for v in q[index]]
        top = max(v for v, keep in zip(row, kept[index]) if keep)
        exps = [table[top - v] if keep else 0
                for v, keep in zip(row, kept[index])]
        denominator = sum(exps) << shift
        out[index] = [min(max(y_zero + divide_round_half_away(
            e * multiplier, denominator), lo), hi) for e in exps]
    return np.moveaxis(out, -1, axis)


def layer_norm_int(q, normalized_dims, x_scale, gamma, beta, epsilon,
                   y_scale, y_zero, lo, hi, constants=None):
    """Integer LayerNormalization over the last `normalized_dims` dims of
    the stored integers q (the zero point cancels in d_i = N q_i - sum q):
    r = isqrt((sum d_i^2 + E) 4^k), out_i = clamp(z_out + round_half_away(
    (d_i C_j 2^k + B_j r) / (r 2^c))), C_j = llround(gamma_j sqrt(N) / s_out
    2^c), B_j = llround(beta_j / s_out 2^c), E = llround(eps N^3 / s^2);
    k and c as large as int64 allows (see the module docstring). E, k and
    c go into the dict `constants` if one is given."""
    q = np.asarray(q, np.int64)
    rows = q.reshape(-1, int(np.prod(q.shape[q.ndim - normalized_dims:])))
    count = rows.shape[1]
    n = float(count)
    s = float(np.float32(x_scale))
    eps = float(np.float32(epsilon))
    gamma = np.asarray(gamma, np.float32).astype(np.float64).ravel()
    beta = (np.zeros_like(gamma) if beta is None else
            np.asarray(beta, np.float32).astype(np.float64).ravel())
    assert gamma.size == beta.size == count
    eps_units = eps * n ** 3 / s ** 2
    big_e = round_half_away(eps_units)
    dmax = n * 255
    wmax = n * dmax ** 2 + eps_units
    k = math.floor((62 - math.log2(wmax)) / 2)
    assert k >= 0
    max_root = math.sqrt(wmax) * 2.0 ** k
    g_unit = math.sqrt(n) / float(np.float32(y_scale))
    b_unit = 1.0 / float(np.float32(y_scale))
    max_g = float(np.abs(gamma).max()) * g_unit
    max_b = float(np.abs(beta).max()) * b_unit
    for c in range(16, -1, -1):
        if (dmax * (max_g * 2.0 ** c + 1) * 2.0 ** k
                + (max_b * 2.0 ** c + 1) * max_root < 2.0 ** 62
                and max_root * 2.0 ** c < 2.0 ** 62):
            break
    else:
        raise AssertionError("no c fits in int64")
    if constants is not None:
        constants.update(E=big_e, k=k, c=c)
    big_c = [round_half_away(float(g) * g_unit * 2.0 ** c) for g in gamma]
    big_b = [round_half_away(float(b) * b_unit * 2.0 ** c) for b in beta]
    out = np.empty(rows.shape, np.int64)
    for index, row in enumerate(rows):
        row = [int(v) for v in row]
        total = sum(row)
        d = [count * v - total for v in row]
        variance = sum(di * di for di in d)
        root = math.isqrt(max((variance + big_e) << (2 * k), 1))
        den = root << c
        out[index] = [
            min(max(y_zero + divide_round_half_away(
                ((di * cj) << k) + bj * root, den), lo), hi)
            for di, cj, bj in zip(d, big_c, big_b)]
    return out.reshape(q.shape)


def softmax_f64(x, axis):
    x = np.asarray(x, np.float64)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def layer_norm_f64(x, normalized_dims, gamma, beta, epsilon):
    x = np.asarray(x, np.float64)
    axes = tuple(range(x.ndim - normalized_dims, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(variance + np.float64(np.float32(epsilon)))
    y = y * np.asarray(gamma, np.float32).astype(np.float64)
    if beta is not None:
        y = y + np.asarray(beta, np.float32).astype(np.float64)
    return y


def assert_near_float(expected, real, y_scale, y_zero, lo, hi):
    """The integer reference itself is within 1 of the float function
    quantized (a check of the reference, not of QC)."""
    ideal = np.clip(np.rint(real / np.float64(np.float32(y_scale))) + y_zero,
                    lo, hi)
    assert np.abs(expected - ideal).max() <= 1


def with_edge_rows(x, axis, dtype):
    """Rows (along `axis`) of identical values, of one large value among
    the smallest, of two equal maxima, of the two extremes alternating and
    (given a fifth row) of one value 1 above the others (a variance that
    epsilon dominates)."""
    lo, hi = RANGES[dtype]
    rows = np.moveaxis(x, axis, -1).reshape(-1, x.shape[axis])
    n = rows.shape[1]
    assert rows.shape[0] >= 4 and n >= 3
    rows[0] = (lo + hi) // 2 + 17
    rows[1] = lo
    rows[1, n // 2] = hi
    rows[2] = lo + 5
    rows[2, 0] = rows[2, n - 1] = hi - 3
    rows[3] = np.where(np.arange(n) % 2 == 0, lo, hi)
    if rows.shape[0] >= 5:
        rows[4] = (lo + hi) // 2 - 30
        rows[4, 1] += 1
    return np.moveaxis(rows.reshape(np.moveaxis(x, axis, -1).shape), -1,
                       axis).astype(dtype)


SOFTMAX_CASES = {"last": ((2, 3, 16), -1), "middle": ((2, 7, 3), 1),
                 "last-80": ((5, 80), -1), "single": ((4, 1, 3), 1),
                 # N > 2^11: F = 30 - 12 = 18 keeps sum(e) < 2^31
                 "long": ((4, 3000), -1)}


def _softmax_case(tmp_path, seed, act, out_type, layout):
    shape, axis = SOFTMAX_CASES[layout]
    rng = np.random.default_rng(100 + seed)
    lo, hi = RANGES[out_type]
    x_scale = f32(rng.uniform(0.01, 0.3))
    x_zero = random_zero_point(rng, act)
    y_zero = int(rng.integers(lo, lo + 30))
    # 1.0 lands past the top of the output range: rows with one large value
    # saturate.
    y_scale = f32(1.0 / rng.uniform(hi - y_zero + 3, hi - y_zero + 60))
    x = random_ints(rng, act, shape)
    if shape[axis] > 1:
        x = with_edge_rows(x, axis, act)
    expected = softmax_int(x, axis, x_scale, y_scale, y_zero, lo, hi)
    assert_near_float(expected, softmax_f64(
        onnx_dequantize(x, x_scale, x_zero), axis), y_scale, y_zero, lo, hi)

    g = QDQGraph()
    xf = g.dequantize(g.input("x", act, shape), x_scale, x_zero, act)
    y = g.node("Softmax", [xf], axis=axis)
    g.output(g.quantize(y, y_scale, y_zero, out_type), out_type, shape)
    got = compile_and_run(g, tmp_path, [x], expected_ops=["linalg.generic"])
    assert_bit_exact(got, expected,
                     f"softmax (s={x_scale!r}, z={x_zero}, s_out={y_scale!r},"
                     f" z_out={y_zero})")
    if shape[axis] > 1:
        assert (expected == hi).any()
    return expected


@pytest.mark.parametrize("layout", ["last", "middle"])
@pytest.mark.parametrize("act", [np.int8, np.uint8], ids=["int8", "uint8"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_softmax_integer(tmp_path, seed, act, layout):
    _softmax_case(tmp_path, seed, act, act, layout)


@pytest.mark.parametrize("types", [(np.int8, np.uint8), (np.uint8, np.int8)],
                         ids=["i8->u8", "u8->i8"])
def test_softmax_integer_mixed_types_long_rows(tmp_path, types):
    _softmax_case(tmp_path, 3, *types, "last-80")


@pytest.mark.parametrize("act", [np.int8, np.uint8], ids=["int8", "uint8"])
def test_softmax_integer_long_rows(tmp_path, act):
    """Rows of 3000: fewer fraction bits; a row of identical values sums
    to 3000 * 2^18."""
    _softmax_case(tmp_path, 5, act, act, "long")


def test_softmax_integer_single_element_rows(tmp_path):
    """N = 1: every output is 1.0 quantized (F = 20)."""
    expected = _softmax_case(tmp_path, 4, np.int8, np.int8, "single")
    assert len(np.unique(expected)) == 1


def causal_mask(size, masked):
    """Attention's additive causal mask: 0 on and below the diagonal,
    `masked` above it; and its boolean form (True where kept)."""
    kept = np.tril(np.ones((size, size), bool))
    return np.where(kept, 0.0, masked).astype(np.float32), kept


@pytest.mark.parametrize("masked", [-1e4, -np.inf], ids=["-1e4", "-inf"])
@pytest.mark.parametrize("act", [np.int8, np.uint8], ids=["int8", "uint8"])
def test_softmax_integer_additive_mask(tmp_path, act, masked):
    """Softmax(x + causal mask), the mask a 2-D initializer broadcast over
    batch and heads: quant-compile carries it as the softmax's boolean
    mask, so the integer kernel sees the logits' own scale, and masked
    positions come out as probability 0."""
    shape, size = (2, 3, 6, 6), 6
    rng = np.random.default_rng(400)
    lo, hi = RANGES[act]
    x_scale, x_zero = f32(0.07), random_zero_point(rng, act)
    y_scale, y_zero = f32(1.0 / 250), lo
    x = random_ints(rng, act, shape)
    additive, kept = causal_mask(size, masked)
    expected = softmax_int(x, -1, x_scale, y_scale, y_zero, lo, hi, kept)
    assert_near_float(expected, softmax_f64(
        onnx_dequantize(x, x_scale, x_zero) + additive, -1),
        y_scale, y_zero, lo, hi)

    g = QDQGraph()
    xf = g.dequantize(g.input("x", act, shape), x_scale, x_zero, act)
    logits = g.node("Add", [xf, g.const(additive, "mask")])
    y = g.node("Softmax", [logits], axis=-1)
    g.output(g.quantize(y, y_scale, y_zero, act), act, shape)
    got = compile_and_run(g, tmp_path, [x], expected_ops=["arith.select"])
    assert_bit_exact(got, expected, f"masked softmax ({masked})")
    assert (expected[..., ~kept] == y_zero).all()


LAYER_NORM_CASES = {
    # shape, axis, with B, epsilon, one gamma this large (None: none)
    "last": ((3, 4, 16), -1, True, 1e-5, None),
    "last-no-bias": ((2, 5, 12), -1, False, 1e-5, None),
    "last-two": ((5, 4, 6), -2, True, 1e-5, None),
    "large-eps": ((2, 4, 8), -1, True, 1e-2, None),
    "rec-width": ((1, 6, 120), -1, True, 1e-6, None),
    # gamma_3 = 5000 and s_out fitted to the other channels: C_j would
    # overflow int64 at c = 16, so c is smaller.
    "huge-gamma": ((2, 3, 16), -1, True, 1e-5, 5000.0),
}


def _layer_norm_case(tmp_path, seed, act, out_type, case):
    shape, axis, with_bias, epsilon, spike = LAYER_NORM_CASES[case]
    normalized_dims = -axis
    rng = np.random.default_rng(200 + seed)
    lo, hi = RANGES[out_type]
    x_scale = f32(rng.uniform(0.01, 0.2))
    x_zero = random_zero_point(rng, act)
    norm_shape = shape[len(shape) - normalized_dims:]
    gamma = rng.uniform(0.3, 2.0, norm_shape).astype(np.float32) \
        * rng.choice([-1, 1], norm_shape).astype(np.float32)
    beta = (rng.standard_normal(norm_shape).astype(np.float32) * 0.5
            if with_bias else None)
    if spike is not None:
        gamma.reshape(-1)[3] = -spike
    x = random_ints(rng, act, shape)
    flat_rows = x.reshape(-1, int(np.prod(norm_shape)))
    flat_rows[:] = with_edge_rows(flat_rows, 1, act)
    real = layer_norm_f64(onnx_dequantize(x, x_scale, x_zero),
                          normalized_dims, gamma, beta, epsilon)
    if spike is not None:
        y_scale = output_scale_for(np.delete(real, 3, axis=-1), levels=150.0)
    else:
        y_scale = output_scale_for(real, levels=150.0)
    y_zero = random_zero_point(rng, out_type)
    constants = {}
    expected = layer_norm_int(x, normalized_dims, x_scale, gamma, beta,
                              epsilon, y_scale, y_zero, lo, hi, constants)
    if spike is not None:
        assert constants["c"] < 16, constants
    assert_near_float(expected, real, y_scale, y_zero, lo, hi)

    g = QDQGraph(opset=17)
    xf = g.dequantize(g.input("x", act, shape), x_scale, x_zero, act)
    operands = [xf, g.const(gamma, "gamma")]
    if with_bias:
        operands.append(g.const(beta, "beta"))
    y = g.node("LayerNormalization", operands, axis=axis, epsilon=epsilon)
    g.output(g.quantize(y, y_scale, y_zero, out_type), out_type, shape)
    got = compile_and_run(g, tmp_path, [x], expected_ops=["linalg.generic"])
    assert_bit_exact(got, expected,
                     f"layer norm (s={x_scale!r}, z={x_zero}, "
                     f"s_out={y_scale!r}, z_out={y_zero})")
    assert (expected == lo).any() or (expected == hi).any()


@pytest.mark.parametrize("case", ["last", "last-no-bias", "last-two"])
@pytest.mark.parametrize("act", [np.int8, np.uint8], ids=["int8", "uint8"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_layer_norm_integer(tmp_path, seed, act, case):
    _layer_norm_case(tmp_path, seed, act, act, case)


@pytest.mark.parametrize("case,types", [
    ("large-eps", (np.int8, np.uint8)),
    ("rec-width", (np.uint8, np.int8)),
    ("rec-width", (np.int8, np.int8)),
    ("huge-gamma", (np.int8, np.int8)),
    ("huge-gamma", (np.uint8, np.uint8))],
    ids=["large-eps-i8-u8", "rec-width-u8-i8", "rec-width-i8",
         "huge-gamma-i8", "huge-gamma-u8"])
def test_layer_norm_integer_more_shapes(tmp_path, case, types):
    _layer_norm_case(tmp_path, 3, *types, case)


#===----------------------------------------------------------------------===#
# Float Softmax and LayerNormalization (expanded into TOSA)
#===----------------------------------------------------------------------===#

def _run_float(graph, tmp_path, inputs):
    source = tmp_path / "model.onnx"
    onnx.save(graph.model(), source)
    model = qc.load(qc.compile(source, tmp_path / "model.so"))
    return model(*inputs)[0]


@pytest.mark.parametrize("layout", ["last", "middle"])
def test_softmax_float(tmp_path, layout):
    shape, axis = SOFTMAX_CASES[layout]
    x = (np.random.default_rng(300).standard_normal(shape) * 3) \
        .astype(np.float32)
    g = QDQGraph()
    y = g.node("Softmax", [g.input("x", np.float32, shape)], axis=axis)
    g.output(y, np.float32, shape)
    got = _run_float(g, tmp_path, [x])
    np.testing.assert_allclose(got, softmax_f64(x, axis), rtol=0, atol=1e-5)


@pytest.mark.parametrize("masked", [-1e4, -np.inf], ids=["-1e4", "-inf"])
def test_softmax_float_additive_mask(tmp_path, masked):
    """The float path of the same graph: the boolean mask in the expanded
    softmax computes what the addition did."""
    shape, size = (2, 3, 6, 6), 6
    x = (np.random.default_rng(401).standard_normal(shape) * 3) \
        .astype(np.float32)
    additive, _ = causal_mask(size, masked)
    g = QDQGraph()
    logits = g.node("Add", [g.input("x", np.float32, shape),
                            g.const(additive, "mask")])
    y = g.node("Softmax", [logits], axis=-1)
    g.output(y, np.float32, shape)
    got = _run_float(g, tmp_path, [x])
    np.testing.assert_allclose(got, softmax_f64(x + additive, -1), rtol=0,
                               atol=1e-5)


@pytest.mark.parametrize("case", ["last", "last-no-bias", "last-two"])
def test_layer_norm_float(tmp_path, case):
    shape, axis, with_bias, epsilon, _ = LAYER_NORM_CASES[case]
    rng = np.random.default_rng(301)
    norm_shape = shape[len(shape) + axis:]
    gamma = rng.uniform(-2, 2, norm_shape).astype(np.float32)
    beta = rng.standard_normal(norm_shape).astype(np.float32) \
        if with_bias else None
    x = (rng.standard_normal(shape) * 2 + 1).astype(np.float32)
    g = QDQGraph(opset=17)
    operands = [g.input("x", np.float32, shape), g.const(gamma, "gamma")]
    if with_bias:
        operands.append(g.const(beta, "beta"))
    y = g.node("LayerNormalization", operands, axis=axis, epsilon=epsilon)
    g.output(y, np.float32, shape)
    got = _run_float(g, tmp_path, [x])
    np.testing.assert_allclose(
        got, layer_norm_f64(x, -axis, gamma, beta, epsilon), rtol=0,
        atol=1e-5)


#===----------------------------------------------------------------------===#
# AveragePool, Concat, Split
#===----------------------------------------------------------------------===#

def avg_pool_sum_int(x, x_zero, kernel, stride):
    """Window sums of (x - x_zero), NCHW, no padding."""
    centered = np.asarray(x, np.int64) - x_zero
    h, w = centered.shape[2:]
    (kh, kw), (sh, sw) = kernel, stride
    out_h, out_w = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.zeros(centered.shape[:2] + (out_h, out_w), np.int64)
    for i in range(kh):
        for j in range(kw):
            out += centered[:, :, i:i + sh * (out_h - 1) + 1:sh,
                            j:j + sw * (out_w - 1) + 1:sw]
    return out


AVG_POOL_CASES = {
    "2x2s2": ((1, 3, 8, 8), (2, 2), (2, 2)),
    "3x3s1": ((2, 2, 7, 9), (3, 3), (1, 1)),
    "3x3s2": ((1, 4, 9, 11), (3, 3), (2, 2)),
    "rec": ((1, 8, 3, 80), (3, 2), (3, 2)),
}


@pytest.mark.parametrize("case", list(AVG_POOL_CASES))
@pytest.mark.parametrize("act", [np.int8, np.uint8], ids=["int8", "uint8"])
def test_avg_pool_integer(tmp_path, act, case):
    """Window sums of (q - z) in int32, requantized by
    (s / (kh kw)) / s_out, + z_out, saturated."""
    shape, kernel, stride = AVG_POOL_CASES[case]
    rng = np.random.default_rng(400 + list(AVG_POOL_CASES).index(case))
    lo, hi = RANGES[act]
    x_scale, x_zero = f32(rng.uniform(0.01, 0.1)), random_zero_point(rng, act)
    x = random_ints(rng, act, shape)
    x[0, 0, :kernel[0], :kernel[1]] = hi  # one window of the largest value
    acc = avg_pool_sum_int(x, x_zero, kernel, stride)
    multiplier = x_scale / (kernel[0] * kernel[1])
    y_scale = output_scale_for(acc * multiplier)
    y_zero = random_zero_point(rng, act)
    expected = requantize(acc, multiplier / y_scale, y_zero, lo, hi)

    g = QDQGraph()
    xf = g.dequantize(g.input("x", act, shape), x_scale, x_zero, act)
    y = g.node("AveragePool", [xf], kernel_shape=list(kernel),
               strides=list(stride))
    g.output(g.quantize(y, y_scale, y_zero, act), act, expected.shape)
    got = compile_and_run(g, tmp_path, [x], expected_ops=["qc.requant"])
    assert_bit_exact(got, expected, "average pool")
    assert (expected == lo).any() or (expected == hi).any()


def test_avg_pool_with_pads_is_not_integer(tmp_path):
    """With pads the divisor varies at the borders: the op stays float, so
    integer-only compilation fails naming tosa.avg_pool2d (and succeeds with
    --integer-only=false)."""
    g = QDQGraph()
    xf = g.dequantize(g.input("x", np.int8, (1, 2, 6, 6)), 0.05, 3, np.int8)
    y = g.node("AveragePool", [xf], kernel_shape=[3, 3], strides=[1, 1],
               pads=[1, 1, 1, 1])
    g.output(g.quantize(y, 0.03, -1, np.int8), np.int8, (1, 2, 6, 6))
    source = tmp_path / "model.onnx"
    onnx.save(g.model(), source)
    with pytest.raises(qc.QCToolError) as error:
        qc.compile(source, tmp_path / "model.so")
    assert "tosa.avg_pool2d" in str(error.value)
    qc.compile(source, tmp_path / "model.so", integer_only=False)


@pytest.mark.parametrize("case", [
    # (type, scale, zero point) of a, of b, of the output; None: the
    # output's
    ((np.int8, 0.043, -9), (np.int8, 0.0171, 14), (np.int8, 0.031, 3)),
    ((np.uint8, 0.05, 121), (np.int8, 0.02, -4), (np.uint8, 0.035, 130)),
    ((np.int8, 0.06, 5), None, (np.int8, 0.025, -11)),
    (None, (np.int8, 0.047, 2), (np.uint8, 0.029, 118))],
    ids=["i8+i8->i8", "u8+i8->u8", "i8+copy->i8", "copy+i8->u8"])
def test_concat_two_scales(tmp_path, case):
    """Each input requantized to the output's scale separately (an input
    of the output's scale and zero point copied), concatenated on axis 1."""
    out_type, y_scale, y_zero = case[2]
    lo, hi = RANGES[out_type]
    rng = np.random.default_rng(500)
    g = QDQGraph()
    shapes = [(1, 3, 4, 5), (1, 2, 4, 5)]
    inputs, parts, terms = [], [], []
    for name, spec, shape in zip("ab", case[:2], shapes):
        dtype, scale, zero = spec if spec is not None else case[2]
        x = random_ints(rng, dtype, shape)
        inputs.append(x)
        terms.append(np.clip(multiply_by_quantized_multiplier(
            x.astype(np.int64) - zero, f32(scale) / f32(y_scale)) + y_zero,
            lo, hi))
        if spec is None:
            assert np.array_equal(terms[-1], x)
        parts.append(g.dequantize(g.input(name, dtype, shape), scale, zero,
                                  dtype))
    expected = np.concatenate(terms, axis=1)
    y = g.node("Concat", parts, axis=1)
    g.output(g.quantize(y, y_scale, y_zero, out_type), out_type,
             expected.shape)
    got = compile_and_run(g, tmp_path, inputs,
                          expected_ops=["tosa.concat", "qc.requant"])
    assert_bit_exact(got, expected, "concat")
    assert (expected == lo).any() or (expected == hi).any()


@pytest.mark.parametrize("act", [np.int8, np.uint8], ids=["int8", "uint8"])
def test_split_moves_integers(tmp_path, act):
    """Split (sizes 2, 3, 4 on axis 1) with the input's scale and zero point
    at each output: the stored integers, sliced."""
    rng = np.random.default_rng(600)
    x = random_ints(rng, act, (2, 9, 4))
    x_scale, x_zero = 0.037, random_zero_point(rng, act)
    sizes = [2, 3, 4]
    g = QDQGraph()
    xf = g.dequantize(g.input("x", act, x.shape), x_scale, x_zero, act)
    names = [f"part{i}" for i in range(3)]
    g.nodes.append(helper.make_node(
        "Split", [xf, g.const(np.array(sizes, np.int64), "split")], names,
        name="split", axis=1))
    expected = np.split(x, np.cumsum(sizes)[:-1], axis=1)
    for i, (name, part) in enumerate(zip(names, expected)):
        g.output(g.quantize(name, x_scale, x_zero, act), act, part.shape,
                 name=f"out{i}")
    got = compile_and_run_all(g, tmp_path, [x], expected_ops=["tosa.slice"])
    for i, (g_part, e_part) in enumerate(zip(got, expected)):
        assert_bit_exact(g_part, e_part, f"split part {i}")


#===----------------------------------------------------------------------===#
# The library's signature for uint8 tensors
#===----------------------------------------------------------------------===#

def test_uint8_tensors_keep_their_type_in_the_abi(tmp_path):
    g = QDQGraph()
    xf = g.dequantize(g.input("x", np.uint8, (4,)), 0.1, 128, np.uint8)
    g.output(g.quantize(xf, 0.2, 128, np.uint8), np.uint8, (4,))
    onnx.save(g.model(), tmp_path / "model.onnx")
    model = qc.load(qc.compile(tmp_path / "model.onnx", tmp_path / "m.so"))
    assert model.inputs[0].dtype == np.uint8
    assert model.outputs[0].dtype == np.uint8
