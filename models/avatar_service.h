#ifndef CAPSIM_MODELS_AVATAR_SERVICE_H_
#define CAPSIM_MODELS_AVATAR_SERVICE_H_

#include <array>
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

// Real-time avatar sessions on GPUs granted by the fleet scheduler.
//
// A session alternates user speaking (ASR active) -> response (end-of-turn, ASR tail, LLM, TTS
// first chunk, face first frame, encode, network: the time to first frame of the turn) -> agent
// speaking (TTS and the face model render frames at `fps`), until its lognormal length runs out.
// Each active stage holds its GPU share on the session's GPU(s). A GPU whose summed demand D
// exceeds 1 stretches GPU-stage latencies by D; a frame misses its deadline when its render time
// period * D * X (X lognormal, mean 1, CV frame_time_cv) exceeds the period, integrated exactly
// between demand changes. Admission packs sessions onto GPUs by mean share (<= gpu_load_target)
// and peak share (<= peak_load_limit); sessions whose peak share exceeds the limit span
// ceil(peak / limit) empty GPUs. The pool grows a node at a time (keeping headroom_nodes of empty
// GPUs) and drains its emptiest node every rebalance interval when it has too much headroom.
//
//   AvatarService avatars(sim, spec, pool, policy, sched, seed, /*workload_index=*/0);
//   avatars.Start();
//   sim.RunUntil(end);
//   avatars.Finish();
class AvatarService : public AvatarWorkload {
 public:
  AvatarService(sim::Simulator& sim, const AvatarSpec& spec, const PoolSpec& pool,
                const PolicySpec& policy, FleetScheduler& scheduler, uint64_t seed,
                uint64_t workload_index);
  AvatarService(const AvatarService&) = delete;
  AvatarService& operator=(const AvatarService&) = delete;

  // Schedules the first arrival and the rebalance timer.
  void Start() override;
  // Integrates frame statistics and session time up to Now(); call once after the run.
  void Finish() override;

  const AvatarSpec& spec() const override { return spec_; }
  const ArrivalProcess& arrivals() const { return arrivals_; }
  double ArrivalRate(double t_s) const override { return arrivals_.Rate(t_s); }
  uint64_t sessions_arrived() const override { return arrived_; }
  uint64_t sessions_admitted() const override { return admitted_; }
  uint64_t rejected_by_limit() const override { return rejected_limit_; }
  uint64_t rejected_by_capacity() const override { return rejected_capacity_; }
  uint64_t turns() const override { return ttff_.count(); }
  uint64_t turns_within_slo() const { return turns_within_slo_; }
  int active_sessions() const override { return active_; }
  double PeakSessions() const override { return active_count_.max(); }
  double MeanSessions() const override { return active_count_.Mean(sim_.Now()); }
  const sim::QuantileSketch& ttff() const override { return ttff_; }
  double frames() const override { return frames_; }
  double missed_frames() const override { return missed_frames_; }
  // Session-seconds served so far (finished sessions plus the elapsed part of active ones).
  double session_seconds() const override { return session_seconds_; }
  // Summed GPU demand of all sessions now (GPU shares).
  double demand() const override { return demand_.value(); }
  // Integral of the summed GPU demand (GPU-seconds of work).
  double DemandGpuSeconds() const override { return demand_.Integral(sim_.Now()); }
  double reserved() const { return reserved_; }
  int granted_gpus() const override;
  int draining_nodes() const;
  // Mean share of one session over a turn cycle (GPU shares).
  double mean_share() const override { return mean_share_; }
  double peak_share() const { return peak_share_; }

 private:
  static constexpr int kMaxGpusPerSession = 8;
  enum class Phase : uint8_t { kListening, kResponding, kSpeaking };

  struct Gpu {
    double reserved_mean = 0;
    double reserved_peak = 0;
    double demand = 0;
    double rendering = 0;  // frame streams rendering now (a session on k GPUs counts 1/k each)
    int sessions = 0;
    sim::Time last;
  };
  struct Node {
    bool granted = false;
    bool draining = false;
    int sessions = 0;
  };
  struct Session {
    bool live = false;
    Phase phase = Phase::kListening;
    int gpu_count = 0;
    std::array<int, kMaxGpusPerSession> gpus{};
    double demand = 0;     // current total demand of the session
    bool rendering = false;
    sim::Time start;
    sim::EventId phase_event;
    sim::RandomStream rng{0, 0};
  };

  void OnArrival();
  void OnPhaseEnd(uint32_t id);
  void OnSessionEnd(uint32_t id);
  void OnRebalance();
  // Places a new session; returns the number of GPUs used (0 when no room).
  int Place(Session& s);
  bool TryPlace(Session& s);
  // Adds a node to the pool: reopens a draining one, else asks the scheduler.
  void GrowPool();
  // GrowPool(); true when it added capacity.
  bool GrowPoolOnce();
  void MaybeGrowForHeadroom();
  void ReleaseNodeIfDrained(int node);
  void SetDemand(Session& s, double demand, bool rendering);
  void Integrate(Gpu& g);
  double StageDemand(Phase p) const;
  double DrawTurnLatency(Session& s);
  int EmptyGpus() const;
  int NodeOf(int gpu) const { return gpu / gpus_per_node_; }
  double FrameMissProbability(double load) const;

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
  double peak_share_ = 0;
  int gpus_per_session_ = 1;

  std::vector<Gpu> gpus_;
  std::vector<Node> nodes_;
  std::vector<int> granted_nodes_;
  std::vector<Session> sessions_;
  std::vector<uint32_t> free_sessions_;

  uint64_t arrived_ = 0;
  uint64_t admitted_ = 0;
  uint64_t rejected_limit_ = 0;
  uint64_t rejected_capacity_ = 0;
  uint64_t turns_within_slo_ = 0;
  int active_ = 0;
  double reserved_ = 0;
  double frames_ = 0;
  double missed_frames_ = 0;
  double session_seconds_ = 0;
  sim::TimeWeighted active_count_;
  sim::TimeWeighted demand_;
  sim::QuantileSketch ttff_{0.005};
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_AVATAR_SERVICE_H_
