"""Element types and shapes of builder tensors.

An element type is given as MLIR spells it ("f32", "f16", "bf16", "i1",
"i32") or as NumPy does ("float32", "float16", "bool", "int32", or the NumPy
type itself). bf16 has no NumPy type: its arrays cross the boundary as
float32, as with attn-run.
"""

import numpy as np

# NumPy name -> MLIR element type.
_FROM_NUMPY = {"float32": "f32", "float16": "f16", "bool": "i1",
               "int32": "i32"}
ELEMENT_TYPES = ("f32", "f16", "bf16", "i1", "i32")


def element_type(dtype):
    """The MLIR element type for `dtype` (see the module docstring)."""
    if isinstance(dtype, str):
        if dtype in ELEMENT_TYPES:
            return dtype
        if dtype == "bfloat16":
            return "bf16"
        if dtype in _FROM_NUMPY:
            return _FROM_NUMPY[dtype]
    else:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            name = None
        if name in _FROM_NUMPY:
            return _FROM_NUMPY[name]
    raise ValueError(f"unsupported element type {dtype!r}: expected one of "
                     f"{', '.join(ELEMENT_TYPES)} (or float32, float16, "
                     "bfloat16, bool, int32)")


def check_shape(shape):
    """A shape as a tuple of static sizes (int >= 0) and symbolic sizes (str,
    or None for an unnamed one)."""
    dims = tuple(shape)
    for d in dims:
        if d is None or isinstance(d, str):
            continue
        if isinstance(d, (int, np.integer)) and not isinstance(d, bool) \
                and d >= 0:
            continue
        raise ValueError(f"bad dimension {d!r} in shape {shape!r}: expected "
                         "an int >= 0, a symbol name (str) or None")
    return tuple(int(d) if isinstance(d, (int, np.integer)) else d
                 for d in dims)


def tensor_type(shape, etype):
    """The MLIR tensor type: symbolic sizes are dynamic (`?`)."""
    dims = ["?" if isinstance(d, str) or d is None else str(d)
            for d in shape]
    return "tensor<" + "x".join(dims + [etype]) + ">"
