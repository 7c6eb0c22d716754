"""One case of a whole row (section D: reference_structure.py, section E:
reference_vision.py, section F: reference_further.py) checked end to end:
its example's signature against the row's, inputs, the float64 results,
the module run through attn-run or attn-exec, and the comparison."""

import os
import shutil
import tempfile

import numpy as np

import reference_further as rf
import reference_structure as rs
import reference_vision as rv
from attn_runner import attn_run_command, invoke_attn_run, tool_name
from compare_results import compare
from module_signature import (UsageError, bind_argument_dims,
                              parse_main_results, parse_main_signature)

# Modules of float64 references for whole rows (sections D, E and F), each
# with ROWS, DYNAMIC, DEFAULT_DIMS, make_inputs, reference and self_test.
ROW_REFERENCES = (rs, rv, rf)


def row_reference(name):
    """The reference module whose ROWS holds `name`, or None."""
    return next((m for m in ROW_REFERENCES if name in m.ROWS), None)


def structure_dims(name, path):
    """Static sizes of row `name` read off its example's @main, after
    checking the argument count, ranks, element types (f32), which sizes
    are dynamic, and the results."""
    mod = row_reference(name)
    row = mod.ROWS[name]
    signature = parse_main_signature(path)
    if len(signature) != len(row["args"]):
        raise UsageError(f"{name}: @main takes {len(signature)} tensors, "
                         f"VARIANTS.md lists {len(row['args'])}")
    dims = {}
    for (arg, shape, _), (sdims, elem) in zip(row["args"], signature):
        if elem != "f32":
            raise UsageError(f"{name}: argument {arg} has element type {elem}, "
                             f"expected f32")
        bind_argument_dims(name, arg, shape, sdims,
                           row.get("dynamic", mod.DYNAMIC), dims)
    results = parse_main_results(path)
    if len(results) != len(row["results"]):
        raise UsageError(f"{name}: @main returns {len(results)} tensors, "
                         f"VARIANTS.md lists {len(row['results'])}")
    for n, ((rdims, elem), shape) in enumerate(zip(results, row["results"])):
        if elem != "f32" or len(rdims) != len(shape):
            raise UsageError(f"{name}: result #{n} is not an f32 tensor of "
                             f"rank {len(shape)}")
    return dims


def run_structure(args):
    name = args.name
    mod = row_reference(name)
    # Section D has one input case; vision rows list theirs (CASES).
    cases = getattr(mod, "CASES", ("random",))
    if args.case not in cases or (args.module and mod is rs):
        raise UsageError(f"{name}: --case {args.case}"
                         f"{' and --module' if args.module else ''} do not "
                         f"apply (cases: {', '.join(cases)})")
    example = args.module or os.path.join(args.examples, name + ".mlir")
    if not os.path.exists(example):
        raise UsageError(f"no module file {example}")
    dims = structure_dims(name, example)
    for sym, val in mod.DEFAULT_DIMS.items():
        dims.setdefault(sym, val)
    dims.update(B=args.B, Sq=args.Sq, Skv=args.Skv)
    used = [s for s in mod.ROWS[name].get("dynamic", mod.DYNAMIC)
            if any(s in shape for _, shape, _ in mod.ROWS[name]["args"])]
    # A row may allow an empty batch (EMPTY_OK, e.g. --dim N=0).
    empty_ok = getattr(mod, "EMPTY_OK", ())
    for item in args.dim:
        sym, _, val = item.partition("=")
        if (sym not in used or not val.isdigit()
                or int(val) < (0 if sym in empty_ok else 1)):
            raise UsageError(f"{name}: --dim {item}: expected SYM=N with N >= 1 "
                             f"(N >= 0 for {', '.join(empty_ok) or 'none'}) "
                             f"and SYM one of {', '.join(used)}")
        dims[sym] = int(val)
    if len(cases) > 1:
        inputs = mod.make_inputs(name, dims, args.seed, args.case)
    else:
        inputs = mod.make_inputs(name, dims, args.seed)
    expected = mod.reference(name, *inputs)

    tmp = args.keep_dir or tempfile.mkdtemp(prefix=f"check-{name}-")
    os.makedirs(tmp, exist_ok=True)
    try:
        cmd, out_paths = attn_run_command(
            args, example, [(arg, x) for (arg, _, _), x in
                            zip(mod.ROWS[name]["args"], inputs)], tmp,
            [f"res{n}" for n in range(len(expected))])
        head = name + " " + " ".join(f"{s}={dims[s]}" for s in used)
        if args.case != "random":
            head += f" case={args.case}"
        if args.module:
            head += f" module={os.path.basename(args.module)}"
        if args.library:
            head += f" library={os.path.basename(args.library)}"
        proc = invoke_attn_run(cmd, head, args.timeout)
        if proc is None:
            return 1
        ok, summaries, details = True, [], []
        for n, (path, want) in enumerate(zip(out_paths, expected)):
            try:
                out = np.load(path)
            except (OSError, ValueError) as e:
                print(f"{head}: FAIL: cannot read {tool_name(cmd)}'s result "
                      f"#{n}: {e}")
                return 1
            r_ok, r_summary, r_details = compare(out, want, "f32")
            ok = ok and r_ok
            summaries.append((f"res{n}: " if len(expected) > 1 else "")
                             + r_summary)
            if r_details:
                details.append(r_details)
        print(f"{head}: {' '.join(summaries)} {'PASS' if ok else 'FAIL'}")
        if details:
            print("\n".join(details))
        if args.print_time:
            for line in proc.stdout.splitlines():
                if line.strip():
                    print(f"  {tool_name(cmd)}: " + line.rstrip())
        if not ok:
            print("  command: " + " ".join(cmd))
        return 0 if ok else 1
    finally:
        if not args.keep_dir:
            shutil.rmtree(tmp, ignore_errors=True)
