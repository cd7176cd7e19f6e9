#include "config/projection_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "models/calendar.h"
#include "tests/config/projection_test_files.h"

namespace capsim::config {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kProjection;
using ::testing::Pair;
using testing::ProjectionMistake;
using testing::Replace;

constexpr double kDay = 86400;
constexpr double kYear = 365.25 * kDay;

class ProjectionLoaderTest : public testing::ProjectionLoaderTestBase {};

TEST_F(ProjectionLoaderTest, CompleteFileLoadsInSiUnits) {
  Result<models::ProjectionSpec> r = Load(kProjection);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::ProjectionSpec& s = r.value();
  EXPECT_EQ(s.name, "plan");
  EXPECT_EQ(s.source_path, path_);
  EXPECT_EQ(s.resolved_text, kProjection);
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.start_day, 20454);
  EXPECT_DOUBLE_EQ(s.horizon_s, 3 * kYear);
  EXPECT_DOUBLE_EQ(s.step_s, 3600);
  EXPECT_DOUBLE_EQ(s.sensitivity_swing, 0.25);
  EXPECT_THAT(s.order, ElementsAre("ai-replica", "chat", "pretrain", "distill"));
  EXPECT_TRUE(s.failures.enabled);
  EXPECT_DOUBLE_EQ(s.failures.rate_scale, 2);
  const models::ProjectionFinanceSpec& f = s.finance;
  EXPECT_DOUBLE_EQ(f.server_life_s, 5 * kYear);
  EXPECT_DOUBLE_EQ(f.facility_life_s, 25 * kYear);
  EXPECT_DOUBLE_EQ(f.residual_fraction, 0.05);
  EXPECT_DOUBLE_EQ(f.server_overhead, 1.3);
  EXPECT_THAT(f.network_usd_per_gpu,
              ElementsAre(Pair("default", 10000), Pair("ib-ndr-400g", 15000)));
  EXPECT_DOUBLE_EQ(f.storage_usd_per_gpu, 3000);
  EXPECT_DOUBLE_EQ(f.installation_fraction, 0.02);
  EXPECT_DOUBLE_EQ(f.maintenance_fraction, 0.04);
  ASSERT_EQ(s.variants.size(), 1u);
  EXPECT_EQ(s.variants[0].name, "b200");
  EXPECT_THAT(s.variants[0].overrides, ElementsAre("fleet.pools[1].gpu=B200"));
  ASSERT_EQ(s.profiles.size(), 1u);
  EXPECT_EQ(s.profiles[0].gpu, "H100-SXM");
  EXPECT_NE(s.catalog.FindGpu("GB200"), nullptr);
}

TEST_F(ProjectionLoaderTest, DefaultsWhenOptionalKeysAreAbsent) {
  std::string text = Replace(kProjection, "  step: 1 h\n  sensitivity_swing: 25%\n", "");
  text = Replace(text, "seed: 7\n", "");
  text = Replace(text, ", fabric: ib-ndr-400g", "");  // finance names the fabrics
  text = text.substr(0, text.find("policy:"));        // no policy, failures, finance, compare
  Result<models::ProjectionSpec> r = Load(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::ProjectionSpec& s = r.value();
  EXPECT_EQ(s.seed, 1u);
  EXPECT_DOUBLE_EQ(s.step_s, 900);
  EXPECT_DOUBLE_EQ(s.sensitivity_swing, 0.2);
  EXPECT_THAT(s.order, ElementsAre("ai-replica", "chat", "pretrain", "distill"));
  EXPECT_FALSE(s.failures.enabled);
  EXPECT_THAT(s.finance.network_usd_per_gpu, ElementsAre(Pair("default", 12000)));
  EXPECT_DOUBLE_EQ(s.finance.storage_usd_per_gpu, 4000);
  EXPECT_DOUBLE_EQ(s.finance.maintenance_fraction, 0.03);
  EXPECT_TRUE(s.variants.empty());
}

TEST_F(ProjectionLoaderTest, IsProjectionFile) {
  EXPECT_TRUE(IsProjectionFile(dir_.Write("p.yaml", kProjection)));
  EXPECT_FALSE(IsProjectionFile(dir_.Write("s.yaml", testing::kMinimalScenario)));
  EXPECT_FALSE(IsProjectionFile(dir_.Write("l.yaml", "- projection: x\n")));
  EXPECT_FALSE(IsProjectionFile(dir_.Write("bad.yaml", "projection: [1\n")));
  EXPECT_FALSE(IsProjectionFile(dir_.path() + "/missing.yaml"));
}

TEST_F(ProjectionLoaderTest, MissingFileAndEmptyFile) {
  Result<models::ProjectionSpec> r = LoadProjection(dir_.path() + "/missing.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().ToString(), HasSubstr("missing.yaml: cannot open"));
  EXPECT_THAT(Problems("# nothing\n"),
              ElementsAre(path_ + ": the file is empty; expected a projection mapping with keys "
                                  "name, seed, catalog, calibration, projection, fleet, "
                                  "workloads, policy, failures, finance, compare"));
  EXPECT_THAT(Problems("- a\n"),
              ElementsAre(path_ + ":1:1: the top level must be a mapping with keys name, seed, "
                                  "catalog, calibration, projection, fleet, workloads, policy, "
                                  "failures, finance, compare; got a list"));
}

TEST_F(ProjectionLoaderTest, CollectsEveryProblemAtOnce) {
  std::string text = Replace(kProjection, "gpu: GB200", "gpu: GB300");
  text = Replace(text, "tokens_per_day: 1T", "tokens_per_day: 1 TB");
  EXPECT_EQ(Problems(text).size(), 2u);
}

TEST_F(ProjectionLoaderTest, OverridesApplyAndNameThemselves) {
  Result<models::ProjectionSpec> r = Load(kProjection, {"fleet.pools[0].initial_gpus=16"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value().pools[0].initial_gpus, 16);
  EXPECT_THAT(r.value().resolved_text, HasSubstr("initial_gpus: 16"));
  EXPECT_THAT(Problems(kProjection, {"fleet.pools[0].initial_gpus=12"}),
              ElementsAre("--set fleet.pools[0].initial_gpus=12: fleet.pools[0].initial_gpus: "
                          "must be a multiple of gpus_per_node (8), got 12"));
}

TEST_F(ProjectionLoaderTest, CompareVariantProblemsArePrefixed) {
  const std::string text =
      Replace(kProjection, "[\"fleet.pools[1].gpu=B200\"]", "[\"fleet.pools[1].gpu=B300\"]");
  EXPECT_THAT(Problems(text),
              ElementsAre("compare.b200: --set fleet.pools[1].gpu=B300: fleet.pools[1].gpu: "
                          "unknown GPU 'B300'; did you mean 'B200'? known: B200, GB200, "
                          "H100-SXM, H200, L4, L40S, MI300X"));
}

TEST_F(ProjectionLoaderTest, CompareVariantRepeatsNoProblemOfThePlan) {
  // The variant edits pool 1; pool 0's mistake is the plan's, reported once.
  std::string text =
      Replace(kProjection, "gpu: H100-SXM, server_price", "gpu: H100-SXN, server_price");
  EXPECT_EQ(Problems(text).size(), 1u);
}

TEST_F(ProjectionLoaderTest, CalibrationNeededForAJobPricedByThePerformanceModel) {
  const std::string text =
      Replace(kProjection, "calibration: { H100-SXM: published }", "calibration: {}");
  EXPECT_THAT(Problems(text),
              ElementsAre(At(text, "{}",
                             "calibration: no calibration profile for GPU 'H100-SXM' (workloads[2] "
                             "'pretrain' on pool 'prom-h100'), whose job steps are priced by the "
                             "performance model; add calibration: { H100-SXM: published } (or a "
                             "profile file) or set an efficiency")));
  EXPECT_TRUE(
      Load(Replace(text, "    tokens: 1T\n", "    tokens: 1T\n    efficiency: 40%\n")).ok());
}

TEST_F(ProjectionLoaderTest, DatesConvertToSecondsSinceTheStart) {
  Result<models::ProjectionSpec> r =
      Load(Replace(kProjection, "start: 2026-01-01", "start: 2025Q4"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value().start_day, models::DaysFromCivil(2025, 10, 1));
  EXPECT_DOUBLE_EQ(r.value().deliveries[0].at_s, (90 + 92) * kDay);  // 2026Q2
}

class ProjectionTopMistakeTest : public testing::ProjectionMistakeTest {};
TEST_P(ProjectionTopMistakeTest, IsReported) { Check(); }

INSTANTIATE_TEST_SUITE_P(
    Mistakes, ProjectionTopMistakeTest,
    ::testing::Values(
        ProjectionMistake{"seed: 7", "sede: 7", "sede",
                          "sede: unknown key 'sede'; did you mean 'seed'?"},
        ProjectionMistake{"projection:\n  start: 2026-01-01\n  horizon: 3 years\n  step: 1 h\n"
                          "  sensitivity_swing: 25%\n",
                          "", "name", "missing required key 'projection'"},
        ProjectionMistake{"start: 2026-01-01", "start: 2026-13-01", "2026-13-01",
                          "projection.start: expected a date such as '2026-01-01' or a quarter "
                          "such as '2026Q1', got '2026-13-01'"},
        ProjectionMistake{"  horizon: 3 years\n", "", "start",
                          "projection: missing required "
                          "key 'horizon'"},
        ProjectionMistake{"horizon: 3 years", "horizon: 31 years", "31 years",
                          "projection.horizon: must be at most 30 years, got '31 years'"},
        ProjectionMistake{"horizon: 3 years", "horizon: 0 s", "0 s",
                          "projection.horizon: must be positive, got '0 s'"},
        ProjectionMistake{"step: 1 h", "step: 30 s", "30 s",
                          "projection.step: must be at least 1 min, got '30 s'"},
        ProjectionMistake{"step: 1 h", "step: 2 days", "2 days",
                          "projection.step: must be at most 1 day, got '2 days'"},
        ProjectionMistake{"step: 1 h", "step: 7 min", "7 min",
                          "projection.step: must divide a day (86400 s) into whole steps, got "
                          "'7 min'"},
        ProjectionMistake{"sensitivity_swing: 25%", "sensitivity_swing: 100%", "100%",
                          "projection.sensitivity_swing: must be between 0 and 100% (both "
                          "excluded), got '100%'"},
        ProjectionMistake{"sensitivity_swing: 25%", "sensitivity_swing: 0", "0\n",
                          "projection.sensitivity_swing: must be between 0 and 100% (both "
                          "excluded), got '0'"},
        ProjectionMistake{"  network_per_gpu:\n    default: $10,000\n    ib-ndr-400g: $15,000\n",
                          "  network_per_gpu: $10\n", "$10\n",
                          "finance.network_per_gpu: expected a mapping of fabric name to money "
                          "per GPU, got '$10'"},
        ProjectionMistake{"ib-ndr-400g: $15,000", "ib-ndr-400g: 15 GB", "15 GB",
                          "finance.network_per_gpu.ib-ndr-400g: '15 GB' is a size; expected an "
                          "amount of money such as '$27B'"},
        ProjectionMistake{"depreciation: { servers: 5 years", "depreciation: { servers: 5", "5,",
                          "finance.depreciation.servers: '5': expected a time with a "
                          "unit such as '30 min'"},
        ProjectionMistake{"policy: { order: [ai-replica, chat, pretrain, distill] }",
                          "policy: { order: ai-replica }", "ai-replica }",
                          "policy.order: expected a list of workload names, got 'ai-replica'"},
        ProjectionMistake{"order: [ai-replica, chat, pretrain, distill]",
                          "order: [ai-replica, [chat], pretrain, distill]", "[chat]",
                          "policy.order[1]: expected a workload name, got a list"},
        ProjectionMistake{"order: [ai-replica, chat, pretrain, distill]",
                          "order: [ai-replica, chat, pretrain, distil]", "distil]",
                          "policy.order[3]: unknown workload 'distil'; did you mean 'distill'? "
                          "known: ai-replica, chat, distill, pretrain"},
        ProjectionMistake{"order: [ai-replica, chat, pretrain, distill]",
                          "order: [ai-replica, chat, pretrain, chat]", "chat]",
                          "policy.order[3]: names workload 'chat' twice"},
        ProjectionMistake{"order: [ai-replica, chat, pretrain, distill]",
                          "order: [ai-replica, chat, pretrain]", "[ai-replica",
                          "policy.order: does not name 'distill'; it must name every workload "
                          "exactly once, highest priority first"},
        ProjectionMistake{"  b200: [\"fleet.pools[1].gpu=B200\"]\n", "  - x\n", "- x",
                          "compare: expected a mapping of variant name to a list of "
                          "'key.path=value' overrides, got a list"},
        ProjectionMistake{"b200: [\"fleet.pools[1].gpu=B200\"]", "b200: fleet.pools[1].gpu=B200",
                          "fleet.pools[1].gpu=B200",
                          "compare.b200: expected a list of 'key.path=value' overrides, got "
                          "'fleet.pools[1].gpu=B200'"},
        ProjectionMistake{"b200: [\"fleet.pools[1].gpu=B200\"]", "b200: [{ a: b }]", "{ a: b }",
                          "compare.b200[0]: expected a 'key.path=value' override string, got "
                          "a mapping"},
        ProjectionMistake{"b200: [\"fleet.pools[1].gpu=B200\"]", "b200: [gpu B200]", "gpu B200",
                          "compare.b200[0]: expected a 'key.path=value' override string: --set "
                          "gpu B200: expected KEY.PATH=VALUE"},
        ProjectionMistake{"calibration: { H100-SXM: published }", "calibration: published",
                          "published",
                          "calibration: expected a mapping of GPU type to "
                          "profile file, got 'published'"},
        ProjectionMistake{"calibration: { H100-SXM: published }",
                          "calibration: { H100: published }", "H100:",
                          "calibration.H100: unknown GPU 'H100'; did you mean "
                          "'H100-SXM'? known: B200, GB200, H100-SXM, H200, L4, L40S, MI300X"},
        ProjectionMistake{"failures: { rate_scale: 2 }", "failures: { rate_scale: -2 }", "-2 }",
                          "failures.rate_scale: must not be negative, got '-2'"},
        // Dates, names: shared helpers.
        ProjectionMistake{"at: 2026Q2", "at: { q: 2 }", "{ q",
                          "fleet.deliveries[0].at: expected a date such as '2026-07-01' or a "
                          "quarter such as '2026Q3', got a mapping"},
        ProjectionMistake{"at: 2026Q2", "at: next year", "next year",
                          "fleet.deliveries[0].at: expected a date such as '2026-07-01' or a "
                          "quarter such as '2026Q3', got 'next year'"},
        ProjectionMistake{"at: 2026Q2", "at: 2029Q1", "2029Q1",
                          "fleet.deliveries[0].at: '2029Q1' is outside the projection, which "
                          "runs from 2026-01-01 to 2029-01-01 (excluded)"},
        ProjectionMistake{"at: 2026Q2", "at: 2025-12-31", "2025-12-31",
                          "fleet.deliveries[0].at: '2025-12-31' is outside the projection, "
                          "which runs from 2026-01-01 to 2029-01-01 (excluded)"},
        ProjectionMistake{"name: chat", "name: prom-h100", "prom-h100\n    kind: serving",
                          "workloads[1].name: duplicate name 'prom-h100': already the pool at "
                          "line 29 (pools, clouds and workloads share one namespace)"}));

}  // namespace
}  // namespace capsim::config
