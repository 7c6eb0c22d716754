"""Checks attn-run's output of Inputs/attention.mlir against a float64
reference of scaled dot-product attention (shared/VARIANTS.md).

  check-attention.py [--causal] [--bf16] Q K V O

--bf16: the inputs are rounded to bfloat16 first (as attn-run does) and the
tolerance is that of f16/bf16; otherwise that of f32.
"""
import sys

import numpy as np


def bf16(a):
    """float32 -> bfloat16 -> float32, ties to even (finite inputs)."""
    bits = a.astype(np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16
    return bits.astype(np.uint32).view(np.float32)


args = sys.argv[1:]
causal = "--causal" in args
low = "--bf16" in args
q, k, v, o = [np.load(p) for p in args if not p.startswith("--")]
if low:
    q, k, v = bf16(q), bf16(k), bf16(v)
q, k, v = (x.astype(np.float64) for x in (q, k, v))
s = np.einsum("bhid,bhjd->bhij", q, k) / np.sqrt(q.shape[-1])
if causal:
    sq, skv = s.shape[-2:]
    i = np.arange(sq)[:, None] + (skv - sq)
    s = np.where(np.arange(skv)[None, :] <= i, s, -np.inf)
p = np.exp(s - s.max(-1, keepdims=True))
ref = np.einsum("bhij,bhjd->bhid", p / p.sum(-1, keepdims=True), v)

atol, rtol = (2e-2, 2e-2) if low else (1e-4, 1e-3)
if o.shape != ref.shape or o.dtype != np.float32:
    sys.exit("output %s%s, want float32%s" % (o.dtype, o.shape, ref.shape))
err = np.abs(o - ref) - (atol + rtol * np.abs(ref))
if (err > 0).any():
    sys.exit("mismatch: worst excess %g at %s" %
             (err.max(), np.unravel_index(err.argmax(), err.shape)))
print("ok: %d values within tolerance" % o.size)
