#!/usr/bin/python3
"""Writes SE-ResNet's basic block as standard ONNX ops, for the graph
benchmark (run-se-resnet.sh).

    make_se_resnet.py --out DIR [--N 1] [--C 256] [--H 14] [--W 14]
                      [--reduction 16] [--seed 15]

Defaults are the blocks of SE-ResNet-34's third stage (conv4_x: 256
channels on 14 x 14 maps). DIR receives se_resnet_block.onnx (opset 17,
weights as initializers, dynamic batch), x.npy (the input, float32) and
reference.npy (the block's float64 output). The graph and its numpy
reference are the importer's test model (test/Import/Onnx/lib/
cnn_models.py), here at benchmark sizes; building them needs python3-onnx
and numpy only.
"""

import argparse
import os
import sys

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "Import", "Onnx",
                                "lib"))
from cnn_models import SeResNetBlock  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    for name, default in (("N", 1), ("C", 256), ("H", 14), ("W", 14),
                          ("reduction", 16), ("seed", 15)):
        p.add_argument(f"--{name}", type=int, default=default)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    block = SeResNetBlock(a.C, a.H, a.W, a.reduction, a.seed)
    path = os.path.join(a.out, "se_resnet_block.onnx")
    onnx.save(block.build({}), path)
    x = block.inputs(np.random.default_rng(a.seed + 1), {"N": a.N})
    np.save(os.path.join(a.out, "x.npy"), x[0])
    np.save(os.path.join(a.out, "reference.npy"), block.reference(x)[0])
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
