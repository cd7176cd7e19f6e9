#ifndef CAPSIM_MODELS_AVATAR_PIPELINE_H_
#define CAPSIM_MODELS_AVATAR_PIPELINE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "models/avatar_workload.h"
#include "models/diurnal_arrivals.h"
#include "models/face_replica.h"
#include "models/fleet_scheduler.h"
#include "models/level_buckets.h"
#include "models/llm_stage.h"
#include "models/stream_pool.h"
#include "sim/random.h"
#include "sim/simulator.h"
#include "sim/statistics.h"

namespace capsim::models {

// Avatar sessions at replica level (AvatarSpec::replica): every turn goes through the stage
// pools, and frames are rendered by face-model replicas that batch the streams placed on them.
//
// A session alternates user speaking (holding a streaming-ASR slot) -> end of turn (detection
// latency, ASR finalisation) -> an LLM reply on the LLM pool (prefill of the turn's new tokens
// over the dialogue so far, then decoding) -> TTS once the reply's first chunk exists (holding a
// TTS slot while the agent speaks) -> the face replica renders the session's frames while the
// agent speaks (and while it listens when render_idle) -> encode -> network. Every stage with no
// free slot queues first-come first-served. Time to first audio and time to first frame are
// measured per turn from the end of the user's speech; the first frame comes one frame interval
// of audio look-ahead, the wait for the replica's next batch and that batch's priced time after
// the first audio. Frames and deadline misses are integrated analytically between changes of a
// replica's rendering count (FaceBatchTable), so events scale with turns, not frames.
//
// Face replicas live on nodes granted by the FleetScheduler one at a time (kept with
// headroom_nodes of free session slots, drained when idle), as the fleet-level service does;
// the ASR, TTS and LLM GPUs sit on nodes granted once at construction. An encoder pool (e.g. L4)
// is outside the scenario pool. Admission rejects a session at the max_sessions limit, when no
// face replica has room, or when no encoder slot is free.
//
//   Result<std::unique_ptr<AvatarPipeline>> p =
//       AvatarPipeline::Create(sim, spec, pool, policy, scheduler, catalog, perf, seed, 0);
//   p.value()->Start();
//   sim.RunUntil(end);
//   p.value()->Finish();
class AvatarPipeline : public AvatarWorkload {
 public:
  // Errors: spec.replica absent, catalog names it references missing, a face model that cannot
  // render one stream within the budget, stage pools larger than the pool can hold, or
  // gpus_per_replica not dividing the node. Grants the stage nodes from `scheduler` (call before
  // the scheduler hands idle nodes to jobs).
  static Result<std::unique_ptr<AvatarPipeline>> Create(sim::Simulator& sim, const AvatarSpec& spec,
                                                        const PoolSpec& pool,
                                                        const PolicySpec& policy,
                                                        FleetScheduler& scheduler,
                                                        const Catalog& catalog,
                                                        const PerfModel& perf, uint64_t seed,
                                                        uint64_t workload_index);
  AvatarPipeline(const AvatarPipeline&) = delete;
  AvatarPipeline& operator=(const AvatarPipeline&) = delete;

  void Start() override;
  void Finish() override;

  const AvatarSpec& spec() const override { return spec_; }
  double ArrivalRate(double t_s) const override { return arrivals_.Rate(t_s); }
  uint64_t sessions_arrived() const override { return arrived_; }
  uint64_t sessions_admitted() const override { return admitted_; }
  uint64_t rejected_by_limit() const override { return rejected_limit_; }
  uint64_t rejected_by_capacity() const override { return rejected_face_ + rejected_encode_; }
  uint64_t rejected_by_face() const { return rejected_face_; }
  uint64_t rejected_by_encode() const { return rejected_encode_; }
  uint64_t turns() const override { return ttff_.count(); }
  uint64_t sessions_ended() const { return ended_; }
  int active_sessions() const override { return active_; }
  double PeakSessions() const override { return active_count_.max(); }
  double MeanSessions() const override { return active_count_.Mean(sim_.Now()); }
  const sim::QuantileSketch& ttff() const override { return ttff_; }
  const sim::QuantileSketch& ttfa() const { return ttfa_; }
  const sim::QuantileSketch& av_offset() const { return av_offset_; }
  const sim::QuantileSketch& llm_ttft() const { return llm_ttft_; }
  double frames() const override { return frames_; }
  double missed_frames() const override { return missed_; }
  double session_seconds() const override { return session_seconds_; }
  double demand() const override { return busy_.value(); }
  double DemandGpuSeconds() const override { return busy_.Integral(sim_.Now()); }
  int granted_gpus() const override { return face_gpus() + stage_nodes_ * gpus_per_node_; }
  double mean_share() const override;
  std::vector<SummaryMetric> ExtraSummary() const override;

  // Brings every face replica's frame counts up to Now() (Finish() does this too).
  void AdvanceFrames();
  // Forgets the latency distributions so far (a load test's warm-up).
  void ResetLatencies();
  // Integral of the concurrent-session count from the start (session-seconds, live ones included).
  double ActiveSessionSeconds() const { return active_count_.Integral(sim_.Now()); }

  const FaceBatchTable& face_table() const { return table_; }
  int face_gpus() const { return static_cast<int>(face_nodes_.size()) * gpus_per_node_; }
  // GPUs of the stage pools (ASR + TTS + LLM) and of the encoder pool.
  int stage_gpus() const;
  int encoder_gpus() const;
  // GPU-seconds held so far by stage: face, asr, tts, llm, encode (encoder pool).
  struct StageGpuSeconds {
    double face = 0, asr = 0, tts = 0, llm = 0, encode = 0;
    double total() const { return face + asr + tts + llm + encode; }
  };
  StageGpuSeconds HeldGpuSeconds() const;

 private:
  enum class Phase : uint8_t { kListening, kResponding, kSpeaking, kEnded };
  struct Session {
    Phase phase = Phase::kEnded;
    uint32_t gen = 0;          // bumps when the session ends: stale events and waiters ignored
    int replica = -1;
    int encode_gpu = -1;
    int asr_gpu = -1;          // -1: none (waiting or not listening)
    int tts_gpu = -1;
    double asr_latency = 0;
    bool speech_over = false;  // the user finished speaking while waiting for an ASR slot
    double speech_end_s = 0;   // end of the user's speech of the current turn
    int64_t context = 0;       // dialogue tokens so far
    int turn = 0;
    sim::Time start;
    sim::RandomStream rng{0, 0};
  };
  struct Waiter {
    uint32_t id;
    uint32_t gen;
  };
  struct NodeState {
    bool face = false;
    bool draining = false;
    int sessions = 0;
  };

  AvatarPipeline(sim::Simulator& sim, const AvatarSpec& spec, const PoolSpec& pool,
                 const PolicySpec& policy, FleetScheduler& scheduler, FaceBatchTable table,
                 LlmStagePool llm, uint64_t seed, uint64_t workload_index);

  void OnArrival();
  void OnSessionEnd(uint32_t id, uint32_t gen);
  void OnUserSpeechEnd(uint32_t id, uint32_t gen);
  void OnLlmStart(uint32_t id, uint32_t gen);
  void OnFirstChunk(uint32_t id, uint32_t gen);
  void OnAudioReady(uint32_t id, uint32_t gen);
  void OnSpeakingEnd(uint32_t id, uint32_t gen);
  void OnRebalance();

  void StartListening(uint32_t id);
  void GrantAsr(uint32_t id, const StreamPool::Slot& slot);
  // Starts the session's LLM reply; false when no replica has room.
  bool StartReply(uint32_t id);
  void StartTts(uint32_t id, const StreamPool::Slot& slot);
  void ReleaseAsr(Session& s);
  void ReleaseTts(Session& s);
  void ReleaseLlm(int replica, int64_t kv_tokens);
  // Pops the first live waiter of `q` (nullopt when none).
  std::optional<uint32_t> NextWaiter(std::deque<Waiter>& q);

  bool LiveEvent(uint32_t id, uint32_t gen) const {
    return sessions_[id].gen == gen && sessions_[id].phase != Phase::kEnded;
  }
  // Face placement and the pool of face nodes.
  int PlaceOnReplica();
  bool GrowFace();
  void MaybeGrowForHeadroom();
  void LeaveReplica(int replica);
  void ReleaseFaceNodeIfDrained(int node);
  void SetRendering(int replica, int delta);
  void UpdateBusy();
  int NodeOfReplica(int replica) const { return replica / replicas_per_node_; }

  sim::Simulator& sim_;
  AvatarSpec spec_;
  const AvatarReplicaSpec& rs_;  // *spec_.replica
  PolicySpec policy_;
  FleetScheduler& scheduler_;
  int gpus_per_node_;
  int replicas_per_node_;
  FaceBatchTable table_;
  LlmStagePool llm_;
  StreamPool asr_;
  StreamPool tts_;
  std::optional<StreamPool> encoders_;  // kEncoderPool / kPoolGpu
  ArrivalProcess arrivals_;
  sim::RandomStream arrival_rng_;
  uint64_t seed_;
  uint64_t stream_base_;
  int stage_nodes_ = 0;

  std::vector<Session> sessions_;
  std::vector<uint32_t> free_ids_;
  std::deque<Waiter> asr_queue_, tts_queue_, llm_queue_;
  std::vector<NodeState> nodes_;
  std::vector<int> face_nodes_;      // granted face nodes (draining included)
  std::vector<FaceReplicaState> replicas_;  // indexed node * replicas_per_node + j
  LevelBuckets open_replicas_;       // non-draining face replicas by session count
  int free_slots_ = 0;               // session slots free on non-draining replicas
  double face_busy_ = 0;             // GPUs busy rendering now

  uint64_t arrived_ = 0, admitted_ = 0, ended_ = 0;
  uint64_t rejected_limit_ = 0, rejected_face_ = 0, rejected_encode_ = 0;
  uint64_t asr_waits_ = 0, tts_waits_ = 0, llm_waits_ = 0;
  int active_ = 0;
  double frames_ = 0, missed_ = 0, session_seconds_ = 0;
  sim::TimeWeighted active_count_;
  sim::TimeWeighted busy_;
  sim::TimeWeighted face_gpus_held_;
  sim::TimeWeighted encoding_;       // streams being encoded (all active sessions)
  sim::Time started_;
  sim::QuantileSketch ttff_{0.005};
  sim::QuantileSketch ttfa_{0.005};
  sim::QuantileSketch av_offset_{0.005};
  sim::QuantileSketch llm_ttft_{0.005};
  uint64_t av_acceptable_ = 0, av_detectable_ = 0;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_AVATAR_PIPELINE_H_
