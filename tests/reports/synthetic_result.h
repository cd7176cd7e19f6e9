#ifndef CAPSIM_TESTS_REPORTS_SYNTHETIC_RESULT_H_
#define CAPSIM_TESTS_REPORTS_SYNTHETIC_RESULT_H_

// A small, fully deterministic RunResult shared by the reports tests and write_fixture.

#include <limits>
#include <string>

#include "models/result.h"

namespace capsim::reports::testing {

// Three metrics, a 5-sample timeseries with three series, a 3-row jobs table with text and
// numeric columns, and an empty job_events table (columns but no rows).
inline models::RunResult SyntheticResult() {
  models::RunResult result;
  result.scenario_name = "synthetic";
  result.scenario_text = "name: synthetic\nhorizon: 1 day\nseed: 42\n";
  result.seed = 18446744073709551557ULL;  // largest 64-bit prime: checks unsigned round trip
  result.summary = {
      {"avatar.ttff_p99_s", 0.81, "s", "Time to first frame, p99"},
      {"training.delay_h", 12.5, "h", "Training delay"},
      {"cost.total_usd", 2.7e10, "USD", "Total cost"},
  };
  result.timeseries.time = {"time", "s", "time since start", {0, 60, 120, 180, 240}};
  result.timeseries.series = {
      {"avatar_sessions", "1", "Active avatar sessions", {0, 10, 25, 24, 3}},
      {"gpu_busy", "1", "Busy GPUs", {100, 110, 130, 128, 90}},
      {"power_w", "W", "Facility power", {1e6, 1.1e6, 1.3e6, 1.28e6, 0.9e6}},
  };
  result.jobs.text = {
      {"name", "Job name", {"frontier-pretrain", "avocado-distill", "ünïcode-job"}},
      {"kind", "Workload kind", {"training", "distillation", "training"}},
  };
  result.jobs.numeric = {
      {"submit_s", "s", "Submission time", {0, 3600, 7200}},
      {"gpu_hours", "GPU h", "GPU hours used", {1.5e6, 2.5e4, 0.5}},
  };
  result.job_events.text = {{"event", "Event kind", {}}};
  result.job_events.numeric = {{"time_s", "s", "Event time", {}}};
  return result;
}

// SyntheticResult as a mean over 3 replications: ttff and delay with 95% half-widths, the
// cost known to one replication only (half_width NaN, replications 1), and a /replications
// table with the per-replication values under the (dotted) metric keys.
inline models::RunResult SyntheticReplicatedResult() {
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  models::RunResult result = SyntheticResult();
  result.summary[0].half_width = 0.04968;
  result.summary[0].replications = 3;
  result.summary[1].half_width = 1.242;
  result.summary[1].replications = 3;
  result.replications.numeric = {
      {"replication", "1", "replication index", {0, 1, 2}},
      {"seed", "1", "the replication's seed", {42, 43, 44}},
      {"avatar.ttff_p99_s", "s", "Time to first frame, p99", {0.79, 0.81, 0.83}},
      {"training.delay_h", "h", "Training delay", {12, 12.5, 13}},
      {"cost.total_usd", "USD", "Total cost", {kNan, 2.7e10, kNan}},
  };
  return result;
}

}  // namespace capsim::reports::testing

#endif  // CAPSIM_TESTS_REPORTS_SYNTHETIC_RESULT_H_
