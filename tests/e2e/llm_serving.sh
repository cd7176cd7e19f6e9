#!/usr/bin/env bash
# usage: llm_serving.sh CAPSIM SCENARIO OUT.h5 PYTHON (poisson|trace)
# Runs the LLM serving scenario and checks the result file: every request accounted for, a
# /tables/requests row per completed request, and (trace mode) the trace's exact request count.
set -euo pipefail
capsim=$1 scenario=$2 out=$3 python=$4 mode=$5
if [ "$mode" = trace ]; then
  trace="$(dirname "$scenario")/../../shared/data/traces/AzureLLMInferenceTrace_conv_2023.csv"
  if [ ! -f "$trace" ]; then echo "skipping: $trace is not here"; exit 77; fi
  "$capsim" run "$scenario" -o "$out" --quiet
  expect=19366
else
  # The trace replaced by a Poisson stream, so this runs without the shared data folder.
  "$capsim" run "$scenario" -o "$out" --quiet --set horizon=10min \
    --set 'workloads[0].arrivals={kind: poisson, rate: 20 /s}'
  expect=0
fi
"$capsim" summary "$out" --json > "$out.json"
if ! "$python" -c 'import h5py' 2>/dev/null; then echo "skipping: no h5py"; exit 77; fi
"$python" - "$out" "$out.json" "$expect" <<'PY'
import json, sys
import h5py
path, summary_path, expect = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = json.load(open(summary_path))
arrived, completed = s["serving.requests_arrived"], s["serving.requests_completed"]
rejected, unfinished = s["serving.requests_rejected"], s["serving.requests_in_flight"]
assert arrived == completed + rejected + unfinished, s
if expect:
    assert arrived == expect, arrived
else:
    assert 10000 < arrived < 14000, arrived  # 20/s for 600 s: 12,000 expected
assert 0 < s["serving.ttft_p50_s"] <= s["serving.ttft_p99_s"]
assert s["gpu_hours.serving"] > 0
with h5py.File(path, "r") as f:
    rows = f["tables/requests/ttft_s"].shape[0]
    assert rows == completed, (rows, completed)
    assert f["tables/requests/ttft_s"].attrs["units"] in ("s", b"s")
print("ok:", int(arrived), "requests,", rows, "rows")
PY
