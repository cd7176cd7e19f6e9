#include "config/serving_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/scenario_loader.h"
#include "tests/config/test_files.h"

namespace capsim::config {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// A pool of 4 nodes of H100s serving Llama-3-8B.
constexpr const char* kServing = R"(name: s
horizon: 1 h
calibration: { H100-SXM: published }
fleet:
  sites: [{ name: s, power_cap: 1 MW, energy_price: 0.07 USD/kWh }]
  pools: [{ name: p, site: s, gpu: H100-SXM, nodes: 4, gpus_per_node: 8 }]
workloads:
  - name: chat
    kind: llm-serving
    model: llama-3-8b
    replicas: 8
    parallelism: { tp: 2 }
    arrivals: { kind: poisson, rate: 5 /s }
    lengths: { input: { median: 500, mean: 600 }, output: { median: 100, mean: 150, max: 2000 } }
    engine: { max_batched_tokens: 4096, max_seqs: 128, chunked_prefill: false, preemption: swap }
    routing: prefix-affinity
    slo: { ttft: 1 s, tpot: 50 ms }
)";

class ServingLoaderTest : public ::testing::Test {
 protected:
  Result<models::Scenario> Load(const std::string& text) {
    return LoadScenario(dir_.Write("s.yaml", text));
  }
  std::vector<std::string> Problems(const std::string& text) {
    Result<models::Scenario> r = Load(text);
    return r.ok() ? std::vector<std::string>{} : r.status().problems();
  }
  testing::TempDir dir_;
};

TEST_F(ServingLoaderTest, ReadsEveryKey) {
  Result<models::Scenario> r = Load(kServing);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r.value().servings.size(), 1u);
  const models::ServingSpec& s = r.value().servings[0];
  EXPECT_EQ(s.model, "llama-3-8b");
  EXPECT_EQ(s.cluster.replicas, 8);
  EXPECT_EQ(s.cluster.par.tp, 2);
  EXPECT_EQ(s.Gpus(), 16);
  EXPECT_EQ(s.source, models::ServingSpec::Source::kPoisson);
  EXPECT_DOUBLE_EQ(s.arrivals.peak_rate_per_s, 5);
  EXPECT_DOUBLE_EQ(s.lengths.input.mean, 600);
  EXPECT_EQ(s.lengths.output.max, 2000);
  EXPECT_EQ(s.cluster.replica.max_num_batched_tokens, 4096);
  EXPECT_EQ(s.cluster.replica.max_num_seqs, 128);
  EXPECT_FALSE(s.cluster.replica.chunked_prefill);
  EXPECT_EQ(s.cluster.replica.preemption, models::PreemptionMode::kSwap);
  EXPECT_EQ(s.cluster.routing, models::RoutingPolicy::kPrefixAffinity);
  EXPECT_DOUBLE_EQ(s.cluster.ttft_bound_s, 1);
  EXPECT_DOUBLE_EQ(s.cluster.tpot_bound_s, 0.05);
}

TEST_F(ServingLoaderTest, OtherArrivalKinds) {
  Result<models::Scenario> bursty = Load(testing::Replace(
      kServing, "{ kind: poisson, rate: 5 /s }", "{ kind: bursty, rate: 5 /s, cv: 2.5 }"));
  ASSERT_TRUE(bursty.ok()) << bursty.status().ToString();
  EXPECT_EQ(bursty.value().servings[0].source, models::ServingSpec::Source::kBursty);
  EXPECT_DOUBLE_EQ(bursty.value().servings[0].cv, 2.5);
  Result<models::Scenario> offline =
      Load(testing::Replace(kServing, "{ kind: poisson, rate: 5 /s }", "{ kind: offline, count: 300 }"));
  ASSERT_TRUE(offline.ok()) << offline.status().ToString();
  EXPECT_EQ(offline.value().servings[0].offline_count, 300u);
  Result<models::Scenario> diurnal = Load(testing::Replace(
      kServing, "{ kind: poisson, rate: 5 /s }",
      "{ kind: diurnal-poisson, peak_rate: 9 /s, peak_to_mean: 2 }"));
  ASSERT_TRUE(diurnal.ok()) << diurnal.status().ToString();
  EXPECT_EQ(diurnal.value().servings[0].source, models::ServingSpec::Source::kDiurnal);
}

TEST_F(ServingLoaderTest, TraceIsReadRelativeToTheScenario) {
  dir_.Write("t.csv",
             "TIMESTAMP,ContextTokens,GeneratedTokens\n"
             "2023-11-16 18:15:46.6805900,374,44\n"
             "2023-11-16 18:15:50.9951690,396,109\n");
  Result<models::Scenario> r = Load(testing::Replace(
      kServing, "{ kind: poisson, rate: 5 /s }",
      "{ kind: trace, file: t.csv, format: azure, time_scale: 0.5 }"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::ServingSpec& s = r.value().servings[0];
  ASSERT_EQ(s.trace.size(), 2u);
  EXPECT_EQ(s.trace[1].input_tokens, 396);
  EXPECT_NEAR(s.trace[1].arrival_s, 4.314579, 1e-6);
  EXPECT_DOUBLE_EQ(s.replay.time_scale, 0.5);
}

TEST_F(ServingLoaderTest, TraceProblemsNameTheFileAndKey) {
  dir_.Write("bad.csv", "TIME,ContextTokens,GeneratedTokens\n");
  EXPECT_THAT(Problems(testing::Replace(kServing, "{ kind: poisson, rate: 5 /s }",
                                        "{ kind: trace, file: bad.csv }")),
              ElementsAre(HasSubstr("workloads[0].arrivals.file: ")));
  EXPECT_THAT(Problems(testing::Replace(kServing, "{ kind: poisson, rate: 5 /s }",
                                        "{ kind: trace, file: none.csv }")),
              ElementsAre(HasSubstr("cannot open")));
  EXPECT_THAT(Problems(testing::Replace(kServing, "{ kind: poisson, rate: 5 /s }",
                                        "{ kind: trace, file: t.csv, format: parquet }")),
              ElementsAre(HasSubstr("unknown trace format 'parquet'")));
}

TEST_F(ServingLoaderTest, Autoscale) {
  const std::string base = kServing;
  const std::string slo = "    slo: { ttft: 1 s, tpot: 50 ms }\n";
  auto with = [&](const std::string& autoscale) {
    return testing::Replace(base, slo, slo + "    autoscale: " + autoscale + "\n");
  };
  Result<models::Scenario> r =
      Load(with("{ min: 4, max: 12, target_utilization: 60%, interval: 1 min, load_time: 90 s, "
                "scale_down_delay: 10 min, signal: busy-time }"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::optional<models::AutoscaleConfig>& a = r.value().servings[0].cluster.autoscale;
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->min_replicas, 4);
  EXPECT_EQ(a->max_replicas, 12);
  EXPECT_DOUBLE_EQ(a->target_utilization, 0.6);
  EXPECT_DOUBLE_EQ(a->interval_s, 60);
  EXPECT_DOUBLE_EQ(a->load_time_s, 90);
  EXPECT_DOUBLE_EQ(a->scale_down_delay_s, 600);
  EXPECT_EQ(a->signal, models::AutoscaleSignal::kBusyTime);
  // min defaults to the starting replicas; no autoscale key: fixed replicas.
  Result<models::Scenario> m = Load(with("{ max: 12 }"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m.value().servings[0].cluster.autoscale->min_replicas, 8);
  EXPECT_FALSE(Load(kServing).value().servings[0].cluster.autoscale.has_value());
  EXPECT_THAT(Problems(with("{ min: 4, max: 2 }")),
              ElementsAre(HasSubstr("workloads[0].autoscale.max: 2 is below min (4)")));
  EXPECT_THAT(Problems(with("{ min: 1, max: 4 }")),
              ElementsAre(HasSubstr("workloads[0].replicas: 8 (the replicas at the start) must "
                                    "lie in autoscale [min, max] = [1, 4]")));
  EXPECT_THAT(Problems(with("{ min: 1 }")),
              ElementsAre(HasSubstr("workloads[0].autoscale: missing required key 'max'")));
  EXPECT_THAT(Problems(with("{ max: 9, target_utilization: 0 }")),
              ElementsAre(HasSubstr("workloads[0].autoscale.target_utilization: must be greater "
                                    "than 0")));
  EXPECT_THAT(Problems(with("{ max: 9, signal: queue }")),
              ElementsAre(HasSubstr("workloads[0].autoscale.signal: unknown autoscale signal "
                                    "'queue'")));
}

TEST_F(ServingLoaderTest, BadValues) {
  EXPECT_THAT(Problems(testing::Replace(kServing, "replicas: 8", "replicas: 40")),
              ElementsAre(HasSubstr("workloads[0].replicas: 40 replicas of 2 GPUs need 80 GPUs; "
                                    "the pool has 32")));
  EXPECT_THAT(Problems(testing::Replace(kServing, "routing: prefix-affinity", "routing: random")),
              ElementsAre(HasSubstr("unknown routing policy 'random'")));
  EXPECT_THAT(Problems(testing::Replace(kServing, "preemption: swap", "preemption: drop")),
              ElementsAre(HasSubstr("unknown preemption mode 'drop'")));
  EXPECT_THAT(Problems(testing::Replace(kServing, "{ kind: poisson, rate: 5 /s }",
                                        "{ kind: poisson }")),
              ElementsAre(HasSubstr("missing required key 'rate'")));
  EXPECT_THAT(Problems(testing::Replace(kServing, "median: 500, mean: 600", "median: 500, mean: 400")),
              ElementsAre(HasSubstr("workloads[0].lengths.input.mean: must be at least the median")));
  EXPECT_THAT(Problems(testing::Replace(kServing, "model: llama-3-8b", "model: llama-9")),
              ElementsAre(HasSubstr("unknown model 'llama-9'")));
}

TEST_F(ServingLoaderTest, AtMostOneServingWorkloadAndItNeedsAProfile) {
  const std::string two =
      std::string(kServing) +
      "  - { name: chat2, kind: llm-serving, model: llama-3-8b, replicas: 1, "
      "arrivals: { kind: poisson, rate: 1 /s } }\n";
  EXPECT_THAT(Problems(two), ElementsAre(HasSubstr("at most one llm-serving workload")));
  EXPECT_THAT(Problems(testing::Replace(kServing, "calibration: { H100-SXM: published }\n", "")),
              ElementsAre(HasSubstr("no calibration profile for GPU 'H100-SXM'")));
}

// kServing with its co-located replicas, parallelism and routing replaced by two pools.
std::string Disaggregated(const std::string& pools) {
  std::string text = testing::Replace(kServing, "    replicas: 8\n    parallelism: { tp: 2 }\n",
                                      "    disaggregation: " + pools + "\n");
  return testing::Replace(text, "    routing: prefix-affinity\n", "");
}

constexpr const char* kPools = "{ prefill_replicas: 3, decode_replicas: 2, decode_tp: 4 }";

TEST_F(ServingLoaderTest, ReadsDisaggregation) {
  Result<models::Scenario> r = Load(Disaggregated(kPools));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::ServingSpec& s = r.value().servings[0];
  ASSERT_TRUE(s.disaggregated.has_value());
  const models::DisaggregatedConfig& d = *s.disaggregated;
  EXPECT_EQ(d.prefill_replicas, 3);
  EXPECT_EQ(d.decode_replicas, 2);
  EXPECT_EQ(d.prefill_par.tp, 1);  // the default
  EXPECT_EQ(d.prefill_par.pp, 1);
  EXPECT_EQ(d.decode_par.tp, 4);
  EXPECT_EQ(s.Gpus(), 3 * 1 + 2 * 4);
  // The engine and slo keys apply to both pools.
  for (const models::ReplicaConfig* e : {&d.prefill, &d.decode}) {
    EXPECT_EQ(e->max_num_batched_tokens, 4096);
    EXPECT_EQ(e->max_num_seqs, 128);
    EXPECT_FALSE(e->chunked_prefill);
    EXPECT_EQ(e->preemption, models::PreemptionMode::kSwap);
  }
  EXPECT_DOUBLE_EQ(d.ttft_bound_s, 1);
  EXPECT_DOUBLE_EQ(d.tpot_bound_s, 0.05);
  // Without the block the workload stays co-located.
  Result<models::Scenario> colocated = Load(kServing);
  ASSERT_TRUE(colocated.ok());
  EXPECT_FALSE(colocated.value().servings[0].disaggregated.has_value());
}

TEST_F(ServingLoaderTest, DisaggregationProblemsNameFileLineAndKey) {
  EXPECT_THAT(Problems(Disaggregated("{ decode_replicas: 2 }")),
              ElementsAre(AllOf(MatchesRegex(".*/s\\.yaml:[0-9]+:[0-9]+: .*"),
                                HasSubstr("workloads[0].disaggregation: missing required key "
                                          "'prefill_replicas'"))));
  EXPECT_THAT(Problems(Disaggregated("{ prefill_replicas: 2 }")),
              ElementsAre(HasSubstr("missing required key 'decode_replicas'")));
  EXPECT_THAT(Problems(Disaggregated("{ prefill_replicas: 0, decode_replicas: 2 }")),
              ElementsAre(HasSubstr("workloads[0].disaggregation.prefill_replicas: ")));
  EXPECT_THAT(Problems(Disaggregated("{ prefill_replicas: 2, decode_replicas: 2, decode_tp: 0 }")),
              ElementsAre(HasSubstr("workloads[0].disaggregation.decode_tp: ")));
  EXPECT_THAT(
      Problems(Disaggregated("{ prefill_replicas: 2, decode_replicas: 2, prefill_pp: 2 }")),
      ElementsAre(HasSubstr("workloads[0].disaggregation.prefill_pp: unknown key 'prefill_pp'")));
  EXPECT_THAT(Problems(Disaggregated("two-pools")),
              ElementsAre(HasSubstr("workloads[0].disaggregation: ")));
}

TEST_F(ServingLoaderTest, DisaggregatedTpMustSplitTheModel) {
  // Llama-3-8B: 32 heads, 8 KV heads, FFN 14336.
  EXPECT_THAT(Problems(Disaggregated("{ prefill_replicas: 2, decode_replicas: 2, prefill_tp: 3 }")),
              Contains(HasSubstr("workloads[0].disaggregation.prefill_tp: llama-3-8b: tp 3 does "
                                 "not divide 32 heads")));
  EXPECT_THAT(Problems(Disaggregated("{ prefill_replicas: 2, decode_replicas: 2, decode_tp: 64 }")),
              Contains(HasSubstr("workloads[0].disaggregation.decode_tp: llama-3-8b: tp 64 ")));
}

TEST_F(ServingLoaderTest, DisaggregatedPoolsMustFitThePool) {
  EXPECT_THAT(Problems(Disaggregated("{ prefill_replicas: 8, decode_replicas: 4, prefill_tp: 2, "
                                     "decode_tp: 4 }")),
              ElementsAre());  // exactly the pool's 32 GPUs
  EXPECT_THAT(Problems(Disaggregated("{ prefill_replicas: 8, decode_replicas: 5, prefill_tp: 2, "
                                     "decode_tp: 4 }")),
              ElementsAre(HasSubstr("workloads[0].disaggregation: 8 prefill replicas of 2 GPUs "
                                    "and 5 decode replicas of 4 GPUs need 36 GPUs; the pool has "
                                    "32")));
}

TEST_F(ServingLoaderTest, DisaggregationExcludesTheColocatedKeys) {
  const std::string block = "    disaggregation: " + std::string(kPools) + "\n";
  const std::string both = testing::Replace(kServing, "    arrivals:", block + "    arrivals:");
  EXPECT_THAT(
      Problems(both),
      ElementsAre(HasSubstr("workloads[0].replicas: 'replicas' cannot be combined with "
                            "'disaggregation'"),
                  HasSubstr("workloads[0].parallelism: 'parallelism' cannot be combined with "
                            "'disaggregation'"),
                  HasSubstr("workloads[0].routing: 'routing' cannot be combined with "
                            "'disaggregation'")));
  const std::string routing_only =
      testing::Replace(Disaggregated(kPools), "    slo:", "    routing: round-robin\n    slo:");
  EXPECT_THAT(Problems(routing_only),
              ElementsAre(HasSubstr("workloads[0].routing: 'routing' cannot be combined with "
                                    "'disaggregation'")));
}

}  // namespace
}  // namespace capsim::config
