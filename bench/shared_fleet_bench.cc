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

// The 30-day contention run of scenarios/contention-30d.yaml: a 16,384-GPU Llama 3 405B training
// job with failures and hot spares, a diurnal session-level avatar service (~36 M sessions) and
// an elastic distillation job on a 24,576-GPU H100 fleet with a pod topology, including the
// training-alone baseline run (what `capsim run` does, less the result file). Target <= 30 s.
void BM_Contention30Days(benchmark::State& state) {
  capsim::Result<capsim::models::Scenario> sc = capsim::config::LoadScenario(
      std::string(CAPSIM_SOURCE_DIR) + "/scenarios/contention-30d.yaml");
  if (!sc.ok()) {
    state.SkipWithError(sc.status().ToString().c_str());
    return;
  }
  capsim::models::RunOptions options;
  options.seed = sc.value().seed;
  double events = 0, delay = 0;
  for (auto _ : state) {
    capsim::Result<capsim::models::RunResult> r = capsim::models::RunScenario(sc.value(), options);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    for (const auto& m : r.value().summary) {
      if (m.key == "run.events") events += m.value;
      if (m.key == "training.delay_s") delay = m.value;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
  state.counters["training_delay_days"] = delay / 86400;
}

BENCHMARK(BM_Contention30Days)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
