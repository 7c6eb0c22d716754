"""Float64 numpy reference for the attention variants of shared/VARIANTS.md.

This module is the oracle of the integration tests. It is written straight
from the math in VARIANTS.md, sections A (score functions), B (normalisers)
and C (masks, biases, positions), and shares no code with the compiler.
Everything is computed in float64 on whatever values it is given: callers
that test f16/bf16 modules round the inputs to that type first and pass the
rounded values here. NAME_fp8 (FP8 E4M3 q, k, v with per-tensor scales, a
bf16 output) takes NAME's arguments plus a last one, scales = [sq, sk, sv];
every entry point below computes NAME on the dequantised inputs
(on_dequantised, dequantize): q8 * sq, k8 * sk, v8 * sv, exactly, and no scales.

Conventions (VARIANTS.md):
  q [B,Hq,Sq,D], k [B,Hkv,Skv,D], v [B,Hkv,Skv,Dv] -> o [B,Hq,Sq,Dv]
  query head h reads key/value head h // (Hq // Hkv)
  i' = i + (Skv - Sq), the query's position on the key axis
  softmax over the visible keys only; a row with no visible key gives zeros.

Entry points:
  reference(name, *inputs)  -> output, float64
  lse(name, *inputs)        -> [B,Hq,Sq] natural log-sum-exp of the visible
                               scores (-inf for a row with no visible key)
  lse_of_scores(s, visible) -> the same from a score matrix and visibility
  scores(name, *inputs)     -> (s, visible), both [B,Hq,Sq,Skv]
The inputs are the arguments of the variant in the order VARIANTS.md lists.
"""

import functools

import numpy as np

# Example parameter values fixed by VARIANTS.md.
SLIDING_WINDOW = 64      # sliding_window: visible iff i' - 64 <= j <= i'
LOCAL_WINDOW = 16        # local_window:   visible iff |j - i'| <= 16
GAUSSIAN_HALF_WIDTH = 8  # local_gaussian: visible iff |j - p_i| <= 8
GAUSSIAN_SIGMA = 4.0     # local_gaussian: exp(-(j - p_i)^2 / (2 sigma^2))
TOP_K = 8                # topk
SOFTCAP = 50.0           # softcap
COSINE_SCALE = 10.0      # cosine
REL_CLIP = 16            # relative_position: kappa

SECTION_A = ["dot", "scaled_dot", "general", "additive", "cosine", "neg_l2",
             "multi_dimensional", "compositional"]
SECTION_B = ["sigmoid", "hard", "topk", "hard_sample"]
SECTION_C = ["causal", "sliding_window", "local_window", "local_gaussian",
             "key_padding", "bool_mask", "bias", "alibi", "softcap",
             "relative_position", "gqa", "causal_bf16", "causal_f16",
             "scaled_dot_bf16", "scaled_dot_f16"]
VARIANTS = SECTION_A + SECTION_B + SECTION_C


def base_name(name):
    """causal_bf16 -> causal, scaled_dot_f16 -> scaled_dot, gqa_fp8 -> gqa
    (same math)."""
    for suffix in ("_bf16", "_f16", "_fp8"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def element_type(name):
    """Element type of q, k, v: f32, bf16, f16 or fp8 (MLIR f8E4M3FN, with
    the extra scales argument; see dequantize)."""
    if name.endswith("_bf16"):
        return "bf16"
    if name.endswith("_f16"):
        return "f16"
    if name.endswith("_fp8"):
        return "fp8"
    return "f32"


# The output of a NAME_fp8 module is bf16; every other module's output has
# q's element type. This also picks the tolerances the output is compared
# with (compare_results.TOLERANCES): NAME_fp8's inputs are exact (the
# oracle draws values representable in E4M3 and dequantises them exactly),
# so only the kernel's arithmetic and the rounding of the output differ,
# as for a bf16 module.
OUTPUT_TYPE = {"fp8": "bf16"}


def output_type(name):
    """Element type of the output of `name`'s module: f32, bf16 or f16."""
    etype = element_type(name)
    return OUTPUT_TYPE.get(etype, etype)


def dequantize(name, inputs):
    """The arguments of NAME for those of NAME_fp8: q8 * sq, k8 * sk,
    v8 * sv in float64 (exact: the products of two float32 values), the
    arguments between them and the scales unchanged, the last argument
    (scales = [sq, sk, sv]) dropped. Other names: `inputs` as they are."""
    if element_type(name) != "fp8":
        return list(inputs)
    scales = f64(inputs[-1])
    if scales.shape != (3,):
        raise ValueError(f"{name}: the last argument must be the scales "
                         f"[sq, sk, sv], not shape {scales.shape}")
    qkv = [f64(x) * s for x, s in zip(inputs[:3], scales)]
    return qkv + list(inputs[3:-1])


def on_dequantised(fn):
    """`fn(name, *inputs)` that answers NAME_fp8 as NAME on the dequantised
    inputs (dequantize)."""
    @functools.wraps(fn)
    def answer(name, *inputs):
        if element_type(name) == "fp8":
            return fn(base_name(name), *dequantize(name, inputs))
        return fn(name, *inputs)
    return answer


# --------------------------------------------------------------------------
# Small helpers.
# --------------------------------------------------------------------------

def f64(x):
    return np.asarray(x, dtype=np.float64)


def kv_per_query_head(x, hq):
    """[B,Hkv,S,X] -> [B,Hq,S,X]: query head h reads kv head h // (Hq/Hkv)."""
    hkv = x.shape[1]
    assert hq % hkv == 0, "Hq must be a multiple of Hkv"
    group = hq // hkv
    heads = np.arange(hq) // group
    return x[:, heads]


def aligned_query_positions(sq, skv):
    """i' = i + (Skv - Sq) for every query row i, as a [Sq,1] column."""
    return (np.arange(sq) + (skv - sq)).reshape(sq, 1)


def key_positions(skv):
    """j for every key, as a [1,Skv] row."""
    return np.arange(skv).reshape(1, skv)


def softmax_visible(s, visible):
    """Softmax over the last axis restricted to the visible entries.

    Hidden entries get weight 0; a row with no visible entry is all zeros.
    """
    s = f64(s)
    visible = np.broadcast_to(visible, s.shape)
    masked = np.where(visible, s, -np.inf)
    row_max = masked.max(axis=-1, keepdims=True)
    row_max = np.where(np.isfinite(row_max), row_max, 0.0)
    e = np.where(visible, np.exp(masked - row_max), 0.0)
    total = e.sum(axis=-1, keepdims=True)
    safe_total = np.where(total > 0, total, 1.0)
    return np.where(total > 0, e / safe_total, 0.0)


def sigmoid(x):
    """1 / (1 + exp(-x)), written with tanh so large |x| cannot overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))


def dot_scores(q, k):
    """q_i . k_j for every (b, h, i, j): [B,Hq,Sq,Skv]."""
    q = f64(q)
    k = kv_per_query_head(f64(k), q.shape[1])
    return np.einsum("bhid,bhjd->bhij", q, k)


def pairwise(q, k, fn):
    """fn(q_i, k_j) -> [B,H,Sq,Skv] for a function of the difference-style
    form; evaluated one query row at a time to bound memory."""
    q = f64(q)
    k = kv_per_query_head(f64(k), q.shape[1])
    b, h, sq, _ = q.shape
    skv = k.shape[2]
    out = np.empty((b, h, sq, skv))
    for i in range(sq):
        out[:, :, i, :] = fn(q[:, :, i, None, :], k)  # [B,H,1,D] vs [B,H,Skv,D]
    return out


def all_visible(b, h, sq, skv):
    return np.ones((b, h, sq, skv), dtype=bool)


def weighted_sum(p, v, hq):
    """o_i = sum_j P_ij v_j with the GQA head mapping."""
    v = kv_per_query_head(f64(v), hq)
    return np.einsum("bhij,bhjd->bhid", f64(p), v)


# --------------------------------------------------------------------------
# Scores and visibility, per variant.
# --------------------------------------------------------------------------

@on_dequantised
def scores(name, *inputs):
    """Returns (s, visible) for every variant with one scalar score per
    (query, key) pair, i.e. all of A, B and C except multi_dimensional
    (one score per value feature) and compositional (no normaliser).

    s is the final score fed to the normaliser (after scale, bias, ALiBi,
    soft-capping); visible is the boolean key visibility, both
    [B,Hq,Sq,Skv].
    """
    n = base_name(name)
    q, k = f64(inputs[0]), f64(inputs[1])
    B, Hq, Sq, D = q.shape
    Skv = k.shape[2]
    scaled = dot_scores(q, k) / np.sqrt(D)
    vis = all_visible(B, Hq, Sq, Skv)
    ip = aligned_query_positions(Sq, Skv)  # [Sq,1]
    j = key_positions(Skv)                 # [1,Skv]

    if n == "dot":
        return dot_scores(q, k), vis
    if n in ("scaled_dot", "gqa", "sigmoid", "hard", "topk", "hard_sample"):
        return scaled, vis
    if n == "general":
        W = f64(inputs[3])
        return dot_scores(q @ W, k), vis           # q_i^T W k_j, no scale
    if n == "additive":
        Wq, Wk, va = f64(inputs[3]), f64(inputs[4]), f64(inputs[5])
        qa = q @ Wq                                  # [B,Hq,Sq,A]
        ka = kv_per_query_head(k, Hq) @ Wk           # [B,Hq,Skv,A]
        s = np.empty((B, Hq, Sq, Skv))
        for i in range(Sq):
            t = np.tanh(qa[:, :, i, None, :] + ka)   # [B,Hq,Skv,A]
            s[:, :, i, :] = t @ va
        return s, vis
    if n == "cosine":
        qn = np.linalg.norm(q, axis=-1)[..., :, None]                  # [.,Sq,1]
        kn = np.linalg.norm(kv_per_query_head(k, Hq), axis=-1)[..., None, :]
        return COSINE_SCALE * dot_scores(q, k) / (qn * kn), vis
    if n == "neg_l2":
        sq_dist = pairwise(q, k, lambda qi, kj: ((qi - kj) ** 2).sum(-1))
        return -sq_dist / np.sqrt(D), vis
    if n == "causal":
        return scaled, vis & (j <= ip)
    if n == "sliding_window":
        return scaled, vis & (ip - SLIDING_WINDOW <= j) & (j <= ip)
    if n == "local_window":
        return scaled, vis & (np.abs(j - ip) <= LOCAL_WINDOW)
    if n == "local_gaussian":
        p = f64(inputs[3])[..., None]                # [B,Hq,Sq,1]
        return scaled, vis & (np.abs(j - p) <= GAUSSIAN_HALF_WIDTH)
    if n == "key_padding":
        lengths = np.asarray(inputs[3]).astype(np.int64).reshape(B, 1, 1, 1)
        return scaled, vis & (j < lengths)
    if n == "bool_mask":
        m = np.asarray(inputs[3]).astype(bool)       # [B,1,Sq,Skv]
        return scaled, vis & m
    if n == "bias":
        return scaled + f64(inputs[3]), vis
    if n == "alibi":
        slopes = 2.0 ** (-8.0 * (np.arange(Hq) + 1) / Hq)
        distance = (ip - j).astype(np.float64)       # i' - j, [Sq,Skv]
        s = scaled - slopes.reshape(1, Hq, 1, 1) * distance
        return s, vis & (j <= ip)
    if n == "softcap":
        return SOFTCAP * np.tanh(scaled / SOFTCAP), vis
    if n == "relative_position":
        aK = f64(inputs[3])
        r = relative_index(Sq, Skv)                  # [Sq,Skv]
        kk = kv_per_query_head(k, Hq)
        # q_i . (k_j + aK_r) = q_i . k_j + q_i . aK_r
        q_ak = np.einsum("bhid,rd->bhir", q, aK)     # [B,Hq,Sq,33]
        rel = np.take_along_axis(
            q_ak, np.broadcast_to(r, (B, Hq, Sq, Skv)), axis=-1)
        s = (np.einsum("bhid,bhjd->bhij", q, kk) + rel) / np.sqrt(D)
        return s, vis
    raise ValueError(f"variant {name!r} has no scalar score matrix")


def relative_index(sq, skv):
    """r = clip(j - i, -16, 16) + 16 (Shaw et al.; i is the unaligned row)."""
    i = np.arange(sq).reshape(sq, 1)
    j = np.arange(skv).reshape(1, skv)
    return np.clip(j - i, -REL_CLIP, REL_CLIP) + REL_CLIP


# --------------------------------------------------------------------------
# Outputs.
# --------------------------------------------------------------------------

@on_dequantised
def reference(name, *inputs):
    """Float64 output of variant `name` on `inputs` (argument order of
    VARIANTS.md). Result [B,Hq,Sq,Dv]."""
    n = base_name(name)
    if n not in [base_name(x) for x in VARIANTS]:
        raise ValueError(f"unknown variant {name!r}")
    q, k, v = f64(inputs[0]), f64(inputs[1]), f64(inputs[2])
    B, Hq, Sq, _ = q.shape
    Skv = k.shape[2]

    if n == "multi_dimensional":
        W1, W2, bvec = f64(inputs[3]), f64(inputs[4]), f64(inputs[5])
        qw = q @ W1                                  # [B,Hq,Sq,Dv]
        kw = kv_per_query_head(k, Hq) @ W2           # [B,Hq,Skv,Dv]
        vv = kv_per_query_head(v, Hq)                # [B,Hq,Skv,Dv]
        out = np.empty((B, Hq, Sq, v.shape[-1]))
        for i in range(Sq):
            e = np.tanh(qw[:, :, i, None, :] + kw + bvec)   # [B,Hq,Skv,Dv]
            # softmax over j (axis -2) separately for every feature f
            p = softmax_visible(np.swapaxes(e, -1, -2), True)  # [B,Hq,Dv,Skv]
            out[:, :, i, :] = (np.swapaxes(p, -1, -2) * vv).sum(axis=-2)
        return out

    p = weights(name, *inputs)
    if n == "relative_position":
        aV = f64(inputs[4])
        r = relative_index(Sq, Skv)
        # sum_j P_ij (v_j + aV_r(i,j)) = P v + sum_j P_ij aV_r(i,j)
        pos_term = np.einsum("bhij,ijd->bhid", p, aV[r])
        return weighted_sum(p, v, Hq) + pos_term
    return weighted_sum(p, v, Hq)


def one_hot(j_star, skv):
    """[.., Skv] rows with a one at key j_star and zeros elsewhere."""
    return (np.arange(skv) == j_star[..., None]).astype(np.float64)


@on_dequantised
def weights(name, *inputs):
    """Float64 attention weights P [B,Hq,Sq,Skv] of variant `name`: the
    output is sum_j P_ij v_j (plus the relative-position value term), so
    this is what attn-run --dump-weights writes. multi_dimensional has one
    weight per value feature and no P."""
    n = base_name(name)
    if n == "multi_dimensional":
        raise ValueError("multi_dimensional has per-feature weights, no P")
    q, k = f64(inputs[0]), f64(inputs[1])
    D = q.shape[3]
    Skv = k.shape[2]

    if n == "compositional":
        scale = 1.0 / np.sqrt(D)
        l1 = pairwise(q, k, lambda qi, kj: np.abs(qi - kj).sum(-1))
        return np.tanh(dot_scores(q, k) * scale) * sigmoid(-l1 * scale)

    s, vis = scores(name, *inputs)

    if n == "sigmoid":
        return sigmoid(s)

    if n == "hard":
        return one_hot(np.argmax(s, axis=-1), Skv)   # first maximum: lowest j

    if n == "topk":
        return softmax_visible(s, topk_visible(s))

    if n == "hard_sample":
        u = f64(inputs[3])
        p = softmax_visible(s, vis)
        cdf = np.cumsum(p, axis=-1)
        above = cdf > u[..., None]
        # first j with cdf > u; if rounding leaves none (u ~ 1), the last key
        return one_hot(np.where(above.any(-1), np.argmax(above, axis=-1),
                                Skv - 1), Skv)

    p = softmax_visible(s, vis)
    if n == "local_gaussian":
        pos = f64(inputs[3])[..., None]              # [B,Hq,Sq,1]
        j = key_positions(Skv)
        p = p * np.exp(-((j - pos) ** 2) / (2.0 * GAUSSIAN_SIGMA ** 2))
    return p


def topk_visible(s):
    """Boolean [.., Skv]: the TOP_K largest scores of each row (ties: lower
    j first); every key when Skv <= TOP_K."""
    skv = s.shape[-1]
    if skv <= TOP_K:
        return np.ones(s.shape, dtype=bool)
    order = np.argsort(-s, axis=-1, kind="stable")   # stable: lower j first
    chosen = np.zeros(s.shape, dtype=bool)
    np.put_along_axis(chosen, order[..., :TOP_K], True, axis=-1)
    return chosen


@on_dequantised
def lse(name, *inputs):
    """Natural log-sum-exp over the visible scores of each row, [B,Hq,Sq];
    -inf for a row with no visible key. For topk the visible keys are the
    chosen top-k."""
    s, vis = scores(name, *inputs)
    if base_name(name) == "topk":
        vis = vis & topk_visible(s)
    return lse_of_scores(s, vis)


def lse_of_scores(s, vis):
    """Natural log-sum-exp over the last axis of the entries of s where vis
    holds; -inf where none does."""
    s = f64(s)
    vis = np.broadcast_to(vis, s.shape)
    masked = np.where(vis, s, -np.inf)
    row_max = masked.max(axis=-1)
    safe_max = np.where(np.isfinite(row_max), row_max, 0.0)
    total = np.where(vis, np.exp(masked - safe_max[..., None]), 0.0).sum(-1)
    with np.errstate(divide="ignore"):
        return np.where(total > 0, np.log(total) + safe_max, -np.inf)


# --------------------------------------------------------------------------
# Rounding of inputs to the narrow float types.
# --------------------------------------------------------------------------

def round_to_bf16(x):
    """float32 values rounded to the nearest bf16 (ties to even), returned
    as float32. This is the conversion attn-run applies to bf16 inputs."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    bits = x.view(np.uint32).astype(np.uint64)
    lsb = (bits >> 16) & 1
    rounded = ((bits + 0x7FFF + lsb) & 0xFFFF0000).astype(np.uint32)
    out = rounded.view(np.float32)
    return np.where(np.isnan(x), x, out).astype(np.float32)


E4M3_MAX = 448.0   # largest finite f8E4M3FN magnitude, S.1111.110


def round_to_e4m3(x):
    """Values rounded to the nearest FP8 E4M3FN value (ties to even
    mantissa), returned as float32: magnitudes above 448 (and infinities)
    saturate to +-448, NaN stays NaN, magnitudes up to 2^-10 become zero
    of their sign. This is the conversion attn-run applies to f8E4M3FN
    arguments read from float32 .npy files. The value is rounded as given
    (a float64 is not rounded to float32 first)."""
    with np.errstate(invalid="ignore", over="ignore"):  # signalling NaNs
        x = np.asarray(x, dtype=np.float64)
        a = np.abs(x)
        _, e = np.frexp(np.where(np.isfinite(a), a, 1.0))  # a = m 2^e, m in [0.5, 1)
        # 3 mantissa bits: the spacing is 2^(e-4) in the binade [2^(e-1), 2^e)
        # of a normal value, 2^-9 below 2^-6 (subnormals).
        ulp = np.ldexp(1.0, np.maximum(e, -5) - 4)
        r = np.rint(a / ulp) * ulp       # rint: nearest, ties to even
        r = np.minimum(np.where(np.isinf(a), E4M3_MAX, r), E4M3_MAX)
        out = np.copysign(r, x)
    return np.where(np.isnan(x), x, out).astype(np.float32)


def round_to(x, etype):
    """Rounds float data to `etype`; returns the array attn-run reads
    (float32 for f32, bf16 and fp8, float16 for f16). fp8 is E4M3FN
    without scaling (round_to_e4m3)."""
    if etype == "f32":
        return np.asarray(x, dtype=np.float32)
    if etype == "bf16":
        return round_to_bf16(x)
    if etype == "f16":
        return np.asarray(x, dtype=np.float16)
    if etype == "fp8":
        return round_to_e4m3(x)
    raise ValueError(etype)


# --------------------------------------------------------------------------
# Paged key/value caches (attn.attention with block_table).
# --------------------------------------------------------------------------

def gather_pages(pages, table, lengths=None):
    """Dense [B,H,P*page_size,X] from a page pool [N,H,page_size,X] and a
    block table [B,P]: logical key j of batch b is row j % page_size of page
    table[b, j // page_size]. Keys at or past lengths[b] (when given) are
    left zero: their pages are never read, so their table entries may be
    out of range."""
    pages = f64(pages)
    table = np.asarray(table)
    B, P = table.shape
    _, H, ps, X = pages.shape
    out = np.zeros((B, H, P * ps, X))
    for b in range(B):
        end = P * ps if lengths is None else min(max(int(lengths[b]), 0), P * ps)
        for j in range(end):
            out[b, :, j, :] = pages[table[b, j // ps], :, j % ps, :]
    return out


def paged_reference(q, k_pages, v_pages, lengths, table, causal=False,
                    window=None, scale=None):
    """Float64 output [B,Hq,Sq,Dv] (and lse) of scaled-dot softmax attention
    over a paged cache: Skv = P * page_size logical keys, visible iff
    j < lengths[b], and (causal) j <= i', (window = (l, r))
    i' - l <= j <= i' + r, with i' = i + Skv - Sq."""
    q = f64(q)
    B, Hq, Sq, D = q.shape
    k = gather_pages(k_pages, table, lengths)
    v = gather_pages(v_pages, table, lengths)
    Skv = k.shape[2]
    s = dot_scores(q, k) * (1.0 / np.sqrt(D) if scale is None else scale)
    ip = aligned_query_positions(Sq, Skv)
    j = key_positions(Skv)
    vis = all_visible(B, Hq, Sq, Skv)
    lens = np.asarray(lengths).reshape(B, 1, 1, 1)
    vis = vis & (j < lens)
    if causal:
        vis = vis & (j <= ip)
    if window is not None:
        vis = vis & (ip - window[0] <= j) & (j <= ip + window[1])
    return weighted_sum(softmax_visible(s, vis), v, Hq), lse_of_scores(s, vis)
