"""Runs a [N, S, D] attention module (q, k, v) through attn-run on random
inputs and compares its output with a float64 softmax(scale Q K^T) V:
|out - ref| <= 1e-4 + 1e-3 |ref| (shared/VARIANTS.md, f32).

  check_attention.py MODULE WORKDIR SCALE

Reads the argument shapes from the module's @main signature. Prints PASS
or FAIL with the worst element; exits 1 on FAIL.
"""

import os
import re
import subprocess
import sys

import numpy as np


def main():
    module, workdir, scale = sys.argv[1], sys.argv[2], float(sys.argv[3])
    with open(module) as f:
        signature = re.search(r"func\.func @main\((.*?)\)\s*->", f.read(),
                              re.S).group(1)
    shapes = [tuple(int(d) for d in s.split("x"))
              for s in re.findall(r"tensor<([0-9x]+)xf32>", signature)]
    rng = np.random.default_rng(1)
    args = [rng.uniform(-1, 1, s).astype(np.float32) for s in shapes]
    cmd = ["attn-run", module]
    for i, a in enumerate(args):
        path = os.path.join(workdir, f"in{i}.npy")
        np.save(path, a)
        cmd.append(f"--input=@{path}")
    out_path = os.path.join(workdir, "out.npy")
    cmd.append(f"--output=@{out_path}")
    subprocess.run(cmd, check=True)
    q, k, v = (a.astype(np.float64) for a in args)
    s = np.einsum("nid,njd->nij", q, k) * scale
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    ref = np.einsum("nij,njd->nid", p, v)
    out = np.load(out_path).astype(np.float64)
    err = np.abs(out - ref)
    bound = 1e-4 + 1e-3 * np.abs(ref)
    if out.shape != ref.shape or np.any(~(err <= bound)):
        worst = np.unravel_index(np.argmax(err - bound), err.shape)
        print(f"FAIL worst at {worst}: {out[worst]} vs {ref[worst]}")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
