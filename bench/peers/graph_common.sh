# Shared by the graph benchmarks (run-encoder.sh, run-se-resnet.sh), which
# source it after setting here (this folder), root, bin, threads and repeat:
# the tool checks, the FMA peak, one timed run of either side, the error
# check and the table's cells.

require_tools() {  # script name, attn tools...
  local script="$1" tool
  shift
  for tool in "$@"; do
    [ -x "$bin/$tool" ] || { echo "$script: $bin/$tool not found (build it, or set ATTN_BIN)" >&2; exit 1; }
  done
  [ -d "$here/node_modules/onnxruntime-node" ] && /usr/bin/python3 -c 'import onnx' 2>/dev/null ||
    { echo "$script: run bench/peers/setup first" >&2; exit 1; }
}

measure_peak() {  # -> GFLOP/s of FMAs on $threads threads
  "$bin/attn-bench" "$root/examples/variants/scaled_dot.mlir" --B 1 --Sq 64 \
    --Skv 64 --repeat 1 --threads "$threads" --peak --baseline=none |
    awk '/^peak:/ { print $2 }'
}

keep_min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

ours_ms() {  # library, output, inputs (--input=@FILE)... -> median ms
  local lib="$1" out="$2"
  shift 2
  OMP_NUM_THREADS="$threads" "$bin/attn-exec" "$lib" "$@" --output=@"$out" \
    --repeat "$repeat" --print-time | awk '/^time:/ { print $2 }'
}

ort_ms() {  # model, output, input x (.npy) -> median ms
  node "$here/ort_graph.js" --model "$1" --input x="$3" --output "$2" \
    --threads "$threads" --repeat "$repeat" | sed -n 's/^median_ms=//p'
}

check() {  # output, reference (.npy, or "matmul" X W: X W in float64)
  /usr/bin/python3 -c "
import numpy as np, sys
out = np.load(sys.argv[1])
if sys.argv[2] == 'matmul':
    ref = np.load(sys.argv[3]).astype(float) @ np.load(sys.argv[4]).astype(float)
else:
    ref = np.load(sys.argv[2])
print(f'{float(np.abs(out - ref).max() / np.abs(ref).max()):.1e}')" "$@"
}

within() { awk -v e="$1" -v bound="$2" 'BEGIN { exit !(e <= bound) }'; }

rate() { awk -v g="$1" -v ms="$2" 'BEGIN { printf "%.1f", g / ms * 1e3 }'; }
pct() { awk -v r="$(rate "$1" "$2")" -v p="$peak" 'BEGIN { printf "%.0f", 100 * r / p }'; }
row() {  # name, GFLOP, ours ms, ORT ms, ours error, ORT error
  echo "| $1 | $2 | $3 | $(rate "$2" "$3") | $(pct "$2" "$3") | $4 | $(rate "$2" "$4") |" \
    "$(pct "$2" "$4") | $(awk -v a="$4" -v b="$3" 'BEGIN { printf "%.2f×", a / b }') | $5 | $6 |"
}
table_head() {  # first column's title
  echo "| $1 | GFLOP | ours ms | ours GFLOP/s | % peak | ORT ms | ORT GFLOP/s | ORT % peak | ORT ms / ours ms | error ours | error ORT |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
}
machine_line() {  # extra words -> the line above the table
  echo "Threads: $threads; rounds: $rounds x $repeat calls; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //');" \
    "FMA peak $peak GFLOP/s (measured); $*;" \
    "onnxruntime-node $(node -p "require('$here/node_modules/onnxruntime-node/package.json').version")"
}
