#!/usr/bin/python3
"""Static post-training int8 quantization of an ONNX model in QDQ format, the
way onnxruntime's quantize_static does with its defaults, for onnxruntime's
int8 result as the peer of QC's quantization (onnxruntime.quantization is
not available here: no PyPI).

The defaults followed (onnxruntime/python/tools/quantization):
QuantFormat.QDQ, CalibrationMethod.MinMax, per_channel=True,
reduce_range=False;
* activations uint8, asymmetric, per tensor: the min and max over the
  calibration set, widened to include 0; scale = (max - min) / 255,
  zero point = round(-min / scale); the input of a Clip or Relu that feeds
  nothing else takes the activation's output range, a Softmax's output is
  [0, 1] (adjust_tensor_ranges);
* weights int8, symmetric, per output channel (Conv axis 0, ConvTranspose
  axis 1, MatMul axis 1, Gemm axis 0 or 1 by transB), values in [-127, 127],
  scale = max|w| / 127, zero point 0;
* biases of Conv and Gemm int32, scale = s_in * s_w[c], zero point 0,
  through a DequantizeLinear, so that onnxruntime fuses DQ -> Conv -> Q into
  QLinearConv (DQ -> MatMul -> Q into QLinearMatMul); where a bias would not
  fit int32 (a channel of tiny weights), that channel's s_w is widened until
  it does (_adjust_weight_scale_for_int32_bias, on by default);
* a tensor is quantized once, where it is produced (Q -> DQ), and every
  consumer reads the DQ; a quantized graph output is the DQ's output.

Op types, per --op-types (`core` is the default):
* `core`: Conv, MatMul, Gemm (activation inputs, outputs, weights, biases;
  a MatMul of two activations has both quantized) and Relu, Clip: where one
  follows a quantized tensor that feeds nothing else, it is removed and the
  producer's output is quantized with the activation's range (onnxruntime's
  QDQRemovableActivation; the quantization clamps as the activation did).
* `ort`: onnxruntime's whole default list (the union of its QLinearOps and
  QDQ registries), with its rules: `core`, plus Add, Mul, Sigmoid,
  LeakyRelu, GlobalAveragePool, Concat, Softmax, ArgMax, CumSum (every float
  input and output quantized, constant inputs too: uint8 per tensor with
  onnxruntime's weight symmetry, [0, 254] and zero point 127) and Reshape,
  Transpose, Squeeze, Unsqueeze, Slice, AveragePool, MaxPool, Resize, TopK
  (the output shares the input's scale and zero point, only where the input
  is already quantized). Not implemented, left float with a warning if the
  model has them: Split, Pad, Gather, GatherElements, Where,
  BatchNormalization (one not folded into a Conv), InstanceNormalization,
  LayerNormalization, EmbedLayerNormalization.
* or a comma-separated list of op types of those two.

Before quantizing, the model is prepared as onnxruntime's quant_pre_process
(and its session) would have it: Constant nodes become initializers (the
PaddleOCR models keep their weights in Constant nodes) and count as
weights, a BatchNormalization that follows a Conv is folded into it, and the
opset is raised to 13 (per-axis QuantizeLinear needs it; quantize_static
itself only rewrites the number): Clip (< 11) and Slice (< 10) get their
attributes as inputs, Squeeze and Unsqueeze (< 13) their axes; Softmax,
LogSoftmax and Hardmax (< 13) keep their old meaning as
Flatten -> op(axis=-1) -> Reshape where the axis is not known to be the last
one; any other op whose definition changed is refused. The prepared float
model computes what the original does (checked on rec and cls: identical
outputs in onnxruntime).

Calibration: the min and max of every tensor to quantize, over every sample
of CALIB_DIR (one subdirectory per sample, one float32 .npy per input named
after it: the format of `quant-compile --calib`), from the float model run by
onnxruntime-node (bench/onnxruntime/ort_ranges.js) with those tensors added
as graph outputs.

/usr/bin/python3 bench/make_qdq_model.py FLOAT.onnx CALIB_DIR -o OUT.onnx
                                         [--op-types core|ort|Conv,...]
                                         [--ranges-out RANGES.json]
Needs scripts/fetch-models.sh (onnxruntime-node).
"""

import argparse
import heapq
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, defs, helper, numpy_helper

ROOT = Path(__file__).resolve().parents[1]
OPSET = 13

# onnxruntime's rules, by op type (registry.py).
WEIGHTED = {"Conv", "ConvTranspose", "MatMul", "Gemm"}
REMOVABLE = {"Relu", "Clip"}
DIRECT = {"Reshape", "Transpose", "Squeeze", "Unsqueeze", "Slice",
          "AveragePool", "MaxPool", "Resize", "TopK"}
GENERIC = {"Add", "Mul", "Sigmoid", "LeakyRelu", "GlobalAveragePool",
           "Concat", "Softmax", "ArgMax", "CumSum"}
NOT_IMPLEMENTED = {"Split", "Pad", "Gather", "GatherElements", "Where",
                   "BatchNormalization", "InstanceNormalization",
                   "LayerNormalization", "EmbedLayerNormalization"}
OP_SETS = {"core": {"Conv", "MatMul", "Gemm", "Relu", "Clip"},
           "ort": WEIGHTED | REMOVABLE | DIRECT | GENERIC | NOT_IMPLEMENTED}

# Ops whose definition changed between the model's opset and 13 only by new
# types, negative axes or new attributes whose defaults keep the old
# meaning: op -> the oldest opset they are kept from.
COMPATIBLE_SINCE = {op: 1 for op in (
    "Abs", "Add", "And", "ArgMax", "ArgMin", "AveragePool",
    "BatchNormalization", "Cast", "Ceil", "Concat", "Constant",
    "ConstantOfShape", "Conv", "ConvTranspose", "Div", "Equal", "Erf", "Exp",
    "Expand", "Flatten", "Floor", "Gather", "Gemm", "GlobalAveragePool",
    "Greater", "HardSigmoid", "Identity", "LeakyRelu", "Less", "Log",
    "MatMul", "Max", "MaxPool", "Mean", "Min", "Mul", "Neg", "Not", "Or",
    "Pow", "PRelu", "Reciprocal", "ReduceMax", "ReduceMean", "ReduceMin",
    "ReduceProd", "Relu", "Reshape", "Shape", "Sigmoid", "Sign", "Size",
    "Sqrt", "Sub", "Sum", "Tanh", "Tile", "Transpose", "Where")}
COMPATIBLE_SINCE.update(
    Clip=11,    # converted from older opsets below
    Slice=10,   # converted from older opsets below
    Resize=11)  # Resize-10 had other coordinates


def log(message):
    print(f"make_qdq_model: {message}", file=sys.stderr)


# --- preparation -----------------------------------------------------------

def constants_to_initializers(model):
    """Constant nodes -> initializers of the same name."""
    graph = model.graph
    kept = []
    for node in graph.node:
        if node.op_type != "Constant" or node.domain not in ("", "ai.onnx"):
            kept.append(node)
            continue
        (attribute,) = node.attribute
        value = helper.get_attribute_value(attribute)
        if attribute.name == "value":
            array = numpy_helper.to_array(value)
        elif attribute.name in ("value_float", "value_floats"):
            array = np.array(value, np.float32)
        elif attribute.name in ("value_int", "value_ints"):
            array = np.array(value, np.int64)
        else:
            raise SystemExit(f"Constant {node.output[0]}: {attribute.name} "
                             "is not supported")
        graph.initializer.append(numpy_helper.from_array(array, node.output[0]))
    del graph.node[:]
    graph.node.extend(kept)


def default_opset(model):
    for opset in model.opset_import:
        if opset.domain in ("", "ai.onnx"):
            return opset
    raise SystemExit("the model imports no default-domain opset")


def convert_opset(model):
    """Raises the default-domain opset to 13 (see the module's docstring)."""
    opset = default_opset(model)
    old = opset.version
    if old >= OPSET:
        return
    graph = model.graph
    softmaxes = []

    def add_constant(name, array):
        graph.initializer.append(numpy_helper.from_array(array, name))
        return name

    def pop_attribute(node, name, default=None):
        for index, attribute in enumerate(node.attribute):
            if attribute.name == name:
                value = helper.get_attribute_value(attribute)
                del node.attribute[index]
                return value
        return default

    for node in graph.node:
        if node.domain not in ("", "ai.onnx"):
            continue
        op = node.op_type
        stem = node.output[0]
        if op == "Clip" and old < 11:  # min, max: attributes -> inputs
            low = pop_attribute(node, "min")
            high = pop_attribute(node, "max")
            del node.input[1:]
            node.input.append("" if low is None else add_constant(
                f"{stem}_clip_min", np.array(low, np.float32)))
            if high is not None:
                node.input.append(add_constant(f"{stem}_clip_max",
                                               np.array(high, np.float32)))
        elif op == "Slice" and old < 10:
            starts = pop_attribute(node, "starts")
            ends = pop_attribute(node, "ends")
            axes = pop_attribute(node, "axes")
            node.input.append(add_constant(f"{stem}_slice_starts",
                                           np.array(starts, np.int64)))
            node.input.append(add_constant(f"{stem}_slice_ends",
                                           np.array(ends, np.int64)))
            if axes is not None:
                node.input.append(add_constant(f"{stem}_slice_axes",
                                               np.array(axes, np.int64)))
        elif op in ("Squeeze", "Unsqueeze"):
            axes = pop_attribute(node, "axes")
            if axes is not None:
                node.input.append(add_constant(f"{stem}_axes",
                                               np.array(axes, np.int64)))
        elif op in ("Softmax", "LogSoftmax", "Hardmax"):
            # Before 13: the input flattened to 2-D at `axis` (default 1);
            # from 13: along `axis` (default -1). The same on the last axis.
            softmaxes.append((node, pop_attribute(node, "axis", 1)))
            node.attribute.append(helper.make_attribute("axis", -1))
        else:
            try:
                before = defs.get_schema(op, old).since_version
            except Exception:  # noqa: BLE001 (onnx raises its own type)
                raise SystemExit(f"{op} is not defined at opset {old}")
            after = defs.get_schema(op, OPSET).since_version
            if before != after and COMPATIBLE_SINCE.get(op, OPSET + 1) > old:
                raise SystemExit(f"{op} changed between opsets {old} and "
                                 f"{OPSET}; converting it is not implemented")
    opset.version = OPSET
    if softmaxes:
        keep_softmax_meaning(model, softmaxes)


def keep_softmax_meaning(model, softmaxes):
    """Softmax-like ops converted from opset < 13, each with its old axis:
    where the input's rank is not known to make `axis` the last one, the op
    becomes Flatten(axis) -> op(axis=-1) -> Reshape(Shape(input)), the old
    definition (the PaddleOCR models' Reshapes hide their ranks from ONNX's
    shape inference)."""
    ranks = {}
    inferred = onnx.shape_inference.infer_shapes(model, data_prop=True)
    for value in list(inferred.graph.value_info) + list(inferred.graph.input):
        if value.type.tensor_type.HasField("shape"):
            ranks[value.name] = len(value.type.tensor_type.shape.dim)
    expand = {}
    for node, axis in softmaxes:
        rank = ranks.get(node.input[0])
        if axis == -1 or (rank is not None and axis == rank - 1):
            continue
        x, y = node.input[0], node.output[0]
        node.input[0] = f"{y}_flat"
        node.output[0] = f"{y}_flat_out"
        expand[id(node)] = [
            helper.make_node("Shape", [x], [f"{y}_input_shape"]),
            helper.make_node("Flatten", [x], [f"{y}_flat"], axis=axis),
            node,
            helper.make_node("Reshape", [f"{y}_flat_out", f"{y}_input_shape"],
                             [y])]
    nodes = [n for node in model.graph.node
             for n in expand.get(id(node), [node])]
    del model.graph.node[:]
    model.graph.node.extend(nodes)


def fold_batch_norms(model):
    """Conv -> BatchNormalization (the Conv's output feeding nothing else)
    -> one Conv with the normalization in its weights and bias."""
    graph = model.graph
    initializers = {i.name: i for i in graph.initializer}
    consumers = defaultdict(list)
    for node in graph.node:
        for name in node.input:
            consumers[name].append(node)
    outputs = {o.name for o in graph.output}
    producers = {o: node for node in graph.node for o in node.output}
    removed = set()
    for bn in graph.node:
        if bn.op_type != "BatchNormalization" or len(bn.output) != 1:
            continue
        conv = producers.get(bn.input[0])
        if (conv is None or conv.op_type != "Conv"
                or len(consumers[bn.input[0]]) != 1 or bn.input[0] in outputs
                or not all(n in initializers for n in bn.input[1:])
                or not all(n in initializers for n in conv.input[1:] if n)):
            continue
        epsilon = next((a.f for a in bn.attribute if a.name == "epsilon"), 1e-5)
        scale, shift, mean, var = (numpy_helper.to_array(initializers[n])
                                   .astype(np.float32) for n in bn.input[1:])
        factor = scale / np.sqrt(var + np.float32(epsilon))
        weight = numpy_helper.to_array(initializers[conv.input[1]])
        bias = (numpy_helper.to_array(initializers[conv.input[2]])
                if len(conv.input) > 2 and conv.input[2]
                else np.zeros(weight.shape[0], np.float32))
        stem = conv.output[0]
        new_weight = (weight * factor.reshape(-1, *[1] * (weight.ndim - 1))
                      ).astype(np.float32)
        new_bias = ((bias - mean) * factor + shift).astype(np.float32)
        graph.initializer.extend([
            numpy_helper.from_array(new_weight, f"{stem}_bn_weight"),
            numpy_helper.from_array(new_bias, f"{stem}_bn_bias")])
        del conv.input[1:]
        conv.input.extend([f"{stem}_bn_weight", f"{stem}_bn_bias"])
        conv.output[0] = bn.output[0]
        removed.add(id(bn))
    kept = [node for node in graph.node if id(node) not in removed]
    del graph.node[:]
    graph.node.extend(kept)
    remove_unused_initializers(model)
    return len(removed)


def remove_unused_initializers(model):
    graph = model.graph
    used = {name for node in graph.node for name in node.input}
    used |= {o.name for o in graph.output}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)


def prepare(model):
    """The float model onnxruntime would quantize: see the docstring."""
    constants_to_initializers(model)
    convert_opset(model)
    folded = fold_batch_norms(model)
    onnx.checker.check_model(model)
    return folded


# --- what to quantize (onnxruntime's QDQQuantizer.quantize_model) ----------

class Plan:
    """Marks tensors for quantization in node order as onnxruntime's op
    quantizers do. `tensors` maps a name to ("activation",),
    ("activation_initializer",), ("weight", axis or None) or
    ("shared", provider); `biases` maps a bias to (input, weight, node)."""

    def __init__(self, model, op_types):
        self.graph = model.graph
        self.op_types = op_types
        self.initializers = {i.name: numpy_helper.to_array(i)
                             for i in self.graph.initializer}
        inferred = onnx.shape_inference.infer_shapes(model)
        self.types = {i.name: i.data_type for i in self.graph.initializer}
        for value in (list(inferred.graph.value_info)
                      + list(inferred.graph.input)
                      + list(inferred.graph.output)):
            self.types[value.name] = value.type.tensor_type.elem_type
        self.consumers = defaultdict(list)
        for node in self.graph.node:
            for name in node.input:
                self.consumers[name].append(node)
        self.graph_inputs = {i.name for i in self.graph.input}
        self.graph_outputs = {o.name for o in self.graph.output}
        self.tensors = {}
        self.biases = {}
        self.removed = set()   # ids of removed activation nodes
        self.renamed = {}      # producer output -> removed activation's output
        self.skipped = defaultdict(int)
        for node in self.graph.node:
            if node.op_type in op_types:
                self.mark(node)

    def is_float(self, name):
        return bool(name) and self.types.get(name) == TensorProto.FLOAT

    def activation(self, name):
        if self.is_float(name) and name not in self.tensors:
            self.tensors[name] = (("activation_initializer",)
                                  if name in self.initializers
                                  else ("activation",))

    def weight(self, name, axis):
        if name not in self.initializers:
            self.activation(name)
        elif self.is_float(name):
            rank = self.initializers[name].ndim
            self.tensors[name] = ("weight", axis if axis < rank else None)

    def mark(self, node):
        op = node.op_type
        inputs, outputs = list(node.input), list(node.output)
        if op in ("Conv", "ConvTranspose"):
            self.activation(inputs[0])
            self.activation(outputs[0])
            self.weight(inputs[1], 0 if op == "Conv" else 1)
            if len(inputs) > 2 and inputs[2] in self.initializers:
                self.biases[inputs[2]] = (inputs[0], inputs[1], node)
        elif op == "Gemm":
            attributes = {a.name: helper.get_attribute_value(a)
                          for a in node.attribute}
            self.activation(inputs[0])
            self.activation(outputs[0])
            self.weight(inputs[1], 0 if attributes.get("transB", 0) else 1)
            if len(inputs) > 2 and inputs[2] in self.initializers:
                if (attributes.get("beta", 1.0) == 1.0
                        and self.initializers[inputs[2]].ndim == 1):
                    self.biases[inputs[2]] = (inputs[0], inputs[1], node)
                else:
                    log(f"Gemm {outputs[0]}: bias left float "
                        "(beta != 1 or not 1-D)")
        elif op == "MatMul":
            for name in inputs:
                if name in self.initializers:
                    self.weight(name, 1)
                else:
                    self.activation(name)
            self.activation(outputs[0])
        elif op in REMOVABLE:
            if inputs[0] not in self.tensors:
                return
            # try_replacing_upstream_output
            if (self.is_float(outputs[0])
                    and len(self.consumers[inputs[0]]) == 1
                    and inputs[0] not in self.graph_outputs
                    and inputs[0] not in self.graph_inputs):
                self.renamed[inputs[0]] = outputs[0]
                del self.tensors[inputs[0]]
                self.removed.add(id(node))
            else:
                self.activation(inputs[0])
            self.activation(outputs[0])
        elif op in DIRECT:
            if inputs[0] in self.tensors and self.is_float(outputs[0]):
                self.tensors[outputs[0]] = ("shared", inputs[0])
        elif op in GENERIC:
            for name in inputs + outputs:
                self.activation(name)
        else:
            self.skipped[op] += 1

    def calibrated(self):
        """The tensors whose ranges calibration must find."""
        return sorted(n for n, how in self.tensors.items()
                      if how == ("activation",))


# --- calibration -----------------------------------------------------------

def external_dir():
    return Path(subprocess.run([ROOT / "scripts/fetch-models.sh"], check=True,
                               capture_output=True, text=True).stdout.strip())


def calibrate(model, names, calib_dir, tmp, threads=1):
    """{name: (min, max)} of `names` over the calibration set."""
    augmented = onnx.ModelProto()
    augmented.CopyFrom(model)
    present = {o.name for o in augmented.graph.output}
    for name in names:
        if name not in present:
            augmented.graph.output.append(
                helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    path = Path(tmp) / "augmented.onnx"
    onnx.save(augmented, path)
    ranges_path = Path(tmp) / "ranges.json"
    external = external_dir()
    env = dict(os.environ, NODE_PATH=str(external / "onnxruntime/node_modules"))
    subprocess.run(["node", str(ROOT / "bench/onnxruntime/ort_ranges.js"),
                    str(path), str(calib_dir), str(ranges_path), str(threads)],
                   check=True, env=env, stdout=sys.stderr)
    ranges = json.loads(ranges_path.read_text())
    return {name: ranges[name] for name in names}


def adjust_ranges(plan, ranges):
    """onnxruntime's adjust_tensor_ranges: the input of a Clip or Relu that
    feeds nothing else takes the activation's output range; a Softmax's
    output is [0, 1]."""
    for node in plan.graph.node:
        if node.op_type not in plan.op_types:
            continue
        if node.op_type in ("Clip", "Relu"):
            source, result = node.input[0], node.output[0]
            if (len(plan.consumers[source]) == 1 and source in ranges
                    and result in ranges):
                ranges[source] = ranges[result]
        elif node.op_type == "Softmax" and node.output[0] in ranges:
            ranges[node.output[0]] = [0.0, 1.0]


# --- quantization parameters (onnxruntime's quant_utils) -------------------

def scale_zero_point(rmin, rmax, qmin, qmax, symmetric):
    """compute_scale_zp: the range widened to include 0."""
    rmin = min(np.float32(rmin), np.float32(0))
    rmax = max(np.float32(rmax), np.float32(0))
    if symmetric:
        absmax = max(abs(rmin), abs(rmax))
        rmin, rmax = -absmax, absmax
    scale = np.float64(np.float32(rmax - rmin)) / (np.float64(qmax) - qmin)
    if scale < np.finfo(np.float32).tiny:
        return np.float32(1.0), 0
    if symmetric:
        zero_point = int(np.round((qmin + qmax) / 2.0))
    else:
        zero_point = int(np.round(qmin - np.float64(rmin) / scale))
    return np.float32(scale), zero_point


def quantize_array(array, scale, zero_point, qmin, qmax, dtype):
    """quantize_nparray: round half to even, add the zero point, clamp to
    the type's range."""
    values = (array.astype(np.float32) / scale).round() + zero_point
    return np.clip(values, qmin, qmax).astype(dtype)


def weight_scales(array, axis):
    """int8 symmetric in [-127, 127], per channel along `axis` or per
    tensor: (scales, zero points)."""
    if axis is None:
        scale, zero_point = scale_zero_point(array.min(), array.max(),
                                             -127, 127, True)
        return np.array(scale, np.float32), np.array(zero_point, np.int8)
    channels = np.moveaxis(array, axis, 0).reshape(array.shape[axis], -1)
    params = [scale_zero_point(c.min(), c.max(), -127, 127, True)
              for c in channels]
    return (np.array([s for s, _ in params], np.float32),
            np.array([z for _, z in params], np.int8))


def widen_for_bias(scales, input_scale, bias):
    """onnxruntime's _adjust_weight_scale_for_int32_bias (on by default):
    where s_in * s_w is too small for the bias to fit int32, s_w grows to
    1.0001 * 2|b| / (2^32 - 2) / s_in."""
    scales = scales.copy()
    levels = np.float64(np.iinfo(np.int32).max) - (np.iinfo(np.int32).min + 1)
    flat = scales.reshape(-1)
    bias = bias.astype(np.float64).reshape(-1)
    if flat.size == 1:
        bias = np.array([max(abs(min(bias.min(), 0)), abs(max(bias.max(), 0)))])
    widened = 0
    for index in range(flat.size):
        smallest = 1.0001 * (2.0 * abs(bias[index])) / levels
        candidate = np.float64(input_scale) * np.float64(flat[index])
        if 0.0 < candidate < smallest:
            flat[index] = np.float32(np.float64(flat[index])
                                     * (smallest / candidate))
            widened += 1
    return scales, widened


def quantize_weight(array, axis, scales, zero_points):
    if axis is None:
        return quantize_array(array, scales, zero_points, -128, 127, np.int8)
    shape = [1] * array.ndim
    shape[axis] = -1
    return quantize_array(array, scales.reshape(shape),
                          zero_points.reshape(shape).astype(np.float32),
                          -128, 127, np.int8)


# --- the QDQ model ---------------------------------------------------------

def build_qdq(model, plan, ranges):
    graph = model.graph
    initializers = dict(plan.initializers)
    new_initializers = []
    new_nodes = []
    params = {}   # tensor -> (scale name, zero point name)
    values = {}   # tensor -> (scale, zero point) for biases

    def add(name, array):
        new_initializers.append(numpy_helper.from_array(array, name))
        return name

    def dequantize(name, quantized, scale, zero_point, axis, output):
        node = helper.make_node("DequantizeLinear",
                                [quantized, scale, zero_point], [output],
                                f"{name}_DequantizeLinear")
        if axis is not None:
            node.attribute.append(helper.make_attribute("axis", axis))
        new_nodes.append(node)

    replace = {}  # consumer input -> new input
    # Activations and their shared-parameter followers.
    for name, how in plan.tensors.items():
        if how == ("activation",):
            rmin, rmax = ranges[name]
            scale, zero_point = scale_zero_point(rmin, rmax, 0, 255, False)
            params[name] = (add(f"{name}_scale", np.array(scale, np.float32)),
                            add(f"{name}_zero_point",
                                np.array(zero_point, np.uint8)))
            values[name] = (scale, zero_point)

    def provider(name):
        """The activation whose parameters `name` uses, or None."""
        while name in plan.tensors and plan.tensors[name][0] == "shared":
            name = plan.tensors[name][1]
        return name if name in params else None

    graph_outputs = {o.name for o in graph.output}
    renamed_outputs = {}  # producer output -> new name
    for name, how in plan.tensors.items():
        if how[0] not in ("activation", "shared") or provider(name) is None:
            continue
        scale_name, zp_name = params[provider(name)]
        quantize_input = name
        if name in graph_outputs:
            quantize_input = f"{name}_QuantizeLinear_Input"
            renamed_outputs[name] = quantize_input
            dequantized = name
        else:
            dequantized = f"{name}_DequantizeLinear_Output"
            replace[name] = dequantized
        new_nodes.append(helper.make_node(
            "QuantizeLinear", [quantize_input, scale_name, zp_name],
            [f"{name}_QuantizeLinear_Output"], f"{name}_QuantizeLinear"))
        dequantize(name, f"{name}_QuantizeLinear_Output", scale_name, zp_name,
                   None, dequantized)

    # Weights and constant inputs of generic ops.
    for name, how in plan.tensors.items():
        array = initializers.get(name)
        if how[0] == "weight":
            axis = how[1]
            scales, zero_points = weight_scales(array, axis)
            for bias, (input_name, weight_name, _) in plan.biases.items():
                if weight_name == name and provider(input_name):
                    scales, widened = widen_for_bias(
                        scales, values[provider(input_name)][0],
                        initializers[bias])
                    if widened:
                        log(f"{name}: scale of {widened} channels widened "
                            f"for bias {bias} to fit int32")
            q = quantize_weight(array, axis, scales, zero_points)
            values[name] = (scales, zero_points)
        elif how[0] == "activation_initializer":
            # The op quantizers ask for an activation; an initializer gets
            # the activation type (uint8) with the weights' symmetry: values
            # in [0, 254], zero point 127.
            axis = None
            scale, zero_point = scale_zero_point(array.min(), array.max(),
                                                 0, 254, True)
            q = quantize_array(array, scale, zero_point, 0, 255, np.uint8)
            scales = np.array(scale, np.float32)
            zero_points = np.array(zero_point, np.uint8)
        else:
            continue
        dequantize(name, add(f"{name}_quantized", q),
                   add(f"{name}_scale", scales),
                   add(f"{name}_zero_point", zero_points), axis,
                   f"{name}_DequantizeLinear_Output")
        replace[name] = f"{name}_DequantizeLinear_Output"

    # Biases: int32, scale s_in * s_w, zero point 0.
    for name, (input_name, weight_name, _) in plan.biases.items():
        if not provider(input_name) or weight_name not in values:
            log(f"bias {name} left float (its input or weight is not "
                "quantized)")
            continue
        input_scale = values[provider(input_name)][0]
        weight_scale = values[weight_name][0]
        scale = (np.float32(input_scale) * weight_scale).astype(np.float32)
        bias = initializers[name].astype(np.float32)
        q = np.clip((bias / scale).round(), np.iinfo(np.int32).min,
                    np.iinfo(np.int32).max).astype(np.int32)
        axis = 0 if scale.ndim == 1 else None
        dequantize(name, add(f"{name}_quantized", q),
                   add(f"{name}_quantized_scale", scale),
                   add(f"{name}_quantized_zero_point",
                       np.zeros(scale.shape, np.int32)), axis,
                   f"{name}_DequantizeLinear_Output")
        replace[name] = f"{name}_DequantizeLinear_Output"

    # Rewire: removed activations, consumers of quantized tensors.
    nodes = []
    for node in graph.node:
        if id(node) in plan.removed:
            continue
        for index, output in enumerate(node.output):
            output = plan.renamed.get(output, output)
            node.output[index] = renamed_outputs.get(output, output)
        for index, name in enumerate(node.input):
            if name in replace:
                node.input[index] = replace[name]
        nodes.append(node)
    nodes.extend(new_nodes)
    del graph.node[:]
    graph.node.extend(topological_order(nodes))
    graph.initializer.extend(new_initializers)
    remove_unused_initializers(model)
    del graph.value_info[:]


def topological_order(nodes):
    """Kahn's algorithm, earliest original position first."""
    producer = {o: index for index, node in enumerate(nodes)
                for o in node.output}
    waiting = [0] * len(nodes)
    users = defaultdict(list)
    for index, node in enumerate(nodes):
        for name in set(node.input):
            if name in producer:
                waiting[index] += 1
                users[producer[name]].append(index)
    ready = [index for index, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        index = heapq.heappop(ready)
        order.append(nodes[index])
        for user in users[index]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, user)
    if len(order) != len(nodes):
        raise SystemExit("the quantized graph has a cycle")
    return order


def parse_op_types(text):
    if text in OP_SETS:
        return set(OP_SETS[text])
    op_types = {op.strip() for op in text.split(",") if op.strip()}
    unknown = op_types - OP_SETS["ort"]
    if unknown:
        raise SystemExit(f"not among onnxruntime's quantized op types: "
                         f"{', '.join(sorted(unknown))}")
    return op_types


def make_qdq_model(float_path, calib_dir, out_path, op_types="core",
                   ranges_out=None, threads=1):
    op_types = parse_op_types(op_types)
    model = onnx.load(float_path)
    folded = prepare(model)
    plan = Plan(model, op_types)
    for op, count in sorted(plan.skipped.items()):
        log(f"{count} {op} left float: quantizing it is not implemented")
    with tempfile.TemporaryDirectory() as tmp:
        ranges = calibrate(model, plan.calibrated(), calib_dir, tmp, threads)
    if ranges_out:
        Path(ranges_out).write_text(json.dumps(ranges, indent=1) + "\n")
    adjust_ranges(plan, ranges)
    build_qdq(model, plan, ranges)
    onnx.checker.check_model(model)
    onnx.save(model, out_path)
    kinds = defaultdict(int)
    for how in plan.tensors.values():
        kinds[how[0]] += 1
    log(f"{out_path}: opset {OPSET}, {folded} BatchNormalization folded, "
        f"{len(plan.removed)} Relu/Clip removed; quantized "
        f"{kinds['activation']} activations ({kinds['shared']} more sharing "
        f"their input's parameters), {kinds['weight']} weights, "
        f"{kinds['activation_initializer']} constant inputs, "
        f"{len(plan.biases)} biases")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path)
    parser.add_argument("calib_dir", type=Path)
    parser.add_argument("-o", "--output", required=True, type=Path)
    parser.add_argument("--op-types", default="core")
    parser.add_argument("--ranges-out", type=Path)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    make_qdq_model(args.model, args.calib_dir, args.output, args.op_types,
                   args.ranges_out, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
