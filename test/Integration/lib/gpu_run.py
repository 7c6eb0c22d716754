#!/usr/bin/env python3
"""Runs a packed GPU suite (gpu_suite.py pack) on a machine with a GPU.

  gpu_run.py DIR --attn-exec PATH [--only ID,...] [--repeat N] [--bench]
             [--bench-only] [--bench-repeat N] [--bench-tables T,...]
             [--bench-peers P,...] [--bench-out PREFIX]
             [--cuda-runtime PATH]

DIR/run calls this after building the runtime. For every packed module and
each of its cases it runs check_variant.py (check_grid_window.py for the
grid_window entries) through attn-exec (the inputs go to the GPU, the
outputs come back and are compared with the float64 reference) and prints
one line

  ID/CASE: PASS max_err=<max |out - ref|> time_ms=<CUDA event time>

(FAIL, with the checker's report below it), then `N passed, M failed`.
Exit status 1 if any failed, or when nothing can run on the GPU at all: then
the runtime's error (no driver, no device, a runtime built without CUDA) is
printed once, instead of one failure per module.

--bench then runs the GPU benchmark (gpu_bench.py run): the bench_*
modules against PyTorch's SDPA (FlashAttention and cuDNN backends) and
flex_attention on the same inputs, with the peak of the GPU measured in the
same run; it writes DIR/bench-<time>.md, .png and .json. It needs a
python3 with torch and CUDA (DIR/run picks one). --bench-only skips the
suite's checks.
"""

import argparse
import contextlib
import io
import json
import os
import re
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import check_grid_window as cgw  # noqa: E402
import check_variant as cv  # noqa: E402
from row_check import row_reference  # noqa: E402

TIME_RE = re.compile(r"time: ([0-9.]+) ms")
ERR_RE = re.compile(r"max_abs_err=(\S+)")
# attn-exec's errors that mean nothing can run on this machine's GPU, as
# opposed to one module failing.
NO_GPU_RE = re.compile(r"no CUDA driver|cuInit|CUDA_ERROR_NO_DEVICE|"
                       r"CUDA_ERROR_INVALID_DEVICE|without CUDA support|"
                       r"CUDA_ERROR_NOT_INITIALIZED|CUDA_ERROR_SYSTEM|"
                       r"CUDA_ERROR_COMPAT|CUDA_ERROR_INSUFFICIENT_DRIVER")
# The check name of the entries that check_grid_window checks.
GRID_WINDOW = "grid_window"


def checker(check, module, library):
    """The checker of an entry whose check name is `check` and its
    arguments for the compiled `module` and `library`: check_grid_window
    for "grid_window", else check_variant NAME."""
    run = ["--runner", "attn-exec", "--library", library]
    if check == GRID_WINDOW:
        return cgw.main, ["--module", module] + run
    # Rows of sections D, E and F take their module as the example of their
    # name (modules/NAME.mlir), not as --module.
    where = (["--examples", os.path.dirname(module)]
             if row_reference(check) else ["--module", module])
    return cv.main, [check] + where + run


def check(entry, case_args, dirpath, attn_exec, repeat):
    """Runs the entry's checker on one case in this process; returns (rc,
    output)."""
    main, argv = checker(entry["check"],
                         os.path.join(dirpath, entry["module"]),
                         os.path.join(dirpath, entry["library"]))
    argv += (["--attn-exec", attn_exec, "--print-time", "--repeat",
              str(repeat)] + entry.get("check_args", []))
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            rc = main(argv + list(case_args))
        except Exception as e:  # a checker bug must not stop the suite
            print(f"error: {type(e).__name__}: {e}")
            rc = 1
    return rc, out.getvalue()


def cuda_support(attn_exec):
    """None if attn-exec runs CUDA modules, else the reason it cannot."""
    try:
        proc = subprocess.run([attn_exec, "--version"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        return f"cannot run {attn_exec}: {e}"
    if "CUDA support: yes" not in proc.stdout:
        return (f"{attn_exec} was built without CUDA support (cuda.h not "
                f"found): {proc.stdout.strip()}")
    return None


def preflight(suite, dirpath, attn_exec):
    """None if a first module runs, else attn-exec's error when it says
    that the GPU cannot be used at all."""
    if suite["info"].get("target", "cuda") == "cuda":
        why = cuda_support(attn_exec)
        if why:
            return why
    first = suite["packed"][0]
    tiny = (["--N", "1", "--H", "1", "--W", "1"]
            if first["check"] == GRID_WINDOW
            else ["--B", "1", "--Sq", "1", "--Skv", "1"])
    rc, out = check(first, tiny, dirpath, attn_exec, 1)
    if rc != 0:
        for line in out.splitlines():
            if NO_GPU_RE.search(line):
                return re.sub(r"^\s*error:\s*", "", line)
    return None


def run_suite(args, suite):
    packed = suite["packed"]
    if args.only:
        wanted = set(args.only.split(","))
        packed = [e for e in packed if e["id"] in wanted]
        missing = wanted - {e["id"] for e in packed}
        if missing:
            print(f"error: not in this pack: {', '.join(sorted(missing))}")
            return 1
    passed = failed = 0
    for entry in packed:
        for case in entry["cases"]:
            rc, out = check(entry, suite["cases"][case], args.dir,
                            args.attn_exec, args.repeat)
            err = ERR_RE.search(out)
            time = TIME_RE.search(out)
            line = (f"{entry['id']}/{case}: {'PASS' if rc == 0 else 'FAIL'} "
                    f"max_err={err.group(1) if err else '-'} "
                    f"time_ms={time.group(1) if time else '-'}")
            print(line, flush=True)
            if rc == 0:
                passed += 1
            else:
                failed += 1
                print("  " + out.rstrip().replace("\n", "\n  "), flush=True)
    unsupported = len(suite["unsupported"])
    print(f"{passed} passed, {failed} failed"
          + (f" ({unsupported} modules unsupported, not run: see MANIFEST)"
             if unsupported else ""))
    return 1 if failed else 0


def run_bench(args, suite):
    """The GPU benchmark (gpu_bench.py), on the runtime built for the
    suite."""
    import bench_plan
    import gpu_bench
    tables = args.bench_tables or list(bench_plan.TABLES)
    unknown = [t for t in tables if t not in bench_plan.TABLES]
    if unknown:
        print(f"error: unknown benchmark tables: {', '.join(unknown)}")
        return 1
    return gpu_bench.run(args.dir, suite, attn_exec=args.attn_exec,
                         cuda_runtime=args.cuda_runtime, tables=tables,
                         peers=args.bench_peers or list(gpu_bench.bp.PEERS),
                         repeat=args.bench_repeat, out=args.bench_out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("dir")
    p.add_argument("--attn-exec", dest="attn_exec", required=True)
    p.add_argument("--only", default=None, metavar="ID,...")
    p.add_argument("--repeat", type=int, default=3,
                   help="calls per case; time_ms is their median")
    p.add_argument("--bench", action="store_true",
                   help="also run the GPU benchmark (gpu_bench.py run)")
    p.add_argument("--bench-only", dest="bench_only", action="store_true",
                   help="only run the GPU benchmark")
    p.add_argument("--bench-repeat", dest="bench_repeat", type=int, default=20,
                   help="timed calls per shape; the median is reported")
    p.add_argument("--bench-tables", dest="bench_tables",
                   type=lambda t: t.split(","),
                   default=None, help="prefill,decode,variants (default: all)")
    p.add_argument("--bench-peers", dest="bench_peers",
                   type=lambda t: t.split(","), default=None,
                   help="sdpa-flash,sdpa-cudnn,flex (default: all)")
    p.add_argument("--bench-out", dest="bench_out", default=None,
                   metavar="PREFIX",
                   help="report files PREFIX.md, .png, .json (default: "
                        "DIR/bench-<UTC time>)")
    p.add_argument("--cuda-runtime", dest="cuda_runtime", default=None,
                   help="libAttnCudaRuntime.so for the benchmark (default: "
                        "beside --attn-exec)")
    args = p.parse_args(argv)
    args.dir = os.path.abspath(args.dir)
    with open(os.path.join(args.dir, "suite.json")) as f:
        suite = json.load(f)
    print(f"suite: {len(suite['packed'])} modules for "
          f"{suite['info'].get('target', 'cuda')} {suite['info']['chip']}, "
          f"packed {suite['info']['date']} from {suite['info']['compiler']}; "
          f"python {sys.version.split()[0]}, numpy {np.__version__}",
          flush=True)
    why = preflight(suite, args.dir, args.attn_exec)
    if why:
        print(f"error: cannot run on the GPU: {why}")
        return 1
    status = 0 if args.bench_only else run_suite(args, suite)
    if args.bench or args.bench_only:
        status = run_bench(args, suite) or status
    return status


if __name__ == "__main__":
    sys.exit(main())
