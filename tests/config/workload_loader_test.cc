#include "config/workload_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/scenario_loader.h"
#include "tests/config/test_files.h"

namespace capsim::config {
namespace {

using ::testing::ElementsAre;
using testing::kMinimalScenario;
using testing::Replace;

const std::string kCatalog = std::string(CAPSIM_SOURCE_DIR) + "/data/catalog.yaml";

// Workloads are read through LoadScenario so that problems carry real file positions.
class WorkloadLoaderTest : public ::testing::Test {
 protected:
  Result<models::Scenario> Load(const std::string& text) {
    dir_.Write("w.yaml", text);
    return LoadScenario(path_, {}, kCatalog);
  }
  std::vector<std::string> Problems(const std::string& text) {
    Result<models::Scenario> r = Load(text);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::vector<std::string>{} : r.status().problems();
  }
  std::string At(int line, int col, const std::string& rest) const {
    return path_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + rest;
  }

  testing::TempDir dir_;
  const std::string path_ = dir_.path() + "/w.yaml";
};

TEST_F(WorkloadLoaderTest, AvatarStageDefaultsAndTierFace) {
  Result<models::Scenario> r = Load(kMinimalScenario);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::AvatarSpec& a = r.value().avatars.at(0);
  EXPECT_EQ(a.arrivals.kind, models::ArrivalSpec::Kind::kPoisson);
  EXPECT_DOUBLE_EQ(a.arrivals.peak_rate_per_s, 1);
  EXPECT_DOUBLE_EQ(a.end_of_turn.latency_s, 0.060);
  EXPECT_DOUBLE_EQ(a.asr.latency_s, 0.100);
  EXPECT_DOUBLE_EQ(a.asr.gpu_share, 1.0 / 32);
  EXPECT_DOUBLE_EQ(a.llm.latency_s, 0.250);
  EXPECT_DOUBLE_EQ(a.llm.gpu_share, 0.01);
  EXPECT_DOUBLE_EQ(a.tts.latency_s, 0.150);
  EXPECT_DOUBLE_EQ(a.tts.gpu_share, 1.0 / 8);
  EXPECT_DOUBLE_EQ(a.face.latency_s, 0.2);  // lipsync-2d tier
  EXPECT_DOUBLE_EQ(a.face.gpu_share, 0.7);
  EXPECT_DOUBLE_EQ(a.face_idle_share, 0);
  EXPECT_DOUBLE_EQ(a.encode.latency_s, 0.020);
  EXPECT_DOUBLE_EQ(a.encode.gpu_share, 0);
  EXPECT_DOUBLE_EQ(a.network.latency_s, 0.050);
  EXPECT_DOUBLE_EQ(a.gpu_load_target, 0.85);  // struct default
  const models::TrainingSpec& t = r.value().trainings.at(0);
  EXPECT_DOUBLE_EQ(t.checkpoint_interval_s, 1800);
  EXPECT_DOUBLE_EQ(t.efficiency, 0);
}

TEST_F(WorkloadLoaderTest, StageKeysOverrideDefaultsOneByOne) {
  Result<models::Scenario> r = Load(
      Replace(kMinimalScenario, "    fps: 25\n",
              "    fps: 25\n    stages: { face: { idle_share: 0.1 }, asr: { latency: 80 ms } }\n"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::AvatarSpec& a = r.value().avatars.at(0);
  EXPECT_DOUBLE_EQ(a.face.gpu_share, 0.7);
  EXPECT_DOUBLE_EQ(a.face_idle_share, 0.1);
  EXPECT_DOUBLE_EQ(a.asr.latency_s, 0.080);
  EXPECT_DOUBLE_EQ(a.asr.gpu_share, 1.0 / 32);
}

TEST_F(WorkloadLoaderTest, WarpTierIdlesOnTheGpu) {
  Result<models::Scenario> r = Load(Replace(kMinimalScenario, "lipsync-2d", "warp-gaussian"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_DOUBLE_EQ(r.value().avatars.at(0).face_idle_share, 0.4);
}

TEST_F(WorkloadLoaderTest, DistillationFixedSize) {
  Result<models::Scenario> r =
      Load(Replace(kMinimalScenario, "gpus: { min: 8, max: 16 }", "gpus: 24"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value().distillations.at(0).min_gpus, 24);
  EXPECT_EQ(r.value().distillations.at(0).max_gpus, 24);
}

TEST_F(WorkloadLoaderTest, UnknownKind) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "kind: training", "kind: trainig")),
              ElementsAre(At(23, 11,
                             "workloads[1].kind: unknown workload kind 'trainig'; did you "
                             "mean 'training'? known: avatar, distillation, llm-serving, training")));
}

TEST_F(WorkloadLoaderTest, MissingKind) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "    kind: training\n", "")),
              ElementsAre(At(22, 5, "workloads[1]: missing required key 'kind'")));
}

TEST_F(WorkloadLoaderTest, DuplicateWorkloadNames) {
  const std::string text = Replace(Replace(kMinimalScenario, "name: train", "name: av"),
                                   "[av, distill, train]", "[av, distill]");
  EXPECT_THAT(Problems(text),
              ElementsAre(At(22, 11,
                             "workloads[1].name: duplicate workload name 'av' (first at "
                             "line 15)")));
}

TEST_F(WorkloadLoaderTest, UnknownModel) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "model: llama-3-8b", "model: llama-3-9b")),
              ElementsAre(At(24, 12,
                             "workloads[1].model: unknown model 'llama-3-9b'; did you mean "
                             "'llama-3-8b'? known: gemma-2-27b, gpt-oss-120b, "
                             "llama-2-70b, llama-2-7b, llama-3-405b, llama-3-70b, llama-3-8b, llama-3.2-1b, "
                             "llama-3.2-3b, qwen-2.5-72b")));
}

TEST_F(WorkloadLoaderTest, UnknownTier) {
  const auto p = Problems(Replace(kMinimalScenario, "tier: lipsync-2d", "tier: lipsync"));
  EXPECT_THAT(p, ElementsAre(At(17, 11,
                                "workloads[0].tier: unknown avatar tier 'lipsync'; did you "
                                "mean 'lipsync-2d'? known: lipsync-2d, video-diffusion, "
                                "warp-gaussian")));
}

TEST_F(WorkloadLoaderTest, MoreThanOneAvatar) {
  const std::string second =
      "  - { name: av2, kind: avatar, tier: lipsync-2d, arrivals: { kind: poisson, rate: 1 /s }, "
      "session_length: { median: 1 min, mean: 2 min }, admission: { max_sessions: 1 } }\n"
      "policy:\n";
  const std::string text = Replace(Replace(kMinimalScenario, "policy:\n", second),
                                   "[av, distill, train]", "[av, av2, distill, train]");
  EXPECT_THAT(Problems(text),
              ElementsAre(At(33, 24,
                             "workloads[3].kind: this version supports at most one avatar "
                             "workload; 'av' is already one")));
}

TEST_F(WorkloadLoaderTest, TrainingGpusNotAMultipleOfTheNode) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "gpus: 16", "gpus: 12")),
              ElementsAre(At(25, 11,
                             "workloads[1].gpus: must be a multiple of the pool's "
                             "gpus_per_node (8) for a gang job")));
}

TEST_F(WorkloadLoaderTest, TrainingLargerThanThePool) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "gpus: 16", "gpus: 64")),
              ElementsAre(At(25, 11, "workloads[1].gpus: 64 GPUs is more than the pool's 32")));
}

TEST_F(WorkloadLoaderTest, DistillationMinAboveMax) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "{ min: 8, max: 16 }", "{ min: 24, max: 16 }")),
              ElementsAre(At(31, 18, "workloads[2].gpus.min: min (24) is larger than max (16)")));
}

TEST_F(WorkloadLoaderTest, ArrivalKindMismatch) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "{ kind: poisson, rate: 1 /s }",
                               "{ kind: poisson, peak_rate: 1 /s }")),
              ElementsAre(At(19, 15, "workloads[0].arrivals: missing required key 'rate'"),
                          At(19, 43,
                             "workloads[0].arrivals.peak_rate: only for kind "
                             "diurnal-poisson; use 'rate' with poisson")));
}

TEST_F(WorkloadLoaderTest, SessionMeanBelowMedian) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "mean: 10 min", "mean: 1 min")),
              ElementsAre(At(20, 44,
                             "workloads[0].session_length.mean: must be at least the median "
                             "(a lognormal's mean exceeds its median)")));
}

TEST_F(WorkloadLoaderTest, EfficiencyOver100Percent) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "    tokens: 1B\n  - name: distill",
                               "    tokens: 1B\n    efficiency: 120%\n  - name: distill")),
              ElementsAre(At(27, 17, "workloads[1].efficiency: '120%' is more than 100%")));
}

}  // namespace
}  // namespace capsim::config

namespace capsim::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class StepLayoutTest : public ::testing::Test {
 protected:
  std::vector<std::string> Problems(const std::string& text) {
    Result<models::Scenario> r = LoadScenario(dir_.Write("w.yaml", text));
    return r.ok() ? std::vector<std::string>{} : r.status().problems();
  }
  testing::TempDir dir_;
};

TEST_F(StepLayoutTest, DefaultsFillTheGangWithDataParallelism) {
  Result<models::Scenario> r = LoadScenario(dir_.Write("w.yaml", testing::kMinimalScenario));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::StepLayout& l = r.value().trainings[0].layout;
  EXPECT_EQ(l.tp, 8);  // the pool's gpus_per_node
  EXPECT_EQ(l.pp, 1);
  EXPECT_EQ(l.dp, 2);  // 16 GPUs
  EXPECT_EQ(r.value().distillations[0].layout.tp, 8);
}

TEST_F(StepLayoutTest, ExplicitLayoutAndBatch) {
  Result<models::Scenario> r = LoadScenario(dir_.Write(
      "w.yaml", testing::Replace(testing::kMinimalScenario, "    gpus: 16\n",
                                 "    gpus: 16\n    parallelism: { tp: 4, pp: 2, dp: 2 }\n"
                                 "    batch: { global: 2M, seq_len: 8192, micro: 2 }\n")));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::StepLayout& l = r.value().trainings[0].layout;
  EXPECT_EQ(l.tp * 100 + l.pp * 10 + l.dp, 422);
  EXPECT_DOUBLE_EQ(l.global_batch_tokens, 2e6);
  EXPECT_EQ(l.seq_len, 8192);
  EXPECT_EQ(l.micro_batch_seqs, 2);
}

TEST_F(StepLayoutTest, LayoutMustFactorTheGang) {
  EXPECT_THAT(Problems(testing::Replace(testing::kMinimalScenario, "    gpus: 16\n",
                                        "    gpus: 16\n    parallelism: { tp: 8, pp: 2, dp: 2 }\n")),
              ElementsAre(HasSubstr("workloads[1].parallelism: tp x pp x dp = 8 x 2 x 2 does "
                                    "not equal the job's 16 GPUs")));
}

TEST_F(StepLayoutTest, GlobalBatchBelowOneMicroBatchPerRank) {
  EXPECT_THAT(Problems(testing::Replace(testing::kMinimalScenario, "    gpus: 16\n",
                                        "    gpus: 16\n    batch: { global: 4096 }\n")),
              ElementsAre(HasSubstr("workloads[1].batch.global: is smaller than one micro-batch "
                                    "per data-parallel rank")));
}

TEST_F(StepLayoutTest, DistillationReplicaMustDivideItsMinimum) {
  EXPECT_THAT(Problems(testing::Replace(testing::kMinimalScenario, "    gpus: { min: 8, max: 16 }\n",
                                        "    gpus: { min: 8, max: 16 }\n"
                                        "    parallelism: { tp: 16 }\n")),
              ElementsAre(HasSubstr("workloads[2].parallelism: tp 16 does not divide the minimum "
                                    "of 8 GPUs")));
}

TEST_F(StepLayoutTest, ExpertParallelOptimizerAndOverlap) {
  Result<models::Scenario> r = LoadScenario(dir_.Write(
      "w.yaml", testing::Replace(testing::kMinimalScenario, "    gpus: 16\n",
                                 "    gpus: 16\n    parallelism: { tp: 8, dp: 2, ep: 2, "
                                 "distributed_optimizer: true, dp_overlap: 80% }\n")));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::StepLayout& l = r.value().trainings[0].layout;
  EXPECT_EQ(l.ep, 2);
  EXPECT_TRUE(l.distributed_optimizer);
  EXPECT_DOUBLE_EQ(l.dp_overlap, 0.8);
  EXPECT_THAT(Problems(testing::Replace(testing::kMinimalScenario, "    gpus: 16\n",
                                        "    gpus: 16\n    parallelism: { dp_overlap: 1.5 }\n")),
              ElementsAre(HasSubstr("workloads[1].parallelism.dp_overlap:")));
  EXPECT_THAT(Problems(testing::Replace(testing::kMinimalScenario, "    gpus: 16\n",
                                        "    gpus: 16\n    parallelism: { ep: 0 }\n")),
              ElementsAre(HasSubstr("workloads[1].parallelism.ep:")));
}

TEST_F(StepLayoutTest, DistillationHasNoPipelineKey) {
  EXPECT_THAT(Problems(testing::Replace(testing::kMinimalScenario, "    gpus: { min: 8, max: 16 }\n",
                                        "    gpus: { min: 8, max: 16 }\n"
                                        "    parallelism: { tp: 8, pp: 2 }\n")),
              ElementsAre(HasSubstr("unknown key 'pp'")));
}

}  // namespace
}  // namespace capsim::config

namespace capsim::config {
namespace {

class CheckpointWriteTest : public ::testing::Test {
 protected:
  Result<models::Scenario> Load(const std::string& checkpoint) {
    dir_.Write("w.yaml", testing::Replace(testing::kMinimalScenario, "    tokens: 1B\n",
                                          "    tokens: 1B\n    checkpoint: " + checkpoint + "\n"));
    return LoadScenario(dir_.path() + "/w.yaml", {}, kCatalog);
  }
  testing::TempDir dir_;
};

// Llama-3-8B (8.03e9 parameters) x 14 bytes of mixed-precision state (BF16 weights, FP32 master,
// Adam m and v) = 112 GB; at the Llama 3 cluster's 2 TB/s sustained storage (workloads.md §8,
// FIRM) that is a 56 ms write, at 1 GB/s 112 s.
TEST_F(CheckpointWriteTest, WriteTimeFromSizeAndStorageBandwidth) {
  Result<models::Scenario> r = Load("{ storage_bandwidth: 2 TB/s }");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const double params = r.value().catalog.FindModel("llama-3-8b")->params;
  EXPECT_DOUBLE_EQ(r.value().trainings.at(0).checkpoint_write_s, params * 14 / 2e12);
  r = Load("{ storage_bandwidth: 1 GB/s }");
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r.value().trainings.at(0).checkpoint_write_s, 112.4, 0.5);
}

TEST_F(CheckpointWriteTest, Errors) {
  Result<models::Scenario> r = Load("{ write: 1 min, storage_bandwidth: 2 TB/s }");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("give either write or storage_bandwidth, not both"),
            std::string::npos);
  r = Load("{ storage_bandwidth: 10 MB/s }");  // 11,200 s of writing in a 30 min interval
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("checkpoint.storage_bandwidth: the checkpoint write"),
            std::string::npos)
      << r.status().ToString();
  r = Load("{ storage_bandwidth: 0 TB/s }");
  EXPECT_FALSE(r.ok());
  r = Load("{ storage_bandwidth: 5 min }");
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace capsim::config

namespace capsim::config {
namespace {

class ElasticTrainingTest : public ::testing::Test {
 protected:
  Result<models::Scenario> Load(const std::string& gpus) {
    dir_.Write("w.yaml", testing::Replace(testing::kMinimalScenario,
                                          "    model: llama-3-8b\n    gpus: 16\n",
                                          "    model: llama-3-8b\n    gpus: " + gpus + "\n"));
    return LoadScenario(dir_.path() + "/w.yaml", {}, kCatalog);
  }
  std::string Problems(const std::string& gpus) {
    Result<models::Scenario> r = Load(gpus);
    EXPECT_FALSE(r.ok()) << gpus;
    return r.ok() ? std::string() : r.status().ToString();
  }
  testing::TempDir dir_;
};

TEST_F(ElasticTrainingTest, MinAndMax) {
  Result<models::Scenario> r = Load("{ min: 8, max: 16 }");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value().trainings.at(0).gpus, 16);
  EXPECT_EQ(r.value().trainings.at(0).min_gpus, 8);
  r = Load("16");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().trainings.at(0).min_gpus, 0);  // a gang
}

TEST_F(ElasticTrainingTest, Errors) {
  EXPECT_NE(Problems("{ min: 16, max: 8 }").find("min (16) is larger than max (8)"), std::string::npos);
  EXPECT_NE(Problems("{ min: 4, max: 16 }").find("gpus.min: must be a multiple of the pool's gpus_per_node"),
            std::string::npos);
  EXPECT_NE(Problems("{ max: 16 }").find("missing required key 'min'"), std::string::npos);
  // tp 16 over two nodes: an elastic minimum of 8 GPUs is half a model replica.
  Result<models::Scenario> r = LoadScenario(
      [&] {
        dir_.Write("t.yaml", testing::Replace(testing::kMinimalScenario,
                                              "    model: llama-3-8b\n    gpus: 16\n",
                                              "    model: llama-3-8b\n    gpus: { min: 8, max: 16 }\n"
                                              "    parallelism: { tp: 8, pp: 2 }\n"));
        return dir_.path() + "/t.yaml";
      }(),
      {}, kCatalog);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("not a whole number of tp x pp = 16 model replicas"),
            std::string::npos)
      << r.status().ToString();
}

}  // namespace
}  // namespace capsim::config

namespace capsim::config {
namespace {

using ::testing::ElementsAre;

// Distillation mode and logit storage (models/distillation_pricing.h): the keys after `tokens`
// of the distillation workload, lines 33 on.
class DistillationModeTest : public ::testing::Test {
 protected:
  Result<models::Scenario> Load(const std::string& keys) {
    dir_.Write("w.yaml", testing::Replace(testing::kMinimalScenario, "    tokens: 1B\npolicy:\n",
                                          "    tokens: 1B\n" + keys + "policy:\n"));
    return LoadScenario(path_, {}, kCatalog);
  }
  std::vector<std::string> Problems(const std::string& keys) {
    Result<models::Scenario> r = Load(keys);
    EXPECT_FALSE(r.ok()) << keys;
    return r.ok() ? std::vector<std::string>{} : r.status().problems();
  }
  std::string At(int line, int col, const std::string& rest) const {
    return path_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + rest;
  }
  testing::TempDir dir_;
  const std::string path_ = dir_.path() + "/w.yaml";
};

TEST_F(DistillationModeTest, DefaultsAreOnlineWithTop128Logits) {
  Result<models::Scenario> r = Load("");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::DistillationSpec& d = r.value().distillations.at(0);
  EXPECT_EQ(d.mode, models::DistillationSpec::Mode::kOnline);
  EXPECT_EQ(d.logit_top_k, 128);
  EXPECT_DOUBLE_EQ(d.logit_bytes_per_entry, 6);
  EXPECT_DOUBLE_EQ(d.logit_storage_bandwidth, 0);
}

TEST_F(DistillationModeTest, ModeAndLogitKeys) {
  Result<models::Scenario> r = Load("    mode: online\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value().distillations.at(0).mode, models::DistillationSpec::Mode::kOnline);
  r = Load("    mode: offline\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value().distillations.at(0).mode, models::DistillationSpec::Mode::kOffline);
  EXPECT_EQ(r.value().distillations.at(0).logit_top_k, 128);
  r = Load(
      "    mode: offline\n"
      "    logits: { top_k: 64, bytes_per_entry: 4, storage_bandwidth: 2 GB/s }\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::DistillationSpec& d = r.value().distillations.at(0);
  EXPECT_EQ(d.logit_top_k, 64);
  EXPECT_DOUBLE_EQ(d.logit_bytes_per_entry, 4);
  EXPECT_DOUBLE_EQ(d.logit_storage_bandwidth, 2e9);
  r = Load("    mode: offline\n    logits: { top_k: 0 }\n");  // the full vocabulary
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value().distillations.at(0).logit_top_k, 0);
}

TEST_F(DistillationModeTest, UnknownMode) {
  EXPECT_THAT(Problems("    mode: ofline\n"),
              ElementsAre(At(33, 11,
                             "workloads[2].mode: unknown distillation mode 'ofline'; did you "
                             "mean 'offline'? known: offline, online")));
}

TEST_F(DistillationModeTest, LogitsOnlyOffline) {
  EXPECT_THAT(Problems("    logits: { top_k: 64 }\n"),
              ElementsAre(At(33, 13,
                             "workloads[2].logits: only for mode offline (online distillation "
                             "keeps the teacher's logits on the GPU)")));
}

TEST_F(DistillationModeTest, BadLogitValues) {
  // gpt-oss-120b, the teacher of the minimal scenario, has a vocabulary of 201,088 tokens.
  EXPECT_THAT(Problems("    mode: offline\n    logits: { top_k: 300000 }\n"),
              ElementsAre(At(34, 22,
                             "workloads[2].logits.top_k: 300000 is more than the vocabulary of "
                             "gpt-oss-120b (201088); 0 stores the full vocabulary")));
  EXPECT_THAT(Problems("    mode: offline\n    logits: { top_k: -1 }\n"),
              ElementsAre(At(34, 22, "workloads[2].logits.top_k: must not be negative, got '-1'")));
  EXPECT_THAT(
      Problems("    mode: offline\n    logits: { bytes_per_entry: 0 }\n"),
      ElementsAre(At(34, 32, "workloads[2].logits.bytes_per_entry: must be positive, got '0'")));
  EXPECT_THAT(Problems("    mode: offline\n    logits: { storage_bandwidth: 0 GB/s }\n"),
              ElementsAre(At(34, 34,
                             "workloads[2].logits.storage_bandwidth: must be positive, got "
                             "'0 GB/s'")));
  EXPECT_THAT(Problems("    mode: offline\n    logits: { storage_bandwidth: 5 min }\n"),
              ElementsAre(At(34, 34,
                             "workloads[2].logits.storage_bandwidth: '5 min' is a time; expected "
                             "a bandwidth such as '3.35 TB/s'")));
  EXPECT_THAT(Problems("    mode: offline\n    logits: { topk: 128 }\n"),
              ElementsAre(At(34, 15,
                             "workloads[2].logits.topk: unknown key 'topk'; did you mean "
                             "'top_k'?")));
}

}  // namespace
}  // namespace capsim::config

namespace capsim::config {
namespace {

using ::testing::ElementsAre;
using testing::kMinimalScenario;
using testing::Replace;

// kMinimalScenario's avatar with `block` after its admission line (so `block` starts at line 22).
std::string WithAvatarBlock(const std::string& block) {
  return Replace(kMinimalScenario, "    admission: { max_sessions: 100 }\n",
                 "    admission: { max_sessions: 100 }\n" + block);
}

TEST_F(WorkloadLoaderTest, AvatarAggregateKey) {
  Result<models::Scenario> r = Load(kMinimalScenario);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r.value().avatars.at(0).aggregate.has_value());  // absent: the turn-level model

  r = Load(WithAvatarBlock("    aggregate: { sessions_per_gpu: 2.5, load_time: 90 s }\n"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r.value().avatars.at(0).aggregate.has_value());
  EXPECT_DOUBLE_EQ(r.value().avatars.at(0).aggregate->sessions_per_gpu, 2.5);
  EXPECT_DOUBLE_EQ(r.value().avatars.at(0).aggregate->load_time_s, 90);
  EXPECT_THAT(Problems(WithAvatarBlock("    aggregate: { load_time: -1 s }\n")),
              ElementsAre(HasSubstr("aggregate.load_time:")));

  // sessions_per_gpu is optional: 0 = gpu_load_target / the mean share.
  for (const char* block : {"    aggregate: {}\n", "    aggregate:\n"}) {
    r = Load(WithAvatarBlock(block));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(r.value().avatars.at(0).aggregate.has_value()) << block;
    EXPECT_DOUBLE_EQ(r.value().avatars.at(0).aggregate->sessions_per_gpu, 0);
  }
}

TEST_F(WorkloadLoaderTest, AvatarAggregateBadValues) {
  EXPECT_THAT(Problems(WithAvatarBlock("    aggregate: { sessions_per_gpu: 0 }\n")),
              ElementsAre(At(22, 36,
                             "workloads[0].aggregate.sessions_per_gpu: must be positive, got "
                             "'0'")));
  EXPECT_THAT(Problems(WithAvatarBlock("    aggregate: { sessions_per_gpu: -2 }\n")),
              ElementsAre(At(22, 36,
                             "workloads[0].aggregate.sessions_per_gpu: must be positive, got "
                             "'-2'")));
  EXPECT_THAT(Problems(WithAvatarBlock("    aggregate: { sessions_per_gpu: many }\n")),
              ElementsAre(At(22, 36,
                             "workloads[0].aggregate.sessions_per_gpu: 'many' is not a number; "
                             "expected a number such as '1.2'")));
  EXPECT_THAT(Problems(WithAvatarBlock("    aggregate: { sesions_per_gpu: 2 }\n")),
              ElementsAre(At(22, 18,
                             "workloads[0].aggregate.sesions_per_gpu: unknown key "
                             "'sesions_per_gpu'; did you mean 'sessions_per_gpu'?")));
  EXPECT_THAT(Problems(WithAvatarBlock("    aggregate: 2\n")),
              ElementsAre(At(22, 16,
                             "workloads[0].aggregate: expected a mapping with keys "
                             "sessions_per_gpu, load_time, got '2'")));
}

TEST_F(WorkloadLoaderTest, AvatarAggregateAndReplicaAreExclusive) {
  EXPECT_THAT(Problems(WithAvatarBlock("    aggregate: { sessions_per_gpu: 2 }\n"
                                       "    replica:\n"
                                       "      face_model: musetalk-256\n"
                                       "      asr: { gpus: 1 }\n"
                                       "      tts: { gpus: 1 }\n"
                                       "      llm: { model: llama-3-8b }\n"
                                       "      encode: { on: cpu }\n")),
              ElementsAre(At(22, 16,
                             "workloads[0].aggregate: give either replica (replica-level "
                             "pipeline) or aggregate (session-level model), not both")));
}

}  // namespace
}  // namespace capsim::config
