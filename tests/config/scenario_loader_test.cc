#include "config/scenario_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "config/projection_loader.h"
#include "tests/config/test_files.h"

namespace capsim::config {
namespace {

using ::testing::ElementsAre;
using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::kMinimalScenario;
using testing::Replace;

const std::string kCatalog = std::string(CAPSIM_SOURCE_DIR) + "/data/catalog.yaml";
constexpr double kYear = 365.25 * 86400;

class ScenarioLoaderTest : public ::testing::Test {
 protected:
  // Writes `text` to s.yaml and loads it against the shipped catalog.
  Result<models::Scenario> Load(const std::string& text,
                                const std::vector<std::string>& overrides = {}) {
    dir_.Write("s.yaml", text);
    return LoadScenario(path_, overrides, kCatalog);
  }
  // The problem lines of loading `text`, which must fail.
  std::vector<std::string> Problems(const std::string& text,
                                    const std::vector<std::string>& overrides = {}) {
    Result<models::Scenario> r = Load(text, overrides);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::vector<std::string>{} : r.status().problems();
  }
  // `path_:line:col: rest`.
  std::string At(int line, int col, const std::string& rest) const {
    return path_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + rest;
  }

  testing::TempDir dir_;
  const std::string path_ = dir_.path() + "/s.yaml";
};

TEST_F(ScenarioLoaderTest, DefaultScenarioLoadsInSiUnits) {
  const std::string path = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/default.yaml";
  Result<models::Scenario> r = LoadScenario(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::Scenario& s = r.value();
  EXPECT_EQ(s.name, "default");
  EXPECT_EQ(s.source_path, path);
  EXPECT_THAT(s.resolved_text, HasSubstr("name: default"));
  EXPECT_DOUBLE_EQ(s.horizon_s, 86400);
  EXPECT_EQ(s.seed, 42u);
  EXPECT_DOUBLE_EQ(s.sample_interval_s, 300);
  ASSERT_EQ(s.sites.size(), 1u);
  EXPECT_DOUBLE_EQ(s.sites[0].power_cap_watts, 1e9);
  EXPECT_DOUBLE_EQ(s.sites[0].pue, 1.2);
  EXPECT_DOUBLE_EQ(s.sites[0].energy_price_usd_per_joule, 0.07 / 3.6e6);
  ASSERT_EQ(s.pools.size(), 1u);
  EXPECT_EQ(s.pools[0].gpu, "H100-SXM");
  EXPECT_EQ(s.pools[0].nodes, 64);
  EXPECT_EQ(s.pools[0].gpus_per_node, 8);
  EXPECT_DOUBLE_EQ(s.pools[0].host_power_fraction, 0.3);
  EXPECT_DOUBLE_EQ(s.pools[0].server_price_usd, 270000);
  ASSERT_EQ(s.avatars.size(), 1u);
  const models::AvatarSpec& a = s.avatars[0];
  EXPECT_EQ(a.tier, "lipsync-2d");
  EXPECT_EQ(a.arrivals.kind, models::ArrivalSpec::Kind::kDiurnalPoisson);
  EXPECT_DOUBLE_EQ(a.arrivals.peak_rate_per_s, 1.7);
  ASSERT_TRUE(a.replica.has_value());
  EXPECT_EQ(a.replica->face_model, "musetalk-256");
  EXPECT_EQ(a.replica->tts.gpus, 64);
  EXPECT_EQ(a.replica->encode.where, models::EncodeSpec::Where::kCpu);
  EXPECT_DOUBLE_EQ(a.arrivals.peak_to_mean, 2.3);
  EXPECT_DOUBLE_EQ(a.arrivals.peak_time_s, 72000);
  EXPECT_DOUBLE_EQ(a.session_length.median, 360);
  EXPECT_DOUBLE_EQ(a.session_length.mean, 600);
  EXPECT_DOUBLE_EQ(a.session_length.cap, 3600);
  EXPECT_DOUBLE_EQ(a.face.gpu_share, 0.7);
  EXPECT_DOUBLE_EQ(a.face.latency_s, 0.2);
  EXPECT_DOUBLE_EQ(a.asr.gpu_share, 1.0 / 32);
  EXPECT_DOUBLE_EQ(a.encode.gpu_share, 0);
  EXPECT_EQ(a.max_sessions, 4000);
  EXPECT_DOUBLE_EQ(a.gpu_load_target, 0.85);
  EXPECT_DOUBLE_EQ(a.slo_ttff_p99_s, 1);
  EXPECT_DOUBLE_EQ(a.slo_frame_miss_rate, 0.005);
  ASSERT_EQ(s.trainings.size(), 1u);
  EXPECT_EQ(s.trainings[0].model, "llama-3-70b");
  EXPECT_EQ(s.trainings[0].gpus, 256);
  EXPECT_DOUBLE_EQ(s.trainings[0].tokens, 1e12);
  EXPECT_DOUBLE_EQ(s.trainings[0].efficiency, 0);  // priced by the performance model
  EXPECT_EQ(s.trainings[0].layout.tp, 8);
  EXPECT_EQ(s.trainings[0].layout.pp, 4);
  EXPECT_EQ(s.trainings[0].layout.dp, 8);
  EXPECT_DOUBLE_EQ(s.trainings[0].layout.global_batch_tokens, 4e6);
  ASSERT_EQ(s.profiles.size(), 1u);  // calibration: { H100-SXM: published }
  EXPECT_EQ(s.profiles[0].gpu, "H100-SXM");
  EXPECT_EQ(s.profiles[0].provenance.kind, "published");
  EXPECT_DOUBLE_EQ(s.trainings[0].checkpoint_write_s, 60);
  ASSERT_EQ(s.distillations.size(), 1u);
  EXPECT_EQ(s.distillations[0].teacher, "gpt-oss-120b");
  EXPECT_EQ(s.distillations[0].min_gpus, 32);
  EXPECT_EQ(s.distillations[0].max_gpus, 128);
  EXPECT_DOUBLE_EQ(s.distillations[0].tokens, 1e11);
  EXPECT_THAT(s.policy.order, ElementsAre("ai-replica", "avocado-distill", "frontier-pretrain"));
  EXPECT_TRUE(s.policy.preemption);
  EXPECT_DOUBLE_EQ(s.policy.rebalance_interval_s, 60);
  EXPECT_DOUBLE_EQ(s.finance.server_life_s, 5.5 * kYear);
  EXPECT_DOUBLE_EQ(s.finance.server_overhead, 1.23);
  EXPECT_NE(s.catalog.FindGpu("H100-SXM"), nullptr);
}

TEST_F(ScenarioLoaderTest, MinimalScenarioTakesDefaults) {
  Result<models::Scenario> r = Load(kMinimalScenario);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::Scenario& s = r.value();
  EXPECT_EQ(s.seed, 1u);
  EXPECT_DOUBLE_EQ(s.sample_interval_s, 300);
  EXPECT_DOUBLE_EQ(s.sites[0].pue, 1.0);
  EXPECT_DOUBLE_EQ(s.pools[0].host_power_fraction, 0.3);
  EXPECT_EQ(s.resolved_text, kMinimalScenario);
  EXPECT_THAT(s.policy.order, ElementsAre("av", "distill", "train"));
}

TEST_F(ScenarioLoaderTest, PolicyOrderDefaultsToFileOrder) {
  Result<models::Scenario> r =
      Load(Replace(kMinimalScenario, "policy:\n  order: [av, distill, train]\n", ""));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_THAT(r.value().policy.order, ElementsAre("av", "train", "distill"));
}

TEST_F(ScenarioLoaderTest, MissingFile) {
  Result<models::Scenario> r = LoadScenario("x.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "x.yaml: cannot open: No such file or directory");
}

TEST_F(ScenarioLoaderTest, NotYaml) {
  const auto p = Problems("name: t\nhorizon: [1 day\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_THAT(p[0], ::testing::MatchesRegex(".*s\\.yaml:[0-9]+:[0-9]+: invalid YAML: .*"));
}

TEST_F(ScenarioLoaderTest, TopLevelNotAMapping) {
  EXPECT_THAT(Problems("- name: t\n- horizon: 1 day\n"),
              ElementsAre(At(1, 1,
                             "the top level must be a mapping with keys name, horizon, seed, "
                             "sample_interval, catalog, calibration, fleet, workloads, policy, finance, "
                             "failures, compare_policies; got a list")));
}

TEST_F(ScenarioLoaderTest, EmptyFile) {
  const auto p = Problems("# nothing\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], path_ +
                      ": the file is empty; expected a scenario mapping with keys name, "
                      "horizon, seed, sample_interval, catalog, calibration, fleet, workloads, policy, "
                      "finance, failures, compare_policies");
}

TEST_F(ScenarioLoaderTest, UnknownKeySuggestsTheClosest) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "horizon:", "horizn:")),
              ElementsAre(At(1, 1, "missing required key 'horizon'"),
                          At(2, 1, "horizn: unknown key 'horizn'; did you mean 'horizon'?")));
}

TEST_F(ScenarioLoaderTest, UnknownKeyWithoutCloseMatchListsAllowedKeys) {
  EXPECT_THAT(
      Problems(Replace(kMinimalScenario, "      site: s\n", "      site: s\n      colour: blue\n")),
      ElementsAre(At(11, 7,
                     "fleet.pools[0].colour: unknown key 'colour'; allowed keys: name, "
                     "site, gpu, nodes, gpus_per_node, host_power_fraction, server_price, "
                     "topology")));
}

TEST_F(ScenarioLoaderTest, PoolTopology) {
  const std::string pool_line = "      gpus_per_node: 8\n";
  Result<models::Scenario> r = Load(Replace(
      kMinimalScenario, pool_line,
      pool_line + "      topology: { nodes_per_rack: 2, racks_per_pod: 1, "
                  "pod_oversubscription: 7 }\n"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r.value().pools[0].topology.has_value());
  EXPECT_EQ(r.value().pools[0].topology->nodes_per_domain, 1);
  EXPECT_EQ(r.value().pools[0].topology->nodes_per_rack, 2);
  EXPECT_EQ(r.value().pools[0].topology->racks_per_pod, 1);
  EXPECT_DOUBLE_EQ(r.value().pools[0].topology->pod_oversubscription, 7);
  // A domain straddling racks, and an oversubscription below 1.
  EXPECT_THAT(
      Problems(Replace(kMinimalScenario, pool_line,
                       pool_line + "      topology: { nodes_per_domain: 3, nodes_per_rack: 4 }\n")),
      ElementsAre(At(14, 17,
                     "fleet.pools[0].topology: nodes_per_rack (4) must be a multiple "
                     "of nodes_per_domain (3): a scale-up domain must not straddle racks")));
  EXPECT_THAT(Problems(Replace(kMinimalScenario, pool_line,
                               pool_line + "      topology: { pod_oversubscription: 0.5 }\n")),
              ElementsAre(HasSubstr("fleet.pools[0].topology.pod_oversubscription: must be")));
}

TEST_F(ScenarioLoaderTest, MappingWhereAScalarIsExpected) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "name: t\n", "name: { first: t }\n")),
              ElementsAre(At(1, 7, "name: expected a name, got a mapping")));
}

TEST_F(ScenarioLoaderTest, StringWhereANumberIsExpected) {
  EXPECT_THAT(
      Problems(Replace(kMinimalScenario, "nodes: 4", "nodes: many")),
      ElementsAre(At(12, 14,
                     "fleet.pools[0].nodes: 'many' is not a number; expected a count such as "
                     "'15T'")));
}

TEST_F(ScenarioLoaderTest, ScalarWhereAListIsExpected) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "  order: [av, distill, train]", "  order: av")),
              ElementsAre(At(34, 10, "policy.order: expected a list of workload names, got 'av'")));
}

TEST_F(ScenarioLoaderTest, MissingRequiredKey) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "      power_cap: 1 GW\n", "")),
              ElementsAre(At(5, 7, "fleet.sites[0]: missing required key 'power_cap'")));
}

TEST_F(ScenarioLoaderTest, UnknownGpuListsKnownOnes) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "gpu: H100-SXM", "gpu: H1000")),
              ElementsAre(At(11, 12,
                             "fleet.pools[0].gpu: unknown GPU 'H1000'; known: B200, GB200, "
                             "H100-SXM, H200, L4, L40S, MI300X")));
}

TEST_F(ScenarioLoaderTest, UnknownSite) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "site: s", "site: t")),
              ElementsAre(At(10, 13, "fleet.pools[0].site: unknown site 't'; known: s")));
}

TEST_F(ScenarioLoaderTest, WrongUnit) {
  EXPECT_THAT(
      Problems(Replace(kMinimalScenario, "horizon: 1 day", "horizon: 5 MB")),
      ElementsAre(At(2, 10, "horizon: '5 MB' is a size; expected a time such as '30 min'")));
}

TEST_F(ScenarioLoaderTest, MalformedQuantity) {
  EXPECT_THAT(
      Problems(Replace(kMinimalScenario, "power_cap: 1 GW", "power_cap: 1 GHz")),
      ElementsAre(At(6, 18,
                     "fleet.sites[0].power_cap: '1 GHz': unknown unit 'GHz'; expected a power "
                     "such as '700 W'")));
}

TEST_F(ScenarioLoaderTest, FractionOver100Percent) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "gpus_per_node: 8\n",
                               "gpus_per_node: 8\n      host_power_fraction: 150%\n")),
              ElementsAre(At(14, 28,
                             "fleet.pools[0].host_power_fraction: '150%' is more than "
                             "100%")));
}

TEST_F(ScenarioLoaderTest, NanAndInfinity) {
  EXPECT_THAT(
      Problems(Replace(Replace(kMinimalScenario, "horizon: 1 day", "horizon: .nan"),
                       "power_cap: 1 GW", "power_cap: inf W")),
      ElementsAre(At(2, 10, "horizon: '.nan' is not a number; expected a time such as '30 min'"),
                  At(6, 18,
                     "fleet.sites[0].power_cap: 'inf W' is not a number; expected a power such "
                     "as '700 W'")));
}

TEST_F(ScenarioLoaderTest, HorizonMustBePositive) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "horizon: 1 day", "horizon: 0 s")),
              ElementsAre(At(2, 10, "horizon: must be positive, got '0 s'")));
}

struct CountCase {
  const char* from;
  const char* to;
  int line;
  int column;
  const char* rest;
};

class ZeroOrNegativeCountTest : public ScenarioLoaderTest,
                                public ::testing::WithParamInterface<CountCase> {};

TEST_P(ZeroOrNegativeCountTest, IsRejected) {
  const CountCase& c = GetParam();
  EXPECT_THAT(Problems(Replace(kMinimalScenario, c.from, c.to)),
              ElementsAre(At(c.line, c.column, c.rest)));
}

INSTANTIATE_TEST_SUITE_P(
    Counts, ZeroOrNegativeCountTest,
    ::testing::Values(
        CountCase{"nodes: 4", "nodes: 0", 12, 14,
                  "fleet.pools[0].nodes: must be at least 1, got '0'"},
        CountCase{"gpus_per_node: 8", "gpus_per_node: -8", 13, 22,
                  "fleet.pools[0].gpus_per_node: must be at least 1, got '-8'"},
        CountCase{"gpus: 16", "gpus: 0", 25, 11, "workloads[1].gpus: must be at least 1, got '0'"},
        CountCase{"max_sessions: 100", "max_sessions: -1", 21, 32,
                  "workloads[0].admission.max_sessions: must be at least 1, got '-1'"},
        CountCase{"fps: 25", "fps: 0", 18, 10, "workloads[0].fps: must be positive, got '0'"},
        CountCase{"tokens: 1B", "tokens: -1B", 26, 13,
                  "workloads[1].tokens: must be positive, got '-1B'"}));

// Several pools: each workload names its own (default: the first), and its GPU counts are
// checked against that pool.
TEST_F(ScenarioLoaderTest, SeveralPoolsAndWorkloadPools) {
  const std::string two = Replace(
      Replace(kMinimalScenario, "workloads:\n",
              "    - { name: q, site: s, gpu: L40S, nodes: 4 }\nworkloads:\n"),
      "calibration: { H100-SXM: published }\n",
      "calibration: { H100-SXM: published, L40S: published }\n");
  Result<models::Scenario> r =
      Load(Replace(two, "    model: llama-3-8b\n    gpus: 16\n",
                   "    model: llama-3-8b\n    pool: q\n    gpus: 16\n"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r.value().pools.size(), 2u);
  EXPECT_EQ(r.value().trainings[0].pool, "q");
  EXPECT_EQ(r.value().PoolIndex("q"), 1);
  EXPECT_EQ(r.value().PoolIndex(""), 0);
  EXPECT_EQ(r.value().PoolIndex("nope"), -1);
  EXPECT_EQ(r.value().avatars[0].pool, "");
  // The job is sized against its pool (q: 4 nodes of 8).
  EXPECT_THAT(Problems(Replace(two, "    model: llama-3-8b\n    gpus: 16\n",
                               "    model: llama-3-8b\n    pool: q\n    gpus: 48\n")),
              ElementsAre(HasSubstr("workloads[1].gpus: 48 GPUs is more than the pool's 32")));
  EXPECT_THAT(Problems(Replace(two, "    model: llama-3-8b\n    gpus: 16\n",
                               "    model: llama-3-8b\n    pool: r\n    gpus: 16\n")),
              ElementsAre(HasSubstr("workloads[1].pool: unknown pool 'r'")));
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "workloads:\n",
                               "    - { name: p, site: s, gpu: L4, nodes: 1 }\nworkloads:\n")),
              ElementsAre(At(14, 15, "fleet.pools[1].name: duplicate pool name 'p' (first at "
                                     "line 9)")));
}

// A second pool's GPU needs a calibration profile when a workload priced op by op runs there.
TEST_F(ScenarioLoaderTest, CalibrationForEachPricedPool) {
  const std::string two =
      Replace(Replace(kMinimalScenario, "workloads:\n",
                      "    - { name: q, site: s, gpu: L40S, nodes: 4 }\nworkloads:\n"),
              "    model: llama-3-8b\n    gpus: 16\n", "    model: llama-3-8b\n    pool: q\n    gpus: 16\n");
  EXPECT_THAT(Problems(two), ElementsAre(HasSubstr("no calibration profile for GPU 'L40S' "
                                                   "(fleet.pools[1])")));
  EXPECT_TRUE(Load(Replace(two, "calibration: { H100-SXM: published }\n",
                           "calibration: { H100-SXM: published, L40S: published }\n"))
                  .ok());
}

TEST_F(ScenarioLoaderTest, PolicyOrderNamesAnUnknownWorkload) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "[av, distill, train]", "[av, distil, train]")),
              ElementsAre(At(34, 10,
                             "policy.order: does not name 'distill'; it must name every workload "
                             "exactly once, highest priority first"),
                          At(34, 15,
                             "policy.order[1]: unknown workload 'distil'; did you mean 'distill'? "
                             "known: av, distill, train")));
}

TEST_F(ScenarioLoaderTest, PolicyOrderNamesAWorkloadTwice) {
  EXPECT_THAT(
      Problems(Replace(kMinimalScenario, "[av, distill, train]", "[av, av, distill, train]")),
      ElementsAre(At(34, 15, "policy.order[1]: names workload 'av' twice")));
}

TEST_F(ScenarioLoaderTest, UnknownPolicyKind) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "policy:\n", "policy:\n  kind: elastic\n")),
              ElementsAre(At(34, 9,
                             "policy.kind: unknown policy kind 'elastic'; known: "
                             "priority-preemption, static-partition, time-of-day")));
}

TEST_F(ScenarioLoaderTest, CollectsEveryProblemAtOnce) {
  std::string text = Replace(kMinimalScenario, "horizon: 1 day", "horizon: 1 GB");
  text = Replace(text, "gpu: H100-SXM", "gpu: H1000");
  text = Replace(text, "fps: 25", "fsp: 25");
  const auto p = Problems(text);
  ASSERT_EQ(p.size(), 3u) << ::testing::PrintToString(p);
  EXPECT_THAT(p[0], ::testing::StartsWith(At(2, 10, "horizon: ")));
  EXPECT_THAT(p[1], ::testing::StartsWith(At(11, 12, "fleet.pools[0].gpu: unknown GPU")));
  EXPECT_EQ(p[2], At(18, 5, "workloads[0].fsp: unknown key 'fsp'; did you mean 'fps'?"));
}

TEST_F(ScenarioLoaderTest, OverridesApply) {
  Result<models::Scenario> r =
      Load(kMinimalScenario, {"horizon=2 days", "fleet.pools[0].nodes=32", "workloads.0.fps=30",
                              "policy.order=[train, av, distill]", "seed=7",
                              "workloads[0].stages.asr.gpu_share=0.0625"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::Scenario& s = r.value();
  EXPECT_DOUBLE_EQ(s.horizon_s, 172800);
  EXPECT_EQ(s.pools[0].nodes, 32);
  EXPECT_DOUBLE_EQ(s.avatars[0].fps, 30);
  EXPECT_DOUBLE_EQ(s.avatars[0].asr.gpu_share, 0.0625);
  EXPECT_EQ(s.seed, 7u);
  EXPECT_THAT(s.policy.order, ElementsAre("train", "av", "distill"));
  EXPECT_THAT(s.resolved_text, HasSubstr("nodes: 32"));
  EXPECT_THAT(s.resolved_text, HasSubstr("horizon: 2 days"));
}

TEST_F(ScenarioLoaderTest, OverrideOfAnUnknownKey) {
  EXPECT_THAT(Problems(kMinimalScenario, {"workloads[0].fsp=30"}),
              ElementsAre("--set workloads[0].fsp=30: unknown key 'fsp' at workloads[0]; did you "
                          "mean 'fps'?"));
}

TEST_F(ScenarioLoaderTest, OverrideWithABadValueNamesTheOverride) {
  EXPECT_THAT(Problems(kMinimalScenario, {"fleet.pools[0].nodes=0"}),
              ElementsAre("--set fleet.pools[0].nodes=0: fleet.pools[0].nodes: must be at least "
                          "1, got '0'"));
}

TEST_F(ScenarioLoaderTest, OverrideOfAMissingListItem) {
  EXPECT_THAT(Problems(kMinimalScenario, {"workloads[7].fps=30"}),
              ElementsAre("--set workloads[7].fps=30: index 7 is out of range: 'workloads' has 3 "
                          "items"));
}

TEST_F(ScenarioLoaderTest, CatalogKeyIsRelativeToTheScenario) {
  const std::string catalog = dir_.Write("sub/c.yaml", "gpus: []\nmodels: []\navatar_tiers: []\n");
  const auto p = Problems(Replace(kMinimalScenario, "name: t\n", "name: t\ncatalog: sub/c.yaml\n"));
  ASSERT_FALSE(p.empty());
  EXPECT_THAT(p, ::testing::Contains(At(12, 12,
                                        "fleet.pools[0].gpu: unknown GPU 'H100-SXM'; "
                                        "none are defined")));
}

TEST_F(ScenarioLoaderTest, MissingCatalogIsReportedAtTheKey) {
  EXPECT_THAT(Problems(Replace(kMinimalScenario, "name: t\n", "name: t\ncatalog: nope.yaml\n")),
              ElementsAre(At(2, 10,
                             "catalog: " + dir_.path() +
                                 "/nope.yaml: cannot open: No such file or directory")));
}

}  // namespace
}  // namespace capsim::config

namespace capsim::config {
namespace {

using ::testing::ElementsAre;
using ::testing::AllOf;
using ::testing::HasSubstr;

class CalibrationKeyTest : public ::testing::Test {
 protected:
  std::vector<std::string> Problems(const std::string& text) {
    Result<models::Scenario> r = LoadScenario(dir_.Write("c.yaml", text));
    return r.ok() ? std::vector<std::string>{} : r.status().problems();
  }
  std::string WithCalibration(const std::string& line) {
    return testing::Replace(testing::kMinimalScenario, "calibration: { H100-SXM: published }\n",
                            line);
  }
  testing::TempDir dir_;
};

TEST_F(CalibrationKeyTest, ShippedKindResolvesToTheDataDirectory) {
  Result<models::Scenario> r = LoadScenario(dir_.Write("c.yaml", testing::kMinimalScenario));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_NE(r.value().ProfileFor("H100-SXM"), nullptr);
  EXPECT_FALSE(r.value().ProfileFor("H100-SXM")->curves.empty());
}

TEST_F(CalibrationKeyTest, MissingProfileForThePoolGpuNamesIt) {
  EXPECT_THAT(Problems(WithCalibration("")),
              ElementsAre(HasSubstr("calibration: no calibration profile for GPU 'H100-SXM' "
                                    "(fleet.pools[0])")));
}

TEST_F(CalibrationKeyTest, NoProfileNeededWhenEveryJobHasAFixedEfficiency) {
  std::string text = WithCalibration("");
  text = testing::Replace(text, "    tokens: 1B\n", "    tokens: 1B\n    efficiency: 40%\n");
  text = testing::Replace(text, "    gpus: { min: 8, max: 16 }\n    tokens: 1B\n",
                          "    gpus: { min: 8, max: 16 }\n    tokens: 1B\n    efficiency: 30%\n");
  EXPECT_THAT(Problems(text), ElementsAre());
}

TEST_F(CalibrationKeyTest, UnknownGpuKey) {
  EXPECT_THAT(Problems(WithCalibration("calibration: { H100-SXM: published, H1000: published }\n")),
              ElementsAre(HasSubstr("calibration.H1000: unknown GPU 'H1000'")));
}

TEST_F(CalibrationKeyTest, MissingProfileFile) {
  EXPECT_THAT(Problems(WithCalibration("calibration: { H100-SXM: profiles/none.yaml }\n")),
              ElementsAre(AllOf(HasSubstr("calibration.H100-SXM: "), HasSubstr("cannot open"))));
}

TEST_F(CalibrationKeyTest, ProfileOfAnotherGpu) {
  EXPECT_THAT(
      Problems(WithCalibration("calibration: { H100-SXM: " + std::string(CAPSIM_SOURCE_DIR) +
                               "/data/profiles/H200.published.yaml }\n")),
      ElementsAre(HasSubstr("is for GPU 'H200', not 'H100-SXM'")));
}

TEST_F(CalibrationKeyTest, NotAMapping) {
  EXPECT_THAT(Problems(WithCalibration("calibration: [H100-SXM]\n")),
              ElementsAre(HasSubstr("calibration: expected a mapping of GPU type to profile file")));
}

}  // namespace
}  // namespace capsim::config

namespace capsim::config {
namespace {

class FailuresLoaderTest : public ::testing::Test {
 protected:
  Result<models::Scenario> Load(const std::vector<std::string>& overrides) {
    dir_.Write("s.yaml", testing::kMinimalScenario);
    return LoadScenario(dir_.path() + "/s.yaml", overrides,
                        std::string(CAPSIM_SOURCE_DIR) + "/data/catalog.yaml");
  }
  testing::TempDir dir_;
};

TEST_F(FailuresLoaderTest, AbsentMeansNone) {
  Result<models::Scenario> r = Load({});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r.value().failures.enabled);
}

TEST_F(FailuresLoaderTest, ReadsScaleAndRepair) {
  Result<models::Scenario> r = Load({"failures={rate_scale: 2.5, repair: 10 min}"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r.value().failures.enabled);
  EXPECT_DOUBLE_EQ(r.value().failures.rate_scale, 2.5);
  EXPECT_DOUBLE_EQ(r.value().failures.repair_s, 600);
  r = Load({"failures={}"});  // the Llama 3 rates as they are
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value().failures.enabled);
  EXPECT_DOUBLE_EQ(r.value().failures.rate_scale, 1);
}

TEST_F(FailuresLoaderTest, Errors) {
  auto problems = [&](const std::string& o) {
    Result<models::Scenario> r = Load({o});
    EXPECT_FALSE(r.ok()) << o;
    return r.ok() ? std::string() : r.status().ToString();
  };
  EXPECT_NE(problems("failures={rate_scale: -1}").find("failures.rate_scale: must not be negative"),
            std::string::npos);
  EXPECT_NE(problems("failures={repair: -5 min}").find("failures.repair"), std::string::npos);
  EXPECT_NE(problems("failures={repair: 5 GB}").find("failures.repair"), std::string::npos);
  EXPECT_NE(problems("failures={rate: 2}").find("unknown key 'rate'"), std::string::npos);
}

// Every scenario shipped in scenarios/ loads, and the 30-day contention scenario keeps the
// Llama 3 cluster figures it cites (facilities-and-finance.md §7; workloads.md §8).
TEST_F(ScenarioLoaderTest, EveryShippedScenarioLoads) {
  int loaded = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(CAPSIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    // Projections load through LoadProjection (tests/config/projection_loader_test.cc).
    if (IsProjectionFile(entry.path().string())) continue;
    Result<models::Scenario> r = LoadScenario(entry.path().string());
    // A trace from the shared data folder beside the repository is absent on a fresh machine.
    const std::string problems = r.ok() ? "" : r.status().ToString();
    if (problems.find("shared/data/traces/") != std::string::npos &&
        problems.find("cannot open") != std::string::npos) {
      std::printf("skipped %s: its trace is not on this machine\n", entry.path().c_str());
      continue;
    }
    EXPECT_TRUE(r.ok()) << entry.path() << ": " << problems;
    ++loaded;
  }
  EXPECT_GE(loaded, 4);
  Result<models::Scenario> r =
      LoadScenario(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/contention-30d.yaml");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::Scenario& s = r.value();
  EXPECT_EQ(s.pools[0].nodes * s.pools[0].gpus_per_node, 24576);
  ASSERT_TRUE(s.pools[0].topology.has_value());
  EXPECT_EQ(s.pools[0].topology->nodes_per_rack * s.pools[0].topology->racks_per_pod * 8, 3072);
  EXPECT_DOUBLE_EQ(s.pools[0].topology->pod_oversubscription, 7);
  EXPECT_EQ(s.trainings[0].gpus, 16384);
  EXPECT_TRUE(s.avatars[0].aggregate.has_value());
  EXPECT_TRUE(s.failures.enabled);
  EXPECT_DOUBLE_EQ(s.horizon_s, 30 * 86400);
}

}  // namespace
}  // namespace capsim::config
