"""check_variant.py --self-test: checks the oracle itself. reference.py
against naive.py (plain Python loops) for every variant of sections A-C
(also as NAME_fp8, on inputs dequantised here) and FLEX module on tiny
sizes, closed forms, the input generators, bf16 and E4M3 rounding, the
comparison, the row references' own self-tests and the
signatures of the example files and test modules. Needs neither attn-run
nor the compiler."""

import os

import numpy as np

import naive
import reference as ref
import reference_further as rf
import reference_structure as rs
import reference_vision as rv
from attn_runner import REPO_ROOT
from compare_results import TOLERANCES, compare
from module_signature import (UsageError, bind_dims, parse_main_results,
                              parse_main_signature, result_roles)
from row_check import structure_dims
from variant_inputs import fp8_scale, has_masked_row, make_inputs
from variant_specs import (DEFAULT_DIMS, DOT_SCORED, FLEX_NAMES, FLEX_WINDOW,
                           FP8_NAMES, INPUTS_DIR, NARROW_TYPES, SPECS,
                           default_dims, default_module, flex_scores,
                           variant_lse, variant_reference)


def self_test():
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
            print("FAIL: " + what)

    small = {"Hq": 4, "Hkv": 2, "D": 6, "Dv": 5, "A": 3}
    sizes = [(2, 1, 1), (2, 1, 75), (1, 5, 75), (2, 9, 3), (1, 12, 12),
             (1, 80, 70)]
    count = 0
    for name in list(ref.VARIANTS) + list(FLEX_NAMES) + list(FP8_NAMES):
        etype = ref.element_type(name)
        for (B, Sq, Skv) in sizes:
            if Sq * Skv > 1000 and ref.base_name(name) not in (
                    "causal", "sliding_window", "local_window", "alibi",
                    "relative_position", "flex_window",
                    "flex_window_distance_causal"):
                continue  # the long case exercises the position rules
            cases = ["random"]
            if name in DOT_SCORED:
                cases.append("huge")
            if ref.base_name(name) in ("key_padding", "bool_mask",
                                       "local_gaussian"):
                cases.append("masked_rows")
            for case in cases:
                dims = dict(small, B=B, Sq=Sq, Skv=Skv)
                inputs = make_inputs(name, dims, case, seed=B * 1000 + Sq * 10 + Skv)
                got = variant_reference(name, *inputs)
                tag = f"{name} B={B} Sq={Sq} Skv={Skv} case={case}"
                # naive.py knows NAME: NAME_fp8 goes to it dequantised here
                naive_name, naive_inputs = name, inputs
                if etype == "fp8":
                    check_fp8_inputs(check, name, inputs, tag, case == "huge")
                    naive_name = ref.base_name(name)
                    naive_inputs = dequantised(inputs)
                want = np.array(naive.naive(naive_name, *naive_inputs),
                                dtype=np.float64)
                check(got.shape == (B, dims["Hq"], Sq, dims["Dv"]),
                      f"{tag}: reference shape {got.shape}")
                check(np.all(np.isfinite(got)), f"{tag}: reference not finite")
                err = np.abs(got - want).max()
                check(err <= 1e-9 * (1 + np.abs(want).max()),
                      f"{tag}: reference vs naive max err {err:.3e}")
                if ref.base_name(name) not in ("multi_dimensional",
                                               "compositional"):
                    gl = variant_lse(name, *inputs)
                    wl = np.array(naive.naive_lse(naive_name, *naive_inputs),
                                  dtype=np.float64)
                    same_inf = np.array_equal(np.isinf(gl), np.isinf(wl))
                    fin = np.isfinite(wl)
                    lerr = np.abs(gl[fin] - wl[fin]).max() if fin.any() else 0.0
                    check(same_inf and lerr <= 1e-9 * (1 + np.abs(wl[fin]).max()
                                                       if fin.any() else 1),
                          f"{tag}: lse vs naive (err {lerr:.3e}, inf match {same_inf})")
                if etype != "f32":
                    for x in inputs[:3]:
                        check(np.array_equal(ref.round_to(x, etype), x),
                              f"{tag}: inputs not rounded to {etype}")
                count += 1

    # Closed forms the math implies, independent of both implementations.
    rng = np.random.default_rng(7)
    q = rng.standard_normal((2, 4, 3, 8)).astype(np.float32)
    k = rng.standard_normal((2, 4, 1, 8)).astype(np.float32)
    v = rng.standard_normal((2, 4, 1, 8)).astype(np.float32)
    check(np.allclose(ref.reference("scaled_dot", q, k, v), np.repeat(v, 3, axis=2)),
          "Skv = 1 must return v")
    o = ref.reference("causal", q, k, v)   # Sq = 3 > Skv = 1: i' = -2, -1, 0
    check(np.all(o[:, :, :2] == 0) and np.allclose(o[:, :, 2], v[:, :, 0]),
          "causal with Sq > Skv: first rows zero, last row sees key 0")
    lens = np.array([0, 1], dtype=np.int32)
    o = ref.reference("key_padding", q, k, v, lens)
    check(np.all(o[0] == 0) and np.allclose(o[1], np.repeat(v[1], 3, axis=1)),
          "key_padding with len 0 gives zeros")
    check(np.all(np.isneginf(ref.lse("key_padding", q, k, v, lens)[0])),
          "lse of a fully masked row is -inf")
    qh = np.full((1, 4, 1, 8), 1e3, np.float32)
    kh = np.stack([np.full(8, 1.0), np.full(8, -1.0)]).reshape(1, 1, 2, 8)
    kh = np.repeat(kh, 4, axis=1).astype(np.float32)
    vh = rng.standard_normal((1, 4, 2, 8)).astype(np.float32)
    check(np.allclose(ref.reference("scaled_dot", qh, kh, vh), vh[:, :, :1]),
          "logits of 1e3 do not overflow")
    # mask_mod j <= i' is causal; the FLEX windows differ only by the score.
    check(np.array_equal(variant_reference("flex_causal_mod", q, k, v),
                         ref.reference("causal", q, k, v)),
          "flex_causal_mod is causal")
    qw = rng.standard_normal((1, 2, 30, 8))
    kw = rng.standard_normal((1, 2, 45, 8))
    sw, vw = flex_scores("flex_window", qw, kw)
    sc, vc = flex_scores("flex_window_distance_causal", qw, kw)
    check(np.array_equal(vw, vc) and vw.sum(-1).max() == FLEX_WINDOW + 1
          and not np.array_equal(sw, sc), "flex windows: 21 keys, scores differ")

    # GQA head mapping: query head h reads kv head h // (Hq/Hkv).
    qg = rng.standard_normal((1, 8, 2, 4))
    kg = rng.standard_normal((1, 2, 5, 4))
    vg = rng.standard_normal((1, 2, 5, 4))
    og = ref.reference("gqa", qg, kg, vg)
    for h in range(8):
        oh = ref.reference("scaled_dot", qg[:, h:h + 1], kg[:, h // 4:h // 4 + 1],
                           vg[:, h // 4:h // 4 + 1])
        check(np.allclose(og[:, h:h + 1], oh), f"gqa head {h} mapping")

    # Ties (excluded from generated inputs, but the rules are stated):
    # hard and topk prefer the lower j; hard_sample needs cdf > u strictly.
    qt = np.ones((1, 1, 1, 4))
    kt = np.ones((1, 1, 10, 4))
    kt[0, 0, 9] = -1                       # key 9 lowest, keys 0..8 tie
    vt = np.arange(10.0).reshape(1, 1, 10, 1)
    check(ref.reference("hard", qt, kt, vt)[0, 0, 0, 0] == 0, "hard: tie to lowest j")
    check(np.array_equal(ref.topk_visible(ref.scores("topk", qt, kt, vt)[0])[0, 0, 0],
                         [True] * 8 + [False] * 2), "topk: ties to lower j")
    check(np.isclose(ref.reference("topk", qt, kt, vt)[0, 0, 0, 0], 3.5),
          "topk: softmax over the chosen 8")
    k2 = np.ones((1, 1, 2, 4))
    v2 = np.array([0.0, 1.0]).reshape(1, 1, 2, 1)
    u2 = np.array([0.5]).reshape(1, 1, 1)  # cdf = [0.5, 1.0]: first cdf > u is j = 1
    check(ref.reference("hard_sample", qt, k2, v2, u2)[0, 0, 0, 0] == 1.0,
          "hard_sample: cdf > u strictly")
    u2[...] = 0.0
    check(ref.reference("hard_sample", qt, k2, v2, u2)[0, 0, 0, 0] == 0.0,
          "hard_sample: u = 0 picks the first key")

    # bf16 rounding: nearest, ties to even.
    x = np.array([1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -8 + 2 ** -20, -2.0,
                  3.0e38], np.float32)
    want = np.array([1.0, 1 + 2 ** -6, 1 + 2 ** -7, -2.0, 2.9983e38], np.float32)
    got = ref.round_to_bf16(x)
    check(np.allclose(got[:4], want[:4], rtol=0, atol=0)
          and abs(got[4] - 3.0e38) / 3.0e38 < 2 ** -8,
          f"round_to_bf16 {got}")

    # E4M3 rounding against the 256 codes, the fp8 names and signatures.
    fp8_self_test(check)

    # The comparison catches what it must.
    e = np.ones((1, 1, 2, 3))
    check(compare(np.ones((1, 1, 2, 3), np.float32), e, "f32")[0], "equal passes")
    check(not compare(np.ones((1, 1, 2, 3), np.float64), e, "f32")[0], "dtype caught")
    check(not compare(np.ones((1, 1, 3, 2), np.float32), e, "f32")[0], "shape caught")
    bad = np.ones((1, 1, 2, 3), np.float32)
    bad[0, 0, 1, 2] = np.nan
    check(not compare(bad, e, "f32")[0], "NaN caught")
    bad = np.ones((1, 1, 2, 3), np.float32)
    bad[0, 0, 0, 0] = 1 + 2e-3
    check(not compare(bad, e, "f32")[0], "f32 mismatch caught")
    bad[0, 0, 0, 0] = 1 + 1e-3
    check(compare(bad, e, "f32")[0], "f32 within tolerance passes")
    check(compare(np.ones((1, 1, 2, 3), np.float16), e, "f16")[0], "f16 passes")
    check(not compare(np.full((1, 1, 2, 3), 1 + 2 ** -10, np.float32), e, "bf16")[0],
          "non-bf16 values caught")

    # Masked-row cases really produce fully masked rows.
    for name in ("key_padding", "bool_mask", "local_gaussian"):
        dims = dict(small, B=3, Sq=7, Skv=9)
        check(has_masked_row(name, make_inputs(name, dims, "random", 1))
              or name == "local_gaussian",
              f"{name}: default inputs have a fully masked row")
    dims = dict(DEFAULT_DIMS, B=2, Sq=33, Skv=65)
    s, _ = ref.scores("causal", *make_inputs("causal", dims, "huge", 3))
    check(300 < np.abs(s).max() < 3000, f"huge logits reach ~1e3 ({np.abs(s).max():.0f})")

    # NAME_f16 / NAME_bf16 exist for the f32 variants and FLEX modules; a
    # bias of that type is drawn rounded to it.
    check(all(f"{n}_{t}" in SPECS for n in ("bias", "flex_heads", "dot")
              for t in NARROW_TYPES), "narrow names of f32 variants")
    check("bias_bf16" in DOT_SCORED and "flex_window_f16" in DOT_SCORED,
          "narrow names of dot-scored variants take the huge case")
    dims = dict(small, B=2, Sq=5, Skv=7)
    for t, dtype in (("f16", np.float16), ("bf16", np.float32)):
        b = make_inputs(f"bias_{t}", dims, "random", 3, {"bias": t})[3]
        check(b.dtype == dtype and np.array_equal(ref.round_to(b, t), b),
              f"bias_{t}: bias drawn as {b.dtype}, rounded to {t}")
    check(make_inputs("bias", dims, "random", 3)[3].dtype == np.float32,
          "bias: f32 bias by default")

    # The example files declare the arguments VARIANTS.md lists (NAME_fp8:
    # and the scales, and return bf16).
    examples = os.path.join(REPO_ROOT, "examples", "variants")
    found = 0
    for name in list(ref.VARIANTS) + list(FP8_NAMES):
        path = os.path.join(examples, name + ".mlir")
        if not os.path.exists(path):
            continue
        found += 1
        try:
            dims = bind_dims(name, parse_main_signature(path))
            dflt = default_dims(name)
            check(all(dims.get(s, dflt[s]) == dflt[s] for s in ("Hq", "Hkv")),
                  f"{name}.mlir: heads {dims}")
            check("out" in result_roles(name, parse_main_results(path)),
                  f"{name}.mlir: no output")
        except UsageError as err:
            check(False, f"{name}.mlir: {err}")

    # The test modules of CPU/Inputs: arguments as their variant's, results
    # the output (and the lse for *_lse.mlir).
    modules = [(name, default_module(name, examples), ["out"])
               for name in FLEX_NAMES]
    for fname in sorted(os.listdir(INPUTS_DIR)):
        if fname.endswith("_lse.mlir"):
            modules.append((fname[: -len("_lse.mlir")],
                            os.path.join(INPUTS_DIR, fname), ["out", "lse"]))
    for name, path, want_roles in modules:
        try:
            bind_dims(name, parse_main_signature(path))
            roles = result_roles(name, parse_main_results(path))
            check(roles == want_roles, f"{path}: results {roles}")
        except (UsageError, OSError) as err:
            check(False, f"{path}: {err}")

    def check_row_signatures(rows):
        """The examples of `rows` bind their sizes; returns how many."""
        seen = 0
        for name in rows:
            path = os.path.join(examples, name + ".mlir")
            if not os.path.exists(path):
                continue
            seen += 1
            try:
                structure_dims(name, path)
            except UsageError as err:
                check(False, f"{name}.mlir: {err}")
        return seen

    # Section D: reference_structure.py against independent forms, and
    # the signatures of its examples.
    structure_count = rs.self_test(check)
    found += check_row_signatures(rs.ROWS)
    print(f"structure self-test: {structure_count} comparisons")

    # Section E: reference_vision.py against independent forms, the bugs
    # its checks must catch, and the signatures of its examples.
    vision_count = rv.self_test(check)
    for what, good, bad in rv.plausible_bugs():
        vision_count += 1
        check(not compare(np.asarray(bad, np.float32), good, "f32")[0],
              f"vision self-test: the comparison misses {what}")
    found += check_row_signatures(rv.ROWS)
    print(f"vision self-test: {vision_count} comparisons")

    # Section F: reference_further.py against independent forms, and the
    # signatures of its examples.
    further_count = rf.self_test(check)
    found += check_row_signatures(rf.ROWS)
    print(f"further self-test: {further_count} comparisons")

    print(f"self-test: {count} reference/naive comparisons, {found} example "
          f"signatures, {len(modules)} test module signatures: "
          f"{'FAIL' if failures else 'PASS'}")
    return 1 if failures else 0


def e4m3_table():
    """[(code, value)] of all 256 f8E4M3FN codes, decoded by the formula of
    the format (not by reference.py): sign, 4 exponent bits (bias 7), 3
    mantissa bits; S.1111.111 NaN; exponent 0: m * 2^-9."""
    table = []
    for code in range(256):
        sign = -1.0 if code & 0x80 else 1.0
        exp, man = (code >> 3) & 0xF, code & 0x7
        if exp == 0xF and man == 0x7:
            value = float("nan")
        elif exp == 0:
            value = sign * man * 2.0 ** -9
        else:
            value = sign * (1.0 + man / 8.0) * 2.0 ** (exp - 7)
        table.append((code, value))
    return table


def e4m3_nearest(x, finite):
    """Brute force: the E4M3 value nearest to each x (ties to the even
    mantissa), saturating to +-448; `finite` the (code, value) pairs of
    the finite codes."""
    values = np.array([v for _, v in finite])
    even = np.array([c & 1 == 0 for c, _ in finite])
    out = []
    for xi in x:
        if abs(xi) > 448.0:
            out.append(np.copysign(448.0, xi))
            continue
        dist = np.abs(values - xi)
        best = np.flatnonzero(dist == dist.min())
        pick = [b for b in best if even[b]] if len(set(values[best])) > 1 else best
        out.append(values[pick[0]])
    return np.array(out)


def fp8_self_test(check):
    """round_to_e4m3 against the codes of e4m3_table: every value is kept,
    midpoints go to the even mantissa, 448..464 and above saturate to 448,
    2^-10 and below to 0; random values against a brute-force nearest
    search. Then the names, signatures and tolerance of NAME_fp8."""
    table = e4m3_table()
    nan_codes = [c for c, v in table if np.isnan(v)]
    finite = [(c, v) for c, v in table if not np.isnan(v)]
    check(nan_codes == [0x7F, 0xFF], f"e4m3 NaN codes {nan_codes}")
    values = np.array([v for _, v in finite], np.float32)
    got = ref.round_to_e4m3(values)
    check(np.array_equal(got, values)
          and np.array_equal(np.signbit(got), np.signbit(values)),
          "round_to_e4m3 keeps every E4M3 value (and the sign of zero)")
    check(np.all(np.isnan(ref.round_to_e4m3(np.array([np.nan, -np.nan],
                                                     np.float32)))),
          "round_to_e4m3 keeps NaN")
    pos = sorted({(v, c) for c, v in finite if v > 0})
    check(len(pos) == 126 and pos[-1][0] == 448.0 and pos[0][0] == 2.0 ** -9,
          f"e4m3: 126 positive values from 2^-9 to 448 ({len(pos)})")
    mids, want_mid, near, want_near = [], [], [], []
    for (a, ca), (b, cb) in zip(pos, pos[1:]):
        mid = (a + b) / 2                  # exact in float32 (5 bits)
        mids += [mid, -mid]
        w = a if ca & 1 == 0 else b        # the even mantissa
        want_mid += [w, -w]
        m32 = np.float32(mid)
        near += [np.nextafter(m32, np.float32(0)), np.nextafter(m32, np.float32(1e9))]
        want_near += [a, b]
    got_mid = ref.round_to_e4m3(np.array(mids, np.float32))
    check(np.array_equal(got_mid, np.array(want_mid, np.float32)),
          "round_to_e4m3: midpoints go to the even mantissa")
    got_near = ref.round_to_e4m3(np.array(near, np.float32))
    check(np.array_equal(got_near, np.array(want_near, np.float32)),
          "round_to_e4m3: just off a midpoint goes to the nearer value")
    sat = np.array([448.5, 460.0, 464.0, 464.0001, 479.9, 480.0, 500.0, 1e4,
                    3e38, np.inf], np.float32)
    check(np.array_equal(ref.round_to_e4m3(sat), np.full(sat.shape, 448.0, np.float32))
          and np.array_equal(ref.round_to_e4m3(-sat),
                             np.full(sat.shape, -448.0, np.float32)),
          f"round_to_e4m3 saturates to 448: {ref.round_to_e4m3(sat)}")
    tiny = np.array([2.0 ** -10, 2.0 ** -11, 1e-30, 0.0,
                     2.0 ** -10 * (1 + 2.0 ** -20), 1.5 * 2.0 ** -9, 2.0 ** -9],
                    np.float32)
    want_tiny = np.array([0.0, 0.0, 0.0, 0.0, 2.0 ** -9, 2.0 ** -8, 2.0 ** -9],
                         np.float32)
    got_tiny = ref.round_to_e4m3(tiny)
    check(np.array_equal(got_tiny, want_tiny)
          and np.array_equal(ref.round_to_e4m3(-tiny), -want_tiny)
          and np.all(np.signbit(ref.round_to_e4m3(-tiny[:4]))),
          f"round_to_e4m3 of tiny values {got_tiny}")
    rng = np.random.default_rng(11)
    x = (rng.choice([-1.0, 1.0], 3000) * rng.random(3000)
         * 2.0 ** rng.integers(-12, 11, 3000)).astype(np.float32)
    x = np.concatenate([x, np.float32(
        [v for _, v in finite if v > 0][::5]) * np.float32(1 + 2 ** -5)])
    check(np.array_equal(ref.round_to_e4m3(x),
                         e4m3_nearest(x.astype(np.float64), finite)
                         .astype(np.float32)),
          "round_to_e4m3 against a brute-force nearest search")
    check(ref.round_to(np.array([1.0, 500.0]), "fp8").tolist() == [1.0, 448.0],
          "round_to fp8 is round_to_e4m3")

    # Names: every f32 variant of A-C has NAME_fp8 = NAME's arguments and
    # the scales last; the output is bf16, so are the tolerances.
    check(all(f"{n}_fp8" in SPECS for n in ref.VARIANTS
              if ref.element_type(n) == "f32")
          and not any(n.startswith(FLEX_NAMES) and n.endswith("_fp8")
                      for n in SPECS),
          "NAME_fp8 for every f32 variant of A-C (no FLEX module)")
    for n in ("scaled_dot_fp8", "causal_fp8", "gqa_fp8", "key_padding_fp8"):
        base = ref.base_name(n)
        check(base == n[:-4] and ref.element_type(n) == "fp8"
              and ref.output_type(n) == "bf16"
              and SPECS[n] == SPECS[base] + [("scales", (3,), "scales")],
              f"{n}: base {base}, arguments {SPECS[n]}")
    check(TOLERANCES[ref.output_type("causal_fp8")] == (2e-2, 2e-2),
          "NAME_fp8 has the bf16 tolerances")
    e = np.ones((1, 1, 2, 3))
    check(compare(np.full((1, 1, 2, 3), 1.03125, np.float32), e,
                  ref.output_type("causal_fp8"))[0]
          and not compare(np.full((1, 1, 2, 3), 1.046875, np.float32), e,
                          ref.output_type("causal_fp8"))[0],
          "NAME_fp8 output: within 2e-2 + 2e-2|ref| passes, beyond fails")
    check("causal_fp8" in DOT_SCORED and "cosine_fp8" not in DOT_SCORED,
          "fp8 names of dot-scored variants take the huge case")
    fp8_qkv = ([None, 4, None, 64], "f8E4M3FN")
    sig = [fp8_qkv] * 3 + [([3], "f32")]
    try:
        dims = bind_dims("scaled_dot_fp8", sig)
        check(dims["D"] == 64, "scaled_dot_fp8 signature binds")
    except UsageError as err:
        check(False, f"scaled_dot_fp8 signature: {err}")
    for what, bad in (("no scales", sig[:3]),
                      ("f32 q", [([None, 4, None, 64], "f32")] + sig[1:]),
                      ("f16 scales", sig[:3] + [([3], "f16")]),
                      ("4 scales", sig[:3] + [([4], "f32")])):
        try:
            bind_dims("scaled_dot_fp8", bad)
            check(False, f"scaled_dot_fp8 signature with {what} accepted")
        except UsageError:
            pass
    try:
        result_roles("scaled_dot_fp8", [([None, 4, None, 64], "f32")])
        check(False, "scaled_dot_fp8 with an f32 output accepted")
    except UsageError:
        pass
    check(fp8_scale(np.zeros(3)) == 1.0 and fp8_scale(np.full(2, 448.0)) == 1.0
          and fp8_scale(np.array([-7.0])) == 0.015625
          and fp8_scale(np.array([9.0])) == 11 * 2.0 ** -9   # 9/448 = 10.3 * 2^-9
          and fp8_scale(np.array([7.0]), [0.015625, 0.03125]) == 0.0625,
          "fp8_scale: zero guard, 448 -> 1, 7/448 -> 2^-6, rounded up to "
          "4 bits, doubled past the scales taken")

    # Draws: exact E4M3 values, scales as used, NAME's other arguments.
    dims = dict(DEFAULT_DIMS, B=2, Sq=33, Skv=65)
    for n, case in (("scaled_dot_fp8", "random"), ("causal_fp8", "huge"),
                    ("key_padding_fp8", "random"), ("bias_fp8", "random")):
        inputs = make_inputs(n, dims, case, 5)
        check_fp8_inputs(check, n, inputs, f"{n} case={case}", case == "huge")
        plain = make_inputs(ref.base_name(n), dims, case, 5)
        check([(x.dtype, x.shape) for x in inputs[3:-1]]
              == [(x.dtype, x.shape) for x in plain[3:]],
              f"{n}: other arguments as {ref.base_name(n)}'s")
        if case == "random":   # the same normal draw, quantised
            deq = dequantised(inputs)[:3]
            check(all(np.abs(d - p).max() <= 2.0 ** -4 * np.abs(p).max()
                      for d, p in zip(deq, plain[:3])),
                  f"{n}: q, k, v are NAME's, quantised")
        if case == "huge":
            s, _ = ref.scores(n, *inputs)
            check(300 < np.abs(s).max() < 3000,
                  f"{n} huge: logits ~1e3 ({np.abs(s).max():.0f})")


def dequantised(inputs):
    """NAME's arguments from NAME_fp8's, written here apart from
    reference.dequantize: q, k, v times their scales (the last argument),
    which is dropped."""
    return ([x.astype(np.float64) * float(sc)
             for x, sc in zip(inputs[:3], inputs[-1])] + list(inputs[3:-1]))


def check_fp8_inputs(check, name, inputs, tag, huge=False):
    """A NAME_fp8 draw: one argument more than NAME, q, k, v float32 E4M3
    values (|x| <= 448, the largest >= 384 / 2^n where the scale was
    doubled n times: amax/448 is rounded up by at most 1/8; not for q in
    the huge case, whose redrawn rows keep the first q's scale), scales
    float32 [3], distinct, with 4 significant bits, and x8 * s exact in
    bf16."""
    base = ref.base_name(name)
    scales = inputs[-1]
    check(len(inputs) == len(SPECS[base]) + 1 and scales.dtype == np.float32
          and scales.shape == (3,) and np.all(scales > 0)
          and len(set(scales.tolist())) == 3,
          f"{tag}: scales {scales!r} last")
    for n, (x, s) in enumerate(zip(inputs[:3], scales)):
        m, _ = np.frexp(float(s))
        least = 0.0 if huge and n == 0 else 384.0 / 2 ** n
        xs = x.astype(np.float64) * float(s)
        check(x.dtype == np.float32
              and np.array_equal(ref.round_to_e4m3(x), x)
              and least <= np.abs(x).max() <= 448.0
              and float(m * 16) == int(m * 16)
              and np.array_equal(ref.round_to_bf16(xs.astype(np.float32)), xs),
              f"{tag}: E4M3 values, scale {float(s)!r}")
