// LLM serving throughput: one hour of the Azure LLM inference conversation trace (19,366
// requests) replayed on eight Llama-3-8B replicas (scenarios/llm-serving-azure.yaml), without
// writing the result file. Needs the shared data folder next to the repository; skipped
// otherwise. items_per_second = engine events per second.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "config/scenario_loader.h"
#include "models/shared_fleet.h"

namespace {

void BM_AzureConversationHourOn8Replicas(benchmark::State& state) {
  const std::string scenario = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/llm-serving-azure.yaml";
  capsim::Result<capsim::models::Scenario> sc = capsim::config::LoadScenario(scenario);
  if (!sc.ok()) {
    state.SkipWithError(("needs the shared traces: " + sc.status().ToString()).c_str());
    return;
  }
  capsim::models::RunOptions options;
  options.seed = sc.value().seed;
  double events = 0;
  for (auto _ : state) {
    capsim::Result<capsim::models::RunResult> r = capsim::models::RunScenario(sc.value(), options);
    for (const auto& m : r.value().summary) {
      if (m.key == "run.events") events += m.value;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(events));
}

BENCHMARK(BM_AzureConversationHourOn8Replicas)->Unit(benchmark::kMillisecond);

}  // namespace
