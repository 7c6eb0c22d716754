"""Runs ONNX's backend node tests (libonnx-testdata: node/test_*/model.onnx
with test_data_set_*/input_*.pb and output_*.pb) through attn-run.

  run_node_tests.py DATA_DIR WORKDIR --list FILE     run the listed tests
                                 [--shard K/N]       (every N-th from K)
  run_node_tests.py DATA_DIR WORKDIR --survey OPS    try every test whose
                                                     nodes all have op types
                                                     in OPS (a file from
                                                     attn-import --list-ops)

An AOT-compiled model needs its shapes when it is compiled, so graph inputs
that a node reads as a shape operand (Reshape's shape; Slice's starts,
ends, axes and steps; Squeeze/Unsqueeze/ReduceSum axes; Expand's and
ConstantOfShape's shape; Range's bounds; Trilu's k) are frozen: the
test's data for them becomes an initializer of the model.

Outputs are compared with |out - ref| <= 1e-4 + 1e-3 |ref| (floats; exact
for integers and booleans). Prints PASS/FAIL per test and a summary; with
--list, exits 1 if any listed test fails.
"""

import argparse
import glob
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


# (op type, input index) pairs that are shapes, not data.
SHAPE_OPERANDS = {("Reshape", 1), ("Slice", 1), ("Slice", 2), ("Slice", 3),
                  ("Slice", 4), ("Squeeze", 1), ("Unsqueeze", 1),
                  ("ReduceSum", 1), ("ReduceMean", 1), ("ReduceMax", 1),
                  ("ReduceMin", 1), ("Expand", 1), ("ConstantOfShape", 0),
                  ("Range", 0), ("Range", 1), ("Range", 2), ("Trilu", 1)}


def freeze_shape_inputs(model, values):
    """Moves graph inputs used as shape operands into initializers; returns
    the indices of the graph inputs that remain."""
    shape_names = {n.input[i] for n in model.graph.node
                   for i in range(len(n.input))
                   if (n.op_type, i) in SHAPE_OPERANDS}
    keep = []
    inputs = list(model.graph.input)
    del model.graph.input[:]
    for i, info in enumerate(inputs):
        if info.name in shape_names:
            model.graph.initializer.append(
                numpy_helper.from_array(values[i], info.name))
        else:
            model.graph.input.append(info)
            keep.append(i)
    return keep


def run_test(test_dir, workdir, target="cpu"):
    model_path = os.path.join(test_dir, "model.onnx")
    sets = sorted(glob.glob(os.path.join(test_dir, "test_data_set_*")))
    if not sets:
        return "no data set"
    os.makedirs(workdir, exist_ok=True)
    local_model = os.path.join(workdir, "model.onnx")
    for data in sets:
        ins = sorted(glob.glob(os.path.join(data, "input_*.pb")),
                     key=lambda p: int(re.findall(r"\d+", p)[-1]))
        outs = sorted(glob.glob(os.path.join(data, "output_*.pb")),
                      key=lambda p: int(re.findall(r"\d+", p)[-1]))
        values = [load_pb(p) for p in ins]
        model = onnx.load(model_path)
        keep = freeze_shape_inputs(model, values)
        onnx.save(model, local_model)
        cmd = ["attn-run", local_model, f"--target={target}"]
        for i in keep:
            f = os.path.join(workdir, f"in{i}.npy")
            np.save(f, values[i])
            cmd.append(f"--input=@{f}")
        got = [os.path.join(workdir, f"out{i}.npy") for i in range(len(outs))]
        cmd += [f"--output=@{f}" for f in got]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            lines = [l for l in run.stderr.splitlines() if "error" in l]
            return "attn-run: " + (lines[0] if lines else run.stderr[:200])
        for f, p in zip(got, outs):
            ref, out = load_pb(p), np.load(f)
            if out.shape != ref.shape:
                return f"shape {out.shape} != {ref.shape}"
            if ref.dtype.kind in "biu":
                if np.any(out != ref):
                    return "integer outputs differ"
                continue
            r = ref.astype(np.float64)
            err = np.abs(out.astype(np.float64) - r)
            same_nan = np.isnan(out) & np.isnan(r)
            if np.any(~same_nan & ~(err <= 1e-4 + 1e-3 * np.abs(r))):
                return f"max error {np.nanmax(err)}"
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("workdir")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--list")
    group.add_argument("--survey")
    parser.add_argument("--target", choices=("cpu", "gpu-emulator"),
                        default="cpu",
                        help="attn-run --target: gpu-emulator runs the CUDA "
                             "kernels on CPU threads")
    parser.add_argument("--shard", default="0/1",
                        help="K/N: run every N-th test from the K-th")
    a = parser.parse_args()
    if a.list:
        with open(a.list) as f:
            names = [l.split("#")[0].strip() for l in f]
        names = [n for n in names if n]
    else:
        with open(a.survey) as f:
            ops = set(re.findall(r"^\| (\w+) \|", f.read(), re.M)) - {"op"}
        names = []
        for d in sorted(glob.glob(os.path.join(a.data, "test_*"))):
            try:
                m = onnx.load(os.path.join(d, "model.onnx"))
            except Exception:
                continue
            if all(n.op_type in ops and n.domain in ("", "ai.onnx")
                   for n in m.graph.node):
                names.append(os.path.basename(d))
    k, n = (int(x) for x in a.shard.split("/"))
    names = names[k::n]
    failed = 0
    for name in names:
        try:
            problem = run_test(os.path.join(a.data, name),
                               os.path.join(a.workdir, name), a.target)
        except Exception as e:  # unreadable test data
            problem = f"{type(e).__name__}: {e}"
        if problem:
            failed += 1
            print(f"FAIL {name}: {problem}")
        else:
            print(f"PASS {name}")
    print(f"{len(names) - failed} of {len(names)} passed")
    return 1 if (a.list and failed) else 0


if __name__ == "__main__":
    sys.exit(main())
