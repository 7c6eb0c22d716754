"""Writes .npy files for the runtime tests and compares results.

  npy-files.py good DIR          valid files: every dtype, odd shapes, format
                                 versions 1.0, 2.0 and 3.0
  npy-files.py bad DIR           malformed files, one defect each
  npy-files.py compare A B ...   pairs of files must hold identical arrays
"""
import os
import struct
import sys

import numpy as np


def header(dict_text, version=(1, 0)):
    """Magic, version, length and dict; the caller appends the data."""
    body = dict_text.encode("latin1") + b"\n"
    length = struct.pack("<H" if version[0] == 1 else "<I", len(body))
    return b"\x93NUMPY" + bytes(version) + length + body


def good(out):
    rng = np.random.default_rng(0)
    arrays = {
        "float32": rng.standard_normal((2, 3, 4)).astype(np.float32),
        "float16": rng.standard_normal((5, 3)).astype(np.float16),
        "float64": rng.standard_normal((4,)),
        "int32": rng.integers(-2**31, 2**31, (3, 2), dtype=np.int32),
        "int64": rng.integers(-2**63, 2**63, (2, 2), dtype=np.int64),
        "int8": rng.integers(-128, 128, (6,), dtype=np.int8),
        "bool": rng.integers(0, 2, (2, 1, 3)).astype(np.bool_),
        "scalar": np.array(1.5, dtype=np.float32),
        "empty": np.zeros((0, 5), dtype=np.float32),
        "specials": np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45,
                              3.4028235e38], dtype=np.float32),
    }
    for name, array in arrays.items():
        np.save(os.path.join(out, name + ".npy"), array)
    small = np.arange(6, dtype=np.float32).reshape(2, 3)
    for major in (2, 3):
        with open(os.path.join(out, "v%d.npy" % major), "wb") as f:
            np.lib.format.write_array(f, small, version=(major, 0))


def bad(out):
    ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
    data = np.arange(6, dtype=np.float32).tobytes()
    files = {
        "empty-file": b"",
        "bad-magic": b"\x93NUMPZ" + header(ok)[6:] + data,
        "bad-version": header(ok, (4, 0)) + data,
        "truncated-prefix": header(ok)[:9],
        "truncated-header": header(ok)[:40],
        "truncated-data": header(ok) + data[:10],
        "trailing-data": header(ok) + data + b"\0\0\0\0",
        "huge-header": b"\x93NUMPY\x02\x00" + struct.pack("<I", 2**31) + b"{",
        "big-endian": header(ok.replace("<f4", ">f4")) + data,
        "fortran": header(ok.replace("False", "True")) + data,
        "unknown-dtype": header(ok.replace("<f4", "<c8")) + data,
        "structured": header("{'descr': [('a', '<f4')], "
                             "'fortran_order': False, 'shape': (2,), }"),
        "missing-shape": header("{'descr': '<f4', 'fortran_order': False, }"),
        "unknown-key": header(ok.replace("}", "'extra': 1, }")) + data,
        "negative-dim": header(ok.replace("(2, 3)", "(2, -3)")) + data,
        "shape-overflow": header(ok.replace("(2, 3)", "(4294967296, "
                                            "4294967296)")) + data,
        "bytes-overflow": header(ok.replace("(2, 3)", "(4611686018427387904,)"))
        + data,
        "dim-overflow": header(ok.replace("(2, 3)", "(99999999999999999999,)")),
        "not-a-tuple": header(ok.replace("(2, 3)", "(6)")) + data,
        "not-a-dict": header("[1, 2]"),
        "unterminated": header("{'descr': '<f4"),
    }
    for name, content in files.items():
        with open(os.path.join(out, name + ".npy"), "wb") as f:
            f.write(content)


def compare(paths):
    for a, b in zip(paths[::2], paths[1::2]):
        x, y = np.load(a), np.load(b)
        # Compare bytes, so NaN payloads and -0.0 count.
        if x.dtype != y.dtype or x.shape != y.shape or \
                x.tobytes() != y.tobytes():
            sys.exit("%s and %s differ: %s%s vs %s%s" %
                     (a, b, x.dtype, x.shape, y.dtype, y.shape))
        # Our writer pads the header so the data is 64-byte aligned.
        with open(b, "rb") as f:
            prefix = f.read(10)
        if (10 + struct.unpack("<H", prefix[8:10])[0]) % 64:
            sys.exit("%s: data is not 64-byte aligned" % b)
        print("same: %s" % os.path.basename(a))


if __name__ == "__main__":
    if sys.argv[1] == "good":
        good(sys.argv[2])
    elif sys.argv[1] == "bad":
        bad(sys.argv[2])
    else:
        compare(sys.argv[2:])
