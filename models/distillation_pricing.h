#ifndef CAPSIM_MODELS_DISTILLATION_PRICING_H_
#define CAPSIM_MODELS_DISTILLATION_PRICING_H_

#include <string>
#include <vector>

#include "models/catalog.h"
#include "models/perf_model.h"
#include "models/scenario.h"
#include "models/step_pricing.h"
#include "sim/status.h"

namespace capsim::models {

// Distillation priced op by op, in either mode of DistillationSpec::Mode (workloads.md §7):
//
//  online  — one phase "online": PriceDistillationStep as it is (the teacher's forward with
//            logits for every token plus the student's training step, per micro-batch of one
//            replica). The logits never leave the GPU: logit_storage_bandwidth is ignored and
//            nothing is stored.
//  offline — two phases over the same job.tokens tokens, each on replicas of job.layout.tp GPUs
//            and micro-batches of job.layout (the teacher pass reuses the student's layout):
//     "teacher": the teacher's operations of PriceDistillationStep (forward over the micro-batch
//            plus the logits GEMM for all tokens), then the write of the micro-batch's stored
//            logits, tokens x logit bytes/token / (storage bandwidth x replica GPUs), added to
//            the compute time: NOT overlapped (conservative: the top-k selection and the write
//            follow the forward pass that produced them; a writer that double-buffers would
//            hide it behind the next micro-batch).
//     "student": the student's operations of PriceDistillationStep (TrainingStepOps on the
//            micro-batch), with the micro-batch's logits read at the same storage bandwidth,
//            OVERLAPPED with compute: step time = max(compute, read) (the reads of the next
//            micro-batch are prefetched while the current one trains).
//          The replica's GPUs share the storage traffic: each moves 1 / tp of the micro-batch's
//          logits at logit_storage_bandwidth, so storage alone caps a phase at
//          logit_storage_bandwidth / logit bytes per token tokens per GPU-second.
//          The two phases' operations partition those of the online step, so with unlimited
//          storage the offline GPU-seconds per token equal the online step's.
//
// MFU of each phase as PriceTrainingStep's: model FLOPs per token (teacher 2 N_teacher, student
// 6 N_student, online both) x tokens per step / (step time x GPUs x dense BF16 peak), with the
// storage time inside the step time.

// One phase of a distillation job: what it runs and how fast.
struct DistillationPhase {
  std::string name;                  // "teacher" | "student" (offline) | "online"
  double tokens = 0;                 // tokens the phase processes (the job's tokens)
  double tokens_per_gpu_second = 0;  // == step.tokens_per_gpu_second
  // One micro-batch of one replica. step.step_time_s includes the storage time (see above), so
  // it can exceed PerfModel::StepTime(step.ops); step.ops names keep the "teacher." and
  // "student." prefixes of PriceDistillationStep.
  PricedStep step;
  double compute_time_s = 0;  // PerfModel::StepTime(step.ops)
  double storage_time_s = 0;  // logit write (teacher) or read (student) per step; 0 online

  // GPU-seconds the phase needs for its tokens.
  double GpuSeconds() const { return tokens / tokens_per_gpu_second; }
};

// What a distillation job runs, phase by phase (in order: the teacher pass before the student).
struct DistillationPlan {
  std::vector<DistillationPhase> phases;
  double logit_bytes_per_token = 0;  // LogitBytesPerToken (in both modes)
  double logit_storage_bytes = 0;    // offline: all tokens' stored logits; online: 0

  // GPU-seconds of all phases together.
  double GpuSeconds() const;
};

// Bytes of stored teacher logits per token: logit_top_k (the teacher's vocabulary when 0) x
// logit_bytes_per_entry; 128 x 6 = 768 B (workloads.md §7).
double LogitBytesPerToken(const ModelSpec& teacher, const DistillationSpec& job);

// The phases of `job` (see above). Errors: the layout does not split the teacher or the student
// (PriceDistillationStep's message), logit_top_k negative or above the teacher's vocabulary,
// logit_bytes_per_entry not positive, logit_storage_bandwidth negative.
Result<DistillationPlan> PlanDistillation(const ModelSpec& teacher, const ModelSpec& student,
                                          const DistillationSpec& job, const PerfModel& perf);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_DISTILLATION_PRICING_H_
