"""Checks the result file of scenarios/contention-day.yaml (five policies, same seed).

usage: check_contention_day.py RESULT.h5 REPORTS_DIR
- the policies table has one row per policy, the main policy first, with every compared metric;
- each policy shows its characteristic behaviour on the shared day: elastic training loses less
  than the strict gang, the static partition starves the distillation and never preempts, the
  time-of-day policy runs less distillation than the elastic one it is built on;
- the summary carries policy.<name>.training_delay for each policy, equal to the table.
"""
import math
import sys

try:
    import h5py  # noqa: F401
    import pandas  # noqa: F401
except ImportError as e:  # the Debian stack is missing: skip rather than fail
    print("skipping:", e)
    sys.exit(77)

path, reports_dir = sys.argv[1:3]
sys.path.insert(0, reports_dir)
import capsim_reader  # noqa: E402

policies = capsim_reader.read_table(path, "policies")
names = list(policies["policy"])
assert names == ["strict", "elastic", "static", "trough", "headroom"], names
row = {n: policies.iloc[i] for i, n in enumerate(names)}
for column in ["training_delay", "training_delay_cost", "training_tokens", "distillation_tokens",
               "avatar_rejected", "avatar_slo_met", "training_preemptions",
               "training_lost_gpu_hours", "idle_gpu_hours"]:
    assert column in policies.columns, column
    assert all(not math.isnan(v) for v in policies[column]), column

assert row["elastic"]["training_delay"] < row["strict"]["training_delay"], policies
assert row["elastic"]["training_tokens"] > row["strict"]["training_tokens"], policies
assert row["static"]["distillation_tokens"] == 0, policies
assert row["static"]["training_preemptions"] == 0, policies
assert row["trough"]["distillation_tokens"] < row["elastic"]["distillation_tokens"], policies
for n in names:
    assert row[n]["avatar_rejected"] == 0, (n, policies)
    assert row[n]["training_delay"] > 0, (n, policies)
    # The delay's value is its GPUs' share of the pool cost: positive with the delay.
    assert row[n]["training_delay_cost"] > 0, (n, policies)

metrics = capsim_reader.read_summary(path)
for n in names:
    key = "policy." + n + ".training_delay"
    assert key in metrics, key
    assert metrics[key] == row[n]["training_delay"], (key, metrics[key])
print("contention-day policies:")
print(policies[["policy", "training_delay", "training_delay_cost", "distillation_tokens",
                "training_preemptions"]].to_string(index=False))
