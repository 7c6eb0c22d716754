"""attn.compile: every kind of source, options, signatures and numerics
against the float64 references."""

import pathlib

import numpy as np
import pytest

import attn
import reference as ref
from conftest import assert_close, example


def qkv(rng, b=2, h=4, sq=37, skv=53, d=64, dtype=np.float32):
    return [rng.standard_normal(shape).astype(dtype)
            for shape in ((b, h, sq, d), (b, h, skv, d), (b, h, skv, d))]


@pytest.fixture(scope="module")
def causal():
    return attn.compile(example("causal"))


def test_path_runs_against_reference(causal, rng):
    inputs = qkv(rng)
    out = causal.main(*inputs)
    assert out.dtype == np.float32
    assert_close(out, ref.reference("causal", *inputs))


def test_signature_from_manifest(causal):
    main = causal.functions["main"]
    assert [a.name for a in main.args] == ["arg0", "arg1", "arg2"]
    q, k, _ = main.args
    assert q.type == "f32" and q.dtype == "float32"
    # B is shared by q and k, Sq and Skv are their own symbols.
    assert q.shape[0] == k.shape[0] and isinstance(q.shape[0], str)
    assert q.shape[1] == 4 and q.shape[3] == 64
    assert q.shape[2] != k.shape[2]
    assert set(main.sizes) == {q.shape[0], q.shape[2], k.shape[2]}
    assert main.signature.startswith("main(arg0: f32[s0,4,")
    assert "main(" in repr(causal)
    assert "main" in dir(causal)


def test_pathlike_and_options_agree(rng):
    small_tiles = attn.compile(pathlib.Path(example("sliding_window")),
                               query_tile=16, key_tile=16, parallel=False)
    inputs = qkv(rng, b=1, sq=70, skv=90)
    assert_close(small_tiles.main(*inputs),
                 ref.reference("sliding_window", *inputs))


def test_source_text_with_two_functions_and_keywords(rng):
    module = attn.compile("""
      func.func @causal(%q: tensor<1x2x?x16xf32> {attn.name = "q"},
                        %k: tensor<1x2x?x16xf32> {attn.name = "k"},
                        %v: tensor<1x2x?x16xf32> {attn.name = "v"})
          -> (tensor<1x2x?x16xf32> {attn.name = "o"}) {
        %o = attn.attention %q, %k, %v {causal}
            : tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>,
              tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
        return %o : tensor<1x2x?x16xf32>
      }
      func.func @plain(%q: tensor<1x2x?x16xf32>, %k: tensor<1x2x?x16xf32>,
                       %v: tensor<1x2x?x16xf32>) -> tensor<1x2x?x16xf32> {
        %o = attn.attention %q, %k, %v
            : tensor<1x2x?x16xf32>, tensor<1x2x?x16xf32>,
              tensor<1x2x?x16xf32> -> tensor<1x2x?x16xf32>
        return %o : tensor<1x2x?x16xf32>
      }
    """)
    assert list(module.functions) == ["causal", "plain"]
    assert module.causal.signature == \
        "causal(q: f32[1,2,s0,16], k: f32[1,2,s1,16], v: f32[1,2,s1,16]) " \
        "-> (o: f32[1,2,s0,16])"
    q, k, v = qkv(rng, b=1, h=2, sq=9, skv=9, d=16)
    assert_close(module.causal(q, v=v, k=k),
                 ref.reference("causal", q, k, v))
    assert_close(module["plain"](q, k, v),
                 ref.reference("scaled_dot", q, k, v))


@pytest.mark.parametrize("name,dtype", [("scaled_dot_bf16", "bf16"),
                                        ("causal_f16", "f16")])
def test_narrow_floats(name, dtype, rng):
    module = attn.compile(example(name))
    inputs = [ref.round_to(x, dtype) for x in qkv(rng, sq=20, skv=31)]
    out = module.main(*inputs)
    # bf16 crosses as float32 (as with attn-run), f16 as float16.
    assert out.dtype == (np.float16 if dtype == "f16" else np.float32)
    assert module.main.args[0].type == dtype
    assert_close(out, ref.reference(name, *inputs), dtype)


def test_fp8_crosses_as_float32():
    # f8e4m3fn takes float32, rounded to nearest even and saturating at
    # +-448 (E4M3FN has no infinity); results widen back to float32.
    module = attn.compile("""
        func.func @copy(%a: tensor<?xf8E4M3FN>) -> tensor<?xf8E4M3FN> {
          return %a : tensor<?xf8E4M3FN>
        }""")
    assert module.copy.args[0].type == "f8e4m3fn"
    assert module.copy.args[0].dtype == "float32"
    x = np.array([1.0625, 1.1875, -3.3, 460, -np.inf, 1e-3, 2.0**-10],
                 np.float32)
    out = module.copy(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [1, 1.25, -3.25, 448, -448, 2.0**-9, 0])


def test_int32_and_bool_arguments(rng):
    padding = attn.compile(example("key_padding"))
    q, k, v = qkv(rng, sq=8, skv=40)
    lengths = np.array([0, 17], dtype=np.int32)
    assert padding.main.args[3].dtype == "int32"
    assert_close(padding.main(q, k, v, lengths),
                 ref.reference("key_padding", q, k, v, lengths))

    masked = attn.compile(example("bool_mask"))
    mask = rng.random((2, 1, 8, 40)) < 0.5
    mask[0, 0, 3, :] = False
    assert_close(masked.main(q, k, v, mask),
                 ref.reference("bool_mask", q, k, v, mask))


def test_onnx_bytes(rng):
    onnx_models = pytest.importorskip("onnx_models")
    model = onnx_models.MODELS["attention_4d"]
    sizes = dict(B=2, Sq=5, Skv=7)
    module = attn.compile(model.build(sizes).SerializeToString())
    # Inputs keep their ONNX names.
    assert [a.name for a in module.main.args] == ["q", "k", "v"]
    inputs = model.inputs(rng, sizes)
    assert_close(module.main(*inputs), model.reference(inputs)[0])


def test_gpu_emulator_target(rng):
    module = attn.compile(example("causal"), target="gpu-emulator")
    inputs = qkv(rng, b=1, sq=16, skv=24)
    assert_close(module.main(*inputs), ref.reference("causal", *inputs))
