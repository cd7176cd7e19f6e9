#include "models/llm_stage.h"

#include <algorithm>
#include <string>
#include <vector>

#include "models/kv_cache.h"
#include "models/llm_replica.h"
#include "models/transformer_ops.h"

namespace capsim::models {

namespace {
constexpr int64_t kContextStep = 256;
constexpr int64_t kNewStep = 32;
int64_t RoundUp(int64_t v, int64_t step) { return (std::max<int64_t>(v, 1) + step - 1) / step * step; }
}  // namespace

LlmStagePool::LlmStagePool(const ModelSpec& model, const PerfModel& perf, const AvatarLlmSpec& spec)
    : model_(&model), perf_(&perf), spec_(spec), load_(spec.max_seqs) {
  par_.tp = spec.tp;
  par_.scale_up_domain = std::max(spec.tp, perf.gpu().scale_up_domain);
  for (int r = 0; r < spec.replicas; ++r) load_.Insert(r, 0);
  const KvCacheConfig kv;
  kv_capacity_ = KvCapacityBlocks(model, par_, perf.gpu(), kv) * kv.block_tokens;
  kv_used_.assign(static_cast<size_t>(spec.replicas), 0);
}

Result<LlmStagePool> LlmStagePool::Create(const ModelSpec& model, const PerfModel& perf,
                                          const AvatarLlmSpec& spec) {
  if (spec.replicas < 1 || spec.max_seqs < 1 || spec.tp < 1) {
    return Status::Error("avatar LLM: replicas, tp and max_seqs must be >= 1");
  }
  Parallelism par;
  par.tp = spec.tp;
  if (Status s = CheckParallelism(model, par); !s.ok()) return s;
  if (KvCapacityBlocks(model, par, perf.gpu(), KvCacheConfig{}) <= 0) {
    return Status::Error("avatar LLM: " + model.name + " does not fit " + std::to_string(spec.tp) +
                         " x " + perf.gpu().name + " with room for a KV cache");
  }
  return LlmStagePool(model, perf, spec);
}

double LlmStagePool::IterationTime(int64_t decodes, int64_t new_tokens, int64_t context) {
  const int64_t ctx = RoundUp(context, kContextStep);
  const int64_t fresh = new_tokens > 0 ? RoundUp(new_tokens, kNewStep) : 0;
  const uint64_t key = (static_cast<uint64_t>(decodes) << 48) |
                       (static_cast<uint64_t>(fresh / kNewStep) << 24) |
                       static_cast<uint64_t>(ctx / kContextStep);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  std::vector<PrefillChunk> chunks;
  if (fresh > 0) chunks.push_back({fresh, std::max(ctx, fresh)});
  const int64_t sampling = decodes + (fresh > 0 ? 1 : 0);
  const double t =
      perf_->StepTime(MixedBatchOps(*model_, par_, chunks, decodes, ctx, sampling)) * par_.pp;
  cache_.emplace(key, t);
  return t;
}

std::optional<LlmStagePool::Reply> LlmStagePool::TryStart(int64_t new_tokens, int64_t context,
                                                          double wait_fraction) {
  const int r = load_.LowestBelow(spec_.max_seqs);
  if (r < 0) return std::nullopt;
  const int64_t kv_tokens = context + spec_.reply_tokens;
  if (kv_used_[r] + kv_tokens > kv_capacity_) return std::nullopt;
  kv_used_[r] += kv_tokens;
  const int k = load_.level(r);
  load_.SetLevel(r, k + 1);
  ++active_;
  Reply reply;
  reply.replica = r;
  reply.kv_tokens = kv_tokens;
  const double wait = k > 0 ? wait_fraction * IterationTime(k, 0, context) : 0;
  reply.ttft_s = wait + IterationTime(k, std::max<int64_t>(new_tokens, 1), context);
  const double step = IterationTime(k + 1, 0, context + spec_.reply_tokens / 2);
  reply.first_chunk_s = reply.ttft_s + (spec_.first_chunk_tokens - 1) * step;
  reply.done_s = reply.ttft_s + (spec_.reply_tokens - 1) * step;
  return reply;
}

void LlmStagePool::Finish(int replica, int64_t kv_tokens) {
  kv_used_[replica] -= kv_tokens;
  load_.SetLevel(replica, load_.level(replica) - 1);
  --active_;
}

}  // namespace capsim::models
