"""check_variant.py --self-test: checks the oracle itself. reference.py
against naive.py (plain Python loops) for every variant of sections A-C
and FLEX module on tiny sizes, closed forms, the input generators, bf16
rounding, the comparison, the row references' own self-tests and the
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
from compare_results import compare
from module_signature import (UsageError, bind_dims, parse_main_results,
                              parse_main_signature, result_roles)
from row_check import structure_dims
from variant_inputs import has_masked_row, make_inputs
from variant_specs import (DEFAULT_DIMS, DOT_SCORED, FLEX_NAMES, FLEX_WINDOW,
                           INPUTS_DIR, NARROW_TYPES, SPECS, default_dims,
                           default_module, flex_scores, variant_lse,
                           variant_reference)


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
    for name in list(ref.VARIANTS) + list(FLEX_NAMES):
        etype = ref.element_type(name)
        for (B, Sq, Skv) in sizes:
            if Sq * Skv > 1000 and name not in ("causal", "sliding_window",
                                                "local_window", "alibi",
                                                "relative_position",
                                                "flex_window",
                                                "flex_window_distance_causal"):
                continue  # the long case exercises the position rules
            cases = ["random"]
            if name in DOT_SCORED:
                cases.append("huge")
            if name in ("key_padding", "bool_mask", "local_gaussian"):
                cases.append("masked_rows")
            for case in cases:
                dims = dict(small, B=B, Sq=Sq, Skv=Skv)
                inputs = make_inputs(name, dims, case, seed=B * 1000 + Sq * 10 + Skv)
                got = variant_reference(name, *inputs)
                want = np.array(naive.naive(name, *inputs), dtype=np.float64)
                tag = f"{name} B={B} Sq={Sq} Skv={Skv} case={case}"
                check(got.shape == (B, dims["Hq"], Sq, dims["Dv"]),
                      f"{tag}: reference shape {got.shape}")
                check(np.all(np.isfinite(got)), f"{tag}: reference not finite")
                err = np.abs(got - want).max()
                check(err <= 1e-9 * (1 + np.abs(want).max()),
                      f"{tag}: reference vs naive max err {err:.3e}")
                if name not in ("multi_dimensional", "compositional"):
                    gl = variant_lse(name, *inputs)
                    wl = np.array(naive.naive_lse(name, *inputs), dtype=np.float64)
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

    # The example files declare the arguments VARIANTS.md lists.
    examples = os.path.join(REPO_ROOT, "examples", "variants")
    found = 0
    for name in ref.VARIANTS:
        path = os.path.join(examples, name + ".mlir")
        if not os.path.exists(path):
            continue
        found += 1
        try:
            dims = bind_dims(name, parse_main_signature(path))
            dflt = default_dims(name)
            check(all(dims.get(s, dflt[s]) == dflt[s] for s in ("Hq", "Hkv")),
                  f"{name}.mlir: heads {dims}")
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
