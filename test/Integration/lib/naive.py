"""A second, deliberately naive implementation of VARIANTS.md sections A-C.

It exists only to test the oracle (reference.py, and the FLEX modules'
math in variant_specs.py): plain Python loops over
b, h, i, j on Python floats, no numpy arithmetic, written independently
from the table in shared/VARIANTS.md. Use it on tiny sizes only.
"""

import math

# Parameters as VARIANTS.md states them (repeated here on purpose).
PARAMS = dict(window=64, local=16, gauss_width=8, gauss_sigma=4.0, top_k=8,
              softcap=50.0, cosine=10.0, clip=16)


def _lists(x):
    return x.tolist() if hasattr(x, "tolist") else x


def _dot(a, b):
    total = 0.0
    for x, y in zip(a, b):
        total += x * y
    return total


def _matvec_t(row, W):
    """row (len D) times W (D x A) -> len A."""
    cols = len(W[0])
    return [sum(row[d] * W[d][a] for d in range(len(row))) for a in range(cols)]


def _softmax(vals, keep):
    """Softmax of vals over the positions where keep is true; 0 elsewhere,
    all zeros if nothing is kept."""
    kept = [x for x, ok in zip(vals, keep) if ok]
    if not kept:
        return [0.0] * len(vals)
    top = max(kept)
    ex = [math.exp(x - top) if ok else 0.0 for x, ok in zip(vals, keep)]
    z = sum(ex)
    return [e / z for e in ex]


def _sigm(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _base(name):
    return name.replace("_bf16", "").replace("_f16", "")


def _row_scores(n, args, b, h, i, kvh, Sq, Skv, Hq, D):
    """Scores and visibility of query row (b, h, i) as two Python lists."""
    q, k = args[0], args[1]
    qi = q[b][h][i]
    ip = i + Skv - Sq
    s, keep = [], []
    for j in range(Skv):
        kj = k[b][kvh][j]
        raw = _dot(qi, kj)
        x = raw / math.sqrt(D)
        ok = True
        if n == "dot":
            x = raw
        elif n == "general":
            W = args[3]
            x = _dot(_matvec_t(qi, W), kj)
        elif n == "additive":
            Wq, Wk, va = args[3], args[4], args[5]
            a1, a2 = _matvec_t(qi, Wq), _matvec_t(kj, Wk)
            x = sum(va[a] * math.tanh(a1[a] + a2[a]) for a in range(len(va)))
        elif n == "cosine":
            x = PARAMS["cosine"] * raw / (math.sqrt(_dot(qi, qi)) *
                                          math.sqrt(_dot(kj, kj)))
        elif n == "neg_l2":
            x = -sum((qi[d] - kj[d]) ** 2 for d in range(D)) / math.sqrt(D)
        elif n == "causal":
            ok = j <= ip
        elif n == "sliding_window":
            ok = ip - PARAMS["window"] <= j and j <= ip
        elif n == "local_window":
            ok = abs(j - ip) <= PARAMS["local"]
        elif n == "local_gaussian":
            ok = abs(j - args[3][b][h][i]) <= PARAMS["gauss_width"]
        elif n == "key_padding":
            ok = j < args[3][b]
        elif n == "bool_mask":
            ok = bool(args[3][b][0][i][j])
        elif n == "bias":
            x = x + args[3][b][h][i][j]
        elif n == "alibi":
            slope = 2.0 ** (-8.0 * (h + 1) / Hq)
            x = x - slope * (ip - j)
            ok = j <= ip
        elif n == "softcap":
            x = PARAMS["softcap"] * math.tanh(x / PARAMS["softcap"])
        elif n == "relative_position":
            r = min(max(j - i, -PARAMS["clip"]), PARAMS["clip"]) + PARAMS["clip"]
            aK = args[3][r]
            x = _dot(qi, [kj[d] + aK[d] for d in range(D)]) / math.sqrt(D)
        # FlexAttention-style modules of test/Integration/CPU/Inputs
        elif n == "flex_window":
            ok = ip - j <= 20 and j <= ip
        elif n == "flex_distance":
            x = x + 0.05 * (j - ip)
        elif n == "flex_window_distance_causal":
            x = x + 0.05 * (j - ip)
            ok = j <= ip and ip - j <= 20
        elif n == "flex_heads":
            x = x * (1.0 + 0.5 * h)
            ok = (j + h + b) % 3 != 0
        elif n == "flex_causal_mod":
            ok = j <= ip
        s.append(x)
        keep.append(ok)
    return s, keep


def naive(name, *inputs):
    """Output [B][Hq][Sq][Dv] as nested lists."""
    n = _base(name)
    args = [_lists(x) for x in inputs]
    q, k, v = args[0], args[1], args[2]
    B, Hq, Sq, D = len(q), len(q[0]), len(q[0][0]), len(q[0][0][0])
    Hkv, Skv, Dv = len(k[0]), len(k[0][0]), len(v[0][0][0])
    out = [[[[0.0] * Dv for _ in range(Sq)] for _ in range(Hq)] for _ in range(B)]
    for b in range(B):
        for h in range(Hq):
            kvh = h * Hkv // Hq
            vs = v[b][kvh]
            for i in range(Sq):
                o = out[b][h][i]
                if n == "multi_dimensional":
                    W1, W2, bias = args[3], args[4], args[5]
                    qw = _matvec_t(q[b][h][i], W1)
                    for f in range(Dv):
                        e = [math.tanh(qw[f] + _matvec_t(k[b][kvh][j], W2)[f] + bias[f])
                             for j in range(Skv)]
                        p = _softmax(e, [True] * Skv)
                        o[f] = sum(p[j] * vs[j][f] for j in range(Skv))
                    continue
                if n == "compositional":
                    qi = q[b][h][i]
                    for j in range(Skv):
                        kj = k[b][kvh][j]
                        l1 = sum(abs(qi[d] - kj[d]) for d in range(D))
                        mij = (math.tanh(_dot(qi, kj) / math.sqrt(D)) *
                               _sigm(-l1 / math.sqrt(D)))
                        for f in range(Dv):
                            o[f] += mij * vs[j][f]
                    continue
                s, keep = _row_scores(n, args, b, h, i, kvh, Sq, Skv, Hq, D)
                if n == "sigmoid":
                    w = [_sigm(x) for x in s]
                elif n == "hard":
                    best = 0
                    for j in range(1, Skv):
                        if s[j] > s[best]:
                            best = j
                    w = [1.0 if j == best else 0.0 for j in range(Skv)]
                elif n == "topk":
                    kk = PARAMS["top_k"]
                    ranked = sorted(range(Skv), key=lambda j: (-s[j], j))
                    chosen = set(ranked[:kk])
                    w = _softmax(s, [j in chosen for j in range(Skv)])
                elif n == "hard_sample":
                    p = _softmax(s, keep)
                    u = args[3][b][h][i]
                    acc, pick = 0.0, Skv - 1
                    for j in range(Skv):
                        acc += p[j]
                        if acc > u:
                            pick = j
                            break
                    w = [1.0 if j == pick else 0.0 for j in range(Skv)]
                else:
                    w = _softmax(s, keep)
                    if n == "local_gaussian":
                        pi = args[3][b][h][i]
                        sig = PARAMS["gauss_sigma"]
                        w = [w[j] * math.exp(-(j - pi) ** 2 / (2 * sig * sig))
                             for j in range(Skv)]
                for j in range(Skv):
                    if w[j] == 0.0:
                        continue
                    vj = vs[j]
                    if n == "relative_position":
                        r = min(max(j - i, -PARAMS["clip"]), PARAMS["clip"]) + PARAMS["clip"]
                        vj = [vj[f] + args[4][r][f] for f in range(Dv)]
                    for f in range(Dv):
                        o[f] += w[j] * vj[f]
    return out


def naive_lse(name, *inputs):
    """[B][Hq][Sq] log-sum-exp of the visible scores (-inf if none)."""
    n = _base(name)
    args = [_lists(x) for x in inputs]
    q, k = args[0], args[1]
    B, Hq, Sq, D = len(q), len(q[0]), len(q[0][0]), len(q[0][0][0])
    Hkv, Skv = len(k[0]), len(k[0][0])
    res = []
    for b in range(B):
        rb = []
        for h in range(Hq):
            rh = []
            for i in range(Sq):
                s, keep = _row_scores(n, args, b, h, i, h * Hkv // Hq, Sq, Skv, Hq, D)
                if n == "topk" and Skv > PARAMS["top_k"]:
                    ranked = sorted(range(Skv), key=lambda j: (-s[j], j))
                    keep = [j in ranked[:PARAMS["top_k"]] for j in range(Skv)]
                vals = [x for x, ok in zip(s, keep) if ok]
                if not vals:
                    rh.append(-math.inf)
                else:
                    m = max(vals)
                    rh.append(m + math.log(sum(math.exp(x - m) for x in vals)))
            rb.append(rh)
        res.append(rb)
    return res
