#!/usr/bin/env python3
"""Runs a module of one attn.attention with grid_window (the 2-D window of
dilated_local and stand_alone) through attn-run or attn-exec and checks it
against a float64 reference within the tolerances of shared/VARIANTS.md.

  check_grid_window.py --module PATH [--N N] [--H N] [--W N] [--seed N]
                       [--query-tile N] [--key-tile N] [--attn-run PATH]
                       [--runner attn-run|attn-exec] [--library PATH]
                       [--attn-exec PATH] [--tf32] [--print-time]
                       [--repeat N]

The module's @main takes q, k [N,Hq,H*W,D], v [N,Hq,H*W,Dv] (f32, f16 or
bf16), map [H,W] i8 (only its sizes matter: grid_width is its dimension
1) and optionally the relative tables rows [Hq,2ry+1,D] and cols
[Hq,2rx+1,D] f32, and returns the output [N,Hq,H*W,Dv]. grid_window,
grid_dilation and scale are read off the op (scale: 1/sqrt(D) when
absent).

The reference follows the dialect's definition: position p is the cell
(p // W, p % W); key j is visible to query i when its cell is (r a, r c)
away with |a| <= ry, |c| <= rx and r the head's dilation; its score is
scale * q_i . (k_j + rows[h, a + ry] + cols[h, c + rx]) and the softmax
runs over the visible keys.

--tf32: the f32 module was compiled with --allow-tf32 (TF32 tensor cores):
compare with the f16 tolerances. --print-time and --repeat go to attn-run
(attn-exec), whose output is echoed.

Prints one line `grid_window ...: max_abs_err=.. max_rel_err=.. PASS` and
exits 0, or prints what went wrong and exits 1.
"""

import argparse
import math
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
    add_runner_arguments, attn_run_command, check_runner_options,
    invoke_attn_run, tool_name)
from compare_results import compare  # noqa: E402
from module_signature import (  # noqa: E402
    UsageError, attention_attributes, parse_main_signature)


def module_grid(path, heads, d):
    """(radii, dilation per head, scale) of the attn.attention in `path`."""
    body = attention_attributes(path)
    g = re.search(r"grid_window\s*=\s*array<i64:\s*(\d+)\s*,\s*(\d+)>", body)
    if not g:
        raise UsageError(f"{path}: no grid_window on the attn.attention")
    dil = re.search(r"grid_dilation\s*=\s*array<i64:\s*([\d,\s]+)>", body)
    dilation = [int(x) for x in dil.group(1).split(",")] if dil else [1]
    if len(dilation) == 1:
        dilation = dilation * heads
    s = re.search(r"scale\s*=\s*([-+0-9.eE]+)", body)
    scale = float(s.group(1)) if s else 1.0 / math.sqrt(d)
    return (int(g.group(1)), int(g.group(2))), dilation, scale


def reference(q, k, v, W, radii, dilation, scale, rows=None, cols=None):
    q, k, v = ref.f64(q), ref.f64(k), ref.f64(v)
    N, Hq, S, _ = q.shape
    ry, rx = radii
    pos = np.arange(S)
    y, x = pos // W, pos % W
    dy = y[None, :] - y[:, None]     # [query, key]
    dx = x[None, :] - x[:, None]
    out = np.zeros((N, Hq, S, v.shape[3]))
    for h in range(Hq):
        r = dilation[h]
        visible = ((dy % r == 0) & (dx % r == 0) & (np.abs(dy) <= r * ry)
                   & (np.abs(dx) <= r * rx))
        a = np.clip(dy // r + ry, 0, 2 * ry)
        c = np.clip(dx // r + rx, 0, 2 * rx)
        for n in range(N):
            s = q[n, h] @ k[n, h].T
            if rows is not None:
                qr = q[n, h] @ ref.f64(rows[h]).T     # [query, 2 ry + 1]
                qc = q[n, h] @ ref.f64(cols[h]).T
                s = s + np.take_along_axis(qr, a, 1) + np.take_along_axis(
                    qc, c, 1)
            p = ref.softmax_visible(scale * s, visible)
            out[n, h] = p @ v[n, h]
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--module", required=True)
    p.add_argument("--N", type=int, default=2)
    p.add_argument("--H", type=int, default=9)
    p.add_argument("--W", type=int, default=7)
    p.add_argument("--seed", type=int, default=0)
    add_runner_arguments(p)
    p.add_argument("--tf32", action="store_true")
    p.add_argument("--print-time", dest="print_time", action="store_true")
    p.add_argument("--repeat", type=int, default=None)
    args = p.parse_args(argv)
    try:
        check_runner_options(args)
        sig = parse_main_signature(args.module)
        if len(sig) not in (4, 6):
            raise UsageError(f"{args.module}: @main takes {len(sig)} tensors, "
                             f"expected q, k, v, map and optionally rows, "
                             f"cols")
        (qd, etype), (_, _), (vd, _) = sig[0], sig[1], sig[2]
        heads, d, dv = qd[1], qd[3], vd[3]
        radii, dilation, scale = module_grid(args.module, heads, d)
        if args.tf32 and etype != "f32":
            raise UsageError("--tf32 applies to f32 modules")
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    rng = np.random.default_rng(args.seed)
    N, H, W = args.N, args.H, args.W
    S = H * W
    q = ref.round_to(rng.standard_normal((N, heads, S, d)), etype)
    k = ref.round_to(rng.standard_normal((N, heads, S, d)), etype)
    v = ref.round_to(rng.standard_normal((N, heads, S, dv)), etype)
    named = [("q", q), ("k", k), ("v", v), ("map", np.zeros((H, W), np.int8))]
    rows = cols = None
    if len(sig) == 6:
        rows = (0.5 * rng.standard_normal((heads, 2 * radii[0] + 1, d))
                ).astype(np.float32)
        cols = (0.5 * rng.standard_normal((heads, 2 * radii[1] + 1, d))
                ).astype(np.float32)
        named += [("rows", rows), ("cols", cols)]
    want = reference(q, k, v, W, radii, dilation, scale, rows, cols)
    head = (f"grid_window N={N} H={H} W={W} radii={radii[0]},{radii[1]} "
            f"dilation={','.join(map(str, dilation))} "
            f"{'tf32' if args.tf32 else etype} "
            f"module={os.path.basename(args.module)}")
    if args.library:
        head += f" library={os.path.basename(args.library)}"
    tmp = tempfile.mkdtemp(prefix="check-grid-")
    try:
        cmd, paths = attn_run_command(args, args.module, named, tmp, ["out"])
        proc = invoke_attn_run(cmd, head, args.timeout)
        if proc is None:
            return 1
        ok, summary, details = compare(np.load(paths[0]), want,
                                       "tf32" if args.tf32 else etype)
        print(f"{head}: {summary} {'PASS' if ok else 'FAIL'}")
        if details:
            print(details)
        if args.print_time:
            for line in proc.stdout.splitlines():
                if line.strip():
                    print(f"  {tool_name(cmd)}: {line.rstrip()}")
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
