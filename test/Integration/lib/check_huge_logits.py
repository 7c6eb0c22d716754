#!/usr/bin/env python3
"""Case huge-logits of the section A score rows that check_variant.py's
`huge` case does not cover (it applies to dot-product scores): runs the
example through attn-run on inputs that make the scores huge and checks it
against a float64 reference with the tolerances of shared/VARIANTS.md.

  check_huge_logits.py ROW [--B N] [--Sq N] [--Skv N] [--seed N]
                       [--attn-run PATH] [--examples DIR]

Prints one line `ROW huge-logits B=.. Sq=.. Skv=..: max_abs_err=.. PASS`
and exits 0, or prints what differs and exits 1.

Rows:
  general            q W k with logits ~1e3 (no scale): the max must be
                     subtracted. The two largest scores of every row are at
                     least 16 apart, as in check_variant.py's huge case, so
                     the f32 rounding of 1e3-sized logits (~1e-3 through
                     the projection q W) cannot move the weights.
  neg_l2             -|q - k|^2 / sqrt(D) ~ -1.7e3 +- 300: every logit is
                     hugely negative (exp underflows without the max), and
                     the kernel's 2 q.k - |q|^2 - |k|^2 cancels terms of
                     ~1e4; top two 16 apart as above.
  multi_dimensional  softmax over keys of scale * tanh(.) per feature. The
                     lowering keeps no running max and so accepts scale
                     <= 40: logits are bounded by the scale, and this runs
                     the example with scale = 40 (module rewritten) on
                     inputs that saturate tanh, so the weights span
                     exp(-40) .. exp(40). The float64 reference is written
                     here (reference.py has the row at scale 1).
  compositional      no normaliser: M = tanh(q.k / sqrt(D)) sigmoid(-|q - k|_1
                     / sqrt(D)). With |x| ~ 30, q.k / sqrt(D) ~ 7e3 saturates
                     tanh and |q - k|_1 / sqrt(D) ~ 270 overflows exp in the
                     sigmoid: far keys get weight 0, never NaN. Key 2i is
                     planted next to query i, so every row also has one key
                     with a finite weight.

cosine is bounded by its fixed scale (10): no huge-logit regime. additive's
scores go through tanh and are bounded by |va|_1 * scale; huge weights va
would reach one, which no case here covers yet. dot and scaled_dot have
check_variant.py's huge case.
"""

import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean under lit
sys.path.insert(0, HERE)
import reference as ref  # noqa: E402

REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
ATOL, RTOL = 1e-4, 1e-3   # f32, shared/VARIANTS.md
HUGE_GAP = 16.0           # top-two separation of the softmax rows
MULTI_DIM_SCALE = 40.0    # the largest scale attn-tile lowers


def normal(rng, shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def separate(scores, draw_q, q, rng):
    """Redraws the q rows whose two largest scores lie within HUGE_GAP."""
    for _ in range(1000):
        s = scores(q)
        top2 = -np.sort(-s, axis=-1)[..., :2]
        bad = top2[..., 0] - top2[..., 1] < HUGE_GAP
        if not bad.any():
            return q
        q = np.where(bad[..., None], draw_q(rng), q).astype(np.float32)
    raise SystemExit("could not separate the top scores")


def general(rng, B, H, Sq, Skv, D):
    k, v = normal(rng, (B, H, Skv, D)), normal(rng, (B, H, Skv, D))
    W = normal(rng, (D, D), 1.0 / math.sqrt(D))
    # s = (q W) . k with q W ~ q and |k| ~ sqrt(D): std of s ~ 300.
    draw_q = lambda r: normal(r, (B, H, Sq, D), 300.0 / math.sqrt(D))
    q = separate(lambda x: ref.scores("general", x, k, v, W)[0], draw_q,
                 draw_q(rng), rng)
    inputs = [q, k, v, W]
    return {}, inputs, ref.reference("general", *inputs)


def neg_l2(rng, B, H, Sq, Skv, D):
    k, v = normal(rng, (B, H, Skv, D), 10.0), normal(rng, (B, H, Skv, D))
    draw_q = lambda r: normal(r, (B, H, Sq, D), 10.0)
    q = separate(lambda x: ref.scores("neg_l2", x, k, v)[0], draw_q,
                 draw_q(rng), rng)
    inputs = [q, k, v]
    return {}, inputs, ref.reference("neg_l2", *inputs)


def multi_dimensional(rng, B, H, Sq, Skv, D):
    q = normal(rng, (B, H, Sq, D), 3.0)
    k = normal(rng, (B, H, Skv, D), 3.0)
    v = normal(rng, (B, H, Skv, D))
    W1, W2 = (normal(rng, (D, D), 1.0 / math.sqrt(D)) for _ in range(2))
    b = normal(rng, (D,))
    # e = tanh(q W1 + k W2 + b) with arguments ~N(0, 19): mostly saturated.
    qw, kw = ref.f64(q) @ ref.f64(W1), ref.f64(k) @ ref.f64(W2)
    out = np.empty((B, H, Sq, D))
    for i in range(Sq):
        e = np.tanh(qw[:, :, i, None, :] + kw + ref.f64(b))  # [B,H,Skv,Dv]
        logits = MULTI_DIM_SCALE * e
        p = np.exp(logits - logits.max(axis=-2, keepdims=True))
        p /= p.sum(axis=-2, keepdims=True)
        out[:, :, i, :] = (p * ref.f64(v)).sum(axis=-2)
    edit = ("scale = 1.0 : f32", f"scale = {MULTI_DIM_SCALE} : f32")
    return {"edit": edit}, [q, k, v, W1, W2, b], out


def compositional(rng, B, H, Sq, Skv, D):
    if Skv < 2 * Sq - 1:
        raise SystemExit("compositional needs Skv >= 2 Sq - 1 (key 2i)")
    q = normal(rng, (B, H, Sq, D), 30.0)
    k = normal(rng, (B, H, Skv, D), 30.0)
    # Key 2i next to query i: |q - k|_1 / sqrt(D) ~ 0.6, a finite weight.
    k[:, :, 0:2 * Sq:2, :] = q + normal(rng, q.shape, 0.1)
    v = normal(rng, (B, H, Skv, D))
    inputs = [q, k, v]
    return {}, inputs, ref.reference("compositional", *inputs)


ROWS = {"general": general, "neg_l2": neg_l2,
        "multi_dimensional": multi_dimensional,
        "compositional": compositional}


def find_attn_run():
    return shutil.which("attn-run") or os.path.join(REPO, "build", "bin",
                                                    "attn-run")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("row", choices=sorted(ROWS))
    p.add_argument("--B", type=int, default=1)
    p.add_argument("--Sq", type=int, default=33)
    p.add_argument("--Skv", type=int, default=65)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--attn-run", dest="attn_run", default=None)
    p.add_argument("--examples",
                   default=os.path.join(REPO, "examples", "variants"))
    args = p.parse_args()

    with open(os.path.join(args.examples, args.row + ".mlir")) as f:
        module = f.read()
    heads = re.search(r"tensor<\?x(\d+)x\?x(\d+)xf32>", module)
    H, D = int(heads.group(1)), int(heads.group(2))
    rng = np.random.default_rng(args.seed)
    options, inputs, expected = ROWS[args.row](rng, args.B, H, args.Sq,
                                               args.Skv, D)
    if "edit" in options:
        old, new = options["edit"]
        if old not in module:
            raise SystemExit(f"{args.row}.mlir has no {old!r}")
        module = module.replace(old, new)

    workdir = tempfile.mkdtemp(prefix="attn-huge-logits-")
    try:
        path = os.path.join(workdir, args.row + ".mlir")
        with open(path, "w") as f:
            f.write(module)
        cmd = [args.attn_run or find_attn_run(), path]
        for n, array in enumerate(inputs):
            np.save(os.path.join(workdir, f"in{n}.npy"), array)
            cmd.append(f"--input=@{os.path.join(workdir, f'in{n}.npy')}")
        out_path = os.path.join(workdir, "out.npy")
        cmd.append(f"--output=@{out_path}")
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            print(f"attn-run failed ({proc.returncode}):\n{proc.stderr}")
            return 1
        out = np.load(out_path)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    label = (f"{args.row} huge-logits B={args.B} Sq={args.Sq} "
             f"Skv={args.Skv}")
    if out.shape != expected.shape or not np.all(np.isfinite(out)):
        print(f"{label}: shape {out.shape} (expected {expected.shape}), "
              f"{int((~np.isfinite(out)).sum())} NaN/Inf values FAIL")
        return 1
    err = np.abs(out.astype(np.float64) - expected)
    bad = err > ATOL + RTOL * np.abs(expected)
    verdict = "FAIL" if bad.any() else "PASS"
    print(f"{label}: max_abs_err={err.max():.3e} max|ref|="
          f"{np.abs(expected).max():.3e} {verdict}")
    if bad.any():
        worst = np.unravel_index(np.argmax(err), err.shape)
        print(f"  {int(bad.sum())} of {err.size} outside; worst at "
              f"{tuple(int(x) for x in worst)}: out={out[worst]!r} "
              f"ref={expected[worst]!r}")
    return 1 if bad.any() else 0


if __name__ == "__main__":
    sys.exit(main())
