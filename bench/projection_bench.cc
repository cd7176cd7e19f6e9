// Fleet-level projections end to end: `capsim run` of a projection file, as a user runs it
// (service rates from the replica-level capacity search, the plan, the no-avatar baseline, the
// result file written), with its console output discarded.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "app/commands.h"

namespace {

// Runs `capsim run FILE -o OUT --quiet`; returns its exit status.
int RunCapsim(const std::string& file, const std::string& out) {
  std::vector<std::string> args = {"capsim", "run", file, "-o", out, "--quiet"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  std::ostringstream sink_out, sink_err;
  capsim::app::Console console{sink_out, sink_err, false, nullptr};
  return capsim::app::Main(static_cast<int>(argv.size()), argv.data(), console);
}

// scenarios/fleet-1m-3y.yaml: three years of a 1,000,000-GPU fleet (H100, B200, GB200 on three
// sites) with avatars, LLM serving, two frontier training runs, a research pool and distillation.
// Target: under 5 minutes on the 2-core development machine.
void BM_Projection1MGpu3Years(benchmark::State& state) {
  const std::string file = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/fleet-1m-3y.yaml";
  const std::string out =
      (std::filesystem::temp_directory_path() / "capsim_bench_fleet_1m_3y.h5").string();
  for (auto _ : state) {
    if (RunCapsim(file, out) != 0) {
      state.SkipWithError("capsim run scenarios/fleet-1m-3y.yaml failed");
      return;
    }
  }
  std::filesystem::remove(out);
  state.counters["sim_years_per_s"] = benchmark::Counter(
      3.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_Projection1MGpu3Years)->Unit(benchmark::kSecond)->Iterations(1);

// scenarios/meta-2026.yaml: one year of the flagship plan (1.3 M GPUs on three sites).
void BM_ProjectionMeta2026(benchmark::State& state) {
  const std::string file = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/meta-2026.yaml";
  const std::string out =
      (std::filesystem::temp_directory_path() / "capsim_bench_meta_2026.h5").string();
  for (auto _ : state) {
    if (RunCapsim(file, out) != 0) {
      state.SkipWithError("capsim run scenarios/meta-2026.yaml failed");
      return;
    }
  }
  std::filesystem::remove(out);
}

BENCHMARK(BM_ProjectionMeta2026)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
