#include "models/distillation_pricing.h"

#include <algorithm>
#include <string>
#include <utility>

namespace capsim::models {
namespace {

bool HasPrefix(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// A phase of the online step's micro-batch running only the operations named `prefix`..., its
// storage time `storage_s` added to (overlap false) or overlapped with (true) the compute.
DistillationPhase Phase(const std::string& name, const PricedStep& online,
                        const std::string& prefix, double model_flops_per_token, double storage_s,
                        bool overlap, double tokens, const PerfModel& perf) {
  DistillationPhase phase;
  phase.name = name;
  phase.tokens = tokens;
  PricedStep& step = phase.step;
  for (const Operation& op : online.ops) {
    if (HasPrefix(op.name, prefix)) step.ops.push_back(op);
  }
  phase.compute_time_s = perf.StepTime(step.ops);
  phase.storage_time_s = storage_s;
  step.step_time_s =
      overlap ? std::max(phase.compute_time_s, storage_s) : phase.compute_time_s + storage_s;
  step.tokens_per_step = online.tokens_per_step;
  step.gpus = online.gpus;
  step.model_flops_per_token = model_flops_per_token;
  // As step_pricing.cc's Finish.
  step.tokens_per_gpu_second = step.tokens_per_step / (step.step_time_s * step.gpus);
  step.mfu = step.tokens_per_step * step.model_flops_per_token /
             (step.step_time_s * step.gpus * perf.PeakFlops(DType::kBF16));
  phase.tokens_per_gpu_second = step.tokens_per_gpu_second;
  return phase;
}

}  // namespace

double DistillationPlan::GpuSeconds() const {
  double s = 0;
  for (const DistillationPhase& p : phases) s += p.GpuSeconds();
  return s;
}

double LogitBytesPerToken(const ModelSpec& teacher, const DistillationSpec& job) {
  const double entries = job.logit_top_k > 0 ? job.logit_top_k : static_cast<double>(teacher.vocab);
  return entries * job.logit_bytes_per_entry;
}

Result<DistillationPlan> PlanDistillation(const ModelSpec& teacher, const ModelSpec& student,
                                          const DistillationSpec& job, const PerfModel& perf) {
  std::vector<std::string> problems;
  if (job.logit_top_k < 0) {
    problems.push_back(job.name + ": logit_top_k must be 0 (full vocabulary) or positive, got " +
                       std::to_string(job.logit_top_k));
  } else if (teacher.vocab > 0 && job.logit_top_k > teacher.vocab) {
    problems.push_back(job.name + ": logit_top_k " + std::to_string(job.logit_top_k) +
                       " is more than the vocabulary of " + teacher.name + " (" +
                       std::to_string(teacher.vocab) + ")");
  }
  if (!(job.logit_bytes_per_entry > 0)) {
    problems.push_back(job.name + ": logit_bytes_per_entry must be positive");
  }
  if (!(job.logit_storage_bandwidth >= 0)) {
    problems.push_back(job.name + ": logit_storage_bandwidth must be 0 (unlimited) or positive");
  }
  if (!problems.empty()) return Status::Errors(std::move(problems));

  // The online step validates the layout against both models and builds every operation.
  Result<PricedStep> online = PriceDistillationStep(teacher, student, job, perf);
  if (!online.ok()) return online.status();

  DistillationPlan plan;
  plan.logit_bytes_per_token = LogitBytesPerToken(teacher, job);
  const PricedStep& step = online.value();
  if (job.mode == DistillationSpec::Mode::kOnline) {
    DistillationPhase phase;
    phase.name = "online";
    phase.tokens = job.tokens;
    phase.step = step;
    phase.compute_time_s = step.step_time_s;
    phase.tokens_per_gpu_second = step.tokens_per_gpu_second;
    plan.phases.push_back(std::move(phase));
    return plan;
  }

  plan.logit_storage_bytes = job.tokens * plan.logit_bytes_per_token;
  // One micro-batch's logits, moved by the replica's GPUs together, each at the bandwidth.
  const double storage_s = job.logit_storage_bandwidth > 0
                               ? step.tokens_per_step * plan.logit_bytes_per_token /
                                     (job.logit_storage_bandwidth * step.gpus)
                               : 0.0;
  plan.phases.push_back(Phase("teacher", step, "teacher.", 2.0 * teacher.active_params, storage_s,
                              /*overlap=*/false, job.tokens, perf));
  plan.phases.push_back(Phase("student", step, "student.", 6.0 * student.active_params, storage_s,
                              /*overlap=*/true, job.tokens, perf));
  for (const DistillationPhase& p : plan.phases) {
    if (p.step.ops.empty()) {
      return Status::Error(job.name + ": PriceDistillationStep has no '" + p.name +
                           ".' operations to split into the offline " + p.name + " pass");
    }
  }
  return plan;
}

}  // namespace capsim::models
