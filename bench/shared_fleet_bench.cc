// End-to-end model throughput: one simulated day of scenarios/default.yaml (512 H100s shared by
// the avatar service, a training job and a distillation job), without the training-alone
// baseline run and without writing the result file. items_per_second = engine events per second.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include "config/scenario_loader.h"
#include "models/shared_fleet.h"

namespace {

void BM_DefaultScenarioDay(benchmark::State& state) {
  capsim::Result<capsim::models::Scenario> sc =
      capsim::config::LoadScenario(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/default.yaml");
  if (!sc.ok()) {
    state.SkipWithError(sc.status().ToString().c_str());
    return;
  }
  capsim::models::RunOptions options;
  options.seed = sc.value().seed;
  options.alone_baseline = false;
  double events = 0;
  for (auto _ : state) {
    capsim::Result<capsim::models::RunResult> r = capsim::models::RunScenario(sc.value(), options);
    for (const auto& m : r.value().summary) {
      if (m.key == "run.events") events += m.value;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
  state.counters["sim_days_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_DefaultScenarioDay)->Unit(benchmark::kMillisecond);

}  // namespace
