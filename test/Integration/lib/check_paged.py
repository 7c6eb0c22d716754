#!/usr/bin/env python3
"""Runs a module over a paged key/value cache (attn.attention with
block_table) through attn-run and checks it against the float64 reference
(reference.paged_reference) with the f32 tolerances of shared/VARIANTS.md.

  check_paged.py [--module PATH] [--B N] [--Sq N] [--pages P]
                 [--page-size N] [--spare N] [--seed N]
                 [--dense-module PATH] [--query-tile N] [--key-tile N]
                 [--attn-run PATH] [--runner attn-run|attn-exec]
                 [--library PATH] [--attn-exec PATH]

The module's @main takes q [B,Hq,Sq,D], k_pages [N,Hkv,page_size,D],
v_pages [N,Hkv,page_size,Dv], len [B] i32 and table [B,P] i32 and returns
the output [B,Hq,Sq,Dv] and optionally the lse [B,Hq,Sq] f32 (default
module: examples/serving/paged_decode.mlir). Its masks are read off the op:
`causal` and `window = array<i64: l, r>` (scaled dot softmax otherwise).
--page-size is needed when the module's page size is dynamic.

Inputs: the pool has N = B * P + spare pages, handed out in a shuffled
order (so no sequence's pages are contiguous or in order); lengths are
random in [1, P * page_size] with the first 0 and the last full (B >= 2),
so last pages are partly filled. Table entries of pages that hold no key
below len[b] are set to 2^30, far outside the pool: the lowering must
never read them. B may be 0 (an empty batch).

--runner attn-exec --library PATH runs a library attn-compile built from
the module beforehand (e.g. --target=gpu-emulator) instead of attn-run.

--dense-module runs that module (the same math on dense k, v [B,Hkv,Skv,D]
and len) on the pages gathered into dense tensors, and checks that both
runs agree within the same tolerances.

Prints one line `paged ...: max_abs_err=.. max_rel_err=.. PASS` and exits
0, or prints what went wrong and exits 1.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean under lit
sys.path.insert(0, HERE)
import reference as ref  # noqa: E402
from attn_runner import (  # noqa: E402
    REPO_ROOT, add_runner_arguments, attn_run_command, check_runner_options,
    invoke_attn_run)
from compare_results import compare, compare_lse  # noqa: E402
from module_signature import (  # noqa: E402
    UsageError, attention_attributes, parse_main_results, parse_main_signature,
    result_roles)

UNUSED_PAGE = 1 << 30


def module_masks(path):
    """(causal, window) of the attn.attention in `path`."""
    body = attention_attributes(path)
    causal = re.search(r"\bcausal\b", body) is not None
    w = re.search(r"window\s*=\s*array<i64:\s*(\d+)\s*,\s*(\d+)>", body)
    return causal, (int(w.group(1)), int(w.group(2))) if w else None


def make_inputs(rng, B, Sq, P, ps, spare, hq, hkv, d, dv):
    n = B * P + spare
    q = rng.standard_normal((B, hq, Sq, d)).astype(np.float32)
    kp = rng.standard_normal((n, hkv, ps, d)).astype(np.float32)
    vp = rng.standard_normal((n, hkv, ps, dv)).astype(np.float32)
    lens = rng.integers(1, P * ps + 1, size=B) if P * ps > 0 else np.zeros(B)
    if B >= 2:
        lens[0] = 0
        lens[-1] = P * ps
    lens = lens.astype(np.int32)
    table = rng.permutation(n)[: B * P].reshape(B, P).astype(np.int32)
    for b in range(B):
        used = -(-int(lens[b]) // ps)   # pages holding a key below len[b]
        table[b, used:] = UNUSED_PAGE
    return q, kp, vp, lens, table


def run(cmd_args, module, named, roles, tmp, head):
    cmd, paths = attn_run_command(cmd_args, module, named, tmp, roles)
    if invoke_attn_run(cmd, head, cmd_args.timeout) is None:
        return None
    return [np.load(p) for p in paths]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--module", default=os.path.join(
        REPO_ROOT, "examples", "serving", "paged_decode.mlir"))
    p.add_argument("--dense-module", dest="dense_module", default=None)
    p.add_argument("--B", type=int, default=2)
    p.add_argument("--Sq", type=int, default=1)
    p.add_argument("--pages", type=int, default=4)
    p.add_argument("--page-size", dest="page_size", type=int, default=None)
    p.add_argument("--spare", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    add_runner_arguments(p)
    args = p.parse_args(argv)
    try:
        check_runner_options(args)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    sig = parse_main_signature(args.module)
    if len(sig) != 5:
        print(f"error: {args.module}: @main takes {len(sig)} tensors, "
              f"expected q, k_pages, v_pages, len, table", file=sys.stderr)
        return 2
    (qd, _), (kd, _), (vd, _) = sig[0], sig[1], sig[2]
    hq, d, hkv, dv = qd[1], qd[3], kd[1], vd[3]
    ps = kd[2] if kd[2] is not None else args.page_size
    if ps is None or (args.page_size is not None and args.page_size != ps):
        print("error: --page-size must be given for (only) a dynamic page "
              "size", file=sys.stderr)
        return 2
    roles = result_roles("paged", parse_main_results(args.module))
    causal, window = module_masks(args.module)

    rng = np.random.default_rng(args.seed)
    B, Sq, P = args.B, args.Sq, args.pages
    q, kp, vp, lens, table = make_inputs(rng, B, Sq, P, ps, args.spare, hq,
                                         hkv, d, dv)
    want, want_lse = ref.paged_reference(q, kp, vp, lens, table, causal,
                                         window)
    head = (f"paged B={B} Sq={Sq} P={P} page_size={ps} "
            f"module={os.path.basename(args.module)}")
    if args.library:
        head += f" library={os.path.basename(args.library)}"
    if args.query_tile is not None or args.key_tile is not None:
        head += f" tiles={args.query_tile or '-'}x{args.key_tile or '-'}"
    tmp = tempfile.mkdtemp(prefix="check-paged-")
    try:
        named = [("q", q), ("k_pages", kp), ("v_pages", vp), ("len", lens),
                 ("table", table)]
        outs = run(args, args.module, named, roles, tmp, head)
        if outs is None:
            return 1
        ok, summary, details = compare(outs[0], want, "f32")
        lines = [details] if details else []
        if "lse" in roles:
            l_ok, l_summary, l_details = compare_lse(outs[1], want_lse)
            ok, summary = ok and l_ok, summary + " " + l_summary
            if l_details:
                lines.append(l_details)
        if args.dense_module:
            k = ref.gather_pages(kp, table, lens).astype(np.float32)
            v = ref.gather_pages(vp, table, lens).astype(np.float32)
            dense_tmp = os.path.join(tmp, "dense")
            os.makedirs(dense_tmp)
            # The dense twin always compiles through attn-run.
            dense_args = argparse.Namespace(**{**vars(args),
                                               "runner": "attn-run",
                                               "library": None})
            dense = run(dense_args, args.dense_module,
                        [("q", q), ("k", k), ("v", v), ("len", lens)],
                        ["out"], dense_tmp, head + " (dense)")
            if dense is None:
                return 1
            d_ok, d_summary, d_details = compare(
                outs[0], dense[0].astype(np.float64), "f32")
            ok, summary = ok and d_ok, summary + " vs_dense: " + d_summary
            if d_details:
                lines.append(d_details)
        print(f"{head}: {summary} {'PASS' if ok else 'FAIL'}")
        for line in lines:
            print(line)
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
