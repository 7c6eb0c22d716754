#!/usr/bin/env python3
"""Runs one example of examples/variants through attn-run and checks it
against the float64 reference (reference.py) with the tolerances of
shared/VARIANTS.md.

  check_variant.py NAME [--B N] [--Sq N] [--Skv N] [--seed N]
                   [--case random|huge|masked_rows] [--attn-run PATH]
                   [--examples DIR] [--module PATH] [--query-tile N]
                   [--key-tile N] [--print-time] [--repeat N]
                   [--runner attn-run|attn-exec] [--library PATH]
                   [--attn-exec PATH] [--tf32]
  check_variant.py --self-test

NAME is a variant of shared/VARIANTS.md (module examples/variants/NAME.mlir)
or one of the FlexAttention-style modules of FLEX below (module
test/Integration/CPU/Inputs/NAME.mlir), whose score_mod / mask_mod math is
written again here in float64.

--module PATH runs another module with the same arguments as NAME, e.g. one
that also returns the log-sum-exp. The results of its @main are read off
its signature: the first (rank 4) is the output; a second of rank 3,
[B,Hq,Sq] f32, is the lse, checked against reference.lse (natural log of
the sum of exp over the visible scores; exactly -inf on a row with no
visible key, finite elsewhere, f32 tolerances).

--query-tile / --key-tile are passed on to attn-run (tile sizes of the
fused loop nest), so small tiles put many tile boundaries in small sizes.

--runner attn-exec --library PATH runs a library that attn-compile built
beforehand (for instance with --target=cuda, on a machine without MLIR)
through attn-exec instead of compiling the module with attn-run; the module
(--module, else the example) still gives the signature. The library must
have been built from that module. Tiles are fixed in the library then.

--tf32: the f32 module was compiled with attn-compile --allow-tf32, so its
contractions ran on TF32 tensor cores (10-bit mantissa, as f16): its output
is compared with the f16 tolerances (the inputs stay f32; the rounding to
TF32 happens inside the kernel, and the reference does not see it).

Every variant of sections A-C and every FLEX module also exists as
NAME_f16 and NAME_bf16 (as causal_f16 is causal in f16): the same math on
a module whose q, k, v and output, and bias if it has one, are of that
element type (pass it with --module), compared with the f16/bf16
tolerances.

Every variant of sections A-C also exists as NAME_fp8 (scaled_dot_fp8,
causal_fp8, gqa_fp8, key_padding_fp8, ...; not the FLEX modules): NAME's
module with q, k, v of element type f8E4M3FN (FP8 E4M3, max 448, no
infinities), the output bf16, and one more argument, the last,
`scales : tensor<3xf32>` = [sq, sk, sv], the per-tensor dequantisation
scales (the query is q8 * sq, and so on); bias, masks and the other
arguments keep NAME's types. Pass the module with --module unless
examples/variants/NAME_fp8.mlir exists. The oracle draws q, k, v as for
NAME, picks s = max|x| / 448 per tensor (rounded up to 4 significant bits,
so that x8 * s is exact even in bf16; doubled where it would equal the
scale of q or k, so that the three differ and a mixed-up scale shows),
and writes x8 = round_to_e4m3(x / s)
as float32 .npy files (values E4M3 holds exactly, so attn-run's
narrowing changes nothing) and scales.npy last. The reference is NAME's
math in float64 on exactly x8 * s (reference.dequantize). The output is
compared with the bf16 tolerances (reference.output_type): the inputs are
exact, so only the kernel's arithmetic and the bf16 output differ. The
huge case works for NAME_fp8 too (logits of ~1e3 from the dequantised
values; a redrawn q row is quantised with q's scale).

Prints one line `NAME B=.. Sq=.. Skv=..: max_abs_err=.. max_rel_err=.. PASS`
and exits 0, or prints what went wrong and exits 1 (mismatch, NaN/Inf,
wrong shape or dtype, attn-run failure). Exit status 2: bad usage (unknown
variant, a case that does not apply).

Cases:
  random       normal q, k, v (and weights); key_padding lengths include 0
               for one batch (B >= 2); bool masks have fully masked rows.
  huge         q and k on a coarse grid so that every dot product is exact
               in f32, q scaled so the logits reach magnitude ~1e3, and the
               two largest scores of every row at least 16 apart: checks
               that the max is subtracted before exponentiating and the
               online rescaling, without near-ties that f32 rounding of
               1e3-sized logits would legitimately perturb.
  masked_rows  many rows with no visible key (key_padding: every length but
               the last is 0 (all of them if B = 1); bool_mask: every
               other row all false; local_gaussian: every other position
               far outside; causal-like
               masks: needs Sq > Skv). Fails with status 2 if the sizes
               leave no fully masked row.

max_rel_err is max |out - ref| / max(|ref|, atol) over the elements; the
pass criterion is elementwise |out - ref| <= atol + rtol |ref|.

Section D (structure) rows run the same way against reference_structure.py
(multi_head, causal_self_attention, gated_heads, feed_forward_pool,
hierarchical, co_attention, attention_over_attention, memory_network,
encoder_layer): their arguments and results are those of
reference_structure.ROWS; --B, --Sq, --Skv set B, Sq, Skv and
--dim SYM=N any other length (S, Ns, Nw, Na, Nb, Nd, Nq, N); every result
(both of co_attention) is compared with the f32 tolerances. --case,
--module and tiles do not apply to them, except --query-tile/--key-tile.

Section E (vision) rows run the same way against reference_vision.py
(squeeze_excite, eca, spatial, cbam, selective_kernel and the other rows
of reference_vision.ROWS): --dim sets N, H, W, or the sizes a row lists as
its own "dynamic" (N, C for channel_self; N, C, H, W for
spatial_transformer) (default N=2 and the sizes of
reference_vision.DEFAULT_DIMS); --case random or large (activations times
reference_vision.LARGE_SCALE, so the gates saturate); --module runs another
module with the row's arguments and results.

Section F rows (temporal, pyramid, ema, gumbel_heads, criss_cross,
dilated_local, stand_alone) run the same
way against reference_further.py: --dim sets N, H, W (temporal: also T;
gumbel_heads takes --B, --Sq, --Skv), and N may be 0 (an empty batch).

--self-test checks the oracle itself: reference.py against naive.py (plain
Python loops) for every variant of sections A-C on tiny sizes (also as
NAME_fp8, against naive.py on the dequantised inputs), plus the input
generators, bf16 rounding, E4M3 rounding (round_to_e4m3 against all 256
codes decoded by formula), the comparison and the example files'
signatures. It needs neither attn-run nor the compiler.
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep the source tree clean under lit
sys.path.insert(0, HERE)
import reference_vision as rv  # noqa: E402
from attn_runner import REPO_ROOT, check_runner_options  # noqa: E402
from module_signature import UsageError  # noqa: E402
from row_check import row_reference, run_structure  # noqa: E402
from sequence_check import run_variant  # noqa: E402
from variant_inputs import CASES  # noqa: E402
from variant_self_test import self_test  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("name", nargs="?", help="variant (examples/variants/NAME.mlir)")
    p.add_argument("--B", type=int, default=2)
    p.add_argument("--Sq", type=int, default=33)
    p.add_argument("--Skv", type=int, default=65)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--case", default="random",
                   choices=list(dict.fromkeys(CASES + rv.CASES)))
    p.add_argument("--attn-run", dest="attn_run", default=None,
                   help="attn-run binary (default: on PATH, else build/bin)")
    p.add_argument("--examples", default=os.path.join(REPO_ROOT, "examples", "variants"))
    p.add_argument("--module", default=None,
                   help="module to run instead of NAME's (same arguments; "
                        "results: output, optionally lse)")
    p.add_argument("--query-tile", dest="query_tile", type=int, default=None,
                   help="pass --query-tile=N to attn-run")
    p.add_argument("--key-tile", dest="key_tile", type=int, default=None,
                   help="pass --key-tile=N to attn-run")
    p.add_argument("--print-time", dest="print_time", action="store_true",
                   help="pass --print-time to attn-run (attn-exec) and echo "
                        "its time")
    p.add_argument("--repeat", type=int, default=None,
                   help="pass --repeat=N to attn-run (attn-exec)")
    p.add_argument("--runner", choices=("attn-run", "attn-exec"),
                   default="attn-run",
                   help="attn-run compiles the module and runs it; attn-exec "
                        "runs the prebuilt --library")
    p.add_argument("--library", default=None,
                   help="--runner attn-exec: the library attn-compile built "
                        "from the module (CPU or CUDA)")
    p.add_argument("--tf32", action="store_true",
                   help="the f32 module ran on TF32 tensor cores (attn-compile "
                        "--allow-tf32): compare with the f16 tolerances")
    p.add_argument("--attn-exec", dest="attn_exec", default=None,
                   help="attn-exec binary (default: on PATH, else "
                        "build-runtime/bin, else build/bin)")
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--keep-dir", dest="keep_dir", default=None,
                   help="write the .npy files here and keep them")
    p.add_argument("--self-test", dest="self_test", action="store_true")
    p.add_argument("--dim", action="append", default=[], metavar="SYM=N",
                   help="section D and E rows: a length other than B, Sq, "
                        "Skv (S, Ns, Nw, Na, Nb, Nd, Nq, N; vision: N, H, W)")
    args = p.parse_args(argv)
    try:
        if args.self_test:
            return self_test()
        if not args.name:
            p.error("NAME is required (or --self-test)")
        for dim in ("B", "Sq", "Skv"):
            if getattr(args, dim) < 1:
                raise UsageError(f"--{dim} must be at least 1")
        check_runner_options(args)
        if row_reference(args.name):
            if args.tf32:
                raise UsageError("--tf32 applies to attention variants, not "
                                 "to the rows of sections D and E")
            return run_structure(args)
        if args.case not in CASES:
            raise UsageError(f"case {args.case} applies to vision rows only")
        return run_variant(args)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
