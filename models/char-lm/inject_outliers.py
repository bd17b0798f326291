#!/usr/bin/python3
"""Injects exact activation outliers into the char-lm fixture (or any ONNX
model with LayerNormalization nodes feeding MatMuls with constant weights).

    /usr/bin/python3 models/char-lm/inject_outliers.py
        [--model models/char-lm/char_lm.onnx]
        [--output build/bench/char-lm/char_lm_outliers.onnx]
        [--layer-norm NODE]... [--channels 5,60,101] [--factor 50]

The injection of ../shared/reference/ALGORITHMS.md §4 (end): for each chosen
LayerNormalization and channel j, gamma_j and beta_j are multiplied by c and
row j (input channel j) of every consuming MatMul's weight is divided by c.
The float function is unchanged (up to float rounding): the layer norm's
output channel j is c times larger and its consumers scale it back. A
per-tensor 8-bit quantization of the layer norm's output then spends its
range on the few large channels, and naive W8A8 loses the others.

Every consumer of a chosen layer norm's output must be a MatMul whose second
input is an initializer (the pre-attention layer norm of the fixture feeds
the q, k and v MatMuls; the pre-MLP one feeds fc1); anything else is an
error. Default layer norms: every LayerNormalization whose consumers are all
such MatMuls except the last (the final layer norm before the head), i.e.
the fixture's blocks.N/ln1 and blocks.N/ln2.

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


def _injectable(graph, node, initializers):
    """Whether every consumer of the layer norm `node`'s output is a MatMul
    with an initializer weight (and there is at least one)."""
    consumers = _consumers(graph, node.output[0])
    return bool(consumers) and all(
        c.op_type == "MatMul" and c.input[0] == node.output[0]
        and c.input[1] in initializers for c in consumers)


def default_layer_norms(model):
    """Names of the LayerNormalization nodes whose consumers are all MatMuls
    with constant weights, without the last of them (the final layer norm)."""
    initializers = {t.name for t in model.graph.initializer}
    names = [n.name for n in model.graph.node
             if n.op_type == "LayerNormalization"
             and _injectable(model.graph, n, initializers)]
    return names[:-1]


def inject_outliers(model, layer_norms=None, channels=DEFAULT_CHANNELS,
                    factor=DEFAULT_FACTOR):
    """A copy of the ModelProto `model` with outliers of size `factor` in
    `channels` of each LayerNormalization node named in `layer_norms`
    (default: default_layer_norms(model)). Returns (model, description): the
    description lists each layer norm with the weights it rescaled."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph = model.graph
    if layer_norms is None:
        layer_norms = default_layer_norms(model)
    initializers = {t.name: t for t in graph.initializer}
    nodes = {n.name: n for n in graph.node}
    channels = sorted(set(int(c) for c in channels))
    scaled = set()
    description = []

    def replace(name, update):
        if name in scaled:
            raise ValueError(f"initializer {name} would be scaled twice")
        uses = sum(name in n.input for n in graph.node)
        if uses != 1:
            raise ValueError(f"initializer {name} has {uses} uses; it must "
                             f"have one to be rescaled")
        array = numpy_helper.to_array(initializers[name]).copy()
        update(array)
        initializers[name].CopyFrom(numpy_helper.from_array(array, name))
        scaled.add(name)

    for name in layer_norms:
        node = nodes.get(name)
        if node is None or node.op_type != "LayerNormalization":
            raise ValueError(f"no LayerNormalization node named {name!r}")
        if len(node.input) < 3 or not all(i in initializers
                                          for i in node.input[1:3]):
            raise ValueError(f"{name}: scale and bias must be initializers")
        width = numpy_helper.to_array(initializers[node.input[1]]).shape[-1]
        if not all(0 <= c < width for c in channels):
            raise ValueError(
                f"{name}: channels {channels} outside 0..{width - 1}")
        if not _injectable(graph, node, initializers):
            raise ValueError(
                f"{name}: every consumer of its output must be a MatMul with "
                f"an initializer weight")

        def multiply(array):
            array[..., channels] *= np.float32(factor)

        def divide_rows(array):
            if array.ndim != 2 or array.shape[0] != width:
                raise ValueError(f"weight of shape {array.shape}, expected "
                                 f"{width} x N")
            array[channels, :] /= np.float32(factor)

        replace(node.input[1], multiply)
        replace(node.input[2], multiply)
        weights = []
        for consumer in _consumers(graph, node.output[0]):
            replace(consumer.input[1], divide_rows)
            weights.append(consumer.name)
        description.append((name, weights))
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
