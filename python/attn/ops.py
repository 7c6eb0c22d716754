"""The attn dialect's ops for the builder (dialects/Attn/*.td).

Each function takes builder tensors (attn.input or op results) and returns
the op's result(s); the attributes are keyword arguments named as in the
ODS. The verifier of the dialect checks every shape rule when the function
is compiled or parsed; these functions check only what they need to infer
the result types and to print valid syntax.
"""

import math

from . import types
from .builder import Node, Value

SCORES = ("dot", "general", "additive", "cosine", "neg_l2",
          "multi_dimensional", "compositional")
NORMALIZERS = ("softmax", "sigmoid", "hard", "topk", "hard_sample", "none")
ALIGNMENTS = ("bottom_right", "top_left")
_FLOATS = ("f32", "f16", "bf16")
# FP8 (E4M3, no infinities): query, key and value only (docs/fp8.md).
_FP8 = "f8E4M3FN"


def _f32(name, x):
    """An f32 attribute value as an MLIR float literal."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x}")
    text = repr(x)
    # MLIR float literals need a '.' before any exponent ("1.0e-05").
    mantissa, e, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{name} = {mantissa}{e}{exponent} : f32"


def _i64(name, n, minimum=0):
    if isinstance(n, bool) or int(n) != n or n < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {n!r}")
    return f"{name} = {int(n)} : i64"


def _choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}: expected one of "
                         f"{', '.join(choices)}")
    return value


def _check(op, what, value, rank=None, dtypes=None):
    if not isinstance(value, Value):
        raise TypeError(f"{op}: {what} must be a builder tensor, got "
                        f"{value!r}")
    if rank is not None and value.rank != rank:
        raise ValueError(f"{op}: {what} must have rank {rank}, got "
                         f"{value.type}")
    if dtypes is not None and value.dtype not in dtypes:
        raise ValueError(f"{op}: {what} must be {' or '.join(dtypes)}, got "
                         f"{value.type}")


def _segment(keyword, values, ssa):
    """`keyword(%a, %b : ta, tb)`, or nothing without values."""
    if not values:
        return ""
    return (f" {keyword}({', '.join(ssa(v) for v in values)} : "
            f"{', '.join(v.type for v in values)})")


def _print(mnemonic, operands, segments, attributes, results):
    """A printer for `attn.<mnemonic>` in its custom form: operands, the
    optional operand segments (keyword, values), the attribute dictionary,
    then the operand and result types."""
    def printer(ssa):
        text = f"attn.{mnemonic} " + ", ".join(ssa(v) for v in operands)
        text += "".join(_segment(k, vs, ssa) for k, vs in segments)
        if attributes:
            text += "\n      {" + ", ".join(attributes) + "}"
        return (text + "\n      : " + ", ".join(v.type for v in operands)
                + " -> " + ", ".join(results()))
    return printer


def attention(q, k, v, *, score="dot", normalizer="softmax", scale=None,
              causal=False, window=None, align="bottom_right", alibi=False,
              softcap=None, top_k=None, relative_clip=None,
              gaussian_window=None, gaussian_sigma=None, mask=None,
              bias=None, key_lengths=None, block_table=None, scales=None,
              out_type=None, score_operands=(),
              normalizer_operands=(), position_operands=(), lse=False):
    """`attn.attention`: q [B,Hq,Sq,D], k [B,Hkv,Skv,D], v [B,Hkv,Skv,Dv]
    give o [B,Hq,Sq,Dv] in q's element type, and with `lse=True` also the
    log-sum-exp [B,Hq,Sq] f32 (returned as a pair).

    FP8 (docs/fp8.md): q, k and v may all be f8E4M3FN (all three or none).
    The output's element type is then `out_type` ("f32", "f16" or "bf16";
    default "bf16"), which the attention computes in; for other inputs
    `out_type` may only repeat q's type. `scales` (f32 [3], only with FP8
    inputs) holds the dequantisation scales [sq, sk, sv]: the attention is
    that of sq * q, sk * k and sv * v (scales 1 without it).

    score: dot (default), general, additive, cosine, neg_l2,
        multi_dimensional, compositional; `score_operands` are its weights.
    normalizer: softmax (default), sigmoid, hard, topk (with `top_k`),
        hard_sample, none; `normalizer_operands` are its inputs.
    scale: the score's factor (default 1/sqrt(D)).
    causal, window=(left, right), align ("bottom_right" or "top_left"):
        which keys each query sees; mask (i1), key_lengths (i32 [B]) and
        bias (added to the scores) are tensors.
    block_table (i32 [B, P]): k and v are then page pools
        [num_pages, Hkv, page_size, D|Dv] and key j of batch b is row
        j % page_size of page block_table[b, j // page_size]
        (docs/paged-kv.md).
    alibi, softcap, relative_clip, gaussian_window / gaussian_sigma
        (with `position_operands`): the position terms.
    """
    op = "attention"
    for what, value in (("q", q), ("k", k), ("v", v)):
        _check(op, what, value, rank=4, dtypes=_FLOATS + (_FP8,))
    output_type = _output_type(op, q, k, v, out_type, scales)
    attributes = []
    if _choice("score", score, SCORES) != "dot":
        attributes.append(f"score = #attn.score<{score}>")
    if _choice("normalizer", normalizer, NORMALIZERS) != "softmax":
        attributes.append(f"normalizer = #attn.normalizer<{normalizer}>")
    if scale is not None:
        attributes.append(_f32("scale", scale))
    if causal:
        attributes.append("causal")
    if window is not None:
        left, right = window
        for side in (left, right):
            _i64("window", side)
        attributes.append(f"window = array<i64: {int(left)}, {int(right)}>")
    if _choice("align", align, ALIGNMENTS) != "bottom_right":
        attributes.append(f"align = #attn.align<{align}>")
    if alibi:
        attributes.append("alibi")
    if softcap is not None:
        attributes.append(_f32("softcap", softcap))
    if top_k is not None:
        attributes.append(_i64("top_k", top_k, minimum=1))
    if relative_clip is not None:
        attributes.append(_i64("relative_clip", relative_clip))
    if gaussian_window is not None:
        attributes.append(_i64("gaussian_window", gaussian_window))
    if gaussian_sigma is not None:
        attributes.append(_f32("gaussian_sigma", gaussian_sigma))

    segments = []
    for keyword, value, dtypes in (("mask", mask, ("i1",)),
                                   ("bias", bias, _FLOATS),
                                   ("key_lengths", key_lengths, ("i32",)),
                                   ("block_table", block_table, ("i32",)),
                                   ("scales", scales, ("f32",))):
        # The order of the op's syntax: scales come after grid_width (not in
        # the builder) and before score_operands.
        if value is not None:
            _check(op, keyword, value, dtypes=dtypes)
            segments.append((keyword, [value]))
    for keyword, values in (("score_operands", score_operands),
                            ("normalizer_operands", normalizer_operands),
                            ("position_operands", position_operands)):
        values = list(values)
        for i, value in enumerate(values):
            _check(op, f"{keyword}[{i}]", value, dtypes=_FLOATS)
        segments.append((keyword, values))

    b, hq, sq = q.shape[:3]
    results = [((b, hq, sq, v.shape[3]), output_type)]
    if lse:
        results.append(((b, hq, sq), "f32"))
    operands = [q, k, v] + [x for _, vs in segments for x in vs]
    node = Node(op, operands, results, None)
    node.printer = _print(op, [q, k, v], segments, attributes,
                          lambda: [r.type for r in node.results])
    return tuple(node.results) if lse else node.results[0]


def _output_type(op, q, k, v, out_type, scales):
    """The element type of attention's output: `out_type` (default bf16) for
    FP8 inputs, q's otherwise. Checks the FP8 rules of the verifier."""
    fp8 = [x.dtype == _FP8 for x in (q, k, v)]
    if any(fp8) and not all(fp8):
        raise ValueError(f"{op}: q, k and v must all be {_FP8} or none of "
                         f"them, got {q.dtype}, {k.dtype}, {v.dtype}")
    if out_type is not None:
        try:
            out_type = types.element_type(out_type)
        except ValueError:
            out_type = repr(out_type)
        if out_type not in _FLOATS:
            raise ValueError(f"{op}: out_type must be {' or '.join(_FLOATS)}"
                             f", got {out_type}")
    if not fp8[0]:
        if out_type is not None and out_type != q.dtype:
            raise ValueError(f"{op}: out_type {out_type} differs from q's "
                             f"element type {q.dtype}; a different output "
                             f"type needs {_FP8} q, k and v")
        if scales is not None:
            raise ValueError(f"{op}: scales need {_FP8} q, k and v, but they "
                             f"are {q.dtype}")
        return q.dtype
    if scales is not None:
        _check(op, "scales", scales)
        if scales.shape != (3,) or scales.dtype != "f32":
            raise ValueError(f"{op}: scales must be tensor<3xf32> (the "
                             f"scales of q, k and v), got {scales.type}")
    return out_type or "bf16"


def _same_shape_op(mnemonic, x, weights, attributes=()):
    """An op whose result has the shape and type of its first operand (the
    gates and multi_head), all operands f32."""
    for what, value in [("input", x)] + list(weights.items()):
        _check(mnemonic, what, value, dtypes=("f32",))
    operands = [x] + list(weights.values())
    node = Node(mnemonic, operands, [(x.shape, x.dtype)], None)
    node.printer = _print(mnemonic, operands, [], list(attributes),
                          lambda: [node.results[0].type])
    return node


def multi_head(xq, xkv, wq, wk, wv, wo, *, num_heads, num_kv_heads=None,
               causal=False, head_gates=None):
    """`attn.multi_head`: projections, `num_heads` heads of attention
    (grouped with `num_kv_heads`), head merge and output projection on
    [B,S,E] activations; `head_gates` [num_heads] scale each head."""
    attributes = [_i64("num_heads", num_heads, minimum=1)]
    if num_kv_heads is not None:
        attributes.append(_i64("num_kv_heads", num_kv_heads, minimum=1))
    if causal:
        attributes.append("causal")
    _check("multi_head", "xq", xq, rank=3)
    node = _same_shape_op("multi_head", xq, {
        "xkv": xkv, "wq": wq, "wk": wk, "wv": wv, "wo": wo}, attributes)
    if head_gates is not None:
        _check("multi_head", "head_gates", head_gates, rank=1,
               dtypes=("f32",))
        node.operands.append(head_gates)
        node.printer = _print(
            "multi_head", node.operands[:6], [("head_gates", [head_gates])],
            attributes, lambda: [node.results[0].type])
    return node.results[0]


def squeeze_excite(x, w1, b1, w2, b2):
    """`attn.squeeze_excite` on x [N,C,H,W]: w1 [C,R], b1 [R], w2 [R,C],
    b2 [C]."""
    _check("squeeze_excite", "x", x, rank=4)
    return _same_shape_op("squeeze_excite", x, {
        "w1": w1, "b1": b1, "w2": w2, "b2": b2}).results[0]


def eca(x, w):
    """`attn.eca` on x [N,C,H,W]: a 1-D convolution w [K] (K odd) over the
    pooled channels."""
    _check("eca", "x", x, rank=4)
    return _same_shape_op("eca", x, {"w": w}).results[0]


def spatial_gate(x, ws, bs):
    """`attn.spatial_gate` (CBAM's spatial attention) on x [N,C,H,W]:
    ws [1,2,K,K] (K odd), bs [1]."""
    _check("spatial_gate", "x", x, rank=4)
    return _same_shape_op("spatial_gate", x, {"ws": ws, "bs": bs}).results[0]


def cbam(x, w1, b1, w2, b2, ws, bs):
    """`attn.cbam`: the channel gate of squeeze_excite (mean and max pooled,
    shared MLP), then spatial_gate."""
    _check("cbam", "x", x, rank=4)
    return _same_shape_op("cbam", x, {
        "w1": w1, "b1": b1, "w2": w2, "b2": b2, "ws": ws,
        "bs": bs}).results[0]
