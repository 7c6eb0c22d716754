#!/usr/bin/env python3
"""Checks that hard and top-k attention send exact ties to the lowest key
index (shared/VARIANTS.md).

  check_ties.py MODULE --normalizer hard|topk --B N --Sq N --Skv N
                [--seed N] [--attn-run PATH] [--tile-option OPT ...]

Every key row is one of 6 patterns, so equal scores recur all along the key
range, in different key tiles and in different lanes of one. For topk the
top pattern is rare (1 %): its keys come after the slots have filled with
the next pattern's and push those down, which must keep their order.

hard: q and k hold small integers and the module's scale (1/8 for D = 64)
is a power of two, so every score is exact in f32 and float64 alike. The
reference is numpy's argmax of the exact scores (the first maximum); the
compiled output must be that key's value row, bit for bit (hard copies it).

topk (k = 8): the compiled scores carry log2(e), so sums of several terms
could round differently for different patterns; here pattern a is a times
the first unit vector and q's first feature is 1 or 2, so a score is one
product, equal for equal keys, and different patterns differ by at least
the scale. The reference keeps the 8 largest scores with a stable sort
(ties to the lower j) and takes the softmax over them in float64; the
output must match within the f32 tolerances (a wrong tie swaps a random
value row in, far outside them).

Exits 1 on any mismatch, and also when the inputs had no tie at the point
that decides (the maximum for hard, the 8th score for topk), so that the
test cannot pass without exercising one.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("module")
    ap.add_argument("--normalizer", choices=["hard", "topk"], required=True)
    ap.add_argument("--B", type=int, required=True)
    ap.add_argument("--Sq", type=int, required=True)
    ap.add_argument("--Skv", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--attn-run", default="attn-run")
    ap.add_argument("--tile-option", action="append", default=[],
                    help="passed to attn-run as is (e.g. --key-tile=32)")
    args = ap.parse_args()

    heads, dim, top = 4, 64, 8
    rng = np.random.default_rng(args.seed)
    shape_q = (args.B, heads, args.Sq, dim)
    if args.normalizer == "hard":
        q = rng.integers(-1, 2, shape_q).astype(np.float32)
        patterns = rng.integers(-1, 2, (6, dim)).astype(np.float32)
    else:
        q = rng.standard_normal(shape_q).astype(np.float32)
        q[..., 0] = rng.integers(1, 3, shape_q[:-1])
        patterns = np.zeros((6, dim), np.float32)
        patterns[:, 0] = np.arange(6)
    # topk: the top pattern is rare, so that its keys arrive after the
    # slots filled with the next one and push equal entries down; the
    # order of equal entries then decides which one drops out.
    weights = [1 / 6] * 6 if args.normalizer == "hard" else \
        [0.2, 0.2, 0.2, 0.2, 0.19, 0.01]
    k = patterns[rng.choice(6, (args.B, heads, args.Skv), p=weights)]
    v = rng.standard_normal((args.B, heads, args.Skv, dim)).astype(np.float32)

    scores = np.einsum("bhid,bhjd->bhij", q.astype(np.float64),
                       k.astype(np.float64)) / 8.0
    if args.normalizer == "hard":
        deciding = scores.max(axis=-1, keepdims=True)
        first = scores.argmax(axis=-1)
        want = np.take_along_axis(v, first[..., None], axis=2)
    else:
        order = np.argsort(-scores, axis=-1, kind="stable")[..., :top]
        kept = np.take_along_axis(scores, order, axis=-1)
        deciding = kept[..., -1:]
        w = np.exp(kept - kept[..., :1])
        w /= w.sum(axis=-1, keepdims=True)
        picked_v = np.take_along_axis(v[:, :, None].astype(np.float64),
                                      order[..., None], axis=3)
        want = (w[..., None] * picked_v).sum(axis=3)
    ties = int(((scores == deciding).sum(axis=-1) > 1).sum())
    if ties == 0:
        print("check_ties: the inputs have no tie that decides; pick other "
              "sizes")
        return 1

    with tempfile.TemporaryDirectory(prefix="check-ties-") as tmp:
        paths = []
        for name, x in (("q", q), ("k", k), ("v", v)):
            path = os.path.join(tmp, name + ".npy")
            np.save(path, x)
            paths.append("--input=@" + path)
        out = os.path.join(tmp, "o.npy")
        cmd = [args.attn_run, args.module, *paths, "--output=@" + out,
               *args.tile_option]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            print("check_ties: attn-run failed:\n" + run.stderr)
            return 1
        got = np.load(out)

    if args.normalizer == "hard":
        bad = (got != want).any(axis=-1)
    else:
        bad = (np.abs(got - want) > 1e-4 + 1e-3 * np.abs(want)).any(axis=-1)
    wrong = np.argwhere(bad)
    print(f"{args.normalizer} ties B={args.B} Sq={args.Sq} Skv={args.Skv}: "
          f"{ties} rows with a deciding tie, {len(wrong)} rows wrong")
    if len(wrong):
        b, h, i = wrong[0]
        print(f"  first wrong row (b={b}, h={h}, i={i}): "
              f"out {got[b, h, i, :4]}..., expected {want[b, h, i, :4]}...")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
