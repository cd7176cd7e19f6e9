#ifndef CAPSIM_MODELS_DISAGGREGATED_CLUSTER_H_
#define CAPSIM_MODELS_DISAGGREGATED_CLUSTER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "models/catalog.h"
#include "models/kv_cache.h"
#include "models/llm_replica.h"
#include "models/parallelism.h"
#include "models/perf_model.h"
#include "models/request.h"
#include "models/request_source.h"
#include "models/result.h"
#include "models/serving_workload.h"
#include "sim/simulator.h"
#include "sim/statistics.h"

namespace capsim::models {

// What a DecodeOnlyReplica reports when a sequence finishes.
struct DecodeCompletion {
  uint64_t id = 0;
  double arrival_s = 0;     // Submit: the prompt's KV has arrived
  double admitted_s = 0;    // start of its first decode iteration
  double completion_s = 0;  // end of the iteration that produced its last output token
};

// Decode-replica measurements.
struct DecodeReplicaMetrics {
  sim::QuantileSketch itl_s;         // time between consecutive output tokens of a request
  sim::TimeWeighted kv_utilization;  // KvCache::Utilization over time
  uint64_t submitted = 0, completed = 0, rejected = 0;  // rejected: can never fit the cache
  uint64_t iterations = 0;
  int64_t output_tokens = 0;  // output tokens produced here (the first token is not)
  double busy_s = 0;          // sum of iteration times
};

// The decode instance of a disaggregated deployment: a replica on tp x pp GPUs that receives
// sequences whose prompt KV and first output token already exist (computed by a prefill
// instance) and generates the rest with continuous batching.
//
// Each iteration (one simulator event at its end) every running sequence decodes one token; it
// lasts LlmReplica::IterationTime({}, decodes, rounded mean context) (the price of the same
// decode-only iteration on a co-located replica, pp included), rounded to the nanosecond. A
// sequence's context in a step is its KV tokens plus the token being decoded, as in LlmReplica.
// Before each iteration waiting sequences are admitted in arrival order while the running
// count stays within min(max_num_seqs, max_num_batched_tokens) and the KV cache can reserve
// their final length (prompt + output - 1 tokens) up front, so the decode side never preempts;
// prefix caching is not used (received KV is private). Requests whose final length cannot fit
// the whole cache are rejected at Submit.
class DecodeOnlyReplica {
 public:
  // A decode replica of `model` (CheckParallelism(model, par) ok) priced by `perf` with the
  // engine knobs of `config` (batch limits and KV cache); `sim`, `model` and `perf` must
  // outlive it.
  DecodeOnlyReplica(sim::Simulator& sim, const ModelSpec& model, Parallelism par,
                    const PerfModel& perf, ReplicaConfig config);
  DecodeOnlyReplica(const DecodeOnlyReplica&) = delete;
  DecodeOnlyReplica& operator=(const DecodeOnlyReplica&) = delete;

  // Queues `request` (output_tokens >= 2; its input_tokens of KV and first token present) at
  // Now() to generate its remaining output_tokens - 1 tokens; false when it was rejected.
  bool Submit(const Request& request);
  // Calls `callback` with each finished sequence.
  void set_on_complete(std::function<void(const DecodeCompletion&)> callback) {
    on_complete_ = std::move(callback);
  }

  // Output tokens still to generate by every waiting and running sequence.
  int64_t Outstanding() const;
  // Sequences waiting for admission and running.
  int64_t waiting() const { return static_cast<int64_t>(waiting_.size()); }
  int64_t running() const { return static_cast<int64_t>(running_.size()); }
  const DecodeReplicaMetrics& metrics() const { return metrics_; }
  const KvCache& kv_cache() const { return kv_; }
  // The priced time of one iteration of `decodes` sequences of mean context `context`, seconds.
  double IterationTime(int64_t decodes, int64_t context) const;

 private:
  struct Seq {
    uint64_t id = 0;
    int64_t input_tokens = 0, output_tokens = 0;
    int64_t computed = 0;   // tokens whose KV is in the cache
    int64_t generated = 0;  // output tokens emitted (the first one by the prefill side)
    KvSequence kv;
    double arrival_s = 0, admitted_s = 0, last_token_s = 0;
  };

  void Kick();
  void StartIteration();
  void FinishIteration();
  int32_t NewSlot();

  sim::Simulator& sim_;
  ReplicaConfig config_;
  // Never submitted to: prices decode iterations exactly as a co-located replica does.
  std::unique_ptr<LlmReplica> pricer_;
  KvCache kv_;
  DecodeReplicaMetrics metrics_;
  std::function<void(const DecodeCompletion&)> on_complete_;
  std::vector<Seq> seqs_;  // slots, reused
  std::vector<int32_t> free_slots_;
  std::deque<int32_t> waiting_;
  std::vector<int32_t> running_;  // in admission order
  std::vector<int32_t> scratch_;
  bool busy_ = false;    // an iteration is in flight
  bool kicked_ = false;  // a start event is pending
};

// A prefill/decode-disaggregated deployment (Splitwise, DistServe): two pools of identical
// replicas and a router.
struct DisaggregatedConfig {
  int prefill_replicas = 1;          // >= 1
  int decode_replicas = 1;           // >= 1
  Parallelism prefill_par{.tp = 1};  // GPUs of each prefill replica: tp x pp
  Parallelism decode_par{.tp = 1};   // GPUs of each decode replica: tp x pp
  ReplicaConfig prefill;             // the serving engine of each prefill replica
  ReplicaConfig decode;              // batch limits and KV cache of each decode replica
  // Goodput SLO: a completed request is good when TTFT <= ttft_bound_s and TPOT <= tpot_bound_s.
  double ttft_bound_s = 2.0;
  double tpot_bound_s = 0.1;
  bool keep_records = true;  // keep one DisaggregatedRecord per completed request
};

// A completed request's record, the replicas that served it and its KV transfer.
struct DisaggregatedRecord {
  // arrival, first_scheduled, first_token, prefix hits and preemptions from the prefill side;
  // completion from the decode side (the prefill side for one output token).
  RequestRecord record;
  int prefill_replica = 0;
  int decode_replica = -1;       // -1: one output token, nothing was transferred
  double kv_bytes = 0;           // KV bytes moved, all GPUs of the prefill replica together
  double transfer_start_s = 0;   // the prefill replica's NICs start sending
  double transfer_end_s = 0;     // the KV has arrived at the decode replica
  double decode_admitted_s = 0;  // first decode iteration of the request
  // Priced transfer time; waiting for the sender's NICs; waiting for decode admission.
  double transfer_s() const { return transfer_end_s - transfer_start_s; }
  double transfer_wait_s() const { return transfer_start_s - record.first_token_s; }
  double decode_queueing_s() const { return decode_admitted_s - transfer_end_s; }
};

// Measurements over both pools (completed requests unless stated).
struct DisaggregatedMetrics {
  sim::QuantileSketch ttft_s, tpot_s, e2e_s, queueing_s;  // queueing: on the prefill side
  sim::QuantileSketch transfer_s;         // priced KV transfer time of each transfer
  sim::QuantileSketch transfer_wait_s;    // first token to transfer start (sender NICs busy)
  sim::QuantileSketch decode_queueing_s;  // KV arrival to decode admission
  uint64_t arrived = 0;                   // requests taken from the source and routed
  uint64_t completed = 0;                 // requests finished
  uint64_t good = 0;                      // completed requests meeting both goodput bounds
  uint64_t transferred = 0;               // KV transfers finished
  double kv_bytes = 0;                    // KV bytes of finished transfers
  int64_t input_tokens = 0, output_tokens = 0, prefix_hit_tokens = 0;
  double first_arrival_s = 0;            // arrival of the first request (0 when none)
  double last_completion_s = 0;          // completion of the last completed request (0 when none)
  std::vector<uint64_t> routed_prefill;  // requests routed to each prefill replica
  std::vector<uint64_t> routed_decode;   // requests routed to each decode replica
};

// P prefill LlmReplicas and D DecodeOnlyReplicas fed by a RequestSource.
//
// An arriving request goes to the prefill replica with the fewest Outstanding() tokens (ties
// to the lowest index) as a one-output-token request: its TTFT is measured there. When the
// prefill finishes, a request with more output tokens is routed the same way to the decode
// replica with the fewest outstanding tokens (counting those of transfers in flight to it) and
// its prompt KV, input_tokens x KvBytesPerTokenPerGpu(model, prefill_par) bytes on each of the
// tp x pp prefill GPUs, is sent over the scale-out fabric, every GPU through its own NIC in
// parallel. One GPU's send is priced as a point-to-point transfer: PerfModel::Price of a 2-rank
// all-gather on LinkTier::kScaleOut whose gathered size is twice the GPU's shard (each rank
// moves exactly one shard; NCCL's bus bandwidth of a 2-rank all-gather equals a send/recv's),
// i.e. collective_latency_s + shard / (scale-out bandwidth x efficiency). Transfers out of one
// prefill replica are serialised (its NICs send one request's KV at a time); receivers do not
// contend. On arrival the request enters the decode replica, which generates output_tokens - 1
// more tokens. Simplifications: the prefill replica frees the prompt's KV when its first token
// is out (the copy held during the transfer is not modelled); the decode side reserves a
// sequence's final length on admission and never preempts (see DecodeOnlyReplica).
//
//   DisaggregatedCluster c(sim, model, perf, {.prefill_replicas = 2, .decode_replicas = 2},
//                          RequestSource::Poisson(...));
//   c.Start();
//   sim.RunUntil(sim::Time::FromSeconds(3600));
//   std::vector<SummaryMetric> s = c.Summary("disagg");
class DisaggregatedCluster : public ServingWorkload {
 public:
  // A deployment of `model` (CheckParallelism ok for both pools' parallelism) priced by `perf`,
  // drawing requests from `source`; `sim`, `model` and `perf` must outlive it.
  DisaggregatedCluster(sim::Simulator& sim, const ModelSpec& model, const PerfModel& perf,
                       DisaggregatedConfig config, RequestSource source);
  DisaggregatedCluster(const DisaggregatedCluster&) = delete;
  DisaggregatedCluster& operator=(const DisaggregatedCluster&) = delete;

  // Schedules the first arrival (at its arrival time, or Now() if that has passed); call once.
  void Start() override;

  // KV bytes one request of `input_tokens` prompt tokens moves (all prefill GPUs together).
  double KvTransferBytes(int64_t input_tokens) const;
  // The priced time of moving that KV to a decode replica (see the class comment), seconds.
  double KvTransferTime(int64_t input_tokens) const;

  int prefill_count() const { return static_cast<int>(prefill_.size()); }
  int decode_count() const { return static_cast<int>(decode_.size()); }
  const LlmReplica& prefill_replica(int i) const { return *prefill_[i]; }
  const DecodeOnlyReplica& decode_replica(int i) const { return *decode_[i]; }
  const DisaggregatedConfig& config() const { return config_; }
  const DisaggregatedMetrics& metrics() const { return metrics_; }
  // Records of completed requests in completion order (empty unless config.keep_records).
  const std::vector<DisaggregatedRecord>& records() const { return records_; }

  // GPUs of both pools.
  int gpus() const;
  // Requests rejected by either pool (too large for a replica's KV cache).
  uint64_t rejected() const;
  // Preemptions over the prefill replicas (the decode side never preempts).
  uint64_t preemptions() const;
  // Requests routed and neither completed nor rejected yet.
  uint64_t in_flight() const override { return metrics_.arrived - metrics_.completed - rejected(); }
  // Summed iteration time of each prefill and decode replica x its tp x pp, GPU-seconds.
  double BusyGpuSeconds() const override;
  // The mean over all replicas of each one's time-averaged KV utilisation from 0 to Now().
  double MeanKvUtilization() const;
  // Seconds from the first arrival to the last completion (0 when nothing completed).
  double Makespan() const;
  // Share of completed + rejected requests that are good (rejected ones never are); 0 when none.
  double GoodputFraction() const;

  // Headline numbers under keys "<prefix>.<name>" (LlmCluster's keys plus the pools' and the
  // KV transfer's), each with units and long_name; rates are over Makespan().
  std::vector<SummaryMetric> Summary(std::string_view prefix) const override;
  // One row per completed request, in completion order (needs config.keep_records).
  Table RequestsTable() const override;

 private:
  // A request between its arrival and its completion.
  struct Pending {
    Request request;  // prefix_blocks dropped after routing
    DisaggregatedRecord record;
  };

  void Arrive();
  void ScheduleNext();
  void OnPrefillDone(int replica, const RequestRecord& record);
  void OnTransferDone(uint64_t id);
  void OnDecodeDone(int replica, const DecodeCompletion& done);
  void Finish(Pending& p);
  int LeastOutstandingPrefill() const;
  int LeastOutstandingDecode() const;

  sim::Simulator& sim_;
  const ModelSpec& model_;
  const PerfModel& perf_;
  DisaggregatedConfig config_;
  RequestSource source_;
  std::vector<std::unique_ptr<LlmReplica>> prefill_;
  std::vector<std::unique_ptr<DecodeOnlyReplica>> decode_;
  std::vector<sim::Time> nic_free_;  // per prefill replica: when its NICs are free
  std::vector<int64_t> in_transit_;  // per decode replica: output tokens on their way
  DisaggregatedMetrics metrics_;
  std::vector<DisaggregatedRecord> records_;
  std::unordered_map<uint64_t, Pending> pending_;  // by request id (lookups only)
  std::optional<Request> next_;                    // the request of the pending arrival event
  bool started_ = false;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_DISAGGREGATED_CLUSTER_H_
