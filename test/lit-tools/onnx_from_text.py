#!/usr/bin/env python3
"""Writes an ONNX model from ONNX's textual syntax (onnx.parser), for lit tests.

Lines starting with // are dropped first, so a split-file section may carry
the FileCheck lines of the test that follows it.

Usage: onnx_from_text.py model.onnxtxt model.onnx [--ir-version N]
  [--initializer NAME=FLOAT,FLOAT,...:DIM,DIM] (float initializers, repeatable)
"""

import argparse
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import onnx.parser


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source")
    parser.add_argument("output")
    parser.add_argument("--ir-version", type=int)
    parser.add_argument("--initializer", action="append", default=[],
                        help="NAME=v0,v1,...:d0,d1 adds a float initializer")
    args = parser.parse_args()
    with open(args.source, encoding="utf-8") as source:
        text = "".join(line for line in source
                       if not line.lstrip().startswith("//"))
    model = onnx.parser.parse_model(text)
    if args.ir_version is not None:
        model.ir_version = args.ir_version
    for spec in args.initializer:
        name, rest = spec.split("=", 1)
        values, dims = rest.split(":")
        array = np.array([float(v) for v in values.split(",")], dtype=np.float32)
        shape = [int(d) for d in dims.split(",")] if dims else []
        model.graph.initializer.append(
            onnx.numpy_helper.from_array(array.reshape(shape), name))
    onnx.save(model, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
