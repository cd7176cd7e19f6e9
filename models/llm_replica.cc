#include "models/llm_replica.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string_view>
#include <utility>

#include "models/transformer_ops.h"

namespace capsim::models {
namespace {

bool IsHeadOp(std::string_view name) {
  return name == "final_norm" || name == "lm_head" || name == "tp.logits_allgather";
}

}  // namespace

std::vector<Operation> MixedBatchOps(const ModelSpec& model, const Parallelism& par,
                                     const std::vector<PrefillChunk>& chunks, int64_t decodes,
                                     int64_t decode_context, int64_t sampling_rows) {
  int64_t tokens = decodes;
  for (const PrefillChunk& c : chunks) tokens += c.q_len;
  assert(tokens > 0);
  // Every token as a one-token sequence: the token-linear ops of the whole iteration.
  std::vector<Operation> base = DecodeOps(model, par, tokens, 1);
  std::vector<Operation> ops;
  ops.reserve(base.size() + chunks.size() + 4);
  for (Operation& op : base) {
    if (IsHeadOp(op.name)) continue;
    if (op.name != "layer.attn.core") {
      ops.push_back(std::move(op));
      continue;
    }
    for (const PrefillChunk& c : chunks) {
      Operation a = AttentionPrefill("layer.attn.core", 1, op.heads, op.kv_heads, op.head_dim,
                                     c.q_len, c.kv_len, op.dtype);
      a.repeat = op.repeat;
      ops.push_back(std::move(a));
    }
    if (decodes > 0) {
      Operation a = AttentionDecode("layer.attn.core", decodes, op.heads, op.kv_heads, op.head_dim,
                                    std::max<int64_t>(1, decode_context), op.dtype);
      a.repeat = op.repeat;
      ops.push_back(std::move(a));
    }
  }
  if (sampling_rows > 0) {
    for (Operation& op : DecodeOps(model, par, sampling_rows, 1)) {
      if (IsHeadOp(op.name)) ops.push_back(std::move(op));
    }
  }
  return ops;
}

LlmReplica::LlmReplica(sim::Simulator& sim, const ModelSpec& model, Parallelism par,
                       const PerfModel& perf, ReplicaConfig config)
    : sim_(sim),
      model_(model),
      par_(par),
      perf_(perf),
      config_(config),
      kv_bytes_per_token_(KvBytesPerTokenPerGpu(model, par)),
      kv_(config.kv_blocks_override > 0 ? config.kv_blocks_override
                                        : KvCapacityBlocks(model, par, perf.gpu(), config.kv),
          config.kv) {
  metrics_.kv_utilization = sim::TimeWeighted(sim.Now(), 0);
  assert(CheckParallelism(model, par).ok());
  assert(config_.max_num_batched_tokens > 0 && config_.max_num_seqs > 0);
}

double LlmReplica::IterationTime(const std::vector<PrefillChunk>& chunks, int64_t decodes,
                                 int64_t decode_context) const {
  if (chunks.empty() && decodes > 0) {
    if (static_cast<int64_t>(decode_base_s_.size()) <= decodes) {
      decode_base_s_.resize(decodes + 1, std::nan(""));
    }
    double& base = decode_base_s_[decodes];
    if (std::isnan(base)) {
      base = 0;
      for (const Operation& op : MixedBatchOps(model_, par_, {}, decodes, 1, decodes)) {
        if (op.op_class == OpClass::kAttentionDecode) {
          decode_attention_ = op;
        } else {
          base += perf_.Price(op).time_s * op.repeat;
        }
      }
    }
    const Operation& a = decode_attention_;  // per-GPU heads do not depend on the batch
    const Operation attention =
        AttentionDecode("attn.decode", decodes, a.heads, a.kv_heads, a.head_dim,
                        std::max<int64_t>(1, decode_context), a.dtype);  // short name: no heap
    return (base + perf_.Price(attention).time_s * a.repeat) * par_.pp;
  }
  int64_t sampling = decodes;
  for (const PrefillChunk& c : chunks) sampling += c.q_len == c.kv_len ? 1 : 0;
  return perf_.StepTime(MixedBatchOps(model_, par_, chunks, decodes, decode_context, sampling)) *
         par_.pp;
}

int32_t LlmReplica::NewSlot() {
  if (!free_slots_.empty()) {
    const int32_t s = free_slots_.back();
    free_slots_.pop_back();
    return s;
  }
  seqs_.emplace_back();
  return static_cast<int32_t>(seqs_.size() - 1);
}

void LlmReplica::Submit(const Request& request) {
  assert(request.input_tokens > 0 && request.output_tokens >= 1);
  ++metrics_.submitted;
  if (kv_.BlocksForTokens(request.input_tokens + request.output_tokens - 1) > kv_.total_blocks()) {
    ++metrics_.rejected;
    return;
  }
  const int32_t slot = NewSlot();
  Seq& s = seqs_[slot];
  s = Seq{};
  s.request = request;
  s.order = next_order_++;
  s.known = request.input_tokens;
  s.arrival_s = sim_.Now().seconds();
  waiting_.push_back(slot);
  Kick();
}

void LlmReplica::Kick() {
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

int64_t LlmReplica::Outstanding() const {
  int64_t total = 0;
  auto add = [&](int32_t slot) {
    const Seq& s = seqs_[slot];
    total += std::max<int64_t>(0, s.request.input_tokens - s.computed) +
             (s.request.output_tokens - s.generated);
  };
  for (int32_t slot : waiting_) add(slot);
  for (int32_t slot : swapped_) add(slot);
  for (int32_t slot : running_) add(slot);
  return total;
}

void LlmReplica::InsertRunning(int32_t slot) {
  const uint64_t order = seqs_[slot].order;
  auto it = std::upper_bound(running_.begin(), running_.end(), order,
                             [&](uint64_t o, int32_t x) { return o < seqs_[x].order; });
  running_.insert(it, slot);
}

void LlmReplica::Preempt(int32_t slot) {
  Seq& s = seqs_[slot];
  running_.erase(std::find(running_.begin(), running_.end(), slot));
  ++s.preemptions;
  ++metrics_.preemptions;
  preempted_this_iteration_ = true;
  kv_.Free(&s.kv, s.request.prefix_blocks);
  if (config_.preemption == PreemptionMode::kSwap) {
    transfer_s_ += static_cast<double>(s.computed) * kv_bytes_per_token_ / config_.swap_bytes_per_s;
    metrics_.swapped_out_tokens += s.computed;
    swapped_.push_front(slot);
  } else {
    s.computed = 0;
    waiting_.push_front(slot);
  }
}

bool LlmReplica::GrowRunning(int32_t slot, int64_t q) {
  Seq& s = seqs_[slot];
  while (!kv_.Reserve(&s.kv, s.computed + q)) {
    const int32_t victim = running_.back();
    Preempt(victim);
    if (victim == slot) return false;
  }
  return true;
}

bool LlmReplica::AdmitSwapped(int64_t* budget, double* transfer_s) {
  while (*budget > 0 && !swapped_.empty() &&
         static_cast<int64_t>(running_.size()) < config_.max_num_seqs) {
    const int32_t slot = swapped_.front();
    Seq& s = seqs_[slot];
    const int64_t rem = s.known - s.computed;
    const int64_t q = config_.chunked_prefill ? std::min(rem, *budget) : rem;
    if (q > *budget) return false;
    if (!kv_.Reserve(&s.kv, s.computed + q)) return false;
    *transfer_s += static_cast<double>(s.computed) * kv_bytes_per_token_ / config_.swap_bytes_per_s;
    metrics_.swapped_in_tokens += s.computed;
    swapped_.pop_front();
    InsertRunning(slot);
    s.scheduled = q;
    *budget -= q;
    in_flight_.push_back(slot);
  }
  return swapped_.empty();
}

bool LlmReplica::AdmitWaiting(int64_t* budget, bool* prefill_seen) {
  const int64_t pbt = kv_.prefix_block_tokens();
  while (*budget > 0 && !waiting_.empty() &&
         static_cast<int64_t>(running_.size()) < config_.max_num_seqs) {
    const int32_t slot = waiting_.front();
    Seq& s = seqs_[slot];
    assert(s.computed == 0 && s.kv.prefix_refs == 0 && s.kv.private_blocks == 0);
    int64_t hit = 0;
    if (config_.prefix_caching && !s.request.prefix_blocks.empty()) {
      const int64_t max_entries = std::min(s.known - 1, s.request.input_tokens) / pbt;
      hit = kv_.AcquirePrefix(&s.kv, s.request.prefix_blocks, max_entries) * pbt;
    }
    const int64_t rem = s.known - hit;
    const int64_t q = config_.chunked_prefill ? std::min(rem, *budget) : rem;
    const bool oversized_alone = q > config_.max_num_batched_tokens && !*prefill_seen;
    if ((q > *budget && !oversized_alone) || !kv_.Reserve(&s.kv, hit + q)) {
      kv_.Free(&s.kv, s.request.prefix_blocks);
      return false;
    }
    s.computed = hit;
    s.prefix_hit_tokens += hit;
    metrics_.prefix_hit_tokens += hit;
    if (s.first_scheduled_s < 0) s.first_scheduled_s = sim_.Now().seconds();
    waiting_.pop_front();
    InsertRunning(slot);
    s.scheduled = q;
    *budget -= std::min(q, *budget);
    *prefill_seen = true;
    in_flight_.push_back(slot);
  }
  return true;
}

void LlmReplica::StartIteration() {
  in_flight_.clear();
  chunks_.clear();
  transfer_s_ = 0;
  preempted_this_iteration_ = false;
  int64_t budget = config_.max_num_batched_tokens;
  bool prefill_seen = false;
  for (size_t i = 0; i < running_.size() && budget > 0; ++i) {
    const int32_t slot = running_[i];
    Seq& s = seqs_[slot];
    const int64_t rem = s.known - s.computed;
    const int64_t q = config_.chunked_prefill ? std::min(rem, budget) : rem;
    if (q > budget) continue;  // only without chunking, and never for a decode
    if (!GrowRunning(slot, q)) {
      --i;  // running_[i] is gone
      continue;
    }
    s.scheduled = q;
    budget -= q;
    if (rem > 1 || s.generated == 0) prefill_seen = true;
    in_flight_.push_back(slot);
  }
  double swap_in_s = 0;
  // After a preemption nothing new is admitted (vLLM), unless the iteration would be empty.
  if ((!preempted_this_iteration_ || in_flight_.empty()) && AdmitSwapped(&budget, &swap_in_s)) {
    AdmitWaiting(&budget, &prefill_seen);
  }
  if (in_flight_.empty()) {
    busy_ = false;
    return;
  }
  int64_t decodes = 0, context_sum = 0;
  for (int32_t slot : in_flight_) {
    const Seq& s = seqs_[slot];
    if (s.scheduled == 1 && s.generated > 0 && s.computed + 1 == s.known) {
      ++decodes;
      context_sum += s.computed + 1;
    } else {
      chunks_.push_back({s.scheduled, s.computed + s.scheduled});
      metrics_.prefill_tokens += s.scheduled;
    }
  }
  const int64_t context = decodes > 0 ? (context_sum + decodes / 2) / decodes : 0;  // rounded mean
  const double t = IterationTime(chunks_, decodes, context) + transfer_s_ + swap_in_s;
  const sim::Duration d = sim::Duration::Seconds(t);
  metrics_.busy_s += d.seconds();
  ++metrics_.iterations;
  metrics_.kv_utilization.Set(sim_.Now(), kv_.Utilization());
  busy_ = true;
  sim_.ScheduleAfter(d, [this] { FinishIteration(); });
}

void LlmReplica::FinishIteration() {
  const double now = sim_.Now().seconds();
  const int64_t pbt = kv_.prefix_block_tokens();
  scratch_.clear();
  for (int32_t slot : in_flight_) {
    Seq& s = seqs_[slot];
    s.computed += s.scheduled;
    s.scheduled = 0;
    if (config_.prefix_caching && !s.request.prefix_blocks.empty()) {
      const int64_t entries =
          std::min<int64_t>(static_cast<int64_t>(s.request.prefix_blocks.size()),
                            std::min(s.computed, s.request.input_tokens) / pbt);
      if (entries > s.kv.prefix_refs) kv_.Publish(&s.kv, s.request.prefix_blocks, entries);
    }
    if (s.computed < s.known) continue;
    ++s.generated;
    ++s.known;
    ++metrics_.output_tokens;
    if (s.generated == 1) {
      s.first_token_s = now;
    } else {
      metrics_.itl_s.Add(now - s.last_token_s);
    }
    s.last_token_s = now;
    if (s.generated == s.request.output_tokens) scratch_.push_back(slot);
  }
  for (int32_t slot : scratch_) Complete(slot);
  metrics_.kv_utilization.Set(sim_.Now(), kv_.Utilization());
  busy_ = false;
  if (!running_.empty() || !waiting_.empty() || !swapped_.empty()) StartIteration();
}

void LlmReplica::Complete(int32_t slot) {
  Seq& s = seqs_[slot];
  running_.erase(std::find(running_.begin(), running_.end(), slot));
  kv_.Free(&s.kv, s.request.prefix_blocks);
  RequestRecord r;
  r.id = s.request.id;
  r.input_tokens = s.request.input_tokens;
  r.output_tokens = s.request.output_tokens;
  r.arrival_s = s.arrival_s;
  r.first_scheduled_s = s.first_scheduled_s;
  r.first_token_s = s.first_token_s;
  r.completion_s = s.last_token_s;
  r.prefix_hit_tokens = s.prefix_hit_tokens;
  r.preemptions = s.preemptions;
  ++metrics_.completed;
  metrics_.input_tokens += r.input_tokens;
  metrics_.ttft_s.Add(r.ttft_s());
  metrics_.e2e_s.Add(r.e2e_s());
  metrics_.queueing_s.Add(r.queueing_s());
  if (r.output_tokens > 1) metrics_.tpot_s.Add(r.tpot_s());
  s.request.prefix_blocks.clear();
  free_slots_.push_back(slot);
  if (on_complete_) on_complete_(r);  // last: it may Submit, which may grow seqs_
}

}  // namespace capsim::models
