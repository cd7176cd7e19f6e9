#include "models/avatar_service.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "models/avatar_draws.h"
#include "models/avatar_session_pool.h"

namespace capsim::models {

using sim::Duration;
using sim::Time;

AvatarService::AvatarService(sim::Simulator& sim, const AvatarSpec& spec, const PoolSpec& pool,
                             const PolicySpec& policy, FleetScheduler& scheduler, uint64_t seed,
                             uint64_t workload_index)
    : sim_(sim),
      spec_(spec),
      policy_(policy),
      scheduler_(scheduler),
      gpus_per_node_(pool.gpus_per_node),
      arrivals_(spec.arrivals),
      arrival_rng_(seed, (workload_index << 40) | kArrivalStream),
      seed_(seed),
      stream_base_((workload_index << 40) | kSessionStreamBase),
      gpus_(static_cast<size_t>(pool.nodes) * pool.gpus_per_node),
      nodes_(static_cast<size_t>(pool.nodes)),
      active_count_(sim.Now(), 0),
      demand_(sim.Now(), 0) {
  // The stage shares weighted by the time shares of a turn cycle (the session-level model's too).
  mean_share_ = MeanSessionShare(spec);
  peak_share_ = std::max({StageDemand(Phase::kListening), StageDemand(Phase::kResponding),
                          StageDemand(Phase::kSpeaking)});
  if (peak_share_ > spec.peak_load_limit) {
    gpus_per_session_ = static_cast<int>(std::ceil(peak_share_ / spec.peak_load_limit - 1e-9));
    gpus_per_session_ = std::min(gpus_per_session_, kMaxGpusPerSession);
  }
}

double AvatarService::StageDemand(Phase p) const {
  const double idle_face = spec_.face_idle_share;
  switch (p) {
    case Phase::kListening:
      return spec_.asr.gpu_share + idle_face + spec_.encode.gpu_share;
    case Phase::kResponding:
      return spec_.llm.gpu_share + idle_face + spec_.encode.gpu_share;
    case Phase::kSpeaking:
      return spec_.tts.gpu_share + spec_.face.gpu_share + spec_.encode.gpu_share;
  }
  return 0;
}

void AvatarService::Start() {
  double first = arrivals_.Next(sim_.Now().seconds(), arrival_rng_);
  sim_.Schedule(Time::FromSeconds(first), [this] { OnArrival(); });
  sim_.ScheduleAfter(Duration::Seconds(policy_.rebalance_interval_s), [this] { OnRebalance(); });
}

int AvatarService::granted_gpus() const {
  return static_cast<int>(granted_nodes_.size()) * gpus_per_node_;
}

int AvatarService::draining_nodes() const {
  int n = 0;
  for (int node : granted_nodes_) n += nodes_[node].draining ? 1 : 0;
  return n;
}

int AvatarService::EmptyGpus() const {
  int n = 0;
  for (int node : granted_nodes_) {
    if (nodes_[node].draining) continue;
    for (int g = node * gpus_per_node_; g < (node + 1) * gpus_per_node_; ++g) {
      n += gpus_[g].sessions == 0 ? 1 : 0;
    }
  }
  return n;
}

void AvatarService::Integrate(Gpu& g) {
  const Time now = sim_.Now();
  const double dt = (now - g.last).seconds();
  g.last = now;
  if (dt <= 0 || g.rendering <= 0) return;
  const double frames = g.rendering * spec_.fps * dt;
  frames_ += frames;
  missed_frames_ += frames * FrameMissProbability(g.demand);
}

double AvatarService::FrameMissProbability(double load) const {
  if (load <= 0) return 0;
  // Render time = period * load * X, X lognormal with mean 1: a miss when X > 1 / load.
  const double cv = spec_.frame_time_cv;
  if (cv <= 0) return load > 1 ? 1.0 : 0.0;
  const double sigma = std::sqrt(std::log1p(cv * cv));
  const double mu = -0.5 * sigma * sigma;
  const double z = (std::log(1.0 / load) - mu) / sigma;
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

void AvatarService::SetDemand(Session& s, double demand, bool rendering) {
  const double k = s.gpu_count;
  const double render_delta = ((rendering ? 1.0 : 0.0) - (s.rendering ? 1.0 : 0.0)) / k;
  const double demand_delta = (demand - s.demand) / k;
  for (int i = 0; i < s.gpu_count; ++i) {
    Gpu& g = gpus_[s.gpus[i]];
    Integrate(g);
    g.demand += demand_delta;
    g.rendering += render_delta;
  }
  demand_.Add(sim_.Now(), demand - s.demand);
  s.demand = demand;
  s.rendering = rendering;
}

bool AvatarService::TryPlace(Session& s) {
  const int k = gpus_per_session_;
  const double mean = mean_share_ / k;
  const double peak = peak_share_ / k;
  if (k == 1) {
    // Best fit: the fullest GPU that still takes the session, to keep other GPUs empty.
    int best = -1;
    for (int node : granted_nodes_) {
      if (nodes_[node].draining) continue;
      for (int g = node * gpus_per_node_; g < (node + 1) * gpus_per_node_; ++g) {
        const Gpu& gpu = gpus_[g];
        if (gpu.reserved_mean + mean > spec_.gpu_load_target + 1e-12) continue;
        if (gpu.reserved_peak + peak > spec_.peak_load_limit + 1e-12) continue;
        if (best < 0 || gpu.reserved_peak > gpus_[best].reserved_peak) best = g;
      }
    }
    if (best < 0) return false;
    s.gpus[0] = best;
    s.gpu_count = 1;
  } else {
    // A multi-GPU stream takes k empty GPUs.
    int found = 0;
    for (int node : granted_nodes_) {
      if (nodes_[node].draining) continue;
      for (int g = node * gpus_per_node_; g < (node + 1) * gpus_per_node_ && found < k; ++g) {
        if (gpus_[g].sessions == 0) s.gpus[found++] = g;
      }
      if (found == k) break;
    }
    if (found < k) return false;
    s.gpu_count = k;
  }
  for (int i = 0; i < s.gpu_count; ++i) {
    Gpu& g = gpus_[s.gpus[i]];
    g.reserved_mean += mean;
    g.reserved_peak += peak;
    ++g.sessions;
    ++nodes_[NodeOf(s.gpus[i])].sessions;
  }
  reserved_ += mean_share_;
  return true;
}

void AvatarService::GrowPool() {
  // Reopen a draining node (the fullest) before asking the scheduler for a new one.
  int reopen = -1;
  for (int node : granted_nodes_) {
    if (nodes_[node].draining && (reopen < 0 || nodes_[node].sessions > nodes_[reopen].sessions)) {
      reopen = node;
    }
  }
  if (reopen >= 0) {
    nodes_[reopen].draining = false;
    return;
  }
  const int node = scheduler_.GrantAvatarNode();
  if (node < 0) return;
  nodes_[node] = Node{true, false, 0};
  for (int g = node * gpus_per_node_; g < (node + 1) * gpus_per_node_; ++g) {
    gpus_[g] = Gpu{};
    gpus_[g].last = sim_.Now();
  }
  granted_nodes_.push_back(node);
}

bool AvatarService::GrowPoolOnce() {
  const size_t before = granted_nodes_.size();
  const int draining = draining_nodes();
  GrowPool();
  return granted_nodes_.size() > before || draining_nodes() < draining;
}

int AvatarService::Place(Session& s) {
  while (!TryPlace(s)) {
    if (!GrowPoolOnce()) return 0;
  }
  return s.gpu_count;
}

void AvatarService::MaybeGrowForHeadroom() {
  const int want = policy_.headroom_nodes * gpus_per_node_;
  while (EmptyGpus() < want && GrowPoolOnce()) {
  }
}

void AvatarService::OnArrival() {
  const double next = arrivals_.Next(sim_.Now().seconds(), arrival_rng_);
  sim_.Schedule(Time::FromSeconds(next), [this] { OnArrival(); });
  const uint64_t number = arrived_++;
  if (spec_.max_sessions > 0 && active_ >= spec_.max_sessions) {
    ++rejected_limit_;
    return;
  }
  const uint32_t id = TakeFreeId(sessions_, free_sessions_);
  Session& s = sessions_[id];
  s = Session{};
  if (Place(s) == 0) {
    ++rejected_capacity_;
    free_sessions_.push_back(id);
    return;
  }
  ++admitted_;
  ++active_;
  active_count_.Set(sim_.Now(), active_);
  s.live = true;
  s.start = sim_.Now();
  s.rng = sim::RandomStream(seed_, stream_base_ + number);
  const double length = DrawSessionLength(s.rng, spec_.session_length);
  sim_.ScheduleAfter(Duration::Seconds(length), [this, id] { OnSessionEnd(id); });
  s.phase = Phase::kListening;
  SetDemand(s, StageDemand(Phase::kListening), spec_.face_idle_share > 0);
  const double user = DrawLognormalMean(s.rng, spec_.user_speaking_mean_s, spec_.turn_sigma);
  s.phase_event = sim_.ScheduleAfter(Duration::Seconds(user), [this, id] { OnPhaseEnd(id); });
  MaybeGrowForHeadroom();
}

double AvatarService::DrawTurnLatency(Session& s) {
  // GPU stages run slower when the session's GPUs are over-committed.
  double load = 0;
  for (int i = 0; i < s.gpu_count; ++i) load = std::max(load, gpus_[s.gpus[i]].demand);
  const double stretch = std::max(1.0, load);
  const double sigma = spec_.latency_sigma;
  auto stage = [&](const StageSpec& st, bool gpu) {
    const double t = DrawLognormalMean(s.rng, st.latency_s, sigma);
    return gpu && st.gpu_share > 0 ? t * stretch : t;
  };
  return stage(spec_.end_of_turn, false) + stage(spec_.asr, true) + stage(spec_.llm, true) +
         stage(spec_.tts, true) + stage(spec_.face, true) + stage(spec_.encode, true) +
         stage(spec_.network, false);
}

void AvatarService::OnPhaseEnd(uint32_t id) {
  Session& s = sessions_[id];
  assert(s.live);
  const bool idle_render = spec_.face_idle_share > 0;
  switch (s.phase) {
    case Phase::kListening: {
      s.phase = Phase::kResponding;
      SetDemand(s, StageDemand(Phase::kResponding), idle_render);
      const double ttff = DrawTurnLatency(s);
      ttff_.Add(ttff);
      if (ttff <= spec_.slo_ttff_p99_s) ++turns_within_slo_;
      s.phase_event = sim_.ScheduleAfter(Duration::Seconds(ttff), [this, id] { OnPhaseEnd(id); });
      return;
    }
    case Phase::kResponding: {
      s.phase = Phase::kSpeaking;
      SetDemand(s, StageDemand(Phase::kSpeaking), true);
      const double d = DrawLognormalMean(s.rng, spec_.agent_speaking_mean_s, spec_.turn_sigma);
      s.phase_event = sim_.ScheduleAfter(Duration::Seconds(d), [this, id] { OnPhaseEnd(id); });
      return;
    }
    case Phase::kSpeaking: {
      s.phase = Phase::kListening;
      SetDemand(s, StageDemand(Phase::kListening), idle_render);
      const double d = DrawLognormalMean(s.rng, spec_.user_speaking_mean_s, spec_.turn_sigma);
      s.phase_event = sim_.ScheduleAfter(Duration::Seconds(d), [this, id] { OnPhaseEnd(id); });
      return;
    }
  }
}

void AvatarService::OnSessionEnd(uint32_t id) {
  Session& s = sessions_[id];
  assert(s.live);
  sim_.Cancel(s.phase_event);
  SetDemand(s, 0, false);
  session_seconds_ += (sim_.Now() - s.start).seconds();
  const int k = s.gpu_count;
  for (int i = 0; i < k; ++i) {
    Gpu& g = gpus_[s.gpus[i]];
    g.reserved_mean = std::max(0.0, g.reserved_mean - mean_share_ / k);
    g.reserved_peak = std::max(0.0, g.reserved_peak - peak_share_ / k);
    --g.sessions;
    --nodes_[NodeOf(s.gpus[i])].sessions;
  }
  reserved_ = std::max(0.0, reserved_ - mean_share_);
  s.live = false;
  free_sessions_.push_back(id);
  --active_;
  active_count_.Set(sim_.Now(), active_);
  for (int i = 0; i < k; ++i) ReleaseNodeIfDrained(NodeOf(s.gpus[i]));
}

void AvatarService::ReleaseNodeIfDrained(int node) {
  Node& n = nodes_[node];
  if (!n.granted || !n.draining || n.sessions > 0) return;
  for (int g = node * gpus_per_node_; g < (node + 1) * gpus_per_node_; ++g) Integrate(gpus_[g]);
  n = Node{};
  granted_nodes_.erase(std::find(granted_nodes_.begin(), granted_nodes_.end(), node));
  scheduler_.ReturnAvatarNode(node);
}

void AvatarService::OnRebalance() {
  sim_.ScheduleAfter(Duration::Seconds(policy_.rebalance_interval_s), [this] { OnRebalance(); });
  // Shrink by one node when more than one node beyond the headroom sits empty.
  const int spare = EmptyGpus() - policy_.headroom_nodes * gpus_per_node_;
  if (spare < gpus_per_node_ + gpus_per_node_ / 2 || granted_nodes_.empty()) return;
  int victim = -1;
  for (int node : granted_nodes_) {
    if (nodes_[node].draining) continue;
    if (victim < 0 || nodes_[node].sessions < nodes_[victim].sessions) victim = node;
  }
  if (victim < 0) return;
  nodes_[victim].draining = true;
  ReleaseNodeIfDrained(victim);
}

void AvatarService::Finish() {
  for (int node : granted_nodes_) {
    for (int g = node * gpus_per_node_; g < (node + 1) * gpus_per_node_; ++g) Integrate(gpus_[g]);
  }
  for (const Session& s : sessions_) {
    if (s.live) session_seconds_ += (sim_.Now() - s.start).seconds();
  }
}

}  // namespace capsim::models
