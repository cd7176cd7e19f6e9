#include "models/avatar_session_pool.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>

#include "models/avatar_draws.h"

namespace capsim::models {

using sim::Duration;
using sim::Time;

namespace {

// The turn cycle's mean length split into its phases, as AvatarService times them.
struct TurnCycle {
  double user;
  double response;
  double agent;
  double total;
};

TurnCycle CycleOf(const AvatarSpec& spec) {
  const double response = spec.end_of_turn.latency_s + spec.asr.latency_s + spec.llm.latency_s +
                          spec.tts.latency_s + spec.face.latency_s + spec.encode.latency_s +
                          spec.network.latency_s;
  const double user = spec.user_speaking_mean_s;
  const double agent = spec.agent_speaking_mean_s;
  return {user, response, agent, user + response + agent};
}

// More slots per node than this count as unlimited (sessions without a GPU share).
constexpr double kMaxSlotsPerNode = 1e9;

}  // namespace

double MeanSessionShare(const AvatarSpec& spec) {
  // The GPU share of each phase, as AvatarService::StageDemand.
  const double idle_face = spec.face_idle_share;
  const double listening = spec.asr.gpu_share + idle_face + spec.encode.gpu_share;
  const double responding = spec.llm.gpu_share + idle_face + spec.encode.gpu_share;
  const double speaking = spec.tts.gpu_share + spec.face.gpu_share + spec.encode.gpu_share;
  const TurnCycle c = CycleOf(spec);
  return (listening * c.user + responding * c.response + speaking * c.agent) / c.total;
}

double RenderingFraction(const AvatarSpec& spec) {
  if (spec.face_idle_share > 0) return 1.0;
  const TurnCycle c = CycleOf(spec);
  return c.total > 0 ? c.agent / c.total : 0.0;
}

double AggregateSessionsPerGpu(const AvatarSpec& spec) {
  if (spec.aggregate && spec.aggregate->sessions_per_gpu > 0)
    return spec.aggregate->sessions_per_gpu;
  const double share = MeanSessionShare(spec);
  return share > 0 ? spec.gpu_load_target / share : kMaxSlotsPerNode;
}

AvatarSessionPool::AvatarSessionPool(sim::Simulator& sim, const AvatarSpec& spec,
                                     const PoolSpec& pool, const PolicySpec& policy,
                                     FleetScheduler& scheduler, uint64_t seed,
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
      mean_share_(MeanSessionShare(spec)),
      rendering_fraction_(RenderingFraction(spec)),
      sessions_per_gpu_(AggregateSessionsPerGpu(spec)),
      length_params_(
          sim::LognormalFromMedianMean(spec.session_length.median, spec.session_length.mean)),
      active_count_(sim.Now(), 0),
      granted_count_(sim.Now(), 0) {
  // Whole slots per node (a small tolerance so that e.g. 0.85 / 0.425 x 8 gives 16, not 15).
  const double per_node = std::min(sessions_per_gpu_ * gpus_per_node_, kMaxSlotsPerNode);
  slots_per_node_ = static_cast<int64_t>(std::floor(per_node + 1e-9));
  for (const StageSpec* st : {&spec.end_of_turn, &spec.asr, &spec.llm, &spec.tts, &spec.face,
                              &spec.encode, &spec.network}) {
    if (st->latency_s <= 0) continue;
    fixed_ttff_s_ += st->latency_s;
    if (spec.latency_sigma > 0) {
      stage_params_.push_back(sim::LognormalFromMeanSigma(st->latency_s, spec.latency_sigma));
    }
  }
}

void AvatarSessionPool::Start() {
  const double first = arrivals_.Next(sim_.Now().seconds(), arrival_rng_);
  sim_.Schedule(Time::FromSeconds(first), [this] { OnArrival(); });
  sim_.ScheduleAfter(Duration::Seconds(policy_.rebalance_interval_s), [this] { OnRebalance(); });
}

bool AvatarSessionPool::GrowPoolOnce() {
  // A node without a whole slot would serve nobody: never take one.
  if (slots_per_node_ <= 0) return false;
  const int node = scheduler_.GrantAvatarNode();
  if (node < 0) return false;
  granted_nodes_.push_back(node);
  granted_count_.Set(sim_.Now(), static_cast<double>(granted_gpus()));
  const double load_s = spec_.aggregate ? spec_.aggregate->load_time_s : 0;
  if (load_s > 0) {
    ++loading_nodes_;
    sim_.ScheduleAfter(Duration::Seconds(load_s), [this] { --loading_nodes_; });
  }
  return true;
}

double AvatarSessionPool::DrawTtff(sim::RandomStream& rng) const {
  if (spec_.latency_sigma <= 0) return fixed_ttff_s_;  // deterministic stages
  double t = 0;
  for (const sim::LognormalParams& p : stage_params_) t += rng.Lognormal(p.mu, p.sigma);
  return t;
}

void AvatarSessionPool::OnArrival() {
  const double next = arrivals_.Next(sim_.Now().seconds(), arrival_rng_);
  sim_.Schedule(Time::FromSeconds(next), [this] { OnArrival(); });
  const uint64_t number = arrived_++;
  if (spec_.max_sessions > 0 && active_ >= spec_.max_sessions) {
    ++rejected_limit_;
    return;
  }
  // With no free slot, a node is asked for; it serves at once unless it must load first (then
  // this session is turned away and later ones use it).
  if (free_slots() <= 0) {
    if (free_slots() + loading_nodes_ * slots_per_node_ <= 0) GrowPoolOnce();
    if (free_slots() <= 0) {
      ++rejected_capacity_;
      return;
    }
  }
  ++admitted_;
  ++active_;
  active_count_.Set(sim_.Now(), static_cast<double>(active_));
  // The session's own stream, as AvatarService: its length first, then its first turn's stages.
  sim::RandomStream rng(seed_, stream_base_ + number);
  double length = rng.Lognormal(length_params_.mu, length_params_.sigma);
  if (spec_.session_length.cap > 0) length = std::min(length, spec_.session_length.cap);
  sim_.ScheduleAfter(Duration::Seconds(length), [this] { OnSessionEnd(); });
  ttff_.Add(DrawTtff(rng));
  // Keep headroom_nodes nodes' worth of slots free (counting the nodes still loading).
  const int64_t want = static_cast<int64_t>(policy_.headroom_nodes) * slots_per_node_;
  while (free_slots() + loading_nodes_ * slots_per_node_ < want && GrowPoolOnce()) {
  }
}

void AvatarSessionPool::OnSessionEnd() {
  assert(active_ > 0);
  --active_;
  active_count_.Set(sim_.Now(), static_cast<double>(active_));
}

void AvatarSessionPool::OnRebalance() {
  sim_.ScheduleAfter(Duration::Seconds(policy_.rebalance_interval_s), [this] { OnRebalance(); });
  if (granted_nodes_.empty() || loading_nodes_ > 0) return;
  // Return one node when at least 1.5 nodes' worth of slots beyond the headroom are free; its
  // sessions (if any) are considered repacked onto the free slots of the other nodes.
  const int64_t spare =
      free_slots() - static_cast<int64_t>(policy_.headroom_nodes) * slots_per_node_;
  if (spare < slots_per_node_ + (slots_per_node_ + 1) / 2) return;
  const int node = granted_nodes_.back();
  granted_nodes_.pop_back();
  granted_count_.Set(sim_.Now(), static_cast<double>(granted_gpus()));
  scheduler_.ReturnAvatarNode(node);
}

std::vector<SummaryMetric> AvatarSessionPool::ExtraSummary() const {
  std::vector<SummaryMetric> m;
  auto add = [&](const char* key, double v, const char* units, const char* name) {
    m.push_back({std::string("avatar.") + key, v, units, name});
  };
  add("fidelity_aggregate", 1, "1", "avatars simulated at session level (1 = yes)");
  add("sessions_per_gpu", sessions_per_gpu_, "1/GPU",
      "sessions packed per GPU (aggregate model: slot density)");
  add("slots_per_node", static_cast<double>(slots_per_node_), "1", "session slots per node");
  const double gpus = MeanGrantedGpus();
  add("held_sessions_per_gpu", gpus > 0 ? MeanSessions() / gpus : 0, "1/GPU",
      "mean sessions per GPU held (headroom included)");
  add("granted_gpus_peak", granted_count_.max(), "GPU", "peak GPUs held by the avatar pool");
  return m;
}

}  // namespace capsim::models
