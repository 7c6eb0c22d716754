#!/usr/bin/env bash
# Checks the GPU kernels packed in this directory (by scripts/gpu-pack) on
# a machine with a GPU: needs the CUDA driver, CUDA's headers (cuda.h),
# CMake, a C++ compiler and python3 with numpy; not MLIR.
#
#   ./run [--attn-exec PATH] [--only ID,...] [--repeat N] [--bench]
#         [--bench-only] [--bench-tables T,...] [--bench-peers P,...]
#         [--bench-repeat N] [--bench-out PREFIX] [--cuda-runtime PATH]
#
# Builds the runtime and attn-exec from the sources here into build-runtime/
# (log: build-runtime.log; --attn-exec PATH uses a built one instead), then
# runs every packed module on its cases against the float64 reference:
# one line `ID/CASE: PASS|FAIL max_err=... time_ms=...` each and a summary
# `N passed, M failed`. Exits non-zero if any failed, if the runtime does
# not build, or if no GPU can be used (the runtime's error is printed).
# --bench then runs the GPU benchmark (gpu_bench.py: the bench_* modules
# against PyTorch's SDPA and flex_attention; DIR/bench-<time>.md, .png,
# .json), --bench-only the benchmark alone.
# MANIFEST lists the modules, their cases and what did not compile.
# $CUDA_HOME (or /usr/local/cuda) locates cuda.h; $PYTHON picks python3.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

attn_exec=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --attn-exec) attn_exec="$2"; shift 2 ;;
    --attn-exec=*) attn_exec="${1#--attn-exec=}"; shift ;;
    -h|--help)
      awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' \
        "${BASH_SOURCE[0]}"
      exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done

# python3 with numpy; for --bench, one that also has torch if there is one
# (torch is often in another python3 than the system's).
python="${PYTHON:-}"
if [ -z "$python" ]; then
  modules=("numpy")
  case " ${args[*]-} " in
    *" --bench "*|*" --bench-only "*) modules=("numpy, torch" "numpy") ;;
  esac
  for wanted in "${modules[@]}"; do
    for candidate in python3 /usr/bin/python3; do
      if "$candidate" -c "import $wanted" >/dev/null 2>&1; then
        python="$candidate"
        break 2
      fi
    done
  done
fi
if [ -z "$python" ]; then
  echo "error: no python3 with numpy (set PYTHON=...)" >&2
  exit 1
fi

if [ -z "$attn_exec" ]; then
  build="$here/build-runtime"
  log="$here/build-runtime.log"
  cmake_args=(-S "$here/lib/Runtime" -B "$build" -DCMAKE_BUILD_TYPE=Release
              -DATTN_RUNTIME_BUILD_TESTS=OFF)
  # CUDA modules need the runtime's CUDA half: without cuda.h, CMake stops
  # and says so. (A pack of host libraries, --target cpu, does not.)
  if grep -q '"target": "cuda"' "$here/suite.json"; then
    cmake_args+=(-DATTN_ENABLE_CUDA_RUNTIME=ON)
  fi
  # fmt: the headers packed with the sources (the version the runtime is
  # developed against), not whichever libfmt-dev this machine has.
  if [ -f "$here/third_party/fmt/include/fmt/format.h" ]; then
    cmake_args+=(-DCMAKE_DISABLE_FIND_PACKAGE_fmt=ON
                 -DATTN_FMT_INCLUDE_DIR="$here/third_party/fmt/include")
  fi
  cuda_home="${CUDA_HOME:-${CUDA_PATH:-/usr/local/cuda}}"
  if [ -f "$cuda_home/include/cuda.h" ]; then
    cmake_args+=(-DATTN_CUDA_INCLUDE_DIR="$cuda_home/include")
  fi
  if ! command -v cmake >/dev/null; then
    echo "error: cmake not found (the runtime is built with CMake >= 3.20)" >&2
    exit 1
  fi
  echo "building the runtime into $build (log: $log)"
  if ! { cmake "${cmake_args[@]}" &&
         cmake --build "$build" --parallel "$(nproc 2>/dev/null || echo 4)"; } \
       >"$log" 2>&1; then
    tail -n 20 "$log"
    echo "error: the runtime did not build (see $log)" >&2
    exit 1
  fi
  attn_exec="$build/bin/attn-exec"
fi

exec "$python" "$here/test/Integration/lib/gpu_run.py" "$here" \
  --attn-exec "$attn_exec" ${args[@]+"${args[@]}"}
