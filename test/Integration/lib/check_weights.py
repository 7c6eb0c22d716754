#!/usr/bin/env python3
"""Runs one example of examples/variants through attn-run --dump-weights
and checks both what it computes and what it writes:

- the function's own output against the float64 reference, as
  check_variant.py does (the inspection mode must not change it);
  whole rows run too (--dim SYM=N sets their sizes): memory_network,
  whose attention is in the hop loop (one set of weights per hop), and
  non_local, whose positions H*W the runtime merges back;
- the dumped weights main.weights0.npy against reference.weights(), the
  float64 P of VARIANTS.md, with the tolerances of the variant's element
  type (the weights are written in the query's element type);
- the heat map main.weights0.png: a PNG file, titled by attn-run's line.

Usage: check_weights.py NAME [--B N --Sq N --Skv N --seed N]
                        [--dim SYM=N ...] [--attn-run PATH] [--module PATH]
Prints "NAME ...: weights max_abs_err=... PASS" or FAIL lines; exit 0 only
when everything matches.
"""

import argparse
import dataclasses
import os
import shutil
import sys
import tempfile

import numpy as np

sys.dont_write_bytecode = True  # keep the source tree clean under lit
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference as ref  # noqa: E402
import reference_structure as ref_structure  # noqa: E402
import reference_vision as ref_vision  # noqa: E402
from attn_runner import (  # noqa: E402
    REPO_ROOT, attn_run_command, invoke_attn_run)
from compare_results import compare  # noqa: E402
from row_check import row_reference, structure_dims  # noqa: E402
from variant_inputs import variant_inputs  # noqa: E402
from variant_specs import (  # noqa: E402
    SPECS, default_module, flex_scores, is_flex, variant_reference)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def expected_weights(name, inputs):
    """Float64 P [B,Hq,Sq,Skv] of a variant or FLEX module."""
    if is_flex(name):
        return ref.softmax_visible(*flex_scores(name, inputs[0], inputs[1]))
    return ref.weights(name, *inputs)


# Whole rows (sections D and E) and the float64 weights of their
# attention: memory_network's attention is in the hop loop, one set of
# weights per hop [hops, B, Hq, Sq, Skv]; non_local attends over the H*W
# positions, [N, 1, HW, HW].
ROW_WEIGHTS = {"memory_network": ref_structure.memory_network_weights,
               "non_local": ref_vision.non_local_weights}


@dataclasses.dataclass
class Case:
    """What one check runs and expects: the module, its named inputs, the
    index of the function's own result, and the float64 result and
    weights."""
    example: str
    named_inputs: list
    out_names: list
    out_index: int
    output: np.ndarray
    weights: np.ndarray
    etype: str
    head: str


def sequence_case(args):
    name = args.name
    example = args.module or default_module(
        name, os.path.join(REPO_ROOT, "examples", "variants"))
    inputs, roles = variant_inputs(name, example, args.B, args.Sq, args.Skv,
                                   "random", args.seed)
    return Case(example,
                [(arg, x) for (arg, _, _), x in zip(SPECS[name], inputs)],
                roles, roles.index("out"), variant_reference(name, *inputs),
                expected_weights(name, inputs), ref.output_type(name),
                f"{name} B={args.B} Sq={args.Sq} Skv={args.Skv}")


def row_case(args):
    """A row of ROW_WEIGHTS with its sizes from --B and --dim SYM=N."""
    name = args.name
    mod = row_reference(name)
    example = args.module or os.path.join(REPO_ROOT, "examples",
                                       "variants", name + ".mlir")
    dims = dict(mod.DEFAULT_DIMS)
    dims.update(structure_dims(name, example))
    dims["B"] = args.B
    for item in args.dim:
        sym, _, val = item.partition("=")
        dims[sym] = int(val)
    inputs = mod.make_inputs(name, dims, args.seed)
    named = [(arg, x) for (arg, _, _), x in zip(mod.ROWS[name]["args"], inputs)]
    return Case(example, named, ["res0"], 0, mod.reference(name, *inputs)[0],
                ROW_WEIGHTS[name](*inputs), "f32",
                name + " " + " ".join(args.dim or [f"B={args.B}"]))


def check(args):
    name = args.name
    case = row_case(args) if name in ROW_WEIGHTS else sequence_case(args)
    head, etype = case.head, case.etype

    tmp = tempfile.mkdtemp(prefix=f"check-weights-{name}-")
    try:
        run_args = argparse.Namespace(attn_run=args.attn_run)
        cmd, out_paths = attn_run_command(
            run_args, case.example, case.named_inputs, tmp, case.out_names)
        weights_dir = os.path.join(tmp, "weights")
        cmd.append(f"--dump-weights={weights_dir}")
        proc = invoke_attn_run(cmd, head, timeout=600)
        if proc is None:
            return 1
        ok = True
        out = np.load(out_paths[case.out_index])
        o_ok, o_summary, o_details = compare(out, case.output, etype)
        print(f"{head}: output {o_summary} {'PASS' if o_ok else 'FAIL'}")
        if o_details:
            print(o_details)
        ok = ok and o_ok

        stem = os.path.join(weights_dir, "main.weights0")
        w = np.load(stem + ".npy")
        w_ok, w_summary, w_details = compare(w, case.weights, etype)
        print(f"{head}: weights {w_summary} {'PASS' if w_ok else 'FAIL'}")
        if w_details:
            print(w_details)
        ok = ok and w_ok

        with open(stem + ".png", "rb") as f:
            png_ok = f.read(8) == PNG_SIGNATURE
        print(f"{head}: heat map {'PASS' if png_ok else 'FAIL: not a PNG'}")
        ok = ok and png_ok
        for line in proc.stdout.splitlines():
            print(f"  attn-run: {line}")
        if not ok:
            print("  command: " + " ".join(cmd))
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("name")
    p.add_argument("--B", type=int, default=2)
    p.add_argument("--Sq", type=int, default=33)
    p.add_argument("--Skv", type=int, default=65)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--attn-run", dest="attn_run", default=None)
    p.add_argument("--module", default=None)
    p.add_argument("--dim", action="append", default=[],
                   help="SYM=N: a size of a whole row (memory_network: N; "
                        "non_local: N, H, W)")
    args = p.parse_args(argv)
    if args.name not in SPECS and args.name not in ROW_WEIGHTS:
        p.error(f"unknown variant {args.name!r}")
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
