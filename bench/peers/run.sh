#!/usr/bin/env bash
# Compiled attention vs ONNX Runtime's CPU attention ops, same shapes, same
# threads, one run; prints a markdown table and writes the rows as CSV.
#
#   bench/peers/run.sh [--threads T] [--repeat N] [--rounds R] [--long]
#                      [--out FILE] [--S 512,1024] [--D 64,128] [--models DIR]
#
# Shapes: B=1, H=16, Sq=Skv=S in {512,1024,2048,4096} (plus 8192 with
# --long), D in {64,128}, causal 0 and 1, f32. For every shape the three
# peers run one after the other, each in its own process, and --rounds R
# repeats that alternation R times (default 1); the table shows each peer's
# best median over the rounds, the CSV has every run:
#   ours       build/bin/attn-bench (or $ATTN_BENCH) on scaled_dot.mlir or
#              causal.mlir, retyped to 16 heads and head dim D
#   ort mha    com.microsoft.MultiHeadAttention, [B, S, H*D] inputs
#   ort attn   ONNX Attention (opset 23), [B, H, S, D] inputs
# GFLOP/s count useful FLOPs only (4*B*H*D per visible query/key pair) on
# every side, so a ratio of GFLOP/s is a ratio of times. Every side checks
# its output (attn-bench against OpenBLAS, ort_bench.js against a float64
# reference on sampled rows); a failed check or run shows as "error" and
# makes the exit status 1.
#
# Needs bench/peers/setup to have run once. Defaults: 2 threads, repeats
# scaled with S (10 up to 1024, 5 at 2048, 3 above) so that the default set
# takes a few minutes on 2 cores; --repeat N uses N everywhere.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

threads=2 repeat="" rounds=1 long=0 out="" models="$here/models"
sizes="512,1024,2048,4096" dims="64,128"
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --long) long=1; shift ;;
    --out) out="$2"; shift 2 ;;
    --S) sizes="$2"; shift 2 ;;
    --D) dims="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
IFS=, read -r -a sizes <<<"$sizes"
IFS=, read -r -a dims <<<"$dims"
[ "$long" = 1 ] && [[ " ${sizes[*]} " != *" 8192 "* ]] && sizes+=(8192)
B=1 H=16

bench="${ATTN_BENCH:-$root/build/bin/attn-bench}"
[ -x "$bench" ] || { echo "run.sh: $bench not found (build it, or set ATTN_BENCH)" >&2; exit 1; }
[ -d "$here/node_modules/onnxruntime-node" ] && /usr/bin/python3 -c 'import onnx' 2>/dev/null ||
  { echo "run.sh: run bench/peers/setup first" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The examples fix 4 heads and D=64 in their types; the compiled kernel is
# specialised on both, so every (H, D) needs its own copy of the module.
for d in "${dims[@]}"; do
  for variant in scaled_dot causal; do
    src="$root/examples/variants/$variant.mlir"
    grep -q 'tensor<?x4x?x64xf32>' "$src" ||
      { echo "run.sh: $src no longer has the expected tensor<?x4x?x64xf32> types" >&2; exit 1; }
    sed "s/tensor<?x4x?x64xf32>/tensor<?x${H}x?x${d}xf32>/g" "$src" \
      >"$tmp/${variant}_H${H}_D${d}.mlir"
  done
done
/usr/bin/python3 "$here/make_models.py" --out "$models" --B "$B" --H "$H" \
  --S "${sizes[@]}" --D "${dims[@]}" --causal >/dev/null

repeats_for() {  # -> "warmup repeat"
  if [ -n "$repeat" ]; then echo "1 $repeat"
  elif [ "$1" -le 1024 ]; then echo "2 10"
  elif [ "$1" -le 2048 ]; then echo "1 5"
  else echo "1 3"
  fi
}

# Column $2 of the CSV row in $1 (header line + row), found by name: the
# attn-bench CSV gains columns over time.
csv_field() {
  awk -F, -v name="$2" 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == name) c = i; next }
                        c && NF > 1 { print $c; exit }' <<<"$1"
}

ratio() {
  case "$1,$2" in
    *error*) echo "–" ;;
    *) awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }' ;;
  esac
}

# best[peer] keeps the highest GFLOP/s over the rounds at the current shape:
# other load on the machine only ever slows a run down. A failed run makes
# the cell "error" for good.
declare -A best
keep_best() {
  if [ "$2" = error ] || [ "${best[$1]-}" = error ]; then best[$1]=error
  elif [ -z "${best[$1]-}" ] || awk -v a="$2" -v b="${best[$1]-}" 'BEGIN { exit !(a > b) }'; then
    best[$1]="$2"
  fi
}

status=0
csv="peer,op,B,H,S,D,causal,threads,median_ms,gflops"
echo "Threads: $threads; rounds: $rounds; attn-bench: $bench;" \
  "onnxruntime-node $(node -p "require('$here/node_modules/onnxruntime-node/package.json').version");" \
  "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| B×H×S×D | causal | ours GFLOP/s | ORT MHA GFLOP/s | ORT Attention GFLOP/s | ours/MHA | ours/Attention |"
echo "|---|---|---:|---:|---:|---:|---:|"
for s in "${sizes[@]}"; do
  read -r warmup reps < <(repeats_for "$s")
  for d in "${dims[@]}"; do
    for causal in 0 1; do
      variant=scaled_dot
      [ "$causal" = 1 ] && variant=causal
      best=()
      for ((round = 0; round < rounds; ++round)); do
        if res="$("$bench" "$tmp/${variant}_H${H}_D${d}.mlir" --B "$B" --Sq "$s" \
                    --Skv "$s" --threads "$threads" --warmup "$warmup" \
                    --repeat "$reps" --baseline none --csv 2>"$tmp/err")" &&
           [ "$(csv_field "$res" check)" = pass ]; then
          gflops="$(csv_field "$res" compiled_gflops)"
          csv+=$'\n'"ours,$variant,$B,$H,$s,$d,$causal,$threads,$(csv_field "$res" compiled_median_ms),$gflops"
          keep_best ours "$gflops"
        else
          status=1
          keep_best ours error
          { echo "run.sh: attn-bench failed at S=$s D=$d causal=$causal:"
            cat "$tmp/err"; printf '%s\n' "${res-}"; } >&2
        fi

        for op in mha attention; do
          if row="$(node "$here/ort_bench.js" \
                      --model "$models/${op}_B${B}_H${H}_S${s}_D${d}_c$causal.onnx" \
                      --op "$op" --B "$B" --H "$H" --S "$s" --D "$d" \
                      --causal "$causal" --threads "$threads" --warmup "$warmup" \
                      --repeat "$reps" 2>"$tmp/err")"; then
            csv+=$'\n'"$row"
            keep_best "$op" "${row##*,}"
          else
            status=1
            keep_best "$op" error
            { echo "run.sh: ort $op failed at S=$s D=$d causal=$causal:"; cat "$tmp/err"; } >&2
          fi
        done
      done

      echo "| ${B}×${H}×${s}×${d} | $causal | ${best[ours]} | ${best[mha]} | ${best[attention]} |" \
           "$(ratio "${best[ours]}" "${best[mha]}") | $(ratio "${best[ours]}" "${best[attention]}") |"
    done
  done
done

echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$out" ]; then
  printf '%s\n' "$csv" >"$out"
  echo "CSV: $out"
fi
exit $status
