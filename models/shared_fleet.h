#ifndef CAPSIM_MODELS_SHARED_FLEET_H_
#define CAPSIM_MODELS_SHARED_FLEET_H_

#include <cstdint>
#include <functional>

#include "models/result.h"
#include "models/scenario.h"
#include "sim/status.h"

namespace capsim::models {

struct RunOptions {
  uint64_t seed = 1;
  // Also run each training job alone on the pool to measure how much the sharing delays it.
  bool alone_baseline = true;
  // Called after every timeseries sample with (simulated s, horizon s, events handled).
  std::function<void(double, double, uint64_t)> progress;
};

// Simulates the scenario's shared pool for its horizon: the avatar service, training and
// distillation jobs under the priority-preemption policy. Returns the summary metrics, the
// timeseries, the jobs table and the job events; an error when the scenario references data the
// catalog lacks. The same scenario and seed always give the same result.
//
//   Result<RunResult> r = RunScenario(scenario, {.seed = 42});
Result<RunResult> RunScenario(const Scenario& scenario, const RunOptions& options);

// The time (s) a training job running alone on the pool needs to process `tokens` tokens,
// including its start-up and checkpoint pauses and, when the scenario has them, its failures
// (drawn with `seed`); 0 when tokens <= 0.
double TimeAloneToReach(const Scenario& scenario, const TrainingSpec& job, double tokens,
                        uint64_t seed = 1);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_SHARED_FLEET_H_
