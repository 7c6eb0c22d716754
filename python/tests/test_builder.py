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


def test_verifier_errors_of_built_graphs_are_compile_errors():
    q = attn.input("q", ("B", 4, "Sq", 64))
    k = attn.input("k", ("B", 3, "Skv", 64))
    v = attn.input("v", ("B", 3, "Skv", 64))
    with pytest.raises(attn.CompileError, match="error:"):
        attn.compile(attn.function(attn.attention(q, k, v)))
