#!/usr/bin/python3
"""Injects exact activation outliers into the char-lm fixture (or any ONNX
model with layer norms feeding MatMuls with constant weights: PP-OCRv4 rec's
spelled-out ones too).

    /usr/bin/python3 models/char-lm/inject_outliers.py
        [--model models/char-lm/char_lm.onnx]
        [--output build/bench/char-lm/char_lm_outliers.onnx]
        [--layer-norm NODE]... [--channels 5,60,101] [--factor 50]

The injection of ../shared/reference/ALGORITHMS.md §4 (end): for each chosen
layer norm and channel j, gamma_j and beta_j are multiplied by c and
row j (input channel j) of every consuming MatMul's weight is divided by c.
The float function is unchanged (up to float rounding): the layer norm's
output channel j is c times larger and its consumers scale it back. A
per-tensor 8-bit quantization of the layer norm's output then spends its
range on the few large channels, and naive W8A8 loses the others.

A layer norm is a LayerNormalization node or the end of a spelled-out one,
Add(Mul(Div(Sub(x, mean), ...), gamma), beta), named after its Add; gamma
and beta must be constants (initializers or Constant nodes), each used
once. Every consumer of a chosen layer norm's output must be a MatMul whose
second input is a constant (the pre-attention layer norm of the fixture
feeds the q, k and v MatMuls; the pre-MLP one feeds fc1), or a Shape node;
anything else is an error. Default layer norms: every layer norm whose
consumers are all such MatMuls except the last (the final layer norm
before the head), i.e. the fixture's blocks.N/ln1 and blocks.N/ln2.

numpy and python3-onnx only.
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL = ROOT / "models/char-lm/char_lm.onnx"
DEFAULT_OUTPUT = ROOT / "build/bench/char-lm/char_lm_outliers.onnx"
DEFAULT_CHANNELS = (5, 60, 101)
DEFAULT_FACTOR = 50.0


def _consumers(graph, value):
    return [node for node in graph.node if value in node.input]


class _Constants:
    """The constant tensors of a graph: initializers and the outputs of
    Constant nodes (exporters such as paddle2onnx use the latter)."""

    def __init__(self, graph):
        self.initializers = {t.name: t for t in graph.initializer}
        self.nodes = {n.output[0]: n for n in graph.node
                      if n.op_type == "Constant"
                      and any(a.name == "value" for a in n.attribute)}

    def __contains__(self, name):
        return name in self.initializers or name in self.nodes

    def _tensor(self, name):
        if name in self.initializers:
            return self.initializers[name]
        return next(a.t for a in self.nodes[name].attribute
                    if a.name == "value")

    def get(self, name):
        return numpy_helper.to_array(self._tensor(name))

    def set(self, name, array):
        tensor = self._tensor(name)
        tensor.CopyFrom(numpy_helper.from_array(array, tensor.name))


class _LayerNorm:
    """A layer norm whose gamma and beta are constants: a LayerNormalization
    node, or the end of a spelled-out one (exporters before opset 17),
    Add(Mul(Div(Sub(x, mean), ...), gamma), beta), named after its Add."""

    def __init__(self, name, gamma, beta, output):
        self.name, self.gamma, self.beta, self.output = (name, gamma, beta,
                                                         output)

    @staticmethod
    def match(graph, node, constants):
        if node.op_type == "LayerNormalization":
            if len(node.input) < 3:
                return None
            return _LayerNorm(node.name, node.input[1], node.input[2],
                              node.output[0])
        if node.op_type != "Add":
            return None
        producers = {o: n for n in graph.node for o in n.output}

        def split(op, operands):
            """(non-constant operand, constant operand) of `op`."""
            variable = [i for i in operands if i not in constants]
            fixed = [i for i in operands if i in constants]
            if len(variable) != 1 or len(fixed) != 1:
                return None
            return variable[0], fixed[0]

        add = split(node, node.input)
        mul = producers.get(add[0]) if add else None
        scaled = (split(mul, mul.input)
                  if mul is not None and mul.op_type == "Mul" else None)
        div = producers.get(scaled[0]) if scaled else None
        if (div is None or div.op_type != "Div"
                or producers.get(div.input[0]) is None
                or producers[div.input[0]].op_type != "Sub"):
            return None
        return _LayerNorm(node.name, scaled[1], add[1], node.output[0])


def _matmul_consumers(graph, layer_norm, constants):
    """The MatMuls reading the layer norm's output with a constant weight,
    if they are all its consumers besides Shape nodes (which read only the
    shape); None otherwise, or if there is none."""
    matmuls = []
    for consumer in _consumers(graph, layer_norm.output):
        if consumer.op_type == "Shape":
            continue
        if not (consumer.op_type == "MatMul"
                and consumer.input[0] == layer_norm.output
                and consumer.input[1] in constants):
            return None
        matmuls.append(consumer)
    return matmuls or None


def _layer_norms(model):
    constants = _Constants(model.graph)
    matched = (_LayerNorm.match(model.graph, n, constants)
               for n in model.graph.node)
    return [m for m in matched if m is not None and
            m.gamma in constants and m.beta in constants]


def default_layer_norms(model):
    """Names of the layer norms whose consumers are all MatMuls with constant
    weights, without the last of them (the final layer norm)."""
    constants = _Constants(model.graph)
    names = [ln.name for ln in _layer_norms(model)
             if _matmul_consumers(model.graph, ln, constants)]
    return names[:-1]


def inject_outliers(model, layer_norms=None, channels=DEFAULT_CHANNELS,
                    factor=DEFAULT_FACTOR):
    """A copy of the ModelProto `model` with outliers of size `factor` in
    `channels` of each layer norm named in `layer_norms` (default:
    default_layer_norms(model)). Returns (model, description): the
    description lists each layer norm with the weights it rescaled."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph = model.graph
    if layer_norms is None:
        layer_norms = default_layer_norms(model)
    constants = _Constants(graph)
    found = {ln.name: ln for ln in _layer_norms(model)}
    channels = sorted(set(int(c) for c in channels))
    scaled = set()
    description = []

    def replace(name, update):
        if name in scaled:
            raise ValueError(f"constant {name} would be scaled twice")
        uses = sum(name in n.input for n in graph.node)
        if uses != 1:
            raise ValueError(f"constant {name} has {uses} uses; it must "
                             f"have one to be rescaled")
        array = constants.get(name).copy()
        update(array)
        constants.set(name, array)
        scaled.add(name)

    for name in layer_norms:
        layer_norm = found.get(name)
        if layer_norm is None:
            raise ValueError(f"no LayerNormalization node (or final Add of a "
                             f"spelled-out layer norm with constant gamma "
                             f"and beta) named {name!r}")
        width = constants.get(layer_norm.gamma).shape[-1]
        if not all(0 <= c < width for c in channels):
            raise ValueError(
                f"{name}: channels {channels} outside 0..{width - 1}")
        consumers = _matmul_consumers(graph, layer_norm, constants)
        if consumers is None:
            raise ValueError(
                f"{name}: every consumer of its output must be a MatMul with "
                f"a constant weight")

        def multiply(array):
            array[..., channels] *= np.float32(factor)

        def divide_rows(array):
            if array.ndim != 2 or array.shape[0] != width:
                raise ValueError(f"weight of shape {array.shape}, expected "
                                 f"{width} x N")
            array[channels, :] /= np.float32(factor)

        replace(layer_norm.gamma, multiply)
        replace(layer_norm.beta, multiply)
        for consumer in consumers:
            replace(consumer.input[1], divide_rows)
        description.append((name, [c.name for c in consumers]))
    entry = model.metadata_props.add()
    entry.key = "outliers"
    entry.value = (f"inject_outliers.py: channels {channels} x {factor:g} in "
                   + "; ".join(f"{n} (-> {', '.join(w)})"
                               for n, w in description))
    return model, description


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--layer-norm", action="append", dest="layer_norms",
                        metavar="NODE",
                        help="LayerNormalization node name (repeatable; "
                        "default: every block's layer norms)")
    parser.add_argument("--channels", default=",".join(
        str(c) for c in DEFAULT_CHANNELS),
        help="comma-separated channel indices (default %(default)s)")
    parser.add_argument("--factor", type=float, default=DEFAULT_FACTOR,
                        help="c (default %(default)g)")
    args = parser.parse_args()
    channels = [int(c) for c in args.channels.split(",") if c]
    model, description = inject_outliers(onnx.load(str(args.model)),
                                         args.layer_norms, channels,
                                         args.factor)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(args.output))
    for name, weights in description:
        print(f"{name}: gamma, beta x {args.factor:g} in channels {channels}; "
              f"rows / {args.factor:g} in {', '.join(weights)}")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
