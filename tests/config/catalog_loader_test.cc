#include "config/catalog_loader.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
              HasSubstr("the top level must be a mapping with keys gpus, models, avatar_tiers"));
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
