// Service rates of a projection (models/service_rates.h): avatar sessions per GPU from the tier's
// GPU shares, LLM serving tokens/s per GPU from the performance model, and how a plan's missing
// rates are filled.
#include "models/service_rates.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "models/step_pricing.h"
#include "models/transformer_ops.h"
#include "tests/models/projection_test_support.h"

namespace capsim::models {
namespace {

using testing::BaseSpec;
using ::testing::HasSubstr;

// workloads.md §1 session-average GPU share of lipsync-2d (face 0.7 while the agent speaks 7.5 s
// of each 15.5 s turn cycle, nothing while listening, ASR 1/32 while the user speaks, TTS 1/8
// while the agent speaks) = 0.33871 + 0.01613 + 0.06048 = 0.41532 H100s; packed to 0.85 that is
// 2.0466 sessions per H100, and x 2250/989 per B200 (BF16 peaks, data/catalog.yaml).
TEST(ServiceRatesTest, TierSessionsPerGpuByHand) {
  const AvatarTierSpec tier = testing::CatalogTiers()[0];
  const double agent = 7.5 / 15.5, user = 8.0 / 15.5;
  const double share = 0.7 * agent + user / 32 + agent / 8;
  EXPECT_NEAR(share, 0.41532, 1e-5);
  const double h100 = TierSessionsPerGpu(tier, testing::H100());
  EXPECT_NEAR(h100, 0.85 / share, 1e-12);
  EXPECT_NEAR(h100, 2.0466, 1e-4);
  EXPECT_NEAR(TierSessionsPerGpu(tier, testing::B200()), h100 * 2250 / 989, 1e-12);
  // A tier animated while listening takes more GPU: fewer sessions.
  EXPECT_LT(TierSessionsPerGpu(testing::CatalogTiers()[1], testing::H100()), h100);
}

// Llama 3 8B on an H100 with the flat test profile: the rate is recomputed here from the same
// performance model (tp 1: 16 GB of weights fit in 60% of 80 GB; the largest power-of-two decode
// batch meeting 50 ms/token whose KV cache fits; each request of 1,155 prompt + 211 output tokens
// costs its prefill plus its share of decode iterations).
TEST(ServiceRatesTest, ServingTokensPerGpuMatchesTheDecodeStep) {
  const Catalog cat = testing::ProjectionCatalog();
  const CalibrationProfile prof = testing::FlatProfileFor("H100-SXM");
  const ModelSpec m = testing::Llama8b();
  const GpuSpec gpu = testing::H100();
  Result<double> rate = ServingTokensPerGpu(cat, prof, m, gpu);
  ASSERT_TRUE(rate.ok()) << rate.status().ToString();
  // The same point by hand.
  Scenario sc;
  sc.catalog = cat;
  sc.profiles = {prof};
  PoolSpec pool;
  pool.gpu = gpu.name;
  pool.gpus_per_node = 8;
  Result<PerfModel> perf = PerfModelFor(sc, pool);
  ASSERT_TRUE(perf.ok()) << perf.status().ToString();
  Parallelism par;
  par.scale_up_domain = 8;
  const int64_t context = 1155 + 211 / 2;
  const double kv_per_token = 2.0 * 32 * 8 * 128 * 2;  // K and V, 32 layers, 8 KV heads, BF16
  const double kv_room = 80e9 * 0.9 - 8.03e9 * 2;
  int64_t batch = 1;
  double step = perf.value().StepTime(DecodeOps(m, par, 1, context));
  for (int64_t b = 2; b <= 512; b *= 2) {
    const double t = perf.value().StepTime(DecodeOps(m, par, b, context));
    if (kv_per_token * context * b > kv_room || t > 0.050) break;
    batch = b;
    step = t;
  }
  const double prefill = perf.value().StepTime(PrefillOps(m, par, 1, 1155));
  const double expected = 211 / (prefill + 211 * step / batch);
  std::printf(
      "llama-3-8b on H100: decode batch %lld, step %.2f ms, prefill %.1f ms: %.0f "
      "tokens/s/GPU (engine %.0f)\n",
      static_cast<long long>(batch), step * 1e3, prefill * 1e3, expected, rate.value());
  EXPECT_NEAR(rate.value(), expected, 1e-9 * expected);
  EXPECT_GE(batch, 64);  // an 8B model batches deeply on 80 GB
  // Plausible: vLLM-class servers give a few thousand output tokens/s per H100 for an 8B model.
  EXPECT_GT(rate.value(), 1000);
  EXPECT_LT(rate.value(), 30000);
  // A B200 (2.4x the bandwidth, 2.3x the FLOP/s) serves more per GPU.
  Result<double> b200 =
      ServingTokensPerGpu(cat, testing::FlatProfileFor("B200"), m, testing::B200());
  ASSERT_TRUE(b200.ok()) << b200.status().ToString();
  EXPECT_GT(b200.value(), rate.value());
}

TEST(ServiceRatesTest, ServingTokensPerGpuNeedsAnArchitecture) {
  Result<double> r =
      ServingTokensPerGpu(testing::ProjectionCatalog(), testing::FlatProfileFor("H100-SXM"),
                          ModelSpec{"dense-1b", 1e9, 1e9}, testing::H100());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().ToString(), HasSubstr("dense-1b"));
}

// A plan with an H100 pool and a B200 pool, an avatar and a serving workload on both.
ProjectionSpec TwoGpuPlan() {
  ProjectionSpec s = BaseSpec(16, 1);
  ProjectionPoolSpec b = s.pools[0];
  b.name = "b200";
  b.gpu = "B200";
  s.pools.push_back(b);
  s.avatars.push_back(testing::ConstantAvatar("av", {"pool", "b200"}, 100, 600, 2.5));
  s.avatars[0].sessions_per_gpu[0].source = "";  // as the loader leaves a given rate
  s.servings.push_back(testing::ConstantServing("chat", {"pool", "b200"}, 1000, 3000));
  s.servings[0].tokens_per_gpu_s[0].source = "";
  return s;
}

TEST(ServiceRatesTest, ResolveKeepsGivenRatesAndFillsTheRest) {
  ProjectionSpec spec = TwoGpuPlan();
  ASSERT_TRUE(ResolveServiceRates(&spec, nullptr).ok());
  const auto& av = spec.avatars[0].sessions_per_gpu;
  ASSERT_EQ(av.size(), 2u);
  EXPECT_EQ(av[0].gpu, "H100-SXM");
  EXPECT_EQ(av[0].value, 2.5);
  EXPECT_EQ(av[0].source, "given");
  EXPECT_EQ(av[1].gpu, "B200");
  EXPECT_NEAR(av[1].value, TierSessionsPerGpu(testing::CatalogTiers()[0], testing::B200()), 1e-12);
  EXPECT_THAT(av[1].source, HasSubstr("tier"));
  const auto& chat = spec.servings[0].tokens_per_gpu_s;
  ASSERT_EQ(chat.size(), 2u);
  EXPECT_EQ(chat[0].value, 3000);
  EXPECT_EQ(chat[0].source, "given");
  EXPECT_EQ(chat[1].gpu, "B200");
  EXPECT_GT(chat[1].value, 0);
  EXPECT_THAT(chat[1].source, HasSubstr("performance model"));
  // Resolved plans run.
  Result<ProjectionTrace> t = RunProjection(spec, {});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
}

// An avatar naming a replica-level rate scenario takes its missing rates from the callback.
TEST(ServiceRatesTest, ResolveUsesTheReplicaRateWhenNamed) {
  ProjectionSpec spec = TwoGpuPlan();
  spec.avatars[0].rate_scenario = "/x/rate.yaml";
  spec.avatars[0].rate_workload = "avatar";
  int calls = 0;
  ASSERT_TRUE(ResolveServiceRates(&spec, [&](const ProjectionAvatarSpec& a, const std::string& g) {
                ++calls;
                EXPECT_EQ(a.name, "av");
                EXPECT_EQ(g, "B200");
                return Result<double>(7.5);
              }).ok());
  EXPECT_EQ(calls, 1);  // the H100 rate was given
  EXPECT_EQ(spec.avatars[0].sessions_per_gpu[1].value, 7.5);
  EXPECT_THAT(spec.avatars[0].sessions_per_gpu[1].source, HasSubstr("/x/rate.yaml"));
  // Its errors pass through.
  ProjectionSpec failing = TwoGpuPlan();
  failing.avatars[0].rate_scenario = "/x/rate.yaml";
  Status s = ResolveServiceRates(&failing, [](const ProjectionAvatarSpec&, const std::string&) {
    return Result<double>(Status::Error("no SLO met on B200"));
  });
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.ToString(), HasSubstr("no SLO met on B200"));
}

TEST(ServiceRatesTest, ResolveErrorsNameWorkloadAndGpu) {
  {
    ProjectionSpec spec = TwoGpuPlan();
    spec.profiles = {testing::FlatProfileFor("H100-SXM")};  // none for the B200
    Status s = ResolveServiceRates(&spec, nullptr);
    ASSERT_FALSE(s.ok());
    EXPECT_THAT(s.ToString(), HasSubstr("chat"));
    EXPECT_THAT(s.ToString(), HasSubstr("B200"));
  }
  {
    ProjectionSpec spec = TwoGpuPlan();
    spec.avatars[0].tier = "claymation";
    Status s = ResolveServiceRates(&spec, nullptr);
    ASSERT_FALSE(s.ok());
    EXPECT_THAT(s.ToString(), HasSubstr("av"));
    EXPECT_THAT(s.ToString(), HasSubstr("claymation"));
  }
  {
    ProjectionSpec spec = TwoGpuPlan();
    spec.servings[0].model = "gpt-9";
    Status s = ResolveServiceRates(&spec, nullptr);
    ASSERT_FALSE(s.ok());
    EXPECT_THAT(s.ToString(), HasSubstr("chat"));
    EXPECT_THAT(s.ToString(), HasSubstr("gpt-9"));
  }
}

TEST(ServiceRatesTest, ReplicaSessionsPerGpuNeedsAReplicaBlock) {
  Scenario sc = testing::TestScenario(1);
  AvatarSpec a = testing::TestAvatar(0.1);
  Result<double> r = ReplicaSessionsPerGpu(sc, a, "TEST-GPU");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().ToString(), HasSubstr("replica"));
}

}  // namespace
}  // namespace capsim::models
