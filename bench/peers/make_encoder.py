#!/usr/bin/python3
"""Writes one transformer encoder layer three ways, for the graph benchmark.

    make_encoder.py --out DIR [--B 1] [--S 512] [--E 768] [--heads 12]
                    [--F 3072] [--seed 1]

Defaults are BERT-base's layer. DIR receives:

  encoder_layer.mlir   examples/variants/encoder_layer.mlir with its sizes
                       (E = 64, 8 heads, F = 256) replaced by E, heads, F;
                       the same graph: pre-LN, multi_head, exact-erf GELU.
  encoder_layer.onnx   the same layer as standard ONNX ops (opset 17:
                       LayerNormalization, MatMul, Reshape/Transpose head
                       splitting, Softmax, Erf), the weights as
                       initializers, as an exporter writes a deployed model;
                       ONNX Runtime applies its own fusions to it.
  matmul.mlir,         the layer's first feed-forward matmul alone,
  matmul.onnx          x [B,S,E] times W1 [E,F] (a linalg contraction; one
                       ONNX MatMul with W1 as initializer), for the graph
                       matmul's share of the peak.
  inputs/NN_name.npy   the 13 arguments of @main in order (x and weights),
                       float32, random with --seed.
  reference.npy        the output computed in float64 from the inputs by
                       test/Integration/lib/reference_structure.py, the
                       reference the encoder_layer tests use.

One line per file is printed.
"""

import argparse
import math
import os
import re
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "test", "Integration", "lib"))
from reference_structure import encoder_layer  # noqa: E402

ARGS = ["x", "g1", "b1", "wq", "wk", "wv", "wo", "g2", "b2", "w1", "c1",
        "w2", "c2"]


def retype_example(E, heads, F):
    """The example with its static sizes replaced; fails if the example's
    sizes are no longer the ones this script knows."""
    path = os.path.join(ROOT, "examples", "variants", "encoder_layer.mlir")
    text = open(path).read()
    rules = [
        (r"tensor<64x64xf32>", f"tensor<{E}x{E}xf32>"),
        (r"tensor<64x256xf32>", f"tensor<{E}x{F}xf32>"),
        (r"tensor<256x64xf32>", f"tensor<{F}x{E}xf32>"),
        (r"tensor<\?x\?x64xf32>", f"tensor<?x?x{E}xf32>"),
        (r"tensor<\?x\?x256xf32>", f"tensor<?x?x{F}xf32>"),
        (r"tensor<64xf32>", f"tensor<{E}xf32>"),
        (r"tensor<256xf32>", f"tensor<{F}xf32>"),
        (r"num_heads = 8 : i64", f"num_heads = {heads} : i64"),
        (r"0\.015625 : f32", f"{1.0 / E!r} : f32"),
    ]
    # Placeholders first, so that a leftover size is found before any
    # replacement could write the same digits back.
    for i, (pattern, _) in enumerate(rules):
        text, count = re.subn(pattern, f"@SIZE{chr(65 + i)}@", text)
        if count == 0:
            sys.exit(f"make_encoder.py: {path} has no '{pattern}' any more")
    # Only the code is checked: the comments still describe the example.
    code = "\n".join(line.split("//")[0] for line in text.splitlines())
    if re.search(r"\b(64|256|8)\b", code.replace("0.0", "")):
        sys.exit(f"make_encoder.py: {path} has sizes this script does not "
                 "replace")
    for i, (_, replacement) in enumerate(rules):
        text = text.replace(f"@SIZE{chr(65 + i)}@", replacement)
    return text


def make_onnx(inputs, B, S, E, heads):
    D = E // heads
    names = dict(zip(ARGS, inputs))
    inits = [numpy_helper.from_array(names[n], n) for n in ARGS[1:]]
    consts = {
        "heads_shape": np.array([B, S, heads, D], np.int64),
        "merged_shape": np.array([B, S, E], np.int64),
        "scale": np.array(1.0 / math.sqrt(D), np.float32),
        "rsqrt2": np.array(1.0 / math.sqrt(2.0), np.float32),
        "one": np.array(1.0, np.float32),
        "half": np.array(0.5, np.float32),
    }
    inits += [numpy_helper.from_array(v, k) for k, v in consts.items()]
    n = helper.make_node
    nodes = [
        n("LayerNormalization", ["x", "g1", "b1"], ["ln1"], axis=-1,
          epsilon=1e-5),
    ]
    for p, w, perm in (("q", "wq", [0, 2, 1, 3]), ("k", "wk", [0, 2, 3, 1]),
                       ("v", "wv", [0, 2, 1, 3])):
        nodes += [
            n("MatMul", ["ln1", w], [p + "_proj"]),
            n("Reshape", [p + "_proj", "heads_shape"], [p + "_split"]),
            n("Transpose", [p + "_split"], [p + "_heads"], perm=perm),
        ]
    nodes += [
        n("MatMul", ["q_heads", "k_heads"], ["scores"]),
        n("Mul", ["scores", "scale"], ["scaled"]),
        n("Softmax", ["scaled"], ["weights"], axis=-1),
        n("MatMul", ["weights", "v_heads"], ["context"]),
        n("Transpose", ["context"], ["context_t"], perm=[0, 2, 1, 3]),
        n("Reshape", ["context_t", "merged_shape"], ["merged"]),
        n("MatMul", ["merged", "wo"], ["attn"]),
        n("Add", ["x", "attn"], ["y"]),
        n("LayerNormalization", ["y", "g2", "b2"], ["ln2"], axis=-1,
          epsilon=1e-5),
        n("MatMul", ["ln2", "w1"], ["h1"]),
        n("Add", ["h1", "c1"], ["h1b"]),
        n("Mul", ["h1b", "rsqrt2"], ["h1s"]),
        n("Erf", ["h1s"], ["erf"]),
        n("Add", ["erf", "one"], ["erf1"]),
        n("Mul", ["h1b", "erf1"], ["gelu2"]),
        n("Mul", ["gelu2", "half"], ["act"]),
        n("MatMul", ["act", "w2"], ["h2"]),
        n("Add", ["h2", "c2"], ["h2b"]),
        n("Add", ["y", "h2b"], ["z"]),
    ]
    shape = [B, S, E]
    graph = helper.make_graph(
        nodes, "encoder_layer",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("z", TensorProto.FLOAT, shape)],
        initializer=inits)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model


MATMUL_MLIR = """// x W1 of the encoder layer, alone (bench/peers/make_encoder.py).
#x = affine_map<(b, s, k, n) -> (b, s, k)>
#w = affine_map<(b, s, k, n) -> (k, n)>
#y = affine_map<(b, s, k, n) -> (b, s, n)>
func.func @main(%x: tensor<?x?x{E}xf32>, %w: tensor<{E}x{F}xf32>)
    -> tensor<?x?x{F}xf32> {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %b = tensor.dim %x, %c0 : tensor<?x?x{E}xf32>
  %s = tensor.dim %x, %c1 : tensor<?x?x{E}xf32>
  %e = tensor.empty(%b, %s) : tensor<?x?x{F}xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?x?x{F}xf32>)
      -> tensor<?x?x{F}xf32>
  %y = linalg.generic {{indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "reduction",
                                         "parallel"]}}
      ins(%x, %w : tensor<?x?x{E}xf32>, tensor<{E}x{F}xf32>)
      outs(%init : tensor<?x?x{F}xf32>) {{
  ^bb0(%a: f32, %v: f32, %acc: f32):
    %p = arith.mulf %a, %v : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }} -> tensor<?x?x{F}xf32>
  return %y : tensor<?x?x{F}xf32>
}}
"""


def make_matmul_onnx(w1, B, S, E, F):
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w1"], ["y"])], "matmul",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [B, S, E])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [B, S, F])],
        initializer=[numpy_helper.from_array(w1, "w1")])
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--B", type=int, default=1)
    ap.add_argument("--S", type=int, default=512)
    ap.add_argument("--E", type=int, default=768)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--F", type=int, default=3072)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if a.E % a.heads:
        ap.error(f"--E {a.E} is not a multiple of --heads {a.heads}")

    rng = np.random.default_rng(a.seed)
    E, F = a.E, a.F

    def normal(shape, std):
        return (rng.standard_normal(shape) * std).astype(np.float32)

    inputs = [
        normal((a.B, a.S, E), 1.0),
        1.0 + normal((E,), 0.1), normal((E,), 0.1),
        *[normal((E, E), 1.0 / math.sqrt(E)) for _ in range(4)],
        1.0 + normal((E,), 0.1), normal((E,), 0.1),
        normal((E, F), 1.0 / math.sqrt(E)), normal((F,), 0.1),
        normal((F, E), 1.0 / math.sqrt(F)), normal((E,), 0.1),
    ]

    os.makedirs(os.path.join(a.out, "inputs"), exist_ok=True)
    written = []
    path = os.path.join(a.out, "encoder_layer.mlir")
    with open(path, "w") as f:
        f.write(retype_example(E, a.heads, F))
    written.append(path)
    path = os.path.join(a.out, "encoder_layer.onnx")
    onnx.save(make_onnx(inputs, a.B, a.S, E, a.heads), path)
    written.append(path)
    path = os.path.join(a.out, "matmul.mlir")
    with open(path, "w") as f:
        f.write(MATMUL_MLIR.format(E=E, F=F))
    written.append(path)
    path = os.path.join(a.out, "matmul.onnx")
    onnx.save(make_matmul_onnx(inputs[9], a.B, a.S, E, F), path)
    written.append(path)
    for i, (name, value) in enumerate(zip(ARGS, inputs)):
        path = os.path.join(a.out, "inputs", f"{i:02d}_{name}.npy")
        np.save(path, value)
        written.append(path)
    path = os.path.join(a.out, "reference.npy")
    np.save(path, encoder_layer(*inputs, heads=a.heads))
    written.append(path)
    print("\n".join(written))


if __name__ == "__main__":
    main()
