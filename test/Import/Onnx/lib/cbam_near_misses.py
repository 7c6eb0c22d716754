"""Variants of the CBAM block, written from Inputs/torch/cbam/model.onnx.
Near misses that the importer must not fuse into attn.cbam:

  unshared      the max branch's first layer has weights of its own (the
                same values under another name): two MLPs, not one.
  gated_output  the channel-gated map x' is also a graph output, so it
                must be written.

and one that still fuses:

  image_output  x itself is also a graph output (a reader of x that is
                no node).

Usage: cbam_near_misses.py CBAM_MODEL OUT_DIR (writes OUT_DIR/<name>.onnx).
"""

import copy
import os
import sys

import onnx
from onnx import TensorProto, helper


def unshared(model):
    graph = model.graph
    weights = next(i for i in graph.initializer if i.name == "mlp.1.weight")
    twin = copy.deepcopy(weights)
    twin.name = "mlp.1.weight_max"
    graph.initializer.append(twin)
    # The Gemm of the branch that GlobalMaxPool feeds.
    pooled = next(n.output[0] for n in graph.node
                  if n.op_type == "GlobalMaxPool")
    flat = next(n.output[0] for n in graph.node if pooled in n.input)
    gemm = next(n for n in graph.node if flat in n.input)
    gemm.input[1] = twin.name
    return model


def gated_output(model):
    graph = model.graph
    channel_mul = next(n for n in graph.node
                       if n.op_type == "Mul" and "image" in n.input)
    graph.output.append(helper.make_tensor_value_info(
        channel_mul.output[0], TensorProto.FLOAT, ["N", 16, "H", "W"]))
    return model


def image_output(model):
    model.graph.output.append(helper.make_tensor_value_info(
        "image", TensorProto.FLOAT, ["N", 16, "H", "W"]))
    return model


def main():
    source, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for name, change in (("unshared", unshared),
                         ("gated_output", gated_output),
                         ("image_output", image_output)):
        model = change(onnx.load(source))
        onnx.checker.check_model(model)
        onnx.save(model, os.path.join(out, name + ".onnx"))


if __name__ == "__main__":
    main()
