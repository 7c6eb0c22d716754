"""Builds an ONNX model of onnx_models.py, runs it with attn-run for each of
its sizes, and compares every output with the float64 reference:
|out - ref| <= 1e-4 + 1e-3 |ref| for f32 (shared/VARIANTS.md), exact for
integers and booleans.

  check_onnx.py MODEL WORKDIR [--seed N] [--target cpu|gpu-emulator]

--target gpu-emulator runs the model as it would run on a GPU (the CUDA
kernels, lowered to NVVM, on CPU threads; attn-run --target).

Prints `PASS MODEL sizes` per run, or `FAIL ...` with the worst element,
and exits 1 when any run fails. attn-run is found on PATH.
"""

import argparse
import os
import subprocess
import sys

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_models import MODELS  # noqa: E402
import cnn_models  # noqa: E402,F401 (registers its models in MODELS)
import gate_models  # noqa: E402,F401 (registers its models in MODELS)


def compare(name, out, ref):
    if out.shape != ref.shape:
        return f"{name}: shape {out.shape}, expected {ref.shape}"
    if ref.dtype.kind in "biu":
        bad = np.count_nonzero(out != ref)
        return f"{name}: {bad} elements differ" if bad else None
    ref = ref.astype(np.float64)
    err = np.abs(out.astype(np.float64) - ref)
    bound = 1e-4 + 1e-3 * np.abs(ref)
    if not np.all(np.isfinite(out)) or np.any(err > bound):
        worst = np.unravel_index(np.argmax(err - bound), err.shape)
        return (f"{name}: {np.count_nonzero(~(err <= bound))} elements "
                f"outside, worst at {worst}: {out[worst]} vs {ref[worst]}")
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model", choices=sorted(MODELS))
    parser.add_argument("workdir")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--target", choices=("cpu", "gpu-emulator"),
                        default="cpu")
    a = parser.parse_args()
    spec = MODELS[a.model]
    os.makedirs(a.workdir, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    failed = False
    for sizes in spec.sizes:
        path = os.path.join(a.workdir, f"{a.model}.onnx")
        onnx.save(spec.build(sizes), path)
        inputs = spec.inputs(rng, sizes)
        refs = spec.reference(inputs)
        cmd = ["attn-run", path, f"--target={a.target}"]
        for i, x in enumerate(inputs):
            f = os.path.join(a.workdir, f"in{i}.npy")
            np.save(f, x)
            cmd.append(f"--input=@{f}")
        outs = [os.path.join(a.workdir, f"out{i}.npy")
                for i in range(len(refs))]
        cmd += [f"--output=@{f}" for f in outs]
        run = subprocess.run(cmd, capture_output=True, text=True)
        label = " ".join(f"{k}={v}" for k, v in sizes.items())
        if run.returncode != 0:
            print(f"FAIL {a.model} {label}: attn-run exited with "
                  f"{run.returncode}\n{run.stderr}")
            failed = True
            continue
        problems = [compare(f"output {i}", np.load(f), r)
                    for i, (f, r) in enumerate(zip(outs, refs))]
        problems = [p for p in problems if p]
        if problems:
            print(f"FAIL {a.model} {label}: " + "; ".join(problems))
            failed = True
        else:
            print(f"PASS {a.model} {label}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
