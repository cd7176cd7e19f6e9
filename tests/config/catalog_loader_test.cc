#include "config/catalog_loader.h"

#include <cmath>
#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "models/face_ops.h"
#include "models/transformer_ops.h"
#include "tests/config/test_files.h"

namespace capsim::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kCatalog = std::string(CAPSIM_SOURCE_DIR) + "/data/catalog.yaml";

TEST(LoadCatalogTest, ShippedCatalogLoadsInSiUnits) {
  Result<models::Catalog> r = LoadCatalog(kCatalog);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::Catalog& c = r.value();
  for (const char* gpu : {"H100-SXM", "H200", "B200", "GB200", "MI300X", "L4", "L40S"}) {
    EXPECT_NE(c.FindGpu(gpu), nullptr) << gpu;
  }
  const models::GpuSpec* h100 = c.FindGpu("H100-SXM");
  ASSERT_NE(h100, nullptr);
  EXPECT_DOUBLE_EQ(h100->bf16_flops, 989e12);
  EXPECT_DOUBLE_EQ(h100->fp8_flops, 1979e12);
  EXPECT_DOUBLE_EQ(h100->memory_bytes, 80e9);
  EXPECT_DOUBLE_EQ(h100->memory_bandwidth, 3.35e12);
  EXPECT_DOUBLE_EQ(h100->tdp_watts, 700);
  EXPECT_GT(h100->idle_watts, 0.10 * 700);
  EXPECT_LT(h100->idle_watts, 0.15 * 700);
  EXPECT_DOUBLE_EQ(h100->list_price_usd, 27500);
  EXPECT_DOUBLE_EQ(h100->bf16_gemm_efficiency, 0.80);
  EXPECT_FALSE(h100->has_video_encoder);
  EXPECT_TRUE(c.FindGpu("L4")->has_video_encoder);

  EXPECT_DOUBLE_EQ(c.FindModel("llama-3-8b")->params, 8.03e9);
  EXPECT_DOUBLE_EQ(c.FindModel("llama-3-8b")->active_params, 8.03e9);
  EXPECT_DOUBLE_EQ(c.FindModel("llama-3-70b")->params, 70.6e9);
  EXPECT_DOUBLE_EQ(c.FindModel("llama-3-405b")->params, 405.9e9);
  EXPECT_DOUBLE_EQ(c.FindModel("gpt-oss-120b")->active_params, 5.1e9);
  EXPECT_NE(c.FindModel("llama-3.2-1b"), nullptr);
  EXPECT_NE(c.FindModel("llama-3.2-3b"), nullptr);
  EXPECT_NE(c.FindModel("qwen-2.5-72b"), nullptr);

  const models::AvatarTierSpec* lipsync = c.FindTier("lipsync-2d");
  ASSERT_NE(lipsync, nullptr);
  EXPECT_DOUBLE_EQ(lipsync->face_gpu_share, 0.7);
  EXPECT_DOUBLE_EQ(lipsync->idle_gpu_share, 0);
  EXPECT_DOUBLE_EQ(lipsync->first_frame_latency_s, 0.2);
  EXPECT_DOUBLE_EQ(c.FindTier("warp-gaussian")->idle_gpu_share, 0.4);
  EXPECT_DOUBLE_EQ(c.FindTier("video-diffusion")->first_frame_latency_s, 0.9);
}

TEST(LoadCatalogTest, ShippedCatalogHasScaleUpNodesAndNetworks) {
  Result<models::Catalog> r = LoadCatalog(kCatalog);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::Catalog& c = r.value();
  const models::GpuSpec* h100 = c.FindGpu("H100-SXM");
  EXPECT_DOUBLE_EQ(h100->scale_up_bandwidth, 450e9);
  EXPECT_EQ(h100->scale_up_domain, 8);
  EXPECT_EQ(h100->video_encoders, 0);
  EXPECT_DOUBLE_EQ(c.FindGpu("B200")->scale_up_bandwidth, 900e9);
  EXPECT_EQ(c.FindGpu("GB200")->scale_up_domain, 72);
  EXPECT_EQ(c.FindGpu("MI300X")->scale_up_domain, 8);
  EXPECT_EQ(c.FindGpu("L40S")->video_encoders, 3);
  EXPECT_EQ(c.FindGpu("L4")->video_encoders, 2);
  EXPECT_EQ(c.FindGpu("L4")->scale_up_bandwidth, 0);
  EXPECT_EQ(c.FindGpu("L4")->scale_up_domain, 1);
  for (const models::GpuSpec& g : c.gpus) {
    EXPECT_EQ(g.has_video_encoder, g.video_encoders > 0) << g.name;
  }

  const models::NodeSpec* dgx = c.FindNode("DGX-B200");
  ASSERT_NE(dgx, nullptr);
  EXPECT_EQ(dgx->gpu, "B200");
  EXPECT_EQ(dgx->gpus_per_node, 8);
  EXPECT_DOUBLE_EQ(dgx->host_power_watts, 14300 - 8 * 1000);  // hardware.md §1
  EXPECT_DOUBLE_EQ(dgx->nic_bandwidth, 50e9);                 // 400 Gb/s
  EXPECT_DOUBLE_EQ(c.FindNode("HGX-H100-8")->list_price_usd, 270000);
  EXPECT_EQ(c.FindNode("DGX-B200")->list_price_usd, 0);  // unknown
  EXPECT_EQ(c.FindNode("GB200-NVL72-tray")->gpus_per_node, 4);
  for (const models::NodeSpec& n : c.nodes) EXPECT_NE(c.FindGpu(n.gpu), nullptr) << n.name;

  const models::NetworkSpec* roce = c.FindNetwork("roce-400g-rail");
  ASSERT_NE(roce, nullptr);
  EXPECT_EQ(roce->tier, models::LinkTier::kScaleOut);
  EXPECT_DOUBLE_EQ(roce->bandwidth, 50e9);
  EXPECT_DOUBLE_EQ(roce->latency_s, 5e-6);
  EXPECT_DOUBLE_EQ(roce->oversubscription, 7);
  EXPECT_EQ(roce->full_bisection_gpus, 3072);
  const models::NetworkSpec* nvlink = c.FindNetwork("nvlink");
  ASSERT_NE(nvlink, nullptr);
  EXPECT_EQ(nvlink->tier, models::LinkTier::kScaleUp);
  EXPECT_EQ(nvlink->bandwidth, 0);  // the GPU's own
  EXPECT_EQ(c.FindNetwork("ib-ndr-400g")->oversubscription, 1);
}

// Architectures recompute the model-card parameter counts within 2%.
TEST(LoadCatalogTest, ShippedArchitecturesReproduceModelCards) {
  Result<models::Catalog> r = LoadCatalog(kCatalog);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::Catalog& c = r.value();
  const std::pair<const char*, double> cards[] = {
      {"llama-3.2-1b", 1.23e9}, {"llama-3.2-3b", 3.21e9},  {"llama-3-8b", 8.03e9},
      {"llama-3-70b", 70.6e9},  {"llama-3-405b", 405.9e9}, {"llama-2-7b", 6.74e9},
      {"llama-2-70b", 69.0e9},  {"qwen-2.5-72b", 72.7e9},  {"gpt-oss-120b", 117e9}};
  for (const auto& [name, params] : cards) {
    const models::ModelSpec* m = c.FindModel(name);
    ASSERT_NE(m, nullptr) << name;
    ASSERT_TRUE(m->HasArchitecture()) << name;
    EXPECT_EQ(m->family, "llm");
    EXPECT_LT(std::fabs(models::ArchitectureParams(*m).total - params) / params, 0.02) << name;
  }
  const models::ModelSpec* oss = c.FindModel("gpt-oss-120b");
  EXPECT_TRUE(oss->IsMoe());
  EXPECT_EQ(oss->experts, 128);
  EXPECT_EQ(oss->active_experts, 4);
  EXPECT_EQ(oss->head_dim, 64);
  EXPECT_LT(std::fabs(models::ArchitectureParams(*oss).per_token - 5.1e9) / 5.1e9, 0.02);
  const models::ModelSpec* l8 = c.FindModel("llama-3-8b");
  EXPECT_EQ(l8->layers, 32);
  EXPECT_EQ(l8->head_dim, 128);  // hidden / heads
  EXPECT_EQ(l8->kv_heads, 8);
  EXPECT_EQ(l8->dtype, models::DType::kBF16);
  EXPECT_TRUE(c.FindModel("llama-3.2-1b")->tied_embeddings);
  EXPECT_EQ(c.FindModel("llama-2-7b")->kv_heads, 32);  // multi-head attention by default
  EXPECT_FALSE(c.FindModel("gemma-2-27b")->HasArchitecture());
  // Every shipped architecture runs through the op builders at a common layout.
  for (const models::ModelSpec& m : c.models) {
    if (!m.HasArchitecture()) continue;
    EXPECT_TRUE(models::CheckParallelism(m, models::Parallelism{.tp = 8}).ok()) << m.name;
  }
}

// Face-model FLOPs per frame match their data, and the published speed implies a plausible
// fraction (1-100%) of an H100-class dense peak per GPU.
TEST(LoadCatalogTest, ShippedFaceModelsMatchTheirData) {
  Result<models::Catalog> r = LoadCatalog(kCatalog);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::Catalog& c = r.value();
  for (const char* name :
       {"musetalk-256", "liveportrait-512", "live-avatar-14b", "talkingmachines-18b"}) {
    const models::FaceModelSpec* f = c.FindFaceModel(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->family, "face");
    EXPECT_NE(c.FindTier(f->tier), nullptr) << name;
    ASSERT_GT(f->flops_per_frame, 0) << name;
    EXPECT_DOUBLE_EQ(models::TotalFlops(models::FaceFrameOps(*f, 1)), f->flops_per_frame) << name;
    EXPECT_NEAR(models::TotalFlops(models::FaceFrameOps(*f, 8)) / (8 * f->flops_per_frame), 1,
                1e-12);
    if (f->reference_fps > 0) {
      const double per_gpu = f->flops_per_frame * f->reference_fps / f->reference_gpus;
      EXPECT_GT(per_gpu, 0.01 * 989e12) << name;
      EXPECT_LT(per_gpu, 989e12) << name;
    }
  }
  const models::FaceModelSpec* muse = c.FindFaceModel("musetalk-256");
  EXPECT_EQ(muse->resolution, 256);
  EXPECT_EQ(muse->dtype, models::DType::kFP16);
  EXPECT_DOUBLE_EQ(muse->reference_fps, 72);
  EXPECT_EQ(muse->reference_gpu, "RTX 4090");
  EXPECT_FALSE(muse->layers.empty());
  // Live Avatar: the DiT GEMMs are 2 x 256 tokens x 4 steps x 40 layers x the weights an image
  // token meets (self-attention Q, K, V, O 4 d^2; cross-attention Q, O 2 d^2; FFN 2 d f), which
  // is within 20% of the rule of thumb 2 x 14e9 params x 256 tokens x 4 steps.
  const models::FaceModelSpec* live = c.FindFaceModel("live-avatar-14b");
  EXPECT_EQ(live->steps, 4);
  EXPECT_EQ(live->reference_gpus, 5);
  double dit = 0;
  for (const models::Operation& op : models::FaceFrameOps(*live, 1)) {
    if (op.name.rfind("dit.", 0) == 0 && op.op_class == models::OpClass::kGemm) {
      dit += op.flops * op.repeat;
    }
  }
  const double d = 5120, f = 13824;
  EXPECT_DOUBLE_EQ(dit, 2 * 256 * 4 * 40 * (6 * d * d + 2 * d * f));
  EXPECT_LT(std::fabs(dit - 2 * 14e9 * 256 * 4) / (2 * 14e9 * 256 * 4), 0.20);
  const models::FaceModelSpec* lp = c.FindFaceModel("liveportrait-512");
  EXPECT_TRUE(lp->layers.empty());
  EXPECT_DOUBLE_EQ(lp->flops_per_frame, 0.63e12);
  EXPECT_DOUBLE_EQ(lp->bytes_per_frame, 0.5e9);
}

// A minimal valid catalog; tests append one broken entry to a new section.
constexpr const char* kBase = R"(gpus:
  - name: G
    bf16: { value: 1 PFLOP/s, source: s, confidence: FIRM }
    fp8: { value: 2 PFLOP/s, source: s, confidence: FIRM }
    memory: { value: 80 GB, source: s, confidence: FIRM }
    memory_bandwidth: { value: 3 TB/s, source: s, confidence: FIRM }
    tdp: { value: 700 W, source: s, confidence: FIRM }
    idle_power: { value: 90 W, source: s, confidence: FIRM }
    list_price: { value: "$1", source: s, confidence: FIRM }
    bf16_gemm_efficiency: { value: 0.8, source: s, confidence: FIRM }
    video_encoder: { value: false, source: s, confidence: FIRM }
    video_encoders: { value: 0, source: s, confidence: FIRM }
    scale_up_bandwidth: { value: 450 GB/s, source: s, confidence: FIRM }
    scale_up_domain: { value: 8, source: s, confidence: FIRM }
avatar_tiers:
  - name: T
    face_gpu_share: { value: 1, source: s, confidence: FIRM }
    idle_gpu_share: { value: 0, source: s, confidence: FIRM }
    first_frame_latency: { value: 1 s, source: s, confidence: FIRM }
)";

std::vector<std::string> Problems(testing::TempDir& dir, const std::string& extra,
                                  std::string* path) {
  *path = dir.Write("c.yaml", std::string(kBase) + extra);
  Result<models::Catalog> r = LoadCatalog(*path);
  if (r.ok()) return {};
  return r.status().problems();
}

TEST(LoadCatalogTest, BaseCatalogIsValid) {
  testing::TempDir dir;
  std::string path;
  EXPECT_THAT(Problems(dir, "models: []\n", &path), ElementsAre());
}

TEST(LoadCatalogTest, GpuScaleUpFiguresNeedProvenanceAndAgreeWithTheFlag) {
  testing::TempDir dir;
  std::string path;
  std::string text = std::string(kBase) + "models: []\n";
  text = testing::Replace(text, "{ value: 8, source: s, confidence: FIRM }", "{ value: 8 }");
  text = testing::Replace(text, "video_encoders: { value: 0,", "video_encoders: { value: 2,");
  path = dir.Write("c.yaml", text);
  Result<models::Catalog> r = LoadCatalog(path);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().problems(),
              ElementsAre(path + ":12:21: gpus[0].video_encoders: disagrees with video_encoder",
                          path + ":14:22: gpus[0].scale_up_domain: missing required key 'source'",
                          path + ":14:22: gpus[0].scale_up_domain: missing required key "
                                 "'confidence'"));
}

TEST(LoadCatalogTest, ArchitectureIsCheckedAgainstParams) {
  testing::TempDir dir;
  std::string path;
  const auto p = Problems(dir, R"(models:
  - name: m
    params: { value: 9B, source: s, confidence: FIRM }
    architecture: { layers: 32, hidden: 4096, heads: 32, kv_heads: 8, ffn: 14336, vocab: 128256,
                    source: s, confidence: SECONDARY }
  - name: n
    params: { value: 1B, source: s, confidence: FIRM }
    architecture: { layers: 2, hidden: 64, heads: 3, vocab: 10, ffn: 8, dtype: fp7, colour: red }
)",
                          &path);
  EXPECT_THAT(p, ElementsAre(path + ":23:19: models[0].architecture: gives 8.03B parameters but "
                                    "params is 9.00B (more than 3% apart)",
                             path + ":27:19: models[1].architecture: missing required key "
                                    "'source'",
                             path + ":27:19: models[1].architecture: missing required key "
                                    "'confidence'",
                             path + ":27:51: models[1].architecture.heads: hidden 64 is not a "
                                    "multiple of 3 heads; give head_dim",
                             path + ":27:80: models[1].architecture.dtype: unknown dtype 'fp7'; "
                                    "did you mean 'fp8'? known: bf16, fp16, fp32, fp8",
                             path + ":27:85: models[1].architecture.colour: unknown key 'colour'; "
                                    "allowed keys: layers, hidden, heads, kv_heads, head_dim, ffn, "
                                    "vocab, experts, active_experts, expert_ffn, tied_embeddings, "
                                    "dtype, source, confidence"));
}

TEST(LoadCatalogTest, NodeErrors) {
  testing::TempDir dir;
  std::string path;
  const auto p = Problems(dir, R"(models: []
nodes:
  - name: N
    gpu: H1000
    gpus_per_node: { value: 0, source: s, confidence: FIRM }
    host_power: { value: 1 kW, source: s, confidence: FIRM }
    nics: 8
    nic_bandwidth: { value: 400 Gb/s, source: s, confidence: FIRM }
    price: { value: "$1", source: s, confidence: FIRM }
)",
                          &path);
  ASSERT_EQ(p.size(), 4u);
  EXPECT_THAT(p[0], HasSubstr("nodes[0].gpu: unknown GPU 'H1000'"));
  EXPECT_THAT(p[1], HasSubstr(":24:29: nodes[0].gpus_per_node.value: "));
  EXPECT_THAT(p[2], HasSubstr(":26:11: nodes[0].nics: expected a mapping with keys value, "
                              "source, confidence"));
  EXPECT_THAT(p[3], HasSubstr(":28:5: nodes[0].price: unknown key 'price'"));
}

TEST(LoadCatalogTest, NetworkErrors) {
  testing::TempDir dir;
  std::string path;
  const auto p = Problems(dir, R"(models: []
networks:
  - name: a
    tier: scale-sideways
    latency: { value: 1 us, source: s, confidence: ESTIMATE }
  - name: b
    tier: scale-out
    latency: { value: 1 us, source: s, confidence: ESTIMATE }
    oversubscription: { value: 0.5, source: s, confidence: ESTIMATE }
)",
                          &path);
  ASSERT_EQ(p.size(), 4u) << ::testing::PrintToString(p);
  EXPECT_THAT(p[0], HasSubstr(":22:5: networks[0]: missing required key 'bandwidth'"));
  EXPECT_THAT(p[1], HasSubstr(":23:11: networks[0].tier: unknown network tier 'scale-sideways'"));
  EXPECT_THAT(p[2], HasSubstr(":25:5: networks[1]: missing required key 'bandwidth'"));
  EXPECT_THAT(p[3], HasSubstr(":28:23: networks[1].oversubscription: must be at least 1"));
}

TEST(LoadCatalogTest, FaceModelErrors) {
  testing::TempDir dir;
  std::string path;
  const auto p = Problems(dir, R"(models: []
face_models:
  - name: both
    tier: T
    params: { value: 1B, source: s, confidence: FIRM }
    resolution: { value: 256, source: s, confidence: FIRM }
    flops_per_frame: { value: 1T, source: s, confidence: ESTIMATE }
    layers:
      - { name: c, op: conv, channels_in: 4, channels_out: 4, height: 8, width: 8, kernel: 3 }
      - { name: d, op: deconv, source: s, confidence: ESTIMATE }
  - name: neither
    tier: X
    params: { value: 1B, source: s, confidence: FIRM }
    resolution: { value: 256, source: s, confidence: FIRM }
)",
                          &path);
  EXPECT_THAT(p, ElementsAre(path + ":26:22: face_models[0].flops_per_frame: give either layers "
                                    "or flops_per_frame + bytes_per_frame, not both",
                             path + ":28:9: face_models[0].layers[0]: missing required key "
                                    "'source'",
                             path + ":28:9: face_models[0].layers[0]: missing required key "
                                    "'confidence'",
                             path + ":29:24: face_models[0].layers[1].op: unknown layer op "
                                    "'deconv'; did you mean 'conv'? known: attention, conv, gemm, "
                                    "memory",
                             path + ":30:11: face_models[1].name: give either layers or "
                                    "flops_per_frame + bytes_per_frame, not neither",
                             path + ":31:11: face_models[1].tier: unknown avatar tier 'X'; "
                                    "known: T"));
}

TEST(LoadCatalogTest, MissingFile) {
  EXPECT_EQ(LoadCatalog("/nonexistent/catalog.yaml").status().ToString(),
            "/nonexistent/catalog.yaml: cannot open: No such file or directory");
}

TEST(LoadCatalogTest, EveryFigureNeedsSourceAndConfidence) {
  testing::TempDir dir;
  const std::string path = dir.Write("c.yaml", R"(gpus:
  - name: X
    bf16: 989 TFLOP/s
    fp8: { value: 1 PFLOP/s, confidence: FIRM }
    memory: { value: 80 GHz, source: s, confidence: SURE }
models: []
avatar_tiers: []
)");
  Result<models::Catalog> r = LoadCatalog(path);
  ASSERT_FALSE(r.ok());
  const auto& p = r.status().problems();
  ASSERT_GE(p.size(), 4u);
  EXPECT_EQ(p[0], path + ":2:5: gpus[0]: missing required key 'memory_bandwidth'");
  EXPECT_THAT(r.status().ToString(),
              HasSubstr(path + ":3:11: gpus[0].bf16: expected a mapping with keys value, source, "
                               "confidence, got '989 TFLOP/s'"));
  EXPECT_THAT(r.status().ToString(),
              HasSubstr(path + ":4:10: gpus[0].fp8: missing required key 'source'"));
  EXPECT_THAT(r.status().ToString(),
              HasSubstr(path + ":5:22: gpus[0].memory.value: '80 GHz': unknown unit 'GHz'; "
                               "expected a size such as '80 GiB'"));
  EXPECT_THAT(r.status().ToString(),
              HasSubstr(path + ":5:53: gpus[0].memory.confidence: unknown confidence tag 'SURE'; "
                               "known: ESTIMATE, FIRM, SECONDARY"));
}

TEST(LoadCatalogTest, DuplicateNamesAndUnknownKeys) {
  testing::TempDir dir;
  const std::string path = dir.Write("c.yaml", R"(gpus: []
models:
  - name: m
    params: { value: 1B, source: s, confidence: FIRM }
  - name: m
    parms: { value: 1B, source: s, confidence: FIRM }
avatar_tiers: []
)");
  Result<models::Catalog> r = LoadCatalog(path);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(
      r.status().problems(),
      ElementsAre(path + ":5:5: models[1]: missing required key 'params'",
                  path + ":5:11: models[1].name: duplicate model name 'm' (first at line 3)",
                  path + ":6:5: models[1].parms: unknown key 'parms'; did you mean "
                         "'params'?"));
}

TEST(LoadCatalogTest, TopLevelMustBeAMapping) {
  testing::TempDir dir;
  const std::string path = dir.Write("c.yaml", "- a\n- b\n");
  EXPECT_THAT(LoadCatalog(path).status().ToString(),
              HasSubstr("the top level must be a mapping with keys gpus, models, avatar_tiers, "
                        "nodes, networks, face_models"));
}

TEST(DefaultCatalogPathTest, EnvironmentOverridesBuildDirectory) {
  ::unsetenv("CAPSIM_DATA_DIR");
  EXPECT_EQ(DefaultCatalogPath(), kCatalog);
  ::setenv("CAPSIM_DATA_DIR", "/elsewhere", 1);
  EXPECT_EQ(DefaultCatalogPath(), "/elsewhere/catalog.yaml");
  ::unsetenv("CAPSIM_DATA_DIR");
}

}  // namespace
}  // namespace capsim::config
