#!/usr/bin/env bash
# Runs attn-bench over the standard CPU set and prints a markdown table.
#
#   bench/run-cpu.sh [extra attn-bench options, e.g. --repeat 20 --threads 2]
#
# The set: FlashAttention-style shapes scaled for a 2-core CPU: B=1, 4 heads
# (as in examples/variants), D=64, Sq=Skv in {512,1024,2048,4096}, causal and
# scaled_dot in f32, and causal_bf16 at 1024. Every row is one attn-bench run:
# the compiled module and the OpenBLAS baseline timed in the same process;
# the ratio is compiled GFLOP/s over baseline GFLOP/s. The attn-bench binary
# is $ATTN_BENCH, else build-bench/bin/attn-bench or build/bin/attn-bench
# under the repository, else the one on PATH. Exits 1 when a run fails or a
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
  runs+=("causal $s" "scaled_dot $s")
done
runs+=("causal_bf16 1024")

status=0
echo "| variant | dtype | B×H×S×D | GFLOP | compiled ms | compiled GFLOP/s | % peak | OpenBLAS ms | OpenBLAS GFLOP/s | % peak | ratio | max abs err | check |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for run in "${runs[@]}"; do
  read -r variant s <<<"$run"
  if ! out="$("$bench" "$root/examples/variants/$variant.mlir" --B 1 \
                --Sq "$s" --Skv "$s" "${repeat_args[@]}" "$@" --csv)"; then
    status=1
  fi
  row="$(printf '%s\n' "$out" | tail -n 1)"
  case "$row" in
    "$variant",*) ;;
    *) echo "| $variant | | 1×4×$s×64 | | | | | | | | | | error |"
       status=1; continue ;;
  esac
  # variant,dtype,B,Hq,Hkv,Sq,Skv,D,mask,flops,c_med,c_min,c_gf,c_pct,
  # b_med,b_min,b_gf,b_pct,ratio,threads,max_abs_err,check
  IFS=, read -r v dt b hq hkv sq skv d mask flops cmed cmin cgf cpct \
    bmed bmin bgf bpct ratio thr err check <<<"$row"
  gflop="$(awk -v f="$flops" 'BEGIN { printf "%.2f", f / 1e9 }')"
  echo "| $v | $dt | ${b}×${hq}×${sq}×${d} | $gflop | $cmed | $cgf | $cpct | $bmed | $bgf | $bpct | ${ratio}× | $err | $check |"
done
exit $status
