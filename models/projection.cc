#include "models/projection.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <deque>
#include <memory>
#include <optional>

#include "models/batch_job_pricing.h"
#include "models/diurnal_arrivals.h"
#include "models/failures.h"
#include "models/projection_setup.h"
#include "sim/random.h"
#include "sim/simulator.h"

namespace capsim::models {
namespace {

using sim::Time;

constexpr double kDay = 86400;
constexpr double kYear = 365.25 * kDay;
constexpr int kGrantPriority = -1;  // capacity grants before the tick at the same instant

// A daily demand profile peaking peak_to_mean times its mean at peak_time_s (flat at 1);
// Rate(t) / MeanRate() is the factor on the mean.
ArrivalProcess DailyProfile(double peak_to_mean, double peak_time_s) {
  ArrivalSpec arr;
  arr.kind = peak_to_mean > 1 ? ArrivalSpec::Kind::kDiurnalPoisson : ArrivalSpec::Kind::kPoisson;
  arr.peak_rate_per_s = 1;
  arr.peak_to_mean = peak_to_mean;
  arr.peak_time_s = peak_time_s;
  return ArrivalProcess(arr);
}

// GPUs granted to an avatar workload on one slot that are still loading their models.
struct Loading {
  double ready_s = 0;
  int gpus = 0;
};

struct AvatarState {
  const ProjectionAvatarSpec* spec = nullptr;
  std::vector<int> slots;    // indices into ProjectionTrace::slots
  std::vector<double> rate;  // sessions per GPU on each of `slots`
  std::optional<ArrivalProcess> diurnal;
  sim::RandomStream rng;
  double sessions = 0;
  std::vector<int> held;  // per entry of `slots`
  std::vector<std::deque<Loading>> loading;
  AvatarState(uint64_t seed, uint64_t stream) : rng(seed, stream) {}
};

struct ServingState {
  const ProjectionServingSpec* spec = nullptr;
  std::vector<int> slots;
  std::vector<double> rate;  // tokens/s per GPU
  std::optional<ArrivalProcess> diurnal;
  std::vector<int> held;
};

struct JobState {
  JobParams params;
  int workload = 0;    // index in ProjectionTrace::workloads
  int spec_index = 0;  // index in spec.jobs
  int after = -1;      // a job (index) that must finish first
  bool training = true;
  double start_s = 0;
  bool eligible = false;
  bool finished = false;
  int held = 0;
  double progress = 0;   // tokens done
  double committed = 0;  // tokens in the last checkpoint
  double run_since_checkpoint_s = 0;
  double restart_left_s = 0;
  double last_change_s = -1e300;
  double failure_rate_per_gpu_s = 0;
  int unit = 0;           // > 0: independent jobs of this many GPUs
  double warm_gpu_s = 0;  // unit jobs: GPU-seconds still to spend restarting
  sim::RandomStream rng;
  JobState(uint64_t seed, uint64_t stream) : rng(seed, stream) {}
};

struct CloudState {
  const CloudSpec* spec = nullptr;
  int slot = 0;
  bool reserved_active = false;
  int on_demand = 0;  // granted and arrived
  int pending = 0;    // asked for, not arrived
  double unused_since_s = -1;
};

class ProjectionRun {
 public:
  ProjectionRun(const ProjectionSpec& spec, const ProjectionOptions& options, ProjectionSetup setup)
      : spec_(spec), options_(options), setup_(std::move(setup)) {}

  Result<ProjectionTrace> Run();

 private:
  Status Init();
  void ScheduleGrants();
  void Tick(double t);
  void StepAvatar(AvatarState& a, int w, double t, double dt, std::vector<int>& free);
  void StepServing(ServingState& s, int w, double t, double dt, std::vector<int>& free);
  void StepJob(JobState& j, double t, double dt, std::vector<int>& free);
  // StepJob for a workload of independent jobs (ProjectionJobSpec::job_size_gpus).
  void StepIndependentJobs(JobState& j, int next, bool runnable, double t, double dt,
                           std::vector<int>& free);
  double JobRatePerGpu(const JobState& j) const;
  // GPUs of `rate`-unit demand `need` taken from `slots` in order; asks clouds for the rest.
  void Allocate(const std::vector<int>& slots, const std::vector<double>& rate, double need,
                double t, std::vector<int>& free, std::vector<int>* held);
  void AddHeld(int w, int slot, double gpus, double busy, double dt);
  // IT watts of `gpus` GPUs of owned pool `p` of which `busy` GPU-equivalents work: idle and
  // host power for all, the rest of TDP for the busy part.
  double PoolWatts(size_t p, double gpus, double busy) const;
  void CloseDay(int day);

  const ProjectionSpec& spec_;
  const ProjectionOptions& options_;
  ProjectionSetup setup_;
  ProjectionTrace trace_;
  sim::Simulator sim_;
  std::vector<int> delivered_;      // per owned pool
  std::vector<int> powered_;        // per owned pool
  std::vector<double> site_power_;  // watts online per site
  std::vector<AvatarState> avatars_;
  std::vector<ServingState> servings_;
  std::vector<JobState> jobs_;
  std::vector<CloudState> clouds_;
  // Per tick, per slot: GPUs held and busy GPU-equivalents over all workloads.
  std::vector<double> held_now_, busy_now_;
  int current_day_ = 0;
};

Status ProjectionRun::Init() {
  const int days = static_cast<int>(std::ceil(spec_.horizon_s / kDay - 1e-9));
  trace_.days = days;
  trace_.ledger = setup_.ledger;
  trace_.slots = setup_.slots;
  trace_.slot_fixed = setup_.slot_fixed;
  const size_t nslots = trace_.slots.size();
  trace_.slot_gpu_s.assign(nslots, std::vector<double>(days, 0.0));
  trace_.sites.resize(spec_.sites.size());
  for (SiteTrace& s : trace_.sites) {
    s.it_energy_j.assign(days, 0);
    s.facility_energy_j.assign(days, 0);
    s.peak_facility_w.assign(days, 0);
    s.power_online_w.assign(days, 0);
  }
  for (auto* v : {&trace_.idle_gpu_s, &trace_.awaiting_power_gpu_s, &trace_.restarting_gpu_s,
                  &trace_.owned_gpus, &trace_.rented_gpus}) {
    v->assign(days, 0);
  }
  delivered_.assign(spec_.pools.size(), 0);
  powered_.assign(spec_.pools.size(), 0);
  for (size_t p = 0; p < spec_.pools.size(); ++p) delivered_[p] = spec_.pools[p].initial_gpus;
  site_power_.assign(spec_.sites.size(), 0);
  held_now_.assign(nslots, 0);
  busy_now_.assign(nslots, 0);

  auto new_workload = [&](const std::string& name, const std::string& kind) {
    WorkloadTrace w;
    w.name = name;
    w.kind = kind;
    w.gpu_s.assign(nslots, std::vector<double>(days, 0.0));
    w.energy_usd.assign(days, 0);
    trace_.workloads.push_back(std::move(w));
    return static_cast<int>(trace_.workloads.size()) - 1;
  };
  auto resolve_slots = [&](const std::vector<std::string>& names,
                           const std::vector<ServiceRate>& rates, const std::string& workload,
                           std::vector<int>* slots, std::vector<double>* rate) -> Status {
    for (const std::string& n : names) {
      const int s = setup_.SlotIndex(n);
      if (s < 0) return Status::Error("workload '" + workload + "' names unknown pool '" + n + "'");
      const double r = RateFor(rates, trace_.slots[static_cast<size_t>(s)].gpu);
      if (!(r > 0)) {
        return Status::Error("workload '" + workload + "' has no service rate for GPU '" +
                             trace_.slots[static_cast<size_t>(s)].gpu + "' (pool '" + n + "')");
      }
      slots->push_back(s);
      rate->push_back(r);
    }
    return Status::Ok();
  };
  uint64_t stream = 0;
  for (const ProjectionAvatarSpec& a : spec_.avatars) {
    AvatarState st(spec_.seed, (uint64_t{1} << 40) + stream++);
    st.spec = &a;
    if (Status s = resolve_slots(a.pools, a.sessions_per_gpu, a.name, &st.slots, &st.rate);
        !s.ok()) {
      return s;
    }
    st.diurnal.emplace(DailyProfile(a.peak_to_mean, a.peak_time_s));
    st.held.assign(st.slots.size(), 0);
    st.loading.resize(st.slots.size());
    const int w = new_workload(a.name, "avatar");
    WorkloadTrace& wt = trace_.workloads[static_cast<size_t>(w)];
    for (auto* v : {&wt.minutes, &wt.arrivals, &wt.admitted, &wt.peak_sessions, &wt.peak_gpus}) {
      v->assign(days, 0);
    }
    avatars_.push_back(std::move(st));
  }
  for (const ProjectionServingSpec& v : spec_.servings) {
    ServingState st;
    st.spec = &v;
    if (Status s = resolve_slots(v.pools, v.tokens_per_gpu_s, v.name, &st.slots, &st.rate);
        !s.ok()) {
      return s;
    }
    st.diurnal.emplace(DailyProfile(v.peak_to_mean, v.peak_time_s));
    st.held.assign(st.slots.size(), 0);
    const int w = new_workload(v.name, "serving");
    WorkloadTrace& wt = trace_.workloads[static_cast<size_t>(w)];
    for (auto* vec : {&wt.peak_gpus, &wt.demanded, &wt.served}) vec->assign(days, 0);
    servings_.push_back(std::move(st));
  }
  // Batch jobs: one workload per spec job; offline distillation runs two jobs in sequence.
  double fail_rate = 0;
  if (spec_.failures.enabled) {
    fail_rate =
        TotalFailureRatePerGpuHour(Llama3FailureCauses()) * spec_.failures.rate_scale / 3600.0;
  }
  for (size_t k = 0; k < setup_.jobs.size(); ++k) {
    const JobParams& p = setup_.jobs[k];
    const std::string& wname = p.workload.empty() ? p.name : p.workload;
    int w = -1;
    for (size_t i = 0; i < trace_.workloads.size(); ++i) {
      if (trace_.workloads[i].name == wname) w = static_cast<int>(i);
    }
    int spec_index = -1;
    for (size_t i = 0; i < spec_.jobs.size(); ++i) {
      if (spec_.jobs[i].name() == wname) spec_index = static_cast<int>(i);
    }
    if (spec_index < 0) return Status::Error("job '" + p.name + "' has no workload");
    const ProjectionJobSpec& js = spec_.jobs[static_cast<size_t>(spec_index)];
    if (w < 0) {
      w = new_workload(wname,
                       js.kind == ProjectionJobSpec::Kind::kTraining ? "training" : "distillation");
      WorkloadTrace& wt = trace_.workloads[static_cast<size_t>(w)];
      wt.progress.assign(days, 0);
      wt.shortfall_gpu_s.assign(days, 0);
    }
    trace_.workloads[static_cast<size_t>(w)].tokens_target += p.tokens_target;
    JobState j(spec_.seed, (uint64_t{3} << 40) + k);
    j.params = p;
    j.workload = w;
    j.spec_index = spec_index;
    j.training = js.kind == ProjectionJobSpec::Kind::kTraining;
    j.start_s = js.start_s;
    j.failure_rate_per_gpu_s = fail_rate;
    j.unit = js.job_size_gpus;
    if (!p.after.empty()) {
      for (size_t i = 0; i < jobs_.size(); ++i) {
        if (jobs_[i].params.name == p.after) j.after = static_cast<int>(i);
      }
    }
    jobs_.push_back(std::move(j));
  }
  for (size_t c = 0; c < spec_.clouds.size(); ++c) {
    CloudState cs;
    cs.spec = &spec_.clouds[c];
    cs.slot = static_cast<int>(spec_.pools.size() + c);
    clouds_.push_back(cs);
  }
  return Status::Ok();
}

void ProjectionRun::ScheduleGrants() {
  for (const DeliverySpec& d : spec_.deliveries) {
    const int p = setup_.SlotIndex(d.pool);
    assert(p >= 0 && p < static_cast<int>(spec_.pools.size()));
    sim_.Schedule(
        Time::FromSeconds(d.at_s),
        [this, p, g = d.gpus] { delivered_[static_cast<size_t>(p)] += g; }, kGrantPriority);
  }
  for (size_t s = 0; s < spec_.sites.size(); ++s) {
    for (const ProjectionSiteSpec::PowerStep& step : spec_.sites[s].power) {
      sim_.Schedule(
          Time::FromSeconds(std::max(0.0, step.at_s)),
          [this, s, w = step.power_watts] { site_power_[s] = w; }, kGrantPriority);
    }
  }
  for (CloudState& c : clouds_) {
    if (c.spec->reserved_gpus <= 0) continue;
    const double start = std::max(0.0, c.spec->reserved_start_s);
    sim_.Schedule(
        Time::FromSeconds(start), [&c] { c.reserved_active = true; }, kGrantPriority);
    if (c.spec->reserved_term_s > 0 && start + c.spec->reserved_term_s < spec_.horizon_s) {
      sim_.Schedule(
          Time::FromSeconds(start + c.spec->reserved_term_s), [&c] { c.reserved_active = false; },
          kGrantPriority);
    }
  }
  for (JobState& j : jobs_) {
    sim_.Schedule(
        Time::FromSeconds(std::max(0.0, j.start_s)), [&j] { j.eligible = true; }, kGrantPriority);
  }
}

void ProjectionRun::Allocate(const std::vector<int>& slots, const std::vector<double>& rate,
                             double need, double t, std::vector<int>& free,
                             std::vector<int>* held) {
  double left = need;
  for (size_t i = 0; i < slots.size(); ++i) {
    (*held)[i] = 0;
    if (left <= 0) continue;
    const int s = slots[i];
    const int take =
        std::min(free[static_cast<size_t>(s)], static_cast<int>(std::ceil(left / rate[i] - 1e-9)));
    (*held)[i] = take;
    free[static_cast<size_t>(s)] -= take;
    left -= take * rate[i];
  }
  // The rest on demand, from the clouds in the list that offer it.
  for (size_t i = 0; i < slots.size() && left > 0; ++i) {
    const int s = slots[i];
    if (!trace_.slots[static_cast<size_t>(s)].cloud) continue;
    CloudState& c = clouds_[static_cast<size_t>(s) - spec_.pools.size()];
    // GPUs already asked for and still on their way cover that much of the need.
    left -= c.pending * rate[i];
    if (left <= 0) continue;
    const int room = c.spec->on_demand_max_gpus - c.on_demand - c.pending;
    if (room <= 0) continue;
    const int gpn = std::max(1, c.spec->gpus_per_node);
    int ask = std::min(room, static_cast<int>(std::ceil(left / rate[i] - 1e-9)));
    ask = std::min(room, (ask + gpn - 1) / gpn * gpn);
    if (ask <= 0) continue;
    c.pending += ask;
    left -= ask * rate[i];
    sim_.Schedule(
        Time::FromSeconds(t + c.spec->lead_time_s),
        [&c, ask] {
          c.pending -= ask;
          c.on_demand += ask;
          c.unused_since_s = -1;
        },
        kGrantPriority);
  }
}

double ProjectionRun::PoolWatts(size_t p, double gpus, double busy) const {
  const GpuSpec& g = *setup_.gpus[p];
  const double host = g.tdp_watts * spec_.pools[p].host_power_fraction;
  return gpus * (g.idle_watts + host) + busy * (g.tdp_watts - g.idle_watts);
}

void ProjectionRun::AddHeld(int w, int slot, double gpus, double busy, double dt) {
  trace_.workloads[static_cast<size_t>(w)]
      .gpu_s[static_cast<size_t>(slot)][static_cast<size_t>(current_day_)] += gpus * dt;
  held_now_[static_cast<size_t>(slot)] += gpus;
  busy_now_[static_cast<size_t>(slot)] += busy;
  const ProjectionSlot& sl = trace_.slots[static_cast<size_t>(slot)];
  if (sl.cloud) return;  // rent includes the power
  const ProjectionSiteSpec& site = spec_.sites[static_cast<size_t>(sl.site)];
  const double watts = PoolWatts(static_cast<size_t>(slot), gpus, busy);
  trace_.workloads[static_cast<size_t>(w)].energy_usd[static_cast<size_t>(current_day_)] +=
      watts * dt * site.pue * site.energy_price_usd_per_joule;
}

void ProjectionRun::StepAvatar(AvatarState& a, int w, double t, double dt, std::vector<int>& free) {
  const ProjectionAvatarSpec& sp = *a.spec;
  WorkloadTrace& wt = trace_.workloads[static_cast<size_t>(w)];
  const size_t day = static_cast<size_t>(current_day_);
  double users = 0;
  if (options_.with_avatars) {
    for (const AdoptionCohort& c : sp.adoption) {
      users += c.users / (1 + std::exp(-(t + dt / 2 - c.midpoint_s) / c.ramp_s));
    }
  }
  const double mean_rate = users * sp.sessions_per_user_per_day / kDay;
  const double ahead = mean_rate * a.diurnal->Rate(t + dt) / a.diurnal->MeanRate();
  const double target =
      std::max(a.sessions, ahead * sp.session_mean_s) * (1 + sp.headroom_fraction);
  std::vector<int> before = a.held;
  Allocate(a.slots, a.rate, target, t, free, &a.held);
  // GPUs still loading serve from when they are ready.
  for (size_t i = 0; i < a.slots.size(); ++i) {
    std::deque<Loading>& q = a.loading[i];
    while (!q.empty() && q.front().ready_s <= t) q.pop_front();
    int loading = 0;
    for (const Loading& l : q) loading += l.gpus;
    if (a.held[i] > before[i] && sp.load_time_s > 0) {
      q.push_back({t + sp.load_time_s, a.held[i] - before[i]});
      loading += a.held[i] - before[i];
    }
    // Shrinking drops the newest loading GPUs first.
    while (loading > a.held[i] && !q.empty()) {
      const int drop = std::min(q.back().gpus, loading - a.held[i]);
      q.back().gpus -= drop;
      loading -= drop;
      if (q.back().gpus == 0) q.pop_back();
    }
  }
  // Sessions, in sub-steps of at most 1/20 of the mean length: survivors of the exponential
  // law, then arrivals into the free slots.
  const int subs = std::max(1, static_cast<int>(std::ceil(dt / (sp.session_mean_s / 20))));
  const double h = dt / subs;
  const double x = h / sp.session_mean_s;
  const double stay = std::exp(-x);
  const double present = (1 - stay) / x;  // an arrival still in session at the sub-step's end
  double occupancy = 0, slots_sum = 0;
  const double scale = mean_rate / a.diurnal->MeanRate();
  for (int k = 0; k < subs; ++k) {
    const double ts = t + (k + 0.5) * h;
    double slots_now = 0;
    for (size_t i = 0; i < a.slots.size(); ++i) {
      double usable = a.held[i];
      for (const Loading& l : a.loading[i]) {
        if (l.ready_s > ts) usable -= l.gpus;
      }
      slots_now += std::floor(usable * a.rate[i]);
    }
    const double n0 = a.sessions;
    const double survivors = static_cast<double>(a.rng.Binomial(static_cast<uint64_t>(n0), stay));
    const double arrivals = static_cast<double>(a.rng.Poisson(scale * a.diurnal->Rate(ts) * h));
    const double admitted = std::min(arrivals, std::max(0.0, slots_now - survivors));
    const double n1 =
        survivors + static_cast<double>(a.rng.Binomial(static_cast<uint64_t>(admitted), present));
    a.sessions = n1;
    wt.minutes[day] +=
        (n0 * sp.session_mean_s * (1 - stay) + admitted * sp.session_mean_s * (1 - present)) / 60.0;
    wt.arrivals[day] += arrivals;
    wt.admitted[day] += admitted;
    wt.peak_sessions[day] = std::max({wt.peak_sessions[day], n0, n1});
    occupancy += 0.5 * (n0 + n1) / subs;
    slots_sum += slots_now / subs;
  }
  double gpus = 0;
  const double load = slots_sum > 0 ? std::min(1.0, occupancy / slots_sum) : 0;
  for (size_t i = 0; i < a.slots.size(); ++i) {
    gpus += a.held[i];
    AddHeld(w, a.slots[i], a.held[i], a.held[i] * load, dt);
  }
  wt.peak_gpus[day] = std::max(wt.peak_gpus[day], gpus);
}

void ProjectionRun::StepServing(ServingState& s, int w, double t, double dt,
                                std::vector<int>& free) {
  const ProjectionServingSpec& sp = *s.spec;
  WorkloadTrace& wt = trace_.workloads[static_cast<size_t>(w)];
  const size_t day = static_cast<size_t>(current_day_);
  const double mean = sp.tokens_per_day / kDay * std::pow(sp.growth_per_year, (t + dt / 2) / kYear);
  const double demand = mean * s.diurnal->Rate(t + dt / 2) / s.diurnal->MeanRate();
  Allocate(s.slots, s.rate, demand * (1 + sp.headroom_fraction), t, free, &s.held);
  double capacity = 0, gpus = 0;
  for (size_t i = 0; i < s.slots.size(); ++i) {
    capacity += s.held[i] * s.rate[i];
    gpus += s.held[i];
  }
  const double load = capacity > 0 ? std::min(1.0, demand / capacity) : 0;
  for (size_t i = 0; i < s.slots.size(); ++i) {
    AddHeld(w, s.slots[i], s.held[i], s.held[i] * load, dt);
  }
  wt.demanded[day] += demand * dt;
  wt.served[day] += std::min(demand, capacity) * dt;
  wt.peak_gpus[day] = std::max(wt.peak_gpus[day], gpus);
}

void ProjectionRun::StepJob(JobState& j, double t, double dt, std::vector<int>& free) {
  const JobParams& p = j.params;
  WorkloadTrace& wt = trace_.workloads[static_cast<size_t>(j.workload)];
  const size_t day = static_cast<size_t>(current_day_);
  const bool runnable =
      j.eligible && !j.finished && (j.after < 0 || jobs_[static_cast<size_t>(j.after)].finished);
  const int avail = free[static_cast<size_t>(p.pool)];
  const int step = j.unit > 0 ? j.unit : std::max(1, p.node_step) * p.gpus_per_node;
  auto fit = [&](int x) {
    x = std::min(x, p.max_gpus);
    if (x < p.min_gpus) return 0;
    return p.min_gpus + (x - p.min_gpus) / step * step;
  };
  int next = j.held;
  if (!runnable) {
    next = 0;
  } else if (j.held > 0 && avail >= j.held) {
    const double settle = std::max(3600.0, p.restart_s);
    if (j.held < p.max_gpus && fit(avail) > j.held && t - j.last_change_s >= settle) {
      next = fit(avail);
    }
  } else {
    next = fit(avail);
  }
  if (j.unit > 0) {
    StepIndependentJobs(j, next, runnable, t, dt, free);
    return;
  }
  if (next != j.held) {
    if (next < j.held) {
      j.progress = j.committed;  // work since the last checkpoint is lost
    } else if (j.held > 0) {
      j.committed = j.progress;  // a grow checkpoints first
      j.restart_left_s += p.checkpoint_write_s;
    }
    j.run_since_checkpoint_s = 0;
    if (next > 0) {
      j.restart_left_s += p.restart_s;
      if (wt.start_s < 0) wt.start_s = t;
    } else {
      j.restart_left_s = 0;
    }
    if (j.held > 0 || next > 0) ++wt.resizes;
    j.last_change_s = t;
    j.held = next;
  }
  free[static_cast<size_t>(p.pool)] -= j.held;
  if (runnable && j.training) wt.shortfall_gpu_s[day] += (p.max_gpus - j.held) * dt;
  if (j.held == 0) return;
  const double restarting = std::min(dt, j.restart_left_s);
  j.restart_left_s -= restarting;
  const double run = dt - restarting;
  trace_.restarting_gpu_s[day] += j.held * restarting;
  wt.restart_gpu_s += j.held * restarting;
  AddHeld(j.workload, p.pool, j.held, j.held * run / dt, dt);
  if (run > 0) {
    double per_gpu = p.tokens_per_gpu_second;
    const size_t nodes = static_cast<size_t>(j.held / p.gpus_per_node);
    if (!p.tokens_per_gpu_second_by_nodes.empty() &&
        nodes < p.tokens_per_gpu_second_by_nodes.size()) {
      per_gpu = p.tokens_per_gpu_second_by_nodes[nodes];
    }
    const double pause = p.checkpoint_interval_s / (p.checkpoint_interval_s + p.checkpoint_write_s);
    const double rate = per_gpu * j.held * pause;
    const double left = p.tokens_target - j.progress;
    if (rate * run >= left) {
      j.progress = p.tokens_target;
      j.finished = true;
      j.committed = j.progress;
      const double done_at = t + restarting + left / rate;
      bool all_done = true;
      for (const JobState& o : jobs_) {
        if (o.workload == j.workload && !o.finished) all_done = false;
      }
      if (all_done) wt.finish_s = done_at;
    } else {
      j.progress += rate * run;
      j.run_since_checkpoint_s += run;
      if (j.run_since_checkpoint_s >= p.checkpoint_interval_s) {
        j.committed = j.progress;
        j.run_since_checkpoint_s = std::fmod(j.run_since_checkpoint_s, p.checkpoint_interval_s);
      }
      const uint64_t failures =
          j.failure_rate_per_gpu_s > 0 ? j.rng.Poisson(j.failure_rate_per_gpu_s * j.held * run) : 0;
      if (failures > 0) {
        wt.failures += static_cast<int>(failures);
        j.progress = j.committed;
        j.run_since_checkpoint_s = 0;
        const double down =
            spec_.failures.spare_nodes > 0 ? spec_.failures.swap_s : spec_.failures.repair_s;
        j.restart_left_s += static_cast<double>(failures) * (down + p.restart_s);
      }
    }
  }
}

// Tokens per GPU-second of job `j` at its current size, checkpoint pauses included.
double ProjectionRun::JobRatePerGpu(const JobState& j) const {
  const JobParams& p = j.params;
  double per_gpu = p.tokens_per_gpu_second;
  const size_t nodes = static_cast<size_t>(j.held / p.gpus_per_node);
  if (!p.tokens_per_gpu_second_by_nodes.empty() &&
      nodes < p.tokens_per_gpu_second_by_nodes.size()) {
    per_gpu = p.tokens_per_gpu_second_by_nodes[nodes];
  }
  return per_gpu * p.checkpoint_interval_s / (p.checkpoint_interval_s + p.checkpoint_write_s);
}

void ProjectionRun::StepIndependentJobs(JobState& j, int next, bool runnable, double t, double dt,
                                        std::vector<int>& free) {
  const JobParams& p = j.params;
  WorkloadTrace& wt = trace_.workloads[static_cast<size_t>(j.workload)];
  const size_t day = static_cast<size_t>(current_day_);
  if (next != j.held) {
    if (next < j.held && j.held > 0) {
      // The stopped jobs lose their work since their last checkpoint.
      j.progress -= std::max(0.0, j.progress - j.committed) * (j.held - next) / j.held;
    } else {
      j.warm_gpu_s += (next - j.held) * p.restart_s;  // the new jobs load and warm up
    }
    if (j.held > 0 || next > 0) ++wt.resizes;
    if (next > 0 && wt.start_s < 0) wt.start_s = t;
    j.last_change_s = t;
    j.held = next;
  }
  free[static_cast<size_t>(p.pool)] -= j.held;
  if (runnable && j.training) wt.shortfall_gpu_s[day] += (p.max_gpus - j.held) * dt;
  if (j.held == 0) return;
  const double warm = std::min(j.warm_gpu_s, j.held * dt);
  j.warm_gpu_s -= warm;
  const double run_gpu_s = j.held * dt - warm;
  trace_.restarting_gpu_s[day] += warm;
  wt.restart_gpu_s += warm;
  AddHeld(j.workload, p.pool, j.held, run_gpu_s / dt, dt);
  const double rate = JobRatePerGpu(j);
  const double tokens = rate * run_gpu_s;
  const double left = p.tokens_target - j.progress;
  if (tokens >= left && tokens > 0) {
    j.progress = j.committed = p.tokens_target;
    j.finished = true;
    wt.finish_s = t + dt * left / tokens;
    return;
  }
  j.progress += tokens;
  j.run_since_checkpoint_s += dt;
  if (j.run_since_checkpoint_s >= p.checkpoint_interval_s) {
    j.committed = j.progress;
    j.run_since_checkpoint_s = std::fmod(j.run_since_checkpoint_s, p.checkpoint_interval_s);
  }
  const uint64_t failures =
      j.failure_rate_per_gpu_s > 0 ? j.rng.Poisson(j.failure_rate_per_gpu_s * run_gpu_s) : 0;
  if (failures > 0) {
    // Each failure stops one job: down, restart, and half a checkpoint interval of its work.
    wt.failures += static_cast<int>(failures);
    const double down =
        spec_.failures.spare_nodes > 0 ? spec_.failures.swap_s : spec_.failures.repair_s;
    const double n = static_cast<double>(failures);
    j.warm_gpu_s += n * j.unit * (down + p.restart_s);
    j.progress = std::max(0.0, j.progress - n * rate * j.unit * p.checkpoint_interval_s / 2);
    j.committed = std::min(j.committed, j.progress);
  }
}

void ProjectionRun::Tick(double t) {
  const double dt = std::min(spec_.step_s, spec_.horizon_s - t);
  const int day = static_cast<int>(t / kDay);
  current_day_ = day;  // the previous day was closed by its last tick
  const size_t npools = spec_.pools.size();
  const size_t nslots = trace_.slots.size();
  // Power: each site powers its pools in order, as far as its power online reaches.
  std::vector<double> site_left = site_power_;
  std::vector<int> free(nslots, 0);
  for (size_t p = 0; p < npools; ++p) {
    const int s = trace_.slots[p].site;
    const double w = trace_.slots[p].nameplate_watts;
    const int can = static_cast<int>(std::floor(site_left[static_cast<size_t>(s)] / w + 1e-9));
    powered_[p] = std::max(0, std::min(delivered_[p], can));
    site_left[static_cast<size_t>(s)] -= powered_[p] * w;
    free[p] = powered_[p];
    trace_.slot_gpu_s[p][static_cast<size_t>(day)] += delivered_[p] * dt;
    trace_.awaiting_power_gpu_s[static_cast<size_t>(day)] += (delivered_[p] - powered_[p]) * dt;
  }
  for (CloudState& c : clouds_) {
    const int cap = (c.reserved_active ? c.spec->reserved_gpus : 0) + c.on_demand;
    free[static_cast<size_t>(c.slot)] = cap;
    trace_.slot_gpu_s[static_cast<size_t>(c.slot)][static_cast<size_t>(day)] += cap * dt;
    trace_.rented_gpus[static_cast<size_t>(day)] += cap * dt / kDay;
  }
  std::fill(held_now_.begin(), held_now_.end(), 0.0);
  std::fill(busy_now_.begin(), busy_now_.end(), 0.0);
  for (const ProjectionSetup::Rank& r : setup_.ranks) {
    switch (r.kind) {
      case ProjectionSetup::Rank::kAvatar:
        StepAvatar(avatars_[static_cast<size_t>(r.index)], r.workload, t, dt, free);
        break;
      case ProjectionSetup::Rank::kServing:
        StepServing(servings_[static_cast<size_t>(r.index)], r.workload, t, dt, free);
        break;
      case ProjectionSetup::Rank::kJob:
        for (JobState& j : jobs_) {
          if (j.spec_index == r.index) StepJob(j, t, dt, free);
        }
        break;
    }
  }
  // Each job workload's progress: the tokens of its phases together.
  for (const JobState& j : jobs_) {
    trace_.workloads[static_cast<size_t>(j.workload)].progress[static_cast<size_t>(day)] = 0;
  }
  for (const JobState& j : jobs_) {
    trace_.workloads[static_cast<size_t>(j.workload)].progress[static_cast<size_t>(day)] +=
        j.progress;
  }
  // Energy of the powered owned GPUs (idle ones draw idle and host power), and each site's
  // power this tick for its daily peak.
  std::vector<double> site_it_w(spec_.sites.size(), 0.0);
  for (size_t p = 0; p < npools; ++p) {
    const size_t s = static_cast<size_t>(trace_.slots[p].site);
    const ProjectionSiteSpec& site = spec_.sites[s];
    const double it_w = PoolWatts(p, powered_[p], busy_now_[p]);
    site_it_w[s] += it_w;
    SiteTrace& st = trace_.sites[s];
    st.it_energy_j[static_cast<size_t>(day)] += it_w * dt;
    st.facility_energy_j[static_cast<size_t>(day)] += it_w * site.pue * dt;
    trace_.ledger.Add(Money::kEnergy, day, it_w * site.pue * dt * site.energy_price_usd_per_joule);
    trace_.idle_gpu_s[static_cast<size_t>(day)] += (powered_[p] - held_now_[p]) * dt;
  }
  for (size_t s = 0; s < spec_.sites.size(); ++s) {
    double& peak = trace_.sites[s].peak_facility_w[static_cast<size_t>(day)];
    peak = std::max(peak, site_it_w[s] * spec_.sites[s].pue);
  }
  // Clouds: on-demand rent, and on-demand GPUs unused for release_after go back.
  for (CloudState& c : clouds_) {
    const double price = c.spec->on_demand_usd_per_gpu_hour / 3600.0;
    const double rent = c.on_demand * dt * price;
    trace_.ledger.Add(Money::kRentOnDemand, day, rent);
    trace_.slot_fixed[static_cast<size_t>(c.slot)].Add(Money::kRentOnDemand, day, rent);
    trace_.idle_gpu_s[static_cast<size_t>(day)] += (free[static_cast<size_t>(c.slot)]) * dt;
    const int reserved = c.reserved_active ? c.spec->reserved_gpus : 0;
    const int used =
        std::max(0, static_cast<int>(held_now_[static_cast<size_t>(c.slot)]) - reserved);
    // On-demand GPUs come and go in whole nodes, as they are asked for.
    const int gpn = std::max(1, c.spec->gpus_per_node);
    const int keep = (used + gpn - 1) / gpn * gpn;
    if (c.on_demand > keep) {
      if (c.unused_since_s < 0) {
        c.unused_since_s = t;
      } else if (t + dt - c.unused_since_s >= c.spec->release_after_s) {
        c.on_demand = keep;
        c.unused_since_s = -1;
      }
    } else {
      c.unused_since_s = -1;
    }
  }
  // The day's end state (GPUs owned, power online) is read before the grants of the next
  // day's first instant.
  const bool more = t + dt < spec_.horizon_s - 1e-6;
  if (!more || static_cast<int>((t + dt) / kDay) != day) CloseDay(day);
  if (more) sim_.Schedule(Time::FromSeconds(t + dt), [this, next = t + dt] { Tick(next); });
}

void ProjectionRun::CloseDay(int day) {
  const size_t d = static_cast<size_t>(day);
  double owned = 0;
  for (int g : delivered_) owned += g;
  trace_.owned_gpus[d] = owned;
  for (size_t s = 0; s < spec_.sites.size(); ++s)
    trace_.sites[s].power_online_w[d] = site_power_[s];
  if (options_.progress) options_.progress((day + 1) * kDay, sim_.events_handled());
}

Result<ProjectionTrace> ProjectionRun::Run() {
  if (Status s = Init(); !s.ok()) return s;
  ScheduleGrants();
  sim_.Schedule(Time::FromSeconds(0), [this] { Tick(0); });
  sim_.RunUntil(Time::FromSeconds(spec_.horizon_s));
  trace_.events = sim_.events_handled();
  // Jobs' recent pace, for projecting finishes beyond the horizon.
  const int window = std::min(trace_.days, 30);
  for (WorkloadTrace& w : trace_.workloads) {
    if (w.progress.empty() || trace_.days == 0) continue;
    const double end = w.progress[static_cast<size_t>(trace_.days - 1)];
    const double before =
        trace_.days > window ? w.progress[static_cast<size_t>(trace_.days - 1 - window)] : 0;
    w.last_rate = (end - before) / (window * kDay);
  }
  DistributeSiteCosts(spec_, setup_, &trace_);
  return std::move(trace_);
}

}  // namespace

double RateFor(const std::vector<ServiceRate>& rates, const std::string& gpu) {
  for (const ServiceRate& r : rates) {
    if (r.gpu == gpu) return r.value;
  }
  return 0;
}

Result<ProjectionTrace> RunProjection(const ProjectionSpec& spec,
                                      const ProjectionOptions& options) {
  Result<ProjectionSetup> setup = BuildProjectionSetup(spec);
  if (!setup.ok()) return setup.status();
  ProjectionRun run(spec, options, std::move(setup).value());
  return run.Run();
}

}  // namespace capsim::models
