#include "config/avatar_replica_loader.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "config/suggest.h"
#include "models/transformer_ops.h"

namespace capsim::config {
namespace {

// Stream-pool defaults (the other defaults are those of models::AvatarReplicaSpec; each is listed
// with its source in scenarios/README.md).
// Streaming ASR: Cartesia Ink 16 streams per H100 (workloads.md §4, FIRM); 80-150 ms
// (workloads.md §1).
constexpr models::StreamPoolSpec kDefaultAsr = {
    .gpus = 0, .streams_per_gpu = 16, .latency_one_s = 0.080, .latency_full_s = 0.150};
// TTS: Cartesia Sonic 8 streams per H100, first audio 95 ms alone -> 280 ms at 8 streams
// (workloads.md §4, FIRM).
constexpr models::StreamPoolSpec kDefaultTts = {
    .gpus = 0, .streams_per_gpu = 8, .latency_one_s = 0.095, .latency_full_s = 0.280};

const std::vector<std::string> kReplicaKeys = {
    "face_model",  "gpus_per_replica", "frame_budget", "overcommit",
    "render_idle", "stream_vram",      "asr",          "tts",
    "llm",         "encode",           "hold_audio"};
const std::vector<std::string> kStreamPoolKeys = {"gpus", "streams_per_gpu", "latency_one",
                                                  "latency_full"};
const std::vector<std::string> kLlmKeys = {"model",
                                           "replicas",
                                           "tp",
                                           "max_seqs",
                                           "system_prompt_tokens",
                                           "tokens_per_turn",
                                           "reply_tokens",
                                           "first_chunk_tokens",
                                           "prefix_cache"};
const std::vector<std::string> kEncodeKeys = {"on",  "latency", "cpu_cores_per_stream",
                                              "gpu", "gpus",    "streams_per_gpu"};
// Indexed by models::EncodeSpec::Where.
const std::vector<std::string> kEncodeModes = {"cpu", "pool-gpu", "encoder-pool"};

std::string Millis(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g ms", s * 1e3);
  return buf;
}

std::string Plain(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

// Reports that `low_key` (value `low`) exceeds `high_key` (value `high`); both values must be
// valid. The problem goes to `blame` (one of the two keys) when it was written, else to the other
// key; `shown` formats a value.
void CheckOrder(const MapReader& r, const std::string& low_key, double low,
                const std::string& high_key, double high, const std::string& blame,
                std::string (*shown)(double)) {
  if (low <= high) return;
  auto got = [&](const std::string& key) { return ", got '" + r.Get(key).Scalar() + "'"; };
  const bool on_low = blame == low_key ? r.Has(low_key) : !r.Has(high_key);
  if (on_low) {
    r.Report(low_key, "must be at most " + high_key + " (" + shown(high) +
                          (r.Has(high_key) ? "" : ", the default") + ")" + got(low_key));
  } else {
    r.Report(high_key, "must be at least " + low_key + " (" + shown(low) +
                           (r.Has(low_key) ? "" : ", the default") + ")" + got(high_key));
  }
}

// Whether `key` is absent or was read (a present key that failed to read has been reported).
bool AbsentOr(const MapReader& r, const std::string& key, bool read) { return !r.Has(key) || read; }

// " (e.g. L40S, L4)": the catalog GPUs with video encoders, or "" when there are none.
std::string EncoderGpuExamples(const models::Catalog& catalog) {
  std::vector<std::string> names;
  for (const models::GpuSpec& g : catalog.gpus) {
    if (g.video_encoders > 0) names.push_back(g.name);
  }
  return names.empty() ? "" : " (e.g. " + JoinNames(names) + ")";
}

std::string NoEncoders(const models::GpuSpec& gpu) {
  return gpu.name +
         " has no video encoders (catalog video_encoders: " + std::to_string(gpu.video_encoders) +
         ")";
}

void ReadFaceModel(const MapReader& r, const WorkloadContext& ctx, const std::string& tier,
                   std::string* out) {
  if (!r.GetString("face_model", out, Need::kRequired) || ctx.catalog == nullptr) return;
  std::vector<std::string> all, same_tier;
  for (const models::FaceModelSpec& f : ctx.catalog->face_models) {
    all.push_back(f.name);
    if (f.tier == tier) same_tier.push_back(f.name);
  }
  const models::FaceModelSpec* face = ctx.catalog->FindFaceModel(*out);
  if (face == nullptr) {
    r.Report("face_model", UnknownNameMessage("face model", *out, all));
  } else if (face->tier != tier && ctx.catalog->FindTier(tier) != nullptr) {
    r.Report("face_model", "face model '" + *out + "' is of tier '" + face->tier +
                               "' but the avatar workload's tier is '" + tier +
                               "'; face models of that tier: " +
                               (same_tier.empty() ? "none" : JoinNames(same_tier)));
  }
}

void ReadStreamPool(const MapReader& replica, const std::string& key,
                    const models::StreamPoolSpec& defaults, models::StreamPoolSpec* pool) {
  *pool = defaults;
  const MapReader r = replica.GetMap(key, kStreamPoolKeys, Need::kRequired);
  r.GetInt("gpus", &pool->gpus, Need::kRequired, Bound::kAtLeastOne);
  r.GetInt("streams_per_gpu", &pool->streams_per_gpu, Need::kOptional, Bound::kAtLeastOne);
  const bool one = r.GetQuantity("latency_one", Dimension::kTime, &pool->latency_one_s,
                                 Need::kOptional, Bound::kPositive);
  const bool full = r.GetQuantity("latency_full", Dimension::kTime, &pool->latency_full_s,
                                  Need::kOptional, Bound::kPositive);
  if (AbsentOr(r, "latency_one", one) && AbsentOr(r, "latency_full", full)) {
    CheckOrder(r, "latency_one", pool->latency_one_s, "latency_full", pool->latency_full_s,
               "latency_full", Millis);
  }
}

// Reads a token count (a whole number) into `*out`.
bool ReadTokens(const MapReader& r, const std::string& key, Bound bound, int64_t* out) {
  int tokens = 0;
  if (!r.GetInt(key, &tokens, Need::kOptional, bound)) return false;
  *out = tokens;
  return true;
}

void ReadLlm(const MapReader& replica, const WorkloadContext& ctx, models::AvatarLlmSpec* l) {
  const MapReader r = replica.GetMap("llm", kLlmKeys, Need::kRequired);
  const models::ModelSpec* model = nullptr;
  if (r.GetString("model", &l->model, Need::kRequired) && ctx.catalog != nullptr) {
    model = ctx.catalog->FindModel(l->model);
    if (model == nullptr) {
      std::vector<std::string> names;
      for (const models::ModelSpec& m : ctx.catalog->models) names.push_back(m.name);
      r.Report("model", UnknownNameMessage("model", l->model, names));
    } else if (!model->HasArchitecture()) {
      r.Report("model", "model '" + l->model +
                            "' has no architecture in the catalog; the "
                            "avatar LLM is priced op by op and needs one");
      model = nullptr;
    }
  }
  r.GetInt("replicas", &l->replicas, Need::kOptional, Bound::kAtLeastOne);
  const bool tp = r.GetInt("tp", &l->tp, Need::kOptional, Bound::kAtLeastOne);
  if (model != nullptr && AbsentOr(r, "tp", tp)) {
    models::Parallelism par;
    par.tp = l->tp;
    const Status s = models::CheckParallelism(*model, par);
    for (const std::string& problem : s.problems()) r.Report("tp", problem);
  }
  r.GetInt("max_seqs", &l->max_seqs, Need::kOptional, Bound::kAtLeastOne);
  ReadTokens(r, "system_prompt_tokens", Bound::kNonNegative, &l->system_prompt_tokens);
  ReadTokens(r, "tokens_per_turn", Bound::kAtLeastOne, &l->tokens_per_turn);
  const bool reply = ReadTokens(r, "reply_tokens", Bound::kAtLeastOne, &l->reply_tokens);
  const bool chunk =
      ReadTokens(r, "first_chunk_tokens", Bound::kAtLeastOne, &l->first_chunk_tokens);
  if (AbsentOr(r, "reply_tokens", reply) && AbsentOr(r, "first_chunk_tokens", chunk)) {
    CheckOrder(r, "first_chunk_tokens", static_cast<double>(l->first_chunk_tokens), "reply_tokens",
               static_cast<double>(l->reply_tokens), "first_chunk_tokens", Plain);
  }
  r.GetBool("prefix_cache", &l->prefix_cache);
}

// The keys that belong to some encode modes only, and the modes they belong to.
struct ModeKey {
  const char* key;
  std::vector<models::EncodeSpec::Where> modes;
  const char* text;
};

void ReadEncode(const MapReader& replica, const WorkloadContext& ctx, models::EncodeSpec* e) {
  using Where = models::EncodeSpec::Where;
  const MapReader r = replica.GetMap("encode", kEncodeKeys, Need::kRequired);
  r.GetQuantity("latency", Dimension::kTime, &e->latency_s, Need::kOptional, Bound::kNonNegative);
  std::string on;
  if (!r.GetString("on", &on, Need::kRequired)) return;
  int mode = -1;
  for (size_t i = 0; i < kEncodeModes.size(); ++i) {
    if (kEncodeModes[i] == on) mode = static_cast<int>(i);
  }
  if (mode < 0) {
    r.Report("on", UnknownNameMessage("encode target", on, kEncodeModes));
    return;
  }
  e->where = static_cast<Where>(mode);
  static const std::vector<ModeKey> kModeKeys = {
      {"cpu_cores_per_stream", {Where::kCpu}, "on: cpu"},
      {"gpu", {Where::kEncoderPool}, "on: encoder-pool"},
      {"gpus", {Where::kEncoderPool}, "on: encoder-pool"},
      {"streams_per_gpu", {Where::kPoolGpu, Where::kEncoderPool}, "on: pool-gpu or encoder-pool"}};
  for (const ModeKey& k : kModeKeys) {
    if (r.Has(k.key) && std::find(k.modes.begin(), k.modes.end(), e->where) == k.modes.end()) {
      r.Report(k.key, std::string("belongs to ") + k.text + ", not to on: " + on);
    }
  }
  switch (e->where) {
    case Where::kCpu:
      r.GetQuantity("cpu_cores_per_stream", Dimension::kDimensionless, &e->cpu_cores_per_stream,
                    Need::kOptional, Bound::kPositive);
      return;
    case Where::kPoolGpu:
      r.GetInt("streams_per_gpu", &e->streams_per_gpu, Need::kRequired, Bound::kAtLeastOne);
      if (ctx.catalog != nullptr && ctx.pool != nullptr) {
        const models::GpuSpec* gpu = ctx.catalog->FindGpu(ctx.pool->gpu);
        if (gpu != nullptr && gpu->video_encoders <= 0) {
          r.Report("on", NoEncoders(*gpu) + "; encode on cpu or on an encoder-pool" +
                             EncoderGpuExamples(*ctx.catalog));
        }
      }
      return;
    case Where::kEncoderPool:
      if (r.GetString("gpu", &e->gpu, Need::kRequired) && ctx.catalog != nullptr) {
        const models::GpuSpec* gpu = ctx.catalog->FindGpu(e->gpu);
        if (gpu == nullptr) {
          std::vector<std::string> names;
          for (const models::GpuSpec& g : ctx.catalog->gpus) names.push_back(g.name);
          r.Report("gpu", UnknownNameMessage("GPU", e->gpu, names));
        } else if (gpu->video_encoders <= 0) {
          r.Report("gpu", NoEncoders(*gpu) + "; an encoder pool needs GPUs with video encoders" +
                              EncoderGpuExamples(*ctx.catalog));
        }
      }
      r.GetInt("gpus", &e->gpus, Need::kRequired, Bound::kAtLeastOne);
      r.GetInt("streams_per_gpu", &e->streams_per_gpu, Need::kRequired, Bound::kAtLeastOne);
      return;
  }
}

}  // namespace

void ReadAvatarReplica(const MapReader& avatar_item, const WorkloadContext& ctx,
                       models::AvatarSpec* spec) {
  if (!avatar_item.Has("replica")) return;
  const MapReader r = avatar_item.GetMap("replica", kReplicaKeys);
  if (!r.valid()) return;
  models::AvatarReplicaSpec rep;
  // The listening animation is rendered by default when the tier animates it.
  const models::AvatarTierSpec* tier =
      ctx.catalog == nullptr ? nullptr : ctx.catalog->FindTier(spec->tier);
  rep.render_idle = tier != nullptr && tier->idle_gpu_share > 0;
  ReadFaceModel(r, ctx, spec->tier, &rep.face_model);
  r.GetInt("gpus_per_replica", &rep.gpus_per_replica, Need::kOptional, Bound::kAtLeastOne);
  double budget = rep.frame_budget;
  if (r.GetQuantity("frame_budget", Dimension::kDimensionless, &budget, Need::kOptional,
                    Bound::kPositive)) {
    if (budget > 1) {
      r.Report("frame_budget", "must be at most 1 (a share of the frame interval), got '" +
                                   r.Get("frame_budget").Scalar() + "'");
    } else {
      rep.frame_budget = budget;
    }
  }
  r.GetQuantity("overcommit", Dimension::kDimensionless, &rep.overcommit, Need::kOptional,
                Bound::kAtLeastOne);
  r.GetBool("render_idle", &rep.render_idle);
  r.GetQuantity("stream_vram", Dimension::kBytes, &rep.stream_vram_bytes, Need::kOptional,
                Bound::kPositive);
  ReadStreamPool(r, "asr", kDefaultAsr, &rep.asr);
  ReadStreamPool(r, "tts", kDefaultTts, &rep.tts);
  ReadLlm(r, ctx, &rep.llm);
  ReadEncode(r, ctx, &rep.encode);
  r.GetBool("hold_audio", &rep.hold_audio);
  spec->replica = std::move(rep);
}

}  // namespace capsim::config
