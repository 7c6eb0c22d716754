#!/usr/bin/env python3
"""Runs a packed GPU suite (gpu_suite.py pack) on a machine with a GPU.

  gpu_run.py DIR --attn-exec PATH [--only ID,...] [--repeat N] [--bench]
             [--bench-only] [--bench-repeat N]

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

--bench times the bench_* modules at B=4, 16 heads, Sq=Skv=4096 (D=64 and
128, causal and not) with attn-exec --repeat, and, if python3 has torch with
CUDA, torch.nn.functional.scaled_dot_product_attention on the same inputs
in the same run. TFLOP/s count 4*B*H*Sq*Skv*D FLOPs, half of them for
causal.
"""

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import check_grid_window as cgw  # noqa: E402
import check_variant as cv  # noqa: E402
from module_signature import bind_dims, parse_main_signature  # noqa: E402
from row_check import row_reference  # noqa: E402

TIME_RE = re.compile(r"time: ([0-9.]+) ms")
ERR_RE = re.compile(r"max_abs_err=(\S+)")
# attn-exec's errors that mean nothing can run on this machine's GPU, as
# opposed to one module failing.
NO_GPU_RE = re.compile(r"no CUDA driver|cuInit|CUDA_ERROR_NO_DEVICE|"
                       r"CUDA_ERROR_INVALID_DEVICE|without CUDA support|"
                       r"CUDA_ERROR_NOT_INITIALIZED|CUDA_ERROR_SYSTEM|"
                       r"CUDA_ERROR_COMPAT|CUDA_ERROR_INSUFFICIENT_DRIVER")
BENCH = {"B": 4, "S": 4096}
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


# ---------------------------------------------------------------------------
# Benchmark.
# ---------------------------------------------------------------------------

def torch_sdpa():
    """(torch, None), or (None, why torch cannot be compared)."""
    try:
        import torch
    except Exception as e:
        return None, f"no torch ({type(e).__name__})"
    if not torch.cuda.is_available():
        return None, "torch has no CUDA device"
    return torch, None


def time_torch(torch, q, k, v, causal, repeat):
    """(median ms, output) of torch's scaled_dot_product_attention."""
    tq, tk, tv = (torch.from_numpy(x).cuda() for x in (q, k, v))
    sdpa = torch.nn.functional.scaled_dot_product_attention
    for _ in range(3):
        out = sdpa(tq, tk, tv, is_causal=causal)
    torch.cuda.synchronize()
    times = []
    for _ in range(repeat):
        start = torch.cuda.Event(enable_timing=True)
        stop = torch.cuda.Event(enable_timing=True)
        start.record()
        out = sdpa(tq, tk, tv, is_causal=causal)
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop))
    return float(np.median(times)), out.float().cpu().numpy()


def run_bench(args, suite):
    benches = [e for e in suite["packed"] if e["id"].startswith("bench_")]
    if not benches:
        print("bench: no bench_* modules in this pack (packed with --only?)")
        return 1
    torch, why = torch_sdpa()
    print(f"bench: B={BENCH['B']} Sq=Skv={BENCH['S']}, f16, median of "
          f"{args.bench_repeat} calls (attn-exec --print-time); torch: "
          f"{torch.__version__ if torch else why}")
    status = 0
    rng = np.random.default_rng(0)
    for entry in benches:
        causal = entry["check"].startswith("causal")
        dims = bind_dims(entry["check"], parse_main_signature(
            os.path.join(args.dir, entry["module"])))
        B, H, S, D = BENCH["B"], dims["Hq"], BENCH["S"], dims["D"]
        flops = 4.0 * B * H * S * S * D / (2 if causal else 1)
        q, k, v = (rng.standard_normal((B, H, S, D)).astype(np.float16)
                   for _ in range(3))
        tmp = tempfile.mkdtemp(prefix="attn-bench-")
        try:
            cmd = [args.attn_exec, os.path.join(args.dir, entry["library"])]
            for n, x in zip("qkv", (q, k, v)):
                np.save(os.path.join(tmp, n + ".npy"), x)
                cmd.append(f"--input=@{os.path.join(tmp, n + '.npy')}")
            out_path = os.path.join(tmp, "o.npy")
            cmd += [f"--output=@{out_path}", "--print-time",
                    f"--repeat={args.bench_repeat}"]
            proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT,
                                  universal_newlines=True, timeout=600)
            m = TIME_RE.search(proc.stdout)
            tag = (f"{'causal' if causal else 'scaled_dot'} f16 B={B} H={H} "
                   f"S={S} D={D}")
            if proc.returncode != 0 or not m:
                print(f"{tag}: FAIL: {proc.stdout.strip()}")
                status = 1
                continue
            ms = float(m.group(1))
            line = f"{tag}: attn {ms:.3f} ms {flops / ms / 1e9:.1f} TFLOP/s"
            if torch:
                tms, tout = time_torch(torch, q, k, v, causal,
                                       args.bench_repeat)
                diff = float(np.abs(np.load(out_path).astype(np.float32)
                                    - tout).max())
                line += (f" | torch sdpa {tms:.3f} ms "
                         f"{flops / tms / 1e9:.1f} TFLOP/s"
                         f" | max |attn - torch| = {diff:.2e}")
            print(line, flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return status


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("dir")
    p.add_argument("--attn-exec", dest="attn_exec", required=True)
    p.add_argument("--only", default=None, metavar="ID,...")
    p.add_argument("--repeat", type=int, default=3,
                   help="calls per case; time_ms is their median")
    p.add_argument("--bench", action="store_true",
                   help="also time the bench_* shapes")
    p.add_argument("--bench-only", dest="bench_only", action="store_true",
                   help="only time the bench_* shapes")
    p.add_argument("--bench-repeat", dest="bench_repeat", type=int, default=20)
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
