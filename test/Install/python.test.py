"""Imports attn from the prefix given as argv[1], compiles a causal
attention built with the builder and checks it in float64."""

import os
import sys

import numpy as np

import attn

prefix = os.path.realpath(sys.argv[1])
location = os.path.realpath(os.path.dirname(attn.__file__))
assert location.startswith(prefix), location
print("loaded from", location)

q, k, v = (attn.input(n, ("B", 2, s, 16))
           for n, s in (("q", "Sq"), ("k", "Skv"), ("v", "Skv")))
m = attn.compile(attn.function(attn.attention(q, k, v, causal=True)))
print(m.main.signature)

rng = np.random.default_rng(0)
x = [rng.standard_normal((1, 2, s, 16)).astype(np.float32) for s in (5, 7, 7)]
s = np.einsum("bhid,bhjd->bhij", x[0], x[1]).astype(np.float64) / 4.0
i = np.arange(5)[:, None] + 2
s[..., np.arange(7)[None, :] > i] = -np.inf
p = np.exp(s - s.max(-1, keepdims=True))
ref = (p / p.sum(-1, keepdims=True)) @ x[2].astype(np.float64)
err = float(np.abs(m.main(*x) - ref).max())
print(f"max error {err:g}: {'ok' if err < 1e-4 else 'FAIL'}")
