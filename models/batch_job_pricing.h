#ifndef CAPSIM_MODELS_BATCH_JOB_PRICING_H_
#define CAPSIM_MODELS_BATCH_JOB_PRICING_H_

#include <optional>
#include <vector>

#include "models/batch_job.h"
#include "models/perf_model.h"
#include "models/scenario.h"
#include "sim/status.h"

namespace capsim::models {

// A scenario's training and distillation workloads as batch jobs, priced on their pools' GPUs.
struct BatchJobs {
  std::vector<JobParams> jobs;     // JobParams::pool indexes Scenario::pools
  double logit_storage_bytes = 0;  // offline distillation's stored teacher logits
};

// Prices every training and distillation of `sc` (a fixed `efficiency` by FLOPs, else op by op
// through the pool GPU's calibration profile; elastic trainings re-priced at each data-parallel
// degree; offline distillation as a teacher job then a student job). Performance models it
// builds are kept in (*perf_models)[pool] (sized to sc.pools) for the caller to reuse. Errors
// name the workload and what is missing (pool, model, GPU, profile, layout).
Result<BatchJobs> PriceBatchJobs(const Scenario& sc,
                                 std::vector<std::optional<PerfModel>>* perf_models);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_BATCH_JOB_PRICING_H_
