#!/usr/bin/env bash
# A whole transformer encoder layer, compiled, against ONNX Runtime running
# the same graph as ONNX; same inputs, same threads, one run.
#
#   bench/peers/run-encoder.sh [--threads T] [--repeat N] [--rounds R]
#       [--B 1] [--S 512] [--E 768] [--heads 12] [--F 3072]
#
# Defaults: BERT-base's layer (E=768, 12 heads, F=3072) at B=1, S=512.
# make_encoder.py writes the layer as MLIR (examples/variants/encoder_layer.mlir
# resized), as ONNX (standard ops, weights as initializers) and the inputs;
# attn-compile builds the MLIR once, then attn-exec and ort_graph.js time it
# alternately, --rounds times, each with --repeat calls; the table shows the
# best median of each side. Both outputs are checked against the float64
# reference (largest error relative to the largest output, bound 1e-4); a
# failed check makes the exit status 1. The FMA peak of this machine, on
# the same threads, is measured in the run (attn-bench --peak).
#
# FLOPs: 8*B*S*E^2 (four projections) + 4*B*S^2*E (Q K^T and P V of every
# head) + 4*B*S*E*F (the feed-forward layer); LayerNorm, GELU and the
# residual adds are not counted.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

threads=2 repeat=20 rounds=3 B=1 S=512 E=768 heads=12 F=3072
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --B) B="$2"; shift 2 ;;
    --S) S="$2"; shift 2 ;;
    --E) E="$2"; shift 2 ;;
    --heads) heads="$2"; shift 2 ;;
    --F) F="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "run-encoder.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

bin="${ATTN_BIN:-$root/build/bin}"
for tool in attn-compile attn-exec attn-bench; do
  [ -x "$bin/$tool" ] || { echo "run-encoder.sh: $bin/$tool not found (build it, or set ATTN_BIN)" >&2; exit 1; }
done
[ -d "$here/node_modules/onnxruntime-node" ] && /usr/bin/python3 -c 'import onnx' 2>/dev/null ||
  { echo "run-encoder.sh: run bench/peers/setup first" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$here/make_encoder.py" --out "$tmp" --B "$B" --S "$S" \
  --E "$E" --heads "$heads" --F "$F" >/dev/null
compile_start=$(date +%s.%N)
"$bin/attn-compile" "$tmp/encoder_layer.mlir" -o "$tmp/libencoder.so"
compile_s=$(awk -v a="$compile_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
inputs=()
for f in "$tmp"/inputs/*.npy; do inputs+=("--input=@$f"); done

peak=$("$bin/attn-bench" "$root/examples/variants/scaled_dot.mlir" --B 1 --Sq 64 \
  --Skv 64 --repeat 1 --threads "$threads" --peak --baseline=none |
  awk '/^peak:/ { print $2 }')

best_ours="" best_ort=""
keep_min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }
for ((r = 0; r < rounds; ++r)); do
  ms=$(OMP_NUM_THREADS="$threads" "$bin/attn-exec" "$tmp/libencoder.so" \
         "${inputs[@]}" --output=@"$tmp/ours.npy" --repeat "$repeat" --print-time |
       awk '/^time:/ { print $2 }')
  best_ours=$(keep_min "$ms" "$best_ours")
  ms=$(node "$here/ort_graph.js" --model "$tmp/encoder_layer.onnx" \
         --input x="$tmp/inputs/00_x.npy" --output "$tmp/ort.npy" \
         --threads "$threads" --repeat "$repeat" | sed -n 's/^median_ms=//p')
  best_ort=$(keep_min "$ms" "$best_ort")
done

status=0
check() {  # -> relative error of $1 against the reference
  /usr/bin/python3 -c "
import numpy as np, sys
out, ref = np.load(sys.argv[1]), np.load(sys.argv[2])
print(f'{float(np.abs(out - ref).max() / np.abs(ref).max()):.1e}')" "$1" "$tmp/reference.npy"
}
err_ours=$(check "$tmp/ours.npy") err_ort=$(check "$tmp/ort.npy")
for err in "$err_ours" "$err_ort"; do
  awk -v e="$err" 'BEGIN { exit !(e <= 1e-4) }' || status=1
done

gflop=$(awk -v b="$B" -v s="$S" -v e="$E" -v f="$F" \
  'BEGIN { printf "%.3f", (8*b*s*e*e + 4*b*s*s*e + 4*b*s*e*f) / 1e9 }')
rate() { awk -v g="$gflop" -v ms="$1" 'BEGIN { printf "%.1f", g / ms * 1e3 }'; }
pct() { awk -v r="$(rate "$1")" -v p="$peak" 'BEGIN { printf "%.0f", 100 * r / p }'; }
echo "Threads: $threads; rounds: $rounds x $repeat calls; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');" \
  "FMA peak $peak GFLOP/s (measured); compile ${compile_s} s;" \
  "onnxruntime-node $(node -p "require('$here/node_modules/onnxruntime-node/package.json').version")"
echo
echo "| B×S×E×heads×F | GFLOP | ours ms | ours GFLOP/s | % peak | ORT ms | ORT GFLOP/s | ORT ms / ours ms | error ours | error ORT |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "| ${B}×${S}×${E}×${heads}×${F} | $gflop | $best_ours | $(rate "$best_ours") | $(pct "$best_ours") |" \
  "$best_ort | $(rate "$best_ort") | $(awk -v a="$best_ort" -v b="$best_ours" 'BEGIN { printf "%.2f×", a / b }') |" \
  "$err_ours | $err_ort |"
exit $status
