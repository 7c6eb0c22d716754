#!/usr/bin/python3
"""Writes single-op ONNX attention models for the ONNX Runtime peer benchmark.

    make_models.py --out DIR [--B 1] [--H 16] [--S 512 1024 ...]
                   [--D 64 128] [--causal] [--op mha attention]

Two ops, f32, static shapes (one model per shape, so that ORT can plan its
buffers as it would for a deployed model):

  mha        com.microsoft.MultiHeadAttention (contrib domain, version 1):
             query/key/value as [B, S, H*D], num_heads = H, no scale
             attribute (the op defaults to 1/sqrt(D)); causal through the
             `unidirectional` attribute.
  attention  the standard ONNX Attention op (opset 23): Q/K/V as
             [B, H, S, D], scale left to its 1/sqrt(D) default, causal
             through `is_causal`.

--causal also writes the causal variant of every model. The file names are
{op}_B{B}_H{H}_S{S}_D{D}_c{0|1}.onnx; one path is printed per model.

Debian's python3-onnx is 1.12, whose schemas stop at opset 17, so the
opset-23 model is assembled with onnx.helper only (make_node does not look
at schemas) and never given to onnx.checker; the IR version is set by hand
to one that declares opset 23. ONNX Runtime validates it when it loads it.
"""

import argparse
import os
import sys

import onnx
from onnx import TensorProto, helper

# IR version 10 is the one that shipped with opset 21; ORT accepts any IR
# version it knows with any opset it implements, and 10 keeps the files
# readable by the onnx 1.12 protobuf definitions (no new fields are used).
IR_VERSION = 10


def _value(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def make_mha(b, h, s, d, causal):
    shape = [b, s, h * d]
    node = helper.make_node(
        "MultiHeadAttention",
        ["query", "key", "value"],
        ["output"],
        domain="com.microsoft",
        num_heads=h,
        unidirectional=int(causal),
    )
    graph = helper.make_graph(
        [node], "mha",
        [_value("query", shape), _value("key", shape), _value("value", shape)],
        [_value("output", shape)],
    )
    # ai.onnx 17 is the newest opset onnx 1.12 knows, so onnx.checker can
    # still check this file (it skips the contrib domain's node).
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17),
                       helper.make_opsetid("com.microsoft", 1)],
        producer_name="attn-bench-peers",
    )
    onnx.checker.check_model(model)
    return model


def make_attention(b, h, s, d, causal):
    shape = [b, h, s, d]
    node = helper.make_node(
        "Attention",
        ["Q", "K", "V"],
        ["Y"],
        is_causal=int(causal),
    )
    graph = helper.make_graph(
        [node], "attention",
        [_value("Q", shape), _value("K", shape), _value("V", shape)],
        [_value("Y", shape)],
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 23)],
        producer_name="attn-bench-peers",
    )
    model.ir_version = IR_VERSION
    return model


BUILDERS = {"mha": make_mha, "attention": make_attention}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--op", nargs="+", choices=sorted(BUILDERS),
                        default=["mha", "attention"])
    parser.add_argument("--B", type=int, nargs="+", default=[1])
    parser.add_argument("--H", type=int, nargs="+", default=[16])
    parser.add_argument("--S", type=int, nargs="+",
                        default=[512, 1024, 2048, 4096])
    parser.add_argument("--D", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--causal", action="store_true",
                        help="also write the causal variants")
    args = parser.parse_args(argv)

    os.makedirs(args.out, exist_ok=True)
    for op in args.op:
        for b in args.B:
            for h in args.H:
                for s in args.S:
                    for d in args.D:
                        for causal in ([0, 1] if args.causal else [0]):
                            model = BUILDERS[op](b, h, s, d, causal)
                            path = os.path.join(
                                args.out,
                                f"{op}_B{b}_H{h}_S{s}_D{d}_c{causal}.onnx")
                            onnx.save(model, path)
                            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
