#ifndef CAPSIM_MODELS_LLM_STAGE_H_
#define CAPSIM_MODELS_LLM_STAGE_H_

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "models/catalog.h"
#include "models/level_buckets.h"
#include "models/parallelism.h"
#include "models/perf_model.h"
#include "models/scenario.h"
#include "sim/status.h"

namespace capsim::models {

// The dialogue LLM of the avatar pipeline: replicas that continuously batch up to max_seqs
// replies, advanced analytically per reply rather than per iteration (an avatar fleet makes
// thousands of short replies a second). A reply started on a replica already decoding k others
// waits for the running iteration to end (wait_fraction x its priced time), prefills its new
// tokens in one iteration mixed with the k decodes, then decodes at the priced time of a k + 1
// decode batch: ttft = wait + T_mixed(k, new, context); first chunk after first_chunk_tokens,
// done after reply_tokens. Iteration times come from MixedBatchOps priced by the performance
// model (x pp), cached by (batch, context rounded up to 256 tokens, new tokens up to 32). A
// reply holds its context plus its tokens in the replica's KV cache until it is done; sessions
// between turns hold none (their prefix is assumed cached, or recomputed for free: optimistic).
//
//   Result<LlmStagePool> llm = LlmStagePool::Create(model, perf, spec.replica->llm);
//   if (auto r = llm.value().TryStart(200, 2500, 0.5)) { ... llm.value().Finish(r->replica); }
class LlmStagePool {
 public:
  // Errors: parallelism the model does not split into, replicas or max_seqs < 1.
  static Result<LlmStagePool> Create(const ModelSpec& model, const PerfModel& perf,
                                     const AvatarLlmSpec& spec);

  struct Reply {
    int replica = -1;
    double ttft_s = 0;         // to the first token
    double first_chunk_s = 0;  // to first_chunk_tokens tokens (what TTS needs to start)
    double done_s = 0;         // to the last token (the replica's slot is held until then)
    int64_t kv_tokens = 0;     // KV-cache tokens the reply holds on its replica until done
  };
  // Starts a reply of `new_tokens` prompt tokens over a context of `context` tokens (cached +
  // new) on the replica with the fewest replies and room; nullopt when all are full, or when
  // that replica's KV cache cannot hold the context plus the reply.
  std::optional<Reply> TryStart(int64_t new_tokens, int64_t context, double wait_fraction);
  // The reply on `replica` holding `kv_tokens` has finished.
  void Finish(int replica, int64_t kv_tokens);
  // KV-cache tokens one replica holds (KvCapacityBlocks x block size).
  int64_t kv_capacity_tokens() const { return kv_capacity_; }

  int replicas() const { return spec_.replicas; }
  int gpus_per_replica() const { return par_.tp * par_.pp; }
  int capacity() const { return spec_.replicas * spec_.max_seqs; }
  int active() const { return active_; }
  // Priced seconds of one iteration: `decodes` decodes at `context` plus one prefill chunk of
  // `new_tokens` (0 = none) over `context` tokens.
  double IterationTime(int64_t decodes, int64_t new_tokens, int64_t context);

 private:
  LlmStagePool(const ModelSpec& model, const PerfModel& perf, const AvatarLlmSpec& spec);

  const ModelSpec* model_;
  const PerfModel* perf_;
  AvatarLlmSpec spec_;
  Parallelism par_;
  LevelBuckets load_;
  int active_ = 0;
  int64_t kv_capacity_ = 0;
  std::vector<int64_t> kv_used_;  // per replica
  std::unordered_map<uint64_t, double> cache_;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_LLM_STAGE_H_
