#!/usr/bin/python3
"""Runs a module holding one f32 contraction through attn-run and checks it.

    check_contraction.py MODULE --einsum SPEC --shape DIMS [--shape DIMS ...]
                         [--init VALUE] [--seed N] [--mcpu CPU]

Draws one standard-normal float32 input per --shape (e.g. 2x70x128), in
argument order, runs MODULE through attn-run and compares its only result
with numpy.einsum(SPEC, inputs) in float64 plus --init (the value the
module fills its output with before accumulating). The error bound is
relative to the largest reference magnitude: 1e-5, which a float32 sum of a
few hundred products meets with a wide margin and a wrong index or a
dropped tile does not.

With --mcpu, MODULE is compiled for that CPU by attn-compile (e.g. haswell:
AVX2, 8-lane vectors and 16 registers, so other register tiles) and run by
attn-exec; it must run on this machine. The tools are found on PATH.

Exit status 0: within the bound; 1: outside it, or attn-run failed.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

TOLERANCE = 1e-5


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("module")
    ap.add_argument("--einsum", required=True)
    ap.add_argument("--shape", action="append", required=True)
    ap.add_argument("--init", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mcpu")
    a = ap.parse_args()
    tools = ["attn-compile", "attn-exec"] if a.mcpu else ["attn-run"]
    for tool in tools:
        if not shutil.which(tool):
            sys.exit(f"check_contraction.py: {tool} not found on PATH")

    rng = np.random.default_rng(a.seed)
    inputs = [rng.standard_normal([int(d) for d in s.split("x")])
              .astype(np.float32) for s in a.shape]
    reference = np.einsum(a.einsum, *[x.astype(np.float64) for x in inputs])
    reference += a.init
    with tempfile.TemporaryDirectory() as tmp:
        cmd = ["attn-run", a.module]
        if a.mcpu:
            library = os.path.join(tmp, "libmodule.so")
            build = subprocess.run(
                ["attn-compile", a.module, f"--mcpu={a.mcpu}", "-o", library],
                capture_output=True, text=True)
            if build.returncode != 0:
                print(f"FAIL: attn-compile exited with {build.returncode}:\n"
                      f"{build.stderr}")
                return 1
            cmd = ["attn-exec", library]
        for i, x in enumerate(inputs):
            path = os.path.join(tmp, f"in{i}.npy")
            np.save(path, x)
            cmd.append(f"--input=@{path}")
        out = os.path.join(tmp, "out.npy")
        cmd.append(f"--output=@{out}")
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            print(f"FAIL: {cmd[0]} exited with {run.returncode}:\n"
                  f"{run.stderr}")
            return 1
        result = np.load(out)
    if result.shape != reference.shape:
        print(f"FAIL: result shape {result.shape}, expected "
              f"{reference.shape}")
        return 1
    scale = max(1.0, float(np.abs(reference).max()))
    err = float(np.abs(result - reference).max()) / scale
    verdict = "PASS" if err <= TOLERANCE else "FAIL"
    print(f"{verdict}: {a.einsum} {' '.join(a.shape)}: relative error "
          f"{err:.3e} (bound {TOLERANCE:.0e})")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
