#!/usr/bin/env python3
"""Runs one example of examples/variants through attn-run and checks it
against the float64 reference (reference.py) with the tolerances of
shared/VARIANTS.md.

  check_variant.py NAME [--B N] [--Sq N] [--Skv N] [--seed N]
                   [--case random|huge|masked_rows] [--attn-run PATH]
                   [--examples DIR] [--module PATH] [--query-tile N]
                   [--key-tile N] [--print-time] [--repeat N]
                   [--runner attn-run|attn-exec] [--library PATH]
                   [--attn-exec PATH] [--tf32]
  check_variant.py --self-test

NAME is a variant of shared/VARIANTS.md (module examples/variants/NAME.mlir)
or one of the FlexAttention-style modules of FLEX below (module
test/Integration/CPU/Inputs/NAME.mlir), whose score_mod / mask_mod math is
written again here in float64.

--module PATH runs another module with the same arguments as NAME, e.g. one
that also returns the log-sum-exp. The results of its @main are read off
its signature: the first (rank 4) is the output; a second of rank 3,
[B,Hq,Sq] f32, is the lse, checked against reference.lse (natural log of
the sum of exp over the visible scores; exactly -inf on a row with no
visible key, finite elsewhere, f32 tolerances).

--query-tile / --key-tile are passed on to attn-run (tile sizes of the
fused loop nest), so small tiles put many tile boundaries in small sizes.

--runner attn-exec --library PATH runs a library that attn-compile built
beforehand (for instance with --target=cuda, on a machine without MLIR)
through attn-exec instead of compiling the module with attn-run; the module
(--module, else the example) still gives the signature. The library must
have been built from that module. Tiles are fixed in the library then.

--tf32: the f32 module was compiled with attn-compile --allow-tf32, so its
contractions ran on TF32 tensor cores (10-bit mantissa, as f16): its output
is compared with the f16 tolerances (the inputs stay f32; the rounding to
TF32 happens inside the kernel, and the reference does not see it).

Every variant of sections A-C and every FLEX module also exists as
NAME_f16 and NAME_bf16 (as causal_f16 is causal in f16): the same math on
a module whose q, k, v and output, and bias if it has one, are of that
element type (pass it with --module), compared with the f16/bf16
tolerances.

Prints one line `NAME B=.. Sq=.. Skv=..: max_abs_err=.. max_rel_err=.. PASS`
and exits 0, or prints what went wrong and exits 1 (mismatch, NaN/Inf,
wrong shape or dtype, attn-run failure). Exit status 2: bad usage (unknown
variant, a case that does not apply).

Cases:
  random       normal q, k, v (and weights); key_padding lengths include 0
               for one batch (B >= 2); bool masks have fully masked rows.
  huge         q and k on a coarse grid so that every dot product is exact
               in f32, q scaled so the logits reach magnitude ~1e3, and the
               two largest scores of every row at least 16 apart: checks
               that the max is subtracted before exponentiating and the
               online rescaling, without near-ties that f32 rounding of
               1e3-sized logits would legitimately perturb.
  masked_rows  many rows with no visible key (key_padding: every length but
               the last is 0 (all of them if B = 1); bool_mask: every
               other row all false; local_gaussian: every other position
               far outside; causal-like
               masks: needs Sq > Skv). Fails with status 2 if the sizes
               leave no fully masked row.

max_rel_err is max |out - ref| / max(|ref|, atol) over the elements; the
pass criterion is elementwise |out - ref| <= atol + rtol |ref|.

Section D (structure) rows run the same way against reference_structure.py
(multi_head, causal_self_attention, gated_heads, feed_forward_pool,
hierarchical, co_attention, attention_over_attention, memory_network,
encoder_layer): their arguments and results are those of
reference_structure.ROWS; --B, --Sq, --Skv set B, Sq, Skv and
--dim SYM=N any other length (S, Ns, Nw, Na, Nb, Nd, Nq, N); every result
(both of co_attention) is compared with the f32 tolerances. --case,
--module and tiles do not apply to them, except --query-tile/--key-tile.

Section E (vision) rows run the same way against reference_vision.py
(squeeze_excite, eca, spatial, cbam, selective_kernel and the other rows
of reference_vision.ROWS): --dim sets N, H, W, or the sizes a row lists as
its own "dynamic" (N, C for channel_self; N, C, H, W for
spatial_transformer) (default N=2 and the sizes of
reference_vision.DEFAULT_DIMS); --case random or large (activations times
reference_vision.LARGE_SCALE, so the gates saturate); --module runs another
module with the row's arguments and results.

Section F rows (temporal, pyramid, ema, gumbel_heads, criss_cross,
dilated_local, stand_alone) run the same
way against reference_further.py: --dim sets N, H, W (temporal: also T;
gumbel_heads takes --B, --Sq, --Skv), and N may be 0 (an empty batch).

--self-test checks the oracle itself: reference.py against naive.py (plain
Python loops) for every variant of sections A-C on tiny sizes, plus the
input generators, bf16 rounding, the comparison and the example files'
signatures. It needs neither attn-run nor the compiler.
"""

import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean under lit
sys.path.insert(0, HERE)
import reference as ref  # noqa: E402
import reference_structure as rs  # noqa: E402
import reference_vision as rv  # noqa: E402
import reference_further as rf  # noqa: E402

# Modules of float64 references for whole rows (sections D and E), each
# with ROWS, DYNAMIC, DEFAULT_DIMS, make_inputs, reference and self_test.
ROW_REFERENCES = (rs, rv, rf)


def row_reference(name):
    """The reference module whose ROWS holds `name`, or None."""
    return next((m for m in ROW_REFERENCES if name in m.ROWS), None)

REPO_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

TOLERANCES = {"f32": (1e-4, 1e-3), "bf16": (2e-2, 2e-2), "f16": (2e-2, 2e-2),
              "tf32": (2e-2, 2e-2)}

# ---------------------------------------------------------------------------
# Arguments of every variant, in the order of VARIANTS.md. A shape is a tuple
# of symbols (B, Hq, Hkv, Sq, Skv, D, Dv, A) and integers. The kind says how
# the data is drawn and which element type it has.
# ---------------------------------------------------------------------------
Q = ("q", ("B", "Hq", "Sq", "D"), "qkv")
K = ("k", ("B", "Hkv", "Skv", "D"), "qkv")
V = ("v", ("B", "Hkv", "Skv", "Dv"), "qkv")
SPECS = {name: [Q, K, V] for name in ref.VARIANTS}
SPECS["general"] += [("W", ("D", "D"), "weight")]
SPECS["additive"] += [("Wq", ("D", "A"), "weight"), ("Wk", ("D", "A"), "weight"),
                      ("va", ("A",), "vector")]
SPECS["multi_dimensional"] += [("W1", ("D", "Dv"), "weight"),
                               ("W2", ("D", "Dv"), "weight"),
                               ("b", ("Dv",), "vector")]
SPECS["hard_sample"] += [("u", ("B", "Hq", "Sq"), "uniform")]
SPECS["local_gaussian"] += [("p", ("B", "Hq", "Sq"), "position")]
SPECS["key_padding"] += [("len", ("B",), "lengths")]
SPECS["bool_mask"] += [("m", ("B", 1, "Sq", "Skv"), "mask")]
SPECS["bias"] += [("bias", ("B", "Hq", "Sq", "Skv"), "bias")]
SPECS["relative_position"] += [("aK", (2 * ref.REL_CLIP + 1, "D"), "table"),
                               ("aV", (2 * ref.REL_CLIP + 1, "Dv"), "table")]
FLEX_NAMES = ("flex_window", "flex_distance", "flex_window_distance_causal",
              "flex_heads", "flex_causal_mod")
SPECS.update({name: [Q, K, V] for name in FLEX_NAMES})
# NAME_f16 / NAME_bf16 of every f32 variant and FLEX module (see the
# docstring); the suffix sets the element type (reference.element_type).
NARROW_TYPES = ("f16", "bf16")
for _name in list(SPECS):
    if ref.element_type(_name) == "f32":
        for _t in NARROW_TYPES:
            SPECS.setdefault(f"{_name}_{_t}", SPECS[_name])

DEFAULT_DIMS = {"Hq": 4, "Hkv": 4, "D": 64, "Dv": 64, "A": 32}
VARIANT_DIMS = {"gqa": {"Hq": 8, "Hkv": 2}}
DYNAMIC = ("B", "Sq", "Skv")

# ---------------------------------------------------------------------------
# FlexAttention-style modules (test/Integration/CPU/Inputs/NAME.mlir): scaled
# dot scores (1/sqrt(D)) then the math of their score_mod / mask_mod regions,
# with i' = i + Skv - Sq (the region's %i) and global indices b, h, j.
# ---------------------------------------------------------------------------
FLEX_WINDOW = 20      # mask_mod: i' - j <= 20
FLEX_SLOPE = 0.05     # score_mod: s + 0.05 (j - i')
FLEX = {
    # mask_mod: i' - j <= 20 and j <= i' (arith.subi / cmpi / andi)
    "flex_window": "visible iff i' - j <= 20 and j <= i'",
    # score_mod: s + 0.05 (j - i') (arith.index_cast / sitofp)
    "flex_distance": "s + 0.05 (j - i'), all visible",
    # causal attribute + mask_mod i' - j <= 20 + the score_mod above
    "flex_window_distance_causal":
        "causal, visible iff i' - j <= 20, s + 0.05 (j - i')",
    # mask_mod (j + h + b) mod 3 != 0, score_mod s (1 + 0.5 h)
    "flex_heads": "visible iff (j + h + b) mod 3 != 0, s (1 + 0.5 h)",
    # mask_mod exactly j <= i': canonicalises to causal
    "flex_causal_mod": "visible iff j <= i' (as causal)",
}


def is_flex(name):
    """Whether `name` is a FLEX module, in f32 or with a dtype suffix."""
    return ref.base_name(name) in FLEX


def flex_scores(name, q, k):
    """(s, visible), both [B,Hq,Sq,Skv], of the FLEX module `name`."""
    name = ref.base_name(name)
    q, k = ref.f64(q), ref.f64(k)
    B, Hq, Sq, D = q.shape
    Skv = k.shape[2]
    s = ref.dot_scores(q, k) / np.sqrt(D)
    vis = ref.all_visible(B, Hq, Sq, Skv)
    ip = ref.aligned_query_positions(Sq, Skv)   # [Sq,1]
    j = ref.key_positions(Skv)                  # [1,Skv]
    h = np.arange(Hq).reshape(1, Hq, 1, 1)
    b = np.arange(B).reshape(B, 1, 1, 1)
    if name == "flex_window":
        return s, vis & (ip - j <= FLEX_WINDOW) & (j <= ip)
    if name == "flex_distance":
        return s + FLEX_SLOPE * (j - ip), vis
    if name == "flex_window_distance_causal":
        return (s + FLEX_SLOPE * (j - ip),
                vis & (j <= ip) & (ip - j <= FLEX_WINDOW))
    if name == "flex_heads":
        return s * (1.0 + 0.5 * h), vis & ((j + h + b) % 3 != 0)
    if name == "flex_causal_mod":
        return s, vis & (j <= ip)
    raise ValueError(f"unknown flex module {name!r}")


def variant_scores(name, *inputs):
    """(s, visible) of a VARIANTS.md variant or a FLEX module."""
    if is_flex(name):
        return flex_scores(name, inputs[0], inputs[1])
    return ref.scores(name, *inputs)


def variant_reference(name, *inputs):
    """Float64 output [B,Hq,Sq,Dv] of a VARIANTS.md variant or FLEX module."""
    if is_flex(name):
        s, vis = flex_scores(name, inputs[0], inputs[1])
        return ref.weighted_sum(ref.softmax_visible(s, vis), inputs[2],
                                inputs[0].shape[1])
    return ref.reference(name, *inputs)


def variant_lse(name, *inputs):
    """Float64 log-sum-exp [B,Hq,Sq] (-inf on rows with no visible key)."""
    if is_flex(name):
        return ref.lse_of_scores(*flex_scores(name, inputs[0], inputs[1]))
    return ref.lse(name, *inputs)


def default_module(name, examples):
    if name in FLEX:
        return os.path.join(HERE, "..", "CPU", "Inputs", name + ".mlir")
    return os.path.join(examples, name + ".mlir")


# Variants whose score is a (scaled) dot product of q and k: `huge` applies.
DOT_SCORED = {"dot", "scaled_dot", "sigmoid", "hard", "topk", "hard_sample",
              "causal", "sliding_window", "local_window", "local_gaussian",
              "key_padding", "bool_mask", "bias", "alibi", "softcap",
              "relative_position", "gqa", "causal_bf16", "causal_f16",
              "scaled_dot_bf16", "scaled_dot_f16"} | set(FLEX_NAMES)
DOT_SCORED |= {f"{n}_{t}" for n in DOT_SCORED if ref.element_type(n) == "f32"
               for t in NARROW_TYPES}
CASES = ("random", "huge", "masked_rows")
NPY_DTYPE = {"f32": np.float32, "bf16": np.float32, "f16": np.float16,
             "tf32": np.float32}
MLIR_ELEM = {"qkv": None, "weight": "f32", "vector": "f32", "uniform": "f32",
             "position": "f32", "lengths": "i32", "mask": "i1", "bias": "f32",
             "table": "f32"}


class UsageError(Exception):
    pass


# ---------------------------------------------------------------------------
# Example signatures.
# ---------------------------------------------------------------------------

def parse_main_signature(path):
    """[(dims, elem)] of @main's arguments: dims a list of int or None."""
    with open(path) as f:
        text = re.sub(r"//[^\n]*", "", f.read())
    m = re.search(r"func\.func\s+(?:public\s+)?@main\s*\((.*?)\)\s*->", text, re.S)
    if not m:
        raise UsageError(f"{path}: no func.func @main(...) -> ... found")
    result = []
    for t in re.findall(r"tensor<([^>]*)>", m.group(1)):
        parts = t.split("x")
        dims = [None if p == "?" else int(p) for p in parts[:-1]]
        result.append((dims, parts[-1]))
    return result


def parse_main_results(path):
    """[(dims, elem)] of @main's results."""
    with open(path) as f:
        text = re.sub(r"//[^\n]*", "", f.read())
    m = re.search(r"func\.func\s+(?:public\s+)?@main\s*\(.*?\)\s*->\s*"
                  r"(\((?:[^()]|\([^()]*\))*\)|tensor<[^>]*>)", text, re.S)
    if not m:
        raise UsageError(f"{path}: no func.func @main(...) -> ... found")
    result = []
    for t in re.findall(r"tensor<([^>]*)>", m.group(1)):
        parts = t.split("x")
        result.append(([None if p == "?" else int(p) for p in parts[:-1]],
                       parts[-1]))
    return result


def result_roles(name, results):
    """Names of @main's results: "out" (the attention output) and, when the
    module returns it, "lse" (rank 3, f32)."""
    roles = []
    for n, (dims, elem) in enumerate(results):
        if n == 0 and len(dims) == 4:
            roles.append("out")
        elif n == 1 and len(dims) == 3 and elem == "f32":
            roles.append("lse")
        else:
            raise UsageError(f"{name}: result #{n} tensor<{'x'.join('?' if d is None else str(d) for d in dims)}x{elem}> "
                             f"is neither the output [B,Hq,Sq,Dv] (first) nor "
                             f"the lse [B,Hq,Sq] f32 (second)")
    if not roles:
        raise UsageError(f"{name}: @main returns nothing")
    return roles


def bind_dims(name, signature):
    """Static dims (Hq, D, ...) of `name` read off its example's signature;
    checks the argument count, ranks, element types and that B, Sq and Skv
    are dynamic."""
    spec = SPECS[name]
    if len(signature) != len(spec):
        raise UsageError(f"{name}: @main takes {len(signature)} tensors, "
                         f"VARIANTS.md lists {len(spec)}")
    dims = {}
    etype = ref.element_type(name)
    for (arg, shape, kind), (sdims, elem) in zip(spec, signature):
        want = etype if kind == "qkv" else MLIR_ELEM[kind]
        if kind == "bias" and elem == etype:
            want = etype   # a bias of q's element type is allowed too
        if elem != want:
            raise UsageError(f"{name}: argument {arg} has element type {elem}, "
                             f"expected {want}")
        if len(sdims) != len(shape):
            raise UsageError(f"{name}: argument {arg} has rank {len(sdims)}, "
                             f"expected {len(shape)}")
        for sym, d in zip(shape, sdims):
            if isinstance(sym, int):
                if d != sym:
                    raise UsageError(f"{name}: argument {arg} needs {sym}, has {d}")
            elif sym in DYNAMIC:
                if d is not None:
                    raise UsageError(f"{name}: {sym} of argument {arg} must be "
                                     f"dynamic ('?')")
            elif d is None:
                raise UsageError(f"{name}: {sym} of argument {arg} must be static")
            elif dims.setdefault(sym, d) != d:
                raise UsageError(f"{name}: {sym} is {dims[sym]} and {d}")
    return dims


def default_dims(name):
    dims = dict(DEFAULT_DIMS)
    dims.update(VARIANT_DIMS.get(ref.base_name(name), {}))
    return dims


# ---------------------------------------------------------------------------
# Inputs.
# ---------------------------------------------------------------------------

def shape_of(shape, dims):
    return tuple(s if isinstance(s, int) else dims[s] for s in shape)


def argument_elements(name, signature):
    """{argument: element type} of `name`'s module from its signature."""
    return {arg: elem for (arg, _, _), (_, elem) in zip(SPECS[name], signature)}


def draw(name, dims, case, rng, elems=None):
    """One draw of the inputs, as the arrays attn-run reads. `elems`
    ({argument: element type}, argument_elements) gives a bias its type
    where it is not f32; the bias is rounded to it."""
    etype = ref.element_type(name)
    base = ref.base_name(name)
    B, Sq, Skv, D = dims["B"], dims["Sq"], dims["Skv"], dims["D"]
    out = []
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
            out.append(ref.round_to(x, etype))
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
        fresh = draw(name, dims, "huge", rng, elems)[0]
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


# ---------------------------------------------------------------------------
# Comparison.
# ---------------------------------------------------------------------------

def compare(out, expected, etype):
    """(ok, summary, details) for output `out` against float64 `expected`."""
    want_dtype = NPY_DTYPE[etype]
    if out.dtype != want_dtype:
        return False, f"output dtype {out.dtype}, expected {np.dtype(want_dtype)}", ""
    if out.shape != expected.shape:
        return False, f"output shape {out.shape}, expected {expected.shape}", ""
    if not np.all(np.isfinite(out)):
        bad = np.argwhere(~np.isfinite(out))
        return False, (f"output has {len(bad)} NaN/Inf values, first at "
                       f"{tuple(int(x) for x in bad[0])}"), ""
    if etype == "bf16":
        low = np.ascontiguousarray(out).view(np.uint32) & 0xFFFF
        if np.any(low):
            return False, "bf16 output holds float32 values that are not bf16", ""
    atol, rtol = TOLERANCES[etype]
    o = out.astype(np.float64)
    err = np.abs(o - expected)
    mag = np.abs(expected)
    max_abs = float(err.max()) if err.size else 0.0
    max_rel = float((err / np.maximum(mag, atol)).max()) if err.size else 0.0
    summary = f"max_abs_err={max_abs:.3e} max_rel_err={max_rel:.3e}"
    bad = err > atol + rtol * mag
    if not bad.any():
        return True, summary, ""
    worst = np.unravel_index(np.argmax(err - rtol * mag), err.shape)
    idx = tuple(int(x) for x in worst)
    details = (f"  {int(bad.sum())} of {err.size} elements outside "
               f"{atol:g} + {rtol:g}|ref|; worst at [b,h,i,f]={idx}: "
               f"out={o[worst]!r} ref={expected[worst]!r}")
    rows = np.argwhere(bad.any(-1))
    details += f"\n  bad (b,h,i) rows: {len(rows)}, first: " + ", ".join(
        str(tuple(int(x) for x in r)) for r in rows[:8])
    return False, summary, details


def compare_lse(out, expected):
    """(ok, summary, details) for an lse result [B,Hq,Sq] against the
    float64 reference: float32, -inf exactly on the rows with no visible key,
    finite elsewhere within the f32 tolerances."""
    if out.dtype != np.float32:
        return False, f"lse dtype {out.dtype}, expected float32", ""
    if out.shape != expected.shape:
        return False, f"lse shape {out.shape}, expected {expected.shape}", ""
    if np.isnan(out).any():
        bad = np.argwhere(np.isnan(out))
        return False, (f"lse has {len(bad)} NaN values, first at "
                       f"{tuple(int(x) for x in bad[0])}"), ""
    want_inf = np.isneginf(expected)
    wrong = (np.isneginf(out) != want_inf) | np.isposinf(out)
    if wrong.any():
        first = tuple(int(x) for x in np.argwhere(wrong)[0])
        return False, (f"lse: {int(wrong.sum())} rows wrongly (non-)infinite, "
                       f"first at [b,h,i]={first}: out={out[first]!r} "
                       f"ref={expected[first]!r}"), ""
    atol, rtol = TOLERANCES["f32"]
    fin = ~want_inf
    o = out.astype(np.float64)[fin]
    e = expected[fin]
    err = np.abs(o - e)
    max_abs = float(err.max()) if err.size else 0.0
    summary = f"lse_max_abs_err={max_abs:.3e} lse_-inf_rows={int(want_inf.sum())}"
    bad = err > atol + rtol * np.abs(e)
    if not bad.any():
        return True, summary, ""
    idx = np.argwhere(fin)[np.argmax(err - rtol * np.abs(e))]
    idx = tuple(int(x) for x in idx)
    details = (f"  lse: {int(bad.sum())} of {err.size} finite rows outside "
               f"{atol:g} + {rtol:g}|ref|; worst at [b,h,i]={idx}: "
               f"out={out[idx]!r} ref={expected[idx]!r}")
    return False, summary, details


# ---------------------------------------------------------------------------
# Running attn-run.
# ---------------------------------------------------------------------------

def find_attn_run(explicit):
    if explicit:
        return explicit
    found = shutil.which("attn-run")
    if found:
        return found
    return os.path.join(REPO_ROOT, "build", "bin", "attn-run")


def find_attn_exec(explicit):
    """attn-exec: `explicit`, else on PATH, else the standalone runtime
    build (build-runtime/bin), else build/bin."""
    if explicit:
        return explicit
    found = shutil.which("attn-exec")
    if found:
        return found
    for build in ("build-runtime", "build"):
        path = os.path.join(REPO_ROOT, build, "bin", "attn-exec")
        if os.path.exists(path):
            return path
    return os.path.join(REPO_ROOT, "build", "bin", "attn-exec")


def check_runner_options(args):
    """--runner attn-exec needs --library and takes no tile options (they
    are fixed when the library is compiled)."""
    if getattr(args, "runner", "attn-run") != "attn-exec":
        if getattr(args, "library", None):
            raise UsageError("--library needs --runner attn-exec")
        return
    if not args.library:
        raise UsageError("--runner attn-exec needs --library PATH")
    if not os.path.exists(args.library):
        raise UsageError(f"no library file {args.library}")
    if args.query_tile is not None or args.key_tile is not None:
        raise UsageError("--query-tile/--key-tile do not apply to --runner "
                         "attn-exec (the library's tiles are compiled in)")


TIME_RE = re.compile(r"([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(ns|us|µs|ms|s)\b")
UNIT = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0}


def visible_flops(name, inputs):
    """4 * D * (visible query-key pairs), the DESIGN.md FLOP count."""
    try:
        _, vis = variant_scores(name, *inputs)
        pairs = int(vis.sum())
    except ValueError:
        q, k = inputs[0], inputs[1]
        pairs = q.shape[0] * q.shape[1] * q.shape[2] * k.shape[2]
    return 4.0 * pairs * inputs[0].shape[-1]


def attn_run_command(args, example, named_inputs, tmp, out_names):
    """The attn-run command for `example`: each (name, array) of
    `named_inputs` saved as tmp/<name>.npy, one output tmp/<name>.npy per
    entry of `out_names`, and the timing and tile options of `args` (those
    it has). With args.runner attn-exec, the attn-exec command for
    args.library instead. Returns the command and the output paths."""
    if getattr(args, "runner", "attn-run") == "attn-exec":
        cmd = [find_attn_exec(args.attn_exec), args.library]
    else:
        cmd = [find_attn_run(args.attn_run), example]
    for arg, x in named_inputs:
        path = os.path.join(tmp, f"{arg}.npy")
        np.save(path, x)
        cmd.append(f"--input=@{path}")
    out_paths = [os.path.join(tmp, f"{n}.npy") for n in out_names]
    cmd += [f"--output=@{path}" for path in out_paths]
    if getattr(args, "print_time", False):
        cmd.append("--print-time")
    if getattr(args, "repeat", None) is not None:
        cmd.append(f"--repeat={args.repeat}")
    if getattr(args, "query_tile", None) is not None:
        cmd.append(f"--query-tile={args.query_tile}")
    if getattr(args, "key_tile", None) is not None:
        cmd.append(f"--key-tile={args.key_tile}")
    return cmd, out_paths


def tool_name(cmd):
    """attn-run or attn-exec: the tool `cmd` runs, for messages."""
    return os.path.basename(cmd[0])


def invoke_attn_run(cmd, head, timeout):
    """Runs attn-run (or attn-exec, whichever `cmd` runs); returns the
    finished process, or None after printing a FAIL line (`head: FAIL:
    ...`) when it could not run or exited with an error."""
    tool = tool_name(cmd)
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"{head}: FAIL: could not run {tool}: {e}")
        return None
    if proc.returncode != 0:
        print(f"{head}: FAIL: {tool} exited with {proc.returncode}")
        print("  command: " + " ".join(cmd))
        print("  " + proc.stdout.rstrip().replace("\n", "\n  "))
        return None
    return proc


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


def run_variant(args):
    name = args.name
    if name not in SPECS:
        raise UsageError(f"unknown variant {name!r}; known: {', '.join(SPECS)}")
    etype = ref.element_type(name)
    if args.tf32 and etype != "f32":
        raise UsageError(f"--tf32 applies to f32 modules, not {name} ({etype})")
    example = args.module or default_module(name, args.examples)
    if not os.path.exists(example):
        raise UsageError(f"no module file {example}")
    inputs, roles = variant_inputs(name, example, args.B, args.Sq, args.Skv,
                                   args.case, args.seed)
    expected = {"out": variant_reference(name, *inputs)}
    if "lse" in roles:
        expected["lse"] = variant_lse(name, *inputs)

    tmp = args.keep_dir or tempfile.mkdtemp(prefix=f"check-{name}-")
    os.makedirs(tmp, exist_ok=True)
    try:
        cmd, out_paths = attn_run_command(
            args, example, [(arg, x) for (arg, _, _), x in
                            zip(SPECS[name], inputs)], tmp, roles)
        head = f"{name} B={args.B} Sq={args.Sq} Skv={args.Skv}"
        if args.module:
            head += f" module={os.path.basename(args.module)}"
        if args.case != "random":
            head += f" case={args.case}"
        if args.query_tile is not None or args.key_tile is not None:
            head += f" tiles={args.query_tile or '-'}x{args.key_tile or '-'}"
        if args.library:
            head += f" library={os.path.basename(args.library)}"
        if args.tf32:
            head += " tf32"
        proc = invoke_attn_run(cmd, head, args.timeout)
        if proc is None:
            return 1
        ok, summaries, all_details = True, [], []
        for role, path in zip(roles, out_paths):
            try:
                out = np.load(path)
            except (OSError, ValueError) as e:
                print(f"{head}: FAIL: cannot read {tool_name(cmd)}'s {role} "
                      f"result: {e}")
                return 1
            if role == "lse":
                r_ok, r_summary, r_details = compare_lse(out, expected[role])
            else:
                r_ok, r_summary, r_details = compare(
                    out, expected[role], "tf32" if args.tf32 else etype)
            ok = ok and r_ok
            summaries.append(r_summary)
            if r_details:
                all_details.append(r_details)
        summary, details = " ".join(summaries), "\n".join(all_details)
        print(f"{head}: {summary} {'PASS' if ok else 'FAIL'}")
        if details:
            print(details)
        if args.print_time:
            flops = visible_flops(name, inputs)
            for line in proc.stdout.splitlines():
                if not line.strip():
                    continue
                print(f"  {tool_name(cmd)}: " + line.rstrip())
                m = TIME_RE.search(line) if "time" in line.lower() else None
                if m:
                    secs = float(m.group(1)) * UNIT[m.group(2)]
                    if secs > 0:
                        print(f"  {flops / 1e9:.3f} GFLOP (visible pairs) in "
                              f"{secs * 1e3:.3f} ms: {flops / secs / 1e9:.1f} GFLOP/s")
        if not ok:
            print("  command: " + " ".join(cmd))
            if not args.keep_dir:
                print("  (rerun with --keep-dir DIR to keep the .npy files)")
        return 0 if ok else 1
    finally:
        if not args.keep_dir:
            shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------
# Whole rows (section D: reference_structure.py, section E:
# reference_vision.py).
# ---------------------------------------------------------------------------

def structure_dims(name, path):
    """Static sizes of row `name` read off its example's @main, after
    checking the argument count, ranks, element types (f32), which sizes
    are dynamic, and the results."""
    mod = row_reference(name)
    row = mod.ROWS[name]
    signature = parse_main_signature(path)
    if len(signature) != len(row["args"]):
        raise UsageError(f"{name}: @main takes {len(signature)} tensors, "
                         f"VARIANTS.md lists {len(row['args'])}")
    dims = {}
    for (arg, shape, _), (sdims, elem) in zip(row["args"], signature):
        if elem != "f32":
            raise UsageError(f"{name}: argument {arg} has element type {elem}, "
                             f"expected f32")
        if len(sdims) != len(shape):
            raise UsageError(f"{name}: argument {arg} has rank {len(sdims)}, "
                             f"expected {len(shape)}")
        for sym, d in zip(shape, sdims):
            if isinstance(sym, int):
                if d != sym:
                    raise UsageError(f"{name}: argument {arg} needs {sym}, has {d}")
            elif sym in row.get("dynamic", mod.DYNAMIC):
                if d is not None:
                    raise UsageError(f"{name}: {sym} of argument {arg} must be "
                                     f"dynamic ('?')")
            elif d is None:
                raise UsageError(f"{name}: {sym} of argument {arg} must be static")
            elif dims.setdefault(sym, d) != d:
                raise UsageError(f"{name}: {sym} is {dims[sym]} and {d}")
    results = parse_main_results(path)
    if len(results) != len(row["results"]):
        raise UsageError(f"{name}: @main returns {len(results)} tensors, "
                         f"VARIANTS.md lists {len(row['results'])}")
    for n, ((rdims, elem), shape) in enumerate(zip(results, row["results"])):
        if elem != "f32" or len(rdims) != len(shape):
            raise UsageError(f"{name}: result #{n} is not an f32 tensor of "
                             f"rank {len(shape)}")
    return dims


def run_structure(args):
    name = args.name
    mod = row_reference(name)
    # Section D has one input case; vision rows list theirs (CASES).
    cases = getattr(mod, "CASES", ("random",))
    if args.case not in cases or (args.module and mod is rs):
        raise UsageError(f"{name}: --case {args.case}"
                         f"{' and --module' if args.module else ''} do not "
                         f"apply (cases: {', '.join(cases)})")
    example = args.module or os.path.join(args.examples, name + ".mlir")
    if not os.path.exists(example):
        raise UsageError(f"no module file {example}")
    dims = structure_dims(name, example)
    for sym, val in mod.DEFAULT_DIMS.items():
        dims.setdefault(sym, val)
    dims.update(B=args.B, Sq=args.Sq, Skv=args.Skv)
    used = [s for s in mod.ROWS[name].get("dynamic", mod.DYNAMIC)
            if any(s in shape for _, shape, _ in mod.ROWS[name]["args"])]
    # A row may allow an empty batch (EMPTY_OK, e.g. --dim N=0).
    empty_ok = getattr(mod, "EMPTY_OK", ())
    for item in args.dim:
        sym, _, val = item.partition("=")
        if (sym not in used or not val.isdigit()
                or int(val) < (0 if sym in empty_ok else 1)):
            raise UsageError(f"{name}: --dim {item}: expected SYM=N with N >= 1 "
                             f"(N >= 0 for {', '.join(empty_ok) or 'none'}) "
                             f"and SYM one of {', '.join(used)}")
        dims[sym] = int(val)
    if len(cases) > 1:
        inputs = mod.make_inputs(name, dims, args.seed, args.case)
    else:
        inputs = mod.make_inputs(name, dims, args.seed)
    expected = mod.reference(name, *inputs)

    tmp = args.keep_dir or tempfile.mkdtemp(prefix=f"check-{name}-")
    os.makedirs(tmp, exist_ok=True)
    try:
        cmd, out_paths = attn_run_command(
            args, example, [(arg, x) for (arg, _, _), x in
                            zip(mod.ROWS[name]["args"], inputs)], tmp,
            [f"res{n}" for n in range(len(expected))])
        head = name + " " + " ".join(f"{s}={dims[s]}" for s in used)
        if args.case != "random":
            head += f" case={args.case}"
        if args.module:
            head += f" module={os.path.basename(args.module)}"
        if args.library:
            head += f" library={os.path.basename(args.library)}"
        proc = invoke_attn_run(cmd, head, args.timeout)
        if proc is None:
            return 1
        ok, summaries, details = True, [], []
        for n, (path, want) in enumerate(zip(out_paths, expected)):
            try:
                out = np.load(path)
            except (OSError, ValueError) as e:
                print(f"{head}: FAIL: cannot read {tool_name(cmd)}'s result "
                      f"#{n}: {e}")
                return 1
            r_ok, r_summary, r_details = compare(out, want, "f32")
            ok = ok and r_ok
            summaries.append((f"res{n}: " if len(expected) > 1 else "")
                             + r_summary)
            if r_details:
                details.append(r_details)
        print(f"{head}: {' '.join(summaries)} {'PASS' if ok else 'FAIL'}")
        if details:
            print("\n".join(details))
        if args.print_time:
            for line in proc.stdout.splitlines():
                if line.strip():
                    print(f"  {tool_name(cmd)}: " + line.rstrip())
        if not ok:
            print("  command: " + " ".join(cmd))
        return 0 if ok else 1
    finally:
        if not args.keep_dir:
            shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------
# Self-test of the oracle.
# ---------------------------------------------------------------------------

def self_test():
    import naive

    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
            print("FAIL: " + what)

    small = {"Hq": 4, "Hkv": 2, "D": 6, "Dv": 5, "A": 3}
    sizes = [(2, 1, 1), (2, 1, 75), (1, 5, 75), (2, 9, 3), (1, 12, 12),
             (1, 80, 70)]
    count = 0
    for name in list(ref.VARIANTS) + list(FLEX_NAMES):
        etype = ref.element_type(name)
        for (B, Sq, Skv) in sizes:
            if Sq * Skv > 1000 and name not in ("causal", "sliding_window",
                                                "local_window", "alibi",
                                                "relative_position",
                                                "flex_window",
                                                "flex_window_distance_causal"):
                continue  # the long case exercises the position rules
            cases = ["random"]
            if name in DOT_SCORED:
                cases.append("huge")
            if name in ("key_padding", "bool_mask", "local_gaussian"):
                cases.append("masked_rows")
            for case in cases:
                dims = dict(small, B=B, Sq=Sq, Skv=Skv)
                inputs = make_inputs(name, dims, case, seed=B * 1000 + Sq * 10 + Skv)
                got = variant_reference(name, *inputs)
                want = np.array(naive.naive(name, *inputs), dtype=np.float64)
                tag = f"{name} B={B} Sq={Sq} Skv={Skv} case={case}"
                check(got.shape == (B, dims["Hq"], Sq, dims["Dv"]),
                      f"{tag}: reference shape {got.shape}")
                check(np.all(np.isfinite(got)), f"{tag}: reference not finite")
                err = np.abs(got - want).max()
                check(err <= 1e-9 * (1 + np.abs(want).max()),
                      f"{tag}: reference vs naive max err {err:.3e}")
                if name not in ("multi_dimensional", "compositional"):
                    gl = variant_lse(name, *inputs)
                    wl = np.array(naive.naive_lse(name, *inputs), dtype=np.float64)
                    same_inf = np.array_equal(np.isinf(gl), np.isinf(wl))
                    fin = np.isfinite(wl)
                    lerr = np.abs(gl[fin] - wl[fin]).max() if fin.any() else 0.0
                    check(same_inf and lerr <= 1e-9 * (1 + np.abs(wl[fin]).max()
                                                       if fin.any() else 1),
                          f"{tag}: lse vs naive (err {lerr:.3e}, inf match {same_inf})")
                if etype != "f32":
                    for x in inputs[:3]:
                        check(np.array_equal(ref.round_to(x, etype), x),
                              f"{tag}: inputs not rounded to {etype}")
                count += 1

    # Closed forms the math implies, independent of both implementations.
    rng = np.random.default_rng(7)
    q = rng.standard_normal((2, 4, 3, 8)).astype(np.float32)
    k = rng.standard_normal((2, 4, 1, 8)).astype(np.float32)
    v = rng.standard_normal((2, 4, 1, 8)).astype(np.float32)
    check(np.allclose(ref.reference("scaled_dot", q, k, v), np.repeat(v, 3, axis=2)),
          "Skv = 1 must return v")
    o = ref.reference("causal", q, k, v)   # Sq = 3 > Skv = 1: i' = -2, -1, 0
    check(np.all(o[:, :, :2] == 0) and np.allclose(o[:, :, 2], v[:, :, 0]),
          "causal with Sq > Skv: first rows zero, last row sees key 0")
    lens = np.array([0, 1], dtype=np.int32)
    o = ref.reference("key_padding", q, k, v, lens)
    check(np.all(o[0] == 0) and np.allclose(o[1], np.repeat(v[1], 3, axis=1)),
          "key_padding with len 0 gives zeros")
    check(np.all(np.isneginf(ref.lse("key_padding", q, k, v, lens)[0])),
          "lse of a fully masked row is -inf")
    qh = np.full((1, 4, 1, 8), 1e3, np.float32)
    kh = np.stack([np.full(8, 1.0), np.full(8, -1.0)]).reshape(1, 1, 2, 8)
    kh = np.repeat(kh, 4, axis=1).astype(np.float32)
    vh = rng.standard_normal((1, 4, 2, 8)).astype(np.float32)
    check(np.allclose(ref.reference("scaled_dot", qh, kh, vh), vh[:, :, :1]),
          "logits of 1e3 do not overflow")
    # mask_mod j <= i' is causal; the FLEX windows differ only by the score.
    check(np.array_equal(variant_reference("flex_causal_mod", q, k, v),
                         ref.reference("causal", q, k, v)),
          "flex_causal_mod is causal")
    qw = rng.standard_normal((1, 2, 30, 8))
    kw = rng.standard_normal((1, 2, 45, 8))
    sw, vw = flex_scores("flex_window", qw, kw)
    sc, vc = flex_scores("flex_window_distance_causal", qw, kw)
    check(np.array_equal(vw, vc) and vw.sum(-1).max() == FLEX_WINDOW + 1
          and not np.array_equal(sw, sc), "flex windows: 21 keys, scores differ")

    # GQA head mapping: query head h reads kv head h // (Hq/Hkv).
    qg = rng.standard_normal((1, 8, 2, 4))
    kg = rng.standard_normal((1, 2, 5, 4))
    vg = rng.standard_normal((1, 2, 5, 4))
    og = ref.reference("gqa", qg, kg, vg)
    for h in range(8):
        oh = ref.reference("scaled_dot", qg[:, h:h + 1], kg[:, h // 4:h // 4 + 1],
                           vg[:, h // 4:h // 4 + 1])
        check(np.allclose(og[:, h:h + 1], oh), f"gqa head {h} mapping")

    # Ties (excluded from generated inputs, but the rules are stated):
    # hard and topk prefer the lower j; hard_sample needs cdf > u strictly.
    qt = np.ones((1, 1, 1, 4))
    kt = np.ones((1, 1, 10, 4))
    kt[0, 0, 9] = -1                       # key 9 lowest, keys 0..8 tie
    vt = np.arange(10.0).reshape(1, 1, 10, 1)
    check(ref.reference("hard", qt, kt, vt)[0, 0, 0, 0] == 0, "hard: tie to lowest j")
    check(np.array_equal(ref.topk_visible(ref.scores("topk", qt, kt, vt)[0])[0, 0, 0],
                         [True] * 8 + [False] * 2), "topk: ties to lower j")
    check(np.isclose(ref.reference("topk", qt, kt, vt)[0, 0, 0, 0], 3.5),
          "topk: softmax over the chosen 8")
    k2 = np.ones((1, 1, 2, 4))
    v2 = np.array([0.0, 1.0]).reshape(1, 1, 2, 1)
    u2 = np.array([0.5]).reshape(1, 1, 1)  # cdf = [0.5, 1.0]: first cdf > u is j = 1
    check(ref.reference("hard_sample", qt, k2, v2, u2)[0, 0, 0, 0] == 1.0,
          "hard_sample: cdf > u strictly")
    u2[...] = 0.0
    check(ref.reference("hard_sample", qt, k2, v2, u2)[0, 0, 0, 0] == 0.0,
          "hard_sample: u = 0 picks the first key")

    # bf16 rounding: nearest, ties to even.
    x = np.array([1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -8 + 2 ** -20, -2.0,
                  3.0e38], np.float32)
    want = np.array([1.0, 1 + 2 ** -6, 1 + 2 ** -7, -2.0, 2.9983e38], np.float32)
    got = ref.round_to_bf16(x)
    check(np.allclose(got[:4], want[:4], rtol=0, atol=0)
          and abs(got[4] - 3.0e38) / 3.0e38 < 2 ** -8,
          f"round_to_bf16 {got}")

    # The comparison catches what it must.
    e = np.ones((1, 1, 2, 3))
    check(compare(np.ones((1, 1, 2, 3), np.float32), e, "f32")[0], "equal passes")
    check(not compare(np.ones((1, 1, 2, 3), np.float64), e, "f32")[0], "dtype caught")
    check(not compare(np.ones((1, 1, 3, 2), np.float32), e, "f32")[0], "shape caught")
    bad = np.ones((1, 1, 2, 3), np.float32)
    bad[0, 0, 1, 2] = np.nan
    check(not compare(bad, e, "f32")[0], "NaN caught")
    bad = np.ones((1, 1, 2, 3), np.float32)
    bad[0, 0, 0, 0] = 1 + 2e-3
    check(not compare(bad, e, "f32")[0], "f32 mismatch caught")
    bad[0, 0, 0, 0] = 1 + 1e-3
    check(compare(bad, e, "f32")[0], "f32 within tolerance passes")
    check(compare(np.ones((1, 1, 2, 3), np.float16), e, "f16")[0], "f16 passes")
    check(not compare(np.full((1, 1, 2, 3), 1 + 2 ** -10, np.float32), e, "bf16")[0],
          "non-bf16 values caught")

    # Masked-row cases really produce fully masked rows.
    for name in ("key_padding", "bool_mask", "local_gaussian"):
        dims = dict(small, B=3, Sq=7, Skv=9)
        check(has_masked_row(name, make_inputs(name, dims, "random", 1))
              or name == "local_gaussian",
              f"{name}: default inputs have a fully masked row")
    dims = dict(DEFAULT_DIMS, B=2, Sq=33, Skv=65)
    s, _ = ref.scores("causal", *make_inputs("causal", dims, "huge", 3))
    check(300 < np.abs(s).max() < 3000, f"huge logits reach ~1e3 ({np.abs(s).max():.0f})")

    # NAME_f16 / NAME_bf16 exist for the f32 variants and FLEX modules; a
    # bias of that type is drawn rounded to it.
    check(all(f"{n}_{t}" in SPECS for n in ("bias", "flex_heads", "dot")
              for t in NARROW_TYPES), "narrow names of f32 variants")
    check("bias_bf16" in DOT_SCORED and "flex_window_f16" in DOT_SCORED,
          "narrow names of dot-scored variants take the huge case")
    dims = dict(small, B=2, Sq=5, Skv=7)
    for t, dtype in (("f16", np.float16), ("bf16", np.float32)):
        b = make_inputs(f"bias_{t}", dims, "random", 3, {"bias": t})[3]
        check(b.dtype == dtype and np.array_equal(ref.round_to(b, t), b),
              f"bias_{t}: bias drawn as {b.dtype}, rounded to {t}")
    check(make_inputs("bias", dims, "random", 3)[3].dtype == np.float32,
          "bias: f32 bias by default")

    # The example files declare the arguments VARIANTS.md lists.
    examples = os.path.join(REPO_ROOT, "examples", "variants")
    found = 0
    for name in ref.VARIANTS:
        path = os.path.join(examples, name + ".mlir")
        if not os.path.exists(path):
            continue
        found += 1
        try:
            dims = bind_dims(name, parse_main_signature(path))
            dflt = default_dims(name)
            check(all(dims.get(s, dflt[s]) == dflt[s] for s in ("Hq", "Hkv")),
                  f"{name}.mlir: heads {dims}")
        except UsageError as err:
            check(False, f"{name}.mlir: {err}")

    # The test modules of CPU/Inputs: arguments as their variant's, results
    # the output (and the lse for *_lse.mlir).
    inputs_dir = os.path.join(HERE, "..", "CPU", "Inputs")
    modules = [(name, default_module(name, examples), ["out"])
               for name in FLEX_NAMES]
    for fname in sorted(os.listdir(inputs_dir)):
        if fname.endswith("_lse.mlir"):
            modules.append((fname[: -len("_lse.mlir")],
                            os.path.join(inputs_dir, fname), ["out", "lse"]))
    for name, path, want_roles in modules:
        try:
            bind_dims(name, parse_main_signature(path))
            roles = result_roles(name, parse_main_results(path))
            check(roles == want_roles, f"{path}: results {roles}")
        except (UsageError, OSError) as err:
            check(False, f"{path}: {err}")

    def check_row_signatures(rows):
        """The examples of `rows` bind their sizes; returns how many."""
        seen = 0
        for name in rows:
            path = os.path.join(examples, name + ".mlir")
            if not os.path.exists(path):
                continue
            seen += 1
            try:
                structure_dims(name, path)
            except UsageError as err:
                check(False, f"{name}.mlir: {err}")
        return seen

    # Section D: reference_structure.py against independent forms, and
    # the signatures of its examples.
    structure_count = rs.self_test(check)
    found += check_row_signatures(rs.ROWS)
    print(f"structure self-test: {structure_count} comparisons")

    # Section E: reference_vision.py against independent forms, the bugs
    # its checks must catch, and the signatures of its examples.
    vision_count = rv.self_test(check)
    for what, good, bad in rv.plausible_bugs():
        vision_count += 1
        check(not compare(np.asarray(bad, np.float32), good, "f32")[0],
              f"vision self-test: the comparison misses {what}")
    found += check_row_signatures(rv.ROWS)
    print(f"vision self-test: {vision_count} comparisons")

    # Section F: reference_further.py against independent forms, and the
    # signatures of its examples.
    further_count = rf.self_test(check)
    found += check_row_signatures(rf.ROWS)
    print(f"further self-test: {further_count} comparisons")

    print(f"self-test: {count} reference/naive comparisons, {found} example "
          f"signatures, {len(modules)} test module signatures: "
          f"{'FAIL' if failures else 'PASS'}")
    return 1 if failures else 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("name", nargs="?", help="variant (examples/variants/NAME.mlir)")
    p.add_argument("--B", type=int, default=2)
    p.add_argument("--Sq", type=int, default=33)
    p.add_argument("--Skv", type=int, default=65)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--case", default="random",
                   choices=list(dict.fromkeys(CASES + rv.CASES)))
    p.add_argument("--attn-run", dest="attn_run", default=None,
                   help="attn-run binary (default: on PATH, else build/bin)")
    p.add_argument("--examples", default=os.path.join(REPO_ROOT, "examples", "variants"))
    p.add_argument("--module", default=None,
                   help="module to run instead of NAME's (same arguments; "
                        "results: output, optionally lse)")
    p.add_argument("--query-tile", dest="query_tile", type=int, default=None,
                   help="pass --query-tile=N to attn-run")
    p.add_argument("--key-tile", dest="key_tile", type=int, default=None,
                   help="pass --key-tile=N to attn-run")
    p.add_argument("--print-time", dest="print_time", action="store_true",
                   help="pass --print-time to attn-run (attn-exec) and echo "
                        "its time")
    p.add_argument("--repeat", type=int, default=None,
                   help="pass --repeat=N to attn-run (attn-exec)")
    p.add_argument("--runner", choices=("attn-run", "attn-exec"),
                   default="attn-run",
                   help="attn-run compiles the module and runs it; attn-exec "
                        "runs the prebuilt --library")
    p.add_argument("--library", default=None,
                   help="--runner attn-exec: the library attn-compile built "
                        "from the module (CPU or CUDA)")
    p.add_argument("--tf32", action="store_true",
                   help="the f32 module ran on TF32 tensor cores (attn-compile "
                        "--allow-tf32): compare with the f16 tolerances")
    p.add_argument("--attn-exec", dest="attn_exec", default=None,
                   help="attn-exec binary (default: on PATH, else "
                        "build-runtime/bin, else build/bin)")
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--keep-dir", dest="keep_dir", default=None,
                   help="write the .npy files here and keep them")
    p.add_argument("--self-test", dest="self_test", action="store_true")
    p.add_argument("--dim", action="append", default=[], metavar="SYM=N",
                   help="section D and E rows: a length other than B, Sq, "
                        "Skv (S, Ns, Nw, Na, Nb, Nd, Nq, N; vision: N, H, W)")
    args = p.parse_args(argv)
    try:
        if args.self_test:
            return self_test()
        if not args.name:
            p.error("NAME is required (or --self-test)")
        for dim in ("B", "Sq", "Skv"):
            if getattr(args, dim) < 1:
                raise UsageError(f"--{dim} must be at least 1")
        check_runner_options(args)
        if row_reference(args.name):
            if args.tf32:
                raise UsageError("--tf32 applies to attention variants, not "
                                 "to the rows of sections D and E")
            return run_structure(args)
        if args.case not in CASES:
            raise UsageError(f"case {args.case} applies to vision rows only")
        return run_variant(args)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
