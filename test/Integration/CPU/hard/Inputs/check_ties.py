#!/usr/bin/env python3
"""Checks that hard attention sends exact ties to the lowest key index.

  check_ties.py MODULE --B N --Sq N --Skv N [--seed N] [--attn-run PATH]
                [--tile-option OPT ...]

q and k hold small integers and the module's scale (1/8 for D = 64) is a
power of two, so every score is exact in f32 and float64 alike and the
scores of a row repeat often: many rows have their maximum at several keys,
in different key tiles and in different lanes of one. The float64 reference
is numpy's argmax of the exact scores (the first maximum); the compiled
output must be that key's value row, bit for bit (hard copies it). Exits 1
on any mismatch, and also when the inputs happened to have no tie, so that
the test cannot pass without exercising one.
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
    ap.add_argument("--B", type=int, required=True)
    ap.add_argument("--Sq", type=int, required=True)
    ap.add_argument("--Skv", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--attn-run", default="attn-run")
    ap.add_argument("--tile-option", action="append", default=[],
                    help="passed to attn-run as is (e.g. --key-tile=32)")
    args = ap.parse_args()

    heads, dim = 4, 64
    rng = np.random.default_rng(args.seed)
    q = rng.integers(-1, 2, (args.B, heads, args.Sq, dim)).astype(np.float32)
    # Few distinct keys: each key row is one of 6 patterns, so equal scores
    # recur all along the key range.
    patterns = rng.integers(-1, 2, (6, dim)).astype(np.float32)
    k = patterns[rng.integers(0, 6, (args.B, heads, args.Skv))]
    v = rng.standard_normal((args.B, heads, args.Skv, dim)).astype(np.float32)

    scores = np.einsum("bhid,bhjd->bhij", q.astype(np.float64),
                       k.astype(np.float64)) / 8.0
    best = scores.max(axis=-1, keepdims=True)
    ties = int(((scores == best).sum(axis=-1) > 1).sum())
    if ties == 0:
        print("check_ties: the inputs have no tied maximum; pick other sizes")
        return 1
    first = scores.argmax(axis=-1)
    want = np.take_along_axis(v, first[..., None], axis=2)

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

    wrong = np.argwhere((got != want).any(axis=-1))
    print(f"hard ties B={args.B} Sq={args.Sq} Skv={args.Skv}: "
          f"{ties} rows with a tied maximum, {len(wrong)} rows wrong")
    if len(wrong):
        b, h, i = wrong[0]
        picked = [j for j in range(args.Skv)
                  if np.array_equal(got[b, h, i], v[b, h, j])]
        print(f"  first wrong row (b={b}, h={h}, i={i}): expected key "
              f"{first[b, h, i]}, got the value of keys {picked}")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
