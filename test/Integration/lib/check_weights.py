#!/usr/bin/env python3
"""Runs one example of examples/variants through attn-run --dump-weights
and checks both what it computes and what it writes:

- the function's own output against the float64 reference, as
  check_variant.py does (the inspection mode must not change it);
- the dumped weights main.weights0.npy against reference.weights(), the
  float64 P of VARIANTS.md, with the tolerances of the variant's element
  type (the weights are written in the query's element type);
- the heat map main.weights0.png: a PNG file, titled by attn-run's line.

Usage: check_weights.py NAME [--B N --Sq N --Skv N --seed N]
                        [--attn-run PATH] [--module PATH]
Prints "NAME ...: weights max_abs_err=... PASS" or FAIL lines; exit 0 only
when everything matches.
"""

import argparse
import os
import shutil
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_variant as cv  # noqa: E402
import reference as ref  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def expected_weights(name, inputs):
    """Float64 P [B,Hq,Sq,Skv] of a variant or FLEX module."""
    if cv.is_flex(name):
        return ref.softmax_visible(*cv.flex_scores(name, inputs[0], inputs[1]))
    return ref.weights(name, *inputs)


def check(args):
    name = args.name
    example = args.module or cv.default_module(
        name, os.path.join(cv.REPO_ROOT, "examples", "variants"))
    inputs, roles = cv.variant_inputs(name, example, args.B, args.Sq, args.Skv,
                                      "random", args.seed)
    etype = ref.element_type(name)
    head = f"{name} B={args.B} Sq={args.Sq} Skv={args.Skv}"

    tmp = tempfile.mkdtemp(prefix=f"check-weights-{name}-")
    try:
        run_args = argparse.Namespace(attn_run=args.attn_run)
        cmd, out_paths = cv.attn_run_command(
            run_args, example,
            [(arg, x) for (arg, _, _), x in zip(cv.SPECS[name], inputs)],
            tmp, roles)
        weights_dir = os.path.join(tmp, "weights")
        cmd.append(f"--dump-weights={weights_dir}")
        proc = cv.invoke_attn_run(cmd, head, timeout=600)
        if proc is None:
            return 1
        ok = True
        out = np.load(out_paths[roles.index("out")])
        o_ok, o_summary, o_details = cv.compare(
            out, cv.variant_reference(name, *inputs), etype)
        print(f"{head}: output {o_summary} {'PASS' if o_ok else 'FAIL'}")
        if o_details:
            print(o_details)
        ok = ok and o_ok

        stem = os.path.join(weights_dir, "main.weights0")
        w = np.load(stem + ".npy")
        w_ok, w_summary, w_details = cv.compare(
            w, expected_weights(name, inputs), etype)
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
    args = p.parse_args(argv)
    if args.name not in cv.SPECS:
        p.error(f"unknown variant {args.name!r}")
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
