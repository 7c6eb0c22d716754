#!/usr/bin/env python3
"""The GPU benchmark: the kernels of a pack (gpu_suite.py) against
PyTorch's on the same inputs, in one run, on a machine with a GPU.

  gpu_bench.py run DIR [--cuda-runtime PATH | --attn-exec PATH]
               [--tables prefill,decode,variants] [--peers P,...]
               [--repeat N] [--out PREFIX] [--seq-lens N,...]
               [--kv-lens N,...]
  gpu_bench.py check DIR [--cuda-runtime PATH | --attn-exec PATH]
  gpu_bench.py plan [--tables ...]
  gpu_bench.py report RESULTS.json [--out PREFIX]

`run` (what `DIR/run --bench` and `scripts/gpu-check --bench` call) times
the shapes of bench_plan.py: prefill (FlashAttention's: bf16, hidden 2048,
B = 16k / S, S = 512 ... 16k, causal and not), decode (Sq = 1, GQA, Skv =
4k ... 32k) and the variants (ALiBi, softcap, sliding window, bias,
relative positions, causal, GQA at B = 4, 16 heads, S = 4096, D = 64).
For each shape it times the packed module and the peers of bench_peers.py
(SDPA forced to FlashAttention, SDPA forced to cuDNN, flex_attention under
torch.compile) on the very same device tensors, prints one line per shape,
then the report of bench_report.py: Markdown tables (TFLOP/s over the
visible pairs, or GB/s of K and V for decode; attn over each peer; percent
of the peak measured in the same run, a large bf16 matmul and a device
copy, and of the nominal datasheet figures) written to PREFIX.md, a chart
PREFIX.png and the raw results PREFIX.json (default PREFIX:
DIR/bench-<UTC time>). With the variants it also runs `check`.

The compiled kernels are called in this process (module_call.py: the
library's packed entry through ctypes, on torch's current stream), not
through attn-exec: so that they read the peers' input tensors, without
.npy copies of gigabyte-sized biases, and are timed by the same loop as
the peers. The loop (time_calls) queues the calls back to back behind a
short GPU sleep, so that host overhead between calls is not timed for
anyone, and takes the median of the CUDA event time of each call. The
AttnCudaRuntime library comes from the runtime that DIR/run built:
--cuda-runtime, else lib/ beside attn-exec's bin/.

`check` runs every packed variant module, and each peer, on small shapes
against the float64 reference (reference.py), bf16 tolerance 2e-2 +
2e-2|ref|: one line `WHO VARIANT SqxSkv: max_err=... PASS|FAIL` each.
Without a GPU (a pack of --target cpu or gpu-emulator, torch of any
version) the peers are their math on dense score matrices in float64
(bench_peers.DenseEngine, dense_sdpa), checked to 1e-9: that tests the
score_mod / mask_mod and SDPA mask definitions without flex_attention.

`plan` prints every shape with its visible pairs, FLOPs and K/V bytes.
`report` writes the Markdown and the chart again from a RESULTS.json.
"""

import argparse
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
import bench_peers as bp  # noqa: E402
import bench_plan  # noqa: E402
import bench_report  # noqa: E402
import reference as ref  # noqa: E402
from module_call import (CallError, CompiledModule,  # noqa: E402
                         load_cuda_runtime)

BF16_TOL = 2e-2       # atol = rtol, VARIANTS.md for f16 and bf16
EXACT_TOL = 1e-9      # the float64 emulations of the peers
WARMUP = 3
SLEEP_CYCLES_PER_S = 2.0e9   # torch.cuda._sleep: at least the clock
MATMUL_N = 8192
PEAK_REPEAT = 10    # the peak is the best of these calls
COPY_BYTES = 1 << 30


def int_list(text):
    return [int(x) for x in text.split(",") if x]


# ---------------------------------------------------------------------------
# Timing and the peak of the GPU.
# ---------------------------------------------------------------------------

def time_calls(torch, fn, repeat):
    """(median, min) ms of `repeat` calls of fn. After a warm-up (which
    also compiles flex_attention), the calls are queued back to back
    behind torch.cuda._sleep, long enough for the host to queue them all,
    with an event between consecutive calls: each call's time is GPU time
    only, the same way for attn and every peer."""
    for _ in range(WARMUP):
        fn()
    torch.cuda.synchronize()
    start = time.perf_counter()
    fn()
    host = time.perf_counter() - start
    torch.cuda.synchronize()
    events = [torch.cuda.Event(enable_timing=True) for _ in range(repeat + 1)]
    if hasattr(torch.cuda, "_sleep"):
        torch.cuda._sleep(int(min(2 * host * repeat + 1e-3, 2.0)
                              * SLEEP_CYCLES_PER_S))
    events[0].record()
    for e in events[1:]:
        fn()
        e.record()
    torch.cuda.synchronize()
    times = [a.elapsed_time(b) for a, b in zip(events, events[1:])]
    return statistics.median(times), min(times)


def matmul_tflops(torch, repeat):
    """bf16 TFLOP/s of an N x N x N torch.matmul, best of `repeat` calls."""
    a, b = (torch.randn(MATMUL_N, MATMUL_N, device="cuda",
                        dtype=torch.bfloat16) for _ in range(2))
    c = torch.empty_like(a)
    _, best = time_calls(torch, lambda: torch.matmul(a, b, out=c), repeat)
    return 2.0 * MATMUL_N ** 3 / best / 1e9


def copy_gbs(torch, repeat):
    """GB/s of a device-to-device copy, bytes read plus written, best of
    `repeat` calls."""
    src = torch.empty(COPY_BYTES, dtype=torch.uint8, device="cuda")
    dst = torch.empty_like(src)
    _, best = time_calls(torch, lambda: dst.copy_(src), repeat)
    return 2.0 * COPY_BYTES / best / 1e6


def measure_peak(torch, repeat):
    """The GPU's bf16 matmul TFLOP/s and device copy GB/s, measured now."""
    peak = {}
    try:
        peak["matmul_tflops"] = matmul_tflops(torch, repeat)
        peak["matmul_what"] = f"{MATMUL_N}^3, best of {repeat}"
        torch.cuda.empty_cache()
        peak["copy_gbs"] = copy_gbs(torch, repeat)
        peak["copy_what"] = (f"{COPY_BYTES >> 30} GiB, read + write, best "
                             f"of {repeat}")
    except Exception as e:  # the report says "not measured"
        print(f"bench: peak not measured: {bp.first_line(e)}")
    torch.cuda.empty_cache()
    return peak


# ---------------------------------------------------------------------------
# Setting up: torch, the runtime, the modules, the peers.
# ---------------------------------------------------------------------------

def import_torch(cuda):
    """(torch, None), or (None, why not)."""
    try:
        import torch
    except Exception as e:
        return None, f"no torch in {sys.executable} ({type(e).__name__})"
    if cuda and not torch.cuda.is_available():
        return None, f"torch {torch.__version__} sees no CUDA device"
    return torch, None


def find_cuda_runtime(explicit, attn_exec):
    """libAttnCudaRuntime.so: `explicit`, else lib/ beside attn-exec's
    bin/, else what attn-exec is linked against (ldd)."""
    if explicit:
        return explicit
    if attn_exec:
        exe = os.path.realpath(attn_exec)
        beside = os.path.join(os.path.dirname(os.path.dirname(exe)), "lib",
                              "libAttnCudaRuntime.so")
        if os.path.exists(beside):
            return beside
        try:
            out = subprocess.run(["ldd", exe], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL,
                                 universal_newlines=True, timeout=60).stdout
            m = re.search(r"libAttnCudaRuntime\.so => (\S+)", out)
            if m:
                return m.group(1)
        except (OSError, subprocess.SubprocessError):
            pass
    return None


class Modules:
    """The pack's libraries, loaded once each (CompiledModule)."""

    def __init__(self, dirpath, suite, runtime):
        self.dir, self.runtime = dirpath, runtime
        self.packed = {e["id"]: e for e in suite["packed"]}
        self.unsupported = {e["id"]: e["reason"] for e in suite["unsupported"]}
        self.loaded = {}

    def get(self, entry):
        """The CompiledModule of `entry`; CallError if it is not there."""
        if entry not in self.loaded:
            if entry in self.unsupported:
                raise CallError(f"{entry} did not compile: "
                                f"{self.unsupported[entry]}")
            if entry not in self.packed:
                raise CallError(f"{entry} is not in this pack (packed with "
                                f"--only?)")
            self.loaded[entry] = CompiledModule(
                os.path.join(self.dir, self.packed[entry]["library"]),
                self.runtime)
        return self.loaded[entry]


def peer_factories(torch, peers, device):
    """{peer: prepare(shape, args) -> call}. On the GPU the real peers; on
    the host their float64 emulations ("flex (dense)", "sdpa (dense)")."""
    out = {}
    if device == "cpu":
        engine = bp.DenseEngine(torch)

        def dense_sdpa(shape, args):
            kw = bp.sdpa_arguments(torch, shape.variant, args, shape.Sq,
                                   shape.Skv, torch.float64)
            return lambda: bp.dense_sdpa(torch, *args[:3], **kw)
        out["sdpa (dense)"] = dense_sdpa
        out["flex (dense)"] = lambda s, a: bp.flex_peer(torch, engine, s, a)
        return out
    engine = None
    for peer in peers:
        if peer in bp.SDPA_BACKENDS:
            out[peer] = (lambda p: lambda s, a: bp.sdpa_peer(torch, p, s, a))(
                peer)
        elif peer == "flex":
            def flex(s, a):
                # One engine (one torch.compile) for every shape, made at
                # the first; where it cannot be made, the same reason each
                # time.
                nonlocal engine
                if engine is None:
                    try:
                        engine = bp.FlexEngine(torch, device)
                    except bp.Skip as e:
                        engine = str(e)
                if isinstance(engine, str):
                    raise bp.Skip(engine)
                return bp.flex_peer(torch, engine, s, a)
            out[peer] = flex
        else:
            raise SystemExit(f"error: unknown peer {peer!r} (known: "
                             f"{', '.join(bp.PEERS)})")
    return out


def alt_kernel(modules, stream):
    """prepare(shape, args) for the prefill modules compiled with the other
    query tile (bench_plan.ALT_KERNEL); None on the other tables."""
    def prepare(shape, args):
        if shape.table != "prefill":
            return None
        entry = bench_plan.alt_prefill_entry(shape.causal, shape.D)
        try:
            call = modules.get(entry).bind(args, stream=stream)
        except CallError as e:
            raise bp.Skip(str(e))

        def run():
            call()
            return call.results[0]
        return run
    return prepare


def tolerance(who):
    return EXACT_TOL if "(dense)" in who else BF16_TOL


# ---------------------------------------------------------------------------
# check: small shapes against the float64 reference.
# ---------------------------------------------------------------------------

def run_checks(torch, modules, factories, device, stream):
    """Every variant of bench_plan.VARIANTS on bench_peers.small_shapes, by
    attn (its packed module) and each peer, against reference.reference.
    Returns [{variant, who, max_err, ok}]; prints one line each."""
    checks = []
    for name in bench_plan.VARIANTS:
        for shape in bp.small_shapes(name):
            args = bp.make_inputs(torch, shape, device, seed=1)
            expect = ref.reference(name, *(a.double().cpu().numpy()
                                           for a in args))
            calls, skipped = {}, []
            try:
                calls["attn"] = modules.get(shape.entry).bind(
                    args, stream=stream)
            except CallError as e:
                skipped.append(f"attn {name} {shape.Sq}x{shape.Skv}: not "
                               f"run: {e}")
            for who, prepare in factories.items():
                try:
                    call = prepare(shape, args)
                    if call is not None:  # None: not for this table
                        calls[who] = call
                except bp.Skip as e:
                    skipped.append(f"{who} {name} {shape.Sq}x{shape.Skv}: "
                                   f"not run: {e}")
                except Exception as e:  # a peer's failure must not stop us
                    skipped.append(f"{who} {name} {shape.Sq}x{shape.Skv}: "
                                   f"not run: {bp.first_line(e)}")
            for who, call in calls.items():
                tol = tolerance(who)
                try:
                    out = call()
                    out = (out[0] if isinstance(out, list) else out)
                    got = out.double().cpu().numpy()
                    err = float(np.abs(got - expect).max())
                    ok = bool(np.all(np.abs(got - expect)
                                     <= tol + tol * np.abs(expect)))
                except Exception as e:  # compile errors, out of memory
                    print(f"{who} {name} {shape.Sq}x{shape.Skv}: error: "
                          f"{bp.first_line(e)}")
                    err, ok = float("inf"), False
                print(f"{who} {name} {shape.Sq}x{shape.Skv}: "
                      f"max_err={err:.1e} {'PASS' if ok else 'FAIL'}",
                      flush=True)
                checks.append({"variant": name, "who": who, "max_err": err,
                               "ok": ok, "Sq": shape.Sq, "Skv": shape.Skv})
            for line in skipped:
                print(line)
            if "attn" not in calls:
                checks.append({"variant": name, "who": "attn",
                               "max_err": float("inf"), "ok": False,
                               "Sq": shape.Sq, "Skv": shape.Skv})
    return checks


def check_command(args):
    with open(os.path.join(args.dir, "suite.json")) as f:
        suite = json.load(f)
    cuda = suite["info"].get("target", "cuda") == "cuda"
    torch, why = import_torch(cuda)
    if torch is None:
        print(f"check: cannot run: {why}")
        return 1
    runtime = None
    if cuda:
        runtime = open_cuda_runtime(torch, args.cuda_runtime, args.attn_exec,
                                    "check")
        if runtime is None:
            return 1
    device = "cuda" if cuda else "cpu"
    stream = torch.cuda.current_stream().cuda_stream if cuda else None
    checks = run_checks(torch, Modules(args.dir, suite, runtime),
                        peer_factories(torch, args.peers, device), device,
                        stream)
    bad = sum(not c["ok"] for c in checks)
    print(f"{len(checks) - bad} passed, {bad} failed")
    return 1 if bad or not checks else 0


def open_cuda_runtime(torch, explicit, attn_exec, what):
    """The loaded CUDA runtime on torch's device, or None after printing why
    `what` cannot run."""
    path = find_cuda_runtime(explicit, attn_exec)
    try:
        runtime = load_cuda_runtime(path or "libAttnCudaRuntime.so")
    except (CallError, OSError) as e:
        print(f"{what}: cannot load the CUDA runtime: {e}")
        return None
    select_device(torch)
    return runtime


def select_device(torch):
    """torch's current device := the runtime's ($ATTN_CUDA_DEVICE, default
    0): both then use that device's primary context."""
    torch.cuda.set_device(int(os.environ.get("ATTN_CUDA_DEVICE", "0")))


# ---------------------------------------------------------------------------
# run: the benchmark.
# ---------------------------------------------------------------------------

def figure(shape, ms):
    if shape.table == "decode":
        return f"{shape.kv_bytes() / ms / 1e6:.0f} GB/s"
    return f"{shape.flops() / ms / 1e9:.1f} TFLOP/s"


def bench_shape(torch, shape, modules, factories, repeat, stream):
    """Times attn and every peer on one shape; returns the report row."""
    row = shape.as_dict()
    row.update(label=shape.label(), ms={}, skipped={}, diff={})
    line = [f"{shape.table} {shape.label()} ({shape.sizes()}):"]
    try:
        args = bp.make_inputs(torch, shape, "cuda")
    except RuntimeError as e:
        row["skipped"]["attn"] = f"inputs: {bp.first_line(e)}"
        print(" ".join(line + [row["skipped"]["attn"]]), flush=True)
        return row
    ours = None
    try:
        call = modules.get(shape.entry).bind(args, stream=stream)
        row["ms"]["attn"], _ = time_calls(torch, call, repeat)
        ours = call.results[0]
        line.append(f"attn {row['ms']['attn']:.3f} ms "
                    f"{figure(shape, row['ms']['attn'])}")
    except (CallError, RuntimeError) as e:
        row["skipped"]["attn"] = bp.first_line(e) if not isinstance(
            e, CallError) else str(e)
        line.append(f"attn FAILED: {row['skipped']['attn']}")
    for who, prepare in factories.items():
        try:
            fn = prepare(shape, args)
            if fn is None:  # not timed on this table
                continue
            ms, _ = time_calls(torch, fn, repeat)
            row["ms"][who] = ms
            text = f"| {who} {ms:.3f} ms {figure(shape, ms)}"
            if ours is not None:
                diff = (fn().float() - ours.float()).abs().max().item()
                row["diff"][who] = diff
                text += (f" ({ms / row['ms']['attn']:.2f}x) "
                         f"max|attn-{who}|={diff:.1e}")
            line.append(text)
        except bp.Skip as e:
            row["skipped"][who] = str(e)
            line.append(f"| {who} not run: {e}")
        except Exception as e:  # a peer's failure must not stop the run
            row["skipped"][who] = bp.first_line(e)
            line.append(f"| {who} failed: {row['skipped'][who]}")
    print(" ".join(line), flush=True)
    del args, ours
    torch.cuda.empty_cache()
    return row


def run(dirpath, suite, attn_exec=None, cuda_runtime=None,
        tables=bench_plan.TABLES, peers=bp.PEERS, repeat=20, out=None,
        seq_lens=bench_plan.SEQ_LENS, kv_lens=bench_plan.DECODE_KV_LENS):
    """The benchmark on pack `dirpath` (its suite.json in `suite`); returns
    the exit status: 1 if attn failed on a shape or a check, or nothing
    could run."""
    if suite["info"].get("target", "cuda") != "cuda":
        print(f"bench: the pack holds {suite['info'].get('target')} "
              f"libraries; the benchmark needs a pack for a GPU")
        return 1
    torch, why = import_torch(cuda=True)
    if torch is None:
        print(f"bench: cannot run: {why}")
        return 1
    runtime = open_cuda_runtime(torch, cuda_runtime, attn_exec, "bench")
    if runtime is None:
        return 1
    gpu = torch.cuda.get_device_name()
    info = {"date": datetime.datetime.now(datetime.timezone.utc)
            .strftime("%Y-%m-%d %H:%M UTC"), "gpu": gpu,
            "chip": suite["info"]["chip"],
            "compiler": suite["info"]["compiler"],
            "torch": torch.__version__, "cuda": torch.version.cuda,
            "repeat": repeat}
    print(f"bench: {gpu}, pack for {info['chip']} from {info['compiler']}; "
          f"torch {info['torch']} (CUDA {info['cuda']}); median of {repeat} "
          f"calls; runtime {runtime._name}", flush=True)
    peak = measure_peak(torch, PEAK_REPEAT)
    peak["nominal"] = bench_report.nominal(gpu)
    print(f"bench: peak, measured now: bf16 matmul "
          f"{bench_report.fmt(peak.get('matmul_tflops'))} TFLOP/s, copy "
          f"{bench_report.fmt(peak.get('copy_gbs'), 0)} GB/s; nominal: "
          f"{peak['nominal'] or 'none for this GPU'}", flush=True)
    modules = Modules(dirpath, suite, runtime)
    shapes = []
    for s in bench_plan.shapes(tables, seq_lens, kv_lens):
        if s.entry in modules.packed or s.entry in modules.unsupported:
            shapes.append(s)
        else:
            print(f"bench: {s.entry} is not in this pack (packed with "
                  f"--only?): {s.table} {s.label()} not run")
    if not shapes:
        print("bench: nothing to time")
        return 1
    stream = torch.cuda.current_stream().cuda_stream
    factories = {bench_plan.ALT_KERNEL: alt_kernel(modules, stream)}
    factories.update(peer_factories(torch, peers, "cuda"))
    rows = [bench_shape(torch, s, modules, factories, repeat, stream)
            for s in shapes]
    checks = []
    if "variants" in tables:
        checks = run_checks(torch, modules, factories, "cuda", stream)
    results = {"info": info, "peak": peak, "rows": rows, "checks": checks}
    prefix = out or os.path.join(dirpath, "bench-" + datetime.datetime.now(
        datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
    with open(prefix + ".json", "w") as f:
        json.dump(results, f, indent=1)
    md, png = bench_report.write(results, prefix)
    print("\n".join(bench_report.markdown(results)))
    print(f"bench: wrote {md}, {png or '(no chart: no prefill rows)'} and "
          f"{prefix}.json")
    failed = [r["label"] for r in rows if "attn" in r["skipped"]]
    failed += [f"check {c['variant']}" for c in checks
               if c["who"] == "attn" and not c["ok"]]
    if failed:
        print(f"bench: attn failed on: {', '.join(failed)}")
    return 1 if failed else 0


# ---------------------------------------------------------------------------
# plan, report, main.
# ---------------------------------------------------------------------------

def plan_command(args):
    for s in bench_plan.shapes(args.tables, args.seq_lens, args.kv_lens):
        print(f"{s.entry}  {s.table} {s.label()}  {s.sizes()}  "
              f"pairs={s.pairs()} flops={s.flops()} kv_bytes={s.kv_bytes()}")
    return 0


def report_command(args):
    with open(args.results) as f:
        results = json.load(f)
    prefix = args.out or os.path.splitext(args.results)[0]
    md, png = bench_report.write(results, prefix)
    print(f"wrote {md}" + (f" and {png}" if png else ""))
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    def tables_option(sp):
        sp.add_argument("--tables", type=lambda t: t.split(","),
                        default=list(bench_plan.TABLES),
                        help="prefill,decode,variants")
        sp.add_argument("--seq-lens", dest="seq_lens", type=int_list,
                        default=list(bench_plan.SEQ_LENS))
        sp.add_argument("--kv-lens", dest="kv_lens", type=int_list,
                        default=list(bench_plan.DECODE_KV_LENS))

    def pack_options(sp):
        sp.add_argument("dir")
        sp.add_argument("--cuda-runtime", dest="cuda_runtime", default=None,
                        help="libAttnCudaRuntime.so (default: beside "
                             "--attn-exec)")
        sp.add_argument("--attn-exec", dest="attn_exec", default=None)
        sp.add_argument("--peers", type=lambda t: t.split(","),
                        default=list(bp.PEERS), help=",".join(bp.PEERS))
    rn = sub.add_parser("run", help="time the pack's bench_* modules and "
                                    "the peers")
    pack_options(rn)
    tables_option(rn)
    rn.add_argument("--repeat", type=int, default=20)
    rn.add_argument("--out", default=None, metavar="PREFIX")
    ck = sub.add_parser("check", help="small shapes against the float64 "
                                      "reference")
    pack_options(ck)
    pl = sub.add_parser("plan", help="print the shapes and their counts")
    tables_option(pl)
    rp = sub.add_parser("report", help="Markdown and chart from RESULTS.json")
    rp.add_argument("results")
    rp.add_argument("--out", default=None, metavar="PREFIX")
    args = p.parse_args(argv)
    for t in getattr(args, "tables", []):
        if t not in bench_plan.TABLES:
            p.error(f"unknown table {t!r} (known: "
                    f"{', '.join(bench_plan.TABLES)})")
    if args.command == "plan":
        return plan_command(args)
    if args.command == "report":
        return report_command(args)
    if args.command == "check":
        return check_command(args)
    args.dir = os.path.abspath(args.dir)
    with open(os.path.join(args.dir, "suite.json")) as f:
        suite = json.load(f)
    return run(args.dir, suite, args.attn_exec, args.cuda_runtime,
               args.tables, args.peers, args.repeat, args.out, args.seq_lens,
               args.kv_lens)


if __name__ == "__main__":
    sys.exit(main())
