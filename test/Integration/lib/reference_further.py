"""Float64 numpy reference for the further variants of shared/VARIANTS.md,
section F.

Written from the math of VARIANTS.md, one function per row, in plain numpy
(loops where they make the definition clearer), sharing no code with the
compiler. The inputs are the arguments of the row in the order VARIANTS.md
lists; everything is computed in float64. x is NCHW [N,C,H,W] (temporal:
[N,T,C,H,W]); position p = y*W + x.

Rows and their arguments -> results (the shapes of ROWS below):
  temporal      x [N,T,C,H,W], W [C,A], b [A], u [A] -> [N,C,H,W]
  pyramid       x [N,C,H,W], W [C,A], b [A], u [A] -> [N,21,C]
  ema           x [N,C,H,W], mu0 [K,C] -> [N,C,H,W]
  gumbel_heads  xq [B,Sq,E], xkv [B,Skv,E], Wq, Wk, Wv, Wo [E,E],
                logits [8], u [8] -> [B,Sq,E]
  criss_cross   x [N,C,H,W], Wq, Wk [C,Ck], Wv [C,C], gamma [1]
                -> [N,C,H,W]
  dilated_local x [N,C,H,W], Wq, Wk, Wv, Wo [C,C] -> [N,C,H,W]
  stand_alone   x [N,C,H,W], Wq, Wk, Wv [C,C], rel_h, rel_w [7,C/2]
                -> [N,C,H,W]

Entry points (as reference_vision.py):
  reference(name, *inputs) -> list of float64 results (one per result)
  ROWS[name]               -> argument and result shapes, input kinds
  make_inputs(name, dims, seed) -> float32 inputs
  self_test(check)         -> checks against independent formulations
"""

import math

import numpy as np

import reference_structure as rs
import reference_vision as rv

# Example parameter values fixed by VARIANTS.md.
LEVELS = (1, 2, 4)        # pyramid: 1 + 4 + 16 = 21 regions
EMA_ITERS = 3             # ema: EM iterations
EMA_EPS = 1e-6            # ema: Z / (1e-6 + sum_p Z)
GUMBEL_KEEP = 4           # gumbel_heads: heads that keep gate 1
HEADS = rs.NUM_HEADS      # gumbel_heads: 8 heads
RECURRENCE = 2            # criss_cross: applied twice
MAP_HEADS = 4             # dilated_local, stand_alone: 4 heads of C/4
DILATED_RADIUS = 1        # dilated_local: 3x3 neighbours, head h at r = h+1
SASA_RADIUS = 3           # stand_alone: the 7x7 window
# gumbel_heads: no two gamma closer than this (VARIANTS.md asks 1e-4).
GUMBEL_GAP = 1e-3

X = ("x", ("N", "C", "H", "W"), "act")
_POOL = [("W", ("C", "A"), "weight"), ("b", ("A",), "vector"),
         ("u", ("A",), "vector")]
ROWS = {
    "temporal": {
        "args": [("x", ("N", "T", "C", "H", "W"), "act")] + _POOL,
        "results": [("N", "C", "H", "W")],
        "dynamic": ("N", "T", "H", "W")},
    "pyramid": {
        "args": [X] + _POOL,
        "results": [("N", 21, "C")]},
    "ema": {
        "args": [X, ("mu0", ("K", "C"), "bases")],
        "results": [("N", "C", "H", "W")]},
    "gumbel_heads": {
        "args": [("xq", ("B", "Sq", "E"), "act"),
                 ("xkv", ("B", "Skv", "E"), "act")]
                + [(n, ("E", "E"), "weight") for n in ("Wq", "Wk", "Wv", "Wo")]
                + [("logits", (HEADS,), "gumbel"), ("u", (HEADS,), "gumbel")],
        "results": [("B", "Sq", "E")],
        "dynamic": ("B", "Sq", "Skv")},
    "criss_cross": {
        "args": [X, ("Wq", ("C", "Ck"), "weight"), ("Wk", ("C", "Ck"), "weight"),
                 ("Wv", ("C", "C"), "weight"), ("gamma", (1,), "gamma")],
        "results": [("N", "C", "H", "W")]},
    "dilated_local": {
        "args": [X] + [(n, ("C", "C"), "weight")
                       for n in ("Wq", "Wk", "Wv", "Wo")],
        "results": [("N", "C", "H", "W")]},
    "stand_alone": {
        "args": [X] + [(n, ("C", "C"), "weight") for n in ("Wq", "Wk", "Wv")]
                + [(n, (2 * SASA_RADIUS + 1, "Ch"), "vector")
                   for n in ("rel_h", "rel_w")],
        "results": [("N", "C", "H", "W")]},
}
NAMES = list(ROWS)

# Batch and map sizes are dynamic in the examples; channels static.
DYNAMIC = ("N", "H", "W")
DEFAULT_DIMS = {"N": 2, "T": 5, "C": 16, "A": 8, "K": 8, "Ck": 8, "H": 9,
                "W": 7, "E": 64, "Ch": 8}
# Rows whose batch may be empty in a test (--dim N=0).
EMPTY_OK = ("N",)


def f64(x):
    return np.asarray(x, dtype=np.float64)


def softmax(v, axis=-1):
    v = f64(v)
    e = np.exp(v - v.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# --------------------------------------------------------------------------
# The rows.
# --------------------------------------------------------------------------

def attention_pool(points, w, b, u):
    """alpha = softmax_p(u . tanh(x_p W + b)), c = sum_p alpha_p x_p for
    points [P,C]; zeros for P = 0."""
    points = f64(points)
    if points.shape[0] == 0:
        return np.zeros(points.shape[1])
    e = np.tanh(points @ f64(w) + f64(b)) @ f64(u)
    return softmax(e) @ points


def temporal(x, w, b, u):
    x = f64(x)
    N, T, C, H, W = x.shape
    y = np.zeros((N, C, H, W))
    for n in range(N):
        z = x[n].mean(axis=(2, 3))                     # [T,C]
        alpha = softmax(np.tanh(z @ f64(w) + f64(b)) @ f64(u))
        for t in range(T):
            y[n] += alpha[t] * x[n, t]
    return y


def pyramid_regions(H, W):
    """[(rows, cols)] of the 21 regions: level, then row-major region."""
    out = []
    for L in LEVELS:
        for a in range(L):
            for c in range(L):
                out.append((range(a * H // L, (a + 1) * H // L),
                            range(c * W // L, (c + 1) * W // L)))
    return out


def pyramid(x, w, b, u):
    x = f64(x)
    N, C, H, W = x.shape
    regions = pyramid_regions(H, W)
    out = np.zeros((N, len(regions), C))
    for n in range(N):
        for r, (rows, cols) in enumerate(regions):
            pts = [x[n, :, yy, xx] for yy in rows for xx in cols]
            out[n, r] = attention_pool(np.array(pts).reshape(-1, C), w, b, u)
    return out


def ema(x, mu0):
    x = f64(x)
    N, C, H, W = x.shape
    y = np.empty_like(x)
    for n in range(N):
        X = x[n].reshape(C, H * W).T                   # [HW,C]
        mu = f64(mu0)
        for _ in range(EMA_ITERS):
            Z = softmax(X @ mu.T, axis=1)              # [HW,K]
            Zb = Z / (EMA_EPS + Z.sum(axis=0, keepdims=True))
            mu = Zb.T @ X                              # [K,C]
            mu = mu / np.linalg.norm(mu, axis=1, keepdims=True)
        y[n] = (Z @ mu + X).T.reshape(C, H, W)
    return y


def gumbel_gates(logits, u):
    """1 for the GUMBEL_KEEP heads of largest logits - log(-log u)."""
    gamma = f64(logits) - np.log(-np.log(f64(u)))
    gates = np.zeros(len(gamma))
    gates[np.argsort(-gamma, kind="stable")[:GUMBEL_KEEP]] = 1.0
    return gates


def gumbel_heads(xq, xkv, wq, wk, wv, wo, logits, u):
    return rs.gated_heads(xq, xkv, wq, wk, wv, wo, gumbel_gates(logits, u))


def criss_cross_once(x, wq, wk, wv, gamma):
    """One criss-cross step: the keys of (y, x) are row y and column x,
    (y, x) itself once; s = q . k; y_p = gamma sum softmax(s) v + x_p."""
    x = f64(x)
    N, C, H, W = x.shape
    out = np.empty_like(x)
    for n in range(N):
        X = x[n].transpose(1, 2, 0)                    # [H,W,C]
        q, k, v = X @ f64(wq), X @ f64(wk), X @ f64(wv)
        for yy in range(H):
            for xx in range(W):
                keys = [(yy, c) for c in range(W)]
                keys += [(r, xx) for r in range(H) if r != yy]
                s = np.array([q[yy, xx] @ k[kk] for kk in keys])
                a = softmax(s)
                o = sum(a[i] * v[kk] for i, kk in enumerate(keys))
                out[n, :, yy, xx] = f64(gamma)[0] * o + X[yy, xx]
    return out


def criss_cross(x, wq, wk, wv, gamma):
    for _ in range(RECURRENCE):
        x = criss_cross_once(x, wq, wk, wv, gamma)
    return x


def map_attention(x, wq, wk, wv, neighbours, scale, rel=None):
    """Multi-head attention over the positions of each map, head h of
    width D = C/4 (columns h*D .. h*D+D-1): the keys of (y, x) are
    neighbours(h, y, x) -> [((ky, kx), (a, b))] inside the map, s = scale *
    q . (k + rel(a, b)[head columns]) and softmax over them; heads
    concatenated -> [N,C,H,W]."""
    x = f64(x)
    N, C, H, W = x.shape
    D = C // MAP_HEADS
    out = np.zeros_like(x)
    for n in range(N):
        X = x[n].transpose(1, 2, 0)                    # [H,W,C]
        q, k, v = X @ f64(wq), X @ f64(wk), X @ f64(wv)
        for h in range(MAP_HEADS):
            cols = slice(h * D, (h + 1) * D)
            for yy in range(H):
                for xx in range(W):
                    keys = [(ky, kx, a, b) for (ky, kx), (a, b)
                            in neighbours(h, yy, xx)
                            if 0 <= ky < H and 0 <= kx < W]
                    s = []
                    for ky, kx, a, b in keys:
                        kk = k[ky, kx, cols]
                        if rel is not None:
                            kk = kk + rel(a, b)[cols]
                        s.append(scale * (q[yy, xx, cols] @ kk))
                    p = softmax(np.array(s))
                    out[n, cols, yy, xx] = sum(
                        p[i] * v[ky, kx, cols]
                        for i, (ky, kx, _, _) in enumerate(keys))
    return out


def dilated_local(x, wq, wk, wv, wo):
    """DilateFormer's multi-scale dilated attention: head h sees the 3x3
    neighbours (y + r a, x + r b), r = h + 1; s = q . k / sqrt(D); heads
    concatenated, then . Wo."""
    R = DILATED_RADIUS
    D = f64(x).shape[1] // MAP_HEADS

    def neighbours(h, yy, xx):
        r = h + 1
        return [((yy + r * a, xx + r * b), (a, b))
                for a in range(-R, R + 1) for b in range(-R, R + 1)]

    o = map_attention(x, wq, wk, wv, neighbours, 1.0 / math.sqrt(D))
    return np.einsum("nchw,co->nohw", o, f64(wo))


def stand_alone(x, wq, wk, wv, rel_h, rel_w):
    """Stand-alone self-attention: keys in the 7x7 window, s = q . (k +
    r_ab) with r_ab = concat(rel_h[a+3], rel_w[b+3]) (no scale); heads
    concatenated, no output projection."""
    R = SASA_RADIUS

    def neighbours(h, yy, xx):
        return [((yy + a, xx + b), (a, b))
                for a in range(-R, R + 1) for b in range(-R, R + 1)]

    def rel(a, b):
        return np.concatenate([f64(rel_h)[a + R], f64(rel_w)[b + R]])

    return map_attention(x, wq, wk, wv, neighbours, 1.0, rel)


_FUNCS = {"temporal": temporal, "pyramid": pyramid, "ema": ema,
          "gumbel_heads": gumbel_heads, "criss_cross": criss_cross,
          "dilated_local": dilated_local, "stand_alone": stand_alone}


def reference(name, *inputs):
    """Float64 results of row `name`, as a list (one entry per result)."""
    return [_FUNCS[name](*inputs)]


# --------------------------------------------------------------------------
# Inputs.
# --------------------------------------------------------------------------

def shape_of(shape, dims):
    return tuple(s if isinstance(s, int) else dims[s] for s in shape)


def gumbel_inputs(rng, n):
    """(logits, u) whose gammas, computed from the float32 values, are at
    least GUMBEL_GAP apart, so the top 4 is not decided by rounding."""
    while True:
        logits = rng.standard_normal(n).astype(np.float32)
        u = rng.uniform(0.02, 0.98, n).astype(np.float32)
        g = np.sort(f64(logits) - np.log(-np.log(f64(u))))
        if np.diff(g).min() > GUMBEL_GAP:
            return logits, u


def make_inputs(name, dims, seed):
    """Float32 inputs of row `name`: activations, weights, vectors and
    gamma drawn as reference_vision.KINDS draws them (N(0,1), N(0,
    1/fan_in), N(0, 1/4), either sign); bases N(0, 1/C); the Gumbel
    logits and u as gumbel_inputs draws them."""
    rng = np.random.default_rng(seed)
    out = []
    gumbel = None
    for _, shape, kind in ROWS[name]["args"]:
        shp = shape_of(shape, dims)
        if kind in rv.KINDS:
            v = rv.KINDS[kind](rng, shp, "random")
        elif kind == "bases":
            v = rng.standard_normal(shp) / math.sqrt(shp[1])
        elif kind == "gumbel":
            if gumbel is None:
                gumbel = list(gumbel_inputs(rng, shp[0]))
            v = gumbel.pop(0)
        else:
            raise ValueError(f"unknown input kind {kind!r}")
        out.append(np.ascontiguousarray(v, dtype=np.float32))
    return out


# --------------------------------------------------------------------------
# Self-test: each row against a formulation that shares no code with it.
# --------------------------------------------------------------------------

def _bands(size, L):
    """[L,size] membership of index i in band a: floor(a size/L) <= i <
    floor((a+1) size/L)."""
    a = np.arange(L)[:, None]
    i = np.arange(size)[None, :]
    return (a * size // L <= i) & (i < (a + 1) * size // L)


def _pyramid_masked(x, w, b, u):
    """pyramid with region membership as masks over the whole map."""
    x = f64(x)
    N, C, H, W = x.shape
    e = np.einsum("nchw,ca->nhwa", x, f64(w))
    e = np.tanh(e + f64(b)) @ f64(u)                   # [N,H,W]
    out = []
    for L in LEVELS:
        ra, ca = _bands(H, L), _bands(W, L)             # [L,H], [L,W]
        for a in range(L):
            for c in range(L):
                m = ra[a][:, None] & ca[c][None, :]     # [H,W]
                if not m.any():
                    out.append(np.zeros((N, C)))
                    continue
                s = np.where(m, e, -np.inf)
                s = s - s.max(axis=(1, 2), keepdims=True)
                p = np.exp(s) / np.exp(s).sum(axis=(1, 2), keepdims=True)
                out.append(np.einsum("nhw,nchw->nc", p, x))
    return np.stack(out, axis=1)


def _criss_cross_dense(x, wq, wk, wv, gamma):
    """criss_cross as one masked attention over all H*W positions."""
    x = f64(x)
    N, C, H, W = x.shape
    for _ in range(RECURRENCE):
        X = x.reshape(N, C, H * W).transpose(0, 2, 1)  # [N,P,C]
        q, k, v = X @ f64(wq), X @ f64(wk), X @ f64(wv)
        yy, xx = np.divmod(np.arange(H * W), W)
        vis = (yy[:, None] == yy[None, :]) | (xx[:, None] == xx[None, :])
        s = np.where(vis, q @ k.transpose(0, 2, 1), -np.inf)
        o = softmax(s, axis=2) @ v
        x = (f64(gamma)[0] * o + X).transpose(0, 2, 1).reshape(N, C, H, W)
    return x


def _map_dense(x, wq, wk, wv, scale, visible, rel_scores=None):
    """Per head: one masked attention over all H*W positions; visible(h,
    dy, dx) -> bool matrix, rel_scores(h, q, dy, dx) -> extra scores."""
    x = f64(x)
    N, C, H, W = x.shape
    D = C // MAP_HEADS
    X = x.reshape(N, C, H * W).transpose(0, 2, 1)      # [N,P,C]
    q, k, v = X @ f64(wq), X @ f64(wk), X @ f64(wv)
    yy, xx = np.divmod(np.arange(H * W), W)
    dy, dx = yy[None, :] - yy[:, None], xx[None, :] - xx[:, None]
    out = np.zeros((N, H * W, C))
    for h in range(MAP_HEADS):
        c = slice(h * D, (h + 1) * D)
        s = scale * (q[:, :, c] @ k[:, :, c].transpose(0, 2, 1))
        if rel_scores is not None:
            s = s + rel_scores(h, q[:, :, c], dy, dx)
        s = np.where(visible(h, dy, dx)[None], s, -np.inf)
        out[:, :, c] = softmax(s, axis=2) @ v[:, :, c]
    return out.transpose(0, 2, 1).reshape(N, C, H, W)


def _dilated_local_dense(x, wq, wk, wv, wo):
    D = f64(x).shape[1] // MAP_HEADS

    def visible(h, dy, dx):
        r = h + 1
        return ((dy % r == 0) & (dx % r == 0) &
                (np.abs(dy) <= r * DILATED_RADIUS) &
                (np.abs(dx) <= r * DILATED_RADIUS))

    o = _map_dense(x, wq, wk, wv, 1.0 / math.sqrt(D), visible)
    return np.einsum("nchw,co->nohw", o, f64(wo))


def _stand_alone_dense(x, wq, wk, wv, rel_h, rel_w):
    R = SASA_RADIUS
    D = f64(x).shape[1] // MAP_HEADS
    half = f64(rel_h).shape[1]

    def visible(h, dy, dx):
        return (np.abs(dy) <= R) & (np.abs(dx) <= R)

    def rel_scores(h, q, dy, dx):
        # Head h's columns of concat(rel_h, rel_w): from one table only.
        c0 = h * D
        table, steps = ((f64(rel_h)[:, c0:c0 + D], dy) if c0 < half
                        else (f64(rel_w)[:, c0 - half:c0 - half + D], dx))
        qr = q @ table.T                               # [N,P,7]
        idx = np.clip(steps + R, 0, 2 * R)
        return np.take_along_axis(
            qr, np.broadcast_to(idx, qr.shape[:1] + idx.shape), axis=2)

    return _map_dense(x, wq, wk, wv, 1.0, visible, rel_scores)


def self_test(check):
    """`check(cond, what)` records a failure; returns the comparisons."""
    count = 0

    def close(a, b, what):
        nonlocal count
        count += 1
        a, b = f64(a), f64(b)
        check(a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-12),
              f"further self-test: {what}")

    for (N, H, W) in [(1, 5, 3), (2, 1, 1), (1, 1, 6), (2, 4, 4), (0, 3, 3)]:
        tag = f"N={N} H={H} W={W}"
        dims = dict(DEFAULT_DIMS, N=N, H=H, W=W, T=3)
        args = make_inputs("pyramid", dims, N + H + W)
        close(pyramid(*args), _pyramid_masked(*args), f"pyramid vs masks, {tag}")
        args = make_inputs("criss_cross", dims, 2 * N + H)
        close(criss_cross(*args), _criss_cross_dense(*args),
              f"criss_cross vs dense masked attention, {tag}")
        close(criss_cross(args[0], *args[1:4], [0.0]), args[0],
              f"criss_cross with gamma = 0, {tag}")
        args = make_inputs("dilated_local", dims, 3 * N + W)
        close(dilated_local(*args), _dilated_local_dense(*args),
              f"dilated_local vs dense masked attention, {tag}")
        args = make_inputs("stand_alone", dims, 5 * N + H)
        close(stand_alone(*args), _stand_alone_dense(*args),
              f"stand_alone vs dense masked attention, {tag}")
        # temporal with T = 1 returns the frame; identical frames too.
        x, w, b, u = make_inputs("temporal", dict(dims, T=1), N + W)
        close(temporal(x, w, b, u), x[:, 0], f"temporal T = 1, {tag}")
        close(temporal(np.repeat(x, 3, axis=1), w, b, u), x[:, 0],
              f"temporal of equal frames, {tag}")
        # ema: the result is X plus a convex combination of unit bases.
        x, mu0 = make_inputs("ema", dims, N + 3 * H)
        d = np.linalg.norm(ema(x, mu0) - f64(x), axis=1)
        check(np.all(d <= 1 + 1e-9), f"further self-test: ema |Z mu| <= 1, {tag}")
        count += 1

    # pyramid on a 1x1 map: every non-empty region is that pixel.
    x, w, b, u = make_inputs("pyramid", dict(DEFAULT_DIMS, N=1, H=1, W=1), 3)
    got = pyramid(x, w, b, u)[0]
    nonempty = [r for r, (rows, cols) in enumerate(pyramid_regions(1, 1))
                if len(rows) and len(cols)]
    check(nonempty == [0, 4, 20] and np.allclose(got[nonempty], f64(x)[0, :, 0, 0])
          and not np.delete(got, nonempty, axis=0).any(),
          "further self-test: pyramid of one pixel")
    count += 1

    # gumbel: the gates as a sort of the Gumbel scores, and the drawn
    # inputs keep their gaps.
    rng = np.random.default_rng(4)
    for _ in range(20):
        logits, u = gumbel_inputs(rng, HEADS)
        g = f64(logits) - np.log(-np.log(f64(u)))
        keep = {h for h in range(HEADS) if (g > g[h]).sum() < GUMBEL_KEEP}
        close(gumbel_gates(logits, u), [1.0 if h in keep else 0.0
                                        for h in range(HEADS)],
              "gumbel gates by rank")
    dims = dict(DEFAULT_DIMS, B=2, Sq=3, Skv=5)
    args = make_inputs("gumbel_heads", dims, 9)
    keep = gumbel_gates(*args[6:])
    D = dims["E"] // HEADS
    wo = f64(args[5]) * np.repeat(keep, D)[:, None]    # dropped heads' rows 0
    close(gumbel_heads(*args), rs.multi_head(*args[:5], wo),
          "gumbel_heads as multi_head with the dropped heads' Wo rows zero")
    return count
