#!/usr/bin/env python3
"""The GPU suite: which modules are compiled for the GPU, from which source,
and on which cases they are checked against the float64 reference.

  gpu_suite.py pack DIR [--chip sm_80] [--only ID,...] [--attn-compile PATH]
                        [--jobs N] [--target cpu|gpu-emulator]
  gpu_suite.py list
  gpu_suite.py compile ID OUTDIR [--chip sm_XX] [--attn-compile PATH]
  gpu_suite.py check ID DIR [check_variant options...]

`pack` (scripts/gpu-pack) runs where MLIR is: it compiles every entry with
`attn-compile --target=cuda --chip=CHIP` into DIR/kernels/ and copies what a
machine with a GPU but without MLIR needs to check them: the runtime's
sources (lib/Runtime, include/attn/Runtime, tools/attn-exec, fmt's headers),
the checkers (test/Integration/lib), the source modules and the modules
compiled (DIR/modules), the runner DIR/run (gpu-run.sh), DIR/suite.json
(what DIR/run reads) and DIR/MANIFEST (the same for people: each entry, its
cases, and every entry that did not compile, with the compiler's first error
line). An entry that does not compile is "unsupported": it is listed, never
dropped silently. `--target cpu` packs host libraries instead, and
`--target gpu-emulator` the CUDA kernels built to run on CPU threads
(attn-compile --target=gpu-emulator), so that the pack, DIR/run and the
kernels' math can be tested on a machine without a GPU.

Entries (ID: what it is):
  NAME, NAME_f16, NAME_bf16  every example of sections A-C
      (examples/variants/NAME.mlir) as written (f32) and with its rank-4 f32
      tensors (q, k, v, bias, output) made f16 or bf16; where the example of
      that name exists (causal_f16, ...) it is used as is.
  NAME_tf32                  the f32 examples of TF32_ROWS compiled with
      --allow-tf32 (TF32 tensor cores), checked with check_variant --tf32
      (the f16 tolerances).
  NAME                       the rows of sections D and E as written (f32).
  flex_..._f16/_bf16         the FlexAttention-style modules of
      test/Integration/CPU/Inputs in f16 and bf16.
  NAME_lse_f16/_bf16         the *_lse.mlir modules there (output and
      log-sum-exp) in f16 and bf16; checked as NAME_f16 with --module.
  scaled_dot_fp8, causal_fp8, gqa_fp8, key_padding_fp8   FP8 (f8E4M3FN)
      q, k, v with per-tensor scales and a bf16 output: the example
      scaled_dot_fp8.mlir and the modules of test/Integration/CPU/Inputs.
  scaled_dot_T_dD[vDv], causal_T_dD   other head dims (4 heads), T = f16,
      bf16, f32 (exact FMAs) and tf32 (f32 modules with --allow-tf32).
  grid_dilated, grid_relative[_f16|_bf16|_tf32]   the fused cores of
      dilated_local and stand_alone (test/Integration/CPU/Inputs, the
      2-D grid_window), checked by check_grid_window.py on maps.
  bench_...                  the modules of the GPU benchmark (`DIR/run
      --bench`, gpu_bench.py; shapes in bench_plan.py), all bf16:
      bench_scaled_dot_bf16_h32_d64, bench_causal_bf16_h16_d128, ...
      (prefill: hidden 2048), bench_decode_bf16_h32kv8_d128 (GQA decode)
      and bench_NAME_bf16_h16_d64 for the variants NAME of
      bench_plan.VARIANTS (examples/variants/NAME.mlir in bf16 with 16
      query heads); each also checked on a small case.

`compile` writes OUTDIR/ID.mlir and OUTDIR/libID.so (chip: --chip, else the
GPU's compute capability from nvidia-smi, else sm_80); `check` runs
check_variant.py on them through attn-exec with the given options. These
are what the lit tests of test/Integration/GPU use.
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean under lit
sys.path.insert(0, HERE)
import bench_plan  # noqa: E402
import reference as ref  # noqa: E402
from attn_runner import REPO_ROOT  # noqa: E402
from gpu_run import GRID_WINDOW, checker  # noqa: E402
from module_signature import parse_main_signature  # noqa: E402
from row_check import ROW_REFERENCES  # noqa: E402
from variant_specs import DOT_SCORED, FLEX_NAMES  # noqa: E402

EXAMPLES = os.path.join("examples", "variants")
INPUTS = os.path.join("test", "Integration", "CPU", "Inputs")
NARROW = ("f16", "bf16")
# Element types of the generated head-dim modules: tf32 is f32 compiled
# with --allow-tf32.
HEAD_DIM_TYPES = NARROW + ("f32", "tf32")
# f32 examples also run on TF32 tensor cores (NAME_tf32).
TF32_ROWS = ("scaled_dot", "causal", "sliding_window", "key_padding",
             "bool_mask", "bias", "alibi", "softcap", "gqa", "sigmoid",
             "cosine", "neg_l2", "general", "relative_position",
             "local_gaussian", "hard", "topk", "hard_sample", "additive",
             "compositional", "multi_dimensional")
TF32 = {"flags": ["--allow-tf32"], "check_args": ["--tf32"]}
MAX_PACK_BYTES = 50 * 1024 * 1024

# check_variant options of each case. Sizes are odd and not multiples of
# the kernel's tiles unless the case says otherwise.
CASES = {
    "odd": ["--B", "2", "--Sq", "77", "--Skv", "143"],          # Sq != Skv
    "decode": ["--B", "3", "--Sq", "1", "--Skv", "1000"],
    "square": ["--B", "1", "--Sq", "256", "--Skv", "256"],      # whole tiles
    # causal-like masks: the first Sq - Skv rows see no key
    "sq_gt_skv": ["--B", "2", "--Sq", "130", "--Skv", "47"],
    "skv1": ["--B", "2", "--Sq", "7", "--Skv", "1"],
    "huge": ["--B", "1", "--Sq", "65", "--Skv", "129", "--case", "huge"],
    "masked_rows": ["--B", "3", "--Sq", "40", "--Skv", "70",
                    "--case", "masked_rows"],
    "default": [],
    # grid_window modules (check_grid_window): N maps of H x W positions.
    "map": ["--N", "2", "--H", "9", "--W", "7"],
    "map_tall": ["--N", "1", "--H", "37", "--W", "5"],   # several tiles
    "map_row": ["--N", "2", "--H", "1", "--W", "30"],
    "map_pixel": ["--N", "1", "--H", "1", "--W", "1"],
}
# The fused cores of dilated_local and stand_alone (grid_window).
GRID_MODULES = ("grid_dilated", "grid_relative")
GRID_CASES = ("map", "map_tall", "map_row", "map_pixel")
MASKED_ROWS = ("key_padding", "bool_mask", "local_gaussian")
# FP8 modules (name, directory), run as written.
FP8_MODULES = (("scaled_dot_fp8", EXAMPLES), ("causal_fp8", INPUTS),
               ("gqa_fp8", INPUTS), ("key_padding_fp8", INPUTS))

# Head dims beyond the examples' 64: (D, Dv) for scaled_dot, D for causal.
# Those below 16 are padded in the kernel's tiles.
HEAD_DIMS = ((16, 16), (128, 128), (256, 256), (64, 128), (8, 16), (4, 4))
# Odd head dims, f32 only (f16 and bf16 rows must be whole 4-byte words):
# the pooling rows attend with D = 1.
ODD_HEAD_DIMS = ((1, 64), (64, 1), (5, 3))
CAUSAL_HEAD_DIMS = (128,)

RANK4_F32 = re.compile(r"tensor<((?:(?:\?|\d+)x){4})f32>")


class Entry:
    """One module of the suite. `check` is its check_variant NAME, `origin`
    the repository file it comes from (None: generated), `make` returns the
    module text; `flags` go to attn-compile and `check_args` to
    check_variant."""

    def __init__(self, id, check, origin, make, cases, flags=(),
                 check_args=()):
        self.id, self.check, self.origin = id, check, origin
        self.make, self.cases = make, list(cases)
        self.flags, self.check_args = list(flags), list(check_args)


def read(rel):
    with open(os.path.join(REPO_ROOT, rel)) as f:
        return f.read()


def narrowed(rel, dtype, query_heads=None):
    """Module text of `rel` with its rank-4 f32 tensor types made `dtype`
    (f16 or bf16). In the sequence rows and the test modules these are
    exactly q, k, v, the bias and the output; i1 masks, i32 lengths, rank-3
    lse results and f32 weights keep their types. With `query_heads`, their
    head dims (the second) also grow: q's to `query_heads`, k's and v's in
    the same proportion (GQA keeps its group size)."""
    def make():
        text = read(rel)
        heads = {}
        if query_heads:
            sig = parse_main_signature(os.path.join(REPO_ROOT, rel))
            hq, hkv = sig[0][0][1], sig[1][0][1]
            heads = {hq: query_heads, hkv: query_heads * hkv // hq}

        def retype(m):
            dims = m.group(1).split("x")[:-1]
            if dims[1] != "?":
                dims[1] = str(heads.get(int(dims[1]), int(dims[1])))
            return f"tensor<{'x'.join(dims)}x{dtype}>"
        note = f", {query_heads} query heads" if query_heads else ""
        return (f"// {rel} with its rank-4 f32 tensors (q, k, v, bias, "
                f"output) in {dtype}{note}, generated by the GPU suite.\n"
                + RANK4_F32.sub(retype, text))
    return make


def as_written(rel):
    return lambda: read(rel)


def attention_module(heads, d, dv, dtype, causal, kv_heads=None):
    """A module of one attn.attention: q [B,heads,Sq,d], k [B,kv_heads,Skv,d],
    v [B,kv_heads,Skv,dv] of `dtype` (kv_heads: `heads` unless given, GQA
    otherwise), scaled dot scores, causal or not."""
    kv_heads = kv_heads or heads
    qt = f"tensor<?x{heads}x?x{d}x{dtype}>"
    kt = f"tensor<?x{kv_heads}x?x{d}x{dtype}>"
    vt = f"tensor<?x{kv_heads}x?x{dv}x{dtype}>"
    ot = f"tensor<?x{heads}x?x{dv}x{dtype}>"
    attrs = " {causal}" if causal else ""
    name = "causal" if causal else "scaled_dot"
    kv_note = f" ({kv_heads} key/value heads)" if kv_heads != heads else ""
    return lambda: (
        f"// {name} in {dtype}, {heads} heads{kv_note}, D = {d}, Dv = {dv}, "
        f"generated by the GPU suite.\n"
        f"func.func @main(%q: {qt},\n                %k: {kt},\n"
        f"                %v: {vt})\n    -> {ot} {{\n"
        f"  %o = attn.attention %q, %k, %v{attrs}\n"
        f"      : {qt}, {kt}, {vt}\n      -> {ot}\n"
        f"  return %o : {ot}\n}}\n")


def sequence_cases(name):
    base = ref.base_name(name)
    cases = ["odd", "decode", "square", "sq_gt_skv", "skv1"]
    if name in DOT_SCORED:
        cases.append("huge")
    if base in MASKED_ROWS:
        cases.append("masked_rows")
    return cases


def entries():
    """Every entry of the suite, in MANIFEST order."""
    out = []
    rows = [n for n in ref.VARIANTS if ref.element_type(n) == "f32"]
    for base in rows:
        src = os.path.join(EXAMPLES, base + ".mlir")
        out.append(Entry(base, base, src, as_written(src),
                         sequence_cases(base)))
        for t in NARROW:
            name = f"{base}_{t}"
            own = os.path.join(EXAMPLES, name + ".mlir")
            if os.path.exists(os.path.join(REPO_ROOT, own)):
                out.append(Entry(name, name, own, as_written(own),
                                 sequence_cases(name)))
            else:
                out.append(Entry(name, name, src, narrowed(src, t),
                                 sequence_cases(name)))
        if base in TF32_ROWS:
            out.append(Entry(f"{base}_tf32", base, src, as_written(src),
                             sequence_cases(base), **TF32))
    for mod in ROW_REFERENCES:
        for name in mod.ROWS:
            src = os.path.join(EXAMPLES, name + ".mlir")
            if os.path.exists(os.path.join(REPO_ROOT, src)):
                out.append(Entry(name, name, src, as_written(src), ["default"]))
    for name in FLEX_NAMES:
        src = os.path.join(INPUTS, name + ".mlir")
        for t in NARROW:
            out.append(Entry(f"{name}_{t}", f"{name}_{t}", src,
                             narrowed(src, t), sequence_cases(f"{name}_{t}")))
    for fname in sorted(os.listdir(os.path.join(REPO_ROOT, INPUTS))):
        if not fname.endswith("_lse.mlir"):
            continue
        base = fname[: -len("_lse.mlir")]
        src = os.path.join(INPUTS, fname)
        for t in NARROW:
            out.append(Entry(f"{base}_lse_{t}", f"{base}_{t}", src,
                             narrowed(src, t),
                             ["odd", "decode", "sq_gt_skv", "huge"]))
    for name, where in FP8_MODULES:
        src = os.path.join(where, name + ".mlir")
        out.append(Entry(name, name, src, as_written(src),
                         sequence_cases(name)))
    for t in HEAD_DIM_TYPES:
        # tf32: the f32 module and check name, with the TF32 options.
        elem, suffix = ("f32", "") if t in ("f32", "tf32") else (t, f"_{t}")
        extra = TF32 if t == "tf32" else {}
        odd = ODD_HEAD_DIMS if elem == "f32" else ()
        for d, dv in HEAD_DIMS + odd:
            tag = f"d{d}" + (f"v{dv}" if dv != d else "")
            out.append(Entry(f"scaled_dot_{t}_{tag}", f"scaled_dot{suffix}",
                             None, attention_module(4, d, dv, elem, False),
                             ["odd", "decode", "huge"], **extra))
        for d in CAUSAL_HEAD_DIMS:
            out.append(Entry(f"causal_{t}_d{d}", f"causal{suffix}", None,
                             attention_module(4, d, d, elem, True),
                             ["odd", "decode", "sq_gt_skv", "huge"], **extra))
    for name in GRID_MODULES:
        src = os.path.join(INPUTS, name + ".mlir")
        out.append(Entry(name, GRID_WINDOW, src, as_written(src), GRID_CASES))
        for t in NARROW:
            out.append(Entry(f"{name}_{t}", GRID_WINDOW, src,
                             narrowed(src, t), GRID_CASES))
        out.append(Entry(f"{name}_tf32", GRID_WINDOW, src, as_written(src),
                         GRID_CASES, **TF32))
    return out + bench_entries()


def bench_entries():
    """The modules of the GPU benchmark (bench_plan.py), bf16: each is
    checked on a small case too, so that a timing never belongs to a
    kernel that computes something else."""
    t = bench_plan.DTYPE
    out = []
    for d in bench_plan.PREFILL_HEAD_DIMS:
        for causal in (False, True):
            name = "causal" if causal else "scaled_dot"
            heads = bench_plan.HIDDEN // d
            for entry, flags in (
                    (bench_plan.prefill_entry(causal, d), []),
                    (bench_plan.alt_prefill_entry(causal, d),
                     [f"--query-tile={bench_plan.ALT_QUERY_TILE}"])):
                out.append(Entry(entry, f"{name}_{t}", None,
                                 attention_module(heads, d, d, t, causal),
                                 ["odd"], flags=flags))
    dec = bench_plan.DECODE
    # check_variant's gqa reads Hq and Hkv off the module.
    out.append(Entry(bench_plan.decode_entry(), f"gqa_{t}", None,
                     attention_module(dec["Hq"], dec["D"], dec["D"], t, False,
                                      kv_heads=dec["Hkv"]),
                     ["decode", "odd"]))
    for name in bench_plan.VARIANTS:
        src = os.path.join(EXAMPLES, name + ".mlir")
        out.append(Entry(bench_plan.variant_entry(name), f"{name}_{t}", src,
                         narrowed(src, t, bench_plan.VARIANT_SHAPE["Hq"]),
                         ["odd"]))
    return out


def select(ids):
    """The entries named in `ids` (all if empty); unknown ids are an error."""
    every = entries()
    if not ids:
        return every
    known = {e.id: e for e in every}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise SystemExit(f"error: unknown suite entries: {', '.join(unknown)}"
                         f"\n(gpu_suite.py list prints them)")
    return [known[i] for i in ids]


# ---------------------------------------------------------------------------
# Compiling.
# ---------------------------------------------------------------------------

def find_attn_compile(explicit):
    if explicit:
        return explicit
    built = os.path.join(REPO_ROOT, "build", "bin", "attn-compile")
    if os.path.exists(built):
        return built
    return shutil.which("attn-compile") or built


def detect_chip():
    """sm_XX of GPU 0 from nvidia-smi (chip_for_capability); None without
    nvidia-smi."""
    try:
        proc = subprocess.run(["nvidia-smi", "--query-gpu=compute_cap",
                               "--format=csv,noheader"], timeout=60,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              universal_newlines=True)
        cap = float(proc.stdout.split()[0])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
    return chip_for_capability(cap)


def chip_for_capability(cap):
    """The chip attn-compile targets on a GPU of compute capability `cap`
    (9.0, 8.6, ...): sm_90a for exactly 9.0 (H100, H200: warpgroup MMA for
    f16 and bf16), sm_90 above it (the sm_90a features do not carry over to
    later chips), else the newest of sm_89, sm_86, sm_80 at or below it."""
    if abs(cap - 9.0) < 0.05:
        return "sm_90a"
    for chip in (90, 89, 86, 80):
        if cap * 10 >= chip - 0.5:
            return f"sm_{chip}"
    raise SystemExit(f"error: compute capability {cap} is below sm_80, which "
                     f"the GPU kernels need (mma.sync m16n8k16 with bf16)")


def first_error(output):
    """The compiler's first error line, without the file name."""
    for line in output.splitlines():
        if "error:" in line:
            return line[line.index("error:"):].strip()
    lines = [l for l in output.splitlines() if l.strip()]
    return lines[0].strip() if lines else "failed without a message"


def target_flags(target, chip):
    return (["--target=cuda", f"--chip={chip}"] if target == "cuda"
            else [f"--target={target}"])


def compile_entry(entry, modules_dir, kernels_dir, compiler, flags):
    """Writes the module and compiles it (attn-compile `flags`). Returns
    None, or the first error line. Keeps lib<id>.so, .ptx, .cubin and .h;
    drops the .o and .fatbin (the fat binary is inside the .so)."""
    module = os.path.join(modules_dir, entry.id + ".mlir")
    with open(module, "w") as f:
        f.write(entry.make())
    lib = os.path.join(kernels_dir, f"lib{entry.id}.so")
    try:
        proc = subprocess.run([compiler, module] + flags + ["-o", lib],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as e:
        # Not a verdict on the module: the compiler itself did not run.
        raise SystemExit(f"error: could not run {compiler}: {e}")
    for ext in (".o", ".fatbin"):
        stale = lib[: -len(".so")] + ext
        if os.path.exists(stale):
            os.remove(stale)
    if proc.returncode != 0 or not os.path.exists(lib):
        for ext in (".so", ".ptx", ".cubin", ".h"):
            path = lib[: -len(".so")] + ext
            if os.path.exists(path):
                os.remove(path)
        if proc.returncode < 0:
            return f"error: attn-compile died of signal {-proc.returncode}"
        return first_error(proc.stdout)
    return None


# ---------------------------------------------------------------------------
# Packing.
# ---------------------------------------------------------------------------

# What the standalone runtime build (cmake -S lib/Runtime) reads, and the
# checkers. Test drivers are not built there (ATTN_RUNTIME_BUILD_TESTS=OFF).
RUNTIME_SOURCES = (os.path.join("lib", "Runtime"),
                   os.path.join("include", "attn", "Runtime"),
                   os.path.join("tools", "attn-exec"))
SOURCE_SUFFIXES = (".cpp", ".h", ".c", ".txt", ".cmake", ".in")


def copy_tree(rel, dest_root, suffixes):
    src = os.path.join(REPO_ROOT, rel)
    for dirpath, _, files in os.walk(src):
        for fname in files:
            if fname.endswith(suffixes):
                path = os.path.join(dirpath, fname)
                out = os.path.join(dest_root, os.path.relpath(path, REPO_ROOT))
                os.makedirs(os.path.dirname(out), exist_ok=True)
                shutil.copy2(path, out)


def copy_fmt(dest_root):
    """fmt's headers (header-only use), for machines without libfmt-dev."""
    for inc in ("/usr/include", "/usr/local/include"):
        if os.path.exists(os.path.join(inc, "fmt", "format.h")):
            out = os.path.join(dest_root, "third_party", "fmt", "include",
                               "fmt")
            shutil.copytree(os.path.join(inc, "fmt"), out)
            for doc in ("/usr/share/doc/libfmt-dev/copyright",):
                if os.path.exists(doc):
                    shutil.copy2(doc, os.path.join(out, "..", "..", "LICENSE"))
            return True
    return False


def compiler_revision():
    """`<commit>` of this checkout, plus a note when the compiler's sources
    have uncommitted changes."""
    def git(*args):
        try:
            return subprocess.run(["git", "-C", REPO_ROOT] + list(args),
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL,
                                  universal_newlines=True, timeout=60).stdout
        except (OSError, subprocess.SubprocessError):
            return ""
    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    if git("status", "--porcelain", "--", "lib", "include", "tools").strip():
        commit += " (with uncommitted changes in lib/, include/ or tools/)"
    return commit


def tree_bytes(root):
    total = 0
    for dirpath, _, files in os.walk(root):
        for fname in files:
            total += os.path.getsize(os.path.join(dirpath, fname))
    return total


def write_manifest(path, info, packed, unsupported):
    lines = [
        "attn GPU suite",
        f"packed:   {info['date']}",
        f"compiler: {info['compiler']}",
        f"target:   {info['target']} {info['chip']}",
        "",
        "Run on a machine with a GPU, CUDA, CMake, a C++ compiler and python3",
        "with numpy: ./run (or scripts/gpu-check DIR). Each line it prints is",
        "ID/CASE: PASS|FAIL, against the float64 reference (check_variant.py)",
        "within the tolerances of the variant specification (f32: 1e-4 +",
        "1e-3|ref|; f16, bf16 and TF32 (the _tf32 entries, f32 modules",
        "compiled with --allow-tf32): 2e-2 + 2e-2|ref|).",
        "",
        f"Packed ({len(packed)}): ID  [check_variant NAME]  from  cases",
    ]
    for e in packed:
        check = " ".join([e["check"]] + e.get("check_args", []))
        lines.append(f"  {e['id']}  [{check}]  {e['origin']}  "
                     f"{' '.join(e['cases'])}")
    lines += ["", f"Unsupported ({len(unsupported)}): did not compile for "
              f"{info['chip']}; the compiler's first error:"]
    for e in unsupported:
        lines.append(f"  {e['id']}  ({e['origin']}): {e['reason']}")
    lines += ["", "Cases (check_variant options):"]
    for name, args in CASES.items():
        if any(name in e["cases"] for e in packed):
            lines.append(f"  {name}: {' '.join(args) or '(defaults)'}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def pack(args):
    chip = args.chip if args.target == "cuda" else "host"
    if chip == "auto":
        chip = detect_chip() or "sm_80"
        print(f"chip: {chip}")
    if args.target == "cuda" and not re.fullmatch(r"sm_\d+a?", chip):
        raise SystemExit(f"error: --chip {chip}: expected sm_ and the compute "
                         f"capability, e.g. sm_80 or sm_90a")
    dest = os.path.abspath(args.dir)
    if os.path.exists(dest) and os.listdir(dest):
        raise SystemExit(f"error: {dest} exists and is not empty")
    missing = [rel for rel in RUNTIME_SOURCES
               if not os.path.isdir(os.path.join(REPO_ROOT, rel))]
    if missing:
        raise SystemExit(f"error: this checkout lacks {', '.join(missing)}, "
                         f"which the pack's runtime build needs")
    compiler = find_attn_compile(args.attn_compile)
    if not os.path.exists(compiler) and not shutil.which(compiler):
        raise SystemExit(f"error: no attn-compile at {compiler} (build it "
                         f"with scripts/build, or pass --attn-compile)")
    chosen = select([i for i in (args.only or "").split(",") if i])
    modules_dir = os.path.join(dest, "modules")
    kernels_dir = os.path.join(dest, "kernels")
    os.makedirs(modules_dir)
    os.makedirs(kernels_dir)

    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        errors = list(pool.map(
            lambda e: compile_entry(e, modules_dir, kernels_dir, compiler,
                                    target_flags(args.target, chip)
                                    + (e.flags if args.target != "cpu"
                                       else [])), chosen))
    packed, unsupported = [], []
    for e, err in zip(chosen, errors):
        origin = e.origin or "generated"
        if err:
            unsupported.append({"id": e.id, "origin": origin, "reason": err})
            print(f"{e.id}: unsupported: {err}")
            continue
        packed.append({"id": e.id, "check": e.check, "origin": origin,
                       "module": f"modules/{e.id}.mlir",
                       "library": f"kernels/lib{e.id}.so",
                       "cases": e.cases, "check_args": e.check_args})
        print(f"{e.id}: compiled")
    if not packed:
        print(f"error: nothing compiled for {chip}")
        return 1
    # The modules of unsupported entries stay in DIR/modules for reference.

    for rel in RUNTIME_SOURCES:
        copy_tree(rel, dest, SOURCE_SUFFIXES)
    copy_tree(os.path.join("test", "Integration", "lib"), dest, (".py",))
    for e in chosen:
        if e.origin:
            out = os.path.join(dest, e.origin)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            shutil.copy2(os.path.join(REPO_ROOT, e.origin), out)
    if not copy_fmt(dest):
        print("warning: fmt headers not found; the machine with the GPU needs "
              "libfmt-dev")
    run = os.path.join(dest, "run")
    shutil.copy2(os.path.join(HERE, "gpu-run.sh"), run)
    os.chmod(run, 0o755)
    os.makedirs(os.path.join(dest, "scripts"))
    shutil.copy2(os.path.join(REPO_ROOT, "scripts", "gpu-check"),
                 os.path.join(dest, "scripts", "gpu-check"))

    info = {"date": datetime.datetime.now(datetime.timezone.utc)
            .strftime("%Y-%m-%d %H:%M UTC"),
            "compiler": compiler_revision(), "target": args.target,
            "chip": chip}
    with open(os.path.join(dest, "suite.json"), "w") as f:
        json.dump({"info": info, "cases": CASES, "packed": packed,
                   "unsupported": unsupported}, f, indent=1)
    write_manifest(os.path.join(dest, "MANIFEST"), info, packed, unsupported)
    size = tree_bytes(dest)
    print(f"packed {len(packed)} modules for {chip} ({len(unsupported)} "
          f"unsupported) into {dest}: {size / 1e6:.1f} MB")
    if size > MAX_PACK_BYTES:
        print(f"error: {dest} is {size / 1e6:.1f} MB, over the 50 MB limit")
        return 1
    return 0


# ---------------------------------------------------------------------------
# One entry at a time (lit tests).
# ---------------------------------------------------------------------------

def compile_one(args):
    (entry,) = select([args.id])
    os.makedirs(args.outdir, exist_ok=True)
    chip = args.chip or detect_chip() or "sm_80"
    err = compile_entry(entry, args.outdir, args.outdir,
                        find_attn_compile(args.attn_compile),
                        target_flags("cuda", chip) + entry.flags)
    if err:
        print(f"{entry.id}: unsupported: {err}")
        return 1
    return 0


def check_one(args, rest):
    (entry,) = select([args.id])
    main, argv = checker(entry.check,
                         os.path.join(args.dir, entry.id + ".mlir"),
                         os.path.join(args.dir, f"lib{entry.id}.so"))
    return main(argv + entry.check_args + rest)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    pk = sub.add_parser("pack", help="compile the suite and pack it in DIR")
    pk.add_argument("dir")
    pk.add_argument("--chip", default="sm_80",
                    help="sm_80, sm_86, sm_89, sm_90, sm_90a; auto: this "
                         "machine's GPU (nvidia-smi; sm_90a on H100 and "
                         "H200), else sm_80")
    pk.add_argument("--target", choices=("cuda", "cpu", "gpu-emulator"),
                    default="cuda",
                    help="cpu: host libraries; gpu-emulator: the CUDA kernels "
                         "on CPU threads (both to test without a GPU)")
    pk.add_argument("--only", default=None, metavar="ID,...")
    pk.add_argument("--attn-compile", dest="attn_compile", default=None)
    pk.add_argument("--jobs", type=int, default=os.cpu_count() or 4)
    sub.add_parser("list", help="print the suite's entries")
    co = sub.add_parser("compile", help="compile one entry into OUTDIR")
    co.add_argument("id")
    co.add_argument("outdir")
    co.add_argument("--chip", default=None)
    co.add_argument("--attn-compile", dest="attn_compile", default=None)
    ch = sub.add_parser("check", help="check one compiled entry (check_variant "
                                      "options follow)")
    ch.add_argument("id")
    ch.add_argument("dir")
    args, rest = p.parse_known_args(argv)
    if rest and args.command != "check":
        p.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "pack":
        return pack(args)
    if args.command == "list":
        for e in entries():
            check = " ".join([e.check] + e.check_args)
            print(f"{e.id}  [{check}]  {e.origin or 'generated'}  "
                  f"{' '.join(e.cases)}")
        return 0
    if args.command == "compile":
        return compile_one(args)
    return check_one(args, rest)


if __name__ == "__main__":
    sys.exit(main())
