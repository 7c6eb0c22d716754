"""Inputs and independent references for the f16/bf16/FP8 conversion tests.

  float-cases.py gen DIR    writes f32.npy (interesting and random float32
                            values), f16.npy (every float16 bit pattern),
                            bf16.npy (every bfloat16 bit pattern, as int32)
                            and e4m3.npy (every FP8 E4M3FN code, as int32)
  float-cases.py check DIR  compares the converter's outputs in DIR with
                            NumPy (f16) and with exact rounding done here in
                            float64 arithmetic (bf16, E4M3FN)
"""
import os
import sys

import numpy as np


def e4m3_values():
    """The value of every E4M3FN code 0..255 from the format's definition:
    (-1)^s 2^(e-7) (1 + m/8), subnormals (-1)^s 2^-6 (m/8); S.1111.111 is
    NaN and there are no infinities."""
    codes = np.arange(256)
    s, e, m = codes >> 7, (codes >> 3) & 15, codes & 7
    magnitude = np.where(e == 0, np.ldexp(m / 8, -6),
                         np.ldexp(1 + m / 8, e - 7))
    magnitude[(e == 15) & (m == 7)] = np.nan
    return np.copysign(magnitude, np.where(s == 1, -1.0, 1.0))


def f32_cases():
    f16_values = np.arange(2**16, dtype=np.uint32).astype(np.uint16) \
        .view(np.float16).astype(np.float32)
    f16_values = f16_values[np.isfinite(f16_values)].astype(np.float64)
    # Midpoints between neighbouring halves are exact in f32: the ties.
    ordered = np.unique(f16_values)
    ties = (ordered[:-1] + ordered[1:]) / 2
    bf16_bits = np.arange(2**16, dtype=np.uint32) << 16
    bf16_ties = bf16_bits | 0x8000
    rng = np.random.default_rng(1)
    random_bits = rng.integers(0, 2**32, 200000, dtype=np.uint64) \
        .astype(np.uint32)
    # E4M3FN: its values, the ties between them and their neighbours, and
    # random magnitudes over its range and a little beyond (to 2^10).
    finite = e4m3_values()[np.isfinite(e4m3_values())]
    e4m3 = np.unique(np.abs(finite)).astype(np.float32)
    e4m3_ties = (e4m3[:-1] + e4m3[1:]) / 2
    e4m3_random = (np.exp2(rng.uniform(-12, 10, 100000)) *
                   rng.choice([-1, 1], 100000)).astype(np.float32)
    bits = np.concatenate([
        f16_values.astype(np.float32).view(np.uint32),
        ties.astype(np.float32).view(np.uint32),
        np.nextafter(ties.astype(np.float32), np.float32(np.inf))
        .view(np.uint32),
        np.nextafter(ties.astype(np.float32), np.float32(-np.inf))
        .view(np.uint32),
        bf16_bits, bf16_ties, bf16_ties + 1, bf16_ties - 1,
        random_bits,
        e4m3.view(np.uint32),
        e4m3_ties.view(np.uint32), (-e4m3_ties).view(np.uint32),
        np.nextafter(e4m3_ties, np.float32(np.inf)).view(np.uint32),
        np.nextafter(e4m3_ties, np.float32(0)).view(np.uint32),
        e4m3_random.view(np.uint32),
        np.array([0x7F7FFFFF, 0xFF7FFFFF, 0x477FF000, 0x477FEFFF, 0x33000000,
                  0x33000001, 0x7F800001, 0xFFC00001], dtype=np.uint32),
    ]).astype(np.uint32)
    return bits.view(np.float32)


def gen(out):
    np.save(os.path.join(out, "f32.npy"), f32_cases())
    np.save(os.path.join(out, "f16.npy"),
            np.arange(2**16, dtype=np.uint32).astype(np.uint16)
            .view(np.float16))
    np.save(os.path.join(out, "bf16.npy"), np.arange(2**16, dtype=np.int32))
    np.save(os.path.join(out, "e4m3.npy"), np.arange(256, dtype=np.int32))


def bf16_reference(x):
    """Rounds float32 values to bfloat16 bits, to nearest even, in float64:
    8 significant bits, exponent range of float32, subnormal step 2^-133."""
    x = x.astype(np.float64)
    out = np.zeros(x.shape, dtype=np.uint32)
    finite = np.isfinite(x)
    mag = np.abs(x[finite])
    _, exp = np.frexp(mag)  # mag = m * 2^exp, 0.5 <= m < 1
    step = np.ldexp(1.0, np.maximum(exp - 8, -133))
    rounded = np.round(mag / step) * step  # np.round: ties to even
    bf16_max = (2 - 2.0**-7) * 2.0**127
    rounded_f32 = np.where(rounded > bf16_max, np.inf, rounded) \
        .astype(np.float32)
    sign = np.signbit(x[finite]).astype(np.uint32) << 15
    out[finite] = (rounded_f32.view(np.uint32) >> 16) | sign
    out[~finite] = (x[~finite].astype(np.float32).view(np.uint32) >> 16)
    return out


def e4m3_reference(x):
    """Rounds float32 values to E4M3FN codes, to nearest even, in float64:
    4 significant bits, subnormal step 2^-9; magnitudes of 448 and above
    (infinities too) saturate to 448; NaN gives 0x7F with its sign."""
    x = x.astype(np.float64)
    nan = np.isnan(x)
    sign = np.signbit(x).astype(np.uint32) << 7
    mag = np.abs(np.where(nan, 0, x))
    big = mag >= 448
    mag[big] = 0
    _, exp = np.frexp(mag)  # mag = f * 2^exp, 0.5 <= f < 1
    step = np.ldexp(1.0, np.maximum(exp - 4, -9))
    rounded = np.round(mag / step) * step  # np.round: ties to even
    rounded[big] = 448
    positive = e4m3_values()[:0x7F]  # increasing with the code
    code = np.searchsorted(positive, rounded)
    assert (positive[code] == rounded).all()
    out = code.astype(np.uint32) | sign
    out[nan] = 0x7F | sign[nan]
    return out


def is_nan16(bits, exp_mask, mant_mask):
    return ((bits & exp_mask) == exp_mask) & ((bits & mant_mask) != 0)


def expect_equal(name, got, want, nan, sign=0x8000):
    """Bit equality, except that any NaN matches a NaN of the same sign."""
    both_nan = nan(got) & nan(want) & ((got ^ want) & sign == 0)
    bad = ~both_nan & (got != want)
    if bad.any():
        i = np.flatnonzero(bad)[0]
        sys.exit("%s: %d mismatches, first at %d: got %#x, want %#x" %
                 (name, bad.sum(), i, got[i], want[i]))
    print("%s: %d values match" % (name, got.size))


def check(out):
    np.seterr(all="ignore")  # NaN and overflow casts are the point here.
    f32 = np.load(os.path.join(out, "f32.npy"))
    load = lambda name: np.load(os.path.join(out, name))
    nan_f16 = lambda b: is_nan16(b, 0x7C00, 0x03FF)
    nan_bf16 = lambda b: is_nan16(b, 0x7F80, 0x007F)

    want = f32.astype(np.float16).view(np.uint16).astype(np.uint32)
    got = load("f32-to-f16.npy").view(np.uint16).astype(np.uint32)
    expect_equal("f32-to-f16", got, want, nan_f16)

    got = load("f32-to-bf16.npy").astype(np.uint32)
    expect_equal("f32-to-bf16", got, bf16_reference(f32), nan_bf16)

    want = load("f16.npy").astype(np.float32).view(np.uint32)
    got = load("f16-to-f32.npy").view(np.uint32)
    if not (got == want).all():
        sys.exit("f16-to-f32: mismatch")
    print("f16-to-f32: %d values match" % got.size)

    want = np.arange(2**16, dtype=np.uint32) << 16
    got = load("bf16-to-f32.npy").view(np.uint32)
    if not (got == want).all():
        sys.exit("bf16-to-f32: mismatch")
    print("bf16-to-f32: %d values match" % got.size)

    got = load("f32-to-e4m3.npy").astype(np.uint32)
    expect_equal("f32-to-e4m3", got, e4m3_reference(f32),
                 lambda b: (b & 0x7F) == 0x7F, sign=0x80)

    want = e4m3_values().astype(np.float32)
    got = load("e4m3-to-f32.npy")
    same = (got.view(np.uint32) == want.view(np.uint32)) | \
        (np.isnan(want) & np.isnan(got) &
         (np.signbit(got) == np.signbit(want)))
    if not same.all():
        sys.exit("e4m3-to-f32: mismatch at codes %s" % np.flatnonzero(~same))
    print("e4m3-to-f32: %d values match" % got.size)


if __name__ == "__main__":
    {"gen": gen, "check": check}[sys.argv[1]](sys.argv[2])
