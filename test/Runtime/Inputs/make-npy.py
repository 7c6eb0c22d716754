"""Writes .npy files of random values for tests.

  make-npy.py PATH=DTYPE:SHAPE ...

DTYPE is a NumPy name (float32, float16, bool, int32, ...); SHAPE is like
2x8x5x64, or empty for a 0-d array. Values are deterministic per file name:
normal floats, 0/1 booleans, integers in [0, 10).
"""
import os
import sys
import zlib

import numpy as np

for spec in sys.argv[1:]:
    path, kind = spec.split("=")
    dtype, _, shape_text = kind.partition(":")
    shape = tuple(int(d) for d in shape_text.split("x")) if shape_text else ()
    rng = np.random.default_rng(zlib.crc32(os.path.basename(path).encode()))
    if dtype == "bool":
        array = rng.integers(0, 2, shape).astype(np.bool_)
    elif dtype.startswith("float"):
        array = rng.standard_normal(shape).astype(dtype)
    else:
        array = rng.integers(0, 10, shape).astype(dtype)
    np.save(path, array)
