#!/usr/bin/env python3
"""Runs a long-sequence example through attn-run, asserts that the attn-run
process peaked below a resident-memory limit, and checks a sample of output
rows against the float64 reference.

  check_memory.py NAME [--B N] [--Sq N] [--Skv N] [--max-rss-mib N]
                  [--rows N] [--seed N] [--attn-run PATH] [--examples DIR]
                  [--query-tile N] [--key-tile N]

The peak is ru_maxrss of RUSAGE_CHILDREN after attn-run has exited: the
largest resident set of any waited-for child (attn-run itself, or the
linker it runs), compile time included. A fused (flash) lowering needs
O(tile) extra memory; a dense [B,Hq,Sq,Skv] f32 score matrix at B=1, Hq=4,
Sq=Skv=8192 alone is 1 GiB.

Only variants whose math does not depend on the query position (no mask,
no position term) are accepted, so that the sampled rows' reference is the
reference of q restricted to those rows. Prints one line ending in PASS and
exits 0, or explains the failure and exits 1 (2: bad usage).
"""

import argparse
import os
import resource
import shutil
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean under lit
sys.path.insert(0, HERE)
import reference as ref  # noqa: E402
from attn_runner import (  # noqa: E402
    REPO_ROOT, attn_run_command, invoke_attn_run)
from compare_results import compare  # noqa: E402
from module_signature import (  # noqa: E402
    UsageError, bind_dims, parse_main_signature)
from variant_inputs import draw  # noqa: E402
from variant_specs import default_dims  # noqa: E402

# Variants whose output row i depends on q_i, k and v only.
ROW_INDEPENDENT = ("dot", "scaled_dot", "gqa", "softcap")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("name", choices=ROW_INDEPENDENT)
    p.add_argument("--B", type=int, default=1)
    p.add_argument("--Sq", type=int, default=8192)
    p.add_argument("--Skv", type=int, default=8192)
    p.add_argument("--max-rss-mib", dest="max_rss_mib", type=float, default=1024)
    p.add_argument("--rows", type=int, default=16,
                   help="query rows checked, spread evenly over Sq")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--attn-run", dest="attn_run", default=None)
    p.add_argument("--examples",
                   default=os.path.join(REPO_ROOT, "examples", "variants"))
    p.add_argument("--query-tile", dest="query_tile", type=int, default=None)
    p.add_argument("--key-tile", dest="key_tile", type=int, default=None)
    p.add_argument("--timeout", type=float, default=600)
    args = p.parse_args(argv)

    name = args.name
    example = os.path.join(args.examples, name + ".mlir")
    try:
        dims = bind_dims(name, parse_main_signature(example))
    except (UsageError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for sym, val in default_dims(name).items():
        dims.setdefault(sym, val)
    dims.update(B=args.B, Sq=args.Sq, Skv=args.Skv)
    rng = np.random.default_rng(args.seed)
    inputs = draw(name, dims, "random", rng)
    q, k, v = inputs
    rows = np.unique(np.linspace(0, args.Sq - 1, args.rows).round().astype(int))

    head = f"{name} B={args.B} Sq={args.Sq} Skv={args.Skv}"
    tmp = tempfile.mkdtemp(prefix=f"check-memory-{name}-")
    try:
        cmd, (out_path,) = attn_run_command(
            args, example, list(zip(("q", "k", "v"), inputs)), tmp, ["out"])
        del inputs
        proc = invoke_attn_run(cmd, head, args.timeout)
        if proc is None:
            return 1
        # Linux reports ru_maxrss in KiB.
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
        out = np.load(out_path, mmap_mode="r")
        want_shape = (args.B, q.shape[1], args.Sq, v.shape[-1])
        ok = True
        msgs = []
        if out.shape != want_shape or out.dtype != np.float32:
            print(f"{head}: FAIL: output {out.shape} {out.dtype}, expected "
                  f"{want_shape} float32")
            return 1
        if not np.all(np.isfinite(out)):
            msgs.append("  output has NaN/Inf values")
            ok = False
        if peak_mib >= args.max_rss_mib:
            msgs.append(f"  peak RSS {peak_mib:.0f} MiB >= limit "
                        f"{args.max_rss_mib:.0f} MiB")
            ok = False
        expected = ref.reference(name, q[:, :, rows], k, v)
        got = np.ascontiguousarray(out[:, :, rows])
        r_ok, summary, details = compare(got, expected, "f32")
        if not r_ok:
            msgs.append(details or "  " + summary)
            ok = False
        print(f"{head}: peak_rss={peak_mib:.0f}MiB (limit "
              f"{args.max_rss_mib:.0f}MiB) rows={len(rows)} {summary} "
              f"{'PASS' if ok else 'FAIL'}")
        for m in msgs:
            print(m)
        if not ok:
            print("  command: " + " ".join(cmd))
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
