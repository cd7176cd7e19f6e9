#ifndef CAPSIM_MODELS_LLM_CLUSTER_H_
#define CAPSIM_MODELS_LLM_CLUSTER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "models/autoscaler.h"
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
  // Absent: `replicas` replicas for the whole run. Present: the replica count follows the load
  // (see LlmCluster); `replicas` is the initial count, within [min_replicas, max_replicas].
  std::optional<AutoscaleConfig> autoscale;
};

// Where a replica stands in an autoscaled cluster (a fixed cluster's replicas stay kActive).
enum class ReplicaState {
  kActive,    // routable
  kLoading,   // holds its GPUs, loading weights; receives no requests
  kDraining,  // holds its GPUs, finishing its requests; receives no new ones
  kRemoved,   // drained and its GPUs released; its metrics and records are kept
};

// A change of a replica's state, in time order.
struct ScaleEvent {
  enum class Kind {
    kAcquire,   // a new replica: capacity acquired, loading starts
    kActivate,  // loading done: the replica is routable
    kDrain,     // routing stops; it is released once its requests are done
    kUndrain,   // a draining replica made routable again (instead of acquiring a new one)
    kRelease,   // drained: capacity released
  };
  double time_s = 0;
  Kind kind = Kind::kAcquire;
  int replica = 0;
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
  // Autoscaling only (zero otherwise).
  uint64_t scale_ups = 0;      // replicas added (capacity acquired; drain cancels not counted)
  uint64_t scale_downs = 0;    // replicas removed (drained and capacity released)
  sim::TimeWeighted replicas;  // active + loading replicas over time, from Start()
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
//
// Autoscaling (config.autoscale set): Start() also starts a decision every interval_s. Each
// decision measures the load of the interval just ended in replicas' worth (see
// AutoscaleSignal) and hands it to an Autoscaler. Adding a replica first makes a draining replica
// routable again (no load time); otherwise it asks the acquire callback for tp x pp GPUs and, when
// granted, creates a replica that loads for load_time_s (it holds its GPUs and receives no
// requests) and then becomes active; the first refusal ends the decision's additions. Draining
// picks the active replica with the least Outstanding() (ties: the newest), stops routing to
// it, and once its last request completes (at once when it has none) calls release with its
// GPUs. Replica objects are never destroyed: replica(i), routed[i], records and BusyGpuSeconds
// keep every replica ever created. The decision events recur forever: run with RunUntil.
class LlmCluster : public ServingWorkload {
 public:
  // A cluster of config.replicas replicas of `model` (CheckParallelism(model, config.par) ok)
  // priced by `perf`, drawing requests from `source`; `sim`, `model` and `perf` must outlive it.
  LlmCluster(sim::Simulator& sim, const ModelSpec& model, const PerfModel& perf,
             ClusterConfig config, RequestSource source);
  LlmCluster(const LlmCluster&) = delete;
  LlmCluster& operator=(const LlmCluster&) = delete;

  // Schedules the first arrival (at its arrival time, or Now() if that has passed), and with
  // autoscaling the first decision at Now() + interval_s; call once.
  void Start() override;

  // Autoscaling: where the GPUs of a new replica come from. acquire(gpus) returns false when
  // the fleet cannot give `gpus` GPUs now (no replica is added then); release(gpus) hands back
  // the GPUs of a drained replica. Without this call capacity is unlimited. The initial
  // config.replicas replicas are the caller's to reserve before Start (they never go through
  // acquire, but a drained one goes through release).
  void SetCapacity(std::function<bool(int gpus)> acquire, std::function<void(int gpus)> release);

  // The replica the router picks for `request` now (no state changes); always an active one.
  int Route(const Request& request) const;

  // Replicas ever created (the range of replica(i), routed and ClusterRecord::replica).
  int replica_count() const { return static_cast<int>(replicas_.size()); }
  const LlmReplica& replica(int i) const { return *replicas_[i]; }
  ReplicaState replica_state(int i) const { return state_[i]; }
  // Replicas by state now (a fixed cluster: all active).
  int active_replicas() const { return static_cast<int>(active_.size()); }
  int loading_replicas() const { return loading_; }
  int draining_replicas() const { return draining_; }
  // Replicas holding GPUs (active + loading + draining) and their GPUs.
  int held_replicas() const { return active_replicas() + loading_ + draining_; }
  int held_gpus() const { return held_replicas() * config_.par.tp * config_.par.pp; }
  // Autoscaling: the mean utilisation over active replicas and the desired count of the last
  // decision (0 before the first).
  double last_utilization() const { return last_utilization_; }
  int last_desired() const { return last_desired_; }
  // Autoscaling: every replica state change, in time order.
  const std::vector<ScaleEvent>& scale_events() const { return scale_events_; }
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
  // and long_name; throughputs and rates are over Makespan(). With autoscaling "replicas" and
  // "gpus" are those held at the end, and "replicas_mean" (time-weighted active + loading from
  // Start), "replicas_max", "scale_ups" and "scale_downs" are added.
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
  // Creates replica `replicas_.size()` in `state`.
  void AddReplica(ReplicaState state);
  // Autoscaling: one decision, and the next one's event.
  void Decide();
  // The load over the interval ending now in replicas' worth (see AutoscaleSignal): offered
  // load of the interval's arrivals, or replica `i`'s busy share x the share of the interval it
  // was active.
  double OfferedLoad() const;
  double BusyLoad(int i, double now_s) const;
  // Starts the measurement interval of replica `i` at Now().
  void Mark(int i);
  void ScaleUp(int count);
  void Drain(int count);
  void Activate(int i);
  // Releases draining replica `i` if it holds no request.
  void MaybeRelease(int i);
  void SetActive(int i, bool active);
  void Log(ScaleEvent::Kind kind, int replica);
  // Requests held by replica `i` (running + waiting + swapped).
  int64_t Held(int i) const;

  sim::Simulator& sim_;
  const ModelSpec& model_;
  const PerfModel& perf_;
  ClusterConfig config_;
  RequestSource source_;
  std::vector<std::unique_ptr<LlmReplica>> replicas_;
  ClusterMetrics metrics_;
  std::vector<ClusterRecord> records_;
  std::optional<Request> next_;                     // the request of the pending arrival event
  std::unordered_map<uint64_t, int> prefix_owner_;  // first prefix block hash -> replica
  uint64_t round_robin_ = 0;
  bool started_ = false;

  // Replica states; the active replicas' indices in increasing order (all of them when fixed).
  std::vector<ReplicaState> state_;
  std::vector<int> active_;
  int loading_ = 0, draining_ = 0;
  // Autoscaling.
  std::optional<Autoscaler> autoscaler_;
  std::function<bool(int)> acquire_;
  std::function<void(int)> release_;
  struct Meter {  // one replica's counters at its mark
    double mark_s = 0, mark_busy_s = 0;
  };
  std::vector<Meter> meters_;
  std::vector<ScaleEvent> scale_events_;
  double last_utilization_ = 0;
  int last_desired_ = 0;
  // Requests routed since the last decision and their prompt and output tokens.
  int64_t interval_arrivals_ = 0, interval_input_tokens_ = 0, interval_output_tokens_ = 0;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_LLM_CLUSTER_H_
