#include "models/llm_cluster.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>
#include <utility>

namespace capsim::models {
namespace {

// Appends metrics under "<prefix>.<name>".
class SummaryBuilder {
 public:
  explicit SummaryBuilder(std::string_view prefix) : prefix_(prefix) {}
  void Add(const char* name, double value, const char* units, const char* long_name) {
    metrics_.push_back({prefix_ + "." + name, value, units, long_name});
  }
  std::vector<SummaryMetric> Take() { return std::move(metrics_); }

 private:
  std::string prefix_;
  std::vector<SummaryMetric> metrics_;
};

// `num` / `den`, 0 when `den` is not positive.
double Ratio(double num, double den) { return den > 0 ? num / den : 0; }

}  // namespace

LlmCluster::LlmCluster(sim::Simulator& sim, const ModelSpec& model, const PerfModel& perf,
                       ClusterConfig config, RequestSource source)
    : sim_(sim),
      model_(model),
      perf_(perf),
      config_(std::move(config)),
      source_(std::move(source)) {
  assert(config_.replicas >= 1);
  if (config_.autoscale) {
    assert(CheckAutoscale(*config_.autoscale, config_.replicas).ok());
    autoscaler_.emplace(*config_.autoscale);
  }
  replicas_.reserve(config_.replicas);
  for (int i = 0; i < config_.replicas; ++i) AddReplica(ReplicaState::kActive);
}

void LlmCluster::AddReplica(ReplicaState state) {
  const int i = replica_count();
  replicas_.push_back(
      std::make_unique<LlmReplica>(sim_, model_, config_.par, perf_, config_.replica));
  replicas_.back()->set_on_complete(
      [this, i](const RequestRecord& record) { OnComplete(i, record); });
  metrics_.routed.push_back(0);
  state_.push_back(state);
  if (state == ReplicaState::kActive) {
    active_.push_back(i);  // i is the highest index: stays sorted
  } else {
    assert(state == ReplicaState::kLoading);
    ++loading_;
  }
  if (autoscaler_) {
    meters_.emplace_back();
    Mark(i);
  }
}

void LlmCluster::SetCapacity(std::function<bool(int gpus)> acquire,
                             std::function<void(int gpus)> release) {
  acquire_ = std::move(acquire);
  release_ = std::move(release);
}

void LlmCluster::Start() {
  assert(!started_);
  started_ = true;
  if (autoscaler_) {
    metrics_.replicas = sim::TimeWeighted(sim_.Now(), active_replicas() + loading_);
    for (int i = 0; i < replica_count(); ++i) Mark(i);
    sim_.ScheduleAfter(sim::Duration::Seconds(autoscaler_->config().interval_s),
                       [this] { Decide(); });
  }
  ScheduleNext();
}

void LlmCluster::ScheduleNext() {
  next_ = source_.Next();
  if (!next_) return;
  const sim::Time at = sim::Time::FromSeconds(next_->arrival_s);
  sim_.Schedule(at < sim_.Now() ? sim_.Now() : at, [this] { Arrive(); });
}

void LlmCluster::Arrive() {
  const Request& request = *next_;
  const int r = Route(request);
  if (metrics_.arrived == 0) metrics_.first_arrival_s = sim_.Now().seconds();
  ++metrics_.arrived;
  ++metrics_.routed[r];
  ++round_robin_;
  if (config_.routing == RoutingPolicy::kPrefixAffinity && !request.prefix_blocks.empty()) {
    prefix_owner_[request.prefix_blocks.front()] = r;
  }
  replicas_[r]->Submit(request);
  if (autoscaler_) {
    ++interval_arrivals_;
    interval_input_tokens_ += request.input_tokens;
    interval_output_tokens_ += request.output_tokens;
  }
  ScheduleNext();
}

int LlmCluster::LeastOutstanding() const {
  int best = active_[0];
  int64_t best_tokens = replicas_[best]->Outstanding();
  for (size_t k = 1; k < active_.size(); ++k) {
    const int i = active_[k];
    const int64_t tokens = replicas_[i]->Outstanding();
    if (tokens < best_tokens) {
      best = i;
      best_tokens = tokens;
    }
  }
  return best;
}

int LlmCluster::Route(const Request& request) const {
  assert(!active_.empty());
  switch (config_.routing) {
    case RoutingPolicy::kRoundRobin:
      return active_[round_robin_ % static_cast<uint64_t>(active_.size())];
    case RoutingPolicy::kLeastOutstanding:
      return LeastOutstanding();
    case RoutingPolicy::kPrefixAffinity: {
      const int least = LeastOutstanding();
      if (request.prefix_blocks.empty()) return least;
      const auto it = prefix_owner_.find(request.prefix_blocks.front());
      if (it == prefix_owner_.end()) return least;
      const int owner = it->second;
      if (state_[owner] != ReplicaState::kActive) return least;
      const double owner_tokens = static_cast<double>(replicas_[owner]->Outstanding());
      const double least_tokens = static_cast<double>(replicas_[least]->Outstanding());
      const bool overloaded =
          owner_tokens > config_.affinity_slack_factor * least_tokens &&
          owner_tokens - least_tokens > static_cast<double>(config_.affinity_slack_tokens);
      return overloaded ? least : owner;
    }
  }
  return 0;
}

void LlmCluster::OnComplete(int replica, const RequestRecord& record) {
  ClusterMetrics& m = metrics_;
  const double ttft = record.ttft_s(), tpot = record.tpot_s();
  m.ttft_s.Add(ttft);
  m.tpot_s.Add(tpot);
  m.e2e_s.Add(record.e2e_s());
  m.queueing_s.Add(record.queueing_s());
  ++m.completed;
  if (ttft <= config_.ttft_bound_s && tpot <= config_.tpot_bound_s) ++m.good;
  m.input_tokens += record.input_tokens;
  m.output_tokens += record.output_tokens;
  m.prefix_hit_tokens += record.prefix_hit_tokens;
  if (record.completion_s > m.last_completion_s) m.last_completion_s = record.completion_s;
  if (config_.keep_records) records_.push_back({record, replica});
  if (state_[replica] == ReplicaState::kDraining) MaybeRelease(replica);
}

int64_t LlmCluster::Held(int i) const {
  const ReplicaMetrics& m = replicas_[i]->metrics();
  return static_cast<int64_t>(m.submitted - m.completed - m.rejected);
}

void LlmCluster::Mark(int i) {
  Meter& m = meters_[i];
  m.mark_s = sim_.Now().seconds();
  m.mark_busy_s = replicas_[i]->metrics().busy_s;
}

double LlmCluster::OfferedLoad() const {
  if (interval_arrivals_ == 0) return 0;
  const double n = static_cast<double>(interval_arrivals_);
  const double prompt = std::max(1.0, static_cast<double>(interval_input_tokens_) / n);
  const double output = std::max(1.0, static_cast<double>(interval_output_tokens_) / n);
  const LlmReplica& r = *replicas_[0];
  const ReplicaConfig& rc = config_.replica;
  const KvCache& kv = r.kv_cache();
  const int64_t fit =
      kv.total_blocks() / std::max<int64_t>(1, kv.BlocksForTokens(std::llround(prompt + output)));
  const int64_t batch = std::max<int64_t>(1, std::min(rc.max_num_seqs, fit));
  const int64_t context = std::max<int64_t>(1, std::llround(prompt + output / 2));
  const double decode_s = r.IterationTime({}, batch, context) / static_cast<double>(batch);
  const int64_t q = std::clamp<int64_t>(std::llround(prompt), 1, rc.max_num_batched_tokens);
  const int64_t prompts = std::max<int64_t>(1, rc.max_num_batched_tokens / q);
  const std::vector<PrefillChunk> chunks(prompts, PrefillChunk{q, q});
  const double prefill_s = r.IterationTime(chunks, 0, 0) / static_cast<double>(prompts * q);
  const double hit = Ratio(static_cast<double>(metrics_.prefix_hit_tokens),
                           static_cast<double>(metrics_.input_tokens));
  const double work = static_cast<double>(interval_input_tokens_) * (1 - hit) * prefill_s +
                      static_cast<double>(interval_output_tokens_) * decode_s;
  return work / autoscaler_->config().interval_s;
}

double LlmCluster::BusyLoad(int i, double now_s) const {
  const double span = now_s - meters_[i].mark_s;
  if (span <= 0) return 0;
  const LlmReplica& r = *replicas_[i];
  // busy_s counts an iteration whole at its start, so one running across the mark can push the
  // share a little over 1: capped.
  double share = std::min(1.0, (r.metrics().busy_s - meters_[i].mark_busy_s) / span);
  if (r.waiting() > 0 || r.swapped() > 0) share = 1;
  return share * std::min(1.0, span / autoscaler_->config().interval_s);
}

void LlmCluster::Decide() {
  const double now = sim_.Now().seconds();
  double load = 0;
  switch (autoscaler_->config().signal) {
    case AutoscaleSignal::kOfferedLoad:
      load = OfferedLoad();
      break;
    case AutoscaleSignal::kBusyTime:
      for (int i : active_) load += BusyLoad(i, now);
      break;
  }
  interval_arrivals_ = interval_input_tokens_ = interval_output_tokens_ = 0;
  for (int i = 0; i < replica_count(); ++i) {
    if (state_[i] != ReplicaState::kRemoved) Mark(i);
  }
  last_utilization_ = load / static_cast<double>(active_.size());
  const ScaleDecision d = autoscaler_->Decide(now, active_replicas(), loading_, load);
  last_desired_ = d.desired;
  if (d.add > 0) ScaleUp(d.add);
  if (d.drain > 0) Drain(d.drain);
  sim_.ScheduleAfter(sim::Duration::Seconds(autoscaler_->config().interval_s),
                     [this] { Decide(); });
}

void LlmCluster::SetActive(int i, bool active) {
  if (active) {
    active_.insert(std::upper_bound(active_.begin(), active_.end(), i), i);
  } else {
    active_.erase(std::find(active_.begin(), active_.end(), i));
  }
}

void LlmCluster::Log(ScaleEvent::Kind kind, int replica) {
  scale_events_.push_back({sim_.Now().seconds(), kind, replica});
}

void LlmCluster::ScaleUp(int count) {
  const int gpus = config_.par.tp * config_.par.pp;
  for (int k = 0; k < count; ++k) {
    if (draining_ > 0) {
      // The draining replica with the most work left (ties: the lowest index) serves again.
      int best = -1;
      for (int i = 0; i < replica_count(); ++i) {
        if (state_[i] == ReplicaState::kDraining &&
            (best < 0 || replicas_[i]->Outstanding() > replicas_[best]->Outstanding())) {
          best = i;
        }
      }
      state_[best] = ReplicaState::kActive;
      --draining_;
      SetActive(best, true);
      Log(ScaleEvent::Kind::kUndrain, best);
    } else {
      if (acquire_ && !acquire_(gpus)) break;
      AddReplica(ReplicaState::kLoading);
      const int i = replica_count() - 1;
      ++metrics_.scale_ups;
      Log(ScaleEvent::Kind::kAcquire, i);
      const double load_time = autoscaler_->config().load_time_s;
      if (load_time > 0) {
        sim_.ScheduleAfter(sim::Duration::Seconds(load_time), [this, i] { Activate(i); });
      } else {
        Activate(i);
      }
    }
    metrics_.replicas.Set(sim_.Now(), active_replicas() + loading_);
  }
}

void LlmCluster::Activate(int i) {
  assert(state_[i] == ReplicaState::kLoading);
  state_[i] = ReplicaState::kActive;
  --loading_;
  SetActive(i, true);
  Mark(i);
  Log(ScaleEvent::Kind::kActivate, i);
}

void LlmCluster::Drain(int count) {
  for (int k = 0; k < count && active_.size() > 1; ++k) {
    // The active replica with the least outstanding work; ties: the newest.
    int victim = active_.back();
    for (int i : active_) {
      if (replicas_[i]->Outstanding() <= replicas_[victim]->Outstanding()) victim = i;
    }
    state_[victim] = ReplicaState::kDraining;
    ++draining_;
    SetActive(victim, false);
    Log(ScaleEvent::Kind::kDrain, victim);
    metrics_.replicas.Set(sim_.Now(), active_replicas() + loading_);
    MaybeRelease(victim);
  }
}

void LlmCluster::MaybeRelease(int i) {
  assert(state_[i] == ReplicaState::kDraining);
  if (Held(i) > 0) return;
  state_[i] = ReplicaState::kRemoved;
  --draining_;
  ++metrics_.scale_downs;
  Log(ScaleEvent::Kind::kRelease, i);
  if (release_) release_(config_.par.tp * config_.par.pp);
}

uint64_t LlmCluster::rejected() const {
  uint64_t n = 0;
  for (const auto& r : replicas_) n += r->metrics().rejected;
  return n;
}

uint64_t LlmCluster::preemptions() const {
  uint64_t n = 0;
  for (const auto& r : replicas_) n += r->metrics().preemptions;
  return n;
}

double LlmCluster::BusyGpuSeconds() const {
  double busy = 0;
  for (const auto& r : replicas_) busy += r->metrics().busy_s;
  return busy * config_.par.tp * config_.par.pp;
}

double LlmCluster::MeanKvUtilization() const {
  double sum = 0;
  for (const auto& r : replicas_) sum += r->metrics().kv_utilization.Mean(sim_.Now());
  return sum / static_cast<double>(replicas_.size());
}

double LlmCluster::Makespan() const {
  return metrics_.completed > 0 ? metrics_.last_completion_s - metrics_.first_arrival_s : 0;
}

double LlmCluster::GoodputFraction() const {
  return Ratio(static_cast<double>(metrics_.good),
               static_cast<double>(metrics_.completed + rejected()));
}

std::vector<SummaryMetric> LlmCluster::Summary(std::string_view prefix) const {
  const ClusterMetrics& m = metrics_;
  SummaryBuilder s(prefix);
  const double makespan = Makespan();
  if (autoscaler_) {
    s.Add("replicas", held_replicas(), "1", "serving replicas holding GPUs at the end");
    s.Add("gpus", held_gpus(), "GPU", "serving GPUs held at the end (replicas x tp x pp)");
    s.Add("replicas_mean", m.replicas.Mean(sim_.Now()), "1",
          "time-weighted active + loading replicas");
    s.Add("replicas_max", m.replicas.max(), "1", "most active + loading replicas");
    s.Add("scale_ups", static_cast<double>(m.scale_ups), "1", "replicas added by the autoscaler");
    s.Add("scale_downs", static_cast<double>(m.scale_downs), "1",
          "replicas drained and released by the autoscaler");
  } else {
    s.Add("replicas", replica_count(), "1", "serving replicas");
    s.Add("gpus", static_cast<double>(replica_count()) * config_.par.tp * config_.par.pp, "GPU",
          "serving GPUs (replicas x tp x pp)");
  }
  s.Add("requests_arrived", static_cast<double>(m.arrived), "1", "requests arrived");
  s.Add("requests_completed", static_cast<double>(m.completed), "1", "requests completed");
  s.Add("requests_rejected", static_cast<double>(rejected()), "1",
        "requests rejected (larger than a replica's KV cache)");
  s.Add("requests_in_flight", static_cast<double>(in_flight()), "1",
        "requests unfinished at the end of the run");
  s.Add("preemptions", static_cast<double>(preemptions()), "1", "sequence preemptions");
  s.Add("ttft_p50_s", m.ttft_s.Quantile(0.5), "s", "time to first token p50");
  s.Add("ttft_p95_s", m.ttft_s.Quantile(0.95), "s", "time to first token p95");
  s.Add("ttft_p99_s", m.ttft_s.Quantile(0.99), "s", "time to first token p99");
  s.Add("tpot_p50_s", m.tpot_s.Quantile(0.5), "s", "time per output token p50");
  s.Add("tpot_p95_s", m.tpot_s.Quantile(0.95), "s", "time per output token p95");
  s.Add("tpot_p99_s", m.tpot_s.Quantile(0.99), "s", "time per output token p99");
  s.Add("e2e_p50_s", m.e2e_s.Quantile(0.5), "s", "end-to-end latency p50");
  s.Add("e2e_p95_s", m.e2e_s.Quantile(0.95), "s", "end-to-end latency p95");
  s.Add("e2e_p99_s", m.e2e_s.Quantile(0.99), "s", "end-to-end latency p99");
  s.Add("queueing_p50_s", m.queueing_s.Quantile(0.5), "s", "queueing delay p50");
  s.Add("queueing_p95_s", m.queueing_s.Quantile(0.95), "s", "queueing delay p95");
  s.Add("queueing_p99_s", m.queueing_s.Quantile(0.99), "s", "queueing delay p99");
  s.Add("makespan_s", makespan, "s", "first arrival to last completion");
  s.Add("throughput_input_tokens_per_s", Ratio(static_cast<double>(m.input_tokens), makespan),
        "1/s", "prompt tokens of completed requests per second of makespan");
  s.Add("throughput_output_tokens_per_s", Ratio(static_cast<double>(m.output_tokens), makespan),
        "1/s", "output tokens per second of makespan");
  s.Add("throughput_requests_per_s", Ratio(static_cast<double>(m.completed), makespan), "1/s",
        "completed requests per second of makespan");
  s.Add("goodput_fraction", GoodputFraction(), "1",
        "share of finished requests meeting the TTFT and TPOT bounds");
  s.Add("goodput_requests_per_s", Ratio(static_cast<double>(m.good), makespan), "1/s",
        "requests meeting the TTFT and TPOT bounds per second of makespan");
  s.Add("ttft_bound_s", config_.ttft_bound_s, "s", "goodput TTFT bound");
  s.Add("tpot_bound_s", config_.tpot_bound_s, "s", "goodput TPOT bound");
  s.Add("prefix_hit_tokens", static_cast<double>(m.prefix_hit_tokens), "1",
        "prompt tokens served from the prefix cache");
  s.Add("prefix_hit_fraction",
        Ratio(static_cast<double>(m.prefix_hit_tokens), static_cast<double>(m.input_tokens)), "1",
        "share of prompt tokens served from the prefix cache");
  s.Add("kv_utilization_mean", MeanKvUtilization(), "1",
        "mean KV-cache utilisation over replicas and time");
  uint64_t lo = m.routed.empty() ? 0 : m.routed[0], hi = lo;
  for (uint64_t n : m.routed) {
    lo = std::min(lo, n);
    hi = std::max(hi, n);
  }
  s.Add("routed_min", static_cast<double>(lo), "1", "fewest requests routed to a replica");
  s.Add("routed_max", static_cast<double>(hi), "1", "most requests routed to a replica");
  s.Add("load_imbalance",
        Ratio(static_cast<double>(hi) * replica_count(), static_cast<double>(m.arrived)), "1",
        "most requests on a replica over the mean (1 = even)");
  return s.Take();
}

Table LlmCluster::RequestsTable() const {
  struct Spec {
    const char* name;
    const char* units;
    const char* long_name;
  };
  static constexpr Spec kColumns[] = {
      {"id", "1", "request id"},
      {"replica", "1", "replica index"},
      {"arrival_s", "s", "arrival time"},
      {"ttft_s", "s", "time to first token"},
      {"tpot_s", "s", "time per output token"},
      {"e2e_s", "s", "end-to-end latency"},
      {"queueing_s", "s", "queueing delay"},
      {"input_tokens", "1", "prompt tokens"},
      {"output_tokens", "1", "output tokens"},
      {"preemptions", "1", "preemptions"},
      {"prefix_hit_tokens", "1", "prompt tokens served from the prefix cache"},
  };
  Table table;
  for (const Spec& spec : kColumns) {
    Column c;
    c.name = spec.name;
    c.units = spec.units;
    c.long_name = spec.long_name;
    c.values.reserve(records_.size());
    table.numeric.push_back(std::move(c));
  }
  for (const ClusterRecord& cr : records_) {
    const RequestRecord& r = cr.record;
    const double row[] = {static_cast<double>(r.id),
                          static_cast<double>(cr.replica),
                          r.arrival_s,
                          r.ttft_s(),
                          r.tpot_s(),
                          r.e2e_s(),
                          r.queueing_s(),
                          static_cast<double>(r.input_tokens),
                          static_cast<double>(r.output_tokens),
                          static_cast<double>(r.preemptions),
                          static_cast<double>(r.prefix_hit_tokens)};
    for (size_t i = 0; i < table.numeric.size(); ++i) table.numeric[i].values.push_back(row[i]);
  }
  return table;
}

}  // namespace capsim::models
