"""Checks the weights attn-run --dump-weights wrote for
examples/variants/multi_head.mlir (8 heads of D = 8) against float64:
P_h = softmax((xq Wq_h)(xkv Wk_h)^T / sqrt(8)), with Wq_h the columns
8h..8h+7 of Wq. Usage: check-multi-head-weights.py xq xkv wq wk weights"""

import sys

import numpy as np

xq, xkv, wq, wk, got = (np.load(p).astype(np.float64) for p in sys.argv[1:6])
heads, d = 8, 8
q = (xq @ wq).reshape(xq.shape[0], xq.shape[1], heads, d).transpose(0, 2, 1, 3)
k = (xkv @ wk).reshape(xkv.shape[0], xkv.shape[1], heads, d).transpose(0, 2, 1, 3)
s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(d)
p = np.exp(s - s.max(-1, keepdims=True))
p /= p.sum(-1, keepdims=True)
err = np.abs(got - p).max()
ok = got.shape == p.shape and err <= 1e-5
print(f"shape {got.shape}, max abs error {err:.2e}: {'ok' if ok else 'WRONG'}")
sys.exit(0 if ok else 1)
