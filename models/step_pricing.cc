#include "models/step_pricing.h"

#include <algorithm>

#include "models/transformer_ops.h"

namespace capsim::models {
namespace {

// PCIe 5 x16, one direction (hardware.md §1 notes, FIRM): the link of GPUs without NVLink/xGMI.
constexpr double kPcie5x16BytesPerS = 63e9;

Parallelism LayoutOf(const StepLayout& l, const GpuSpec& gpu, int dp) {
  Parallelism p;
  p.tp = std::max(1, l.tp);
  p.pp = std::max(1, l.pp);
  p.dp = std::max(1, dp);
  p.scale_up_domain = std::max(1, gpu.scale_up_domain);
  p.ep = std::max(1, l.ep);
  p.distributed_optimizer = l.distributed_optimizer;
  return p;
}

Status LayoutProblem(const std::string& what, const Status& s) {
  std::vector<std::string> lines;
  for (const std::string& p : s.problems()) lines.push_back(what + ": " + p);
  return Status::Errors(std::move(lines));
}

void Finish(const PerfModel& perf, PricedStep* step) {
  step->tokens_per_gpu_second = step->tokens_per_step / (step->step_time_s * step->gpus);
  step->mfu = step->tokens_per_step * step->model_flops_per_token /
              (step->step_time_s * step->gpus * perf.PeakFlops(DType::kBF16));
}

}  // namespace

LinkBandwidths LinksFor(const Catalog& catalog, const PoolSpec& pool) {
  LinkBandwidths links;
  const GpuSpec* gpu = catalog.FindGpu(pool.gpu);
  links.scale_up_bytes_per_s =
      gpu != nullptr && gpu->scale_up_bandwidth > 0 ? gpu->scale_up_bandwidth : kPcie5x16BytesPerS;
  for (const NodeSpec& node : catalog.nodes) {
    if (node.gpu == pool.gpu && node.nics > 0 && node.gpus_per_node > 0) {
      links.scale_out_bytes_per_s = node.nics * node.nic_bandwidth / node.gpus_per_node;
      break;
    }
  }
  if (links.scale_out_bytes_per_s <= 0) {
    for (const NetworkSpec& net : catalog.networks) {
      if (net.tier == LinkTier::kScaleOut && net.bandwidth > 0) {
        links.scale_out_bytes_per_s = net.bandwidth;
        break;
      }
    }
  }
  return links;
}

Result<PerfModel> PerfModelFor(const Scenario& scenario, const PoolSpec& pool,
                               double scale_out_factor) {
  const GpuSpec* gpu = scenario.catalog.FindGpu(pool.gpu);
  if (gpu == nullptr) return Status::Error("unknown GPU '" + pool.gpu + "'");
  const CalibrationProfile* profile = scenario.ProfileFor(pool.gpu);
  if (profile == nullptr) {
    return Status::Error("no calibration profile for GPU '" + pool.gpu +
                         "': add it under calibration: in the scenario");
  }
  LinkBandwidths links = LinksFor(scenario.catalog, pool);
  links.scale_out_bytes_per_s *= scale_out_factor;
  if (links.scale_out_bytes_per_s <= 0) {
    return Status::Error("no scale-out bandwidth for GPU '" + pool.gpu +
                         "': the catalog needs a node with NICs for it or a scale-out network");
  }
  return PerfModel::Create(*gpu, links, *profile);
}

Result<PricedStep> PriceTrainingStep(const ModelSpec& model, const TrainingSpec& job,
                                     const PerfModel& perf) {
  const StepLayout& l = job.layout;
  const Parallelism par = LayoutOf(l, perf.gpu(), l.dp);
  if (Status s = CheckParallelism(model, par); !s.ok()) {
    return LayoutProblem(job.name + " (" + model.name + ")", s);
  }
  PricedStep step;
  const auto tokens = static_cast<int64_t>(l.global_batch_tokens);
  step.ops = TrainingStepOps(model, par, tokens, l.seq_len, l.micro_batch_seqs);
  const double micro = TrainingMicroBatches(par, tokens, l.seq_len, l.micro_batch_seqs);
  // The data-parallel gradient traffic ("dp." collectives) hides behind up to dp_overlap of the
  // backward compute; what it cannot hide adds to the step.
  double dp_s = 0, backward_s = 0;
  for (const Operation& op : step.ops) {
    const double t = perf.Price(op).time_s * op.repeat;
    if (op.name.rfind("dp.", 0) == 0) dp_s += t;
    if (op.op_class != OpClass::kCollective && op.name.find(".bwd") != std::string::npos) {
      backward_s += t;
    }
  }
  step.overlapped_s = std::min(dp_s, std::clamp(l.dp_overlap, 0.0, 1.0) * backward_s);
  step.step_time_s =
      (perf.StepTime(step.ops) - step.overlapped_s) / (1.0 - PipelineBubbleFraction(par.pp, micro));
  step.tokens_per_step = l.global_batch_tokens;
  step.gpus = static_cast<int>(par.Gpus());
  step.model_flops_per_token = 6.0 * model.active_params;
  Finish(perf, &step);
  return step;
}

Result<PricedStep> PriceDistillationStep(const ModelSpec& teacher, const ModelSpec& student,
                                         const DistillationSpec& job, const PerfModel& perf) {
  const StepLayout& l = job.layout;
  const Parallelism par = LayoutOf(l, perf.gpu(), 1);
  for (const ModelSpec* m : {&teacher, &student}) {
    if (Status s = CheckParallelism(*m, par); !s.ok()) {
      return LayoutProblem(job.name + " (" + m->name + ")", s);
    }
  }
  PricedStep step;
  const int64_t seqs = l.micro_batch_seqs;
  const int64_t tokens = seqs * l.seq_len;
  step.ops = PrefillOps(teacher, par, seqs, l.seq_len);
  // The teacher's logits for every token (PrefillOps computes the last token's only); the
  // top-k selection that follows is negligible next to this GEMM.
  const int64_t vocab_per_gpu = (teacher.vocab + par.tp - 1) / par.tp;
  step.ops.push_back(
      Gemm("logits_all_tokens", tokens, vocab_per_gpu, teacher.hidden, teacher.dtype));
  for (Operation& op : step.ops) op.name = "teacher." + op.name;
  std::vector<Operation> student_ops = TrainingStepOps(student, par, tokens, l.seq_len, seqs);
  for (Operation& op : student_ops) op.name = "student." + op.name;
  step.ops.insert(step.ops.end(), student_ops.begin(), student_ops.end());
  step.step_time_s = perf.StepTime(step.ops);
  step.tokens_per_step = static_cast<double>(tokens);
  step.gpus = par.tp;
  step.model_flops_per_token = 2.0 * teacher.active_params + 6.0 * student.active_params;
  Finish(perf, &step);
  return step;
}

}  // namespace capsim::models
