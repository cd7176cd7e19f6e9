#ifndef CAPSIM_MODELS_POLICY_COMPARISON_H_
#define CAPSIM_MODELS_POLICY_COMPARISON_H_

#include "models/result.h"
#include "models/scenario.h"
#include "models/shared_fleet.h"
#include "sim/status.h"

namespace capsim::models {

// Runs the scenario under its policy and, when it lists compare_policies, once more under each
// of them with the same seed (common random numbers: the same arrivals and failure draws).
// Returns the main run's result plus a "policies" table (one row per policy, the main one
// first) and policy.<name>.* summary metrics: training delay and its dollar value, tokens,
// avatar SLO attainment, preemptions and lost GPU-hours.
//
//   Result<RunResult> r = RunScenarioWithPolicies(scenario, {.seed = 42});
Result<RunResult> RunScenarioWithPolicies(const Scenario& scenario, const RunOptions& options);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_POLICY_COMPARISON_H_
