#include "models/batch_job_pricing.h"

#include <algorithm>
#include <string>
#include <utility>

#include "models/distillation_pricing.h"
#include "models/job_throughput.h"
#include "models/step_pricing.h"

namespace capsim::models {
namespace {

Status Missing(const std::string& what, const std::string& name) {
  return Status::Error("scenario references unknown " + what + " '" + name + "'");
}

// Tokens per GPU-second of an elastic training job at each whole-node size from its minimum to
// its maximum (index = nodes; 0 below the minimum): the step re-priced at the data-parallel
// degree the size holds (tp x pp fixed, the same global batch); GPUs beyond whole model replicas
// idle, so their share dilutes the rate per GPU.
Result<std::vector<double>> ElasticRates(const ModelSpec& m, const TrainingSpec& t, int gpn,
                                         const PerfModel& perf) {
  const int group = std::max(1, t.layout.tp) * std::max(1, t.layout.pp);
  if (t.min_gpus < group) {
    return Status::Error("training '" + t.name + "': gpus.min (" + std::to_string(t.min_gpus) +
                         ") is smaller than one model replica (tp x pp = " + std::to_string(group) +
                         " GPUs)");
  }
  std::vector<double> rates(static_cast<size_t>(t.gpus / gpn) + 1, 0);
  int priced_dp = 0;
  double per_gpu = 0;
  for (int nodes = t.min_gpus / gpn; nodes <= t.gpus / gpn; ++nodes) {
    const int gpus = nodes * gpn;
    const int ep = std::max(1, t.layout.ep);
    const int dp = gpus / group / ep * ep;  // expert parallelism is carved out of dp
    if (dp != priced_dp) {
      TrainingSpec at = t;
      at.gpus = dp * group;
      at.layout.dp = dp;
      const double per_micro = static_cast<double>(dp) * at.layout.micro_batch_seqs *
                               static_cast<double>(at.layout.seq_len);
      at.layout.global_batch_tokens = std::max(at.layout.global_batch_tokens, per_micro);
      Result<PricedStep> step = PriceTrainingStep(m, at, perf);
      if (!step.ok()) return step.status();
      per_gpu = step.value().tokens_per_gpu_second;
      priced_dp = dp;
    }
    rates[static_cast<size_t>(nodes)] = per_gpu * (dp * group) / gpus;
  }
  return rates;
}

// A workload's pool: its index in the scenario, the pool and its GPU.
struct PoolRef {
  int index;
  const PoolSpec& pool;
  const GpuSpec& gpu;
};

}  // namespace

Result<BatchJobs> PriceBatchJobs(const Scenario& sc,
                                 std::vector<std::optional<PerfModel>>* perf_models) {
  perf_models->resize(sc.pools.size());
  BatchJobs out;
  // The pool of a workload, or an error naming it.
  auto pool_of = [&](const std::string& name, const std::string& workload) -> Result<PoolRef> {
    const int i = sc.PoolIndex(name);
    if (i < 0)
      return Status::Error("workload '" + workload + "' names unknown pool '" + name + "'");
    const PoolSpec& pool = sc.pools[static_cast<size_t>(i)];
    const GpuSpec* gpu = sc.catalog.FindGpu(pool.gpu);
    if (gpu == nullptr) return Missing("GPU", pool.gpu);
    return PoolRef{i, pool, *gpu};
  };
  // Jobs without a fixed efficiency are priced op by op through their pool's calibration profile.
  auto perf_model = [&](int pool) -> Status {
    std::optional<PerfModel>& slot = (*perf_models)[static_cast<size_t>(pool)];
    if (slot) return Status::Ok();
    Result<PerfModel> m = PerfModelFor(sc, sc.pools[static_cast<size_t>(pool)]);
    if (!m.ok()) return m.status();
    slot.emplace(std::move(m).value());
    return Status::Ok();
  };
  for (const TrainingSpec& t : sc.trainings) {
    Result<PoolRef> ref = pool_of(t.pool, t.name);
    if (!ref.ok()) return ref.status();
    const auto [pi, pool, gpu] = ref.value();
    const int gpn = pool.gpus_per_node;
    const ModelSpec* m = sc.catalog.FindModel(t.model);
    if (m == nullptr) return Missing("model", t.model);
    double rate = 0;
    double mfu = t.efficiency;
    std::vector<double> by_nodes;
    if (t.efficiency > 0) {
      rate = TokensPerGpuSecond(gpu, TrainingFlopsPerToken(*m), t.efficiency);
    } else {
      if (Status s = perf_model(pi); !s.ok()) return s;
      const PerfModel& perf = *(*perf_models)[static_cast<size_t>(pi)];
      Result<PricedStep> step = PriceTrainingStep(*m, t, perf);
      if (!step.ok()) return step.status();
      rate = step.value().tokens_per_gpu_second;
      mfu = step.value().mfu;
      if (t.min_gpus > 0 && t.min_gpus < t.gpus && sc.policy.elastic) {
        Result<std::vector<double>> rates = ElasticRates(*m, t, gpn, perf);
        if (!rates.ok()) return rates.status();
        by_nodes = std::move(rates).value();
      }
    }
    const bool elastic = t.min_gpus > 0 && sc.policy.elastic;
    JobParams p;
    p.name = t.name;
    p.kind = "training";
    p.pool = pi;
    p.gpus_per_node = gpn;
    p.min_gpus = elastic ? t.min_gpus : t.gpus;
    p.max_gpus = t.gpus;
    p.tokens_target = t.tokens;
    p.tokens_per_gpu_second = rate;
    p.tokens_per_gpu_second_by_nodes = std::move(by_nodes);
    p.mfu = mfu;
    p.node_step = std::max(1, std::max(1, t.layout.tp) * std::max(1, t.layout.pp) / gpn);
    p.group_nodes = std::max(1, std::max(1, t.layout.tp) / gpn);
    if (t.efficiency <= 0 && pool.topology && pool.topology->pod_oversubscription > 1) {
      // The step again with the data-parallel traffic on the oversubscribed spine.
      Result<PerfModel> spine = PerfModelFor(sc, pool, 1.0 / pool.topology->pod_oversubscription);
      if (!spine.ok()) return spine.status();
      Result<PricedStep> crossing = PriceTrainingStep(*m, t, spine.value());
      if (!crossing.ok()) return crossing.status();
      p.cross_pod_factor = crossing.value().tokens_per_gpu_second / rate;
    }
    p.checkpoint_interval_s = t.checkpoint_interval_s;
    p.checkpoint_write_s = t.checkpoint_write_s;
    p.restart_s = t.restart_s;
    out.jobs.push_back(std::move(p));
  }
  for (const DistillationSpec& d : sc.distillations) {
    Result<PoolRef> ref = pool_of(d.pool, d.name);
    if (!ref.ok()) return ref.status();
    const auto [pi, pool, gpu] = ref.value();
    const int gpn = pool.gpus_per_node;
    const ModelSpec* teacher = sc.catalog.FindModel(d.teacher);
    if (teacher == nullptr) return Missing("model", d.teacher);
    const ModelSpec* student = sc.catalog.FindModel(d.student);
    if (student == nullptr) return Missing("model", d.student);
    // One job per phase: online one; offline the teacher pass, then the student after it.
    std::vector<std::pair<std::string, double>> phases;  // (phase, tokens per GPU-second)
    const bool offline = d.mode == DistillationSpec::Mode::kOffline;
    if (d.efficiency > 0) {
      if (offline) {
        phases.push_back(
            {"teacher", TokensPerGpuSecond(gpu, 2 * teacher->active_params, d.efficiency)});
        phases.push_back(
            {"student", TokensPerGpuSecond(gpu, TrainingFlopsPerToken(*student), d.efficiency)});
      } else {
        phases.push_back({"", TokensPerGpuSecond(gpu, DistillationFlopsPerToken(*teacher, *student),
                                                 d.efficiency)});
      }
    } else {
      if (Status s = perf_model(pi); !s.ok()) return s;
      Result<DistillationPlan> plan =
          PlanDistillation(*teacher, *student, d, *(*perf_models)[static_cast<size_t>(pi)]);
      if (!plan.ok()) return plan.status();
      for (const DistillationPhase& ph : plan.value().phases) {
        phases.push_back({offline ? ph.name : "", ph.tokens_per_gpu_second});
      }
      out.logit_storage_bytes += plan.value().logit_storage_bytes;
    }
    std::string previous;
    for (const auto& [phase, rate] : phases) {
      JobParams p;
      p.name = phase.empty() ? d.name : d.name + "." + phase;
      p.kind = "distillation";
      p.pool = pi;
      p.workload = d.name;
      p.phase = phase;
      p.after = previous;
      p.node_step = std::max(1, std::max(1, d.layout.tp) / gpn);
      p.group_nodes = p.node_step;
      p.gpus_per_node = gpn;
      p.min_gpus = d.min_gpus;
      p.max_gpus = d.max_gpus;
      p.tokens_target = d.tokens;
      p.tokens_per_gpu_second = rate;
      p.checkpoint_interval_s = d.checkpoint_interval_s;
      p.checkpoint_write_s = d.checkpoint_write_s;
      p.restart_s = d.restart_s;
      previous = p.name;
      out.jobs.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace capsim::models
