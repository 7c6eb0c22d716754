"""Inputs of a variant, drawn from a seed for one case (random, huge,
masked_rows; check_variant.py's docstring says what each holds) and redrawn
where near-ties would make the expected output depend on rounding.

NAME_fp8: q, k and v are drawn as NAME's (the same random numbers), then
quantised per tensor (fp8_scale, quantize_e4m3): x8 = round_to_e4m3(x / s),
float32 holding E4M3 values exactly, and the last argument is the float32
scales [sq, sk, sv] that were used, three different values. The reference
sees x8 * s exactly (reference.dequantize).
"""

import math

import numpy as np

import reference as ref
from module_signature import (UsageError, bind_dims, parse_main_results,
                              parse_main_signature, result_roles)
from variant_specs import DOT_SCORED, SPECS, default_dims, variant_scores

# The vision rows have cases of their own (reference_vision.CASES).
CASES = ("random", "huge", "masked_rows")


def shape_of(shape, dims):
    return tuple(s if isinstance(s, int) else dims[s] for s in shape)


def argument_elements(name, signature):
    """{argument: element type} of `name`'s module from its signature."""
    return {arg: elem for (arg, _, _), (_, elem) in zip(SPECS[name], signature)}


def fp8_scale(x, taken=()):
    """Per-tensor dequantisation scale of `x` for E4M3: max|x| / 448,
    rounded up to 4 significant bits (1.0 when x is all zero), doubled
    while it equals one of `taken` (the scales of the tensors drawn
    before), as a float that float32 holds exactly.

    Rounding up keeps |x / s| <= 448, so quantising saturates nothing;
    with 4 significant bits, x8 * s (8 significant bits at most) is exact
    in bf16, f16 and f32, and so is sq * sk in f32: the module sees the
    dequantised values exactly whichever type it dequantises into. q, k
    and v, all normal draws, would mostly get the same scale: distinct
    ones (a factor 2 or more apart) make a module that applies one
    tensor's scale to another fail."""
    x = np.asarray(x, dtype=np.float64)
    amax = float(np.abs(x).max()) if x.size else 0.0
    s = 1.0
    if amax > 0 and math.isfinite(amax):
        m, e = math.frexp(amax / ref.E4M3_MAX)     # m in [0.5, 1)
        s = math.ldexp(math.ceil(m * 16) / 16, e)
    while s in taken:
        s *= 2
    assert float(np.float32(s)) == s and s > 0, s
    return s


def quantize_e4m3(x, scale):
    """x / scale rounded to E4M3 (float32 .npy values attn-run reads)."""
    return ref.round_to_e4m3(np.asarray(x, dtype=np.float64) / scale)


def draw(name, dims, case, rng, elems=None):
    """One draw of the inputs, as the arrays attn-run reads. `elems`
    ({argument: element type}, argument_elements) gives a bias its type
    where it is not f32; the bias is rounded to it. NAME_fp8: q, k, v as
    NAME's, quantised with fp8_scale, and the scales last."""
    etype = ref.element_type(name)
    base = ref.base_name(name)
    B, Sq, Skv, D = dims["B"], dims["Sq"], dims["Skv"], dims["D"]
    out = []
    scales = []   # fp8: [sq, sk, sv] as q, k, v are drawn
    for arg, shape, kind in SPECS[name]:
        shp = shape_of(shape, dims)
        if kind == "qkv":
            x = rng.standard_normal(shp)
            if case == "huge" and arg in ("q", "k"):
                # k on a 1/4 grid in [-4, 4]; q integers. Every product and
                # partial sum is then exact in f32 (< 2^22 quarter units),
                # so the scores are exact whatever the summation order.
                if arg == "k":
                    x = np.clip(np.round(4 * x) / 4, -4, 4)
                else:
                    scale = 1.0 if base == "dot" else 1.0 / math.sqrt(D)
                    c = 300.0 / (scale * math.sqrt(D))   # std of s ~ 300
                    x = np.round(x * c)
            if etype == "fp8":
                scales.append(fp8_scale(x, scales))
                out.append(quantize_e4m3(x, scales[-1]))
            else:
                out.append(ref.round_to(x, etype))
        elif kind == "scales":
            assert len(scales) == 3, "scales follow q, k and v"
            out.append(np.array(scales, dtype=np.float32))
        elif kind == "weight":
            out.append((rng.standard_normal(shp) / math.sqrt(shp[0])).astype(np.float32))
        elif kind == "vector":
            out.append(rng.standard_normal(shp).astype(np.float32))
        elif kind == "bias":
            out.append(ref.round_to(rng.standard_normal(shp),
                                    (elems or {}).get(arg, "f32")))
        elif kind == "table":
            x = rng.standard_normal(shp)
            if case == "huge":
                x = np.clip(np.round(4 * x) / 4, -4, 4)
            out.append(x.astype(np.float32))
        elif kind == "uniform":
            out.append(rng.random(shp).astype(np.float32))
        elif kind == "position":
            p = rng.uniform(-4.0, Skv + 3.0, shp)
            if case == "masked_rows":   # every other row, the first included
                far = (np.arange(p.size).reshape(shp) % 2) == 0
                p = np.where(far, Skv + 20.0 + 10 * rng.random(shp), p)
            out.append(p.astype(np.float32))
        elif kind == "lengths":
            lens = rng.integers(1, Skv + 1, size=shp)
            if B >= 2:
                lens[0] = 0
                lens[-1] = Skv
            if case == "masked_rows":
                lens[: max(B - 1, 1)] = 0
            out.append(lens.astype(np.int32))
        elif kind == "mask":
            m = rng.random(shp) < 0.7
            # all-false rows: every 4th (b, i) row, every other with
            # masked_rows (then the first row too)
            every, which = (2, 0) if case == "masked_rows" else (4, 1)
            rows = np.arange(B * Sq).reshape(B, 1, Sq) % every == which
            m[np.broadcast_to(rows[..., None], shp)] = False
            out.append(m)
        else:
            raise AssertionError(kind)
    return out


def ties_ok(name, inputs):
    """VARIANTS.md: for hard/topk/hard_sample no two candidate scores lie
    within 1e-4 of each other (here: of the ones that decide the choice)."""
    base = ref.base_name(name)
    if base not in ("hard", "topk"):
        return True
    s, _ = variant_scores(name, *inputs)
    srt = -np.sort(-s, axis=-1)
    if base == "hard":
        return s.shape[-1] < 2 or np.all(srt[..., 0] - srt[..., 1] >= 1e-4)
    k = ref.TOP_K
    return s.shape[-1] <= k or np.all(srt[..., k - 1] - srt[..., k] >= 1e-4)


HUGE_GAP = 16.0


def separate_top_scores(name, dims, inputs, rng, elems=None):
    """huge: redraw the q rows whose two largest visible scores lie within
    HUGE_GAP of each other. With logits ~1e3 the f32 rounding of a score
    (~1e-4 absolute, e.g. from folding log2(e) into the scale) would
    otherwise move near-tied softmax weights by more than the tolerance;
    with the gap the softmax is close to one-hot and only overflow and
    the online max/rescaling are under test."""
    for _ in range(1000):
        s, vis = variant_scores(name, *inputs)
        top2 = -np.sort(-np.where(vis, s, -np.inf), axis=-1)[..., :2]
        if top2.shape[-1] < 2:
            return inputs
        with np.errstate(invalid="ignore"):
            bad = np.isfinite(top2[..., 1]) & (top2[..., 0] - top2[..., 1] < HUGE_GAP)
        if not bad.any():
            return inputs
        redraw = draw(name, dims, "huge", rng, elems)
        fresh = redraw[0]
        if ref.element_type(name) == "fp8":
            # the fresh q in the scale of the q it goes into (saturating
            # where it exceeds it): q is one tensor with one scale
            fresh = quantize_e4m3(ref.f64(fresh) * float(redraw[-1][0]),
                                  float(inputs[-1][0]))
        inputs[0] = np.where(bad[..., None], fresh, inputs[0])
    raise RuntimeError("could not separate the top scores of the huge case")


def fix_samples(name, inputs, rng):
    """hard_sample: redraw u where it lies within 1e-4 of a CDF value."""
    s, vis = variant_scores(name, *inputs)
    cdf = np.cumsum(ref.softmax_visible(s, vis), axis=-1)
    u = inputs[3].astype(np.float64)
    for _ in range(1000):
        bad = (np.abs(cdf - u[..., None]) < 1e-4).any(-1)
        if not bad.any():
            inputs[3] = u.astype(np.float32)
            return inputs
        u = np.where(bad, rng.random(u.shape).astype(np.float32), u).astype(np.float64)
        u = u.astype(np.float32).astype(np.float64)
    raise RuntimeError("could not draw u away from the CDF values")


def make_inputs(name, dims, case, seed, elems=None):
    if case == "huge" and name not in DOT_SCORED:
        raise UsageError(f"case huge applies to dot-product scores only, not {name}")
    rng = np.random.default_rng(seed)
    for _ in range(100):
        inputs = draw(name, dims, case, rng, elems)
        if ties_ok(name, inputs):
            break
    else:
        raise RuntimeError("could not draw inputs without near-ties")
    if case == "huge" and ref.base_name(name) != "softcap":
        inputs = separate_top_scores(name, dims, inputs, rng, elems)
    if ref.base_name(name) == "hard_sample":
        inputs = fix_samples(name, inputs, rng)
    if case == "masked_rows" and not has_masked_row(name, inputs):
        raise UsageError(f"case masked_rows: {name} at these sizes has no fully "
                         f"masked row (causal-like masks need Sq > Skv)")
    return inputs


def has_masked_row(name, inputs):
    try:
        _, vis = variant_scores(name, *inputs)
    except ValueError:
        return False
    return bool((~vis.any(-1)).any())


def variant_inputs(name, example, B, Sq, Skv, case, seed):
    """The inputs of `example`'s @main for variant `name` at sizes B, Sq,
    Skv (other sizes from the signature or their defaults), and the roles
    of its results."""
    signature = parse_main_signature(example)
    dims = bind_dims(name, signature)
    for sym, val in default_dims(name).items():
        dims.setdefault(sym, val)
    dims.update(B=B, Sq=Sq, Skv=Skv)
    inputs = make_inputs(name, dims, case, seed,
                         argument_elements(name, signature))
    return inputs, result_roles(name, parse_main_results(example))
