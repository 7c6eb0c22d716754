#!/usr/bin/env python3
"""How far FP8 attention is from attention on the unquantised tensors.

  bench/fp8_accuracy.py [--B N] [--Sq N] [--Skv N] [--seed N]
                        [--attn-run PATH]

Draws normal q, k, v (4 heads, D = 64, the shapes of
examples/variants/scaled_dot_fp8.mlir), quantises each to E4M3 with the
per-tensor scale max|x| / 448 (the largest value maps to E4M3's largest),
runs examples/variants/scaled_dot_fp8.mlir through attn-run and, for
comparison, examples/variants/scaled_dot_bf16.mlir on the unquantised
tensors. Prints a Markdown table of errors against the float64 reference
(test/Integration/lib/reference.py, the oracle of the test suite):

- the FP8 module against the reference on the dequantised tensors: the
  compiled code's own error;
- the FP8 module against the reference on the unquantised tensors: what a
  user of FP8 sees;
- the reference on the dequantised against the unquantised tensors: the
  quantisation alone;
- the bf16 module against the reference on the unquantised tensors.

Needs numpy (/usr/bin/python3 on Debian).
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "test", "Integration", "lib"))
import reference as ref  # noqa: E402
from attn_runner import find_attn_run  # noqa: E402


def run(attn_run, module, arrays, tmp):
    cmd = [attn_run, os.path.join(ROOT, "examples", "variants", module)]
    for i, a in enumerate(arrays):
        path = os.path.join(tmp, f"in{i}.npy")
        np.save(path, a.astype(np.float32))
        cmd.append(f"--input=@{path}")
    out = os.path.join(tmp, "out.npy")
    subprocess.run(cmd + [f"--output=@{out}"], check=True)
    return np.load(out).astype(np.float64)


def row(what, out, expected):
    err = np.abs(out - expected)
    return (f"| {what} | {err.max():.2e} | {err.mean():.2e} | "
            f"{err.max() / np.abs(expected).max():.2e} |")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--B", type=int, default=1)
    p.add_argument("--Sq", type=int, default=512)
    p.add_argument("--Skv", type=int, default=512)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--attn-run", dest="attn_run", default=None)
    args = p.parse_args()
    attn_run = find_attn_run(args.attn_run)
    rng = np.random.default_rng(args.seed)
    shapes = [(args.B, 4, args.Sq, 64), (args.B, 4, args.Skv, 64),
              (args.B, 4, args.Skv, 64)]
    x = [rng.standard_normal(s) for s in shapes]
    scales = [np.float32(np.abs(t).max() / ref.E4M3_MAX) for t in x]
    stored = [ref.round_to_e4m3(t / s) for t, s in zip(x, scales)]
    dequantised = [a * np.float64(s) for a, s in zip(stored, scales)]
    exact = ref.reference("scaled_dot", *x)
    on_dequantised = ref.reference("scaled_dot", *dequantised)
    with tempfile.TemporaryDirectory() as tmp:
        fp8 = run(attn_run, "scaled_dot_fp8.mlir",
                  stored + [np.array(scales)], tmp)
        bf16 = run(attn_run, "scaled_dot_bf16.mlir", x, tmp)
    print(f"scaled_dot, B={args.B} Sq={args.Sq} Skv={args.Skv}, 4 heads, "
          f"D=64, normal inputs (seed {args.seed}); max |reference| = "
          f"{np.abs(exact).max():.3f}\n")
    print("| compared | max abs error | mean abs error | max error / "
          "max abs reference |")
    print("|---|---:|---:|---:|")
    print(row("FP8 module vs float64 on the dequantised tensors", fp8,
              on_dequantised))
    print(row("FP8 module vs float64 on the unquantised tensors", fp8, exact))
    print(row("float64: dequantised vs unquantised tensors "
              "(quantisation alone)", on_dequantised, exact))
    print(row("bf16 module vs float64 on the unquantised tensors", bf16,
              exact))
    return 0


if __name__ == "__main__":
    sys.exit(main())
