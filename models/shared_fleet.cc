#include "models/shared_fleet.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>

#include "models/avatar_pipeline.h"
#include "models/avatar_service.h"
#include "models/avatar_session_pool.h"
#include "models/batch_job.h"
#include "models/batch_job_pricing.h"
#include "models/disaggregated_cluster.h"
#include "models/distillation_pricing.h"
#include "models/fleet_scheduler.h"
#include "models/job_throughput.h"
#include "models/llm_cluster.h"
#include "models/period_cost.h"
#include "models/request_source.h"
#include "models/run_report.h"
#include "models/step_pricing.h"
#include "sim/simulator.h"

namespace capsim::models {
namespace {

using sim::Duration;
using sim::Time;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Status Missing(const std::string& what, const std::string& name) {
  return Status::Error("scenario references unknown " + what + " '" + name + "'");
}

// One pool of the scenario, resolved against the catalog.
struct ResolvedPool {
  const PoolSpec* pool = nullptr;
  const SiteSpec* site = nullptr;
  const GpuSpec* gpu = nullptr;
  std::optional<PerfModel> perf;  // when a workload of this pool is priced op by op
};

// Everything resolved from the catalog before the run starts.
struct Resolved {
  std::vector<ResolvedPool> pools;
  std::vector<JobParams> jobs;  // JobParams::pool indexes `pools`
  const ModelSpec* serving_model = nullptr;
  int serving_pool = 0;
  int serving_nodes = 0;
  int avatar_pool = 0;
  double logit_storage_bytes = 0;  // offline distillation's stored teacher logits
};

// The request stream of a serving workload: stream ids apart from the avatar service's.
RequestSource MakeSource(const ServingSpec& sv, double horizon_s, uint64_t seed) {
  constexpr uint64_t kServingStream = uint64_t{2} << 40;
  SourceLimits limits;
  limits.end_s = horizon_s;
  switch (sv.source) {
    case ServingSpec::Source::kPoisson:
      return RequestSource::Poisson(sv.arrivals.peak_rate_per_s, sv.lengths, limits, seed,
                                    kServingStream);
    case ServingSpec::Source::kDiurnal:
      return RequestSource::Diurnal(sv.arrivals, sv.lengths, limits, seed, kServingStream);
    case ServingSpec::Source::kBursty:
      return RequestSource::Bursty(sv.arrivals.peak_rate_per_s, sv.cv, sv.lengths, limits, seed,
                                   kServingStream);
    case ServingSpec::Source::kOffline:
      return RequestSource::Offline(sv.offline_count, sv.lengths, seed, kServingStream);
    case ServingSpec::Source::kTrace:
      break;
  }
  ReplayOptions replay = sv.replay;
  // Requests arriving after the horizon are not replayed.
  replay.end_s = std::min(replay.end_s, replay.start_s + horizon_s / replay.time_scale);
  return RequestSource::Replay(sv.trace, replay);
}

Result<Resolved> Resolve(const Scenario& sc) {
  Resolved r;
  if (sc.pools.empty()) return Status::Error("the scenario has no pool");
  for (const PoolSpec& pool : sc.pools) {
    ResolvedPool rp;
    rp.pool = &pool;
    for (const SiteSpec& s : sc.sites) {
      if (s.name == pool.site) rp.site = &s;
    }
    if (rp.site == nullptr) return Missing("site", pool.site);
    rp.gpu = sc.catalog.FindGpu(pool.gpu);
    if (rp.gpu == nullptr) return Missing("GPU", pool.gpu);
    r.pools.push_back(std::move(rp));
  }
  // The pool of a workload, or an error naming it.
  auto pool_of = [&](const std::string& name, const std::string& workload) -> Result<int> {
    const int i = sc.PoolIndex(name);
    if (i < 0)
      return Status::Error("workload '" + workload + "' names unknown pool '" + name + "'");
    return i;
  };
  // Jobs without a fixed efficiency are priced op by op through their pool's calibration profile.
  auto perf_model = [&](int pool) -> Status {
    ResolvedPool& rp = r.pools[static_cast<size_t>(pool)];
    if (rp.perf) return Status::Ok();
    Result<PerfModel> m = PerfModelFor(sc, *rp.pool);
    if (!m.ok()) return m.status();
    rp.perf.emplace(std::move(m).value());
    return Status::Ok();
  };
  {
    std::vector<std::optional<PerfModel>> perf(r.pools.size());
    Result<BatchJobs> jobs = PriceBatchJobs(sc, &perf);
    if (!jobs.ok()) return jobs.status();
    r.jobs = std::move(jobs.value().jobs);
    r.logit_storage_bytes = jobs.value().logit_storage_bytes;
    for (size_t i = 0; i < perf.size(); ++i) {
      if (perf[i]) r.pools[i].perf = std::move(perf[i]);
    }
  }
  for (const ServingSpec& sv : sc.servings) {
    Result<int> pool_index = pool_of(sv.pool, sv.name);
    if (!pool_index.ok()) return pool_index.status();
    const int pi = pool_index.value();
    const PoolSpec& pool = *r.pools[static_cast<size_t>(pi)].pool;
    const ModelSpec* m = sc.catalog.FindModel(sv.model);
    if (m == nullptr) return Missing("model", sv.model);
    if (Status s = perf_model(pi); !s.ok()) return s;
    r.serving_model = m;
    r.serving_pool = pi;
    r.serving_nodes = (sv.Gpus() + pool.gpus_per_node - 1) / pool.gpus_per_node;
    if (r.serving_nodes > pool.nodes) {
      return Status::Error("serving '" + sv.name + "' needs " + std::to_string(r.serving_nodes) +
                           " nodes; the pool has " + std::to_string(pool.nodes));
    }
  }
  for (const AvatarSpec& a : sc.avatars) {
    Result<int> pool_index = pool_of(a.pool, a.name);
    if (!pool_index.ok()) return pool_index.status();
    r.avatar_pool = pool_index.value();
    if (!a.replica) continue;
    if (Status s = perf_model(r.avatar_pool); !s.ok()) return s;
  }
  for (const JobParams& j : r.jobs) {
    const PoolSpec& pool = *r.pools[static_cast<size_t>(j.pool)].pool;
    const int gpn = pool.gpus_per_node;
    if (j.min_gpus % gpn != 0 || j.max_gpus % gpn != 0 || j.max_gpus > pool.nodes * gpn) {
      return Status::Error("job '" + j.name + "': GPU counts must be whole nodes within pool '" +
                           pool.name + "'");
    }
  }
  return r;
}

int RankOf(const PolicySpec& policy, const std::string& name, int fallback) {
  auto it = std::find(policy.order.begin(), policy.order.end(), name);
  return it == policy.order.end() ? fallback : static_cast<int>(it - policy.order.begin());
}

// One simulation of the pools: the components, the sampler and the run loop.
class FleetRun {
 public:
  FleetRun(const Scenario& sc, const Resolved& r, uint64_t seed, bool with_avatars,
           const std::vector<size_t>& job_indices)
      : sc_(sc), r_(r), horizon_(Time::FromSeconds(sc.horizon_s)) {
    const int fallback = static_cast<int>(sc.policy.order.size());
    const int avatar_rank = sc.avatars.empty() ? 0 : RankOf(sc.policy, sc.avatars[0].name, 0);
    // One scheduler (and topology) per pool; a workload runs in its own pool.
    for (const ResolvedPool& rp : r.pools) {
      schedulers_.push_back(std::make_unique<FleetScheduler>(
          sim_, rp.pool->nodes, avatar_rank, sc.policy.preemption, sc.policy.headroom_nodes));
      topologies_.emplace_back();
      if (!rp.pool->topology) continue;
      Result<Topology> topo = Topology::Create(rp.pool->nodes, *rp.pool->topology);
      if (topo.ok()) {
        topologies_.back() = std::make_unique<Topology>(std::move(topo).value());
        schedulers_.back()->SetTopology(topologies_.back().get());
      } else {
        status_ = topo.status();
      }
    }
    if (sc.failures.enabled && sc.failures.spare_nodes > 0) {
      spares_ = std::make_unique<SparePool>(sim_, sc.failures.spare_nodes, sc.failures.swap_s,
                                            sc.failures.repair_s);
    }
    for (size_t i : job_indices) {
      JobParams params = r.jobs[i];
      if (sc.failures.enabled) {
        for (const FailureCause& c : Llama3FailureCauses()) {
          params.failure_causes.push_back({c.name, c.per_gpu_hour * sc.failures.rate_scale});
        }
        params.repair_s = sc.failures.repair_s;
        params.failure_seed = seed;
        params.failure_stream = (uint64_t{3} << 40) + i;
      }
      jobs_.push_back(std::make_unique<BatchJob>(sim_, std::move(params), &log_, spares_.get()));
      BatchJob* job = jobs_.back().get();
      FleetScheduler& sched = SchedulerOf(*job);
      job->SetTopology(topologies_[static_cast<size_t>(job->params().pool)].get());
      sched.AddJob(job, RankOf(sc.policy, job->workload(), fallback));
      for (const PolicySpec::Window& w : sc.policy.windows) {
        if (with_avatars && w.workload == job->workload()) {
          sched.SetWindow(job, w.start_s, w.end_s);
        }
      }
    }
    for (const auto& job : jobs_) {
      for (const auto& before : jobs_) {
        if (!job->params().after.empty() && before->params().name == job->params().after) {
          SchedulerOf(*job).SetPredecessor(job.get(), before.get());
        }
      }
    }
    FleetScheduler& avatar_sched = *schedulers_[static_cast<size_t>(r.avatar_pool)];
    const ResolvedPool& avatar_pool = r.pools[static_cast<size_t>(r.avatar_pool)];
    if (with_avatars && !sc.avatars.empty() && sc.policy.avatar_partition_nodes > 0 &&
        !avatar_sched.SetAvatarPartition(sc.policy.avatar_partition_nodes)) {
      status_ = Status::Error("policy '" + sc.policy.name + "': avatar_nodes (" +
                              std::to_string(sc.policy.avatar_partition_nodes) +
                              ") is more than the pool's free nodes");
    }
    if (with_avatars && !sc.servings.empty()) {
      const ServingSpec& sv = sc.servings[0];
      const ResolvedPool& sp = r.pools[static_cast<size_t>(r.serving_pool)];
      schedulers_[static_cast<size_t>(r.serving_pool)]->ReserveNodes(r.serving_nodes);
      RequestSource source = MakeSource(sv, sc.horizon_s, seed);
      if (sv.disaggregated) {
        serving_ = std::make_unique<DisaggregatedCluster>(sim_, *r.serving_model, *sp.perf,
                                                          *sv.disaggregated, std::move(source));
      } else {
        auto cluster = std::make_unique<LlmCluster>(sim_, *r.serving_model, *sp.perf, sv.cluster,
                                                    std::move(source));
        if (sv.cluster.autoscale) {
          serving_rank_ = RankOf(sc.policy, sv.name, 0);
          serving_free_gpus_ = r.serving_nodes * sp.pool->gpus_per_node - sv.Gpus();
          cluster->SetCapacity([this](int gpus) { return AcquireServingGpus(gpus); },
                               [this](int gpus) { ReleaseServingGpus(gpus); });
        }
        serving_ = std::move(cluster);
      }
    }
    if (with_avatars && !sc.avatars.empty()) {
      if (sc.avatars[0].replica) {
        Result<std::unique_ptr<AvatarPipeline>> p =
            AvatarPipeline::Create(sim_, sc.avatars[0], *avatar_pool.pool, sc.policy, avatar_sched,
                                   sc.catalog, *avatar_pool.perf, seed, /*workload_index=*/0);
        if (p.ok()) {
          avatar_ = std::move(p).value();
        } else {
          status_ = p.status();
        }
      } else if (sc.avatars[0].aggregate) {
        avatar_ = std::make_unique<AvatarSessionPool>(sim_, sc.avatars[0], *avatar_pool.pool,
                                                      sc.policy, avatar_sched, seed,
                                                      /*workload_index=*/0);
      } else {
        avatar_ = std::make_unique<AvatarService>(sim_, sc.avatars[0], *avatar_pool.pool, sc.policy,
                                                  avatar_sched, seed,
                                                  /*workload_index=*/0);
      }
    }
  }

  // Not ok when a component could not be built (the run must not start).
  const Status& status() const { return status_; }

  // Runs to the horizon (or until `stop_when` returns true at a sample), sampling as it goes.
  void Run(const RunOptions* options, std::function<bool()> stop_when = nullptr) {
    for (auto& sched : schedulers_) sched->Reallocate();
    if (serving_) serving_->Start();
    if (avatar_) avatar_->Start();
    if (options != nullptr) Sample();
    const Duration step = Duration::Seconds(sc_.sample_interval_s);
    Time t = sim_.Now();
    while (t < horizon_) {
      t = std::min(horizon_, t + step);
      sim_.RunUntil(t);
      if (options != nullptr) {
        Sample();
        if (options->progress) options->progress(t.seconds(), sc_.horizon_s, sim_.events_handled());
      }
      if (stop_when && stop_when()) break;
    }
    if (avatar_) avatar_->Finish();
  }

  const BatchJob& job(size_t i) const { return *jobs_[i]; }
  sim::Simulator& sim() { return sim_; }
  const AvatarWorkload* avatar() const { return avatar_.get(); }
  const ServingWorkload* serving() const { return serving_.get(); }
  // The scheduler of pool `pool`.
  const FleetScheduler& scheduler(size_t pool) const { return *schedulers_[pool]; }
  const SparePool* spares() const { return spares_.get(); }
  const std::vector<std::unique_ptr<BatchJob>>& jobs() const { return jobs_; }
  const JobEventLog& log() const { return log_; }
  const Timeseries& timeseries() const { return ts_; }
  // GPU-seconds of work done in pool `pool`.
  double busy_gpu_seconds(size_t pool) const {
    double busy =
        avatar_ && r_.avatar_pool == static_cast<int>(pool) ? avatar_->DemandGpuSeconds() : 0;
    for (const auto& j : jobs_) {
      if (j->params().pool == static_cast<int>(pool)) busy += j->BusyGpuSeconds();
    }
    return busy + (r_.serving_pool == static_cast<int>(pool) ? ServingBusyGpus() : 0);
  }

 private:
  FleetScheduler& SchedulerOf(const BatchJob& job) {
    return *schedulers_[static_cast<size_t>(job.params().pool)];
  }
  FleetScheduler& ServingScheduler() { return *schedulers_[static_cast<size_t>(r_.serving_pool)]; }
  // GPUs for a new autoscaled serving replica: from the serving nodes' free GPUs, else whole
  // nodes granted by the scheduler at the serving workload's rank.
  bool AcquireServingGpus(int gpus) {
    const int gpn = r_.pools[static_cast<size_t>(r_.serving_pool)].pool->gpus_per_node;
    if (serving_free_gpus_ < gpus) {
      const int nodes = (gpus - serving_free_gpus_ + gpn - 1) / gpn;
      std::vector<int> granted = ServingScheduler().GrantNodes(nodes, serving_rank_);
      if (granted.empty()) return false;
      serving_grants_.insert(serving_grants_.end(), granted.begin(), granted.end());
      serving_free_gpus_ += nodes * gpn;
    }
    serving_free_gpus_ -= gpus;
    return true;
  }
  // Takes back a removed replica's GPUs; whole granted nodes no replica uses go back.
  void ReleaseServingGpus(int gpus) {
    const int gpn = r_.pools[static_cast<size_t>(r_.serving_pool)].pool->gpus_per_node;
    serving_free_gpus_ += gpus;
    while (serving_free_gpus_ >= gpn && !serving_grants_.empty()) {
      ServingScheduler().ReturnNodes({serving_grants_.back()});
      serving_grants_.pop_back();
      serving_free_gpus_ -= gpn;
    }
  }

  // GPU-seconds the serving replicas have spent in iterations (each iteration keeps all of a
  // replica's GPUs busy).
  double ServingBusyGpus() const { return serving_ ? serving_->BusyGpuSeconds() : 0; }

  Column& Series(size_t i, const char* name, const char* units, const char* long_name) {
    if (ts_.series.size() <= i) ts_.series.push_back({name, units, long_name, {}});
    return ts_.series[i];
  }

  // Mean busy GPUs of the serving replicas since the previous sample.
  double ServingBusyNow() {
    const double now = sim_.Now().seconds();
    const double busy = ServingBusyGpus();
    const double dt = now - last_sample_s_;
    const double mean = dt > 0 ? (busy - last_serving_busy_) / dt : 0;
    last_serving_busy_ = busy;
    last_sample_s_ = now;
    return mean;
  }

  void Sample() {
    const double now = sim_.Now().seconds();
    if (ts_.time.name.empty()) ts_.time = {"time", "s", "time since the start of the run", {}};
    ts_.time.values.push_back(now);
    const size_t pools = r_.pools.size();
    std::vector<double> busy(pools, 0);  // GPUs busy in each pool now
    double training = 0, distill = 0, tokens_train = 0, tokens_distill = 0;
    for (const auto& j : jobs_) {
      const bool is_training = j->params().kind == "training";
      const double held =
          j->done() ? 0 : static_cast<double>(j->nodes().size()) * j->params().gpus_per_node;
      (is_training ? training : distill) += held;
      (is_training ? tokens_train : tokens_distill) += j->TokensDone();
      busy[static_cast<size_t>(j->params().pool)] += j->busy_gpus();
    }
    double serving_gpus = 0, idle_gpus = 0, waiting = 0;
    for (size_t p = 0; p < pools; ++p) {
      const int gpn = r_.pools[p].pool->gpus_per_node;
      serving_gpus += schedulers_[p]->reserved_nodes() * gpn;
      idle_gpus += schedulers_[p]->idle_nodes() * gpn;
      waiting += schedulers_[p]->waiting_jobs();
    }
    const AvatarWorkload* a = avatar_.get();
    const double frames = a ? a->frames() : 0, missed = a ? a->missed_frames() : 0;
    const double df = frames - last_frames_, dm = missed - last_missed_;
    last_frames_ = frames;
    last_missed_ = missed;
    const double demand = a ? a->demand() : 0;
    busy[static_cast<size_t>(r_.avatar_pool)] += demand;
    busy[static_cast<size_t>(r_.serving_pool)] += ServingBusyNow();
    double power = 0;
    for (size_t p = 0; p < pools; ++p) {
      const PoolSpec& pool = *r_.pools[p].pool;
      power += ItPowerWatts(*r_.pools[p].gpu, pool,
                            static_cast<double>(pool.nodes) * pool.gpus_per_node, busy[p]);
    }
    size_t i = 0;
    Series(i++, "arrival_rate", "1/s", "avatar session arrival rate")
        .values.push_back(a ? a->ArrivalRate(now) : 0);
    Series(i++, "active_sessions", "1", "active avatar sessions")
        .values.push_back(a ? a->active_sessions() : 0);
    Series(i++, "sessions_rejected", "1", "avatar sessions rejected so far")
        .values.push_back(
            a ? static_cast<double>(a->rejected_by_capacity() + a->rejected_by_limit()) : 0);
    Series(i++, "avatar_gpus", "GPU", "GPUs granted to the avatar service")
        .values.push_back(a ? a->granted_gpus() : 0);
    Series(i++, "avatar_gpu_demand", "GPU", "GPU share in use by avatar sessions")
        .values.push_back(demand);
    Series(i++, "training_gpus", "GPU", "GPUs held by training jobs").values.push_back(training);
    Series(i++, "distillation_gpus", "GPU", "GPUs held by distillation jobs")
        .values.push_back(distill);
    Series(i++, "serving_gpus", "GPU", "GPUs held by LLM serving replicas")
        .values.push_back(serving_gpus);
    Series(i++, "serving_in_flight", "1", "LLM requests arrived and not finished")
        .values.push_back(serving_ ? static_cast<double>(serving_->in_flight()) : 0);
    Series(i++, "idle_gpus", "GPU", "GPUs not allocated to any workload")
        .values.push_back(idle_gpus);
    Series(i++, "jobs_waiting", "1", "batch jobs waiting for GPUs").values.push_back(waiting);
    Series(i++, "frame_miss_rate", "1", "share of avatar frames missing their deadline")
        .values.push_back(df > 0 ? dm / df : 0);
    Series(i++, "training_tokens", "1", "training tokens processed").values.push_back(tokens_train);
    Series(i++, "distillation_tokens", "1", "distillation tokens processed")
        .values.push_back(tokens_distill);
    Series(i++, "it_power", "W", "IT power of the pools (GPUs and hosts)").values.push_back(power);
  }

  const Scenario& sc_;
  const Resolved& r_;
  Time horizon_;
  sim::Simulator sim_;
  JobEventLog log_;
  // Per pool, before jobs_ (which point to them).
  std::vector<std::unique_ptr<Topology>> topologies_;
  std::vector<std::unique_ptr<FleetScheduler>> schedulers_;
  std::unique_ptr<SparePool> spares_;  // before jobs_: the jobs hold a pointer to it
  std::vector<std::unique_ptr<BatchJob>> jobs_;
  std::unique_ptr<AvatarWorkload> avatar_;
  std::unique_ptr<ServingWorkload> serving_;
  int serving_rank_ = 0;
  int serving_free_gpus_ = 0;        // GPUs on serving nodes no replica holds
  std::vector<int> serving_grants_;  // nodes granted to autoscaled replicas, in grant order
  Status status_ = Status::Ok();
  double last_serving_busy_ = 0;
  Timeseries ts_;
  double last_frames_ = 0;
  double last_sample_s_ = 0;
  double last_missed_ = 0;
};

}  // namespace

double TimeAloneToReach(const Scenario& scenario, const TrainingSpec& job, double tokens,
                        uint64_t seed) {
  if (tokens <= 0) return 0;
  Result<Resolved> r = Resolve(scenario);
  if (!r.ok()) return kNaN;
  Resolved resolved = r.value();
  size_t index = 0;
  while (index < scenario.trainings.size() && scenario.trainings[index].name != job.name) ++index;
  if (index == scenario.trainings.size()) return kNaN;
  resolved.jobs[index].tokens_target = std::min(tokens, resolved.jobs[index].tokens_target);
  Scenario alone = scenario;
  alone.horizon_s = 1e4 * 86400;  // long enough for any target it reached in the horizon
  alone.sample_interval_s = std::max(scenario.sample_interval_s, 3600.0);
  FleetRun run(alone, resolved, seed, /*with_avatars=*/false, {index});
  run.Run(nullptr, [&] { return run.job(0).done(); });
  return run.job(0).finish_time_s();
}

Result<RunResult> RunScenario(const Scenario& scenario, const RunOptions& options) {
  Result<Resolved> resolved = Resolve(scenario);
  if (!resolved.ok()) return resolved.status();
  const Resolved& r = resolved.value();
  std::vector<size_t> all(r.jobs.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  FleetRun run(scenario, r, options.seed, /*with_avatars=*/true, all);
  if (!run.status().ok()) return run.status();
  run.Run(&options);

  RunReportInputs in;
  in.scenario = &scenario;
  for (size_t p = 0; p < r.pools.size(); ++p) {
    in.pools.push_back({r.pools[p].pool, r.pools[p].site, r.pools[p].gpu, &run.scheduler(p),
                        run.busy_gpu_seconds(p)});
  }
  in.avatar = run.avatar();
  in.serving = run.serving();
  in.spares = run.spares();
  for (const auto& j : run.jobs()) in.jobs.push_back(j.get());
  in.events_handled = run.sim().events_handled();
  in.logit_storage_bytes = r.logit_storage_bytes;
  for (size_t i = 0; i < scenario.trainings.size(); ++i) {
    const BatchJob& job = run.job(i);
    double delay = kNaN;
    if (options.alone_baseline) {
      const double alone =
          TimeAloneToReach(scenario, scenario.trainings[i], job.TokensDone(), options.seed);
      const double reached = job.done() ? job.finish_time_s() : scenario.horizon_s;
      delay = reached - alone;
      in.training_target_alone_s.push_back(TimeAloneToReach(
          scenario, scenario.trainings[i], job.params().tokens_target, options.seed));
    }
    in.training_delay_s.push_back(delay);
  }
  if (options.alone_baseline && r.jobs.size() > scenario.trainings.size()) {
    // The distillation jobs alone on the idle pool for the same horizon (failures drawn alike).
    std::vector<size_t> distill;
    for (size_t i = scenario.trainings.size(); i < r.jobs.size(); ++i) distill.push_back(i);
    FleetRun alone(scenario, r, options.seed, /*with_avatars=*/false, distill);
    alone.Run(nullptr);
    double tokens = 0;
    for (const auto& j : alone.jobs()) {
      if (j->params().phase != "teacher") tokens += j->TokensDone();
    }
    in.distillation_tokens_alone = tokens;
  }
  RunResult result = BuildRunReport(in, run.log());
  if (run.serving() != nullptr) result.requests = run.serving()->RequestsTable();
  result.timeseries = run.timeseries();
  result.scenario_name = scenario.name;
  result.scenario_text = scenario.resolved_text;
  result.seed = options.seed;
  return result;
}

}  // namespace capsim::models
