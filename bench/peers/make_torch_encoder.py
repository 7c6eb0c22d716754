#!/usr/bin/python3
"""Exports nn.TransformerEncoderLayer with torch.onnx.export, for the graph
benchmark: the model file a PyTorch user would deploy.

    make_torch_encoder.py --out DIR [--B 1] [--S 512] [--E 768]
                          [--heads 12] [--F 3072]

Defaults are BERT-base's layer (pre-norm, exact GELU, no dropout, batch
first, random weights). DIR receives torch_encoder.onnx (opset 17, dynamic
batch and sequence), torch_x.npy (the input, float32) and
torch_reference.npy (PyTorch's output for it in float64). Needs PyTorch
(`scripts/setup --torch`); the export helpers are the ones that make the
importer's test models (test/Import/Onnx/lib/export_torch.py).
"""

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "Import", "Onnx",
                                "lib"))
import torch  # noqa: E402
from torch import nn  # noqa: E402

from export_torch import export_module, randomise, run_float64  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    for name, default in (("B", 1), ("S", 512), ("E", 768), ("heads", 12),
                          ("F", 3072)):
        p.add_argument(f"--{name}", type=int, default=default)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    layer = nn.TransformerEncoderLayer(a.E, a.heads, a.F, dropout=0.0,
                                       activation="gelu", batch_first=True,
                                       norm_first=True).eval()
    # Weights of about 1.7/sqrt(fan-in), as at E=32 in the tests, keep the
    # activations and the softmax away from saturation at any width.
    randomise(layer, torch.Generator().manual_seed(1), 1.7 / a.E ** 0.5)
    x = np.random.default_rng(2).uniform(-1, 1, (a.B, a.S, a.E)).astype(
        np.float32)
    path = os.path.join(a.out, "torch_encoder.onnx")
    export_module(layer, [x], path, ["x"],
                  {"x": {0: "batch", 1: "seq"}, "y": {0: "batch", 1: "seq"}})
    np.save(os.path.join(a.out, "torch_x.npy"), x)
    np.save(os.path.join(a.out, "torch_reference.npy"), run_float64(layer, [x]))
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
