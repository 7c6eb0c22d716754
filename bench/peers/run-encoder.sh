#!/usr/bin/env bash
# A whole transformer encoder layer, compiled, against ONNX Runtime running
# the same graph as ONNX; same inputs, same threads, one run.
#
#   bench/peers/run-encoder.sh [--threads T] [--repeat N] [--rounds R]
#       [--B 1] [--S 512] [--E 768] [--heads 12] [--F 3072] [--torch]
#
# Defaults: BERT-base's layer (E=768, 12 heads, F=3072) at B=1, S=512.
# make_encoder.py writes the layer as MLIR (examples/variants/encoder_layer.mlir
# resized), as ONNX (standard ops, weights as initializers) and the inputs;
# attn-compile builds the MLIR once, then attn-exec and ort_graph.js time it
# alternately, --rounds times, each with --repeat calls; the table shows the
# best median of each side. A second "ours" row compiles the very .onnx file
# that ONNX Runtime runs (attn-compile encoder_layer.onnx: the ONNX importer,
# attn-raise fusing its MatMul/Softmax/MatMul). All outputs are checked against the float64
# reference (largest error relative to the largest output, bound 1e-4); a
# failed check makes the exit status 1. With --torch (needs PyTorch:
# scripts/setup --torch), a further pair of rows: nn.TransformerEncoderLayer
# of the same sizes (pre-norm, GELU) exported by torch.onnx.export
# (make_torch_encoder.py), compiled by us and run by ONNX Runtime from that
# one file, checked against PyTorch's float64 output. The FMA peak of this machine, on
# the same threads, is measured in the run (attn-bench --peak).
#
# FLOPs: 8*B*S*E^2 (four projections) + 4*B*S^2*E (Q K^T and P V of every
# head) + 4*B*S*E*F (the feed-forward layer); LayerNorm, GELU and the
# residual adds are not counted. A second row times the layer's first
# feed-forward matmul alone (x W1, 2*B*S*E*F FLOPs) the same way: the graph
# matmuls' share of the peak.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

threads=2 repeat=20 rounds=3 B=1 S=512 E=768 heads=12 F=3072 torch=0
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
    --torch) torch=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "run-encoder.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

bin="${ATTN_BIN:-$root/build/bin}"
source "$here/graph_common.sh"
require_tools run-encoder.sh attn-compile attn-exec attn-bench

if ((torch)) && ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "run-encoder.sh: --torch needs PyTorch (scripts/setup --torch)" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$here/make_encoder.py" --out "$tmp" --B "$B" --S "$S" \
  --E "$E" --heads "$heads" --F "$F" >/dev/null
compile_start=$(date +%s.%N)
"$bin/attn-compile" "$tmp/encoder_layer.mlir" -o "$tmp/libencoder.so"
compile_s=$(awk -v a="$compile_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
"$bin/attn-compile" "$tmp/matmul.mlir" -o "$tmp/libmatmul.so"
"$bin/attn-compile" "$tmp/encoder_layer.onnx" -o "$tmp/libencoder_onnx.so"
if ((torch)); then
  /usr/bin/python3 "$here/make_torch_encoder.py" --out "$tmp" --B "$B" --S "$S" \
    --E "$E" --heads "$heads" --F "$F" >/dev/null
  "$bin/attn-compile" "$tmp/torch_encoder.onnx" -o "$tmp/libtorch_encoder.so"
fi

peak=$(measure_peak)
x="$tmp/inputs/00_x.npy"
inputs=()
for f in "$tmp"/inputs/*.npy; do inputs+=("--input=@$f"); done
declare -A best
for ((r = 0; r < rounds; ++r)); do
  best[ours]=$(keep_min "$(ours_ms "$tmp/libencoder.so" "$tmp/ours.npy" "${inputs[@]}")" "${best[ours]-}")
  best[ort]=$(keep_min "$(ort_ms "$tmp/encoder_layer.onnx" "$tmp/ort.npy" "$x")" "${best[ort]-}")
  best[ours_onnx]=$(keep_min "$(ours_ms "$tmp/libencoder_onnx.so" "$tmp/ours_onnx.npy" \
    --input=@"$x")" "${best[ours_onnx]-}")
  best[ours_mm]=$(keep_min "$(ours_ms "$tmp/libmatmul.so" "$tmp/ours_mm.npy" \
    --input=@"$x" --input=@"$tmp/inputs/09_w1.npy")" "${best[ours_mm]-}")
  best[ort_mm]=$(keep_min "$(ort_ms "$tmp/matmul.onnx" "$tmp/ort_mm.npy" "$x")" "${best[ort_mm]-}")
  if ((torch)); then
    best[ours_torch]=$(keep_min "$(ours_ms "$tmp/libtorch_encoder.so" "$tmp/ours_torch.npy" \
      --input=@"$tmp/torch_x.npy")" "${best[ours_torch]-}")
    best[ort_torch]=$(keep_min "$(ort_ms "$tmp/torch_encoder.onnx" "$tmp/ort_torch.npy" \
      "$tmp/torch_x.npy")" "${best[ort_torch]-}")
  fi
done

status=0
err_ours=$(check "$tmp/ours.npy" "$tmp/reference.npy")
err_ort=$(check "$tmp/ort.npy" "$tmp/reference.npy")
err_ours_onnx=$(check "$tmp/ours_onnx.npy" "$tmp/reference.npy")
mm_ref=(matmul "$x" "$tmp/inputs/09_w1.npy")
err_ours_mm=$(check "$tmp/ours_mm.npy" "${mm_ref[@]}")
err_ort_mm=$(check "$tmp/ort_mm.npy" "${mm_ref[@]}")
errors=("$err_ours" "$err_ort" "$err_ours_onnx" "$err_ours_mm" "$err_ort_mm")
if ((torch)); then
  err_ours_torch=$(check "$tmp/ours_torch.npy" "$tmp/torch_reference.npy")
  err_ort_torch=$(check "$tmp/ort_torch.npy" "$tmp/torch_reference.npy")
  errors+=("$err_ours_torch" "$err_ort_torch")
fi
for err in "${errors[@]}"; do
  within "$err" 1e-4 || status=1
done

gflop=$(awk -v b="$B" -v s="$S" -v e="$E" -v f="$F" \
  'BEGIN { printf "%.3f", (8*b*s*e*e + 4*b*s*s*e + 4*b*s*e*f) / 1e9 }')
gflop_mm=$(awk -v b="$B" -v s="$S" -v e="$E" -v f="$F" \
  'BEGIN { printf "%.3f", 2*b*s*e*f / 1e9 }')
machine_line "compile ${compile_s} s"
echo
table_head "${B}×${S}, E=$E, $heads heads, F=$F"
row "encoder layer" "$gflop" "${best[ours]}" "${best[ort]}" "$err_ours" "$err_ort"
row "encoder layer, ours from the same .onnx" "$gflop" "${best[ours_onnx]}" "${best[ort]}" "$err_ours_onnx" "$err_ort"
row "x W1 alone" "$gflop_mm" "${best[ours_mm]}" "${best[ort_mm]}" "$err_ours_mm" "$err_ort_mm"
if ((torch)); then
  row "nn.TransformerEncoderLayer, torch.onnx.export, both from that file" "$gflop" \
    "${best[ours_torch]}" "${best[ort_torch]}" "$err_ours_torch" "$err_ort_torch"
fi
exit $status
