"""One case of a variant of sections A-C or a FLEX module (in f32, f16 or
bf16; a variant also in fp8) checked end to end: inputs, the float64 output (and lse), the module
run through attn-run or attn-exec, the comparison, and with --print-time
the rate over the visible query-key pairs."""

import os
import re
import shutil
import tempfile

import numpy as np

import reference as ref
from attn_runner import attn_run_command, invoke_attn_run, tool_name
from compare_results import compare, compare_lse
from module_signature import UsageError
from variant_inputs import variant_inputs
from variant_specs import (SPECS, default_module, variant_lse,
                           variant_reference, variant_scores)

# A time in the lines of attn-run's (attn-exec's) --print-time, and its unit.
TIME_RE = re.compile(r"([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(ns|us|µs|ms|s)\b")
UNIT = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0}


def visible_flops(name, inputs):
    """4 * D * (visible query-key pairs), the DESIGN.md FLOP count."""
    try:
        _, vis = variant_scores(name, *inputs)
        pairs = int(vis.sum())
    except ValueError:
        q, k = inputs[0], inputs[1]
        pairs = q.shape[0] * q.shape[1] * q.shape[2] * k.shape[2]
    return 4.0 * pairs * inputs[0].shape[-1]


def run_variant(args):
    name = args.name
    if name not in SPECS:
        raise UsageError(f"unknown variant {name!r}; known: {', '.join(SPECS)}")
    etype = ref.element_type(name)
    if args.tf32 and etype != "f32":
        raise UsageError(f"--tf32 applies to f32 modules, not {name} ({etype})")
    example = args.module or default_module(name, args.examples)
    if not os.path.exists(example):
        raise UsageError(f"no module file {example}")
    inputs, roles = variant_inputs(name, example, args.B, args.Sq, args.Skv,
                                   args.case, args.seed)
    expected = {"out": variant_reference(name, *inputs)}
    if "lse" in roles:
        expected["lse"] = variant_lse(name, *inputs)

    tmp = args.keep_dir or tempfile.mkdtemp(prefix=f"check-{name}-")
    os.makedirs(tmp, exist_ok=True)
    try:
        cmd, out_paths = attn_run_command(
            args, example, [(arg, x) for (arg, _, _), x in
                            zip(SPECS[name], inputs)], tmp, roles)
        head = f"{name} B={args.B} Sq={args.Sq} Skv={args.Skv}"
        if args.module:
            head += f" module={os.path.basename(args.module)}"
        if args.case != "random":
            head += f" case={args.case}"
        if args.query_tile is not None or args.key_tile is not None:
            head += f" tiles={args.query_tile or '-'}x{args.key_tile or '-'}"
        if args.library:
            head += f" library={os.path.basename(args.library)}"
        if args.tf32:
            head += " tf32"
        proc = invoke_attn_run(cmd, head, args.timeout)
        if proc is None:
            return 1
        ok, summaries, all_details = True, [], []
        for role, path in zip(roles, out_paths):
            try:
                out = np.load(path)
            except (OSError, ValueError) as e:
                print(f"{head}: FAIL: cannot read {tool_name(cmd)}'s {role} "
                      f"result: {e}")
                return 1
            if role == "lse":
                r_ok, r_summary, r_details = compare_lse(out, expected[role])
            else:
                # the output's type sets the tolerances: NAME_fp8's is
                # bf16 (reference.output_type)
                r_ok, r_summary, r_details = compare(
                    out, expected[role],
                    "tf32" if args.tf32 else ref.output_type(name))
            ok = ok and r_ok
            summaries.append(r_summary)
            if r_details:
                all_details.append(r_details)
        summary, details = " ".join(summaries), "\n".join(all_details)
        print(f"{head}: {summary} {'PASS' if ok else 'FAIL'}")
        if details:
            print(details)
        if args.print_time:
            flops = visible_flops(name, inputs)
            for line in proc.stdout.splitlines():
                if not line.strip():
                    continue
                print(f"  {tool_name(cmd)}: " + line.rstrip())
                m = TIME_RE.search(line) if "time" in line.lower() else None
                if m:
                    secs = float(m.group(1)) * UNIT[m.group(2)]
                    if secs > 0:
                        print(f"  {flops / 1e9:.3f} GFLOP (visible pairs) in "
                              f"{secs * 1e3:.3f} ms: {flops / secs / 1e9:.1f} GFLOP/s")
        if not ok:
            print("  command: " + " ".join(cmd))
            if not args.keep_dir:
                print("  (rerun with --keep-dir DIR to keep the .npy files)")
        return 0 if ok else 1
    finally:
        if not args.keep_dir:
            shutil.rmtree(tmp, ignore_errors=True)
