"""Float64 numpy reference for the vision rows of shared/VARIANTS.md,
section E.

Written from the math of VARIANTS.md, one function per row, in plain numpy
(loops where they make the definition clearer), sharing no code with the
compiler. The inputs are the arguments of the row in the order VARIANTS.md
lists; everything is computed in float64. x is NCHW [N,C,H,W].

Rows and their arguments -> results (the shapes of ROWS below):
  squeeze_excite    x [N,C,H,W], W1 [C,R], b1 [R], W2 [R,C], b2 [C]
                    -> [N,C,H,W]
  eca               x, w [3] -> [N,C,H,W]
  spatial           x, Ws [1,2,7,7], bs [1] -> [N,C,H,W]
  cbam              x, W1, b1, W2, b2, Ws, bs -> [N,C,H,W]
  selective_kernel  u1, u2 [N,C,H,W], Wfc [C,Z], bfc [Z], Wa, Wb [Z,C]
                    -> [N,C,H,W]
  non_local         x, Wtheta, Wphi, Wg [C,Ci], Wz [Ci,C] -> [N,C,H,W]
  channel_self      x, gamma [1] -> [N,C,H,W]
  spatial_transformer  x, theta [N,2,3] -> [N,C,H,W]

A row may list its own dynamic sizes (ROWS[name]["dynamic"]) instead of
DYNAMIC.

Entry points:
  reference(name, *inputs) -> list of float64 results (one per result)
  ROWS[name]               -> argument and result shapes, input kinds
  make_inputs(name, dims, seed, case) -> float32 inputs (case in CASES)
  self_test(check)         -> checks of this module against independent
                              formulations and closed forms
"""

import math

import numpy as np

# Example parameter values fixed by VARIANTS.md.
ECA_TAPS = 3        # eca: 1-D convolution over channels, zero padding 1
CONV = 7            # spatial, cbam: 7x7 cross-correlation, padding 3

# Arguments (name, shape, kind) and result shapes of every row. Shapes use
# symbols: dynamic lengths (DYNAMIC) and static feature sizes; integers are
# fixed. Kinds (KINDS below) say how make_inputs draws the data.
X = ("x", ("N", "C", "H", "W"), "act")
_MLP = [("W1", ("C", "R"), "weight"), ("b1", ("R",), "vector"),
        ("W2", ("R", "C"), "weight"), ("b2", ("C",), "vector")]
_CONV = [("Ws", (1, 2, CONV, CONV), "conv"), ("bs", (1,), "vector")]
ROWS = {
    "squeeze_excite": {
        "args": [X] + _MLP,
        "results": [("N", "C", "H", "W")]},
    "eca": {
        "args": [X, ("w", (ECA_TAPS,), "taps")],
        "results": [("N", "C", "H", "W")]},
    "spatial": {
        "args": [X] + _CONV,
        "results": [("N", "C", "H", "W")]},
    "cbam": {
        "args": [X] + _MLP + _CONV,
        "results": [("N", "C", "H", "W")]},
    "selective_kernel": {
        "args": [("u1", ("N", "C", "H", "W"), "act"),
                 ("u2", ("N", "C", "H", "W"), "act"),
                 ("Wfc", ("C", "Z"), "weight"), ("bfc", ("Z",), "vector"),
                 ("Wa", ("Z", "C"), "weight"), ("Wb", ("Z", "C"), "weight")],
        "results": [("N", "C", "H", "W")]},
    "non_local": {
        "args": [X, ("Wtheta", ("C", "Ci"), "weight"),
                 ("Wphi", ("C", "Ci"), "weight"), ("Wg", ("C", "Ci"), "weight"),
                 ("Wz", ("Ci", "C"), "weight")],
        "results": [("N", "C", "H", "W")]},
    # H*W is the head dimension of the channel attention, so H and W are
    # static and C is not.
    "channel_self": {
        "args": [("x", ("N", "C", "H", "W"), "act_grid"),
                 ("gamma", (1,), "gamma")],
        "results": [("N", "C", "H", "W")],
        "dynamic": ("N", "C")},
    "spatial_transformer": {
        "args": [X, ("theta", ("N", 2, 3), "affine")],
        "results": [("N", "C", "H", "W")],
        "dynamic": ("N", "C", "H", "W")},
}
NAMES = list(ROWS)

# Batch and image sizes are dynamic in the examples; channels static.
DYNAMIC = ("N", "H", "W")
# Sizes used when a test does not set them (static ones are read off the
# example's signature first).
DEFAULT_DIMS = {"N": 2, "C": 64, "R": 16, "Z": 32, "H": 13, "W": 11,
                "Ci": 8}
# "large" multiplies the activations by LARGE_SCALE: the gates' logits then
# reach hundreds, so the sigmoids and softmaxes saturate.
LARGE_SCALE = 100.0
CASES = ("random", "large")
# channel_self's activations in case "large" are integers in
# [-LARGE_GRID, LARGE_GRID]: E = A A^T then reaches ~1e5, so exp(-E)
# overflows unless the row maximum is subtracted, yet E is exact in f32
# (|E| < 2^24 for H*W < 4096) and f32 rounding of near-ties cannot fail a
# correct kernel.
LARGE_GRID = 64


def f64(x):
    return np.asarray(x, dtype=np.float64)


def sigmoid(v):
    """1 / (1 + e^-v) without overflow for large |v|."""
    v = f64(v)
    e = np.exp(-np.abs(v))
    return np.where(v >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def relu(v):
    return np.maximum(f64(v), 0.0)


# --------------------------------------------------------------------------
# The rows.
# --------------------------------------------------------------------------

def mlp(z, w1, b1, w2, b2):
    """relu(z W1 + b1) W2 + b2 for z [N,C]."""
    return relu(f64(z) @ f64(w1) + f64(b1)) @ f64(w2) + f64(b2)


def squeeze_excite(x, w1, b1, w2, b2):
    x = f64(x)
    z = x.mean(axis=(2, 3))                       # [N,C]
    s = sigmoid(mlp(z, w1, b1, w2, b2))
    return x * s[:, :, None, None]


def eca(x, w):
    """s_c = sigmoid(sum_t w_t z_{c+t-1}), z zero outside 0..C-1."""
    x, w = f64(x), f64(w)
    N, C = x.shape[:2]
    z = x.mean(axis=(2, 3))
    zp = np.zeros((N, C + 2))
    zp[:, 1:C + 1] = z
    logit = np.zeros((N, C))
    for t in range(ECA_TAPS):
        logit += w[t] * zp[:, t:t + C]
    return x * sigmoid(logit)[:, :, None, None]


def conv7x7(p, ws, bs):
    """Cross-correlation of p [N,2,H,W] with ws [1,2,7,7], zero padding 3,
    plus bs: out[n,h,w] = bs + sum_{k,i,j} ws[0,k,i,j] p[n,k,h+i-3,w+j-3]."""
    p, ws = f64(p), f64(ws)
    N, K, H, W = p.shape
    pad = CONV // 2
    padded = np.zeros((N, K, H + 2 * pad, W + 2 * pad))
    padded[:, :, pad:pad + H, pad:pad + W] = p
    out = np.full((N, H, W), f64(bs)[0])
    for k in range(K):
        for i in range(CONV):
            for j in range(CONV):
                out += ws[0, k, i, j] * padded[:, k, i:i + H, j:j + W]
    return out


def spatial_gate(x, ws, bs):
    """s [N,H,W] of the spatial row."""
    x = f64(x)
    pooled = np.stack([x.mean(axis=1), x.max(axis=1)], axis=1)   # [N,2,H,W]
    return sigmoid(conv7x7(pooled, ws, bs))


def spatial(x, ws, bs):
    return f64(x) * spatial_gate(x, ws, bs)[:, None, :, :]


def cbam_channel(x, w1, b1, w2, b2):
    """x' = x * s_c of cbam."""
    x = f64(x)
    avg = mlp(x.mean(axis=(2, 3)), w1, b1, w2, b2)
    mx = mlp(x.max(axis=(2, 3)), w1, b1, w2, b2)
    return x * sigmoid(avg + mx)[:, :, None, None]


def cbam(x, w1, b1, w2, b2, ws, bs):
    return spatial(cbam_channel(x, w1, b1, w2, b2), ws, bs)


def selective_kernel(u1, u2, wfc, bfc, wa, wb):
    u1, u2 = f64(u1), f64(u2)
    z = relu((u1 + u2).mean(axis=(2, 3)) @ f64(wfc) + f64(bfc))   # [N,Z]
    a, b = z @ f64(wa), z @ f64(wb)                                # [N,C]
    m = np.maximum(a, b)
    ea, eb = np.exp(a - m), np.exp(b - m)
    alpha, beta = ea / (ea + eb), eb / (ea + eb)
    return alpha[:, :, None, None] * u1 + beta[:, :, None, None] * u2


def softmax_rows(s):
    """Softmax over the last axis, the row maximum subtracted first."""
    s = f64(s)
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _positions(x, n):
    """x[n] as [P, C]: row p = h*W + w is the channel vector x_p."""
    C = x.shape[1]
    return x[n].reshape(C, -1).T


def non_local_weights(x, wt, wp, wg=None, wz=None, scale=1.0):
    """The whole HW x HW affinity f = softmax_q(theta_p . phi_q) of every
    batch row, as attention weights [N, 1, HW, HW]."""
    x = f64(x)
    return np.stack([
        softmax_rows(scale * ((_positions(x, n) @ f64(wt))
                              @ (_positions(x, n) @ f64(wp)).T))
        for n in range(x.shape[0])]).reshape(
            x.shape[0], 1, x.shape[2] * x.shape[3], x.shape[2] * x.shape[3])


def non_local(x, wt, wp, wg, wz, scale=1.0, residual=True):
    """Positions p = h*W + w; theta_p = x_p Wt etc.; the whole HW x HW
    affinity f = softmax_q(theta_p . phi_q) is built explicitly;
    z_p = (sum_q f_pq g_q) Wz + x_p. `scale` and `residual` exist only to
    build the plausible bugs of the self-test."""
    x = f64(x)
    N, C, H, W = x.shape
    out = np.empty_like(x)
    f = non_local_weights(x, wt, wp, scale=scale)
    for n in range(N):
        xp = _positions(x, n)
        z = (f[n, 0] @ (xp @ f64(wg))) @ f64(wz) + (xp if residual else 0.0)
        out[n] = z.T.reshape(C, H, W)
    return out


def channel_self(x, gamma, sign=1.0):
    """DANet channel attention as written in the paper and VARIANTS.md:
    E = A A^T, P = softmax_row(max_row(E) - E), y = gamma (P A) + x. The
    shift by max_row(E) is kept (not simplified), so the compiler's use of
    softmax_row(-E) is checked against it. `sign` = -1 builds the bug that
    drops the negation."""
    x = f64(x)
    N, C, H, W = x.shape
    out = np.empty_like(x)
    for n in range(N):
        a = x[n].reshape(C, H * W)
        e = a @ a.T                                      # [C,C]
        p = softmax_rows(sign * (e.max(axis=1, keepdims=True) - e))
        out[n] = (f64(gamma)[0] * (p @ a) + a).reshape(C, H, W)
    return out


def affine_grid(theta, H, W, align_corners=False):
    """PyTorch affine_grid: grid[n,h,w] = theta[n] (x_w, y_h, 1) with the
    base coordinates linspace(-1, 1, W), times (W - 1)/W unless
    align_corners (the pixel centres). [N,H,W,2], (x, y) last."""
    def base(size):
        b = np.linspace(-1.0, 1.0, size)
        return b if align_corners else b * (size - 1) / size
    xs, ys = base(W), base(H)
    coords = np.stack([np.broadcast_to(xs[None, :], (H, W)),
                       np.broadcast_to(ys[:, None], (H, W)),
                       np.ones((H, W))], axis=-1)               # [H,W,3]
    return np.einsum("hwk,njk->nhwj", coords, f64(theta))


def grid_sample(x, grid, align_corners=False, padding="zeros"):
    """PyTorch grid_sample, mode bilinear, of x [N,C,H,W] at grid
    [N,Ho,Wo,2]. The four neighbours nw, ne, sw, se of the sampling point
    carry PyTorch's weights, e.g. nw = (ix_se - ix) (iy_se - iy); one
    outside the image contributes zero (padding "zeros"). padding "clamp"
    (reads the nearest edge pixel instead) exists only as a bug for the
    self-test."""
    x = f64(x)
    N, C, H, W = x.shape
    gx, gy = grid[..., 0], grid[..., 1]
    if align_corners:
        ix, iy = (gx + 1) / 2 * (W - 1), (gy + 1) / 2 * (H - 1)
    else:
        ix, iy = ((gx + 1) * W - 1) / 2, ((gy + 1) * H - 1) / 2
    ix_nw, iy_nw = np.floor(ix), np.floor(iy)
    ix_se, iy_se = ix_nw + 1, iy_nw + 1
    corners = [(ix_nw, iy_nw, (ix_se - ix) * (iy_se - iy)),     # nw
               (ix_se, iy_nw, (ix - ix_nw) * (iy_se - iy)),     # ne
               (ix_nw, iy_se, (ix_se - ix) * (iy - iy_nw)),     # sw
               (ix_se, iy_se, (ix - ix_nw) * (iy - iy_nw))]     # se
    n = np.arange(N)[:, None, None]
    out = np.zeros((N, C) + grid.shape[1:3])
    for cx, cy, weight in corners:
        inside = (cx >= 0) & (cx <= W - 1) & (cy >= 0) & (cy <= H - 1)
        xi = np.clip(cx, 0, W - 1).astype(np.int64)
        yi = np.clip(cy, 0, H - 1).astype(np.int64)
        vals = np.moveaxis(x[n, :, yi, xi], -1, 1)               # [N,C,Ho,Wo]
        if padding == "zeros":
            weight = np.where(inside, weight, 0.0)
        out += vals * weight[:, None]
    return out


def spatial_transformer(x, theta):
    """affine_grid + grid_sample (bilinear, zeros, align_corners=False),
    output the size of x."""
    H, W = f64(x).shape[2:]
    return grid_sample(x, affine_grid(theta, H, W))


def random_affine(rng, shape):
    """theta [N,2,3]: any rotation, scales 0.6..1.6 per axis, a shear and
    translations up to 0.8 (in [-1, 1] units), so that many sampling points
    fall near or outside the border of the image."""
    n = shape[0]
    angle = rng.uniform(-math.pi, math.pi, n)
    sx, sy = rng.uniform(0.6, 1.6, n), rng.uniform(0.6, 1.6, n)
    shear = rng.uniform(-0.3, 0.3, n)
    tx, ty = rng.uniform(-0.8, 0.8, n), rng.uniform(-0.8, 0.8, n)
    c, s = np.cos(angle), np.sin(angle)
    theta = np.empty((n, 2, 3))
    theta[:, 0] = np.stack([sx * c, -sy * s + shear, tx], axis=-1)
    theta[:, 1] = np.stack([sx * s, sy * c, ty], axis=-1)
    return theta


_FUNCS = {
    "squeeze_excite": squeeze_excite,
    "eca": eca,
    "spatial": spatial,
    "cbam": cbam,
    "selective_kernel": selective_kernel,
    "non_local": non_local,
    "channel_self": channel_self,
    "spatial_transformer": spatial_transformer,
}


def reference(name, *inputs):
    """Float64 results of row `name`, as a list (one entry per result)."""
    out = _FUNCS[name](*inputs)
    return list(out) if isinstance(out, tuple) else [out]


# --------------------------------------------------------------------------
# Inputs.
# --------------------------------------------------------------------------

def shape_of(shape, dims):
    return tuple(s if isinstance(s, int) else dims[s] for s in shape)


# How each kind of argument is drawn: f(rng, shape, case) -> float64 array.
# Activations N(0,1) (times LARGE_SCALE in case "large"); weights
# N(0, 1/fan_in) so the gates' logits stay O(1) on O(1) activations.
KINDS = {
    "act": lambda rng, shp, case: rng.standard_normal(shp)
    * (LARGE_SCALE if case == "large" else 1.0),
    "weight": lambda rng, shp, case: rng.standard_normal(shp)
    / math.sqrt(shp[0]),
    "vector": lambda rng, shp, case: 0.5 * rng.standard_normal(shp),
    "taps": lambda rng, shp, case: rng.standard_normal(shp),
    "conv": lambda rng, shp, case: rng.standard_normal(shp)
    / math.sqrt(int(np.prod(shp[1:]))),
    "act_grid": lambda rng, shp, case: (
        rng.integers(-LARGE_GRID, LARGE_GRID + 1, shp).astype(np.float64)
        if case == "large" else rng.standard_normal(shp)),
    "gamma": lambda rng, shp, case: rng.choice([-1.0, 1.0], shp)
    * rng.uniform(0.5, 1.5, shp),
    "affine": lambda rng, shp, case: random_affine(rng, shp),
}


def make_inputs(name, dims, seed, case="random"):
    """Float32 inputs of row `name`, drawn per KINDS."""
    if case not in CASES:
        raise ValueError(f"unknown case {case!r}")
    rng = np.random.default_rng(seed)
    return [np.ascontiguousarray(KINDS[kind](rng, shape_of(shape, dims), case),
                                 dtype=np.float32)
            for _, shape, kind in ROWS[name]["args"]]


# --------------------------------------------------------------------------
# Self-test.
# --------------------------------------------------------------------------

def _scalar_conv(p, ws, bs):
    """conv7x7 again, one output element at a time with bounds checks."""
    N, K, H, W = p.shape
    out = np.zeros((N, H, W))
    for n in range(N):
        for h in range(H):
            for w in range(W):
                acc = float(bs[0])
                for k in range(K):
                    for i in range(CONV):
                        for j in range(CONV):
                            hh, ww = h + i - CONV // 2, w + j - CONV // 2
                            if 0 <= hh < H and 0 <= ww < W:
                                acc += float(ws[0, k, i, j]) * float(p[n, k, hh, ww])
                out[n, h, w] = acc
    return out


def _self_test_gates(check, close, rng):
    for (N, C, H, W) in [(1, 8, 7, 9), (2, 5, 1, 1), (2, 6, 4, 3),
                         (1, 3, 9, 2)]:
        tag = f"N={N} C={C} H={H} W={W}"
        dims = dict(DEFAULT_DIMS, N=N, C=C, H=H, W=W, R=3, Z=4)
        x, w1, b1, w2, b2 = make_inputs("squeeze_excite", dims, N + C + H)
        xs = f64(x)

        # squeeze_excite: element loops; W2 = 0 gives a constant gate.
        want = np.zeros_like(xs)
        for n in range(N):
            z = [sum(xs[n, c].ravel()) / (H * W) for c in range(C)]
            hid = [max(0.0, sum(z[c] * w1[c, r] for c in range(C)) + b1[r])
                   for r in range(w1.shape[1])]
            for c in range(C):
                t = sum(hid[r] * w2[r, c] for r in range(len(hid))) + b2[c]
                want[n, c] = xs[n, c] / (1.0 + math.exp(-t))
        close(squeeze_excite(x, w1, b1, w2, b2), want, f"squeeze_excite loops, {tag}")
        close(squeeze_excite(x, w1, b1, np.zeros_like(w2), b2),
              xs / (1 + np.exp(-f64(b2))).reshape(1, C, 1, 1),
              f"squeeze_excite with W2 = 0, {tag}")

        # eca: a tridiagonal matrix over channels; w = e_1 gates by mean.
        w = rng.standard_normal(ECA_TAPS)
        band = (np.diag(np.full(C, w[1])) + np.diag(np.full(C - 1, w[0]), 1)
                + np.diag(np.full(C - 1, w[2]), -1))   # logit_c = z band[:, c]
        z = xs.mean(axis=(2, 3))
        close(eca(x, w), xs * (1 / (1 + np.exp(-z @ band)))[:, :, None, None],
              f"eca banded matrix, {tag}")
        close(eca(x, [0.0, 1.0, 0.0]), xs * (1 / (1 + np.exp(-z)))[:, :, None, None],
              f"eca with w = (0, 1, 0), {tag}")

        # spatial: the convolution against scalar loops; a centre tap on the
        # mean channel gates by the mean; Ws = 0 gates by sigmoid(bs).
        _, ws, bs = make_inputs("spatial", dims, N + 7)
        pooled = np.stack([xs.mean(axis=1), xs.max(axis=1)], axis=1)
        close(conv7x7(pooled, ws, bs), _scalar_conv(pooled, f64(ws), f64(bs)),
              f"conv7x7 vs scalar loops, {tag}")
        centre = np.zeros((1, 2, CONV, CONV))
        centre[0, 0, CONV // 2, CONV // 2] = 1.0
        close(spatial(x, centre, [0.25]),
              xs * (1 / (1 + np.exp(-(xs.mean(axis=1) + 0.25))))[:, None],
              f"spatial with a centre tap, {tag}")
        close(spatial(x, np.zeros_like(ws), bs),
              xs / (1 + math.exp(-float(bs[0]))), f"spatial with Ws = 0, {tag}")

        # cbam: the channel gate by the same formula with explicit loops over
        # (n, c) for the pools; Ws = 0, bs = 0 halves x'.
        args = make_inputs("cbam", dims, N + 9)
        x2 = f64(args[0])
        avg = np.array([[x2[n, c].sum() / (H * W) for c in range(C)]
                        for n in range(N)])
        mx = np.array([[x2[n, c].max() for c in range(C)] for n in range(N)])
        gate = 1 / (1 + np.exp(-(mlp(avg, *args[1:5]) + mlp(mx, *args[1:5]))))
        xc = x2 * gate[:, :, None, None]
        close(cbam(*args), spatial(xc, args[5], args[6]), f"cbam as two gates, {tag}")
        close(cbam(*args[:5], np.zeros_like(args[5]), np.zeros(1)), xc / 2,
              f"cbam with Ws = 0, bs = 0, {tag}")

        # selective_kernel: Wa = Wb splits evenly; u1 = u2 returns u1; the
        # branch weights by the two-way softmax written as a sigmoid.
        u1, u2, wfc, bfc, wa, wb = make_inputs("selective_kernel", dims, N + 11)
        close(selective_kernel(u1, u2, wfc, bfc, wa, wa), (f64(u1) + f64(u2)) / 2,
              f"selective_kernel with Wa = Wb, {tag}")
        close(selective_kernel(u1, u1, wfc, bfc, wa, wb), f64(u1),
              f"selective_kernel with u1 = u2, {tag}")
        zz = relu((f64(u1) + f64(u2)).mean(axis=(2, 3)) @ f64(wfc) + f64(bfc))
        alpha = 1 / (1 + np.exp(-(zz @ f64(wa) - zz @ f64(wb))))
        close(selective_kernel(u1, u2, wfc, bfc, wa, wb),
              alpha[:, :, None, None] * f64(u1)
              + (1 - alpha)[:, :, None, None] * f64(u2),
              f"selective_kernel as a sigmoid, {tag}")

    # Saturation: logits of +-1e3 give gates of exactly 0 and 1, no NaN.
    check(np.array_equal(sigmoid([-1e3, 0.0, 1e3]), [0.0, 0.5, 1.0]),
          "vision self-test: sigmoid saturates without overflow")
    dims = dict(DEFAULT_DIMS, N=2, C=8, H=5, W=6, R=4, Z=4)
    for name in ROWS:
        out = reference(name, *make_inputs(name, dims, 3, "large"))
        check(all(np.all(np.isfinite(o)) for o in out),
              f"vision self-test: {name} finite in case large")


def _gate_bugs():
    """Plausible mistakes of a gating lowering, as (what, right, wrong)
    results on the same inputs: the f32 comparison must reject each."""
    dims = dict(DEFAULT_DIMS, N=2, C=16, H=7, W=9, R=4, Z=8)
    x, w1, b1, w2, b2 = make_inputs("squeeze_excite", dims, 5)
    yield ("squeeze_excite gated by the sum, not the mean",
           squeeze_excite(x, w1, b1, w2, b2),
           squeeze_excite(f64(x) * dims["H"] * dims["W"], w1, b1, w2, b2)
           / (dims["H"] * dims["W"]))
    x, w = make_inputs("eca", dims, 6)
    yield "eca with reversed taps", eca(x, w), eca(x, f64(w)[::-1])
    x, ws, bs = make_inputs("spatial", dims, 7)
    yield ("spatial as a convolution (flipped kernel)", spatial(x, ws, bs),
           spatial(x, f64(ws)[:, :, ::-1, ::-1], bs))
    yield ("spatial with mean and max swapped", spatial(x, ws, bs),
           spatial(x, f64(ws)[:, ::-1], bs))
    args = make_inputs("cbam", dims, 8)
    yield ("cbam with b2 once", cbam(*args),
           cbam(*args[:4], f64(args[4]) / 2, *args[5:]))
    yield ("cbam's spatial gate from x, not x'", cbam(*args),
           cbam_channel(*args[:5])
           * spatial_gate(args[0], *args[5:])[:, None, :, :])
    u1, u2, wfc, bfc, wa, wb = make_inputs("selective_kernel", dims, 9)
    yield ("selective_kernel with the branches swapped",
           selective_kernel(u1, u2, wfc, bfc, wa, wb),
           selective_kernel(u1, u2, wfc, bfc, wb, wa))


def _loop_non_local(x, wt, wp, wg, wz):
    """non_local one position at a time, with math.exp and no max shift."""
    x = f64(x)
    N, C, H, W = x.shape
    P = H * W
    out = np.zeros_like(x)
    for n in range(N):
        xp = [x[n, :, p // W, p % W] for p in range(P)]
        th = [v @ f64(wt) for v in xp]
        ph = [v @ f64(wp) for v in xp]
        g = [v @ f64(wg) for v in xp]
        for p in range(P):
            w = [math.exp(float(th[p] @ ph[q])) for q in range(P)]
            y = sum(w[q] * g[q] for q in range(P)) / sum(w)
            out[n, :, p // W, p % W] = y @ f64(wz) + xp[p]
    return out


def _loop_sampler(x, theta):
    """spatial_transformer one output pixel at a time, from the closed form
    x_w = (2w + 1)/W - 1 of the pixel centres, with explicit bounds checks
    on each neighbour."""
    x, theta = f64(x), f64(theta)
    N, C, H, W = x.shape
    out = np.zeros_like(x)
    for n in range(N):
        for h in range(H):
            for w in range(W):
                xs, ys = (2 * w + 1) / W - 1, (2 * h + 1) / H - 1
                gx, gy = theta[n] @ [xs, ys, 1.0]
                ix, iy = ((gx + 1) * W - 1) / 2, ((gy + 1) * H - 1) / 2
                x0, y0 = math.floor(ix), math.floor(iy)
                for yy in (y0, y0 + 1):
                    for xx in (x0, x0 + 1):
                        if 0 <= yy < H and 0 <= xx < W:
                            out[n, :, h, w] += ((1 - abs(ix - xx))
                                                * (1 - abs(iy - yy))
                                                * x[n, :, yy, xx])
    return out


def _self_test_attention_maps(check, close, rng):
    for (N, C, H, W) in [(1, 4, 3, 5), (2, 3, 1, 1), (1, 2, 4, 2),
                         (2, 5, 6, 7)]:
        tag = f"N={N} C={C} H={H} W={W}"
        dims = dict(DEFAULT_DIMS, N=N, C=C, H=H, W=W, Ci=3)

        # non_local: element loops; Wz = 0 leaves x; Wtheta = 0 makes f
        # uniform, so every position reads the mean of g.
        x, wt, wp, wg, wz = make_inputs("non_local", dims, N + C + H)
        xs = f64(x)
        close(non_local(x, wt, wp, wg, wz), _loop_non_local(x, wt, wp, wg, wz),
              f"non_local vs loops, {tag}")
        close(non_local(x, wt, wp, wg, np.zeros_like(wz)), xs,
              f"non_local with Wz = 0, {tag}")
        xp = xs.reshape(N, C, H * W).transpose(0, 2, 1)
        mean_g = (xp @ f64(wg)).mean(axis=1)                    # [N,Ci]
        close(non_local(x, np.zeros_like(wt), wp, wg, wz),
              xs + (mean_g @ f64(wz))[:, :, None, None],
              f"non_local with Wtheta = 0, {tag}")

        # channel_self: the shift identity softmax(max - E) = softmax(-E)
        # (what the compiler computes), element loops, gamma = 0.
        for case in CASES:
            x, gamma = make_inputs("channel_self", dims, N + 2 * C, case)
            xs = f64(x)
            a = xs.reshape(N, C, H * W)
            e = a @ a.transpose(0, 2, 1)
            p = softmax_rows(-e)
            close(channel_self(x, gamma),
                  (f64(gamma)[0] * (p @ a) + a).reshape(N, C, H, W),
                  f"channel_self as softmax(-E), case {case}, {tag}")
        want = np.zeros_like(xs)
        for n in range(N):
            for c in range(C):
                row = [float(a[n, c] @ a[n, d]) for d in range(C)]
                top = max(row)
                w = [math.exp((top - r) - (top - min(row))) for r in row]
                want[n, c] = (float(gamma[0]) * sum(w[d] * xs[n, d]
                                                    for d in range(C))
                              / sum(w) + xs[n, c])
        close(channel_self(x, gamma), want, f"channel_self vs loops, {tag}")
        close(channel_self(x, [0.0]), xs, f"channel_self with gamma = 0, {tag}")

        # spatial_transformer: loops from the closed-form pixel centres; the
        # identity, a horizontal flip and a shift by one pixel are exact.
        x, theta = make_inputs("spatial_transformer", dims, N + 3 * C)
        xs = f64(x)
        close(spatial_transformer(x, theta), _loop_sampler(x, theta),
              f"spatial_transformer vs loops, {tag}")
        ident = np.tile([[1.0, 0, 0], [0, 1.0, 0]], (N, 1, 1))
        close(spatial_transformer(x, ident), xs,
              f"spatial_transformer identity, {tag}")
        flip = np.tile([[-1.0, 0, 0], [0, 1.0, 0]], (N, 1, 1))
        close(spatial_transformer(x, flip), xs[..., ::-1],
              f"spatial_transformer flip, {tag}")
        shift = np.tile([[1.0, 0, 2.0 / W], [0, 1.0, 0]], (N, 1, 1))
        shifted = np.zeros_like(xs)
        shifted[..., :-1] = xs[..., 1:]
        close(spatial_transformer(x, shift), shifted,
              f"spatial_transformer shift by one pixel, {tag}")

    # The drawn transforms put sampling points outside the image: some
    # output pixels read nothing, others only part of their neighbours.
    dims = dict(DEFAULT_DIMS, N=4, C=2, H=12, W=13)
    x, theta = make_inputs("spatial_transformer", dims, 1)
    coverage = spatial_transformer(np.ones_like(x), theta)
    check(np.mean(coverage == 0) > 0.05
          and np.mean((coverage > 0.01) & (coverage < 0.99)) > 0.05,
          "vision self-test: affine transforms sample outside the image")
    # -E of magnitude ~1e5 with the grid activations of case large: exact
    # in float64 and finite.
    dims = dict(DEFAULT_DIMS, N=1, C=67, H=12, W=13)
    x, gamma = make_inputs("channel_self", dims, 2, "large")
    a = f64(x).reshape(67, -1)
    check(np.abs(a @ a.T).max() > 1e5 and np.abs(a @ a.T).max() < 2 ** 24
          and np.all(np.isfinite(channel_self(x, gamma))),
          "vision self-test: channel_self case large reaches |E| > 1e5, "
          "exact in f32")


def _attention_map_bugs():
    """Plausible mistakes of the attention-map lowerings, as (what, right,
    wrong) results on the same inputs."""
    dims = dict(DEFAULT_DIMS, N=2, C=6, H=5, W=7, Ci=4)
    args = make_inputs("non_local", dims, 21)
    right = non_local(*args)
    yield ("non_local scaled by 1/sqrt(Ci)", right,
           non_local(*args, scale=0.5))
    yield "non_local without the residual", right, non_local(*args, residual=False)
    x, wt, wp, wg, wz = args
    yield ("non_local with theta and phi swapped (softmax over p)", right,
           non_local(x, wp, wt, wg, wz))
    x, gamma = make_inputs("channel_self", dims, 22)
    right = channel_self(x, gamma)
    yield "channel_self as softmax(E)", right, channel_self(x, gamma, sign=-1.0)
    yield "channel_self with gamma = 1", right, channel_self(x, [1.0])
    x, theta = make_inputs("spatial_transformer", dims, 23)
    right = spatial_transformer(x, theta)
    H, W = dims["H"], dims["W"]
    yield ("spatial_transformer with align_corners = true", right,
           grid_sample(x, affine_grid(theta, H, W, True), True))
    yield ("spatial_transformer reading the edge outside the image", right,
           grid_sample(x, affine_grid(theta, H, W), padding="clamp"))
    yield ("spatial_transformer with theta's rows swapped", right,
           spatial_transformer(x, f64(theta)[:, ::-1]))


# Generators of plausible mistakes, each yielding (what, right, wrong).
BUGS = [_gate_bugs, _attention_map_bugs]


def plausible_bugs():
    for bugs in BUGS:
        yield from bugs()


# Self-tests of groups of rows: f(check, close, rng). close(x, y, what)
# compares two float64 results (rtol 1e-9) and counts the comparison.
SELF_TESTS = [_self_test_gates, _self_test_attention_maps]


def self_test(check):
    """Runs SELF_TESTS. `check(cond, what)` records a failure. Returns the
    number of comparisons."""
    rng = np.random.default_rng(13)
    count = 0

    def close(x, y, what):
        nonlocal count
        count += 1
        x, y = f64(x), f64(y)
        check(x.shape == y.shape and np.allclose(x, y, rtol=1e-9, atol=1e-12),
              f"vision self-test: {what}")

    for test in SELF_TESTS:
        test(check, close, rng)
    return count
