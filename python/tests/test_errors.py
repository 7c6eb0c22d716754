"""What goes wrong is reported: binding errors name the argument, compile
errors carry the diagnostics."""

import numpy as np
import pytest

import attn
from conftest import example

SOURCE = """
func.func @main(%q: tensor<?x2x?x16xf32> {attn.name = "q"},
                %k: tensor<?x2x?x16xf32> {attn.name = "k"},
                %v: tensor<?x2x?x16xf32> {attn.name = "v"})
    -> tensor<?x2x?x16xf32> {
  %o = attn.attention %q, %k, %v
      : tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>
      -> tensor<?x2x?x16xf32>
  return %o : tensor<?x2x?x16xf32>
}
"""


@pytest.fixture(scope="module")
def main():
    return attn.compile(SOURCE).main


def arrays(b=1, sq=3, skv=5, d=16):
    return [np.zeros(shape, np.float32)
            for shape in ((b, 2, sq, d), (b, 2, skv, d), (b, 2, skv, d))]


def test_wrong_static_size_names_the_argument(main):
    q, k, v = arrays()
    with pytest.raises(ValueError, match=r"argument #1 'k'.*dimension 3"):
        main(q, np.zeros((1, 2, 5, 8), np.float32), v)


def test_wrong_rank_names_the_argument(main):
    q, k, v = arrays()
    with pytest.raises(ValueError, match=r"argument #2 'v'.*rank 4, got 3"):
        main(q, k, v[0])


def test_wrong_dtype_names_the_argument(main):
    q, k, v = arrays()
    with pytest.raises(ValueError, match=r"argument #0 'q'.*float32"):
        main(q.astype(np.float64), k, v)
    with pytest.raises(TypeError, match=r"argument #0 'q'.*complex64"):
        main(q.astype(np.complex64), k, v)


def test_unequal_shared_sizes(main):
    q, _, v = arrays(skv=5)
    k = np.zeros((1, 2, 6, 16), np.float32)
    with pytest.raises(ValueError, match=r"'v'|'k'"):
        main(q, k, v)


def test_arguments_by_position_and_name(main):
    q, k, v = arrays()
    assert main(q, k, v=v).shape == (1, 2, 3, 16)
    # Non-contiguous views and big-endian arrays are accepted as copies.
    assert main(q[:, :, ::-1], k, v.astype(">f4")).shape == (1, 2, 3, 16)
    with pytest.raises(TypeError, match="missing arguments v"):
        main(q, k)
    with pytest.raises(TypeError, match="takes 3 arguments"):
        main(q, k, v, v)
    with pytest.raises(TypeError, match="no argument 'x'"):
        main(q, k, x=v)
    with pytest.raises(TypeError, match="'k' twice"):
        main(q, k, v=v, k=k)


def test_syntax_error_carries_diagnostics():
    with pytest.raises(attn.CompileError) as error:
        attn.compile(SOURCE.replace("attn.attention %q", "attn.attention %x"))
    message = str(error.value)
    assert "<source>:" in message and "error:" in message
    assert "%x" in message


def test_verifier_error_carries_diagnostics():
    bad = SOURCE.replace("%k: tensor<?x2x?x16xf32>", "%k: tensor<?x2x?x8xf32>")
    bad = bad.replace("tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>, "
                      "tensor<?x2x?x16xf32>\n",
                      "tensor<?x2x?x16xf32>, tensor<?x2x?x8xf32>, "
                      "tensor<?x2x?x16xf32>\n")
    with pytest.raises(attn.CompileError,
                       match=r"expects key of shape .*tensor<\?x2x\?x8xf32>"):
        attn.compile(bad)


def test_missing_path_and_bad_source():
    with pytest.raises(FileNotFoundError):
        attn.compile("no/such/model.mlir")
    with pytest.raises(TypeError):
        attn.compile(42)
    with pytest.raises(attn.CompileError, match="ONNX|onnx|parse"):
        attn.compile(b"not an onnx model")


def test_options_are_checked():
    with pytest.raises(TypeError, match="unknown compile option 'tile'"):
        attn.compile(example("causal"), tile=4)
    with pytest.raises(ValueError, match="query_tile"):
        attn.compile(example("causal"), query_tile=-1)
    with pytest.raises(attn.CompileError, match="unknown target"):
        attn.compile(example("causal"), target="tpu")


def test_weights_need_the_cpu_target():
    with pytest.raises(attn.CompileError, match="'cpu' target only"):
        attn.compile(example("causal"), target="gpu-emulator", weights=True)


def test_heat_map_errors(tmp_path):
    with pytest.raises(TypeError, match="int32"):
        attn.heat_map(tmp_path / "w.png", np.zeros((2, 2), np.int32))
    with pytest.raises(ValueError, match="no-such-dir"):
        attn.heat_map(tmp_path / "no-such-dir" / "w.png",
                      np.zeros((2, 2), np.float32))


def test_unknown_function(main):
    module = attn.compile(SOURCE)
    with pytest.raises(AttributeError, match="no function 'decode'.*main"):
        module.decode
