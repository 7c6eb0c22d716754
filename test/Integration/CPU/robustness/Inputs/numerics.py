#!/usr/bin/env python3
"""Numerical robustness of compiled attention, through attn-run.

  numerics.py CASE [--attn-run PATH] [--examples DIR]

Each CASE runs modules of examples/variants on crafted inputs and checks the
outputs against the float64 reference of test/Integration/lib/reference.py
(or an exact expectation). Prints one `CASE/check: PASS` line per check and
exits 0, or prints what differs and exits 1.

Cases:
  masked        rows with no visible key output zeros: all-false bool masks,
                key lengths 0 (and out of range), biases of -inf on whole
                rows; -inf bias entries act as masked keys; a +inf bias entry
                makes its row NaN (inf - inf, as in the float64 reference)
                and leaves every other row exact.
  large-logits  logits of magnitude ~1e4 (from q.k, or from a bias shift
                of +-1e4), and a 1e30 bias: outputs stay finite and match.
  nan           a NaN in q, k, v or the bias makes NaN the output rows that
                see it; all other rows stay finite and match; no crash.
  f16-overflow  f16 inputs near the top of the f16 range (|x| ~ 60000):
                values, and logits of ~4e8 from q.k: finite, exact argmax.
  determinism   the same inputs give bit-identical outputs across runs and
                across OMP_NUM_THREADS=1 and 2.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean under lit
REPO = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "test", "Integration", "lib"))
import reference as ref  # noqa: E402

F32_TOL = (1e-4, 1e-3)  # atol, rtol of shared/VARIANTS.md for f32
F16_TOL = (2e-2, 2e-2)


class Runner:
    def __init__(self, attn_run, examples, workdir):
        self.attn_run = attn_run
        self.examples = examples
        self.workdir = workdir
        self.count = 0
        self.failures = 0

    def run(self, variant, inputs, env=None, extra=(), module=None):
        """Runs examples/variants/VARIANT.mlir (or `module`, a variant of
        it) on `inputs`; returns the output array."""
        self.count += 1
        paths = []
        for i, array in enumerate(inputs):
            path = os.path.join(self.workdir, f"in{self.count}_{i}.npy")
            np.save(path, array)
            paths.append(path)
        out = os.path.join(self.workdir, f"out{self.count}.npy")
        cmd = [self.attn_run,
               module or os.path.join(self.examples, variant + ".mlir")]
        cmd += [f"--input=@{p}" for p in paths] + [f"--output=@{out}"]
        cmd += list(extra)
        full_env = dict(os.environ)
        full_env.update(env or {})
        proc = subprocess.run(cmd, env=full_env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"attn-run failed ({proc.returncode}) on "
                             f"{module or variant}:\n{proc.stderr}")
        return np.load(out)

    def check(self, name, ok, detail=""):
        if ok:
            print(f"{name}: PASS")
        else:
            self.failures += 1
            print(f"{name}: FAIL {detail}")


def close(out, want, tol):
    """Elementwise |out - want| <= atol + rtol |want|; both finite."""
    out, want = np.asarray(out, np.float64), np.asarray(want, np.float64)
    atol, rtol = tol
    if out.shape != want.shape:
        return False, f"shape {out.shape} != {want.shape}"
    if not np.isfinite(out).all():
        return False, f"{np.count_nonzero(~np.isfinite(out))} non-finite"
    err = np.abs(out - want)
    bad = err > atol + rtol * np.abs(want)
    if bad.any():
        return False, f"max error {err.max():.3g} at {np.argwhere(bad)[0]}"
    return True, ""


def normal(rng, shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def qkv(rng, b, h, sq, skv, d=64, dtype=np.float32):
    return (normal(rng, (b, h, sq, d), dtype), normal(rng, (b, h, skv, d), dtype),
            normal(rng, (b, h, skv, d), dtype))


# ---------------------------------------------------------------------------
def case_masked(r, rng):
    B, H, SQ, SKV = 2, 4, 40, 70
    q, k, v = qkv(rng, B, H, SQ, SKV)

    mask = np.zeros((B, 1, SQ, SKV), dtype=bool)
    out = r.run("bool_mask", [q, k, v, mask])
    r.check("masked/all-false-mask-zeros", np.array_equal(out, np.zeros_like(out)),
            f"max |out| {np.abs(out).max()}")

    for name, lengths in (("zero", [0, 0]),
                          ("out-of-range", [-5, 10**6]),
                          ("extremes", [-2**31, 2**31 - 1])):
        lengths = np.array(lengths, dtype=np.int32)
        out = r.run("key_padding", [q, k, v, lengths])
        want = ref.reference("key_padding", q, k, v, lengths)
        ok, why = close(out, want, F32_TOL)
        r.check(f"masked/key-lengths-{name}", ok, why)

    # -inf on every key of the even rows: those rows have no usable key.
    bias = normal(rng, (B, H, SQ, SKV))
    bias[:, :, ::2, :] = -np.inf
    out = r.run("bias", [q, k, v, bias])
    r.check("masked/bias-minus-inf-rows-zeros",
            np.array_equal(out[:, :, ::2], np.zeros_like(out[:, :, ::2])),
            f"max |out| {np.abs(out[:, :, ::2]).max()}")
    ok, why = close(out[:, :, 1::2],
                    ref.reference("bias", q, k, v, bias)[:, :, 1::2], F32_TOL)
    r.check("masked/bias-minus-inf-other-rows", ok, why)

    # -inf entries act as masked keys.
    bias = normal(rng, (B, H, SQ, SKV))
    bias[rng.random(bias.shape) < 0.5] = -np.inf
    out = r.run("bias", [q, k, v, bias])
    ok, why = close(out, ref.reference("bias", q, k, v, bias), F32_TOL)
    r.check("masked/bias-minus-inf-entries", ok, why)

    # +inf in one entry of row 3 (head 1, batch 0): that row is NaN, every
    # other row exact.
    bias = normal(rng, (B, H, SQ, SKV))
    bias[0, 1, 3, 17] = np.inf
    out = r.run("bias", [q, k, v, bias])
    r.check("masked/bias-plus-inf-row-nan", np.isnan(out[0, 1, 3]).all())
    rows = np.ones((B, H, SQ), dtype=bool)
    rows[0, 1, 3] = False
    ok, why = close(out[rows], ref.reference("bias", q, k, v, bias)[rows],
                    F32_TOL)
    r.check("masked/bias-plus-inf-other-rows", ok, why)


# ---------------------------------------------------------------------------
def case_large_logits(r, rng):
    B, H, SQ, SKV = 1, 4, 70, 130
    # k = +-4, and q row i = +-300 times the signs of a chosen key j_i plus
    # small integers: exact dot products, logits (scale 1/8) of about +-9600
    # for the chosen key of each row (positive on even rows, negative on odd
    # rows) and a few thousand for the others.
    k = (4 * rng.choice([-1, 1], (B, H, SKV, 64))).astype(np.float32)
    chosen = rng.integers(0, SKV, (B, H, SQ))
    sign = np.where(np.arange(SQ) % 2 == 0, 1, -1).reshape(1, 1, SQ, 1)
    q = (sign * 75 * np.take_along_axis(k, chosen[..., None], axis=2)
         + rng.integers(-10, 11, (B, H, SQ, 64))).astype(np.float32)
    v = normal(rng, (B, H, SKV, 64))
    s = ref.dot_scores(q, k) / 8.0
    print(f"large-logits: max |logit| {np.abs(s).max():.0f}")
    out = r.run("scaled_dot", [q, k, v])
    want = ref.reference("scaled_dot", q, k, v)
    # Logits of ~1e4 carry an f32 rounding of ~1e-3, which shifts weights of
    # near-tied keys by as much: the tolerance is on that scale.
    ok, why = close(out, want, (2e-2 * np.abs(v).max(), 0.0))
    r.check("large-logits/qk-1e4", ok, why)

    q, k, v = qkv(rng, B, H, SQ, SKV)
    base = normal(rng, (B, H, SQ, SKV))
    want = ref.reference("bias", q, k, v, base)
    for shift in (1e4, -1e4):
        out = r.run("bias", [q, k, v, (base + np.float32(shift)).astype(np.float32)])
        # Softmax is shift invariant; the f32 rounding of s + 1e4 is ~1e-3.
        ok, why = close(out, want, (1e-2, 1e-2))
        r.check(f"large-logits/bias-shift-{shift:+.0e}", ok, why)

    # A bias of 1e30 on one key per row: that key takes all the weight.
    bias = normal(rng, (B, H, SQ, SKV))
    chosen = rng.integers(0, SKV, (B, H, SQ))
    np.put_along_axis(bias, chosen[..., None], np.float32(1e30), axis=-1)
    out = r.run("bias", [q, k, v, bias])
    want = np.take_along_axis(v, chosen[..., None], axis=2)
    ok, why = close(out, want, F32_TOL)
    r.check("large-logits/bias-1e30-one-hot", ok, why)

    # Soft-capping bounds the logits: q.k of ~1e4 stays finite and exact.
    q = (normal(rng, (B, H, SQ, 64)) * 30).astype(np.float32)
    k = (normal(rng, (B, H, SKV, 64)) * 30).astype(np.float32)
    out = r.run("softcap", [q, k, v])
    ok, why = close(out, ref.reference("softcap", q, k, v), F32_TOL)
    r.check("large-logits/softcap", ok, why)


# ---------------------------------------------------------------------------
def case_nan(r, rng):
    B, H, SQ, SKV = 2, 4, 100, 100
    q, k, v = qkv(rng, B, H, SQ, SKV)
    want = ref.reference("scaled_dot", q, k, v)

    qn = q.copy()
    qn[0, 1, 3, 5] = np.nan
    out = r.run("scaled_dot", [qn, k, v])
    rows = np.ones((B, H, SQ), dtype=bool)
    rows[0, 1, 3] = False
    r.check("nan/q-row-nan", np.isnan(out[0, 1, 3]).all())
    ok, why = close(out[rows], want[rows], F32_TOL)
    r.check("nan/q-other-rows", ok, why)

    # Causal: key 50 of head 2 is seen by rows i >= 50 only.
    kn = k.copy()
    kn[0, 2, 50, 7] = np.nan
    out = r.run("causal", [q, kn, v])
    want_c = ref.reference("causal", q, k, v)
    r.check("nan/k-rows-that-see-it-nan", np.isnan(out[0, 2, 50:]).all())
    rows = np.ones((B, H, SQ), dtype=bool)
    rows[0, 2, 50:] = False
    ok, why = close(out[rows], want_c[rows], F32_TOL)
    r.check("nan/k-rows-that-do-not-see-it", ok, why)

    # A NaN in feature 3 of value row 40: column 3 of the rows that see
    # key 40 is NaN, the other columns stay exact. (Rows that do not see it
    # may or may not be NaN in column 3: 0 * NaN is NaN in a key tile that
    # is computed for them.)
    vn = v.copy()
    vn[1, 0, 40, 3] = np.nan
    out = r.run("causal", [q, k, vn])
    r.check("nan/v-column-nan", np.isnan(out[1, 0, 40:, 3]).all())
    cols = np.ones(out.shape, dtype=bool)
    cols[1, 0, :, 3] = False
    ok, why = close(out[cols], want_c[cols], F32_TOL)
    r.check("nan/v-other-columns", ok, why)

    bias = normal(rng, (B, H, SQ, SKV))
    bias[1, 3, 9, 60] = np.nan
    out = r.run("bias", [q, k, v, bias])
    want_b = ref.reference("bias", q, k, v, bias)
    r.check("nan/bias-row-nan", np.isnan(out[1, 3, 9]).all())
    rows = np.ones((B, H, SQ), dtype=bool)
    rows[1, 3, 9] = False
    ok, why = close(out[rows], want_b[rows], F32_TOL)
    r.check("nan/bias-other-rows", ok, why)

    # Everything NaN: NaN out, no crash; also through f16 and bf16.
    nan = np.full(q.shape, np.nan, dtype=np.float32)
    out = r.run("causal", [nan, nan, nan])
    r.check("nan/all-nan-f32", np.isnan(out).all())
    out = r.run("causal_bf16", [nan, nan, nan])
    r.check("nan/all-nan-bf16", np.isnan(out).all())
    nan16 = nan.astype(np.float16)
    out = r.run("causal_f16", [nan16, nan16, nan16])
    r.check("nan/all-nan-f16", out.dtype == np.float16 and np.isnan(out).all())


# ---------------------------------------------------------------------------
def case_f16_overflow(r, rng):
    B, H, SQ, SKV = 1, 4, 50, 90
    for variant in ("scaled_dot_f16", "causal_f16"):
        # Values near the top of the f16 range (max 65504): a convex
        # combination, accumulated in f32, stays in range.
        q, k, _ = qkv(rng, B, H, SQ, SKV, dtype=np.float16)
        v = rng.uniform(-60000, 60000, (B, H, SKV, 64)).astype(np.float16)
        out = r.run(variant, [q, k, v])
        want = ref.reference(variant, q, k, v)
        ok, why = close(out, want, (2e-3 * 60000, F16_TOL[1]))
        r.check(f"f16-overflow/{variant}/values-60000", ok, why)
        r.check(f"f16-overflow/{variant}/dtype", out.dtype == np.float16)

        # q and k of 60000: logits ~4e8 (f32), far beyond f16. One key per
        # row wins by ~5e5: the output is exactly its value row.
        q = np.zeros((B, H, SQ, 64), dtype=np.float16)
        q[..., 0] = 60000
        k = normal(rng, (B, H, SKV, 64), np.float16)
        k[..., 0] = (rng.permutation(SKV) + 1).astype(np.float16) * 64
        k[..., 0] = np.minimum(k[..., 0], 60000)
        out = r.run(variant, [q, k, v])
        want = ref.reference(variant, q, k, v)
        ok, why = close(out, want, F16_TOL)
        r.check(f"f16-overflow/{variant}/logits-4e8", ok, why)


# ---------------------------------------------------------------------------
def case_determinism(r, rng):
    # Several work items per thread: B * H * ceil(Sq / 32) = 2 * 4 * 7.
    B, H, SQ, SKV = 2, 4, 200, 300
    q, k, v = qkv(rng, B, H, SQ, SKV)
    mask = rng.random((B, 1, SQ, SKV)) < 0.7
    # Decomposed rows: their linalg ops are distributed row by row
    # (attn-parallelize), reductions inside a row.
    f32 = np.float32
    x = rng.standard_normal((2, 64, 9, 11)).astype(f32)
    w = [(rng.standard_normal(s) * 0.2).astype(f32)
         for s in ((64, 16), (16,), (16, 64), (64,), (1, 2, 7, 7), (1,))]
    e = 64
    xs = rng.standard_normal((2, 37, e)).astype(f32)
    proj = [(rng.standard_normal((e, e)) * 0.1).astype(f32) for _ in range(4)]
    x16 = rng.standard_normal((2, 16, 6, 7)).astype(f32)
    nl = [(rng.standard_normal(s) * 0.2).astype(f32)
          for s in ((16, 8), (16, 8), (16, 8), (8, 16))]
    for variant, inputs in (("causal", [q, k, v]),
                            ("bool_mask", [q, k, v, mask]),
                            ("scaled_dot_bf16", [q, k, v]),
                            ("cbam", [x] + w),
                            ("multi_head", [xs, xs] + proj),
                            ("non_local", [x16] + nl)):
        outs = [r.run(variant, inputs, env={"OMP_NUM_THREADS": str(t)})
                for t in (2, 2, 1, 1, 2)]
        same = all(o.tobytes() == outs[0].tobytes() for o in outs[1:])
        r.check(f"determinism/{variant}", same and np.isfinite(outs[0]).all())


CASES = {
    "masked": case_masked,
    "large-logits": case_large_logits,
    "nan": case_nan,
    "f16-overflow": case_f16_overflow,
    "determinism": case_determinism,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("--attn-run", default=shutil.which("attn-run"))
    parser.add_argument("--examples",
                        default=os.path.join(REPO, "examples", "variants"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not args.attn_run:
        raise SystemExit("attn-run not found on PATH (pass --attn-run)")
    with tempfile.TemporaryDirectory(prefix="attn-numerics-") as tmp:
        r = Runner(args.attn_run, args.examples, tmp)
        with np.errstate(invalid="ignore", over="ignore"):
            CASES[args.case](r, np.random.default_rng(args.seed))
    if r.failures:
        print(f"{args.case}: {r.failures} check(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
