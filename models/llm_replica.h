#ifndef CAPSIM_MODELS_LLM_REPLICA_H_
#define CAPSIM_MODELS_LLM_REPLICA_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <utility>
#include <vector>

#include "models/catalog.h"
#include "models/kv_cache.h"
#include "models/operation.h"
#include "models/parallelism.h"
#include "models/perf_model.h"
#include "models/request.h"
#include "sim/simulator.h"
#include "sim/statistics.h"

namespace capsim::models {

// What a sequence that is preempted for lack of KV blocks does.
enum class PreemptionMode {
  kRecompute,  // drop its KV; it waits again and re-prefills prompt + generated tokens
  kSwap,       // move its KV to host memory over PCIe and back when readmitted
};

// The serving engine's knobs (vLLM names where there is one).
struct ReplicaConfig {
  int64_t max_num_batched_tokens = 8192;  // tokens per iteration (prefill chunks + decodes)
  int64_t max_num_seqs = 256;             // running sequences at most
  bool chunked_prefill = true;            // off: an iteration holds only whole prompts
  bool prefix_caching = true;             // reuse cached KV of shared prompt prefix blocks
  PreemptionMode preemption = PreemptionMode::kRecompute;
  double swap_bytes_per_s = 55e9;  // host <-> GPU, per GPU (PCIe Gen5 x16, hardware.md §2.5)
  KvCacheConfig kv;                // block sizes and the memory left for KV
  int64_t kv_blocks_override = 0;  // > 0: the cache has this many blocks (tests, what-ifs)
};

// Per-request outcome, handed to the completion callback.
struct RequestRecord {
  uint64_t id = 0;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;
  double arrival_s = 0;           // simulated time of Submit
  double first_scheduled_s = 0;   // first iteration that computed any of its tokens
  double first_token_s = 0;       // end of the iteration that produced its first output token
  double completion_s = 0;        // end of the iteration that produced its last output token
  int64_t prefix_hit_tokens = 0;  // prompt tokens served from the prefix cache (first admission)
  int preemptions = 0;
  double ttft_s() const { return first_token_s - arrival_s; }
  double e2e_s() const { return completion_s - arrival_s; }
  double queueing_s() const { return first_scheduled_s - arrival_s; }
  // (e2e - TTFT) / (output - 1); 0 for one output token.
  double tpot_s() const {
    return output_tokens > 1 ? (e2e_s() - ttft_s()) / static_cast<double>(output_tokens - 1) : 0;
  }
};

// Replica-level measurements.
struct ReplicaMetrics {
  sim::QuantileSketch ttft_s, tpot_s, e2e_s, queueing_s;
  sim::QuantileSketch itl_s;         // time between consecutive output tokens of a request
  sim::TimeWeighted kv_utilization;  // KvCache::Utilization over time
  uint64_t submitted = 0, completed = 0, rejected = 0;  // rejected: can never fit the cache
  uint64_t preemptions = 0, iterations = 0;
  int64_t input_tokens = 0;    // prompt tokens of completed requests
  int64_t output_tokens = 0;   // output tokens produced
  int64_t prefill_tokens = 0;  // prompt (and re-prefill) tokens computed, prefix hits excluded
  int64_t prefix_hit_tokens = 0;
  int64_t swapped_out_tokens = 0, swapped_in_tokens = 0;
  double busy_s = 0;  // sum of iteration times
};

// One prefill chunk of an iteration: `q_len` new tokens of a sequence that will hold `kv_len`.
struct PrefillChunk {
  int64_t q_len = 0;
  int64_t kv_len = 0;
};

// One GPU's operations for one iteration mixing `chunks` and `decodes` single-token decodes of
// average context `decode_context` (their own token included): the GEMMs, norms, MoE and TP
// collectives of DecodeOps over all tokens of the iteration, attention priced per group (one
// AttentionPrefill per chunk, one AttentionDecode over the decodes) and the LM head over the
// sequences that sample (`sampling_rows`). A lone chunk (q == kv) gives PrefillOps(1, q) and a
// lone decode DecodeOps(1, context), up to the order of the ops. Requires CheckParallelism ok
// and at least one token.
std::vector<Operation> MixedBatchOps(const ModelSpec& model, const Parallelism& par,
                                     const std::vector<PrefillChunk>& chunks, int64_t decodes,
                                     int64_t decode_context, int64_t sampling_rows);

// One model replica on tp x pp GPUs serving requests with continuous batching, vLLM style.
//
// Each iteration (one simulator event at its end) the scheduler takes the running sequences
// first, in arrival order: a decoding sequence gets one token, a partly prefilled one the rest
// of its prompt (cut to the remaining token budget when chunking is on). A running sequence
// whose KV cannot grow preempts the latest-arrived running sequence (itself when it is the
// latest): recompute frees its blocks and puts it at the head of the waiting queue; swap copies
// its KV to host memory (time: tokens x KvBytesPerTokenPerGpu / swap_bytes_per_s, added to the
// iteration) and it is swapped back in before any waiting request is admitted. When nothing was
// preempted, swapped then waiting sequences are admitted in order while the token budget,
// max_num_seqs and KV blocks allow; a waiting request first references its leading cached
// prefix entries (never its whole prompt: at least one token is computed). Without chunking a
// prompt is admitted only whole (a prompt over the budget only as the iteration's first prefill).
// The iteration lasts PerfModel::StepTime(MixedBatchOps) x pp (one batch in flight in the
// pipeline) plus swap transfers, rounded to the nanosecond (decodes are priced at the rounded
// mean of their contexts); at its end each sequence whose
// tokens are all computed emits one token. Requests whose prompt + output cannot fit the
// whole cache are rejected at Submit. Host memory for swapping is unbounded.
//
//   LlmReplica replica(sim, model, {.tp = 1}, perf, ReplicaConfig{});
//   sim.Schedule(t, [&] { replica.Submit(request); });
//   sim.RunUntil(end);
//   replica.metrics().ttft_s.Quantile(0.99);
class LlmReplica {
 public:
  // A replica of `model` (architecture filled, CheckParallelism(model, par) ok) priced by
  // `perf`; `sim`, `model` and `perf` must outlive it.
  LlmReplica(sim::Simulator& sim, const ModelSpec& model, Parallelism par, const PerfModel& perf,
             ReplicaConfig config);
  LlmReplica(const LlmReplica&) = delete;
  LlmReplica& operator=(const LlmReplica&) = delete;

  // Queues `request` at Now(); the next iteration starts after the other events of this instant.
  void Submit(const Request& request);
  // Calls `callback` with each completed request's record.
  void set_on_complete(std::function<void(const RequestRecord&)> callback) {
    on_complete_ = std::move(callback);
  }

  // Tokens still to process: remaining prefill plus remaining output tokens of every waiting,
  // swapped and running request.
  int64_t Outstanding() const;
  // Requests waiting (never admitted or preempted), swapped out, and running.
  int64_t waiting() const { return static_cast<int64_t>(waiting_.size()); }
  int64_t swapped() const { return static_cast<int64_t>(swapped_.size()); }
  int64_t running() const { return static_cast<int64_t>(running_.size()); }

  const ReplicaMetrics& metrics() const { return metrics_; }
  const KvCache& kv_cache() const { return kv_; }
  // The priced time of one iteration of `chunks` and `decodes` (see MixedBatchOps) x pp,
  // seconds; decode-only iterations reuse the cached price of their context-independent ops.
  double IterationTime(const std::vector<PrefillChunk>& chunks, int64_t decodes,
                       int64_t decode_context) const;

 private:
  struct Seq {
    Request request;
    uint64_t order = 0;     // arrival order
    int64_t known = 0;      // prompt + generated tokens
    int64_t computed = 0;   // tokens whose KV is in the cache
    int64_t generated = 0;  // output tokens emitted
    int64_t scheduled = 0;  // tokens computed in the iteration in flight
    KvSequence kv;
    double arrival_s = 0, first_scheduled_s = -1, first_token_s = 0, last_token_s = 0;
    int64_t prefix_hit_tokens = 0;
    int preemptions = 0;
    bool admitted_once = false;
  };

  void Kick();
  void StartIteration();
  void FinishIteration();
  // Tries to give running sequence `slot` `q` more tokens, preempting later arrivals; false
  // when `slot` itself was preempted.
  bool GrowRunning(int32_t slot, int64_t q);
  void Preempt(int32_t slot);
  bool AdmitSwapped(int64_t* budget, double* transfer_s);
  bool AdmitWaiting(int64_t* budget, bool* prefill_seen);
  void InsertRunning(int32_t slot);
  void Complete(int32_t slot);
  int32_t NewSlot();

  sim::Simulator& sim_;
  const ModelSpec& model_;
  Parallelism par_;
  const PerfModel& perf_;
  ReplicaConfig config_;
  double kv_bytes_per_token_ = 0;
  KvCache kv_;
  ReplicaMetrics metrics_;
  std::function<void(const RequestRecord&)> on_complete_;

  std::vector<Seq> seqs_;  // slots, reused
  std::vector<int32_t> free_slots_;
  std::deque<int32_t> waiting_;
  std::deque<int32_t> swapped_;
  std::vector<int32_t> running_;    // sorted by arrival order
  std::vector<int32_t> in_flight_;  // sequences of the iteration in flight
  std::vector<PrefillChunk> chunks_;
  std::vector<int32_t> scratch_;
  // Decode-only iterations by batch: the summed time of every op but decode attention (NaN
  // until priced), and that attention op (its shape per GPU and repeat).
  mutable std::vector<double> decode_base_s_;
  mutable Operation decode_attention_;
  uint64_t next_order_ = 0;
  bool busy_ = false;    // an iteration is in flight
  bool kicked_ = false;  // a start event is pending
  bool preempted_this_iteration_ = false;
  double transfer_s_ = 0;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_LLM_REPLICA_H_
