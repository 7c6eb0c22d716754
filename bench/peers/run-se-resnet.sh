#!/usr/bin/env bash
# SE-ResNet's basic block, compiled from its .onnx file, against ONNX
# Runtime running that same file; same input, same threads, one run.
#
#   bench/peers/run-se-resnet.sh [--threads T] [--repeat N] [--rounds R]
#       [--N 1] [--C 256] [--H 14] [--W 14] [--reduction 16]
#
# Defaults: a block of SE-ResNet-34's third stage (conv4_x: 256 channels on
# 14 x 14 maps, squeeze-and-excitation reduction 16), batch 1.
# make_se_resnet.py writes the block as standard ONNX ops (Conv 3x3,
# BatchNormalization, Relu, Conv 3x3, BatchNormalization, GlobalAveragePool,
# Conv 1x1, Relu, Conv 1x1, Sigmoid, Mul, Add, Relu; weights as
# initializers, dynamic batch), its input and the float64 reference.
# attn-compile builds the .onnx once, then attn-exec and ort_graph.js time
# it alternately, --rounds times, each with --repeat calls; the table shows
# the best median of each side. Both outputs are checked against the
# reference (largest error relative to the largest output, bound 1e-4); a
# failed check makes the exit status 1. The FMA peak of this machine, on
# the same threads, is measured in the run (attn-bench --peak).
#
# FLOPs: 2 x 2*N*C^2*9*H*W, the multiply-adds of the two 3x3 convolutions;
# the squeeze-and-excitation's 1x1 convolutions (2*N*C^2/r multiply-adds),
# the normalisations, activations and the residual add are not counted.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

threads=2 repeat=20 rounds=3 N=1 C=256 H=14 W=14 reduction=16
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --N) N="$2"; shift 2 ;;
    --C) C="$2"; shift 2 ;;
    --H) H="$2"; shift 2 ;;
    --W) W="$2"; shift 2 ;;
    --reduction) reduction="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "run-se-resnet.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

bin="${ATTN_BIN:-$root/build/bin}"
source "$here/graph_common.sh"
require_tools run-se-resnet.sh attn-compile attn-exec attn-bench

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$here/make_se_resnet.py" --out "$tmp" --N "$N" --C "$C" \
  --H "$H" --W "$W" --reduction "$reduction" >/dev/null
model="$tmp/se_resnet_block.onnx" x="$tmp/x.npy"
compile_start=$(date +%s.%N)
"$bin/attn-compile" "$model" -o "$tmp/libblock.so"
compile_s=$(awk -v a="$compile_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')

peak=$(measure_peak)
declare -A best
for ((r = 0; r < rounds; ++r)); do
  best[ours]=$(keep_min "$(ours_ms "$tmp/libblock.so" "$tmp/ours.npy" --input=@"$x")" "${best[ours]-}")
  best[ort]=$(keep_min "$(ort_ms "$model" "$tmp/ort.npy" "$x")" "${best[ort]-}")
done

err_ours=$(check "$tmp/ours.npy" "$tmp/reference.npy")
err_ort=$(check "$tmp/ort.npy" "$tmp/reference.npy")
status=0
for err in "$err_ours" "$err_ort"; do
  within "$err" 1e-4 || status=1
done

gflop=$(awk -v n="$N" -v c="$C" -v h="$H" -v w="$W" \
  'BEGIN { printf "%.3f", 2 * 2 * n * c * c * 9 * h * w / 1e9 }')
machine_line "compile ${compile_s} s"
echo
table_head "SE-ResNet basic block, N=$N, C=$C, ${H}×${W}, r=$reduction"
row "ours and ORT from the same .onnx" "$gflop" "${best[ours]}" "${best[ort]}" "$err_ours" "$err_ort"
exit $status
