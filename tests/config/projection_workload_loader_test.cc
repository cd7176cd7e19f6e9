// Tests of config/projection_workload_loader.cc (workloads of a projection).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/projection_loader.h"
#include "tests/config/projection_test_files.h"

namespace capsim::config {
namespace {

using ::testing::ElementsAre;
using testing::kProjection;
using ::testing::Pair;
using testing::ProjectionMistake;
using testing::Replace;
using Kind = models::ProjectionJobSpec::Kind;

constexpr double kDay = 86400;

class ProjectionWorkloadsTest : public testing::ProjectionLoaderTestBase {};

TEST_F(ProjectionWorkloadsTest, ReadsEveryKind) {
  Result<models::ProjectionSpec> r = Load(kProjection);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::ProjectionSpec& s = r.value();
  ASSERT_EQ(s.avatars.size(), 1u);
  const models::ProjectionAvatarSpec& a = s.avatars[0];
  EXPECT_EQ(a.name, "ai-replica");
  EXPECT_EQ(a.tier, "lipsync-2d");
  EXPECT_THAT(a.pools, ElementsAre("prom-h100", "neocloud-h100"));
  ASSERT_EQ(a.adoption.size(), 2u);
  EXPECT_EQ(a.adoption[0].name, "employees");
  EXPECT_DOUBLE_EQ(a.adoption[0].users, 78000);
  EXPECT_DOUBLE_EQ(a.adoption[0].midpoint_s, 59 * kDay);  // 2026-03-01
  EXPECT_DOUBLE_EQ(a.adoption[0].ramp_s, 14 * kDay);
  EXPECT_DOUBLE_EQ(a.adoption[1].users, 1e6);
  EXPECT_DOUBLE_EQ(a.adoption[1].midpoint_s, 365 * kDay);  // 2027Q1
  EXPECT_DOUBLE_EQ(a.adoption[1].ramp_s, 30 * kDay);
  EXPECT_DOUBLE_EQ(a.sessions_per_user_per_day, 2);
  EXPECT_DOUBLE_EQ(a.session_mean_s, 720);
  EXPECT_DOUBLE_EQ(a.peak_to_mean, 1.8);
  EXPECT_DOUBLE_EQ(a.peak_time_s, 19 * 3600);
  EXPECT_DOUBLE_EQ(a.headroom_fraction, 0.1);
  EXPECT_DOUBLE_EQ(a.load_time_s, 180);
  ASSERT_EQ(a.sessions_per_gpu.size(), 2u);
  EXPECT_EQ(a.sessions_per_gpu[0].gpu, "H100-SXM");
  EXPECT_DOUBLE_EQ(a.sessions_per_gpu[0].value, 5.8);
  EXPECT_EQ(a.sessions_per_gpu[0].source, "given");
  EXPECT_EQ(a.sessions_per_gpu[1].gpu, "B200");
  EXPECT_TRUE(a.rate_scenario.empty());
  EXPECT_DOUBLE_EQ(a.slo_admitted, 0.995);
  ASSERT_EQ(a.stage_shares.size(), 4u);  // normalised from a sum of 95%
  EXPECT_EQ(a.stage_shares[0].first, "face");
  EXPECT_DOUBLE_EQ(a.stage_shares[0].second, 0.70 / 0.95);
  EXPECT_EQ(a.stage_shares[3].first, "tts");
  EXPECT_DOUBLE_EQ(a.stage_shares[3].second, 0.05 / 0.95);
  EXPECT_DOUBLE_EQ(a.price_usd_per_minute, 0.12);

  ASSERT_EQ(s.servings.size(), 1u);
  const models::ProjectionServingSpec& v = s.servings[0];
  EXPECT_EQ(v.model, "llama-3-70b");
  EXPECT_THAT(v.pools, ElementsAre("prom-h100"));
  EXPECT_DOUBLE_EQ(v.tokens_per_day, 1e12);
  EXPECT_DOUBLE_EQ(v.growth_per_year, 3);
  EXPECT_DOUBLE_EQ(v.peak_to_mean, 1.4);
  EXPECT_DOUBLE_EQ(v.peak_time_s, 20 * 3600);
  EXPECT_DOUBLE_EQ(v.headroom_fraction, 0.1);
  ASSERT_EQ(v.tokens_per_gpu_s.size(), 1u);
  EXPECT_DOUBLE_EQ(v.tokens_per_gpu_s[0].value, 2500);

  ASSERT_EQ(s.jobs.size(), 2u);
  const models::ProjectionJobSpec& t = s.jobs[0];
  EXPECT_EQ(t.kind, Kind::kTraining);
  EXPECT_EQ(t.name(), "pretrain");
  EXPECT_EQ(t.training.pool, "prom-h100");
  EXPECT_EQ(t.training.gpus, 1024);
  EXPECT_DOUBLE_EQ(t.training.tokens, 1e12);
  EXPECT_EQ(t.training.layout.tp, 8);
  EXPECT_EQ(t.training.layout.dp, 128);
  EXPECT_DOUBLE_EQ(t.start_s, 31 * kDay);      // 2026-02-01
  EXPECT_DOUBLE_EQ(t.deadline_s, 272 * kDay);  // 2026-09-30
  const models::ProjectionJobSpec& d = s.jobs[1];
  EXPECT_EQ(d.kind, Kind::kDistillation);
  EXPECT_EQ(d.name(), "distill");
  EXPECT_EQ(d.distillation.pool, "prom-gb200");
  EXPECT_EQ(d.distillation.min_gpus, 72);
  EXPECT_EQ(d.distillation.max_gpus, 144);
  EXPECT_DOUBLE_EQ(d.distillation.efficiency, 0.4);
  EXPECT_EQ(d.distillation.layout.tp, 72);
  EXPECT_DOUBLE_EQ(d.start_s, 0);
  EXPECT_DOUBLE_EQ(d.deadline_s, 0);
}

TEST_F(ProjectionWorkloadsTest, ServiceRateScenarioIsRelativeToTheFile) {
  dir_.Write("rates/peak.yaml", "name: x\n");
  Result<models::ProjectionSpec> r =
      Load(Replace(kProjection, "    price: 0.12 USD/min\n",
                   "    price: 0.12 USD/min\n"
                   "    service_rate: { scenario: rates/peak.yaml, workload: avatars }\n"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value().avatars[0].rate_scenario, dir_.path() + "/rates/peak.yaml");
  EXPECT_EQ(r.value().avatars[0].rate_workload, "avatars");
}

TEST_F(ProjectionWorkloadsTest, MissingServiceRateScenario) {
  const std::string text =
      Replace(kProjection, "    price: 0.12 USD/min\n",
              "    price: 0.12 USD/min\n"
              "    service_rate: { scenario: none.yaml, workload: avatars }\n");
  EXPECT_THAT(Problems(text),
              ElementsAre(At(text, "none.yaml",
                             "workloads[0].service_rate.scenario: no such file: " + dir_.path() +
                                 "/none.yaml (a replica-level scenario, relative to this file)")));
}

class ProjectionWorkloadMistakeTest : public testing::ProjectionMistakeTest {};
TEST_P(ProjectionWorkloadMistakeTest, IsReported) { Check(); }

INSTANTIATE_TEST_SUITE_P(
    Common, ProjectionWorkloadMistakeTest,
    ::testing::Values(
        ProjectionMistake{"kind: serving", "kind: servng", "servng",
                          "workloads[1].kind: unknown workload kind 'servng'; did you mean "
                          "'serving'? known: avatar, distillation, serving, training"},
        ProjectionMistake{"    kind: serving\n", "", "name: chat",
                          "workloads[1]: missing required key 'kind'"},
        ProjectionMistake{"name: chat", "name: distill", "distill\n    kind: distillation",
                          "workloads[3].name: duplicate name 'distill': already the workload at "
                          "line 55 (pools, clouds and workloads share one namespace)"},
        ProjectionMistake{"pools: [prom-h100]\n", "pools: []\n", "[]\n",
                          "workloads[1].pools: needs at least one pool or cloud name"},
        ProjectionMistake{"pools: [prom-h100]\n", "pools: [[prom-h100]]\n", "[prom-h100]]",
                          "workloads[1].pools[0]: expected a pool or cloud name, got a list"},
        ProjectionMistake{"pools: [prom-h100]\n", "pools: [prom-h200]\n", "prom-h200",
                          "workloads[1].pools[0]: unknown pool or cloud 'prom-h200'; did you "
                          "mean 'prom-h100'? known: neocloud-h100, prom-gb200, prom-h100"},
        ProjectionMistake{"pools: [prom-h100]\n", "pools: [prom-h100, prom-h100]\n", "prom-h100]\n",
                          "workloads[1].pools[1]: names 'prom-h100' twice"},
        ProjectionMistake{"    pools: [prom-h100]\n", "", "name: chat",
                          "workloads[1]: missing required key 'pools'"}));

INSTANTIATE_TEST_SUITE_P(
    Avatar, ProjectionWorkloadMistakeTest,
    ::testing::Values(
        ProjectionMistake{"tier: lipsync-2d", "tier: lipsync", "lipsync\n",
                          "workloads[0].tier: unknown avatar tier 'lipsync'; did you mean "
                          "'lipsync-2d'? known: lipsync-2d, video-diffusion, warp-gaussian"},
        ProjectionMistake{"    adoption:\n      - { name: employees, users: 78K, midpoint: "
                          "2026-03-01, ramp: 2 weeks }\n      - { name: creators, users: 1M, "
                          "midpoint: 2027Q1 }\n",
                          "    adoption: []\n", "[]",
                          "workloads[0].adoption: needs at least one "
                          "{ name, users, midpoint, ramp } cohort"},
        ProjectionMistake{"users: 1M, ", "", "{ name: creators",
                          "workloads[0].adoption[1]: missing required key 'users'"},
        ProjectionMistake{"midpoint: 2027Q1", "midpoint: 2027Q5", "2027Q5",
                          "workloads[0].adoption[1].midpoint: expected a date such as "
                          "'2026-07-01' or a quarter such as '2026Q3', got '2027Q5'"},
        ProjectionMistake{"ramp: 2 weeks", "ramp: 0 s", "0 s",
                          "workloads[0].adoption[0].ramp: must be positive, got '0 s'"},
        ProjectionMistake{"sessions_per_user_per_day: 2", "sessions_per_user_per_day: 0",
                          "sessions_per_user_per_day: 0",
                          "workloads[0].sessions_per_user_per_day: must be positive, got '0'", 27},
        ProjectionMistake{"peak_time: 19 h", "peak_time: 25 h", "25 h",
                          "workloads[0].diurnal.peak_time: must be a time of day, below 24 h"},
        ProjectionMistake{"peak_to_mean: 1.8", "peak_to_mean: 0.8", "0.8",
                          "workloads[0].diurnal.peak_to_mean: must be at least 1, got '0.8'"},
        ProjectionMistake{"sessions_per_gpu: { H100-SXM: 5.8, B200: 12 }", "sessions_per_gpu: 5.8",
                          "5.8\n",
                          "workloads[0].sessions_per_gpu: expected a mapping of GPU type to a "
                          "number, got '5.8'"},
        ProjectionMistake{"B200: 12 }", "B300: 12 }", "B300",
                          "workloads[0].sessions_per_gpu.B300: unknown GPU 'B300'; did you mean "
                          "'B200'? known: B200, GB200, H100-SXM, H200, L4, L40S, MI300X"},
        ProjectionMistake{"B200: 12 }", "B200: 0 }", "0 }",
                          "workloads[0].sessions_per_gpu.B200: must be positive, got '0'"},
        ProjectionMistake{"B200: 12 }", "B200: lots }", "lots",
                          "workloads[0].sessions_per_gpu.B200: 'lots' is not a number; "
                          "expected a number such as '1.2'"},
        ProjectionMistake{"    price: 0.12 USD/min\n",
                          "    price: 0.12 USD/min\n    service_rate: { workload: avatars }\n",
                          "{ workload",
                          "workloads[0].service_rate: missing required key "
                          "'scenario'"},
        ProjectionMistake{"admitted: 99.5%", "admitted: 0%", "admitted: 0%",
                          "workloads[0].slo.admitted: must be positive, got '0%'", 10},
        ProjectionMistake{"stages: { face: 70%, llm: 15%, asr: 5%, tts: 5% }",
                          "stages: { face: 0, llm: 0 }", "{ face: 0",
                          "workloads[0].stages: the stage shares sum to 0; give at least one "
                          "positive share"},
        ProjectionMistake{"tts: 5% }", "tts: 5%, lip: 5% }", "lip:",
                          "workloads[0].stages.lip: unknown key 'lip'; allowed keys: face, llm, "
                          "asr, tts, encode"},
        ProjectionMistake{"asr: 5%,", "asr: 5 s,", "5 s",
                          "workloads[0].stages.asr: '5 s' is a time; expected a fraction such "
                          "as '85%'"},
        ProjectionMistake{"price: 0.12 USD/min", "price: 0.12 USD", "0.12 USD",
                          "workloads[0].price: '0.12 USD' is an amount of money; expected an "
                          "amount of money per time such as '2.50 USD/h'"},
        ProjectionMistake{"headroom: 10%", "headroom: 10", "10\n",
                          "workloads[0].headroom: '10' is not between 0 and 1; write '10%' for "
                          "a percentage"}));

INSTANTIATE_TEST_SUITE_P(
    ServingAndJobs, ProjectionWorkloadMistakeTest,
    ::testing::Values(
        ProjectionMistake{"model: llama-3-70b\n    pools", "model: llama-3-700b\n    pools",
                          "llama-3-700b",
                          "workloads[1].model: unknown model 'llama-3-700b'; did you mean "
                          "'llama-3-70b'? known: gemma-2-27b, gpt-oss-120b, llama-2-70b, "
                          "llama-2-7b, llama-3-405b, llama-3-70b, llama-3-8b, llama-3.2-1b, "
                          "llama-3.2-3b, qwen-2.5-72b"},
        ProjectionMistake{"    tokens_per_day: 1T\n", "", "name: chat",
                          "workloads[1]: missing required key 'tokens_per_day'"},
        ProjectionMistake{"growth: 3", "growth: 0", "growth: 0",
                          "workloads[1].growth: must be positive, got '0'", 8},
        ProjectionMistake{"2500 /s", "2500 tokens", "2500 tokens",
                          "workloads[1].tokens_per_gpu.H100-SXM: '2500 tokens': unknown unit "
                          "'tokens'; expected a rate such as '40 /s'"},
        ProjectionMistake{"pool: prom-h100\n", "pool: neocloud-h100\n", "pool: neocloud-h100",
                          "workloads[2].pool: 'neocloud-h100' is a cloud; training and "
                          "distillation run on a pool",
                          6},
        ProjectionMistake{"pool: prom-gb200\n", "pool: prom-gb300\n", "prom-gb300",
                          "workloads[3].pool: unknown pool 'prom-gb300'; did you mean "
                          "'prom-gb200'? known: prom-gb200, prom-h100"},
        ProjectionMistake{"    pool: prom-h100\n", "", "name: pretrain",
                          "workloads[2]: missing required key 'pool'"},
        ProjectionMistake{"gpus: 1024", "gpus: 1020", "1020",
                          "workloads[2].gpus: must be a multiple of the pool's gpus_per_node "
                          "(8) for a gang job"},
        ProjectionMistake{"gpus: { min: 72, max: 144 }", "gpus: { min: 72, max: 36 }",
                          "min: 72, max: 36",
                          "workloads[3].gpus.min: min (72) is larger than max (36)", 5},
        ProjectionMistake{"start: 2026-02-01", "start: 2029-02-01", "2029-02-01",
                          "workloads[2].start: '2029-02-01' is outside the projection, which "
                          "runs from 2026-01-01 to 2029-01-01 (excluded)"},
        ProjectionMistake{"deadline: 2026-09-30", "deadline: 2026-01-15", "2026-01-15",
                          "workloads[2].deadline: must be after the job's start"},
        ProjectionMistake{"deadline: 2026-09-30", "deadline: 2029-09-30", "2029-09-30",
                          "workloads[2].deadline: '2029-09-30' is outside the projection, which "
                          "runs from 2026-01-01 to 2029-01-01"},
        ProjectionMistake{"deadline: 2026-09-30", "dedline: 2026-09-30", "dedline",
                          "workloads[2].dedline: unknown key 'dedline'; did you mean "
                          "'deadline'?"}));

}  // namespace
}  // namespace capsim::config
