"""A module's results against the float64 reference, with the tolerances
of shared/VARIANTS.md: elementwise |out - ref| <= atol + rtol |ref|."""

import numpy as np

# (atol, rtol) per element type of the output; a f32 module run on TF32
# tensor cores (--tf32) is held to the f16 ones, a NAME_fp8 module (FP8 in,
# bf16 out) to the bf16 ones, through reference.output_type.
TOLERANCES = {"f32": (1e-4, 1e-3), "bf16": (2e-2, 2e-2), "f16": (2e-2, 2e-2),
              "tf32": (2e-2, 2e-2)}

# The numpy dtype of a result of each element type: bf16 comes back as
# float32 (compare checks that its low 16 bits are zero).
NPY_DTYPE = {"f32": np.float32, "bf16": np.float32, "f16": np.float16,
             "tf32": np.float32}


def compare(out, expected, etype):
    """(ok, summary, details) for output `out` against float64 `expected`."""
    want_dtype = NPY_DTYPE[etype]
    if out.dtype != want_dtype:
        return False, f"output dtype {out.dtype}, expected {np.dtype(want_dtype)}", ""
    if out.shape != expected.shape:
        return False, f"output shape {out.shape}, expected {expected.shape}", ""
    if not np.all(np.isfinite(out)):
        bad = np.argwhere(~np.isfinite(out))
        return False, (f"output has {len(bad)} NaN/Inf values, first at "
                       f"{tuple(int(x) for x in bad[0])}"), ""
    if etype == "bf16":
        low = np.ascontiguousarray(out).view(np.uint32) & 0xFFFF
        if np.any(low):
            return False, "bf16 output holds float32 values that are not bf16", ""
    atol, rtol = TOLERANCES[etype]
    o = out.astype(np.float64)
    err = np.abs(o - expected)
    mag = np.abs(expected)
    max_abs = float(err.max()) if err.size else 0.0
    max_rel = float((err / np.maximum(mag, atol)).max()) if err.size else 0.0
    summary = f"max_abs_err={max_abs:.3e} max_rel_err={max_rel:.3e}"
    bad = err > atol + rtol * mag
    if not bad.any():
        return True, summary, ""
    worst = np.unravel_index(np.argmax(err - rtol * mag), err.shape)
    idx = tuple(int(x) for x in worst)
    details = (f"  {int(bad.sum())} of {err.size} elements outside "
               f"{atol:g} + {rtol:g}|ref|; worst at [b,h,i,f]={idx}: "
               f"out={o[worst]!r} ref={expected[worst]!r}")
    rows = np.argwhere(bad.any(-1))
    details += f"\n  bad (b,h,i) rows: {len(rows)}, first: " + ", ".join(
        str(tuple(int(x) for x in r)) for r in rows[:8])
    return False, summary, details


def compare_lse(out, expected):
    """(ok, summary, details) for an lse result [B,Hq,Sq] against the
    float64 reference: float32, -inf exactly on the rows with no visible key,
    finite elsewhere within the f32 tolerances."""
    if out.dtype != np.float32:
        return False, f"lse dtype {out.dtype}, expected float32", ""
    if out.shape != expected.shape:
        return False, f"lse shape {out.shape}, expected {expected.shape}", ""
    if np.isnan(out).any():
        bad = np.argwhere(np.isnan(out))
        return False, (f"lse has {len(bad)} NaN values, first at "
                       f"{tuple(int(x) for x in bad[0])}"), ""
    want_inf = np.isneginf(expected)
    wrong = (np.isneginf(out) != want_inf) | np.isposinf(out)
    if wrong.any():
        first = tuple(int(x) for x in np.argwhere(wrong)[0])
        return False, (f"lse: {int(wrong.sum())} rows wrongly (non-)infinite, "
                       f"first at [b,h,i]={first}: out={out[first]!r} "
                       f"ref={expected[first]!r}"), ""
    atol, rtol = TOLERANCES["f32"]
    fin = ~want_inf
    o = out.astype(np.float64)[fin]
    e = expected[fin]
    err = np.abs(o - e)
    max_abs = float(err.max()) if err.size else 0.0
    summary = f"lse_max_abs_err={max_abs:.3e} lse_-inf_rows={int(want_inf.sum())}"
    bad = err > atol + rtol * np.abs(e)
    if not bad.any():
        return True, summary, ""
    idx = np.argwhere(fin)[np.argmax(err - rtol * np.abs(e))]
    idx = tuple(int(x) for x in idx)
    details = (f"  lse: {int(bad.sum())} of {err.size} finite rows outside "
               f"{atol:g} + {rtol:g}|ref|; worst at [b,h,i]={idx}: "
               f"out={out[idx]!r} ref={expected[idx]!r}")
    return False, summary, details
