#!/usr/bin/env bash
# Times every fused sequence variant (sections A-C of the variant
# specification) at one shape and prints a markdown table with each time
# over scaled_dot's, measured in the same run.
#
#   bench/run-variants.sh [--S N] [--repeat N] [--threads T]
#
# Each row is test/Integration/lib/check_variant.py with --print-time: the
# example module through attn-run (--repeat calls, median wall time), on
# B=1, Sq=Skv=S (default 1024), with its output checked against the float64
# reference (a row that fails the check shows FAIL and makes the exit
# status 1). FLOPs count visible pairs only, as attn-bench does. "time /
# scaled_dot" compares times at the same shape (a masked variant that skips
# tiles is below 1; gqa has twice the query heads); "per FLOP" is scaled_dot's
# GFLOP/s over the variant's, the cost of its useful work relative to
# scaled_dot. OMP_NUM_THREADS is set to --threads (default 2).
set -u
root="$(cd "$(dirname "$0")/.." && pwd)"
S=1024 repeat=10 threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --S) S="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    *) echo "run-variants.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
export OMP_NUM_THREADS="$threads"
variants=(scaled_dot dot general additive cosine neg_l2 multi_dimensional
  compositional sigmoid hard topk hard_sample causal sliding_window
  local_window local_gaussian key_padding bool_mask bias alibi softcap
  relative_position gqa causal_bf16 causal_f16 scaled_dot_bf16
  scaled_dot_f16)
status=0 base="" basegf=""
echo "| variant | ms | GFLOP/s (visible pairs) | time / scaled_dot | per FLOP | check |"
echo "|---|---:|---:|---:|---:|---|"
for v in "${variants[@]}"; do
  out="$(/usr/bin/python3 "$root/test/Integration/lib/check_variant.py" "$v" \
         --B 1 --Sq "$S" --Skv "$S" --print-time --repeat "$repeat" 2>&1)"
  if grep -q "near-ties" <<<"$out"; then
    # The reference cannot separate the k-th largest score at this size.
    echo "| $v | | | | | skipped: no tie-free inputs at this size |"
    continue
  fi
  check=PASS
  grep -q "FAIL" <<<"$out" && { check=FAIL; status=1; }
  line="$(grep -m1 "GFLOP (visible pairs) in" <<<"$out")"
  ms="$(sed -n 's/.* in \([0-9.]*\) ms.*/\1/p' <<<"$line")"
  gf="$(sed -n 's/.*ms: \([0-9.]*\) GFLOP\/s.*/\1/p' <<<"$line")"
  [ -z "$ms" ] && { echo "| $v | | | | | error |"; status=1; continue; }
  [ -z "$base" ] && { base="$ms"; basegf="$gf"; }
  ratio="$(awk -v a="$ms" -v b="$base" 'BEGIN { printf "%.2f", a / b }')"
  perflop="$(awk -v a="$basegf" -v b="$gf" 'BEGIN { printf "%.2f", a / b }')"
  echo "| $v | $ms | $gf | ${ratio}× | ${perflop}× | $check |"
done
exit $status
