#include "models/avatar_pipeline.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "models/avatar_draws.h"
#include <string>

namespace capsim::models {

using sim::Duration;
using sim::Time;

namespace {

// ITU-R BT.1359-1 (workloads.md §3): audio early (video late) by up to 45 ms / late by up to
// 125 ms is undetectable; 90 ms early / 185 ms late is acceptable.
constexpr double kAvDetectableLead = 0.045, kAvDetectableLag = 0.125;
constexpr double kAvAcceptableLead = 0.090, kAvAcceptableLag = 0.185;


StreamPoolSpec EncoderPoolSpec(const EncodeSpec& e, const PoolSpec& pool) {
  StreamPoolSpec s;
  s.gpus = e.where == EncodeSpec::Where::kEncoderPool ? e.gpus : pool.nodes * pool.gpus_per_node;
  s.streams_per_gpu = std::max(1, e.streams_per_gpu);
  s.latency_one_s = s.latency_full_s = e.latency_s;
  return s;
}

}  // namespace

Result<std::unique_ptr<AvatarPipeline>> AvatarPipeline::Create(
    sim::Simulator& sim, const AvatarSpec& spec, const PoolSpec& pool, const PolicySpec& policy,
    FleetScheduler& scheduler, const Catalog& catalog, const PerfModel& perf, uint64_t seed,
    uint64_t workload_index) {
  if (!spec.replica) return Status::Error(spec.name + ": no replica-level pipeline (replica:)");
  const AvatarReplicaSpec& rs = *spec.replica;
  const std::string where = "workloads." + spec.name + ".replica";
  const FaceModelSpec* face = catalog.FindFaceModel(rs.face_model);
  if (face == nullptr) return Status::Error(where + ".face_model: unknown '" + rs.face_model + "'");
  const ModelSpec* llm_model = catalog.FindModel(rs.llm.model);
  if (llm_model == nullptr) return Status::Error(where + ".llm.model: unknown '" + rs.llm.model + "'");
  if (rs.gpus_per_replica < 1 || pool.gpus_per_node % rs.gpus_per_replica != 0) {
    return Status::Error(where + ".gpus_per_replica: " + std::to_string(rs.gpus_per_replica) +
                         " must divide the pool's " + std::to_string(pool.gpus_per_node) +
                         " GPUs per node");
  }
  Result<FaceBatchTable> table =
      FaceBatchTable::Create(*face, perf, perf.gpu(), rs, spec.fps, spec.frame_time_cv);
  if (!table.ok()) return Status::Error(where + ": " + table.status().ToString());
  Result<LlmStagePool> llm = LlmStagePool::Create(*llm_model, perf, rs.llm);
  if (!llm.ok()) return Status::Error(where + ".llm: " + llm.status().ToString());
  const int stage_gpus = rs.asr.gpus + rs.tts.gpus + rs.llm.replicas * rs.llm.tp;
  const int stage_nodes = (stage_gpus + pool.gpus_per_node - 1) / pool.gpus_per_node;
  if (stage_nodes + 1 > pool.nodes) {
    return Status::Error(where + ": the ASR, TTS and LLM pools need " + std::to_string(stage_gpus) +
                         " GPUs (" + std::to_string(stage_nodes) + " nodes) plus a face node; pool '" +
                         pool.name + "' has " + std::to_string(pool.nodes) + " nodes");
  }
  std::unique_ptr<AvatarPipeline> p(new AvatarPipeline(sim, spec, pool, policy, scheduler,
                                                       std::move(table).value(),
                                                       std::move(llm).value(), seed, workload_index));
  for (int i = 0; i < stage_nodes; ++i) {
    const int node = scheduler.GrantAvatarNode();
    if (node < 0) {
      return Status::Error(where + ": could not take " + std::to_string(stage_nodes) +
                           " nodes for the ASR, TTS and LLM pools");
    }
    ++p->stage_nodes_;
  }
  return p;
}

AvatarPipeline::AvatarPipeline(sim::Simulator& sim, const AvatarSpec& spec, const PoolSpec& pool,
                               const PolicySpec& policy, FleetScheduler& scheduler,
                               FaceBatchTable table, LlmStagePool llm, uint64_t seed,
                               uint64_t workload_index)
    : sim_(sim),
      spec_(spec),
      rs_(*spec_.replica),
      policy_(policy),
      scheduler_(scheduler),
      gpus_per_node_(pool.gpus_per_node),
      replicas_per_node_(pool.gpus_per_node / spec.replica->gpus_per_replica),
      table_(std::move(table)),
      llm_(std::move(llm)),
      asr_(spec.replica->asr),
      tts_(spec.replica->tts),
      arrivals_(spec.arrivals),
      arrival_rng_(seed, (workload_index << 40) | kArrivalStream),
      seed_(seed),
      stream_base_((workload_index << 40) | kSessionStreamBase),
      nodes_(static_cast<size_t>(pool.nodes)),
      replicas_(static_cast<size_t>(pool.nodes) * replicas_per_node_),
      open_replicas_(table_.session_capacity()),
      active_count_(sim.Now(), 0),
      busy_(sim.Now(), 0),
      face_gpus_held_(sim.Now(), 0),
      encoding_(sim.Now(), 0),
      started_(sim.Now()) {
  if (rs_.encode.where != EncodeSpec::Where::kCpu) encoders_.emplace(EncoderPoolSpec(rs_.encode, pool));
}

int AvatarPipeline::stage_gpus() const {
  return asr_.gpus() + tts_.gpus() + llm_.replicas() * llm_.gpus_per_replica();
}

int AvatarPipeline::encoder_gpus() const {
  return rs_.encode.where == EncodeSpec::Where::kEncoderPool ? rs_.encode.gpus : 0;
}

void AvatarPipeline::Start() {
  started_ = sim_.Now();
  sim_.Schedule(Time::FromSeconds(arrivals_.Next(sim_.Now().seconds(), arrival_rng_)),
                [this] { OnArrival(); });
  sim_.ScheduleAfter(Duration::Seconds(policy_.rebalance_interval_s), [this] { OnRebalance(); });
  MaybeGrowForHeadroom();
}

// --- Admission and the face pool ---------------------------------------------------------------

void AvatarPipeline::OnArrival() {
  sim_.Schedule(Time::FromSeconds(arrivals_.Next(sim_.Now().seconds(), arrival_rng_)),
                [this] { OnArrival(); });
  const uint64_t number = arrived_++;
  if (spec_.max_sessions > 0 && active_ >= spec_.max_sessions) {
    ++rejected_limit_;
    return;
  }
  int encode_gpu = -1;
  if (encoders_) {
    std::optional<StreamPool::Slot> slot = encoders_->TryAcquire();
    if (!slot) {
      ++rejected_encode_;
      return;
    }
    encode_gpu = slot->gpu;
  }
  const int replica = PlaceOnReplica();
  if (replica < 0) {
    if (encode_gpu >= 0) encoders_->Release(encode_gpu);
    ++rejected_face_;
    return;
  }
  const uint32_t id = TakeFreeId(sessions_, free_ids_);
  Session& s = sessions_[id];
  const uint32_t gen = s.gen;
  s = Session{};
  s.gen = gen;
  s.replica = replica;
  s.encode_gpu = encode_gpu;
  s.context = rs_.llm.system_prompt_tokens;
  s.start = sim_.Now();
  s.rng = sim::RandomStream(seed_, stream_base_ + number);
  ++admitted_;
  ++active_;
  active_count_.Set(sim_.Now(), active_);
  encoding_.Set(sim_.Now(), active_);
  if (rs_.render_idle) SetRendering(replica, +1);

  const double length = DrawSessionLength(s.rng, spec_.session_length);
  sim_.ScheduleAfter(Duration::Seconds(length), [this, id, gen] { OnSessionEnd(id, gen); });
  StartListening(id);
  MaybeGrowForHeadroom();
}

int AvatarPipeline::PlaceOnReplica() {
  const int cap = table_.session_capacity();
  int r = open_replicas_.HighestBelow(cap);  // the fullest replica with room: consolidates
  while (r < 0) {
    if (!GrowFace()) return -1;
    r = open_replicas_.HighestBelow(cap);
  }
  FaceReplicaState& rep = replicas_[r];
  ++rep.sessions;
  open_replicas_.SetLevel(r, rep.sessions);
  --free_slots_;
  ++nodes_[NodeOfReplica(r)].sessions;
  return r;
}

bool AvatarPipeline::GrowFace() {
  const int cap = table_.session_capacity();
  int reopen = -1;
  for (int node : face_nodes_) {
    if (nodes_[node].draining && (reopen < 0 || nodes_[node].sessions > nodes_[reopen].sessions)) {
      reopen = node;
    }
  }
  int node = reopen;
  if (node < 0) {
    node = scheduler_.GrantAvatarNode();
    if (node < 0) return false;
    nodes_[node] = NodeState{true, false, 0};
    face_nodes_.push_back(node);
    face_gpus_held_.Set(sim_.Now(), face_gpus());
    for (int j = 0; j < replicas_per_node_; ++j) {
      replicas_[node * replicas_per_node_ + j] = FaceReplicaState{0, 0, sim_.Now().seconds()};
    }
  }
  nodes_[node].draining = false;
  for (int j = 0; j < replicas_per_node_; ++j) {
    const int r = node * replicas_per_node_ + j;
    open_replicas_.Insert(r, replicas_[r].sessions);
    free_slots_ += cap - replicas_[r].sessions;
  }
  return true;
}

void AvatarPipeline::MaybeGrowForHeadroom() {
  const int want = policy_.headroom_nodes * replicas_per_node_ * table_.session_capacity();
  while (free_slots_ < want && GrowFace()) {
  }
}

void AvatarPipeline::LeaveReplica(int replica) {
  FaceReplicaState& rep = replicas_[replica];
  --rep.sessions;
  const int node = NodeOfReplica(replica);
  --nodes_[node].sessions;
  if (nodes_[node].draining) {
    ReleaseFaceNodeIfDrained(node);
  } else {
    open_replicas_.SetLevel(replica, rep.sessions);
    ++free_slots_;
  }
}

void AvatarPipeline::ReleaseFaceNodeIfDrained(int node) {
  NodeState& n = nodes_[node];
  if (!n.face || !n.draining || n.sessions > 0) return;
  for (int j = 0; j < replicas_per_node_; ++j) {
    replicas_[node * replicas_per_node_ + j].Advance(sim_.Now().seconds(), table_, &frames_, &missed_);
  }
  n = NodeState{};
  face_nodes_.erase(std::find(face_nodes_.begin(), face_nodes_.end(), node));
  face_gpus_held_.Set(sim_.Now(), face_gpus());
  scheduler_.ReturnAvatarNode(node);
}

void AvatarPipeline::OnRebalance() {
  sim_.ScheduleAfter(Duration::Seconds(policy_.rebalance_interval_s), [this] { OnRebalance(); });
  const int cap = table_.session_capacity();
  const int node_slots = replicas_per_node_ * cap;
  const int spare = free_slots_ - policy_.headroom_nodes * node_slots;
  if (2 * spare < 3 * node_slots) return;  // keep it unless 1.5 nodes beyond the headroom are free
  int victim = -1;
  for (int node : face_nodes_) {
    if (nodes_[node].draining) continue;
    if (victim < 0 || nodes_[node].sessions < nodes_[victim].sessions) victim = node;
  }
  if (victim < 0) return;
  nodes_[victim].draining = true;
  for (int j = 0; j < replicas_per_node_; ++j) {
    const int r = victim * replicas_per_node_ + j;
    open_replicas_.Remove(r);
    free_slots_ -= cap - replicas_[r].sessions;
  }
  ReleaseFaceNodeIfDrained(victim);
}

void AvatarPipeline::SetRendering(int replica, int delta) {
  FaceReplicaState& rep = replicas_[replica];
  rep.Advance(sim_.Now().seconds(), table_, &frames_, &missed_);
  const double period = table_.frame_interval_s();
  const double gpr = rs_.gpus_per_replica;
  auto busy = [&](int n) { return std::min(1.0, table_.BatchTime(n) / period) * gpr; };
  face_busy_ -= busy(rep.rendering);
  rep.rendering += delta;
  assert(rep.rendering >= 0);
  face_busy_ += busy(rep.rendering);
  UpdateBusy();
}

void AvatarPipeline::UpdateBusy() {
  const double asr = static_cast<double>(asr_.in_use()) / std::max(1, rs_.asr.streams_per_gpu);
  const double tts = static_cast<double>(tts_.in_use()) / std::max(1, rs_.tts.streams_per_gpu);
  const double llm = std::min(llm_.replicas(), llm_.active()) * llm_.gpus_per_replica();
  busy_.Set(sim_.Now(), std::max(0.0, face_busy_) + asr + tts + llm);
}

// --- The turn: ASR -> LLM -> TTS -> face -------------------------------------------------------

void AvatarPipeline::StartListening(uint32_t id) {
  Session& s = sessions_[id];
  s.phase = Phase::kListening;
  s.speech_over = false;
  const uint32_t gen = s.gen;
  const double d = DrawLognormalMean(s.rng, spec_.user_speaking_mean_s, spec_.turn_sigma);
  sim_.ScheduleAfter(Duration::Seconds(d), [this, id, gen] { OnUserSpeechEnd(id, gen); });
  if (std::optional<StreamPool::Slot> slot = asr_.TryAcquire()) {
    GrantAsr(id, *slot);
  } else {
    asr_queue_.push_back({id, gen});
    ++asr_waits_;
  }
  UpdateBusy();
}

void AvatarPipeline::GrantAsr(uint32_t id, const StreamPool::Slot& slot) {
  Session& s = sessions_[id];
  s.asr_gpu = slot.gpu;
  s.asr_latency = slot.latency_s;
  if (!s.speech_over) return;
  // The user finished while the audio waited for a slot: ASR catches up on it at once.
  const double eot = DrawLognormalMean(s.rng, spec_.end_of_turn.latency_s, spec_.latency_sigma);
  const double at = std::max(sim_.Now().seconds(), s.speech_end_s + eot) + s.asr_latency;
  const uint32_t gen = s.gen;
  sim_.Schedule(Time::FromSeconds(at), [this, id, gen] { OnLlmStart(id, gen); });
}

void AvatarPipeline::OnUserSpeechEnd(uint32_t id, uint32_t gen) {
  if (!LiveEvent(id, gen)) return;
  Session& s = sessions_[id];
  s.phase = Phase::kResponding;
  s.speech_end_s = sim_.Now().seconds();
  if (s.asr_gpu < 0) {
    s.speech_over = true;  // GrantAsr schedules the LLM when a slot frees
    return;
  }
  const double eot = DrawLognormalMean(s.rng, spec_.end_of_turn.latency_s, spec_.latency_sigma);
  sim_.ScheduleAfter(Duration::Seconds(eot + s.asr_latency), [this, id, gen] { OnLlmStart(id, gen); });
}

void AvatarPipeline::OnLlmStart(uint32_t id, uint32_t gen) {
  if (!LiveEvent(id, gen)) return;
  ReleaseAsr(sessions_[id]);
  if (!llm_queue_.empty() || !StartReply(id)) {
    llm_queue_.push_back({id, gen});
    ++llm_waits_;
  }
}

bool AvatarPipeline::StartReply(uint32_t id) {
  Session& s = sessions_[id];
  const AvatarLlmSpec& l = rs_.llm;
  const int64_t fresh = l.prefix_cache ? (s.turn == 0 ? s.context : 0) + l.tokens_per_turn
                                       : s.context + l.tokens_per_turn;
  std::optional<LlmStagePool::Reply> reply =
      llm_.TryStart(fresh, s.context + l.tokens_per_turn, s.rng.Uniform());
  if (!reply) return false;
  s.context += l.tokens_per_turn;
  llm_ttft_.Add(reply->ttft_s);
  const uint32_t gen = s.gen;
  const int replica = reply->replica;
  const int64_t kv = reply->kv_tokens;
  sim_.ScheduleAfter(Duration::Seconds(reply->first_chunk_s), [this, id, gen] { OnFirstChunk(id, gen); });
  sim_.ScheduleAfter(Duration::Seconds(reply->done_s), [this, replica, kv] { ReleaseLlm(replica, kv); });
  UpdateBusy();
  return true;
}

void AvatarPipeline::ReleaseLlm(int replica, int64_t kv_tokens) {
  llm_.Finish(replica, kv_tokens);
  // First come, first served: the head of the queue goes first or nobody does.
  while (!llm_queue_.empty()) {
    const Waiter w = llm_queue_.front();
    if (!LiveEvent(w.id, w.gen)) {
      llm_queue_.pop_front();
      continue;
    }
    if (!StartReply(w.id)) break;
    llm_queue_.pop_front();
  }
  UpdateBusy();
}

void AvatarPipeline::OnFirstChunk(uint32_t id, uint32_t gen) {
  if (!LiveEvent(id, gen)) return;
  if (std::optional<StreamPool::Slot> slot = tts_.TryAcquire()) {
    StartTts(id, *slot);
  } else {
    tts_queue_.push_back({id, gen});
    ++tts_waits_;
  }
}

void AvatarPipeline::StartTts(uint32_t id, const StreamPool::Slot& slot) {
  Session& s = sessions_[id];
  s.tts_gpu = slot.gpu;
  const uint32_t gen = s.gen;
  sim_.ScheduleAfter(Duration::Seconds(slot.latency_s), [this, id, gen] { OnAudioReady(id, gen); });
  UpdateBusy();
}

void AvatarPipeline::OnAudioReady(uint32_t id, uint32_t gen) {
  if (!LiveEvent(id, gen)) return;
  Session& s = sessions_[id];
  s.phase = Phase::kSpeaking;
  if (!rs_.render_idle) SetRendering(s.replica, +1);
  const double now = sim_.Now().seconds();
  const double period = table_.frame_interval_s();
  const double batch = table_.BatchTime(replicas_[s.replica].rendering);
  // One interval of audio look-ahead, the wait for the replica's next batch, the batch itself.
  const double frame_ready = now + period + s.rng.Uniform() * period + batch;
  const double network = spec_.network.latency_s;
  const double video = frame_ready + rs_.encode.latency_s + network;
  const double audio = now + network;
  ttfa_.Add(audio - s.speech_end_s);
  ttff_.Add(video - s.speech_end_s);
  // Positive: video behind audio. Held audio waits for the first frame; what remains is how far
  // the replica's batches run behind their deadlines.
  const double offset = rs_.hold_audio ? std::max(0.0, batch - period) : video - audio;
  av_offset_.Add(std::max(0.0, offset));
  if (offset <= kAvAcceptableLead && offset >= -kAvAcceptableLag) ++av_acceptable_;
  if (offset <= kAvDetectableLead && offset >= -kAvDetectableLag) ++av_detectable_;
  ++s.turn;
  const double d = DrawLognormalMean(s.rng, spec_.agent_speaking_mean_s, spec_.turn_sigma);
  sim_.ScheduleAfter(Duration::Seconds(d), [this, id, gen] { OnSpeakingEnd(id, gen); });
}

void AvatarPipeline::OnSpeakingEnd(uint32_t id, uint32_t gen) {
  if (!LiveEvent(id, gen)) return;
  Session& s = sessions_[id];
  if (!rs_.render_idle) SetRendering(s.replica, -1);
  ReleaseTts(s);
  StartListening(id);
}

std::optional<uint32_t> AvatarPipeline::NextWaiter(std::deque<Waiter>& q) {
  while (!q.empty()) {
    const Waiter w = q.front();
    q.pop_front();
    if (LiveEvent(w.id, w.gen)) return w.id;
  }
  return std::nullopt;
}

void AvatarPipeline::ReleaseAsr(Session& s) {
  if (s.asr_gpu < 0) return;
  asr_.Release(s.asr_gpu);
  s.asr_gpu = -1;
  if (std::optional<uint32_t> next = NextWaiter(asr_queue_)) {
    std::optional<StreamPool::Slot> slot = asr_.TryAcquire();
    assert(slot);
    GrantAsr(*next, *slot);
  }
  UpdateBusy();
}

void AvatarPipeline::ReleaseTts(Session& s) {
  if (s.tts_gpu < 0) return;
  tts_.Release(s.tts_gpu);
  s.tts_gpu = -1;
  if (std::optional<uint32_t> next = NextWaiter(tts_queue_)) {
    std::optional<StreamPool::Slot> slot = tts_.TryAcquire();
    assert(slot);
    StartTts(*next, *slot);
  }
  UpdateBusy();
}

void AvatarPipeline::OnSessionEnd(uint32_t id, uint32_t gen) {
  if (!LiveEvent(id, gen)) return;
  Session& s = sessions_[id];
  const bool rendering = rs_.render_idle || s.phase == Phase::kSpeaking;
  // End it first: events and queue entries of this generation are stale from here on.
  s.phase = Phase::kEnded;
  ++s.gen;
  if (rendering) SetRendering(s.replica, -1);
  ReleaseAsr(s);
  ReleaseTts(s);
  if (s.encode_gpu >= 0) encoders_->Release(s.encode_gpu);
  session_seconds_ += (sim_.Now() - s.start).seconds();
  LeaveReplica(s.replica);
  free_ids_.push_back(id);
  --active_;
  ++ended_;
  active_count_.Set(sim_.Now(), active_);
  encoding_.Set(sim_.Now(), active_);
  UpdateBusy();
}

void AvatarPipeline::AdvanceFrames() {
  const double now = sim_.Now().seconds();
  for (int node : face_nodes_) {
    for (int j = 0; j < replicas_per_node_; ++j) {
      replicas_[node * replicas_per_node_ + j].Advance(now, table_, &frames_, &missed_);
    }
  }
}

void AvatarPipeline::ResetLatencies() {
  ttff_ = sim::QuantileSketch(ttff_.relative_accuracy());
  ttfa_ = sim::QuantileSketch(ttfa_.relative_accuracy());
  av_offset_ = sim::QuantileSketch(av_offset_.relative_accuracy());
  llm_ttft_ = sim::QuantileSketch(llm_ttft_.relative_accuracy());
  av_acceptable_ = av_detectable_ = 0;
}

void AvatarPipeline::Finish() {
  AdvanceFrames();
  for (const Session& s : sessions_) {
    if (s.phase != Phase::kEnded) session_seconds_ += (sim_.Now() - s.start).seconds();
  }
}

// --- Accounting ----------------------------------------------------------------------------------

AvatarPipeline::StageGpuSeconds AvatarPipeline::HeldGpuSeconds() const {
  const double elapsed = (sim_.Now() - started_).seconds();
  StageGpuSeconds g;
  g.face = face_gpus_held_.Integral(sim_.Now());
  g.asr = asr_.gpus() * elapsed;
  g.tts = tts_.gpus() * elapsed;
  g.llm = llm_.replicas() * llm_.gpus_per_replica() * elapsed;
  g.encode = encoder_gpus() * elapsed;
  return g;
}

double AvatarPipeline::mean_share() const {
  return session_seconds_ > 0 ? HeldGpuSeconds().total() / session_seconds_ : 0;
}

std::vector<SummaryMetric> AvatarPipeline::ExtraSummary() const {
  std::vector<SummaryMetric> m;
  auto add = [&](const std::string& key, double v, const char* units, const std::string& name) {
    m.push_back({"avatar." + key, v, units, name});
  };
  const double turns = static_cast<double>(ttff_.count());
  add("fidelity_replica", 1, "1", "avatars simulated at replica level (1 = yes)");
  add("ttff_p95_s", ttff_.Quantile(0.95), "s", "time to first frame p95");
  add("ttfa_p50_s", ttfa_.Quantile(0.5), "s", "time to first audio p50");
  add("ttfa_p95_s", ttfa_.Quantile(0.95), "s", "time to first audio p95");
  add("ttfa_p99_s", ttfa_.Quantile(0.99), "s", "time to first audio p99");
  add("llm_ttft_p50_s", llm_ttft_.Quantile(0.5), "s", "dialogue LLM time to first token p50");
  add("llm_ttft_p99_s", llm_ttft_.Quantile(0.99), "s", "dialogue LLM time to first token p99");
  add("av_offset_p50_s", av_offset_.Quantile(0.5), "s", "video behind audio at a turn's start, p50");
  add("av_offset_p99_s", av_offset_.Quantile(0.99), "s", "video behind audio at a turn's start, p99");
  add("av_acceptable_fraction", turns > 0 ? av_acceptable_ / turns : 0, "1",
      "turns within the ITU-R BT.1359 acceptable A/V window (90 ms early, 185 ms late)");
  add("av_undetectable_fraction", turns > 0 ? av_detectable_ / turns : 0, "1",
      "turns within the ITU-R BT.1359 detectability window (45 ms early, 125 ms late)");
  add("rejected_by_face", static_cast<double>(rejected_face_), "1", "rejected: no face replica slot");
  add("rejected_by_encode", static_cast<double>(rejected_encode_), "1", "rejected: no encoder slot");
  add("sessions_ended", static_cast<double>(ended_), "1", "sessions that ended in the horizon");
  add("asr_waits", static_cast<double>(asr_waits_), "1", "user turns that waited for an ASR slot");
  add("llm_waits", static_cast<double>(llm_waits_), "1", "replies that waited for an LLM slot");
  add("tts_waits", static_cast<double>(tts_waits_), "1", "replies that waited for a TTS slot");
  add("face_render_capacity", table_.render_capacity(), "1",
      "streams one face replica renders within the frame budget");
  add("face_session_capacity", table_.session_capacity(), "1", "sessions placed per face replica");
  add("face_batch_time_s", table_.BatchTime(table_.render_capacity()), "s",
      "face batch time at the render capacity");
  add("face_gpus_peak", face_gpus_held_.max(), "GPU", "peak GPUs of face replicas");
  add("stage_gpus", stage_gpus(), "GPU", "GPUs of the ASR, TTS and LLM pools");
  add("encoder_gpus", encoder_gpus(), "GPU", "GPUs of the encoder pool (outside the scenario pool)");
  const StageGpuSeconds g = HeldGpuSeconds();
  const double minutes = session_seconds_ / 60.0;
  auto per_min = [&](double s) { return minutes > 0 ? s / minutes : 0; };
  add("gpu_s_per_min.face", per_min(g.face), "GPU s/min", "face GPU-seconds per avatar-minute");
  add("gpu_s_per_min.asr", per_min(g.asr), "GPU s/min", "ASR GPU-seconds per avatar-minute");
  add("gpu_s_per_min.llm", per_min(g.llm), "GPU s/min", "LLM GPU-seconds per avatar-minute");
  add("gpu_s_per_min.tts", per_min(g.tts), "GPU s/min", "TTS GPU-seconds per avatar-minute");
  add("gpu_s_per_min.encode", per_min(g.encode), "GPU s/min",
      "encoder-pool GPU-seconds per avatar-minute");
  add("gpu_s_per_min.total", per_min(g.total()), "GPU s/min", "GPU-seconds per avatar-minute");
  const double elapsed = (sim_.Now() - started_).seconds();
  const double mean_gpus = elapsed > 0 ? g.total() / elapsed : 0;
  add("sessions_per_gpu", mean_gpus > 0 ? MeanSessions() / mean_gpus : 0, "1/GPU",
      "mean sessions per GPU held (face, stage and encoder pools)");
  const double cores = rs_.encode.where == EncodeSpec::Where::kCpu ? rs_.encode.cpu_cores_per_stream : 0;
  add("encode_cpu_cores_mean", cores * encoding_.Mean(sim_.Now()), "1", "CPU cores encoding, mean");
  add("encode_cpu_cores_peak", cores * encoding_.max(), "1", "CPU cores encoding, peak");
  return m;
}

}  // namespace capsim::models
