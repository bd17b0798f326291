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
  round half to even, saturate).

Every model is also checked to be integer-only: quant-opt's
qc-lower-to-integer and qc-verify-integer-only leave no float op and no
qc.quantize/qc.dequantize in it.
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


def _tools_available():
    try:
        for tool in ("quant-compile", "quant-opt"):
            qc.find_tool(tool)
    except FileNotFoundError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _tools_available(),
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

    def output(self, value, dtype, shape):
        self.nodes.append(helper.make_node("Identity", [value], ["out"],
                                           name="out"))
        self.outputs.append(helper.make_tensor_value_info(
            "out", ONNX_TYPES[dtype], list(shape)))
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
    (result,) = model(*arguments)
    return result.view(graph.output_dtypes[0])


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
               pre_passes=()):
    """x (act) -> DQ -> Conv(3x3, pad, stride, per-channel int8 weights,
    bias) [-> Relu | Clip(0, 6)] -> Q(out_dtype), against the reference.
    Below opset 13 (no per-axis DequantizeLinear) the weights have one
    scale."""
    rng = np.random.default_rng(seed)
    group = channels if depthwise else 1
    if depthwise:
        out_channels = channels
    x_scale, x_zero = f32(rng.uniform(0.01, 0.05)), random_zero_point(rng, act)
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
