"""Checks a result .npy against a NumPy expression.

  expect.py [--tol ATOL,RTOL] OUT.npy EXPR NAME=PATH ...

EXPR is evaluated with numpy as `np`, every NAME bound to its loaded array,
`bf16(a)` (float32 rounded to bfloat16, ties to even) and `e4m3(a)` (to FP8
E4M3FN, ties to even, saturating at +-448). Without --tol the
dtype, shape and values must match exactly (NaN matches NaN); with it,
|out - want| <= ATOL + RTOL * |want|.
"""
import sys

import numpy as np


def bf16(a):
    """Rounds to bfloat16 through float64: 8 significant bits, ties to even,
    subnormal step 2^-133, overflow to infinity."""
    a = np.asarray(a, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        _, exp = np.frexp(np.abs(a))
        step = np.ldexp(1.0, np.maximum(exp - 8, -133))
        out = np.where(np.isfinite(a), np.round(a / step) * step, a)
        out = np.where(np.abs(out) > (2 - 2.0**-7) * 2.0**127,
                       np.sign(out) * np.inf, out)
    return out.astype(np.float32)


def e4m3(a):
    """Rounds to FP8 E4M3FN through float64: 4 significant bits, ties to
    even, subnormal step 2^-9; magnitudes of 448 and more (infinities too)
    saturate to 448, as the runtime narrows (no infinities in the format)."""
    a = np.asarray(a, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        _, exp = np.frexp(np.abs(np.where(np.isfinite(a), a, 0)))
        step = np.ldexp(1.0, np.maximum(exp - 4, -9))
        out = np.where(np.isfinite(a), np.round(a / step) * step, a)
        out = np.where(np.abs(out) >= 448, np.sign(out) * 448, out)
    return out.astype(np.float32)


args = sys.argv[1:]
tol = None
if args[0] == "--tol":
    tol = [float(t) for t in args[1].split(",")]
    args = args[2:]
out_path, expr = args[0], args[1]
names = {"np": np, "bf16": bf16, "e4m3": e4m3}
for binding in args[2:]:
    name, path = binding.split("=", 1)
    names[name] = np.load(path)
got = np.load(out_path)
want = np.asarray(eval(expr, names))

if got.shape != want.shape:
    sys.exit("%s: shape %s, want %s" % (out_path, got.shape, want.shape))
if tol is None:
    if got.dtype != want.dtype:
        sys.exit("%s: dtype %s, want %s" % (out_path, got.dtype, want.dtype))
    ok = np.array_equal(got, want, equal_nan=got.dtype.kind == "f")
else:
    want = want.astype(np.float64)
    err = np.abs(got.astype(np.float64) - want)
    ok = bool((err <= tol[0] + tol[1] * np.abs(want)).all())
if not ok:
    sys.exit("%s: values differ from %s" % (out_path, expr))
print("ok: %s" % out_path.rsplit("/", 1)[-1])
