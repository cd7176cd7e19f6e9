#include "config/avatar_replica_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/scenario_loader.h"
#include "tests/config/test_files.h"

namespace capsim::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Replace;

const std::string kCatalog = std::string(CAPSIM_SOURCE_DIR) + "/data/catalog.yaml";

// An avatar workload on H100s with every key of the replica block set (lines 13-25).
constexpr const char* kReplica = R"(name: r
horizon: 1 h
fleet:
  sites: [{ name: s, power_cap: 1 MW, energy_price: 0.07 USD/kWh }]
  pools: [{ name: p, site: s, gpu: H100-SXM, nodes: 8, gpus_per_node: 8 }]
workloads:
  - name: av
    kind: avatar
    tier: lipsync-2d
    arrivals: { kind: poisson, rate: 1 /s }
    session_length: { median: 6 min, mean: 10 min }
    admission: { max_sessions: 100 }
    replica:
      face_model: musetalk-256
      gpus_per_replica: 2
      frame_budget: 0.7
      overcommit: 1.5
      render_idle: true
      stream_vram: 0.75 GB
      asr: { gpus: 8, streams_per_gpu: 12, latency_one: 70 ms, latency_full: 140 ms }
      tts: { gpus: 16, streams_per_gpu: 6, latency_one: 90 ms, latency_full: 250 ms }
      llm: { model: llama-3-8b, replicas: 4, tp: 2, max_seqs: 48, system_prompt_tokens: 600,
             tokens_per_turn: 180, reply_tokens: 40, first_chunk_tokens: 10, prefix_cache: false }
      encode: { on: cpu, latency: 15 ms, cpu_cores_per_stream: 0.5 }
      hold_audio: false
)";

// kReplica up to its `replica:` key (lines 1-12 and the indent of line 13).
const std::string kHead = std::string(kReplica).substr(0, std::string(kReplica).find("replica:"));

// The same workload with only the required keys of the block.
const std::string kRequiredOnly = kHead + R"(replica:
      face_model: musetalk-256
      asr: { gpus: 8 }
      tts: { gpus: 16 }
      llm: { model: llama-3-8b }
      encode: { on: cpu }
)";

const std::string kPrefix = "workloads[0].replica.";

// Replica blocks are read through LoadScenario so that problems carry real file positions.
class AvatarReplicaLoaderTest : public ::testing::Test {
 protected:
  // Appends the calibration the replica-level pipeline needs for the pool GPUs used here.
  Result<models::Scenario> Load(const std::string& text) {
    const bool has = text.find("calibration:") != std::string::npos;
    dir_.Write("r.yaml", has ? text
                             : text + "\ncalibration: { H100-SXM: published, L4: published, "
                                      "L40S: published }\n");
    return LoadScenario(path_, {}, kCatalog);
  }
  std::vector<std::string> Problems(const std::string& text) {
    Result<models::Scenario> r = Load(text);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::vector<std::string>{} : r.status().problems();
  }
  // The problems of kReplica with `from` replaced by `to`.
  std::vector<std::string> Problems(const std::string& from, const std::string& to) {
    return Problems(Replace(kReplica, from, to));
  }
  // "FILE:LINE:COL: workloads[0].replica.KEY: MESSAGE".
  std::string At(int line, int col, const std::string& key, const std::string& message) const {
    return path_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + kPrefix + key +
           ": " + message;
  }
  // The only problem of kReplica with `from` replaced by `to`; it must be about `key`.
  std::string Only(const std::string& from, const std::string& to, const std::string& key) {
    const std::vector<std::string> problems = Problems(from, to);
    EXPECT_EQ(problems.size(), 1u) << ::testing::PrintToString(problems);
    if (problems.empty()) return "";
    const std::string tag = ": " + kPrefix + key + ": ";
    const size_t at = problems[0].find(tag);
    EXPECT_NE(at, std::string::npos) << problems[0];
    return at == std::string::npos ? problems[0] : problems[0].substr(at + tag.size());
  }

  testing::TempDir dir_;
  const std::string path_ = dir_.path() + "/r.yaml";
};

TEST_F(AvatarReplicaLoaderTest, ReadsEveryKeyInSiUnits) {
  Result<models::Scenario> r = Load(kReplica);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::AvatarSpec& a = r.value().avatars.at(0);
  ASSERT_TRUE(a.replica.has_value());
  const models::AvatarReplicaSpec& p = *a.replica;
  EXPECT_EQ(p.face_model, "musetalk-256");
  EXPECT_EQ(p.gpus_per_replica, 2);
  EXPECT_DOUBLE_EQ(p.frame_budget, 0.7);
  EXPECT_DOUBLE_EQ(p.overcommit, 1.5);
  EXPECT_TRUE(p.render_idle);
  EXPECT_DOUBLE_EQ(p.stream_vram_bytes, 0.75e9);
  EXPECT_EQ(p.asr.gpus, 8);
  EXPECT_EQ(p.asr.streams_per_gpu, 12);
  EXPECT_DOUBLE_EQ(p.asr.latency_one_s, 0.070);
  EXPECT_DOUBLE_EQ(p.asr.latency_full_s, 0.140);
  EXPECT_EQ(p.tts.gpus, 16);
  EXPECT_EQ(p.tts.streams_per_gpu, 6);
  EXPECT_DOUBLE_EQ(p.tts.latency_one_s, 0.090);
  EXPECT_DOUBLE_EQ(p.tts.latency_full_s, 0.250);
  EXPECT_EQ(p.llm.model, "llama-3-8b");
  EXPECT_EQ(p.llm.replicas, 4);
  EXPECT_EQ(p.llm.tp, 2);
  EXPECT_EQ(p.llm.max_seqs, 48);
  EXPECT_EQ(p.llm.system_prompt_tokens, 600);
  EXPECT_EQ(p.llm.tokens_per_turn, 180);
  EXPECT_EQ(p.llm.reply_tokens, 40);
  EXPECT_EQ(p.llm.first_chunk_tokens, 10);
  EXPECT_FALSE(p.llm.prefix_cache);
  EXPECT_EQ(p.encode.where, models::EncodeSpec::Where::kCpu);
  EXPECT_DOUBLE_EQ(p.encode.latency_s, 0.015);
  EXPECT_DOUBLE_EQ(p.encode.cpu_cores_per_stream, 0.5);
  EXPECT_FALSE(p.hold_audio);
}

TEST_F(AvatarReplicaLoaderTest, DefaultsWhenOnlyTheRequiredKeysAreGiven) {
  Result<models::Scenario> r = Load(kRequiredOnly);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::AvatarReplicaSpec& p = r.value().avatars.at(0).replica.value();
  EXPECT_EQ(p.gpus_per_replica, 1);
  EXPECT_DOUBLE_EQ(p.frame_budget, 0.8);
  EXPECT_DOUBLE_EQ(p.overcommit, 1.0);
  EXPECT_FALSE(p.render_idle);  // lipsync-2d: idle_gpu_share 0
  EXPECT_DOUBLE_EQ(p.stream_vram_bytes, 0.5e9);
  EXPECT_EQ(p.asr.streams_per_gpu, 16);
  EXPECT_DOUBLE_EQ(p.asr.latency_one_s, 0.080);
  EXPECT_DOUBLE_EQ(p.asr.latency_full_s, 0.150);
  EXPECT_EQ(p.tts.streams_per_gpu, 8);
  EXPECT_DOUBLE_EQ(p.tts.latency_one_s, 0.095);
  EXPECT_DOUBLE_EQ(p.tts.latency_full_s, 0.280);
  EXPECT_EQ(p.llm.replicas, 1);
  EXPECT_EQ(p.llm.tp, 1);
  EXPECT_EQ(p.llm.max_seqs, 64);
  EXPECT_EQ(p.llm.system_prompt_tokens, 500);
  EXPECT_EQ(p.llm.tokens_per_turn, 200);
  EXPECT_EQ(p.llm.reply_tokens, 30);
  EXPECT_EQ(p.llm.first_chunk_tokens, 8);
  EXPECT_TRUE(p.llm.prefix_cache);
  EXPECT_DOUBLE_EQ(p.encode.latency_s, 0.020);
  EXPECT_DOUBLE_EQ(p.encode.cpu_cores_per_stream, 0.75);
  EXPECT_TRUE(p.hold_audio);
}

TEST_F(AvatarReplicaLoaderTest, AbsentBlockLeavesTheFleetLevelModel) {
  Result<models::Scenario> r = Load(testing::kMinimalScenario);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r.value().avatars.at(0).replica.has_value());
}

TEST_F(AvatarReplicaLoaderTest, RenderIdleDefaultsToTrueWhenTheTierIdlesOnTheGpu) {
  Result<models::Scenario> r = Load(Replace(Replace(kRequiredOnly, "lipsync-2d", "warp-gaussian"),
                                            "musetalk-256", "liveportrait-512"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r.value().avatars.at(0).replica->render_idle);
}

TEST_F(AvatarReplicaLoaderTest, EncodeOnAPoolGpuWithVideoEncoders) {
  Result<models::Scenario> r = Load(Replace(Replace(kReplica, "gpu: H100-SXM", "gpu: L4"),
                                            "on: cpu, latency: 15 ms, cpu_cores_per_stream: 0.5",
                                            "on: pool-gpu, streams_per_gpu: 4"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::EncodeSpec& e = r.value().avatars.at(0).replica->encode;
  EXPECT_EQ(e.where, models::EncodeSpec::Where::kPoolGpu);
  EXPECT_EQ(e.streams_per_gpu, 4);
}

TEST_F(AvatarReplicaLoaderTest, EncodeOnAnEncoderPool) {
  Result<models::Scenario> r =
      Load(Replace(kReplica, "on: cpu, latency: 15 ms, cpu_cores_per_stream: 0.5",
                   "on: encoder-pool, gpu: L40S, gpus: 4, streams_per_gpu: 24"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::EncodeSpec& e = r.value().avatars.at(0).replica->encode;
  EXPECT_EQ(e.where, models::EncodeSpec::Where::kEncoderPool);
  EXPECT_EQ(e.gpu, "L40S");
  EXPECT_EQ(e.gpus, 4);
  EXPECT_EQ(e.streams_per_gpu, 24);
}

TEST_F(AvatarReplicaLoaderTest, BlockMustBeAMappingWithTheRequiredKeys) {
  EXPECT_THAT(Problems("      face_model: musetalk-256\n",
                       "      face_model: musetalk-256\n"
                       "      render_idel: true\n"),
              ElementsAre(At(15, 7, "render_idel",
                             "unknown key 'render_idel'; did you mean "
                             "'render_idle'?")));
  EXPECT_THAT(Problems(kHead + "replica: yes\n"),
              ElementsAre(HasSubstr(":13:14: workloads[0].replica: expected a mapping with keys "
                                    "face_model, gpus_per_replica")));
  EXPECT_THAT(Problems(kHead + "replica: {}\n"),
              ElementsAre(HasSubstr("replica: missing required key 'face_model'"),
                          HasSubstr("replica: missing required key 'asr'"),
                          HasSubstr("replica: missing required key 'tts'"),
                          HasSubstr("replica: missing required key 'llm'"),
                          HasSubstr("replica: missing required key 'encode'")));
}

TEST_F(AvatarReplicaLoaderTest, FaceModelMustBeACatalogModelOfTheWorkloadsTier) {
  EXPECT_THAT(Problems("face_model: musetalk-256", "face_model: musetalk"),
              ElementsAre(At(14, 19, "face_model",
                             "unknown face model 'musetalk'; did you mean 'musetalk-256'? known: "
                             "live-avatar-14b, liveportrait-512, musetalk-256, "
                             "talkingmachines-18b")));
  EXPECT_EQ(Only("face_model: musetalk-256", "face_model: live-avatar-14b", "face_model"),
            "face model 'live-avatar-14b' is of tier 'video-diffusion' but the avatar workload's "
            "tier is 'lipsync-2d'; face models of that tier: musetalk-256");
  // An unknown tier is reported once, at the tier.
  EXPECT_THAT(Problems("tier: lipsync-2d", "tier: lipsync"),
              ElementsAre(HasSubstr("workloads[0].tier: unknown avatar tier 'lipsync'")));
}

TEST_F(AvatarReplicaLoaderTest, TopLevelValuesOutOfRange) {
  EXPECT_EQ(Only("gpus_per_replica: 2", "gpus_per_replica: 0", "gpus_per_replica"),
            "must be at least 1, got '0'");
  EXPECT_EQ(Only("gpus_per_replica: 2", "gpus_per_replica: 1.5", "gpus_per_replica"),
            "'1.5' is not a whole number");
  EXPECT_EQ(Only("frame_budget: 0.7", "frame_budget: 0", "frame_budget"),
            "must be positive, got '0'");
  EXPECT_EQ(Only("frame_budget: 0.7", "frame_budget: 1.2", "frame_budget"),
            "must be at most 1 (a share of the frame interval), got '1.2'");
  EXPECT_EQ(Only("overcommit: 1.5", "overcommit: 0.9", "overcommit"),
            "must be at least 1, got '0.9'");
  EXPECT_EQ(Only("render_idle: true", "render_idle: sometimes", "render_idle"),
            "expected true or false, got 'sometimes'");
  EXPECT_EQ(Only("stream_vram: 0.75 GB", "stream_vram: 0 GB", "stream_vram"),
            "must be positive, got '0 GB'");
  EXPECT_THAT(Only("stream_vram: 0.75 GB", "stream_vram: 5 ms", "stream_vram"),
              HasSubstr("'5 ms' is a time; expected a size"));
  EXPECT_EQ(Only("hold_audio: false", "hold_audio: maybe", "hold_audio"),
            "expected true or false, got 'maybe'");
}

TEST_F(AvatarReplicaLoaderTest, StreamPools) {
  const std::string asr = "asr: { gpus: 8, streams_per_gpu: 12, latency_one: 70 ms, ";
  EXPECT_EQ(Only(asr, "asr: { streams_per_gpu: 12, latency_one: 70 ms, ", "asr"),
            "missing required key 'gpus'");
  EXPECT_EQ(Only(asr, "asr: { gpus: 0, streams_per_gpu: 12, latency_one: 70 ms, ", "asr.gpus"),
            "must be at least 1, got '0'");
  EXPECT_EQ(
      Only(asr, "asr: { gpus: 8, streams_per_gpu: 0, latency_one: 70 ms, ", "asr.streams_per_gpu"),
      "must be at least 1, got '0'");
  EXPECT_EQ(
      Only(asr, "asr: { gpus: 8, streams_per_gpu: 12, latency_one: 0 ms, ", "asr.latency_one"),
      "must be positive, got '0 ms'");
  EXPECT_EQ(Only("latency_full: 140 ms", "latency_full: 0 s", "asr.latency_full"),
            "must be positive, got '0 s'");
  EXPECT_EQ(Only("latency_full: 140 ms", "latency_full: 60 ms", "asr.latency_full"),
            "must be at least latency_one (70 ms), got '60 ms'");
  EXPECT_EQ(
      Only(asr, "asr: { gpus: 8, streams_per_gpu: 12, latency_onee: 70 ms, ", "asr.latency_onee"),
      "unknown key 'latency_onee'; did you mean 'latency_one'?");
  // One of the pair left at its default.
  EXPECT_EQ(Only("{ gpus: 16, streams_per_gpu: 6, latency_one: 90 ms, latency_full: 250 ms }",
                 "{ gpus: 16, latency_full: 90 ms }", "tts.latency_full"),
            "must be at least latency_one (95 ms, the default), got '90 ms'");
  EXPECT_EQ(Only("{ gpus: 16, streams_per_gpu: 6, latency_one: 90 ms, latency_full: 250 ms }",
                 "{ gpus: 16, latency_one: 300 ms }", "tts.latency_one"),
            "must be at most latency_full (280 ms, the default), got '300 ms'");
  EXPECT_THAT(
      Only("tts: { gpus: 16, streams_per_gpu: 6, latency_one: 90 ms, latency_full: 250 ms }",
           "tts: 16", "tts"),
      HasSubstr("expected a mapping with keys gpus, streams_per_gpu, latency_one, "
                "latency_full, got '16'"));
}

TEST_F(AvatarReplicaLoaderTest, Llm) {
  EXPECT_EQ(Only("{ model: llama-3-8b, replicas: 4,", "{ replicas: 4,", "llm"),
            "missing required key 'model'");
  EXPECT_THAT(Only("model: llama-3-8b", "model: llama-3-9b", "llm.model"),
              HasSubstr("unknown model 'llama-3-9b'; did you mean 'llama-3-8b'?"));
  EXPECT_EQ(Only("model: llama-3-8b", "model: gemma-2-27b", "llm.model"),
            "model 'gemma-2-27b' has no architecture in the catalog; the avatar LLM is priced op "
            "by op and needs one");
  EXPECT_THAT(Problems("tp: 2,", "tp: 3,"),
              ElementsAre(At(22, 50, "llm.tp", "llama-3-8b: tp 3 does not divide 32 heads"),
                          At(22, 50, "llm.tp",
                             "llama-3-8b: tp 3 and 8 KV heads: one must divide the other"),
                          At(22, 50, "llm.tp", "llama-3-8b: tp 3 does not divide FFN size 14336")));
  EXPECT_EQ(Only("tp: 2,", "tp: 0,", "llm.tp"), "must be at least 1, got '0'");
  EXPECT_EQ(Only("replicas: 4,", "replicas: 0,", "llm.replicas"), "must be at least 1, got '0'");
  EXPECT_EQ(Only("max_seqs: 48,", "max_seqs: 0,", "llm.max_seqs"), "must be at least 1, got '0'");
  EXPECT_EQ(
      Only("system_prompt_tokens: 600", "system_prompt_tokens: -1", "llm.system_prompt_tokens"),
      "must not be negative, got '-1'");
  EXPECT_EQ(Only("tokens_per_turn: 180", "tokens_per_turn: 0", "llm.tokens_per_turn"),
            "must be at least 1, got '0'");
  EXPECT_EQ(Only("tokens_per_turn: 180", "tokens_per_turn: 2.5", "llm.tokens_per_turn"),
            "'2.5' is not a whole number");
  EXPECT_EQ(Only("reply_tokens: 40", "reply_tokens: 0", "llm.reply_tokens"),
            "must be at least 1, got '0'");
  EXPECT_EQ(Only("first_chunk_tokens: 10", "first_chunk_tokens: 0", "llm.first_chunk_tokens"),
            "must be at least 1, got '0'");
  EXPECT_EQ(Only("first_chunk_tokens: 10", "first_chunk_tokens: 41", "llm.first_chunk_tokens"),
            "must be at most reply_tokens (40), got '41'");
  EXPECT_EQ(
      Only("reply_tokens: 40, first_chunk_tokens: 10, ", "reply_tokens: 5, ", "llm.reply_tokens"),
      "must be at least first_chunk_tokens (8, the default), got '5'");
  EXPECT_EQ(Only("reply_tokens: 40, first_chunk_tokens: 10, ", "first_chunk_tokens: 31, ",
                 "llm.first_chunk_tokens"),
            "must be at most reply_tokens (30, the default), got '31'");
  EXPECT_EQ(Only("prefix_cache: false", "prefix_cache: 2", "llm.prefix_cache"),
            "expected true or false, got '2'");
  EXPECT_EQ(Only("prefix_cache: false", "prefix_cach: false", "llm.prefix_cach"),
            "unknown key 'prefix_cach'; did you mean 'prefix_cache'?");
}

TEST_F(AvatarReplicaLoaderTest, EncodeNeedsAKnownTarget) {
  const std::string cpu = "on: cpu, latency: 15 ms, cpu_cores_per_stream: 0.5";
  EXPECT_EQ(Only(cpu, "latency: 15 ms", "encode"), "missing required key 'on'");
  EXPECT_EQ(Only(cpu, "on: disk", "encode.on"),
            "unknown encode target 'disk'; known: cpu, encoder-pool, pool-gpu");
  EXPECT_THAT(Only(cpu, "on: encoder_pool", "encode.on"),
              HasSubstr("did you mean 'encoder-pool'?"));
  EXPECT_EQ(Only(cpu, "on: cpu, latency: -1 ms", "encode.latency"),
            "must not be negative, got '-1 ms'");
  EXPECT_EQ(Only(cpu, "on: cpu, cpu_cores_per_stream: 0", "encode.cpu_cores_per_stream"),
            "must be positive, got '0'");
  EXPECT_EQ(Only(cpu, "on: cpu, latncy: 15 ms", "encode.latncy"),
            "unknown key 'latncy'; did you mean 'latency'?");
  EXPECT_THAT(
      Problems("      encode: { on: cpu, latency: 15 ms, cpu_cores_per_stream: 0.5 }\n", ""),
      ElementsAre(path_ + ":14:7: workloads[0].replica: missing required key 'encode'"));
}

TEST_F(AvatarReplicaLoaderTest, EncodeKeysOfAnotherTargetAreErrors) {
  const std::string cpu = "on: cpu, latency: 15 ms, cpu_cores_per_stream: 0.5";
  EXPECT_THAT(Problems(cpu, "on: cpu, gpu: L4, gpus: 2, streams_per_gpu: 8"),
              ElementsAre(HasSubstr("encode.gpu: belongs to on: encoder-pool, not to on: cpu"),
                          HasSubstr("encode.gpus: belongs to on: encoder-pool, not to on: cpu"),
                          HasSubstr("encode.streams_per_gpu: belongs to on: pool-gpu or "
                                    "encoder-pool, not to on: cpu")));
  const std::string l4 = "gpu: L4";
  EXPECT_THAT(
      Problems(Replace(Replace(kReplica, "gpu: H100-SXM", l4), cpu,
                       "on: pool-gpu, streams_per_gpu: 4, gpu: L4, gpus: 2, "
                       "cpu_cores_per_stream: 1")),
      ElementsAre(HasSubstr("encode.gpu: belongs to on: encoder-pool, not to on: pool-gpu"),
                  HasSubstr("encode.gpus: belongs to on: encoder-pool, not to on: pool-gpu"),
                  HasSubstr("encode.cpu_cores_per_stream: belongs to on: cpu, not to on: "
                            "pool-gpu")));
  EXPECT_EQ(Only(cpu,
                 "on: encoder-pool, gpu: L4, gpus: 2, streams_per_gpu: 8, "
                 "cpu_cores_per_stream: 1",
                 "encode.cpu_cores_per_stream"),
            "belongs to on: cpu, not to on: encoder-pool");
}

TEST_F(AvatarReplicaLoaderTest, EncodeOnThePoolGpuNeedsVideoEncoders) {
  const std::string cpu = "on: cpu, latency: 15 ms, cpu_cores_per_stream: 0.5";
  EXPECT_THAT(Problems(cpu, "on: pool-gpu, streams_per_gpu: 4"),
              ElementsAre(At(24, 21, "encode.on",
                             "H100-SXM has no video encoders (catalog video_encoders: 0); encode "
                             "on cpu or on an encoder-pool (e.g. L40S, L4)")));
  EXPECT_THAT(Problems(Replace(Replace(kReplica, "gpu: H100-SXM", "gpu: L4"), cpu, "on: pool-gpu")),
              ElementsAre(HasSubstr("encode: missing required key 'streams_per_gpu'")));
  EXPECT_THAT(Problems(Replace(Replace(kReplica, "gpu: H100-SXM", "gpu: L4"), cpu,
                               "on: pool-gpu, streams_per_gpu: 0")),
              ElementsAre(HasSubstr("encode.streams_per_gpu: must be at least 1, got '0'")));
}

TEST_F(AvatarReplicaLoaderTest, EncoderPool) {
  const std::string cpu = "on: cpu, latency: 15 ms, cpu_cores_per_stream: 0.5";
  EXPECT_THAT(Problems(cpu, "on: encoder-pool"),
              ElementsAre(HasSubstr("encode: missing required key 'gpu'"),
                          HasSubstr("encode: missing required key 'gpus'"),
                          HasSubstr("encode: missing required key 'streams_per_gpu'")));
  EXPECT_EQ(Only(cpu, "on: encoder-pool, gpu: L5, gpus: 2, streams_per_gpu: 8", "encode.gpu"),
            "unknown GPU 'L5'; known: B200, GB200, H100-SXM, H200, L4, L40S, MI300X");
  EXPECT_EQ(Only(cpu, "on: encoder-pool, gpu: H200, gpus: 2, streams_per_gpu: 8", "encode.gpu"),
            "H200 has no video encoders (catalog video_encoders: 0); an encoder pool needs GPUs "
            "with video encoders (e.g. L40S, L4)");
  EXPECT_EQ(Only(cpu, "on: encoder-pool, gpu: L4, gpus: 0, streams_per_gpu: 8", "encode.gpus"),
            "must be at least 1, got '0'");
  EXPECT_EQ(
      Only(cpu, "on: encoder-pool, gpu: L4, gpus: 2, streams_per_gpu: 0", "encode.streams_per_gpu"),
      "must be at least 1, got '0'");
}

TEST_F(AvatarReplicaLoaderTest, SetOverridesReachTheBlock) {
  dir_.Write("r.yaml", std::string(kReplica) + "calibration: { H100-SXM: published }\n");
  Result<models::Scenario> r =
      LoadScenario(path_, {"workloads[0].replica.encode.latency=30 ms"}, kCatalog);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_DOUBLE_EQ(r.value().avatars.at(0).replica->encode.latency_s, 0.030);
  r = LoadScenario(path_, {"workloads[0].replica.frame_budget=2"}, kCatalog);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().problems(),
              ElementsAre("--set workloads[0].replica.frame_budget=2: "
                          "workloads[0].replica.frame_budget: must be at most 1 (a share of the "
                          "frame interval), got '2'"));
}

}  // namespace
}  // namespace capsim::config

namespace capsim::config {
namespace {

// The replica-level pipeline prices its face model and LLM with the performance model.
TEST(AvatarReplicaCalibrationTest, ReplicaBlockNeedsACalibrationProfile) {
  testing::TempDir dir;
  const std::string path = dir.Write("r.yaml", kReplica);
  Result<models::Scenario> r = LoadScenario(path, {}, kCatalog);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("no calibration profile for GPU 'H100-SXM'"),
            std::string::npos)
      << r.status().ToString();
}

}  // namespace
}  // namespace capsim::config
