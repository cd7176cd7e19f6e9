// The replica-level avatar pipeline at fleet scale: scenarios/avatar-peak-hour.yaml, a peak hour
// of 10,000 H100s serving 2D lip-sync avatars at 25 fps (target: <= 60 s on 2 cores).
#include <benchmark/benchmark.h>

#include <string>

#include "config/scenario_loader.h"
#include "models/shared_fleet.h"

namespace {

void BM_AvatarPeakHour10kGpus(benchmark::State& state) {
  const std::string scenario = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/avatar-peak-hour.yaml";
  capsim::Result<capsim::models::Scenario> sc = capsim::config::LoadScenario(scenario);
  if (!sc.ok()) {
    state.SkipWithError(sc.status().ToString().c_str());
    return;
  }
  capsim::models::RunOptions options;
  options.seed = sc.value().seed;
  options.alone_baseline = false;  // no training jobs in this scenario
  double events = 0, sessions = 0;
  for (auto _ : state) {
    capsim::Result<capsim::models::RunResult> r = capsim::models::RunScenario(sc.value(), options);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    for (const auto& m : r.value().summary) {
      if (m.key == "run.events") events += m.value;
      if (m.key == "avatar.sessions_admitted") sessions += m.value;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
  state.counters["sessions"] = benchmark::Counter(sessions, benchmark::Counter::kAvgIterations);
}

BENCHMARK(BM_AvatarPeakHour10kGpus)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
