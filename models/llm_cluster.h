#ifndef CAPSIM_MODELS_LLM_CLUSTER_H_
#define CAPSIM_MODELS_LLM_CLUSTER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/catalog.h"
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

// How the cluster's router picks a replica for each arriving request.
enum class RoutingPolicy {
  kRoundRobin,        // replica 0, 1, ..., N-1, 0, ... in arrival order
  kLeastOutstanding,  // fewest LlmReplica::Outstanding() tokens; ties to the lowest index
  // The replica that last received a request with the same first prefix block hash, unless it
  // is overloaded (see ClusterConfig); otherwise, and for requests without prefix blocks, as
  // kLeastOutstanding. The hash is then remembered on the chosen replica.
  kPrefixAffinity,
};

// A cluster of identical replicas and its router.
struct ClusterConfig {
  int replicas = 1;          // >= 1
  Parallelism par{.tp = 1};  // GPUs of each replica: tp x pp
  ReplicaConfig replica;     // the serving engine of each replica
  RoutingPolicy routing = RoutingPolicy::kLeastOutstanding;
  // kPrefixAffinity leaves the affine replica `a` for the least-loaded one `m` only when
  // Outstanding(a) > affinity_slack_factor x Outstanding(m) and
  // Outstanding(a) - Outstanding(m) > affinity_slack_tokens (both: an idle `m` alone does not
  // break affinity), like the relative and absolute balance thresholds of SGLang's router.
  double affinity_slack_factor = 2.0;
  int64_t affinity_slack_tokens = 2048;
  // Goodput SLO: a completed request is good when TTFT <= ttft_bound_s and TPOT <= tpot_bound_s.
  double ttft_bound_s = 2.0;
  double tpot_bound_s = 0.1;
  bool keep_records = true;  // keep one ClusterRecord per completed request (RequestsTable)
};

// A completed request's record and the replica that served it.
struct ClusterRecord {
  RequestRecord record;
  int replica = 0;
};

// Cluster-wide measurements over all replicas (completed requests unless stated).
struct ClusterMetrics {
  sim::QuantileSketch ttft_s, tpot_s, e2e_s, queueing_s;
  uint64_t arrived = 0;    // requests taken from the source and routed
  uint64_t completed = 0;  // requests finished
  uint64_t good = 0;       // completed requests meeting both goodput bounds
  int64_t input_tokens = 0, output_tokens = 0, prefix_hit_tokens = 0;
  double first_arrival_s = 0;    // arrival of the first request (0 when none)
  double last_completion_s = 0;  // completion of the last completed request (0 when none)
  std::vector<uint64_t> routed;  // requests routed to each replica
};

// N identical LlmReplica instances behind a router, fed by a RequestSource. Arrivals are
// simulator events: the event of one request submits it to the routed replica and schedules the
// next request's (one pending arrival event at a time); requests are routed at their arrival,
// with the replicas' state of that instant.
//
//   LlmCluster cluster(sim, model, perf, {.replicas = 4}, RequestSource::Poisson(...));
//   cluster.Start();
//   sim.RunUntil(sim::Time::FromSeconds(3600));
//   std::vector<SummaryMetric> s = cluster.Summary("serving");
class LlmCluster : public ServingWorkload {
 public:
  // A cluster of config.replicas replicas of `model` (CheckParallelism(model, config.par) ok)
  // priced by `perf`, drawing requests from `source`; `sim`, `model` and `perf` must outlive it.
  LlmCluster(sim::Simulator& sim, const ModelSpec& model, const PerfModel& perf,
             ClusterConfig config, RequestSource source);
  LlmCluster(const LlmCluster&) = delete;
  LlmCluster& operator=(const LlmCluster&) = delete;

  // Schedules the first arrival (at its arrival time, or Now() if that has passed); call once.
  void Start() override;

  // The replica the router picks for `request` now (no state changes).
  int Route(const Request& request) const;

  int replica_count() const { return static_cast<int>(replicas_.size()); }
  const LlmReplica& replica(int i) const { return *replicas_[i]; }
  const ClusterConfig& config() const { return config_; }
  const ClusterMetrics& metrics() const { return metrics_; }
  // Records of completed requests in completion order (empty unless config.keep_records).
  const std::vector<ClusterRecord>& records() const { return records_; }

  // Requests rejected by the replicas (too large for a replica's KV cache).
  uint64_t rejected() const;
  // Preemptions over all replicas, those of unfinished requests included.
  uint64_t preemptions() const;
  // Requests routed and neither completed nor rejected yet.
  uint64_t in_flight() const override { return metrics_.arrived - metrics_.completed - rejected(); }
  // Summed iteration time of each replica x tp x pp, GPU-seconds.
  double BusyGpuSeconds() const override;
  // The mean over replicas of each one's time-averaged KV utilisation from 0 to Now().
  double MeanKvUtilization() const;
  // Seconds from the first arrival to the last completion (0 when nothing completed).
  double Makespan() const;
  // Share of completed + rejected requests that are good (rejected ones never are); 0 when none.
  double GoodputFraction() const;

  // Headline numbers under keys "<prefix>.<name>" (e.g. "serving.ttft_p99_s"), each with units
  // and long_name; throughputs and rates are over Makespan().
  std::vector<SummaryMetric> Summary(std::string_view prefix) const override;
  // One row per completed request, in completion order (needs config.keep_records).
  Table RequestsTable() const override;

 private:
  // Submits the pending request to its routed replica and schedules the next arrival.
  void Arrive();
  // Pulls the next request from the source and schedules its arrival event.
  void ScheduleNext();
  void OnComplete(int replica, const RequestRecord& record);
  int LeastOutstanding() const;

  sim::Simulator& sim_;
  ClusterConfig config_;
  RequestSource source_;
  std::vector<std::unique_ptr<LlmReplica>> replicas_;
  ClusterMetrics metrics_;
  std::vector<ClusterRecord> records_;
  std::optional<Request> next_;                     // the request of the pending arrival event
  std::unordered_map<uint64_t, int> prefix_owner_;  // first prefix block hash -> replica
  uint64_t round_robin_ = 0;
  bool started_ = false;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_LLM_CLUSTER_H_
