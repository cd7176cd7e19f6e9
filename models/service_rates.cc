#include "models/service_rates.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "models/avatar_capacity.h"
#include "models/perf_model.h"
#include "models/step_pricing.h"
#include "models/transformer_ops.h"

namespace capsim::models {
namespace {

constexpr double kH100Bf16 = 989e12;     // dense BF16 FLOP/s of the H100 SXM (data/catalog.yaml)
constexpr double kPackingTarget = 0.85;  // AvatarSpec::gpu_load_target default
constexpr double kAgentSpeaking = 7.5 / 15.5;
constexpr double kTpot = 0.050;          // s per output token (ESTIMATE)
constexpr int64_t kPromptTokens = 1155;  // Azure 2023 conversation means (workloads.md §6)
constexpr int64_t kOutputTokens = 211;

// GPU types of the pools and clouds named in `names`.
std::set<std::string> GpusOf(const ProjectionSpec& spec, const std::vector<std::string>& names) {
  std::set<std::string> gpus;
  for (const std::string& n : names) {
    for (const ProjectionPoolSpec& p : spec.pools) {
      if (p.name == n) gpus.insert(p.gpu);
    }
    for (const CloudSpec& c : spec.clouds) {
      if (c.name == n) gpus.insert(c.gpu);
    }
  }
  return gpus;
}

bool Has(const std::vector<ServiceRate>& rates, const std::string& gpu) {
  return std::any_of(rates.begin(), rates.end(),
                     [&](const ServiceRate& r) { return r.gpu == gpu; });
}

}  // namespace

double TierSessionsPerGpu(const AvatarTierSpec& tier, const GpuSpec& gpu) {
  const double user = 1 - kAgentSpeaking;
  const double share = tier.face_gpu_share * kAgentSpeaking + tier.idle_gpu_share * user +
                       user / 32 + kAgentSpeaking / 8;
  return kPackingTarget / share * (gpu.bf16_flops / kH100Bf16);
}

Result<double> ReplicaSessionsPerGpu(const Scenario& sc, const AvatarSpec& avatar,
                                     const std::string& gpu) {
  if (!avatar.replica) {
    return Status::Error("avatar '" + avatar.name + "' has no replica block to measure");
  }
  if (sc.pools.empty()) return Status::Error("the rate scenario has no pool");
  PoolSpec pool = sc.pools.front();
  pool.gpu = gpu;
  Result<PerfModel> perf = PerfModelFor(sc, pool);
  if (!perf.ok()) return perf.status();
  AvatarLoadTest test;
  test.spec = avatar;
  test.pool = pool;
  test.policy = sc.policy;
  test.seed = sc.seed;
  test.slo.ttff_p99_s = avatar.slo_ttff_p99_s;
  test.slo.max_frame_miss_rate = avatar.slo_frame_miss_rate;
  test.slo.max_rejected_fraction = 0.01;
  test.warmup_s = 600;
  test.duration_s = 600;
  const CapacityEvaluator eval = AvatarPipelineEvaluator(sc.catalog, perf.value(), test);
  // Sessions/s bounds: up to 20 sessions per GPU of the pool.
  const double mean_length = std::max(1.0, avatar.session_length.mean);
  const double hi = pool.nodes * pool.gpus_per_node * 20.0 / mean_length;
  MaxLoadResult r = MaxLoad(eval, hi / 1000, hi, hi / 64, 12);
  // Refine the bracket to 5% of the load found (the coarse pass resolves hi / 64 only).
  if (r.outcome == CapacityOutcome::kConverged && r.max_load > 0 &&
      r.min_failing_load - r.max_load > 0.05 * r.max_load) {
    MaxLoadResult fine = MaxLoad(eval, r.max_load, r.min_failing_load, 0.05 * r.max_load, 8);
    r.points.insert(r.points.end(), fine.points.begin(), fine.points.end());
  }
  const CapacityPoint* best = nullptr;
  for (const CapacityPoint& p : r.points) {
    if (p.slo_met && (best == nullptr || p.load > best->load)) best = &p;
  }
  if (best == nullptr || !(best->gpus > 0)) {
    return Status::Error("avatar '" + avatar.name + "' meets its SLO at no tested load on " + gpu);
  }
  return best->mean_sessions / best->gpus;
}

Result<double> ServingTokensPerGpu(const Catalog& catalog, const CalibrationProfile& profile,
                                   const ModelSpec& model, const GpuSpec& gpu) {
  if (!model.HasArchitecture()) {
    return Status::Error("model '" + model.name + "' has no architecture to price");
  }
  Scenario sc;
  sc.catalog = catalog;
  sc.profiles = {profile};
  PoolSpec pool;
  pool.gpu = gpu.name;
  pool.gpus_per_node = std::max(1, gpu.scale_up_domain >= 8 ? 8 : gpu.scale_up_domain);
  Result<PerfModel> perf = PerfModelFor(sc, pool);
  if (!perf.ok()) return perf.status();
  const double weight_bytes = model.params * BytesPerElement(model.dtype);
  Parallelism par;
  par.scale_up_domain = gpu.scale_up_domain;
  while (weight_bytes / par.tp > 0.6 * gpu.memory_bytes || !CheckParallelism(model, par).ok()) {
    if (par.tp >= 64)
      return Status::Error("model '" + model.name + "' does not fit on " + gpu.name);
    par.tp *= 2;
  }
  const double kv_per_token = 2.0 * model.layers * std::max<int64_t>(1, model.kv_heads / par.tp) *
                              model.head_dim * BytesPerElement(model.dtype);
  const double kv_room = gpu.memory_bytes * 0.9 - weight_bytes / par.tp;
  const int64_t context = kPromptTokens + kOutputTokens / 2;
  int64_t batch = 1;
  double step = perf.value().StepTime(DecodeOps(model, par, 1, context));
  for (int64_t b = 2; b <= 512; b *= 2) {
    if (kv_per_token * context * b > kv_room) break;
    const double t = perf.value().StepTime(DecodeOps(model, par, b, context));
    if (t > kTpot) break;
    batch = b;
    step = t;
  }
  const double prefill = perf.value().StepTime(PrefillOps(model, par, 1, kPromptTokens));
  const double gpu_s_per_request = par.tp * (prefill + kOutputTokens * step / batch);
  return kOutputTokens / gpu_s_per_request;
}

Status ResolveServiceRates(ProjectionSpec* spec, const ReplicaRate& replica_rate) {
  for (ProjectionAvatarSpec& a : spec->avatars) {
    for (ServiceRate& r : a.sessions_per_gpu) {
      if (r.source.empty()) r.source = "given";
    }
    for (const std::string& g : GpusOf(*spec, a.pools)) {
      if (Has(a.sessions_per_gpu, g)) continue;
      const GpuSpec* gpu = spec->catalog.FindGpu(g);
      if (gpu == nullptr) return Status::Error("avatar '" + a.name + "': unknown GPU '" + g + "'");
      if (!a.rate_scenario.empty() && replica_rate) {
        Result<double> v = replica_rate(a, g);
        if (!v.ok()) return v.status();
        a.sessions_per_gpu.push_back({g, v.value(),
                                      "replica-level capacity search of " + a.rate_scenario +
                                          " (workload " + a.rate_workload + ") on " + g});
        continue;
      }
      const AvatarTierSpec* tier = spec->catalog.FindTier(a.tier);
      if (tier == nullptr)
        return Status::Error("avatar '" + a.name + "': unknown tier '" + a.tier + "'");
      a.sessions_per_gpu.push_back({g, TierSessionsPerGpu(*tier, *gpu),
                                    "tier GPU shares (workloads.md §1) x BF16 peak / H100's"});
    }
  }
  for (ProjectionServingSpec& v : spec->servings) {
    for (ServiceRate& r : v.tokens_per_gpu_s) {
      if (r.source.empty()) r.source = "given";
    }
    const ModelSpec* model = spec->catalog.FindModel(v.model);
    if (model == nullptr)
      return Status::Error("serving '" + v.name + "': unknown model '" + v.model + "'");
    for (const std::string& g : GpusOf(*spec, v.pools)) {
      if (Has(v.tokens_per_gpu_s, g)) continue;
      const GpuSpec* gpu = spec->catalog.FindGpu(g);
      const CalibrationProfile* profile = spec->ProfileFor(g);
      if (gpu == nullptr || profile == nullptr) {
        return Status::Error("serving '" + v.name + "': no calibration profile for GPU '" + g +
                             "' to price it: add it under calibration:, or give tokens_per_gpu");
      }
      Result<double> rate = ServingTokensPerGpu(spec->catalog, *profile, *model, *gpu);
      if (!rate.ok()) return Status::Error("serving '" + v.name + "': " + rate.status().ToString());
      v.tokens_per_gpu_s.push_back({g, rate.value(),
                                    "performance model: decode at <= 50 ms/token, Azure 2023 "
                                    "conversation lengths"});
    }
  }
  return Status::Ok();
}

}  // namespace capsim::models
