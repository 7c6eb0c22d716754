"""The PyTorch peers of the GPU benchmark (gpu_bench.py), and the variants
of shared/VARIANTS.md written for them.

Peers, each on the very tensors the compiled kernel reads:
  sdpa-flash   torch.nn.functional.scaled_dot_product_attention forced to
               its FlashAttention backend (torch.nn.attention.sdpa_kernel)
  sdpa-cudnn   the same forced to its cuDNN backend
  flex         torch.nn.attention.flex_attention compiled with
               torch.compile, the variant as a score_mod and a mask_mod
               (block masks from create_block_mask)

A peer that cannot run a shape raises Skip with the reason (torch too old,
a backend that refuses the shape or a mask, a variant it cannot express),
which the benchmark prints. torch is imported lazily: this file is read by
a python3 that may have no torch.

The variants' math is that of reference.py (VARIANTS.md): i' = i + Skv - Sq
(bottom-right alignment), s_ij = q_i . k_j / sqrt(D) before the changes.
flex_mods() gives each as FlexAttention functions; sdpa_arguments() as
scaled_dot_product_attention's mask or flags where that can say it.
relative_position (Shaw et al.) has a value-side term, sum_j P_ij aV_r,
that no score_mod can add: relative_position_flex() computes it from the
log-sum-exp of two flex_attention calls (its docstring says how).

DenseEngine evaluates the same functions on whole score matrices in
float64, as flex_attention defines them, so that they are checked against
the float64 reference where flex_attention (torch >= 2.5, a GPU) is
absent; dense_sdpa() does the same for SDPA's documented math.
"""

import importlib
import math
import warnings

import bench_plan
import reference as ref

PEERS = ("sdpa-flash", "sdpa-cudnn", "flex")
SDPA_BACKENDS = {"sdpa-flash": "FLASH_ATTENTION",
                 "sdpa-cudnn": "CUDNN_ATTENTION"}


class Skip(Exception):
    """A peer cannot run this shape; str() says why."""


def first_line(e):
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0] if text else ''}"


# ---------------------------------------------------------------------------
# Inputs.
# ---------------------------------------------------------------------------

def make_inputs(torch, shape, device, seed=0):
    """The arguments of `shape`'s module in @main's order (VARIANTS.md):
    q, k, v (and bias) bf16 from a normal distribution, relative_position's
    tables aK, aV f32."""
    g = torch.Generator(device=device)
    g.manual_seed(seed)

    def normal(*dims, dtype=torch.bfloat16):
        return torch.randn(*dims, generator=g, device=device,
                           dtype=torch.float32).to(dtype)
    s = shape
    args = [normal(s.B, s.Hq, s.Sq, s.D), normal(s.B, s.Hkv, s.Skv, s.D),
            normal(s.B, s.Hkv, s.Skv, s.D)]
    if s.variant == "bias":
        args.append(normal(s.B, s.Hq, s.Sq, s.Skv))
    if s.variant == "relative_position":
        rows = 2 * ref.REL_CLIP + 1
        args += [normal(rows, s.D, dtype=torch.float32),
                 normal(rows, s.D, dtype=torch.float32)]
    return args


# ---------------------------------------------------------------------------
# The variants as score_mod / mask_mod (FlexAttention's signatures: score,
# b, h, q_idx, kv_idx are tensors; flex_attention passes 0-d ones under
# vmap, DenseEngine broadcast index grids).
# ---------------------------------------------------------------------------

def alibi_slopes(torch, hq, device, dtype):
    """m_h = 2^(-8 (h + 1) / Hq)."""
    h = torch.arange(hq, device=device, dtype=torch.float64)
    return torch.pow(2.0, -8.0 * (h + 1) / hq).to(dtype)


def flex_mods(torch, name, args, sq, skv, dtype):
    """(score_mod, mask_mod, enable_gqa) of VARIANTS.md row `name` on its
    arguments `args`; None for no change or no mask. flex_attention's score
    is already q . k / sqrt(D); tables the score_mod reads are `dtype`
    (the engine's work_dtype: f32 in the kernel)."""
    off = skv - sq          # i' = q_idx + off

    def causal(b, h, q_idx, kv_idx):
        return kv_idx <= q_idx + off

    if name == "scaled_dot":
        return None, None, False
    if name == "gqa":
        return None, None, True
    if name == "causal":
        return None, causal, False
    if name == "sliding_window":
        def window(b, h, q_idx, kv_idx):
            return ((kv_idx <= q_idx + off)
                    & (q_idx + off - kv_idx <= ref.SLIDING_WINDOW))
        return None, window, False
    if name == "alibi":
        slopes = alibi_slopes(torch, args[0].shape[1], args[0].device, dtype)

        def alibi(score, b, h, q_idx, kv_idx):
            return score - slopes[h] * (q_idx + off - kv_idx)
        return alibi, causal, False
    if name == "softcap":
        def softcap(score, b, h, q_idx, kv_idx):
            return ref.SOFTCAP * torch.tanh(score / ref.SOFTCAP)
        return softcap, None, False
    if name == "bias":
        bias = args[3]

        def add_bias(score, b, h, q_idx, kv_idx):
            return score + bias[b, h, q_idx, kv_idx]
        return add_bias, None, False
    raise Skip(f"{name} is not a score_mod and a mask_mod alone")


def relative_position_flex(torch, engine, q, k, v, aK, aV, blocks):
    """Shaw's relative positions (VARIANTS.md relative_position, clip C =
    16, r = clip(j - i, -C, C) + C) with FlexAttention:

    - key side: s_ij + scale q_i . aK_r. q_i . aK_r takes 2C + 1 values per
      row: a [B,H,Sq,2C+1] table, read by the score_mod.
    - value side: sum_j P_ij aV_r = sum_r w_ir aV_r. The inner buckets
      (|j - i| < C) hold one key each, so w_ir = P_ij = exp(s_ij - lse_i)
      with the lse that flex_attention returns. The far-left bucket (j - i
      <= -C) weighs exp(lse'_i - lse_i), lse' from a second flex_attention
      call masked to those keys, and the far-right bucket the rest, 1 minus
      the others (every key is visible).

    `blocks` is engine.blocks(...) for (no mask, the far-left mask)."""
    C = ref.REL_CLIP
    B, H, Sq, D = q.shape
    Skv = k.shape[2]
    scale = 1.0 / math.sqrt(D)
    wd = engine.work_dtype
    qw, kw = q.to(wd), k.to(wd)
    qak = torch.einsum("bhid,rd->bhir", qw, aK.to(wd))  # [B,H,Sq,2C+1]

    def rel_score(score, b, h, q_idx, kv_idx):
        r = torch.clamp(kv_idx - q_idx, -C, C) + C
        return score + qak[b, h, q_idx, r] * scale

    out, lse = engine.attend(q, k, v, rel_score, blocks[0], False, True)
    _, lse_left = engine.attend(q, k, v, rel_score, blocks[1], False, True)
    lse, lse_left = lse.to(wd), lse_left.to(wd)
    w_left = torch.exp(lse_left - lse)                  # 0 where lse' = -inf
    rows = torch.arange(Sq, device=q.device)
    pos = w_left[..., None] * aV[0].to(wd)
    inner = torch.zeros_like(w_left)
    for d in range(-C + 1, C):
        j = rows + d
        valid = (j >= 0) & (j < Skv)
        kj = kw[:, :, j.clamp(0, Skv - 1)]               # [B,H,Sq,D]
        s = ((qw * kj).sum(-1) + qak[..., d + C]) * scale
        w = torch.where(valid, torch.exp(s - lse), torch.zeros_like(s))
        inner = inner + w
        pos = pos + w[..., None] * aV[d + C].to(wd)
    w_right = torch.clamp(1.0 - w_left - inner, min=0.0)
    pos = pos + w_right[..., None] * aV[2 * C].to(wd)
    return engine.finish(out.to(wd) + pos, q)


def relative_position_masks(sq, skv):
    """The mask_mods of relative_position_flex: none, and the far-left
    bucket (j - i <= -C)."""
    def far_left(b, h, q_idx, kv_idx):
        return kv_idx - q_idx <= -ref.REL_CLIP
    return None, far_left


# ---------------------------------------------------------------------------
# Engines: flex_attention itself, or its math on dense score matrices.
# ---------------------------------------------------------------------------

class FlexEngine:
    """torch.nn.attention.flex_attention under torch.compile, on `device`.
    Raises Skip where torch has no flex_attention."""

    def __init__(self, torch, device):
        try:
            from torch.nn.attention.flex_attention import (create_block_mask,
                                                           flex_attention)
        except ImportError:
            raise Skip(f"torch {torch.__version__} has no "
                       f"torch.nn.attention.flex_attention (torch >= 2.5)")
        # Every shape and variant compiles its own kernel; past dynamo's
        # default cache limit (8) flex_attention would fall back to its
        # unfused eager form. Static shapes: no dynamic-shape kernels.
        config = importlib.import_module("torch._dynamo.config")
        for limit in ("cache_size_limit", "recompile_limit",
                      "accumulated_cache_size_limit",
                      "accumulated_recompile_limit"):
            if isinstance(getattr(config, limit, None), int):
                setattr(config, limit, max(getattr(config, limit), 1024))
        self.torch, self.device = torch, device
        self.work_dtype = torch.float32
        self.compiled = torch.compile(flex_attention, dynamic=False)
        self.create_block_mask = create_block_mask

    def block(self, mask_mod, sq, skv):
        """The BlockMask of a mask_mod that depends on neither b nor h."""
        if mask_mod is None:
            return None
        return self.create_block_mask(mask_mod, None, None, sq, skv,
                                      device=self.device)

    def attend(self, q, k, v, score_mod, block, enable_gqa, return_lse):
        kwargs = {"score_mod": score_mod, "block_mask": block}
        if enable_gqa:
            kwargs["enable_gqa"] = True
        if return_lse:
            kwargs["return_lse"] = True
        return self.compiled(q, k, v, **kwargs)

    def finish(self, x, like):
        return x.to(like.dtype)


class DenseEngine:
    """What flex_attention computes, written on whole [B,H,Sq,Skv] score
    matrices in float64: score_mod and mask_mod are called once on
    broadcast index grids. For checking the functions above against the
    float64 reference on any torch and device."""

    def __init__(self, torch):
        self.torch = torch
        self.work_dtype = torch.float64

    def block(self, mask_mod, sq, skv):
        return mask_mod

    def attend(self, q, k, v, score_mod, mask_mod, enable_gqa, return_lse):
        torch = self.torch
        q, k, v = (x.to(torch.float64) for x in (q, k, v))
        B, Hq, Sq, D = q.shape
        Skv = k.shape[2]
        if enable_gqa:
            k = k.repeat_interleave(Hq // k.shape[1], 1)
            v = v.repeat_interleave(Hq // v.shape[1], 1)
        elif k.shape[1] != Hq:
            raise ValueError("Hq != Hkv without enable_gqa")
        s = (q @ k.transpose(-1, -2)) / math.sqrt(D)
        b = torch.arange(B).view(B, 1, 1, 1)
        h = torch.arange(Hq).view(1, Hq, 1, 1)
        i = torch.arange(Sq).view(1, 1, Sq, 1)
        j = torch.arange(Skv).view(1, 1, 1, Skv)
        if score_mod is not None:
            s = score_mod(s, b, h, i, j).to(torch.float64)
        if mask_mod is not None:
            visible = mask_mod(b, h, i, j).expand(B, Hq, Sq, Skv)
            s = s.masked_fill(~visible, -math.inf)
        lse = torch.logsumexp(s, -1)
        p = torch.where(torch.isfinite(lse)[..., None],
                        torch.exp(s - lse[..., None]), torch.zeros_like(s))
        out = p @ v
        return (out, lse) if return_lse else out

    def finish(self, x, like):
        return x


# ---------------------------------------------------------------------------
# SDPA: the variants it can express, as attn_mask / is_causal / enable_gqa.
# ---------------------------------------------------------------------------

def sdpa_arguments(torch, name, args, sq, skv, mask_dtype=None):
    """scaled_dot_product_attention's keyword arguments for VARIANTS.md row
    `name`; Skip if it cannot express the row. An additive mask is of
    `mask_dtype`, default q's dtype (the fused backends take no other), so
    an ALiBi bias is rounded to bf16 there."""
    q = args[0]
    mask_dtype = mask_dtype or q.dtype
    device = q.device
    ip = torch.arange(sq, device=device).view(sq, 1) + (skv - sq)
    j = torch.arange(skv, device=device).view(1, skv)
    if name == "scaled_dot":
        return {}
    if name == "gqa":
        return {"enable_gqa": True}
    if name == "causal":
        # is_causal aligns top-left; VARIANTS.md bottom-right: the same
        # when Sq == Skv.
        if sq == skv:
            return {"is_causal": True}
        return {"attn_mask": (j <= ip).view(1, 1, sq, skv)}
    if name == "sliding_window":
        return {"attn_mask": ((j <= ip) & (ip - j <= ref.SLIDING_WINDOW))
                .view(1, 1, sq, skv)}
    if name == "bias":
        return {"attn_mask": args[3]}
    if name == "alibi":
        hq = q.shape[1]
        slopes = alibi_slopes(torch, hq, device,
                              torch.float64).view(1, hq, 1, 1)
        bias = -slopes * (ip - j).to(torch.float64)
        bias = bias.masked_fill(~(j <= ip), -math.inf)
        return {"attn_mask": bias.to(mask_dtype)}
    raise Skip(f"scaled_dot_product_attention cannot express {name} (no "
               f"score change{'s' if name == 'softcap' else ''} beyond an "
               f"additive mask)")


def dense_sdpa(torch, q, k, v, attn_mask=None, is_causal=False,
               enable_gqa=False):
    """scaled_dot_product_attention's documented math in float64."""
    q, k, v = (x.to(torch.float64) for x in (q, k, v))
    sq, skv = q.shape[2], k.shape[2]
    if enable_gqa:
        k = k.repeat_interleave(q.shape[1] // k.shape[1], 1)
        v = v.repeat_interleave(q.shape[1] // v.shape[1], 1)
    s = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if is_causal:
        s = s.masked_fill(~torch.ones(sq, skv, dtype=torch.bool).tril(),
                          -math.inf)
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            s = s.masked_fill(~attn_mask, -math.inf)
        else:
            s = s + attn_mask.to(torch.float64)
    return torch.softmax(s, -1) @ v


# ---------------------------------------------------------------------------
# The peers: prepare() returns a callable that computes the output.
# ---------------------------------------------------------------------------

def sdpa_peer(torch, peer, shape, args):
    """A call of SDPA forced to `peer`'s backend; Skip if torch lacks it or
    the backend refuses (its warnings say why)."""
    F = torch.nn.functional
    if not hasattr(F, "scaled_dot_product_attention"):
        raise Skip(f"torch {torch.__version__} has no "
                   f"scaled_dot_product_attention")
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel
    except ImportError:
        raise Skip(f"torch {torch.__version__} has no "
                   f"torch.nn.attention.sdpa_kernel (torch >= 2.3)")
    backend = getattr(SDPBackend, SDPA_BACKENDS[peer], None)
    if backend is None:
        raise Skip(f"torch {torch.__version__} has no SDPBackend."
                   f"{SDPA_BACKENDS[peer]}")
    kwargs = sdpa_arguments(torch, shape.variant, args, shape.Sq, shape.Skv)
    q, k, v = args[:3]

    def call():
        with sdpa_kernel(backend):
            return F.scaled_dot_product_attention(q, k, v, **kwargs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call()
        except (RuntimeError, TypeError, ValueError) as e:
            why = [str(w.message).strip().splitlines()[0] for w in caught]
            raise Skip("; ".join([first_line(e)] + why[:3]))
    return call


def flex_peer(torch, engine, shape, args):
    """A call of flex_attention (`engine`) computing `shape`'s variant; the
    block masks are built here, outside the timed call."""
    sq, skv = shape.Sq, shape.Skv
    if shape.variant == "relative_position":
        blocks = [engine.block(m, sq, skv)
                  for m in relative_position_masks(sq, skv)]
        q, k, v, aK, aV = args
        return lambda: relative_position_flex(torch, engine, q, k, v, aK, aV,
                                              blocks)
    score_mod, mask_mod, gqa = flex_mods(torch, shape.variant, args, sq, skv,
                                         engine.work_dtype)
    block = engine.block(mask_mod, sq, skv)
    q, k, v = args[:3]
    return lambda: engine.attend(q, k, v, score_mod, block, gqa, False)


def small_shapes(name):
    """Small shapes of variant `name` (the heads and head dim of its
    benchmark module) for the checks against the float64 reference: square,
    and Sq < Skv, where the alignment i' = i + Skv - Sq matters; multiples
    of 128, flex_attention's block size."""
    v = bench_plan.VARIANT_SHAPE
    hq, hkv = bench_plan.variant_heads(name)
    return [bench_plan.Shape("check", name, bench_plan.variant_entry(name),
                             2, hq, hkv, sq, skv, v["D"])
            for sq, skv in ((256, 256), (128, 384))]
