#!/usr/bin/env bash
# Measures the kernels on the GPU of this machine: runs the GPU correctness tests, then the
# calibration sweep, and records which GPU, driver and CUDA produced the numbers.
#
#   scripts/measure-kernels.sh BUILD_DIR OUT_DIR [extra capsim_kernels_bench flags...]
#
# Writes into OUT_DIR:
#   gpu.txt           nvidia-smi's name, driver, memory, clocks and power limit, plus the date (UTC)
#   gpu-tests.txt     kernels_gpu_tests output (GPU kernels against their CPU references)
#   bench.json        Google Benchmark JSON of capsim_kernels_bench (the input of capsim calibrate)
#   bench.txt         the console log of the sweep
# Exit status: non-zero when the tests or the sweep fail. Time limits (seconds) come from
# TEST_TIMEOUT (default 150) and BENCH_TIMEOUT (default 420).
set -u -o pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 BUILD_DIR OUT_DIR [capsim_kernels_bench flags...]" >&2
  exit 2
fi
build=$1
out=$2
shift 2
mkdir -p "$out"

{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem,power.limit \
    --format=csv 2>&1
  nvidia-smi 2>&1 | sed -n '1,12p'
} >"$out/gpu.txt"

status=0
timeout "${TEST_TIMEOUT:-150}" "$build/kernels/kernels_gpu_tests" >"$out/gpu-tests.txt" 2>&1
rc=$?
echo "kernels_gpu_tests exit status: $rc" >>"$out/gpu-tests.txt"
[[ $rc -eq 0 ]] || status=1

# min_time: each benchmark times >= 0.2 s of GPU work (iterations of >= 1 ms each; bench_util.h).
timeout "${BENCH_TIMEOUT:-420}" "$build/kernels/capsim_kernels_bench" --benchmark_min_time=0.2 \
  --benchmark_format=console --benchmark_out_format=json --benchmark_out="$out/bench.json" "$@" \
  >"$out/bench.txt" 2>&1 || status=1
tail -n 3 "$out/bench.txt"
grep -E "PASSED|FAILED|SKIPPED" "$out/gpu-tests.txt" | tail -n 5
exit $status
