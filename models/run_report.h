#ifndef CAPSIM_MODELS_RUN_REPORT_H_
#define CAPSIM_MODELS_RUN_REPORT_H_

#include <cstdint>
#include <vector>

#include "models/avatar_workload.h"
#include "models/batch_job.h"
#include "models/fleet_scheduler.h"
#include "models/result.h"
#include "models/scenario.h"
#include "models/serving_workload.h"

namespace capsim::models {

// One pool at the end of a run: what it is and what its scheduler recorded.
struct PoolReport {
  const PoolSpec* pool = nullptr;
  const SiteSpec* site = nullptr;
  const GpuSpec* gpu = nullptr;
  const FleetScheduler* scheduler = nullptr;
  double busy_gpu_seconds = 0;  // GPU-seconds of work done in it
};

// The end state of a shared-fleet run, as the report needs it.
struct RunReportInputs {
  const Scenario* scenario = nullptr;
  std::vector<PoolReport> pools;                // in scenario order
  const AvatarWorkload* avatar = nullptr;       // null when the scenario has none
  const ServingWorkload* serving = nullptr;     // null when the scenario has none
  const SparePool* spares = nullptr;            // null without hot spares
  std::vector<const BatchJob*> jobs;            // trainings first, then distillations
  std::vector<double> training_delay_s;         // per training job; NaN when not measured
  std::vector<double> training_target_alone_s;  // per training job: its whole target alone
  uint64_t events_handled = 0;
  double logit_storage_bytes = 0;         // offline distillation's stored logits
  double distillation_tokens_alone = -1;  // distillation alone for the horizon; < 0: not run
};

// Builds the summary metrics, the jobs table and the job events table of a finished run.
RunResult BuildRunReport(const RunReportInputs& in, const JobEventLog& log);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_RUN_REPORT_H_
