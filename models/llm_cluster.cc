#include "models/llm_cluster.h"

#include <algorithm>
#include <cassert>
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
    : sim_(sim), config_(std::move(config)), source_(std::move(source)) {
  assert(config_.replicas >= 1);
  replicas_.reserve(config_.replicas);
  for (int i = 0; i < config_.replicas; ++i) {
    replicas_.push_back(
        std::make_unique<LlmReplica>(sim_, model, config_.par, perf, config_.replica));
    replicas_.back()->set_on_complete(
        [this, i](const RequestRecord& record) { OnComplete(i, record); });
  }
  metrics_.routed.assign(config_.replicas, 0);
}

void LlmCluster::Start() {
  assert(!started_);
  started_ = true;
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
  ScheduleNext();
}

int LlmCluster::LeastOutstanding() const {
  int best = 0;
  int64_t best_tokens = replicas_[0]->Outstanding();
  for (int i = 1; i < replica_count(); ++i) {
    const int64_t tokens = replicas_[i]->Outstanding();
    if (tokens < best_tokens) {
      best = i;
      best_tokens = tokens;
    }
  }
  return best;
}

int LlmCluster::Route(const Request& request) const {
  switch (config_.routing) {
    case RoutingPolicy::kRoundRobin:
      return static_cast<int>(round_robin_ % static_cast<uint64_t>(replica_count()));
    case RoutingPolicy::kLeastOutstanding:
      return LeastOutstanding();
    case RoutingPolicy::kPrefixAffinity: {
      const int least = LeastOutstanding();
      if (request.prefix_blocks.empty()) return least;
      const auto it = prefix_owner_.find(request.prefix_blocks.front());
      if (it == prefix_owner_.end()) return least;
      const int owner = it->second;
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
  s.Add("replicas", replica_count(), "1", "serving replicas");
  s.Add("gpus", static_cast<double>(replica_count()) * config_.par.tp * config_.par.pp, "GPU",
        "serving GPUs (replicas x tp x pp)");
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
