"""weights=True: every attention also returns its weights P, checked
against the float64 P of test/Integration/lib/reference.py; attn.heat_map
draws them."""

import numpy as np
import pytest

import attn
import reference as ref
from conftest import assert_close, example


@pytest.mark.parametrize("name", ["causal", "sigmoid", "topk", "gqa"])
def test_weights_match_reference(name, rng):
    module = attn.compile(example(name), weights=True)
    main = module.main
    assert len(main.weights) == 1
    assert main.weights[0].startswith(f"weights0: {name}.mlir:")
    hq = main.args[0].shape[1]
    hkv, d = main.args[1].shape[1], main.args[1].shape[3]
    q = rng.standard_normal((2, hq, 9, d)).astype(np.float32)
    k = rng.standard_normal((2, hkv, 70, d)).astype(np.float32)
    v = rng.standard_normal((2, hkv, 70, d)).astype(np.float32)
    out, weights = main(q, k, v)
    assert_close(out, ref.reference(name, q, k, v))
    assert len(weights) == 1 and weights[0].shape == (2, hq, 9, 70)
    assert_close(weights[0], ref.weights(name, q, k, v))


def test_without_weights_nothing_changes(rng):
    main = attn.compile(example("causal")).main
    assert main.weights == []
    q, k, v = (rng.standard_normal((1, 4, 5, 64)).astype(np.float32)
               for _ in range(3))
    assert isinstance(main(q, k, v), np.ndarray)


def test_heat_map_writes_png(tmp_path, rng):
    p = rng.random((2, 4, 9, 70))
    attn.heat_map(tmp_path / "w.png", p, "weights0: test")
    assert (tmp_path / "w.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
