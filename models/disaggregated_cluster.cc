#include "models/disaggregated_cluster.h"

#include <algorithm>
#include <cassert>
#include <string>
#include <utility>

#include "models/operation.h"

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

// The fewest and most requests routed to one replica of a pool.
std::pair<uint64_t, uint64_t> MinMax(const std::vector<uint64_t>& routed) {
  if (routed.empty()) return {0, 0};
  const auto [lo, hi] = std::minmax_element(routed.begin(), routed.end());
  return {*lo, *hi};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// DecodeOnlyReplica

DecodeOnlyReplica::DecodeOnlyReplica(sim::Simulator& sim, const ModelSpec& model, Parallelism par,
                                     const PerfModel& perf, ReplicaConfig config)
    : sim_(sim),
      config_(config),
      pricer_(std::make_unique<LlmReplica>(sim, model, par, perf, config)),
      kv_(config.kv_blocks_override > 0 ? config.kv_blocks_override
                                        : KvCapacityBlocks(model, par, perf.gpu(), config.kv),
          config.kv) {
  metrics_.kv_utilization = sim::TimeWeighted(sim.Now(), 0);
  assert(config_.max_num_batched_tokens > 0 && config_.max_num_seqs > 0);
}

double DecodeOnlyReplica::IterationTime(int64_t decodes, int64_t context) const {
  return pricer_->IterationTime({}, decodes, context);
}

int32_t DecodeOnlyReplica::NewSlot() {
  if (!free_slots_.empty()) {
    const int32_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }
  seqs_.emplace_back();
  return static_cast<int32_t>(seqs_.size() - 1);
}

bool DecodeOnlyReplica::Submit(const Request& request) {
  assert(request.input_tokens > 0 && request.output_tokens >= 2);
  ++metrics_.submitted;
  if (kv_.BlocksForTokens(request.input_tokens + request.output_tokens - 1) > kv_.total_blocks()) {
    ++metrics_.rejected;
    return false;
  }
  const int32_t slot = NewSlot();
  Seq& s = seqs_[slot];
  s = Seq{};
  s.id = request.id;
  s.input_tokens = request.input_tokens;
  s.output_tokens = request.output_tokens;
  s.computed = request.input_tokens;
  s.generated = 1;
  s.arrival_s = sim_.Now().seconds();
  waiting_.push_back(slot);
  Kick();
  return true;
}

void DecodeOnlyReplica::Kick() {
  if (busy_ || kicked_) return;
  kicked_ = true;
  // After the other events of this instant, so that simultaneous arrivals share an iteration.
  sim_.ScheduleAfter(
      sim::Duration::Zero(),
      [this] {
        kicked_ = false;
        if (!busy_) StartIteration();
      },
      sim::Simulator::kMaxPriority);
}

int64_t DecodeOnlyReplica::Outstanding() const {
  int64_t total = 0;
  for (int32_t slot : waiting_) total += seqs_[slot].output_tokens - seqs_[slot].generated;
  for (int32_t slot : running_) total += seqs_[slot].output_tokens - seqs_[slot].generated;
  return total;
}

void DecodeOnlyReplica::StartIteration() {
  const int64_t max_running = std::min(config_.max_num_seqs, config_.max_num_batched_tokens);
  const double now = sim_.Now().seconds();
  while (!waiting_.empty() && static_cast<int64_t>(running_.size()) < max_running) {
    Seq& s = seqs_[waiting_.front()];
    if (!kv_.Reserve(&s.kv, s.input_tokens + s.output_tokens - 1)) break;
    s.admitted_s = now;
    running_.push_back(waiting_.front());
    waiting_.pop_front();
  }
  if (running_.empty()) {
    busy_ = false;
    return;
  }
  const int64_t decodes = static_cast<int64_t>(running_.size());
  int64_t context_sum = 0;
  for (int32_t slot : running_) context_sum += seqs_[slot].computed + 1;
  const int64_t context = (context_sum + decodes / 2) / decodes;  // rounded mean
  const sim::Duration d = sim::Duration::Seconds(IterationTime(decodes, context));
  metrics_.busy_s += d.seconds();
  ++metrics_.iterations;
  metrics_.kv_utilization.Set(sim_.Now(), kv_.Utilization());
  busy_ = true;
  sim_.ScheduleAfter(d, [this] { FinishIteration(); });
}

void DecodeOnlyReplica::FinishIteration() {
  const double now = sim_.Now().seconds();
  scratch_.clear();
  size_t kept = 0;
  for (int32_t slot : running_) {
    Seq& s = seqs_[slot];
    ++s.computed;
    ++s.generated;
    ++metrics_.output_tokens;
    if (s.generated > 2) metrics_.itl_s.Add(now - s.last_token_s);
    s.last_token_s = now;
    if (s.generated == s.output_tokens) {
      kv_.Free(&s.kv, {});
      scratch_.push_back(slot);
    } else {
      running_[kept++] = slot;
    }
  }
  running_.resize(kept);
  metrics_.kv_utilization.Set(sim_.Now(), kv_.Utilization());
  busy_ = false;
  for (int32_t slot : scratch_) {
    const Seq& s = seqs_[slot];
    const DecodeCompletion done{s.id, s.arrival_s, s.admitted_s, s.last_token_s};
    ++metrics_.completed;
    free_slots_.push_back(slot);
    if (on_complete_) on_complete_(done);
  }
  if (!busy_ && !kicked_ && (!running_.empty() || !waiting_.empty())) StartIteration();
}

// ---------------------------------------------------------------------------------------------
// DisaggregatedCluster

DisaggregatedCluster::DisaggregatedCluster(sim::Simulator& sim, const ModelSpec& model,
                                           const PerfModel& perf, DisaggregatedConfig config,
                                           RequestSource source)
    : sim_(sim),
      model_(model),
      perf_(perf),
      config_(std::move(config)),
      source_(std::move(source)) {
  assert(config_.prefill_replicas >= 1 && config_.decode_replicas >= 1);
  prefill_.reserve(config_.prefill_replicas);
  for (int i = 0; i < config_.prefill_replicas; ++i) {
    prefill_.push_back(
        std::make_unique<LlmReplica>(sim_, model, config_.prefill_par, perf, config_.prefill));
    prefill_.back()->set_on_complete(
        [this, i](const RequestRecord& record) { OnPrefillDone(i, record); });
  }
  decode_.reserve(config_.decode_replicas);
  for (int i = 0; i < config_.decode_replicas; ++i) {
    decode_.push_back(
        std::make_unique<DecodeOnlyReplica>(sim_, model, config_.decode_par, perf, config_.decode));
    decode_.back()->set_on_complete(
        [this, i](const DecodeCompletion& done) { OnDecodeDone(i, done); });
  }
  nic_free_.assign(config_.prefill_replicas, sim::Time::Zero());
  in_transit_.assign(config_.decode_replicas, 0);
  metrics_.routed_prefill.assign(config_.prefill_replicas, 0);
  metrics_.routed_decode.assign(config_.decode_replicas, 0);
}

double DisaggregatedCluster::KvTransferBytes(int64_t input_tokens) const {
  const Parallelism& p = config_.prefill_par;
  return static_cast<double>(input_tokens) * KvBytesPerTokenPerGpu(model_, p) * p.tp * p.pp;
}

double DisaggregatedCluster::KvTransferTime(int64_t input_tokens) const {
  const double shard =
      static_cast<double>(input_tokens) * KvBytesPerTokenPerGpu(model_, config_.prefill_par);
  return perf_
      .Price(Collective("kv.transfer", CollectiveKind::kAllGather, LinkTier::kScaleOut, 2,
                        2 * shard, model_.dtype))
      .time_s;
}

void DisaggregatedCluster::Start() {
  assert(!started_);
  started_ = true;
  ScheduleNext();
}

void DisaggregatedCluster::ScheduleNext() {
  next_ = source_.Next();
  if (!next_) return;
  const sim::Time at = sim::Time::FromSeconds(next_->arrival_s);
  sim_.Schedule(at < sim_.Now() ? sim_.Now() : at, [this] { Arrive(); });
}

int DisaggregatedCluster::LeastOutstandingPrefill() const {
  int best = 0;
  int64_t best_tokens = prefill_[0]->Outstanding();
  for (int i = 1; i < prefill_count(); ++i) {
    const int64_t tokens = prefill_[i]->Outstanding();
    if (tokens < best_tokens) {
      best = i;
      best_tokens = tokens;
    }
  }
  return best;
}

int DisaggregatedCluster::LeastOutstandingDecode() const {
  int best = 0;
  int64_t best_tokens = decode_[0]->Outstanding() + in_transit_[0];
  for (int i = 1; i < decode_count(); ++i) {
    const int64_t tokens = decode_[i]->Outstanding() + in_transit_[i];
    if (tokens < best_tokens) {
      best = i;
      best_tokens = tokens;
    }
  }
  return best;
}

void DisaggregatedCluster::Arrive() {
  const Request& request = *next_;
  assert(pending_.find(request.id) == pending_.end());
  const int r = LeastOutstandingPrefill();
  if (metrics_.arrived == 0) metrics_.first_arrival_s = sim_.Now().seconds();
  ++metrics_.arrived;
  ++metrics_.routed_prefill[r];
  Pending& p = pending_[request.id];
  p.request = request;
  p.request.prefix_blocks.clear();
  p.record.prefill_replica = r;
  Request prefill = request;
  prefill.output_tokens = 1;
  const uint64_t rejected_before = prefill_[r]->metrics().rejected;
  prefill_[r]->Submit(prefill);
  if (prefill_[r]->metrics().rejected != rejected_before) pending_.erase(request.id);
  ScheduleNext();
}

void DisaggregatedCluster::OnPrefillDone(int replica, const RequestRecord& record) {
  const auto it = pending_.find(record.id);
  assert(it != pending_.end());
  Pending& p = it->second;
  p.record.record = record;
  p.record.record.output_tokens = p.request.output_tokens;
  if (p.request.output_tokens == 1) {
    Finish(p);
    pending_.erase(it);
    return;
  }
  const int d = LeastOutstandingDecode();
  ++metrics_.routed_decode[d];
  in_transit_[d] += p.request.output_tokens - 1;
  p.record.decode_replica = d;
  p.record.kv_bytes = KvTransferBytes(p.request.input_tokens);
  const sim::Time start = std::max(sim_.Now(), nic_free_[replica]);  // the sender's NICs
  const sim::Time end = start + sim::Duration::Seconds(KvTransferTime(p.request.input_tokens));
  nic_free_[replica] = end;
  p.record.transfer_start_s = start.seconds();
  p.record.transfer_end_s = end.seconds();
  const uint64_t id = record.id;
  sim_.Schedule(end, [this, id] { OnTransferDone(id); });
}

void DisaggregatedCluster::OnTransferDone(uint64_t id) {
  const auto it = pending_.find(id);
  assert(it != pending_.end());
  Pending& p = it->second;
  const int d = p.record.decode_replica;
  in_transit_[d] -= p.request.output_tokens - 1;
  ++metrics_.transferred;
  metrics_.kv_bytes += p.record.kv_bytes;
  metrics_.transfer_s.Add(p.record.transfer_s());
  metrics_.transfer_wait_s.Add(p.record.transfer_wait_s());
  if (!decode_[d]->Submit(p.request)) pending_.erase(it);
}

void DisaggregatedCluster::OnDecodeDone([[maybe_unused]] int replica,
                                        const DecodeCompletion& done) {
  const auto it = pending_.find(done.id);
  assert(it != pending_.end() && it->second.record.decode_replica == replica);
  Pending& p = it->second;
  p.record.decode_admitted_s = done.admitted_s;
  p.record.record.completion_s = done.completion_s;
  metrics_.decode_queueing_s.Add(p.record.decode_queueing_s());
  Finish(p);
  pending_.erase(it);
}

void DisaggregatedCluster::Finish(Pending& p) {
  DisaggregatedMetrics& m = metrics_;
  const RequestRecord& record = p.record.record;
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
  if (config_.keep_records) records_.push_back(p.record);
}

int DisaggregatedCluster::gpus() const {
  const Parallelism& a = config_.prefill_par;
  const Parallelism& b = config_.decode_par;
  return prefill_count() * a.tp * a.pp + decode_count() * b.tp * b.pp;
}

uint64_t DisaggregatedCluster::rejected() const {
  uint64_t n = 0;
  for (const auto& r : prefill_) n += r->metrics().rejected;
  for (const auto& r : decode_) n += r->metrics().rejected;
  return n;
}

uint64_t DisaggregatedCluster::preemptions() const {
  uint64_t n = 0;
  for (const auto& r : prefill_) n += r->metrics().preemptions;
  return n;
}

double DisaggregatedCluster::BusyGpuSeconds() const {
  double prefill = 0, decode = 0;
  for (const auto& r : prefill_) prefill += r->metrics().busy_s;
  for (const auto& r : decode_) decode += r->metrics().busy_s;
  const Parallelism& a = config_.prefill_par;
  const Parallelism& b = config_.decode_par;
  return prefill * a.tp * a.pp + decode * b.tp * b.pp;
}

double DisaggregatedCluster::MeanKvUtilization() const {
  double sum = 0;
  for (const auto& r : prefill_) sum += r->metrics().kv_utilization.Mean(sim_.Now());
  for (const auto& r : decode_) sum += r->metrics().kv_utilization.Mean(sim_.Now());
  return sum / static_cast<double>(prefill_.size() + decode_.size());
}

double DisaggregatedCluster::Makespan() const {
  return metrics_.completed > 0 ? metrics_.last_completion_s - metrics_.first_arrival_s : 0;
}

double DisaggregatedCluster::GoodputFraction() const {
  return Ratio(static_cast<double>(metrics_.good),
               static_cast<double>(metrics_.completed + rejected()));
}

std::vector<SummaryMetric> DisaggregatedCluster::Summary(std::string_view prefix) const {
  const DisaggregatedMetrics& m = metrics_;
  SummaryBuilder s(prefix);
  const double makespan = Makespan();
  s.Add("replicas", prefill_count() + decode_count(), "1", "serving replicas (both pools)");
  s.Add("prefill_replicas", prefill_count(), "1", "prefill replicas");
  s.Add("decode_replicas", decode_count(), "1", "decode replicas");
  s.Add("gpus", gpus(), "GPU", "serving GPUs (both pools, replicas x tp x pp)");
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
  s.Add("queueing_p50_s", m.queueing_s.Quantile(0.5), "s", "prefill queueing delay p50");
  s.Add("queueing_p95_s", m.queueing_s.Quantile(0.95), "s", "prefill queueing delay p95");
  s.Add("queueing_p99_s", m.queueing_s.Quantile(0.99), "s", "prefill queueing delay p99");
  s.Add("kv_transfer_p50_s", m.transfer_s.Quantile(0.5), "s", "KV transfer time p50");
  s.Add("kv_transfer_p95_s", m.transfer_s.Quantile(0.95), "s", "KV transfer time p95");
  s.Add("kv_transfer_p99_s", m.transfer_s.Quantile(0.99), "s", "KV transfer time p99");
  s.Add("kv_transfer_wait_p99_s", m.transfer_wait_s.Quantile(0.99), "s",
        "wait for the prefill replica's NICs before a KV transfer p99");
  s.Add("decode_queueing_p99_s", m.decode_queueing_s.Quantile(0.99), "s",
        "KV arrival to decode admission p99");
  s.Add("kv_transfers", static_cast<double>(m.transferred), "1", "KV transfers finished");
  s.Add("kv_transfer_bytes", m.kv_bytes, "B", "KV bytes moved prefill -> decode");
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
        "mean KV-cache utilisation over replicas of both pools and time");
  const auto [plo, phi] = MinMax(m.routed_prefill);
  const auto [dlo, dhi] = MinMax(m.routed_decode);
  s.Add("routed_prefill_min", static_cast<double>(plo), "1",
        "fewest requests routed to a prefill replica");
  s.Add("routed_prefill_max", static_cast<double>(phi), "1",
        "most requests routed to a prefill replica");
  s.Add("routed_decode_min", static_cast<double>(dlo), "1",
        "fewest requests routed to a decode replica");
  s.Add("routed_decode_max", static_cast<double>(dhi), "1",
        "most requests routed to a decode replica");
  return s.Take();
}

Table DisaggregatedCluster::RequestsTable() const {
  struct Spec {
    const char* name;
    const char* units;
    const char* long_name;
  };
  static constexpr Spec kColumns[] = {
      {"id", "1", "request id"},
      {"prefill_replica", "1", "prefill replica index"},
      {"decode_replica", "1", "decode replica index (-1: none)"},
      {"arrival_s", "s", "arrival time"},
      {"ttft_s", "s", "time to first token"},
      {"tpot_s", "s", "time per output token"},
      {"e2e_s", "s", "end-to-end latency"},
      {"queueing_s", "s", "prefill queueing delay"},
      {"kv_transfer_s", "s", "KV transfer time"},
      {"kv_transfer_wait_s", "s", "wait for the prefill replica's NICs"},
      {"decode_queueing_s", "s", "KV arrival to decode admission"},
      {"kv_bytes", "B", "KV bytes moved"},
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
  for (const DisaggregatedRecord& dr : records_) {
    const RequestRecord& r = dr.record;
    const bool decoded = dr.decode_replica >= 0;
    const double row[] = {static_cast<double>(r.id),
                          static_cast<double>(dr.prefill_replica),
                          static_cast<double>(dr.decode_replica),
                          r.arrival_s,
                          r.ttft_s(),
                          r.tpot_s(),
                          r.e2e_s(),
                          r.queueing_s(),
                          decoded ? dr.transfer_s() : 0,
                          decoded ? dr.transfer_wait_s() : 0,
                          decoded ? dr.decode_queueing_s() : 0,
                          dr.kv_bytes,
                          static_cast<double>(r.input_tokens),
                          static_cast<double>(r.output_tokens),
                          static_cast<double>(r.preemptions),
                          static_cast<double>(r.prefix_hit_tokens)};
    for (size_t i = 0; i < table.numeric.size(); ++i) table.numeric[i].values.push_back(row[i]);
  }
  return table;
}

}  // namespace capsim::models
