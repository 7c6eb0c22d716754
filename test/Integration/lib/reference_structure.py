"""Float64 numpy reference for the structural variants of shared/VARIANTS.md,
section D (structure).

Written from the math of VARIANTS.md, one function per row, in plain numpy
(loops where they make the definition clearer), sharing no code with the
compiler. The inputs are the arguments of the row in the order VARIANTS.md
lists; everything is computed in float64.

Rows and their arguments -> results (the shapes of ROWS below):
  multi_head                xq [B,Sq,E], xkv [B,Skv,E], Wq, Wk, Wv, Wo [E,E]
                            -> [B,Sq,E]
  causal_self_attention     x [B,S,E], Wq, Wk, Wv, Wo -> [B,S,E]
  gated_heads               xq, xkv, Wq, Wk, Wv, Wo, g [8] -> [B,Sq,E]
  feed_forward_pool         h [B,S,E], W [E,A], b [A], u [A] -> [B,E]
  hierarchical              x [B,Ns,Nw,E], Ww, bw, uw, Ws, bs, us -> [B,E]
  co_attention              a [B,Na,D], b [B,Nb,D] -> a' [B,Na,D], b' [B,Nb,D]
  attention_over_attention  d [B,Nd,D], q [B,Nq,D] -> s [B,Nd]
  memory_network            u [B,D], m [B,N,D], c [B,N,D] -> [B,D]
  encoder_layer             x [B,S,E], g1, b1 [E], Wq, Wk, Wv, Wo [E,E],
                            g2, b2 [E], W1 [E,F], c1 [F], W2 [F,E], c2 [E]
                            -> [B,S,E]

Entry points:
  reference(name, *inputs) -> list of float64 results (one per result)
  ROWS[name]               -> argument and result shapes, input kinds
  self_test(check)         -> checks of this module against independent
                              formulations (reference.py for the attention
                              part) and closed forms
"""

import math

import numpy as np

# Example parameter values fixed by VARIANTS.md.
NUM_HEADS = 8       # multi_head, causal_self_attention, gated_heads, encoder
HOPS = 3            # memory_network
LN_EPS = 1e-5       # encoder_layer LayerNorm (biased variance)

# Arguments (name, shape, kind) and result shapes of every row. Shapes use
# symbols: dynamic lengths (DYNAMIC) and static feature sizes; integers are
# fixed. Kinds say how make_inputs draws the data.
_PROJ = [("Wq", ("E", "E"), "weight"), ("Wk", ("E", "E"), "weight"),
         ("Wv", ("E", "E"), "weight"), ("Wo", ("E", "E"), "weight")]
_POOL = lambda s: [("W" + s, ("E", "A"), "weight"), ("b" + s, ("A",), "vector"),
                   ("u" + s, ("A",), "vector")]
ROWS = {
    "multi_head": {
        "args": [("xq", ("B", "Sq", "E"), "act"),
                 ("xkv", ("B", "Skv", "E"), "act")] + _PROJ,
        "results": [("B", "Sq", "E")]},
    "causal_self_attention": {
        "args": [("x", ("B", "S", "E"), "act")] + _PROJ,
        "results": [("B", "S", "E")]},
    "gated_heads": {
        "args": [("xq", ("B", "Sq", "E"), "act"),
                 ("xkv", ("B", "Skv", "E"), "act")] + _PROJ
                + [("g", (NUM_HEADS,), "gates")],
        "results": [("B", "Sq", "E")]},
    "feed_forward_pool": {
        "args": [("h", ("B", "S", "E"), "act"), ("W", ("E", "A"), "weight"),
                 ("b", ("A",), "vector"), ("u", ("A",), "vector")],
        "results": [("B", "E")]},
    "hierarchical": {
        "args": [("x", ("B", "Ns", "Nw", "E"), "act")] + _POOL("w")
                + _POOL("s"),
        "results": [("B", "E")]},
    "co_attention": {
        "args": [("a", ("B", "Na", "D"), "unscaled"),
                 ("b", ("B", "Nb", "D"), "unscaled")],
        "results": [("B", "Na", "D"), ("B", "Nb", "D")]},
    "attention_over_attention": {
        "args": [("d", ("B", "Nd", "D"), "unscaled"),
                 ("q", ("B", "Nq", "D"), "unscaled")],
        "results": [("B", "Nd")]},
    "memory_network": {
        "args": [("u", ("B", "D"), "unscaled"),
                 ("m", ("B", "N", "D"), "unscaled"),
                 ("c", ("B", "N", "D"), "unscaled")],
        "results": [("B", "D")]},
    "encoder_layer": {
        "args": [("x", ("B", "S", "E"), "act"), ("g1", ("E",), "ln_gain"),
                 ("b1", ("E",), "vector")] + _PROJ
                + [("g2", ("E",), "ln_gain"), ("b2", ("E",), "vector"),
                   ("W1", ("E", "F"), "weight"), ("c1", ("F",), "vector"),
                   ("W2", ("F", "E"), "weight"), ("c2", ("E",), "vector")],
        "results": [("B", "S", "E")]},
}
NAMES = list(ROWS)

# Lengths are dynamic in the examples; feature sizes static.
DYNAMIC = ("B", "Sq", "Skv", "S", "Ns", "Nw", "Na", "Nb", "Nd", "Nq", "N")
# Sizes used when a test does not set them (static ones are read off the
# example's signature first).
DEFAULT_DIMS = {"E": 64, "A": 32, "F": 256, "D": 64, "S": 33, "Ns": 5,
                "Nw": 17, "Na": 33, "Nb": 65, "Nd": 65, "Nq": 9, "N": 65}


def f64(x):
    return np.asarray(x, dtype=np.float64)


def softmax(x, axis):
    """Softmax along `axis`, max subtracted first."""
    x = f64(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# --------------------------------------------------------------------------
# The rows.
# --------------------------------------------------------------------------

def multi_head(xq, xkv, wq, wk, wv, wo, heads=NUM_HEADS, causal=False,
               gates=None):
    """Per head h (feature columns h*D .. h*D+D-1 of x W): scaled dot
    softmax, optionally causal (j <= i + Skv - Sq) and gated; heads
    concatenated, times Wo."""
    xq, xkv = f64(xq), f64(xkv)
    B, Sq, E = xq.shape
    Skv = xkv.shape[1]
    D = E // heads
    Q, K, V = xq @ f64(wq), xkv @ f64(wk), xkv @ f64(wv)
    concat = np.zeros((B, Sq, E))
    for h in range(heads):
        cols = slice(h * D, (h + 1) * D)
        for b in range(B):
            s = Q[b, :, cols] @ K[b, :, cols].T / math.sqrt(D)   # [Sq,Skv]
            visible = np.ones((Sq, Skv), dtype=bool)
            if causal:
                i = np.arange(Sq)[:, None] + (Skv - Sq)
                visible = np.arange(Skv)[None, :] <= i
            for i in range(Sq):
                if not visible[i].any():
                    continue   # no visible key: zeros
                p = softmax(s[i][visible[i]], axis=0)
                o = p @ V[b][visible[i]][:, cols]
                concat[b, i, cols] = o * (1.0 if gates is None else gates[h])
    return concat @ f64(wo)


def causal_self_attention(x, wq, wk, wv, wo):
    return multi_head(x, x, wq, wk, wv, wo, causal=True)


def gated_heads(xq, xkv, wq, wk, wv, wo, g):
    return multi_head(xq, xkv, wq, wk, wv, wo, gates=f64(g))


def pool(h, w, b, u):
    """feed_forward_pool of one sequence h [S,E] -> [E]."""
    h = f64(h)
    e = np.tanh(h @ f64(w) + f64(b)) @ f64(u)    # [S]
    alpha = softmax(e, axis=0)
    return alpha @ h


def feed_forward_pool(h, w, b, u):
    return np.stack([pool(hb, w, b, u) for hb in f64(h)])


def hierarchical(x, ww, bw, uw, ws, bs, us):
    """Word-level pool over Nw for every sentence, then sentence-level pool
    over Ns."""
    x = f64(x)
    out = []
    for xb in x:                                  # [Ns,Nw,E]
        sentences = np.stack([pool(words, ww, bw, uw) for words in xb])
        out.append(pool(sentences, ws, bs, us))
    return np.stack(out)


def co_attention(a, b):
    a, b = f64(a), f64(b)
    L = a @ b.transpose(0, 2, 1)                  # [B,Na,Nb]
    a2 = softmax(L, axis=2) @ b
    b2 = softmax(L, axis=1).transpose(0, 2, 1) @ a
    return a2, b2


def attention_over_attention(d, q):
    d, q = f64(d), f64(q)
    M = d @ q.transpose(0, 2, 1)                  # [B,Nd,Nq]
    alpha = softmax(M, axis=1)                    # over Nd, per column
    beta = softmax(M, axis=2)                     # over Nq, per row
    beta_bar = beta.mean(axis=1)                  # [B,Nq]
    return np.einsum("bij,bj->bi", alpha, beta_bar)


def memory_hops(u, m, c, hops=HOPS):
    """The final u and the weights of every hop, [hops, B, N]."""
    u, m, c = f64(u), f64(m), f64(c)
    ps = []
    for _ in range(hops):
        p = softmax(np.einsum("bnd,bd->bn", m, u), axis=1)
        u = u + np.einsum("bn,bnd->bd", p, c)
        ps.append(p)
    return u, np.stack(ps) if ps else np.zeros((0,) + m.shape[:2])


def memory_network(u, m, c, hops=HOPS):
    return memory_hops(u, m, c, hops)[0]


def memory_network_weights(u, m, c, hops=HOPS):
    """The weights attn-expose-weights gives the hop loop:
    [hops, B, Hq = 1, Sq = 1, N]."""
    p = memory_hops(u, m, c, hops)[1]
    return p[:, :, None, None, :]


def layer_norm(x, g, b, eps=LN_EPS):
    x = f64(x)
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)   # biased
    return (x - mean) / np.sqrt(var + eps) * f64(g) + f64(b)


_erf = np.vectorize(math.erf, otypes=[np.float64])


def gelu(v):
    """Exact GELU: 0.5 v (1 + erf(v / sqrt(2)))."""
    v = f64(v)
    return 0.5 * v * (1.0 + _erf(v / math.sqrt(2.0)))


def encoder_layer(x, g1, b1, wq, wk, wv, wo, g2, b2, w1, c1, w2, c2,
                  heads=NUM_HEADS):
    x = f64(x)
    n1 = layer_norm(x, g1, b1)
    y = x + multi_head(n1, n1, wq, wk, wv, wo, heads=heads)
    n2 = layer_norm(y, g2, b2)
    return y + gelu(n2 @ f64(w1) + f64(c1)) @ f64(w2) + f64(c2)


_FUNCS = {
    "multi_head": multi_head,
    "causal_self_attention": causal_self_attention,
    "gated_heads": gated_heads,
    "feed_forward_pool": feed_forward_pool,
    "hierarchical": hierarchical,
    "co_attention": co_attention,
    "attention_over_attention": attention_over_attention,
    "memory_network": memory_network,
    "encoder_layer": encoder_layer,
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


def make_inputs(name, dims, seed):
    """Float32 inputs of row `name`. Activations are N(0,1); weights
    N(0, 1/fan_in) so projected scores stay O(1); inputs whose dot products
    are not scaled (co_attention, AoA, memory) are N(0, 1/sqrt(D)) so the
    softmaxes are not one-hot; gates lie in [0, 1] with head 3 pruned (0)."""
    rng = np.random.default_rng(seed)
    out = []
    for _, shape, kind in ROWS[name]["args"]:
        shp = shape_of(shape, dims)
        if kind == "act":
            x = rng.standard_normal(shp)
        elif kind == "weight":
            x = rng.standard_normal(shp) / math.sqrt(shp[0])
        elif kind == "vector":
            x = 0.5 * rng.standard_normal(shp)
        elif kind == "ln_gain":
            x = 1.0 + 0.2 * rng.standard_normal(shp)
        elif kind == "unscaled":
            x = rng.standard_normal(shp) / dims["D"] ** 0.25
        elif kind == "gates":
            x = rng.random(shp)
            x[3 % shp[0]] = 0.0
        else:
            raise ValueError(f"unknown input kind {kind!r}")
        out.append(np.ascontiguousarray(x, dtype=np.float32))
    return out


# --------------------------------------------------------------------------
# Self-test.
# --------------------------------------------------------------------------

def self_test(check):
    """Checks each row against a formulation that shares no code with it
    (reference.py for the attention inside, numpy vectorised forms) and
    against closed forms. `check(cond, what)` records a failure. Returns
    the number of comparisons."""
    import reference as ref

    rng = np.random.default_rng(11)
    count = 0

    def close(x, y, what):
        nonlocal count
        count += 1
        x, y = f64(x), f64(y)
        check(x.shape == y.shape and np.allclose(x, y, rtol=1e-9, atol=1e-12),
              f"structure self-test: {what}")

    def heads_of(x, heads):      # [B,S,E] -> [B,H,S,D]
        B, S, E = x.shape
        return x.reshape(B, S, heads, E // heads).transpose(0, 2, 1, 3)

    def merge(o):                # [B,H,S,D] -> [B,S,E]
        B, H, S, D = o.shape
        return o.transpose(0, 2, 1, 3).reshape(B, S, H * D)

    for (B, Sq, Skv, E) in [(2, 5, 7, 16), (1, 1, 9, 16), (2, 9, 3, 24),
                            (1, 6, 6, 8)]:
        dims = dict(DEFAULT_DIMS, B=B, Sq=Sq, Skv=Skv, S=Sq, E=E)
        xq, xkv, wq, wk, wv, wo = make_inputs("multi_head", dims, B + Sq + Skv)
        q, k, v = (heads_of(xq @ f64(wq), NUM_HEADS),
                   heads_of(xkv @ f64(wk), NUM_HEADS),
                   heads_of(xkv @ f64(wv), NUM_HEADS))
        tag = f"B={B} Sq={Sq} Skv={Skv} E={E}"
        close(multi_head(xq, xkv, wq, wk, wv, wo),
              merge(ref.reference("scaled_dot", q, k, v)) @ f64(wo),
              f"multi_head vs reference.py scaled_dot, {tag}")
        close(multi_head(xq, xkv, wq, wk, wv, wo, causal=True),
              merge(ref.reference("causal", q, k, v)) @ f64(wo),
              f"causal multi_head vs reference.py causal, {tag}")
        g = rng.random(NUM_HEADS)
        close(gated_heads(xq, xkv, wq, wk, wv, wo, g),
              merge(ref.reference("scaled_dot", q, k, v)
                    * g.reshape(1, -1, 1, 1)) @ f64(wo),
              f"gated_heads vs gated reference.py heads, {tag}")
        close(gated_heads(xq, xkv, wq, wk, wv, wo, np.ones(NUM_HEADS)),
              multi_head(xq, xkv, wq, wk, wv, wo), f"unit gates, {tag}")
        x = xq
        close(causal_self_attention(x, wq, wk, wv, wo),
              merge(ref.reference("causal", heads_of(x @ f64(wq), NUM_HEADS),
                                  heads_of(x @ f64(wk), NUM_HEADS),
                                  heads_of(x @ f64(wv), NUM_HEADS))) @ f64(wo),
              f"causal_self_attention, {tag}")

        # Pooling: vectorised form; u = 0 gives the mean of the rows.
        h, w, b, u = make_inputs("feed_forward_pool", dict(dims, S=Skv), B)
        e = np.tanh(f64(h) @ f64(w) + f64(b)) @ f64(u)          # [B,S]
        close(feed_forward_pool(h, w, b, u),
              np.einsum("bs,bse->be", softmax(e, axis=1), f64(h)),
              f"feed_forward_pool vectorised, {tag}")
        close(feed_forward_pool(h, w, b, np.zeros_like(u)),
              f64(h).mean(axis=1), f"feed_forward_pool with u = 0, {tag}")

        hd = dict(dims, Ns=Sq, Nw=Skv)
        args = make_inputs("hierarchical", hd, B + 1)
        xs = f64(args[0])
        ew = np.tanh(xs @ f64(args[1]) + f64(args[2])) @ f64(args[3])
        sent = np.einsum("bnw,bnwe->bne", softmax(ew, axis=2), xs)
        es = np.tanh(sent @ f64(args[4]) + f64(args[5])) @ f64(args[6])
        close(hierarchical(*args),
              np.einsum("bn,bne->be", softmax(es, axis=1), sent),
              f"hierarchical vectorised, {tag}")

        # co_attention: the two normalisations are dot attentions (scale 1).
        a, bb = make_inputs("co_attention", dict(dims, Na=Sq, Nb=Skv, D=E), B)
        a2, b2 = co_attention(a, bb)
        a4, b4 = f64(a)[:, None], f64(bb)[:, None]
        close(a2, ref.reference("dot", a4, b4, b4)[:, 0], f"co_attention a', {tag}")
        close(b2, ref.reference("dot", b4, a4, a4)[:, 0], f"co_attention b', {tag}")

        # AoA: loops over the definition; sum_i s_i = 1; Nq = 1 gives alpha.
        d, q = make_inputs("attention_over_attention",
                           dict(dims, Nd=Skv, Nq=Sq, D=E), B)
        s = attention_over_attention(d, q)
        want = np.zeros((B, Skv))
        for bi in range(B):
            M = f64(d[bi]) @ f64(q[bi]).T
            for j in range(Sq):
                alpha = np.exp(M[:, j]) / np.exp(M[:, j]).sum()
                beta_bar_j = np.mean([np.exp(M[i, j]) / np.exp(M[i]).sum()
                                      for i in range(Skv)])
                want[bi] += alpha * beta_bar_j
        close(s, want, f"attention_over_attention loops, {tag}")
        close(s.sum(axis=1), np.ones(B), f"attention_over_attention sums to 1, {tag}")
        close(attention_over_attention(d, q[:, :1]),
              softmax(f64(d) @ f64(q[:, 0])[:, :, None], axis=1)[:, :, 0],
              f"attention_over_attention with Nq = 1, {tag}")

        # memory_network: one hop is a dot attention plus the residual.
        u, m, c = make_inputs("memory_network", dict(dims, N=Skv, D=E), B)
        one = ref.reference("dot", f64(u)[:, None, None], f64(m)[:, None],
                            f64(c)[:, None])[:, 0, 0]
        close(memory_network(u, m, c, hops=1), f64(u) + one,
              f"memory_network one hop, {tag}")
        close(memory_network(u, m, c),
              memory_network(memory_network(u, m, c, hops=2), m, c, hops=1),
              f"memory_network 3 hops = 2 + 1, {tag}")

        # encoder_layer: LayerNorm statistics, GELU closed forms, and the
        # layer with zero output projections is the identity plus c2.
        args = make_inputs("encoder_layer", dict(dims, S=Sq, F=2 * E), B)
        n = layer_norm(args[0], np.ones(E), np.zeros(E))
        close(n.mean(axis=-1), np.zeros(n.shape[:2]), f"layer_norm mean, {tag}")
        close((n ** 2).mean(axis=-1),
              1.0 / (1.0 + LN_EPS / f64(args[0]).var(axis=-1)),
              f"layer_norm biased variance, {tag}")
        zeroed = list(args)
        zeroed[6] = np.zeros_like(args[6])     # Wo
        zeroed[11] = np.zeros_like(args[11])   # W2
        close(encoder_layer(*zeroed), f64(args[0]) + f64(args[12]),
              f"encoder_layer with Wo = W2 = 0, {tag}")
    close(gelu([0.0, 1.0, -1.0, 10.0]),
          [0.0, 0.8413447460685429, -0.15865525393145707, 10.0],
          "gelu closed forms")
    return count


if __name__ == "__main__":
    failures = []
    n = self_test(lambda ok, what: ok or failures.append(what) or print(
        "FAIL: " + what))
    print(f"structure self-test: {n} comparisons: "
          f"{'FAIL' if failures else 'PASS'}")
    raise SystemExit(1 if failures else 0)
