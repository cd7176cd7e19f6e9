#ifndef CAPSIM_MODELS_AVATAR_SESSION_POOL_H_
#define CAPSIM_MODELS_AVATAR_SESSION_POOL_H_

#include <cstdint>
#include <vector>

#include "models/avatar_workload.h"
#include "models/diurnal_arrivals.h"
#include "models/fleet_scheduler.h"
#include "models/scenario.h"
#include "sim/random.h"
#include "sim/simulator.h"
#include "sim/statistics.h"

namespace capsim::models {

// Mean GPU share of one avatar session over a turn cycle (user speaking, response, agent
// speaking), each phase weighted by its mean length: the packing figure of AvatarService
// (computed the same way, so AvatarService::mean_share() equals it for the same spec).
double MeanSessionShare(const AvatarSpec& spec);

// Fraction of a session's time during which it renders frames: the agent-speaking share of the
// turn cycle, or 1 when the face renders an idle animation (face_idle_share > 0).
double RenderingFraction(const AvatarSpec& spec);

// Sessions one GPU holds in the aggregate model: spec.aggregate->sessions_per_gpu when given
// (> 0), else gpu_load_target / MeanSessionShare(spec).
double AggregateSessionsPerGpu(const AvatarSpec& spec);

// The session-level ("aggregate") avatar model for long fleet runs (AvatarSpec::aggregate).
//
// Sessions are the only per-session events: an arrival (the same arrival stream as
// AvatarService, so the same seed gives the same arrival times) and an end after a lognormal
// length drawn from the session's own stream. A session holds one slot for its whole length; the
// pool has granted nodes x floor(gpus_per_node x sessions_per_gpu) slots. Slots are fungible: the
// model assumes sessions pack onto GPUs by their mean share and are repacked freely (a session
// whose peak share exceeds peak_load_limit is not treated specially, and a node can be returned
// whenever one node's worth of slots is free, the remaining sessions being considered repacked
// onto the other nodes). There are no turns and no frame deadlines: the admission keeps every GPU
// within its packing, so no frame misses and no stage latency is stretched.
//
// Admission: the max_sessions limit first (rejected_by_limit), then a free slot; with none, the
// scheduler is asked for a node (GrantAvatarNode, which may preempt batch jobs per the policy);
// without one the session is rejected_by_capacity. After an admission the pool grows until
// policy.headroom_nodes nodes' worth of slots are free; every rebalance_interval it returns one
// node when at least headroom + 1.5 nodes' worth of slots (rounded up) are free.
//
// Metrics: demand() = active sessions x mean share (GPU shares); one time-to-first-frame sample
// per admitted session (the sum of the stage latencies, each lognormal with latency_sigma, as
// AvatarService draws a turn's without contention), so turns() counts admitted sessions; frames =
// session-seconds x fps x RenderingFraction(spec); missed_frames() = 0. Each arrival and end
// costs O(1) (growth and shrinking at most headroom_nodes + 1 scheduler calls), and no table of
// sessions is kept: an end event captures only `this`.
//
//   AvatarSessionPool avatars(sim, spec, pool, policy, sched, seed, /*workload_index=*/0);
//   avatars.Start();
//   sim.RunUntil(end);
//   avatars.Finish();
class AvatarSessionPool : public AvatarWorkload {
 public:
  AvatarSessionPool(sim::Simulator& sim, const AvatarSpec& spec, const PoolSpec& pool,
                    const PolicySpec& policy, FleetScheduler& scheduler, uint64_t seed,
                    uint64_t workload_index);
  AvatarSessionPool(const AvatarSessionPool&) = delete;
  AvatarSessionPool& operator=(const AvatarSessionPool&) = delete;

  // Schedules the first arrival and the rebalance timer.
  void Start() override;
  // Nothing to integrate (session time and frames follow from the session-count integral); kept
  // for the interface.
  void Finish() override {}

  const AvatarSpec& spec() const override { return spec_; }
  const ArrivalProcess& arrivals() const { return arrivals_; }
  double ArrivalRate(double t_s) const override { return arrivals_.Rate(t_s); }
  uint64_t sessions_arrived() const override { return arrived_; }
  uint64_t sessions_admitted() const override { return admitted_; }
  uint64_t rejected_by_limit() const override { return rejected_limit_; }
  uint64_t rejected_by_capacity() const override { return rejected_capacity_; }
  // One time-to-first-frame sample per admitted session.
  uint64_t turns() const override { return ttff_.count(); }
  int active_sessions() const override { return static_cast<int>(active_); }
  double PeakSessions() const override { return active_count_.max(); }
  double MeanSessions() const override { return active_count_.Mean(sim_.Now()); }
  const sim::QuantileSketch& ttff() const override { return ttff_; }
  double frames() const override { return session_seconds() * spec_.fps * rendering_fraction_; }
  double missed_frames() const override { return 0; }
  // Session-seconds served so far (finished sessions plus the elapsed part of active ones).
  double session_seconds() const override { return active_count_.Integral(sim_.Now()); }
  double demand() const override { return static_cast<double>(active_) * mean_share_; }
  double DemandGpuSeconds() const override { return mean_share_ * session_seconds(); }
  int granted_gpus() const override {
    return static_cast<int>(granted_nodes_.size()) * gpus_per_node_;
  }
  double mean_share() const override { return mean_share_; }
  std::vector<SummaryMetric> ExtraSummary() const override;

  // Sessions per GPU (the spec's, or gpu_load_target / mean share) and slots per granted node.
  double sessions_per_gpu() const { return sessions_per_gpu_; }
  int64_t slots_per_node() const { return slots_per_node_; }
  // Slots of the granted nodes, and those not held by a session.
  // Slots of the granted nodes that have finished loading (a node loads the avatar models for
  // aggregate.load_time_s before it serves).
  int64_t slots() const {
    return (static_cast<int64_t>(granted_nodes_.size()) - loading_nodes_) * slots_per_node_;
  }
  int loading_nodes() const { return loading_nodes_; }
  int64_t free_slots() const { return slots() - active_; }
  // Mean GPUs held by the pool since the start.
  double MeanGrantedGpus() const { return granted_count_.Mean(sim_.Now()); }

 private:
  void OnArrival();
  void OnSessionEnd();
  void OnRebalance();
  // Asks the scheduler for one node; true when it came.
  bool GrowPoolOnce();
  double DrawTtff(sim::RandomStream& rng) const;

  sim::Simulator& sim_;
  AvatarSpec spec_;
  PolicySpec policy_;
  FleetScheduler& scheduler_;
  int gpus_per_node_;
  ArrivalProcess arrivals_;
  sim::RandomStream arrival_rng_;
  uint64_t seed_;
  uint64_t stream_base_;
  double mean_share_ = 0;
  double rendering_fraction_ = 0;
  double sessions_per_gpu_ = 0;
  int64_t slots_per_node_ = 0;
  sim::LognormalParams length_params_{0, 0};
  // Lognormal parameters of the stage latencies (mean > 0 only) of a time to first frame, and
  // their summed means (the time to first frame when latency_sigma is 0).
  std::vector<sim::LognormalParams> stage_params_;
  double fixed_ttff_s_ = 0;

  std::vector<int> granted_nodes_;
  int loading_nodes_ = 0;  // the last granted nodes, still loading
  uint64_t arrived_ = 0;
  uint64_t admitted_ = 0;
  uint64_t rejected_limit_ = 0;
  uint64_t rejected_capacity_ = 0;
  int64_t active_ = 0;
  sim::TimeWeighted active_count_;
  sim::TimeWeighted granted_count_;
  sim::QuantileSketch ttff_{0.005};
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_AVATAR_SESSION_POOL_H_
