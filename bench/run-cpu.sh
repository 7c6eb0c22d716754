#!/usr/bin/env bash
# Runs attn-bench over the standard CPU set and prints a markdown table.
#
#   bench/run-cpu.sh [extra attn-bench options, e.g. --repeat 20 --threads 2]
#
# The set: FlashAttention-style shapes scaled for a 2-core CPU: B=1, 4 heads
# (as in examples/variants), D=64, Sq=Skv in {512,1024,2048,4096}, causal and
# scaled_dot in f32, scaled_dot and causal in bf16 and f16 at 2048, and
# decode (Sq=1) against Skv of 4096 and 32768. Every row is one attn-bench
# run with --peak: the compiled module, the OpenBLAS baseline, this
# machine's FMA peak and read bandwidth measured in the same process; the
# ratio is compiled GFLOP/s over baseline GFLOP/s, "% peak" is of the
# measured peak and "% BW" is the K and V bytes per second over the measured
# read bandwidth (what bounds decode). The attn-bench binary is
# $ATTN_BENCH, else build-bench/bin/attn-bench or build/bin/attn-bench under
# the repository, else the one on PATH. Exits 1 when a run fails or a
# correctness check does not pass.
set -u
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="${ATTN_BENCH:-}"
if [ -z "$bench" ]; then
  for candidate in "$root/build-bench/bin/attn-bench" \
                   "$root/build/bin/attn-bench"; do
    if [ -x "$candidate" ]; then bench="$candidate"; break; fi
  done
fi
[ -n "$bench" ] || bench="$(command -v attn-bench || true)"
if [ -z "$bench" ]; then
  echo "error: attn-bench not found (build it, or set ATTN_BENCH)" >&2
  exit 1
fi

repeat_args=(--repeat 10 --warmup 2)
runs=()
for s in 512 1024 2048 4096; do
  runs+=("causal $s $s" "scaled_dot $s $s")
done
for v in scaled_dot_bf16 causal_bf16 scaled_dot_f16 causal_f16; do
  runs+=("$v 2048 2048")
done
runs+=("scaled_dot 1 4096" "scaled_dot 1 32768")

status=0
echo "| variant | dtype | B×H×Sq×Skv×D | GFLOP | compiled ms | compiled GFLOP/s | % peak | % BW | OpenBLAS GFLOP/s | ratio | peak GFLOP/s | BW GB/s | check |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for run in "${runs[@]}"; do
  read -r variant sq skv <<<"$run"
  if ! out="$("$bench" "$root/examples/variants/$variant.mlir" --B 1 \
                --Sq "$sq" --Skv "$skv" "${repeat_args[@]}" --peak "$@" --csv)"; then
    status=1
  fi
  row="$(printf '%s\n' "$out" | tail -n 1)"
  case "$row" in
    "$variant",*) ;;
    *) echo "| $variant | | 1×4×$sq×$skv×64 | | | | | | | | | | error |"
       status=1; continue ;;
  esac
  # variant,dtype,B,Hq,Hkv,Sq,Skv,D,mask,flops,c_med,c_min,c_gf,c_pct,
  # b_med,b_min,b_gf,b_pct,ratio,threads,max_abs_err,check,peak_gflops,
  # read_gbs,kv_gbs,kv_bandwidth_pct
  IFS=, read -r v dt b hq hkv sq skv d mask flops cmed cmin cgf cpct \
    bmed bmin bgf bpct ratio thr err check peak bw kvgbs kvpct <<<"$row"
  gflop="$(awk -v f="$flops" 'BEGIN { printf "%.2f", f / 1e9 }')"
  echo "| $v | $dt | ${b}×${hq}×${sq}×${skv}×${d} | $gflop | $cmed | $cgf | $cpct | $kvpct | $bgf | ${ratio}× | $peak | $bw | $check |"
done
exit $status
