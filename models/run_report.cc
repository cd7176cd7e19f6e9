#include "models/run_report.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "models/failures.h"
#include "models/period_cost.h"

namespace capsim::models {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kHour = 3600.0;

class SummaryBuilder {
 public:
  void Add(const char* key, double value, const char* units, const char* long_name) {
    metrics_.push_back({key, value, units, long_name});
  }
  void Add(SummaryMetric m) { metrics_.push_back(std::move(m)); }
  std::vector<SummaryMetric> Take() { return std::move(metrics_); }

 private:
  std::vector<SummaryMetric> metrics_;
};

void AddAvatarMetrics(const AvatarWorkload& a, SummaryBuilder& s) {
  const AvatarSpec& spec = a.spec();
  const double rejected = static_cast<double>(a.rejected_by_capacity() + a.rejected_by_limit());
  const double arrived = static_cast<double>(a.sessions_arrived());
  const double p99 = a.ttff().Quantile(0.99);
  const double miss = a.frames() > 0 ? a.missed_frames() / a.frames() : 0;
  s.Add("avatar.sessions_arrived", arrived, "1", "avatar sessions arrived");
  s.Add("avatar.sessions_admitted", static_cast<double>(a.sessions_admitted()), "1",
        "avatar sessions admitted");
  s.Add("avatar.sessions_rejected", rejected, "1", "avatar sessions rejected");
  s.Add("avatar.rejected_by_capacity", static_cast<double>(a.rejected_by_capacity()), "1",
        "rejected: no GPU capacity");
  s.Add("avatar.rejected_by_limit", static_cast<double>(a.rejected_by_limit()), "1",
        "rejected: admission limit");
  s.Add("avatar.rejected_fraction", arrived > 0 ? rejected / arrived : 0, "1",
        "share of sessions rejected");
  s.Add("avatar.peak_sessions", a.PeakSessions(), "1", "peak concurrent sessions");
  s.Add("avatar.mean_sessions", a.MeanSessions(), "1", "mean concurrent sessions");
  s.Add("avatar.session_minutes", a.session_seconds() / 60.0, "min", "avatar-minutes served");
  s.Add("avatar.turns", static_cast<double>(a.turns()), "1", "agent turns");
  s.Add("avatar.ttff_p50_s", a.ttff().Quantile(0.5), "s", "time to first frame p50");
  s.Add("avatar.ttff_p99_s", p99, "s", "time to first frame p99");
  s.Add("avatar.frame_miss_rate", miss, "1", "share of frames missing their deadline");
  s.Add("avatar.frames", a.frames(), "1", "frames rendered");
  const bool slo = a.turns() > 0 && p99 <= spec.slo_ttff_p99_s && miss <= spec.slo_frame_miss_rate;
  s.Add("avatar.slo_met", slo ? 1 : 0, "1", "TTFF p99 and frame-miss SLOs both met (1 = yes)");
  s.Add("avatar.gpu_per_session", a.mean_share(), "GPU", "mean GPU share of one session");
  for (SummaryMetric& m : a.ExtraSummary()) s.Add(std::move(m));
}

// Offline distillation: the teacher pass against the student training (GPU-hours held, and
// tokens per GPU-second while running), to compare with the Llama 3.2 split (workloads.md §7:
// teacher logits 9.4% of the GPU-hours).
void AddDistillationPhases(const RunReportInputs& in, SummaryBuilder& s) {
  double hours[2] = {0, 0}, tokens[2] = {0, 0}, busy[2] = {0, 0};
  bool any = false;
  for (const BatchJob* j : in.jobs) {
    const std::string& phase = j->params().phase;
    if (phase != "teacher" && phase != "student") continue;
    any = true;
    const int k = phase == "teacher" ? 0 : 1;
    hours[k] += j->HeldGpuSeconds() / kHour;
    tokens[k] += j->TokensDone();
    busy[k] += j->BusyGpuSeconds();
  }
  if (!any) return;
  s.Add("distillation.teacher_tokens", tokens[0], "1", "tokens whose teacher logits were stored");
  s.Add("distillation.teacher_gpu_hours", hours[0], "GPU h", "GPU-hours of the teacher pass");
  s.Add("distillation.student_gpu_hours", hours[1], "GPU h", "GPU-hours of the student training");
  s.Add("distillation.teacher_share",
        hours[0] + hours[1] > 0 ? hours[0] / (hours[0] + hours[1]) : kNaN, "1",
        "teacher share of distillation GPU-hours (Llama 3.2: 9.4%)");
  s.Add("distillation.teacher_tokens_per_gpu_s", busy[0] > 0 ? tokens[0] / busy[0] : kNaN, "1/s",
        "teacher pass tokens per GPU-second while running");
  s.Add("distillation.student_tokens_per_gpu_s", busy[1] > 0 ? tokens[1] / busy[1] : kNaN, "1/s",
        "student tokens per GPU-second while running");
  s.Add("distillation.logit_storage_bytes", in.logit_storage_bytes, "B",
        "storage the stored teacher logits of the whole job need");
}

void AddJobMetrics(const RunReportInputs& in, SummaryBuilder& s) {
  double train_tokens = 0, distill_tokens = 0, delay = kNaN, train_pre = 0, distill_pre = 0;
  double train_lost = 0, distill_lost = 0;
  size_t trainings = in.training_delay_s.size();
  for (size_t i = 0; i < in.jobs.size(); ++i) {
    const BatchJob& j = *in.jobs[i];
    const bool training = i < trainings;
    // An offline teacher pass generates logits for the student's tokens: counted apart.
    if (j.params().phase != "teacher") (training ? train_tokens : distill_tokens) += j.TokensDone();
    (training ? train_pre : distill_pre) += j.preemptions();
    (training ? train_lost : distill_lost) += j.LostGpuSeconds() / kHour;
    if (training && !std::isnan(in.training_delay_s[i])) {
      delay = std::isnan(delay) ? in.training_delay_s[i] : std::max(delay, in.training_delay_s[i]);
    }
  }
  if (trainings > 0) {
    s.Add("training.tokens", train_tokens, "1", "training tokens processed");
    s.Add("training.delay_s", delay, "s", "training delay vs running alone (worst job)");
    s.Add("training.preemptions", train_pre, "1", "training preemptions");
    s.Add("training.lost_gpu_hours", train_lost, "GPU h", "training GPU-hours lost");
    // The first training job: its step's MFU, its achieved rate while running, and its token
    // target in time: alone on the idle pool, and projected at the rate it got here.
    const BatchJob& first = *in.jobs[0];
    const double running = first.RunningSeconds();
    s.Add("training.mfu", first.params().mfu > 0 ? first.params().mfu : kNaN, "1",
          "model FLOP utilisation of the training step at full size");
    s.Add("training.tokens_per_s", running > 0 ? first.TokensDone() / running : kNaN, "1/s",
          "training tokens per second while running");
    if (!in.training_target_alone_s.empty()) {
      s.Add("training.time_to_target_alone_s", in.training_target_alone_s[0], "s",
            "time to the token target alone on the idle pool");
    }
    const double horizon = in.scenario->horizon_s;
    const double done = first.TokensDone();
    s.Add("training.time_to_target_projected_s",
          first.done() ? first.finish_time_s()
          : done > 0   ? horizon * first.params().tokens_target / done
                       : kNaN,
          "s", "time to the token target at the pace of this run (finish time if reached)");
    bool topology = false;
    for (const PoolReport& p : in.pools) topology = topology || p.pool->topology.has_value();
    if (topology) {
      double cross = 0, running = 0;
      for (size_t i = 0; i < trainings; ++i) {
        cross += in.jobs[i]->CrossPodSeconds();
        running += in.jobs[i]->RunningSeconds();
      }
      s.Add("training.cross_pod_time_fraction", running > 0 ? cross / running : kNaN, "1",
            "share of training running time on nodes spanning several pods");
    }
  }
  // Failures (when the scenario has them): interruptions by cause over all batch jobs, and the
  // share of each kind's wall time (from its first start) spent making progress.
  if (in.scenario != nullptr && in.scenario->failures.enabled) {
    double failures = 0, running[2] = {0, 0}, elapsed[2] = {0, 0};
    std::vector<double> by_cause(Llama3FailureCauses().size(), 0);
    for (size_t i = 0; i < in.jobs.size(); ++i) {
      const BatchJob& j = *in.jobs[i];
      failures += j.failures();
      for (size_t c = 0; c < j.failures_by_cause().size() && c < by_cause.size(); ++c) {
        by_cause[c] += j.failures_by_cause()[c];
      }
      running[i < trainings ? 0 : 1] += j.RunningSeconds();
      elapsed[i < trainings ? 0 : 1] += j.SecondsSinceFirstStart();
    }
    s.Add("failures.interruptions", failures, "1", "batch-job interruptions by failure");
    if (in.spares != nullptr) {
      s.Add("failures.spare_swaps", in.spares->swaps(), "1", "failures served by a hot spare");
      s.Add("failures.repair_waits", in.spares->waits(), "1",
            "failures that waited for a repair (no spare free)");
    }
    for (size_t c = 0; c < by_cause.size(); ++c) {
      s.Add(SummaryMetric{"failures." + std::string(Llama3FailureCauses()[c].name), by_cause[c],
                          "1",
                          "interruptions caused by " + std::string(Llama3FailureCauses()[c].name)});
    }
    if (trainings > 0) {
      // Daly's interval for the first training job at its full size, against its own interval.
      const JobParams& tp = in.jobs[0]->params();
      const double rate = TotalFailureRatePerGpuHour(tp.failure_causes) / 3600.0 * tp.max_gpus;
      s.Add("training.mtbf_s", rate > 0 ? 1 / rate : kNaN, "s",
            "mean time between failures of the first training job at full size");
      s.Add("training.checkpoint_interval_daly_s",
            rate > 0 ? DalyCheckpointInterval(tp.checkpoint_write_s, 1 / rate) : kNaN, "s",
            "Daly's optimal checkpoint interval for it (compare its checkpoint interval)");
      s.Add("training.effective_time_fraction", elapsed[0] > 0 ? running[0] / elapsed[0] : kNaN,
            "1", "share of training wall time making progress (since first start)");
    }
  }
  if (in.jobs.size() > trainings) {
    s.Add("distillation.tokens", distill_tokens, "1", "distillation (student) tokens processed");
    if (in.distillation_tokens_alone >= 0) {
      const double alone = in.distillation_tokens_alone;
      s.Add("distillation.tokens_alone", alone, "1",
            "distillation tokens alone on the idle pool in the same time");
      s.Add("distillation.throughput_lost_fraction", alone > 0 ? 1 - distill_tokens / alone : kNaN,
            "1", "share of the distillation throughput lost to sharing");
    }
    AddDistillationPhases(in, s);
    s.Add("distillation.preemptions", distill_pre, "1", "distillation preemptions and shrinks");
    s.Add("distillation.lost_gpu_hours", distill_lost, "GPU h", "distillation GPU-hours lost");
  }
}

// GPU-hours of training and of distillation by job state (running, checkpointing, restarting,
// failed), as summary metrics.
void AddBatchStateHours(const RunReportInputs& in, SummaryBuilder& s) {
  using State = BatchJob::State;
  const State states[] = {State::kRunning, State::kCheckpointing, State::kRestarting,
                          State::kFailed};
  const size_t trainings = in.training_delay_s.size();
  for (int kind = 0; kind < 2; ++kind) {
    const bool training = kind == 0;
    if (training ? trainings == 0 : in.jobs.size() <= trainings) continue;
    for (State st : states) {
      double h = 0;
      for (size_t i = training ? 0 : trainings; i < (training ? trainings : in.jobs.size()); ++i) {
        h += in.jobs[i]->GpuSecondsIn(st) / kHour;
      }
      const std::string who = training ? "training" : "distillation";
      s.Add(SummaryMetric{"gpu_hours." + who + "_" + BatchJob::StateName(st), h, "GPU h",
                          "GPU-hours of " + who + " " + BatchJob::StateName(st)});
    }
  }
}

Table BuildJobsTable(const RunReportInputs& in) {
  Table t;
  TextColumn name{"name", "job name", {}}, kind{"kind", "job kind", {}};
  TextColumn workload{"workload", "scenario workload", {}};
  TextColumn phase{"phase", "distillation phase (teacher, student; empty otherwise)", {}};
  Column gpus{"gpus_max", "GPU", "largest allocation", {}};
  Column target{"tokens_target", "1", "token target", {}};
  Column done{"tokens_done", "1", "tokens processed", {}};
  Column committed{"tokens_committed", "1", "tokens saved by checkpoints", {}};
  Column rate{"tokens_per_gpu_second", "1/s", "throughput per GPU while running", {}};
  Column pre{"preemptions", "1", "preemptions and shrinks", {}};
  Column restarts{"restarts", "1", "starts and restarts", {}};
  Column held{"gpu_hours", "GPU h", "GPU-hours held", {}};
  Column lost{"lost_gpu_hours", "GPU h", "GPU-hours lost to restarts and rework", {}};
  Column finish{"finish_time", "s", "completion time (NaN: unfinished)", {}};
  Column delay{"delay", "s", "delay vs running alone (training)", {}};
  Column stops{"stops", "1", "planned stops (time-of-day windows)", {}};
  Column failures{"failures", "1", "interruptions by failure", {}};
  using State = BatchJob::State;
  const State states[] = {State::kRunning, State::kCheckpointing, State::kRestarting,
                          State::kFailed};
  std::vector<Column> by_state;
  for (State st : states) {
    by_state.push_back({std::string("gpu_hours_") + BatchJob::StateName(st),
                        "GPU h",
                        std::string("GPU-hours ") + BatchJob::StateName(st),
                        {}});
  }
  for (size_t i = 0; i < in.jobs.size(); ++i) {
    const BatchJob& j = *in.jobs[i];
    name.values.push_back(j.params().name);
    kind.values.push_back(j.params().kind);
    workload.values.push_back(j.workload());
    phase.values.push_back(j.params().phase);
    gpus.values.push_back(j.params().max_gpus);
    target.values.push_back(j.params().tokens_target);
    done.values.push_back(j.TokensDone());
    committed.values.push_back(j.tokens_committed());
    rate.values.push_back(j.params().tokens_per_gpu_second);
    pre.values.push_back(j.preemptions());
    restarts.values.push_back(j.restarts());
    held.values.push_back(j.HeldGpuSeconds() / kHour);
    lost.values.push_back(j.LostGpuSeconds() / kHour);
    finish.values.push_back(j.finish_time_s());
    delay.values.push_back(i < in.training_delay_s.size() ? in.training_delay_s[i] : kNaN);
    stops.values.push_back(j.stops());
    failures.values.push_back(j.failures());
    for (size_t k = 0; k < by_state.size(); ++k) {
      by_state[k].values.push_back(j.GpuSecondsIn(states[k]) / kHour);
    }
  }
  t.text = {name, kind, workload, phase};
  t.numeric = {gpus, target, done,   committed, rate,  pre,     restarts,
               held, lost,   finish, delay,     stops, failures};
  for (Column& c : by_state) t.numeric.push_back(std::move(c));
  return t;
}

// GPU-hours over all pools of a scheduler's node-seconds measure (x each pool's GPUs per node).
double SumOverPools(const RunReportInputs& in, double (FleetScheduler::*node_seconds)() const) {
  double h = 0;
  for (const PoolReport& p : in.pools) {
    h += (p.scheduler->*node_seconds)() * p.pool->gpus_per_node / kHour;
  }
  return h;
}

// GPU-hours of the pools by workload and state, one row each: what the summary's gpu_hours.*
// give, in a long table for plots (the rows add up to the pool's GPU-hours).
Table BuildGpuHoursTable(const RunReportInputs& in) {
  TextColumn workload{"workload", "workload (or the pool's name for unallocated GPUs)", {}};
  TextColumn state{"state", "state of the GPUs", {}};
  Column hours{"gpu_hours", "GPU h", "GPU-hours", {}};
  auto add = [&](const std::string& w, const std::string& st, double h) {
    workload.values.push_back(w);
    state.values.push_back(st);
    hours.values.push_back(h);
  };
  const double avatar_h = SumOverPools(in, &FleetScheduler::AvatarNodeSeconds);
  if (in.avatar != nullptr) {
    const double busy = in.avatar->DemandGpuSeconds() / kHour;
    add(in.avatar->spec().name, "busy", busy);
    add(in.avatar->spec().name, "held_idle", std::max(0.0, avatar_h - busy));
  }
  if (in.serving != nullptr) {
    const double held = SumOverPools(in, &FleetScheduler::ServingNodeSeconds);
    const double busy = in.serving->BusyGpuSeconds() / kHour;
    add("serving", "busy", busy);
    add("serving", "held_idle", std::max(0.0, held - busy));
  }
  using State = BatchJob::State;
  for (const BatchJob* j : in.jobs) {
    for (State st : {State::kRunning, State::kCheckpointing, State::kRestarting, State::kFailed}) {
      add(j->params().name, BatchJob::StateName(st), j->GpuSecondsIn(st) / kHour);
    }
  }
  for (const PoolReport& p : in.pools) {
    const double gpn = p.pool->gpus_per_node;
    const double idle = p.scheduler->IdleNodeSeconds() * gpn / kHour;
    const double stranded = p.scheduler->StrandedNodeSeconds() * gpn / kHour;
    add(p.pool->name, "stranded", stranded);
    add(p.pool->name, "idle", std::max(0.0, idle - stranded));
  }
  Table t;
  t.text = {workload, state};
  t.numeric = {hours};
  return t;
}

Table BuildJobEventsTable(const JobEventLog& log) {
  Table t;
  t.text = {{"job", "job name", log.job}, {"event", "state change", log.event}};
  t.numeric = {{"time", "s", "time of the change", log.time_s},
               {"gpus", "GPU", "GPUs held after the change", log.gpus},
               {"tokens", "1", "tokens processed at the change", log.tokens}};
  return t;
}

}  // namespace

namespace {

// The distribution of the avatars' time to first frame as a CDF: its quantile at 199 levels
// (0.005 apart) and at 0.999, from the run's quantile sketch (relative error 0.5%).
Table BuildLatencyCdfTable(const RunReportInputs& in) {
  Table t;
  TextColumn workload{"workload", "workload", {}}, metric{"metric", "latency measured", {}};
  std::vector<double> q, seconds;
  std::vector<double> levels;
  for (int i = 1; i < 200; ++i) levels.push_back(i / 200.0);
  levels.push_back(0.999);
  for (double level : levels) {
    workload.values.push_back(in.avatar->spec().name);
    metric.values.push_back("ttff");
    q.push_back(level);
    seconds.push_back(in.avatar->ttff().Quantile(level));
  }
  t.text = {std::move(workload), std::move(metric)};
  t.numeric = {{"quantile", "1", "cumulative probability", std::move(q)},
               {"seconds", "s", "latency at that quantile", std::move(seconds)}};
  return t;
}

}  // namespace

RunResult BuildRunReport(const RunReportInputs& in, const JobEventLog& log) {
  const Scenario& sc = *in.scenario;
  SummaryBuilder s;
  if (in.avatar != nullptr) AddAvatarMetrics(*in.avatar, s);
  if (in.serving != nullptr) {
    for (SummaryMetric& m : in.serving->Summary("serving")) s.Add(std::move(m));
  }
  AddJobMetrics(in, s);

  double gpus = 0;
  for (const PoolReport& p : in.pools)
    gpus += static_cast<double>(p.pool->nodes) * p.pool->gpus_per_node;
  const double gpu_hours = gpus * sc.horizon_s / kHour;
  double train_h = 0, distill_h = 0;
  for (size_t i = 0; i < in.jobs.size(); ++i) {
    (i < in.training_delay_s.size() ? train_h : distill_h) += in.jobs[i]->HeldGpuSeconds() / kHour;
  }
  const double avatar_h = SumOverPools(in, &FleetScheduler::AvatarNodeSeconds);
  s.Add("gpu_hours.avatar", avatar_h, "GPU h", "GPU-hours granted to avatars");
  if (in.avatar != nullptr) {
    s.Add("gpu_hours.avatar_busy", in.avatar->DemandGpuSeconds() / kHour, "GPU h",
          "GPU-hours of avatar stage work (summed GPU shares)");
  }
  if (in.serving != nullptr) {
    s.Add("gpu_hours.serving", SumOverPools(in, &FleetScheduler::ServingNodeSeconds), "GPU h",
          "GPU-hours held by LLM serving replicas");
  }
  s.Add("gpu_hours.training", train_h, "GPU h", "GPU-hours held by training");
  s.Add("gpu_hours.distillation", distill_h, "GPU h", "GPU-hours held by distillation");
  AddBatchStateHours(in, s);
  s.Add("gpu_hours.idle", SumOverPools(in, &FleetScheduler::IdleNodeSeconds), "GPU h",
        "GPU-hours idle");
  s.Add("gpu_hours.stranded", SumOverPools(in, &FleetScheduler::StrandedNodeSeconds), "GPU h",
        "GPU-hours idle while a job waited for more (free but unusable: fragmentation)");
  s.Add("gpu_hours.total", gpu_hours, "GPU h", "GPU-hours of the pools");

  // The cost of each pool (its GPUs, servers and site tariff), summed.
  PeriodCost cost;
  std::vector<double> pool_cost;       // USD per pool
  std::vector<double> pool_gpu_hours;  // per pool
  for (const PoolReport& p : in.pools) {
    const double pool_gpus = static_cast<double>(p.pool->nodes) * p.pool->gpus_per_node;
    GpuUsage usage{pool_gpus * sc.horizon_s, p.busy_gpu_seconds};
    const PeriodCost c =
        ComputePeriodCost(*p.gpu, *p.pool, *p.site, sc.finance, sc.horizon_s, usage);
    cost.it_energy_j += c.it_energy_j;
    cost.facility_energy_j += c.facility_energy_j;
    cost.depreciation_usd += c.depreciation_usd;
    cost.energy_usd += c.energy_usd;
    cost.total_usd += c.total_usd;
    pool_cost.push_back(c.total_usd);
    pool_gpu_hours.push_back(pool_gpus * sc.horizon_s / kHour);
    if (in.pools.size() > 1) {
      const std::string key = "pool." + p.pool->name + ".";
      s.Add(SummaryMetric{key + "gpus", pool_gpus, "GPU", "GPUs of pool " + p.pool->name});
      s.Add(SummaryMetric{key + "it_avg_mw", c.it_energy_j / sc.horizon_s / 1e6, "MW",
                          "mean IT power of pool " + p.pool->name});
      s.Add(SummaryMetric{key + "cost_usd", c.total_usd, "USD",
                          "cost of pool " + p.pool->name + " for the period"});
      s.Add(SummaryMetric{key + "idle_gpu_hours",
                          p.scheduler->IdleNodeSeconds() * p.pool->gpus_per_node / kHour, "GPU h",
                          "GPU-hours idle in pool " + p.pool->name});
    }
  }
  s.Add("power.it_avg_mw", cost.it_energy_j / sc.horizon_s / 1e6, "MW", "mean IT power");
  s.Add("energy.facility_mwh", cost.facility_energy_j / 3.6e9, "MWh", "facility energy");
  s.Add("cost.depreciation_usd", cost.depreciation_usd, "USD", "server depreciation share");
  s.Add("cost.energy_usd", cost.energy_usd, "USD", "energy cost");
  s.Add("cost.total_usd", cost.total_usd, "USD", "cost of the period");
  // The training delay valued at what its GPUs cost per hour (depreciation and energy of this
  // pool): the money the fleet spends while training stands behind its idle-fleet schedule.
  // Cost per GPU-hour of pool `p`.
  auto rate = [&](size_t p) {
    return pool_gpu_hours[p] > 0 ? pool_cost[p] / pool_gpu_hours[p] : 0;
  };
  double delay_usd = 0;
  for (size_t i = 0; i < in.training_delay_s.size(); ++i) {
    if (!std::isnan(in.training_delay_s[i])) {
      const JobParams& jp = in.jobs[i]->params();
      delay_usd += std::max(0.0, in.training_delay_s[i]) / kHour * jp.max_gpus *
                   rate(static_cast<size_t>(jp.pool));
    }
  }
  if (!in.training_delay_s.empty() && gpu_hours > 0) {
    s.Add("training.delay_cost_usd", delay_usd, "USD",
          "value of the training delay: its GPUs x delay at its pool's cost per GPU-hour");
  }
  if (in.avatar != nullptr) {
    // Avatars carry the share of each pool's cost matching their share of its GPU-hours.
    const double minutes = in.avatar->session_seconds() / 60.0;
    double usd = 0;
    for (size_t p = 0; p < in.pools.size(); ++p) {
      usd += in.pools[p].scheduler->AvatarNodeSeconds() * in.pools[p].pool->gpus_per_node / kHour *
             rate(p);
    }
    s.Add("cost.per_avatar_minute_usd", minutes > 0 ? usd / minutes : kNaN, "USD/min",
          "cost per avatar-minute (GPU-hour share of the period cost)");
  }
  s.Add("run.events", static_cast<double>(in.events_handled), "1", "simulation events handled");

  RunResult result;
  result.summary = s.Take();
  result.jobs = BuildJobsTable(in);
  result.job_events = BuildJobEventsTable(log);
  result.extra_tables.emplace_back("gpu_hours", BuildGpuHoursTable(in));
  if (in.avatar != nullptr && in.avatar->ttff().count() > 0) {
    result.extra_tables.emplace_back("latency_cdf", BuildLatencyCdfTable(in));
  }
  return result;
}

}  // namespace capsim::models
