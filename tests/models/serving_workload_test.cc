#include "models/serving_workload.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "models/disaggregated_cluster.h"
#include "models/llm_cluster.h"
#include "models/shared_fleet.h"
#include "tests/models/llm_test_support.h"
#include "tests/models/test_scenario.h"

namespace capsim::models {
namespace {

using testing::Llama8b;

RequestSource Load(uint64_t n) {
  return RequestSource::Poisson(6, LengthModel::Lognormal({500, 700, 8000}, {100, 150, 1000}),
                                {.max_requests = n}, /*seed=*/5, /*stream=*/1);
}

// Both layouts report the GPU-seconds of their iterations: each replica's busy time x its GPUs.
TEST(ServingWorkload, BusyGpuSecondsCountEveryReplicasGpus) {
  const PerfModel perf = testing::FlatPerfModel();
  const ModelSpec model = Llama8b();
  {
    sim::Simulator sim;
    ClusterConfig config;
    config.replicas = 2;
    config.par.tp = 2;
    LlmCluster c(sim, model, perf, config, Load(60));
    ServingWorkload& w = c;
    w.Start();
    sim.RunUntil(sim::Time::FromSeconds(1e5));
    const double busy = c.replica(0).metrics().busy_s + c.replica(1).metrics().busy_s;
    EXPECT_GT(busy, 0);
    EXPECT_DOUBLE_EQ(w.BusyGpuSeconds(), busy * 2);
    EXPECT_EQ(w.in_flight(), 0u);
  }
  {
    sim::Simulator sim;
    DisaggregatedConfig config;
    config.prefill_replicas = 2;
    config.decode_replicas = 1;
    config.decode_par.tp = 4;
    DisaggregatedCluster c(sim, model, perf, config, Load(60));
    ServingWorkload& w = c;
    w.Start();
    sim.RunUntil(sim::Time::FromSeconds(1e5));
    const double prefill =
        c.prefill_replica(0).metrics().busy_s + c.prefill_replica(1).metrics().busy_s;
    const double decode = c.decode_replica(0).metrics().busy_s;
    EXPECT_GT(prefill, 0);
    EXPECT_GT(decode, 0);
    EXPECT_DOUBLE_EQ(w.BusyGpuSeconds(), prefill + decode * 4);
    EXPECT_EQ(w.in_flight(), 0u);
    EXPECT_EQ(w.RequestsTable().numeric[0].values.size(), 60u);
  }
}

using testing::Metric;

const Column* Series(const RunResult& r, const std::string& name) {
  for (const Column& c : r.timeseries.series) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// Two nodes of TEST-GPU serving Llama-3-8B for 5 minutes: 2 prefill replicas (tp 1) and 1
// decode replica (tp 2), i.e. 4 GPUs on 1 reserved node.
Scenario DisaggregatedScenario() {
  Scenario s = testing::TestScenario(2);
  s.horizon_s = 300;
  s.sample_interval_s = 60;
  s.catalog.gpus[0].scale_up_bandwidth = 450e9;
  s.catalog.models.push_back(Llama8b());
  s.profiles.push_back(testing::FlatProfile());
  NetworkSpec fabric;
  fabric.name = "fabric";
  fabric.bandwidth = 50e9;
  s.catalog.networks.push_back(fabric);
  ServingSpec sv;
  sv.name = "chat";
  sv.model = "llama-3-8b";
  sv.source = ServingSpec::Source::kPoisson;
  sv.arrivals.kind = ArrivalSpec::Kind::kPoisson;
  sv.arrivals.peak_rate_per_s = 4;
  DisaggregatedConfig d;
  d.prefill_replicas = 2;
  d.decode_replicas = 1;
  d.decode_par.tp = 2;
  sv.disaggregated = d;
  s.servings.push_back(sv);
  return s;
}

TEST(ServingWorkload, DisaggregatedScenarioRunsEndToEnd) {
  const Scenario s = DisaggregatedScenario();
  ASSERT_EQ(s.servings[0].Gpus(), 4);
  RunOptions options;
  options.seed = 3;
  Result<RunResult> r = RunScenario(s, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const RunResult& res = r.value();
  const double arrived = Metric(res, "serving.requests_arrived");
  const double completed = Metric(res, "serving.requests_completed");
  EXPECT_GT(arrived, 800);  // 4/s for 300 s: 1,200 expected
  EXPECT_GT(completed, 0);
  EXPECT_EQ(arrived, completed + Metric(res, "serving.requests_rejected") +
                         Metric(res, "serving.requests_in_flight"));
  // The disaggregated summary, under the same prefix as the co-located one.
  EXPECT_EQ(Metric(res, "serving.prefill_replicas"), 2);
  EXPECT_EQ(Metric(res, "serving.decode_replicas"), 1);
  EXPECT_EQ(Metric(res, "serving.gpus"), 4);
  EXPECT_GT(Metric(res, "serving.kv_transfers"), 0);
  EXPECT_GT(Metric(res, "serving.ttft_p50_s"), 0);
  EXPECT_LE(Metric(res, "serving.ttft_p50_s"), Metric(res, "serving.ttft_p99_s"));
  // 4 GPUs reserve one whole node of 8 for the horizon.
  EXPECT_DOUBLE_EQ(Metric(res, "gpu_hours.serving"), 8 * 300 / 3600.0);
  // One row per completed request.
  ASSERT_FALSE(res.requests.numeric.empty());
  EXPECT_EQ(res.requests.numeric[0].name, "id");
  for (const Column& c : res.requests.numeric) {
    EXPECT_EQ(static_cast<double>(c.values.size()), completed) << c.name;
  }
  const Column* gpus = Series(res, "serving_gpus");
  const Column* in_flight = Series(res, "serving_in_flight");
  ASSERT_NE(gpus, nullptr);
  ASSERT_NE(in_flight, nullptr);
  EXPECT_EQ(gpus->values.back(), 8);
  EXPECT_EQ(in_flight->values.back(), Metric(res, "serving.requests_in_flight"));
}

// Autoscaled serving on a shared pool: one TP8 replica (a node) at the start, up to three; the
// Poisson load needs more than one, so the autoscaler asks the scheduler for nodes, which it
// takes from the lower-ranked training gang. The serving GPUs then exceed the initial node and
// the training job is preempted.
TEST(ServingWorkload, AutoscaledReplicasTakeNodesFromLowerRanks) {
  Scenario s = DisaggregatedScenario();
  s.servings[0].disaggregated.reset();
  s.servings[0].cluster.replicas = 1;
  s.servings[0].cluster.par.tp = 8;
  s.servings[0].arrivals.peak_rate_per_s = 80;  // beyond one replica's throughput
  AutoscaleConfig a;
  a.min_replicas = 1;
  a.max_replicas = 3;
  a.interval_s = 10;
  a.load_time_s = 20;
  s.servings[0].cluster.autoscale = a;
  s.pools[0].nodes = 3;
  s.trainings.push_back(testing::TestTraining(16, 1e12));  // 2 nodes, below serving
  s.policy.order = {"chat", "train"};
  s.horizon_s = 200;
  RunOptions options;
  options.seed = 3;
  Result<RunResult> r = RunScenario(s, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const RunResult& res = r.value();
  EXPECT_GE(Metric(res, "serving.scale_ups"), 1);
  EXPECT_GT(Metric(res, "serving.replicas_max"), 1);
  EXPECT_GE(Metric(res, "training.preemptions"), 1);
  const Column* gpus = Series(res, "serving_gpus");
  ASSERT_NE(gpus, nullptr);
  double most = 0;
  for (double g : gpus->values) most = std::max(most, g);
  EXPECT_GE(most, 16);
  EXPECT_GT(Metric(res, "gpu_hours.serving"), 8 * 200 / 3600.0);
}

// The serving GPUs' iterations count as busy: the same scenario with more load draws more power.
TEST(ServingWorkload, DisaggregatedIterationsCountAsBusyGpus) {
  Scenario light = DisaggregatedScenario();
  light.servings[0].arrivals.peak_rate_per_s = 0.5;
  Scenario heavy = DisaggregatedScenario();
  RunOptions options;
  options.seed = 3;
  Result<RunResult> a = RunScenario(light, options);
  Result<RunResult> b = RunScenario(heavy, options);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_LT(Metric(a.value(), "power.it_avg_mw"), Metric(b.value(), "power.it_avg_mw"));
}

}  // namespace
}  // namespace capsim::models
