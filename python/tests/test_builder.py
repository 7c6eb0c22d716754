"""The builder: its IR is the IR of examples/variants (compared after
attn-opt parses and prints both), and built graphs compile and match the
float64 references."""

import re

import numpy as np
import pytest

import attn
import reference as ref
import reference_structure as rs
import reference_vision as rv
from conftest import assert_close, example

def qkv(dtype="f32", heads=(4, 4)):
    hq, hkv = heads
    return (attn.input("q", ("B", hq, "Sq", 64), dtype),
            attn.input("k", ("B", hkv, "Skv", 64), dtype),
            attn.input("v", ("B", hkv, "Skv", 64), dtype))


def core(**kwargs):
    return lambda: attn.function(attn.attention(*qkv(), **kwargs))


def with_operand(keyword, name, shape, dtype="f32", **kwargs):
    def build():
        q, k, v = qkv()
        extra = attn.input(name, shape, dtype)
        value = [extra] if keyword.endswith("operands") else extra
        return attn.function(attn.attention(q, k, v, **{keyword: value},
                                            **kwargs))
    return build


def gate(op, *weights):
    def build():
        x = attn.input("x", ("N", 64, "H", "W"))
        args = [attn.input(name, shape) for name, shape in weights]
        return attn.function(op(x, *args))
    return build


def multi_head(causal):
    def build():
        x = attn.input("x", ("B", "S", 64))
        w = [attn.input(n, (64, 64)) for n in ("wq", "wk", "wv", "wo")]
        return attn.function(attn.multi_head(x, x, *w, num_heads=8,
                                             causal=causal))
    return build


SE = (("w1", (64, 16)), ("b1", (16,)), ("w2", (16, 64)), ("b2", (64,)))
SPATIAL = (("ws", (1, 2, 7, 7)), ("bs", (1,)))

# Example name -> the builder calls that write it.
EXAMPLES = {
    "scaled_dot": core(),
    "dot": core(scale=1.0),
    "cosine": core(score="cosine", scale=10.0),
    "neg_l2": core(score="neg_l2"),
    "compositional": core(score="compositional", normalizer="none"),
    "sigmoid": core(normalizer="sigmoid"),
    "hard": core(normalizer="hard"),
    "topk": core(normalizer="topk", top_k=8),
    "causal": core(causal=True),
    "sliding_window": core(window=(64, 0)),
    "local_window": core(window=(16, 16)),
    "alibi": core(causal=True, alibi=True),
    "softcap": core(softcap=50.0),
    "gqa": lambda: attn.function(attn.attention(*qkv(heads=(8, 2)))),
    "causal_bf16": lambda: attn.function(
        attn.attention(*qkv("bf16"), causal=True)),
    "scaled_dot_f16": lambda: attn.function(attn.attention(*qkv("f16"))),
    "scaled_dot_fp8": lambda: attn.function(attn.attention(
        *qkv("f8E4M3FN"), scales=attn.input("scales", (3,)))),
    "general": with_operand("score_operands", "W", (64, 64),
                            score="general", scale=1.0),
    "hard_sample": with_operand("normalizer_operands", "u", ("B", 4, "Sq"),
                                normalizer="hard_sample"),
    "key_padding": with_operand("key_lengths", "len", ("B",), "int32"),
    "bool_mask": with_operand("mask", "m", ("B", 1, "Sq", "Skv"), "bool"),
    "bias": with_operand("bias", "b", ("B", 4, "Sq", "Skv")),
    "multi_head": lambda: attn.function(attn.multi_head(
        attn.input("xq", ("B", "Sq", 64)), attn.input("xkv", ("B", "Skv", 64)),
        *[attn.input(n, (64, 64)) for n in ("wq", "wk", "wv", "wo")],
        num_heads=8)),
    "causal_self_attention": multi_head(causal=True),
    "squeeze_excite": gate(attn.squeeze_excite, *SE),
    "eca": gate(attn.eca, ("w", (3,))),
    "spatial": gate(attn.spatial_gate, *SPATIAL),
    "cbam": gate(attn.cbam, *SE, *SPATIAL),
}


def canonical(text):
    """attn-opt's printing without argument names: the examples name no
    arguments, the builder names every one."""
    return re.sub(r' \{attn\.name = "[^"]*"\}', "", text)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_same_ir_as_example(name, attn_opt):
    with open(example(name)) as f:
        expected = attn_opt(f.read())
    built = EXAMPLES[name]().mlir()
    assert canonical(attn_opt(built)) == expected
    # The generic form parses back as well (the round trip).
    generic = attn_opt(built, "--mlir-print-op-generic")
    assert attn_opt(generic) == attn_opt(built)


def test_built_graph_runs_against_reference(rng):
    q, k, v = (attn.input("q", (2, 8, "Sq", 32)),
               attn.input("k", (2, 2, "Skv", 32)),
               attn.input("v", (2, 2, "Skv", 32)))
    o, lse = attn.attention(q, k, v, causal=True, softcap=20.0, lse=True)
    module = attn.compile(attn.function({"o": o, "lse": lse}),
                          query_tile=8, key_tile=16)
    main = module.main
    assert [r.name for r in main.results] == ["o", "lse"]
    assert main.results[1].shape == (2, 8, main.args[0].shape[2])

    x = [rng.standard_normal(s).astype(np.float32)
         for s in ((2, 8, 19, 32), (2, 2, 45, 32), (2, 2, 45, 32))]
    out, out_lse = main(*x)
    # The reference of `causal`, with the soft cap applied to its scores.
    s, visible = ref.scores("causal", *x)
    s = 20.0 * np.tanh(s / 20.0)
    p = ref.softmax_visible(s, visible)
    assert_close(out, ref.weighted_sum(p, x[2], 8))
    assert_close(out_lse, ref.lse_of_scores(s, visible))


def test_built_paged_attention_runs_against_reference(rng):
    q = attn.input("q", ("B", 8, "Sq", 64))
    pools = [attn.input(n, ("N", 2, 16, 64)) for n in ("k_pages", "v_pages")]
    lengths = attn.input("len", ("B",), "int32")
    table = attn.input("table", ("B", "P"), "int32")
    o = attn.attention(q, *pools, key_lengths=lengths, block_table=table)
    main = attn.compile(attn.function(o)).main
    x = [rng.standard_normal(s).astype(np.float32)
         for s in ((2, 8, 3, 64), (7, 2, 16, 64), (7, 2, 16, 64))]
    # Sequence 0 has 20 keys in pages 5 and 0; its third entry is never read.
    lens = np.array([20, 48], dtype=np.int32)
    pages = np.array([[5, 0, 9], [2, 6, 1]], dtype=np.int32)
    want, _ = ref.paged_reference(*x, lens, pages)
    assert_close(main(*x, lens, pages), want)


def test_built_structure_and_gate_run_against_reference(rng):
    module = attn.compile([EXAMPLES["multi_head"](),
                           attn.function(attn.squeeze_excite(
                               attn.input("x", ("N", 64, "H", "W")),
                               *[attn.input(n, s) for n, s in SE]),
                               name="se")])
    xq, xkv = (rng.standard_normal(s).astype(np.float32)
               for s in ((2, 5, 64), (2, 9, 64)))
    w = [(rng.standard_normal((64, 64)) / 8).astype(np.float32)
         for _ in range(4)]
    assert_close(module.main(xq, xkv, *w), rs.multi_head(xq, xkv, *w))

    x = rng.standard_normal((2, 64, 5, 3)).astype(np.float32)
    weights = [rng.standard_normal(s).astype(np.float32) for _, s in SE]
    assert_close(module.se(x, *weights), rv.squeeze_excite(x, *weights))


def test_builder_rejects_bad_graphs():
    q, k, v = qkv()
    with pytest.raises(ValueError, match="unknown score 'dotty'"):
        attn.attention(q, k, v, score="dotty")
    with pytest.raises(ValueError, match="window"):
        attn.attention(q, k, v, window=(-1, 0))
    with pytest.raises(ValueError, match="rank 4"):
        attn.attention(q, k, attn.input("v3", ("B", "Skv", 64)))
    with pytest.raises(ValueError, match="mask must be i1"):
        attn.attention(q, k, v, mask=attn.input("m", ("B", 1, "Sq", "Skv")))
    with pytest.raises(ValueError, match="unsupported element type"):
        attn.input("x", (2,), "f64")
    with pytest.raises(ValueError, match="not in `inputs`"):
        attn.function(attn.attention(q, k, v), inputs=[q, k])
    with pytest.raises(ValueError, match="scale must be finite"):
        attn.attention(q, k, v, scale=float("inf"))


def e4m3(x):
    """`x` rounded to the nearest f8E4M3FN value (ties to the even code),
    saturating at +-448, as float32: by search in the table of every finite
    E4M3 magnitude, codes 0 to 126 (0x7F is NaN)."""
    codes = np.arange(127)
    exponent, mantissa = codes >> 3, codes & 7
    table = np.where(exponent == 0, mantissa * 2.0**-9,
                     (1 + mantissa / 8) * 2.0**(exponent - 7))
    a = np.minimum(np.abs(np.asarray(x, np.float64)), 448.0)
    hi = np.clip(np.searchsorted(table, a), 1, 126)
    lo = hi - 1
    d_lo, d_hi = a - table[lo], table[hi] - a
    pick = np.where((d_hi < d_lo) | ((d_hi == d_lo) & (hi % 2 == 0)), hi, lo)
    return np.copysign(table[pick], x).astype(np.float32)


def quantize(rng, shape):
    """A normal tensor as E4M3 values and its scale max|x| / 448."""
    x = rng.standard_normal(shape)
    scale = np.float32(np.abs(x).max() / 448)
    return e4m3(x / scale), scale


@pytest.mark.parametrize("out_type", [None, "f16", "f32"])
def test_built_fp8_attention_runs_against_reference(out_type, rng):
    q, k, v = (attn.input(n, ("B", 2, s, 16), "f8E4M3FN")
               for n, s in (("q", "Sq"), ("k", "Skv"), ("v", "Skv")))
    scales = attn.input("scales", (3,))
    o = attn.attention(q, k, v, scales=scales, causal=True,
                       **({"out_type": out_type} if out_type else {}))
    etype = out_type or "bf16"   # bf16 by default for FP8 inputs
    assert o.dtype == etype
    main = attn.compile(attn.function(o)).main
    assert [a.type for a in main.args] == ["f8e4m3fn"] * 3 + ["f32"]
    assert [a.dtype for a in main.args] == ["float32"] * 4
    assert main.results[0].type == etype

    (q8, sq), (k8, sk), (v8, sv) = (quantize(rng, (1, 2, 8, 16))
                                    for _ in range(3))
    # The values are E4M3 already: the runtime's rounding keeps them.
    np.testing.assert_array_equal(e4m3(q8), q8)
    s = np.array([sq, sk, sv], np.float32)
    out = main(q8, k8, v8, s)
    assert out.dtype == (np.float16 if etype == "f16" else np.float32)
    if etype == "bf16":
        assert not (out.view(np.uint32) & 0xFFFF).any()
    dequantized = [x.astype(np.float64) * float(c)
                   for x, c in zip((q8, k8, v8), s)]
    assert_close(out, ref.reference("causal", *dequantized), etype)


def test_e4m3_rounding_of_the_test_matches_the_runtime():
    copy = attn.compile("""
        func.func @copy(%a: tensor<?xf8E4M3FN>) -> tensor<?xf8E4M3FN> {
          return %a : tensor<?xf8E4M3FN>
        }""").copy
    x = np.concatenate([np.linspace(-500, 500, 2001),
                        np.linspace(-0.02, 0.02, 2001),
                        [1.0625, 1.1875, 2.0**-10, 3 * 2.0**-10, 464, -464]])
    x = x.astype(np.float32)
    np.testing.assert_array_equal(copy(x), e4m3(x))


def test_builder_fp8_rules():
    f8 = [attn.input(n, (1, 2, 8, 16), "f8E4M3FN") for n in "qkv"]
    f32 = [attn.input(n, (1, 2, 8, 16)) for n in "qkv"]
    scales = attn.input("scales", (3,))
    # Element type names: MLIR's, the manifest's and ml_dtypes'.
    for name in ("f8E4M3FN", "f8e4m3fn", "float8_e4m3fn"):
        assert attn.input("x", (2,), name).dtype == "f8E4M3FN"
    with pytest.raises(ValueError, match="unsupported element type"):
        attn.input("x", (2,), "f8E5M2")
    # The output type: bf16 by default, f32, f16 or bf16 as asked.
    assert attn.attention(*f8).dtype == "bf16"
    assert attn.attention(*f8, out_type="float16").dtype == "f16"
    o, lse = attn.attention(*f8, out_type="f32", scales=scales, lse=True)
    assert (o.dtype, lse.dtype) == ("f32", "f32")
    # scales come after the masks and before the weights, as the op prints.
    text = attn.function(attn.attention(
        *f8, key_lengths=attn.input("n", (1,), "int32"), scales=scales,
        score="general", score_operands=[attn.input("W", (16, 16))])).mlir()
    assert ("key_lengths(%n : tensor<1xi32>) scales(%scales : "
            "tensor<3xf32>) score_operands(%W" in text)
    assert "-> tensor<1x2x8x16xbf16>" in text

    with pytest.raises(ValueError, match="must all be f8E4M3FN or none"):
        attn.attention(f8[0], f32[1], f32[2])
    with pytest.raises(ValueError, match="must all be f8E4M3FN or none"):
        attn.attention(f32[0], f8[1], f8[2])
    for bad in ("f8E4M3FN", "i32", "f64"):
        with pytest.raises(ValueError, match="out_type must be f32 or f16 "
                                             "or bf16"):
            attn.attention(*f8, out_type=bad)
    # Other inputs: the output keeps q's type, and takes no scales.
    assert attn.attention(*f32, out_type="f32").dtype == "f32"
    with pytest.raises(ValueError, match="out_type bf16 differs from q's "
                                         "element type f32"):
        attn.attention(*f32, out_type="bf16")
    with pytest.raises(ValueError, match="scales need f8E4M3FN q, k and v, "
                                         "but they are f32"):
        attn.attention(*f32, scales=scales)
    for shape, dtype in (((2,), "f32"), (("n",), "f32"), ((3,), "f16"),
                         ((1, 3), "f32")):
        with pytest.raises(ValueError, match=r"scales must be "
                                             r"tensor<3xf32>.*got tensor<"):
            attn.attention(*f8, scales=attn.input("s", shape, dtype))
    with pytest.raises(TypeError, match="scales must be a builder tensor"):
        attn.attention(*f8, scales=np.ones(3, np.float32))


def test_verifier_errors_of_built_graphs_are_compile_errors():
    q = attn.input("q", ("B", 4, "Sq", 64))
    k = attn.input("k", ("B", 3, "Skv", 64))
    v = attn.input("v", ("B", 3, "Skv", 64))
    with pytest.raises(attn.CompileError, match="error:"):
        attn.compile(attn.function(attn.attention(q, k, v)))
