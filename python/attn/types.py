"""Element types and shapes of builder tensors.

An element type is given as MLIR spells it ("f32", "f16", "bf16",
"f8E4M3FN", "i1", "i32") or as NumPy does ("float32", "float16", "bool",
"int32", or the NumPy type itself). bf16 and f8E4M3FN (FP8 E4M3, for the
query, key and value of `attention`, docs/fp8.md) have no NumPy type: their
arrays cross the boundary as float32, as with attn-run, which rounds them to
nearest even (f8E4M3FN saturating at +-448). They may also be named
"bfloat16", and "f8e4m3fn" or "float8_e4m3fn" (the manifest's and
ml_dtypes' spellings).
"""

import numpy as np

# NumPy name -> MLIR element type.
_FROM_NUMPY = {"float32": "f32", "float16": "f16", "bool": "i1",
               "int32": "i32"}
ELEMENT_TYPES = ("f32", "f16", "bf16", "f8E4M3FN", "i1", "i32")
# Other names of the types without a NumPy type.
_ALIASES = {"bfloat16": "bf16", "f8e4m3fn": "f8E4M3FN",
            "float8_e4m3fn": "f8E4M3FN"}


def element_type(dtype):
    """The MLIR element type for `dtype` (see the module docstring)."""
    if isinstance(dtype, str):
        if dtype in ELEMENT_TYPES:
            return dtype
        if dtype in _ALIASES:
            return _ALIASES[dtype]
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
                     "bfloat16, f8e4m3fn, bool, int32)")


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
