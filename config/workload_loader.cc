#include "config/workload_loader.h"

#include <algorithm>
#include <map>

#include "config/avatar_replica_loader.h"
#include "config/loader_parts.h"
#include "config/serving_loader.h"
#include "config/suggest.h"

namespace capsim::config {
namespace {

// Avatar stage defaults used when a stage (or one of its keys) is absent. All ESTIMATE.
// End of turn: 40-80 ms end-of-turn detection (workloads.md §1, §3).
constexpr double kDefaultEndOfTurnLatencyS = 0.060;
// Streaming ASR: 80-150 ms; 1/32 GPU while the user speaks (workloads.md §1; 16/H100 in §4).
constexpr double kDefaultAsrLatencyS = 0.100;
constexpr double kDefaultAsrGpuShare = 1.0 / 32;
// LLM 8B: first token 200-350 ms in the cascaded budget (workloads.md §3); 0.01 GPU per
// generating stream (workloads.md §1).
constexpr double kDefaultLlmLatencyS = 0.250;
constexpr double kDefaultLlmGpuShare = 0.01;
// TTS: first chunk 150-250 ms (workloads.md §3); 1/8 GPU while the agent speaks (workloads.md
// §1; Cartesia Sonic 8 streams per H100, §4).
constexpr double kDefaultTtsLatencyS = 0.150;
constexpr double kDefaultTtsGpuShare = 1.0 / 8;
// Paste-back + encode: 10-40 ms (workloads.md §1); 0 GPU share because H100 has no NVENC and
// encodes on the CPU (hardware.md §1, workloads.md §3).
constexpr double kDefaultEncodeLatencyS = 0.020;
constexpr double kDefaultEncodeGpuShare = 0;
// WebRTC transport: 30-60 ms (workloads.md §1, §3).
constexpr double kDefaultNetworkLatencyS = 0.050;
// The face stage defaults come from the catalog tier (workloads.md §1).

const std::vector<std::string> kKinds = {"avatar", "training", "distillation", "llm-serving"};
const std::vector<std::string> kAvatarKeys = {
    "name",           "kind",  "tier",          "fps",           "arrivals",
    "session_length", "turns", "latency_sigma", "frame_time_cv", "stages",
    "admission",      "slo",   "replica",       "aggregate",     "pool"};
const std::vector<std::string> kTrainingKeys = {"name",   "kind",       "model",      "gpus",
                                                "tokens", "efficiency", "checkpoint", "parallelism",
                                                "batch",  "pool"};
const std::vector<std::string> kDistillationKeys = {
    "name",       "kind",        "teacher", "student", "gpus",   "tokens", "efficiency",
    "checkpoint", "parallelism", "batch",   "mode",    "logits", "pool"};

std::vector<std::string> AllKeys() {
  std::vector<std::string> keys = kAvatarKeys;
  for (const auto* list : {&kTrainingKeys, &kDistillationKeys}) {
    for (const std::string& k : *list) {
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    }
  }
  return keys;
}

std::vector<std::string> Names(const auto& items) {
  std::vector<std::string> names;
  for (const auto& x : items) names.push_back(x.name);
  return names;
}

// Reads the stage `key` of `stages`, starting from the given defaults.
void ReadStage(const MapReader& stages, const std::string& key, bool has_share,
               models::StageSpec* stage, double* idle_share = nullptr) {
  std::vector<std::string> keys = {"latency"};
  if (has_share) keys.push_back("gpu_share");
  if (idle_share != nullptr) keys.push_back("idle_share");
  const MapReader r = stages.GetMap(key, keys);
  r.GetQuantity("latency", Dimension::kTime, &stage->latency_s, Need::kOptional,
                Bound::kNonNegative);
  if (has_share) {
    r.GetQuantity("gpu_share", Dimension::kDimensionless, &stage->gpu_share, Need::kOptional,
                  Bound::kNonNegative);
  }
  if (idle_share != nullptr) {
    r.GetQuantity("idle_share", Dimension::kDimensionless, idle_share, Need::kOptional,
                  Bound::kNonNegative);
  }
}

void ReadArrivals(const MapReader& item, models::ArrivalSpec* a) {
  const MapReader r = item.GetMap(
      "arrivals", {"kind", "rate", "peak_rate", "peak_to_mean", "peak_time"}, Need::kRequired);
  if (!r.valid() || !item.Has("arrivals")) return;
  std::string kind = "diurnal-poisson";
  if (r.GetString("kind", &kind) && kind != "poisson" && kind != "diurnal-poisson") {
    r.Report("kind", UnknownNameMessage("arrival kind", kind, {"poisson", "diurnal-poisson"}));
    return;
  }
  if (kind == "poisson") {
    a->kind = models::ArrivalSpec::Kind::kPoisson;
    for (const char* key : {"peak_rate", "peak_to_mean", "peak_time"}) {
      if (r.Has(key)) r.Report(key, "only for kind diurnal-poisson; use 'rate' with poisson");
    }
    r.GetQuantity("rate", Dimension::kRate, &a->peak_rate_per_s, Need::kRequired, Bound::kPositive);
    return;
  }
  a->kind = models::ArrivalSpec::Kind::kDiurnalPoisson;
  if (r.Has("rate"))
    r.Report("rate", "only for kind poisson; use 'peak_rate' with diurnal-poisson");
  r.GetQuantity("peak_rate", Dimension::kRate, &a->peak_rate_per_s, Need::kRequired,
                Bound::kPositive);
  r.GetQuantity("peak_to_mean", Dimension::kDimensionless, &a->peak_to_mean, Need::kRequired,
                Bound::kAtLeastOne);
  if (r.GetQuantity("peak_time", Dimension::kTime, &a->peak_time_s, Need::kOptional,
                    Bound::kNonNegative) &&
      a->peak_time_s >= 86400) {
    r.Report("peak_time", "must be a time of day, below 24 h");
  }
}

void ReadAvatar(const MapReader& item, const WorkloadContext& ctx, models::AvatarSpec* s) {
  // Defaults: stages from the constants above, the face from the tier.
  s->end_of_turn = {kDefaultEndOfTurnLatencyS, 0};
  s->asr = {kDefaultAsrLatencyS, kDefaultAsrGpuShare};
  s->llm = {kDefaultLlmLatencyS, kDefaultLlmGpuShare};
  s->tts = {kDefaultTtsLatencyS, kDefaultTtsGpuShare};
  s->encode = {kDefaultEncodeLatencyS, kDefaultEncodeGpuShare};
  s->network = {kDefaultNetworkLatencyS, 0};
  if (item.GetString("tier", &s->tier, Need::kRequired) && ctx.catalog != nullptr) {
    if (const models::AvatarTierSpec* tier = ctx.catalog->FindTier(s->tier)) {
      s->face = {tier->first_frame_latency_s, tier->face_gpu_share};
      s->face_idle_share = tier->idle_gpu_share;
    } else {
      item.Report("tier",
                  UnknownNameMessage("avatar tier", s->tier, Names(ctx.catalog->avatar_tiers)));
    }
  }
  item.GetQuantity("fps", Dimension::kDimensionless, &s->fps, Need::kOptional, Bound::kPositive);
  ReadArrivals(item, &s->arrivals);

  const MapReader session =
      item.GetMap("session_length", {"median", "mean", "cap"}, Need::kRequired);
  auto& len = s->session_length;
  session.GetQuantity("median", Dimension::kTime, &len.median, Need::kRequired, Bound::kPositive);
  if (session.GetQuantity("mean", Dimension::kTime, &len.mean, Need::kRequired, Bound::kPositive) &&
      len.median > 0 && len.mean < len.median) {
    session.Report("mean", "must be at least the median (a lognormal's mean exceeds its median)");
  }
  if (session.GetQuantity("cap", Dimension::kTime, &len.cap, Need::kOptional,
                          Bound::kNonNegative) &&
      len.cap > 0 && len.cap < len.median) {
    session.Report("cap", "must be 0 (no cap) or at least the median");
  }

  const MapReader turns = item.GetMap("turns", {"user_speaking", "agent_speaking", "sigma"});
  turns.GetQuantity("user_speaking", Dimension::kTime, &s->user_speaking_mean_s, Need::kOptional,
                    Bound::kPositive);
  turns.GetQuantity("agent_speaking", Dimension::kTime, &s->agent_speaking_mean_s, Need::kOptional,
                    Bound::kPositive);
  turns.GetQuantity("sigma", Dimension::kDimensionless, &s->turn_sigma, Need::kOptional,
                    Bound::kNonNegative);
  item.GetQuantity("latency_sigma", Dimension::kDimensionless, &s->latency_sigma, Need::kOptional,
                   Bound::kNonNegative);
  item.GetQuantity("frame_time_cv", Dimension::kDimensionless, &s->frame_time_cv, Need::kOptional,
                   Bound::kNonNegative);

  const MapReader stages =
      item.GetMap("stages", {"end_of_turn", "asr", "llm", "tts", "face", "encode", "network"});
  ReadStage(stages, "end_of_turn", false, &s->end_of_turn);
  ReadStage(stages, "asr", true, &s->asr);
  ReadStage(stages, "llm", true, &s->llm);
  ReadStage(stages, "tts", true, &s->tts);
  ReadStage(stages, "face", true, &s->face, &s->face_idle_share);
  ReadStage(stages, "encode", true, &s->encode);
  ReadStage(stages, "network", false, &s->network);

  const MapReader admission = item.GetMap(
      "admission", {"max_sessions", "gpu_load_target", "peak_load_limit"}, Need::kRequired);
  admission.GetInt("max_sessions", &s->max_sessions, Need::kRequired, Bound::kAtLeastOne);
  admission.GetQuantity("gpu_load_target", Dimension::kFraction, &s->gpu_load_target,
                        Need::kOptional, Bound::kPositive);
  // Summed peak share allowed on one GPU; may exceed 1 to overbook on speaking-time statistics.
  admission.GetQuantity("peak_load_limit", Dimension::kDimensionless, &s->peak_load_limit,
                        Need::kOptional, Bound::kPositive);

  const MapReader slo = item.GetMap("slo", {"ttff_p99", "frame_miss_rate"});
  slo.GetQuantity("ttff_p99", Dimension::kTime, &s->slo_ttff_p99_s, Need::kOptional,
                  Bound::kPositive);
  slo.GetQuantity("frame_miss_rate", Dimension::kFraction, &s->slo_frame_miss_rate);

  // The session-level model (models/avatar_session_pool.h); sessions_per_gpu absent (0) = derived
  // from gpu_load_target and the stages' mean GPU share.
  if (item.Has("aggregate")) {
    const MapReader aggregate = item.GetMap("aggregate", {"sessions_per_gpu", "load_time"});
    if (aggregate.valid()) {
      models::AvatarSpec::AggregateSpec a;
      aggregate.GetQuantity("sessions_per_gpu", Dimension::kDimensionless, &a.sessions_per_gpu,
                            Need::kOptional, Bound::kPositive);
      aggregate.GetQuantity("load_time", Dimension::kTime, &a.load_time_s, Need::kOptional,
                            Bound::kNonNegative);
      s->aggregate = a;
    }
    if (item.Has("replica")) {
      item.Report("aggregate",
                  "give either replica (replica-level pipeline) or aggregate (session-level "
                  "model), not both");
    }
  }
}

// Checks that `key` of `item` names a model of the catalog.
void ReadModel(const MapReader& item, const std::string& key, const WorkloadContext& ctx,
               std::string* out) {
  if (item.GetString(key, out, Need::kRequired) && ctx.catalog != nullptr &&
      ctx.catalog->FindModel(*out) == nullptr) {
    item.Report(key, UnknownNameMessage("model", *out, Names(ctx.catalog->models)));
  }
}

// Mixed-precision training state per parameter in a checkpoint: BF16 weights (2) + FP32 master
// weights (4) + Adam first and second moments (4 + 4) bytes. ESTIMATE (standard mixed precision).
constexpr double kCheckpointBytesPerParam = 14;

// Reads tokens, efficiency and checkpoint, shared by training and distillation. `trained` is the
// model whose state a checkpoint holds (nullptr when unknown); with `storage_bandwidth` instead of
// `write`, the write time is its checkpoint size / that bandwidth.
template <typename Spec>
void ReadProgress(const MapReader& item, const models::ModelSpec* trained, Spec* s) {
  item.GetQuantity("tokens", Dimension::kCount, &s->tokens, Need::kRequired, Bound::kPositive);
  item.GetQuantity("efficiency", Dimension::kFraction, &s->efficiency);
  const MapReader c =
      item.GetMap("checkpoint", {"interval", "write", "restart", "storage_bandwidth"});
  c.GetQuantity("interval", Dimension::kTime, &s->checkpoint_interval_s, Need::kOptional,
                Bound::kPositive);
  bool has_write = c.GetQuantity("write", Dimension::kTime, &s->checkpoint_write_s, Need::kOptional,
                                 Bound::kNonNegative);
  double bandwidth = 0;
  if (c.GetQuantity("storage_bandwidth", Dimension::kBandwidth, &bandwidth, Need::kOptional,
                    Bound::kPositive)) {
    if (c.Has("write")) {
      c.Report("storage_bandwidth", "give either write or storage_bandwidth, not both");
    } else if (trained != nullptr) {
      s->checkpoint_write_s = trained->params * kCheckpointBytesPerParam / bandwidth;
      has_write = true;
    }
  }
  if (has_write && s->checkpoint_write_s >= s->checkpoint_interval_s) {
    c.Report(c.Has("write") ? "write" : "storage_bandwidth",
             "the checkpoint write (" + std::to_string(s->checkpoint_write_s) +
                 " s) must be shorter than the checkpoint interval");
  }
  c.GetQuantity("restart", Dimension::kTime, &s->restart_s, Need::kOptional, Bound::kNonNegative);
}

int PoolGpus(const WorkloadContext& ctx) {
  return ctx.pool == nullptr ? 0 : ctx.pool->nodes * ctx.pool->gpus_per_node;
}

// Reads `parallelism` and `batch` into the step layout. A training gang must factor exactly as
// tp x pp x dp; a distillation replica is tp GPUs (its data parallelism is elastic).
void ReadLayout(const MapReader& item, const WorkloadContext& ctx, bool training, int gpus,
                models::StepLayout* l) {
  const std::vector<std::string> keys =
      training
          ? std::vector<std::string>{"tp", "pp", "dp", "ep", "distributed_optimizer", "dp_overlap"}
          : std::vector<std::string>{"tp"};
  const MapReader p = item.GetMap("parallelism", keys);
  p.GetInt("tp", &l->tp, Need::kOptional, Bound::kAtLeastOne);
  p.GetInt("pp", &l->pp, Need::kOptional, Bound::kAtLeastOne);
  p.GetInt("dp", &l->dp, Need::kOptional, Bound::kAtLeastOne);
  p.GetInt("ep", &l->ep, Need::kOptional, Bound::kAtLeastOne);
  p.GetBool("distributed_optimizer", &l->distributed_optimizer);
  p.GetQuantity("dp_overlap", Dimension::kFraction, &l->dp_overlap);
  const MapReader b =
      item.GetMap("batch", training ? std::vector<std::string>{"global", "seq_len", "micro"}
                                    : std::vector<std::string>{"seq_len", "micro"});
  b.GetQuantity("global", Dimension::kCount, &l->global_batch_tokens, Need::kOptional,
                Bound::kPositive);
  double seq = static_cast<double>(l->seq_len);
  if (b.GetQuantity("seq_len", Dimension::kCount, &seq, Need::kOptional, Bound::kPositive)) {
    l->seq_len = static_cast<int64_t>(seq);
  }
  b.GetInt("micro", &l->micro_batch_seqs, Need::kOptional, Bound::kAtLeastOne);
  if (ctx.pool == nullptr || !p.valid()) return;
  if (l->tp == 0) l->tp = std::min(ctx.pool->gpus_per_node, gpus > 0 ? gpus : 1);
  if (!training || gpus <= 0) return;
  if (l->dp == 0) l->dp = gpus / std::max(1, l->tp * l->pp);
  if (l->tp * l->pp * l->dp != gpus) {
    item.Report("parallelism", "tp x pp x dp = " + std::to_string(l->tp) + " x " +
                                   std::to_string(l->pp) + " x " + std::to_string(l->dp) +
                                   " does not equal the job's " + std::to_string(gpus) + " GPUs");
  } else if (l->global_batch_tokens <
             static_cast<double>(l->dp) * l->micro_batch_seqs * static_cast<double>(l->seq_len)) {
    b.Report("global", "is smaller than one micro-batch per data-parallel rank");
  }
}

}  // namespace

void ReadTraining(const MapReader& item, const WorkloadContext& ctx, models::TrainingSpec* s) {
  ReadModel(item, "model", ctx, &s->model);
  bool sized = false;
  bool have_gpus = false;
  if (item.Has("gpus") && item.Get("gpus").IsMap()) {
    // Elastic: { min, max } GPUs; data parallelism varies between them, tp x pp stays.
    const MapReader g = item.GetMap("gpus", {"min", "max"}, Need::kRequired);
    const bool has_min = g.GetInt("min", &s->min_gpus, Need::kRequired, Bound::kAtLeastOne);
    have_gpus = g.GetInt("max", &s->gpus, Need::kRequired, Bound::kAtLeastOne) && has_min;
    if (have_gpus && s->min_gpus > s->gpus) {
      g.Report("min", "min (" + std::to_string(s->min_gpus) + ") is larger than max (" +
                          std::to_string(s->gpus) + ")");
      have_gpus = false;
    }
    if (have_gpus && ctx.pool != nullptr && s->min_gpus % ctx.pool->gpus_per_node != 0) {
      g.Report("min", "must be a multiple of the pool's gpus_per_node (" +
                          std::to_string(ctx.pool->gpus_per_node) + ")");
      have_gpus = false;
    }
  } else {
    have_gpus = item.GetInt("gpus", &s->gpus, Need::kRequired, Bound::kAtLeastOne);
  }
  if (have_gpus && ctx.pool != nullptr) {
    if (s->gpus % ctx.pool->gpus_per_node != 0) {
      item.Report("gpus", "must be a multiple of the pool's gpus_per_node (" +
                              std::to_string(ctx.pool->gpus_per_node) + ") for a gang job");
    } else if (s->gpus > PoolGpus(ctx)) {
      item.Report("gpus", std::to_string(s->gpus) + " GPUs is more than the pool's " +
                              std::to_string(PoolGpus(ctx)));
    } else {
      sized = true;
    }
  }
  ReadProgress(item, ctx.catalog != nullptr ? ctx.catalog->FindModel(s->model) : nullptr, s);
  // The layout is checked against the GPU count only when that count is itself valid.
  ReadLayout(item, ctx, /*training=*/true, sized ? s->gpus : 0, &s->layout);
  const int group = s->layout.tp * s->layout.pp;
  if (sized && s->min_gpus > 0 && group > 0 && s->min_gpus % group != 0) {
    item.Report("gpus", "the elastic minimum of " + std::to_string(s->min_gpus) +
                            " GPUs is not a whole number of tp x pp = " + std::to_string(group) +
                            " model replicas");
  }
}

namespace {

// Reads `mode` and, for offline distillation, how the teacher's logits are stored (`logits`).
void ReadDistillationMode(const MapReader& item, const WorkloadContext& ctx,
                          models::DistillationSpec* s) {
  using Mode = models::DistillationSpec::Mode;
  static const std::vector<std::string> kModes = {"online", "offline"};
  std::string mode;
  if (item.GetString("mode", &mode)) {
    if (mode == "online") {
      s->mode = Mode::kOnline;
    } else if (mode == "offline") {
      s->mode = Mode::kOffline;
    } else {
      item.Report("mode", UnknownNameMessage("distillation mode", mode, kModes));
      return;
    }
  }
  if (!item.Has("logits")) return;
  if (s->mode == Mode::kOnline) {
    item.Report("logits",
                "only for mode offline (online distillation keeps the teacher's logits on the "
                "GPU)");
    return;
  }
  const MapReader l = item.GetMap("logits", {"top_k", "bytes_per_entry", "storage_bandwidth"});
  if (l.GetInt("top_k", &s->logit_top_k, Need::kOptional, Bound::kNonNegative) &&
      ctx.catalog != nullptr) {
    const models::ModelSpec* teacher = ctx.catalog->FindModel(s->teacher);
    if (teacher != nullptr && teacher->vocab > 0 && s->logit_top_k > teacher->vocab) {
      l.Report("top_k", std::to_string(s->logit_top_k) + " is more than the vocabulary of " +
                            s->teacher + " (" + std::to_string(teacher->vocab) +
                            "); 0 stores the full vocabulary");
    }
  }
  l.GetQuantity("bytes_per_entry", Dimension::kDimensionless, &s->logit_bytes_per_entry,
                Need::kOptional, Bound::kPositive);
  l.GetQuantity("storage_bandwidth", Dimension::kBandwidth, &s->logit_storage_bandwidth,
                Need::kOptional, Bound::kPositive);
}

}  // namespace

void ReadDistillation(const MapReader& item, const WorkloadContext& ctx,
                      models::DistillationSpec* s) {
  ReadModel(item, "teacher", ctx, &s->teacher);
  ReadModel(item, "student", ctx, &s->student);
  if (item.Require("gpus")) {
    if (item.Get("gpus").IsScalar()) {  // a fixed size: gpus: 64
      if (item.GetInt("gpus", &s->min_gpus, Need::kRequired, Bound::kAtLeastOne)) {
        s->max_gpus = s->min_gpus;
      }
    } else {
      const MapReader g = item.GetMap("gpus", {"min", "max"}, Need::kRequired);
      const bool has_min = g.GetInt("min", &s->min_gpus, Need::kRequired, Bound::kAtLeastOne);
      const bool has_max = g.GetInt("max", &s->max_gpus, Need::kRequired, Bound::kAtLeastOne);
      if (has_min && has_max && s->min_gpus > s->max_gpus) {
        g.Report("min", "min (" + std::to_string(s->min_gpus) + ") is larger than max (" +
                            std::to_string(s->max_gpus) + ")");
      }
    }
    if (ctx.pool != nullptr && s->max_gpus > PoolGpus(ctx)) {
      item.Report("gpus", std::to_string(s->max_gpus) + " GPUs is more than the pool's " +
                              std::to_string(PoolGpus(ctx)));
    }
  }
  ReadProgress(item, ctx.catalog != nullptr ? ctx.catalog->FindModel(s->student) : nullptr, s);
  ReadLayout(item, ctx, /*training=*/false, s->min_gpus, &s->layout);
  if (ctx.pool != nullptr && s->layout.tp > 0 && s->min_gpus % s->layout.tp != 0) {
    item.Report("parallelism", "tp " + std::to_string(s->layout.tp) +
                                   " does not divide the minimum of " +
                                   std::to_string(s->min_gpus) + " GPUs");
  }
  ReadDistillationMode(item, ctx, s);
}

const std::vector<std::string>& TrainingKeys() { return kTrainingKeys; }
const std::vector<std::string>& DistillationKeys() { return kDistillationKeys; }

std::vector<std::string> ReadWorkloads(const MapReader& top, const WorkloadContext& context,
                                       models::Scenario* scenario) {
  std::vector<std::string> names;
  std::map<std::string, int> first_line;
  const std::string list_path = top.PathOf("workloads");
  const std::vector<YAML::Node> items = top.GetList("workloads", Need::kRequired);
  if (items.empty() && top.Has("workloads")) top.Report("workloads", "needs at least one workload");
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string path = IndexPath(list_path, i);
    // The allowed keys depend on the kind, so look at it first.
    std::string kind;
    const YAML::Node& node = items[i];
    if (node.IsMap() && node["kind"].IsDefined() && node["kind"].IsScalar()) {
      kind = node["kind"].Scalar();
    }
    const bool known = std::find(kKinds.begin(), kKinds.end(), kind) != kKinds.end();
    const std::vector<std::string>& keys = kind == "avatar"        ? kAvatarKeys
                                           : kind == "training"    ? kTrainingKeys
                                           : kind == "llm-serving" ? ServingKeys()
                                           : known                 ? kDistillationKeys
                                                                   : AllKeys();
    const MapReader item(node, path, keys, top.diagnostics());
    if (!item.valid()) continue;
    std::string name;
    if (item.GetString("name", &name, Need::kRequired)) {
      auto [it, inserted] = first_line.emplace(name, item.MarkOf("name").line + 1);
      if (!inserted) {
        item.Report("name", "duplicate workload name '" + name + "' (first at line " +
                                std::to_string(it->second) + ")");
      }
      names.push_back(name);
    }
    if (item.Require("kind") && !known) {
      item.Report("kind", UnknownNameMessage("workload kind", kind, kKinds));
    }
    // The pool it runs in (default: the first); sizes are checked against that pool.
    WorkloadContext ctx = context;
    std::string pool;
    if (item.GetString("pool", &pool)) {
      const int index = scenario->PoolIndex(pool);
      if (index < 0) {
        std::vector<std::string> pools;
        for (const models::PoolSpec& p : scenario->pools) pools.push_back(p.name);
        item.Report("pool", UnknownNameMessage("pool", pool, pools));
        ctx.pool = nullptr;
      } else {
        ctx.pool = &scenario->pools[static_cast<size_t>(index)];
      }
    }
    if (kind == "avatar") {
      models::AvatarSpec spec;
      spec.name = name;
      spec.pool = pool;
      ReadAvatar(item, ctx, &spec);
      if (item.Has("replica")) ReadAvatarReplica(item, ctx, &spec);
      if (!scenario->avatars.empty()) {
        item.Report("kind", "this version supports at most one avatar workload; '" +
                                scenario->avatars.front().name + "' is already one");
      }
      scenario->avatars.push_back(std::move(spec));
    } else if (kind == "training") {
      models::TrainingSpec spec;
      spec.name = name;
      spec.pool = pool;
      ReadTraining(item, ctx, &spec);
      scenario->trainings.push_back(std::move(spec));
    } else if (kind == "distillation") {
      models::DistillationSpec spec;
      spec.name = name;
      spec.pool = pool;
      ReadDistillation(item, ctx, &spec);
      scenario->distillations.push_back(std::move(spec));
    } else if (kind == "llm-serving") {
      models::ServingSpec spec;
      spec.name = name;
      spec.pool = pool;
      ReadServing(item, ctx, context.scenario_path, &spec);
      if (!scenario->servings.empty()) {
        item.Report("kind", "this version supports at most one llm-serving workload; '" +
                                scenario->servings.front().name + "' is already one");
      }
      scenario->servings.push_back(std::move(spec));
    }
  }
  return names;
}

}  // namespace capsim::config
