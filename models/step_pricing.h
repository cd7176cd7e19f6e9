#ifndef CAPSIM_MODELS_STEP_PRICING_H_
#define CAPSIM_MODELS_STEP_PRICING_H_

#include <vector>

#include "models/catalog.h"
#include "models/operation.h"
#include "models/perf_model.h"
#include "models/scenario.h"
#include "sim/status.h"

namespace capsim::models {

// One job step priced op by op: what a GPU runs, how long the step takes and what it yields.
struct PricedStep {
  std::vector<Operation> ops;        // one GPU's operations for one step
  double step_time_s = 0;            // PerfModel::StepTime(ops) less overlap, plus the bubble
  double overlapped_s = 0;           // data-parallel communication hidden behind backward
  double tokens_per_step = 0;        // tokens the GPUs below process together per step
  int gpus = 0;                      // GPUs that share the step (gang, or one replica)
  double tokens_per_gpu_second = 0;  // tokens_per_step / (step_time_s x gpus)
  double model_flops_per_token = 0;  // 6N training; 2 N_teacher + 6 N_student distillation
  double mfu = 0;                    // model FLOP/s / (gpus x dense BF16 peak)
};

// The links of the pool's GPU: its scale-up bandwidth and its share of the node's NICs.
LinkBandwidths LinksFor(const Catalog& catalog, const PoolSpec& pool);

// A performance model for the pool's GPU from the scenario's calibration profile, its scale-out
// bandwidth multiplied by `scale_out_factor` (e.g. 1 / pod oversubscription for traffic that
// crosses pods); an error naming the GPU when the scenario has no profile for it.
Result<PerfModel> PerfModelFor(const Scenario& scenario, const PoolSpec& pool,
                               double scale_out_factor = 1.0);

// Prices one optimizer step of a training gang laid out as `job.layout` (including the 1F1B
// pipeline bubble); an error when the layout does not split the model evenly.
Result<PricedStep> PriceTrainingStep(const ModelSpec& model, const TrainingSpec& job,
                                     const PerfModel& perf);
// Prices one micro-batch of one distillation replica: the teacher's forward pass with logits
// for every token plus the student's training step on the same tokens (online distillation).
Result<PricedStep> PriceDistillationStep(const ModelSpec& teacher, const ModelSpec& student,
                                         const DistillationSpec& job, const PerfModel& perf);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_STEP_PRICING_H_
