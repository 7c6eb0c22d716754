"""What each variant of shared/VARIANTS.md sections A-C and each
FlexAttention-style test module takes, and its float64 answer.

SPECS lists the arguments of every variant's @main (also in the NAME_f16
and NAME_bf16 forms, and NAME_fp8 for the variants of sections A-C); FLEX
writes the score_mod / mask_mod math of the test modules again in float64,
so that variant_scores, variant_reference and variant_lse answer for both,
on top of reference.py.
"""

import os

import numpy as np

import reference as ref

# The test modules (not tests themselves): the FLEX modules, the *_lse.mlir
# forms of variants.
INPUTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                          "CPU", "Inputs")

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
# NAME_f16 / NAME_bf16 of every f32 variant and FLEX module (see
# check_variant.py's docstring); the suffix sets the element type
# (reference.element_type).
NARROW_TYPES = ("f16", "bf16")
for _name in list(SPECS):
    if ref.element_type(_name) == "f32":
        for _t in NARROW_TYPES:
            SPECS.setdefault(f"{_name}_{_t}", SPECS[_name])
# NAME_fp8 of every f32 variant of sections A-C: q, k, v in f8E4M3FN and
# one more argument, last, the float32 per-tensor dequantisation scales
# [sq, sk, sv] (reference.dequantize); the other arguments keep NAME's
# types, the output is bf16 (reference.output_type).
FP8_NAMES = tuple(f"{_name}_fp8" for _name in ref.VARIANTS
                  if ref.element_type(_name) == "f32")
SCALES = ("scales", (3,), "scales")
for _name in FP8_NAMES:
    SPECS.setdefault(_name, SPECS[ref.base_name(_name)] + [SCALES])

DEFAULT_DIMS = {"Hq": 4, "Hkv": 4, "D": 64, "Dv": 64, "A": 32}
VARIANT_DIMS = {"gqa": {"Hq": 8, "Hkv": 2}}
DYNAMIC = ("B", "Sq", "Skv")

# Element type of each argument kind in @main's signature (qkv: the
# variant's own, reference.element_type, spelt as MLIR_TYPE says).
MLIR_ELEM = {"qkv": None, "weight": "f32", "vector": "f32", "uniform": "f32",
             "position": "f32", "lengths": "i32", "mask": "i1", "bias": "f32",
             "table": "f32", "scales": "f32"}
# MLIR spelling of an element type of reference.element_type/output_type.
MLIR_TYPE = {"f32": "f32", "f16": "f16", "bf16": "bf16", "fp8": "f8E4M3FN"}


def default_dims(name):
    """Sizes of `name` other than B, Sq and Skv (DEFAULT_DIMS, with
    VARIANT_DIMS's for the variant): used where its signature leaves them
    open."""
    dims = dict(DEFAULT_DIMS)
    dims.update(VARIANT_DIMS.get(ref.base_name(name), {}))
    return dims


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
    """The module file of `name`: a FLEX module's in INPUTS_DIR, a
    variant's example in `examples`."""
    if name in FLEX:
        return os.path.join(INPUTS_DIR, name + ".mlir")
    return os.path.join(examples, name + ".mlir")


# Variants whose score is a (scaled) dot product of q and k: `huge` applies.
DOT_SCORED = {"dot", "scaled_dot", "sigmoid", "hard", "topk", "hard_sample",
              "causal", "sliding_window", "local_window", "local_gaussian",
              "key_padding", "bool_mask", "bias", "alibi", "softcap",
              "relative_position", "gqa", "causal_bf16", "causal_f16",
              "scaled_dot_bf16", "scaled_dot_f16"} | set(FLEX_NAMES)
DOT_SCORED |= {f"{n}_{t}" for n in DOT_SCORED if ref.element_type(n) == "f32"
               for t in NARROW_TYPES}
DOT_SCORED |= {n for n in FP8_NAMES if ref.base_name(n) in DOT_SCORED}
