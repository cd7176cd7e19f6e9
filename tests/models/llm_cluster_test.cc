#include "models/llm_cluster.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/transformer_ops.h"
#include "tests/models/llm_test_support.h"
#include "tests/models/test_scenario.h"

namespace capsim::models {
namespace {

using testing::Llama8b;
using testing::Flat;
PerfModel Perf() { return testing::FlatPerfModel(); }
using testing::Req;
using testing::Ns;

// A cluster on its own simulator, run to the end of its source.
struct Bench {
  Bench(ClusterConfig config, RequestSource source) : perf(Perf()), model(Llama8b()) {
    cluster = std::make_unique<LlmCluster>(sim, model, perf, std::move(config), std::move(source));
  }
  void Run(double until_s = 1e6) {
    cluster->Start();
    sim.RunUntil(sim::Time::FromSeconds(until_s));
  }
  // The replica that served request `id` (-1 when it did not complete).
  int ReplicaOf(uint64_t id) const {
    for (const ClusterRecord& r : cluster->records()) {
      if (r.record.id == id) return r.replica;
    }
    return -1;
  }

  sim::Simulator sim;
  PerfModel perf;
  ModelSpec model;
  std::unique_ptr<LlmCluster> cluster;
};

ClusterConfig Config(int replicas, RoutingPolicy routing) {
  ClusterConfig c;
  c.replicas = replicas;
  c.routing = routing;
  return c;
}

// A Poisson workload with moderate lengths: `n` requests at `rate` per second.
RequestSource PoissonLoad(double rate, uint64_t n, uint64_t seed = 11) {
  return RequestSource::Poisson(rate, LengthModel::Lognormal({500, 700, 8000}, {100, 150, 1000}),
                                {.max_requests = n}, seed, /*stream=*/1);
}

const SummaryMetric* Find(const std::vector<SummaryMetric>& s, const std::string& key) {
  for (const SummaryMetric& m : s) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

TEST(LlmCluster, RoundRobinSpreadsRequestsEvenly) {
  Bench b(Config(4, RoutingPolicy::kRoundRobin), PoissonLoad(20, 40));
  b.Run();
  const ClusterMetrics& m = b.cluster->metrics();
  EXPECT_EQ(m.arrived, 40u);
  EXPECT_EQ(m.completed, 40u);
  EXPECT_EQ(m.routed, (std::vector<uint64_t>{10, 10, 10, 10}));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(b.cluster->replica(i).metrics().submitted, 10u);
  for (const ClusterRecord& r : b.cluster->records()) {
    EXPECT_EQ(static_cast<uint64_t>(r.replica), r.record.id % 4);
  }
}

// A long request occupies replica 0; short ones that each finish before the next arrives all
// go to the idle replica 1 (round-robin would put half of them behind the long one).
TEST(LlmCluster, LeastOutstandingPrefersTheIdleReplica) {
  std::vector<Request> trace = {Req(0, 0, 1000, 4000)};
  for (int i = 1; i <= 8; ++i) trace.push_back(Req(i, 0.5 * i, 100, 10));
  Bench b(Config(2, RoutingPolicy::kLeastOutstanding), RequestSource::Replay(trace, {}));
  b.Run();
  EXPECT_EQ(b.cluster->metrics().completed, 9u);
  EXPECT_EQ(b.cluster->metrics().routed, (std::vector<uint64_t>{1, 8}));
  EXPECT_EQ(b.ReplicaOf(0), 0);
  for (int i = 1; i <= 8; ++i) EXPECT_EQ(b.ReplicaOf(i), 1) << i;
}

// Ties go to the lowest index: simultaneous equal requests fill replicas 0, 1, 2, 0, 1, 2.
TEST(LlmCluster, LeastOutstandingBreaksTiesByIndex) {
  std::vector<Request> trace;
  for (int i = 0; i < 6; ++i) trace.push_back(Req(i, 0, 300, 20));
  Bench b(Config(3, RoutingPolicy::kLeastOutstanding), RequestSource::Replay(trace, {}));
  b.Run();
  for (int i = 0; i < 6; ++i) EXPECT_EQ(b.ReplicaOf(i), i % 3) << i;
}

// Six conversations of ten turns on four replicas; every turn's 2,048-token prompt starts with
// its conversation's three shared 512-token blocks. Turn k of conversation c arrives at
// k + 0.15 c s (light load). Prefix affinity keeps each conversation on one replica (9 x 1,536
// hit tokens per conversation); round-robin sends turn k to replica (6k + c) mod 4, alternating
// between two replicas, so it hits less.
std::vector<Request> Conversations() {
  std::vector<Request> trace;
  for (int k = 0; k < 10; ++k) {
    for (int c = 0; c < 6; ++c) {
      Request r = Req(static_cast<uint64_t>(k * 6 + c), k + 0.15 * c, 2048, 8);
      const uint64_t base = 1000u * (c + 1);
      r.prefix_blocks = {base, base + 1, base + 2, 1000000u + r.id};
      trace.push_back(r);
    }
  }
  return trace;
}

TEST(LlmCluster, PrefixAffinityKeepsConversationsTogether) {
  Bench affinity(Config(4, RoutingPolicy::kPrefixAffinity),
                 RequestSource::Replay(Conversations(), {}));
  Bench rr(Config(4, RoutingPolicy::kRoundRobin), RequestSource::Replay(Conversations(), {}));
  affinity.Run();
  rr.Run();
  ASSERT_EQ(affinity.cluster->metrics().completed, 60u);
  ASSERT_EQ(rr.cluster->metrics().completed, 60u);
  for (int c = 0; c < 6; ++c) {
    std::set<int> replicas;
    for (int k = 0; k < 10; ++k) replicas.insert(affinity.ReplicaOf(k * 6 + c));
    EXPECT_EQ(replicas.size(), 1u) << "conversation " << c;
  }
  const int64_t hits_affinity = affinity.cluster->metrics().prefix_hit_tokens;
  const int64_t hits_rr = rr.cluster->metrics().prefix_hit_tokens;
  EXPECT_EQ(hits_affinity, 6 * 9 * 1536);
  EXPECT_EQ(hits_rr, 6 * 8 * 1536);
  EXPECT_GT(hits_affinity, hits_rr);
  EXPECT_LT(affinity.cluster->metrics().ttft_s.Quantile(0.5),
            rr.cluster->metrics().ttft_s.Quantile(0.5) * 1.0001);
  RecordProperty("prefix_hit_tokens_affinity", std::to_string(hits_affinity));
  RecordProperty("prefix_hit_tokens_round_robin", std::to_string(hits_rr));
}

// Fifty turns of one conversation at once: the affine replica soon holds far more than the idle
// one, so affinity yields and both replicas serve.
TEST(LlmCluster, PrefixAffinityYieldsToAnOverloadedReplica) {
  std::vector<Request> trace;
  for (int i = 0; i < 50; ++i) {
    Request r = Req(i, 0, 2048, 64);
    r.prefix_blocks = {7, 8, 9, 100u + i};
    trace.push_back(r);
  }
  ClusterConfig c = Config(2, RoutingPolicy::kPrefixAffinity);
  c.affinity_slack_factor = 2;
  c.affinity_slack_tokens = 4096;
  Bench b(c, RequestSource::Replay(trace, {}));
  b.Run();
  const std::vector<uint64_t>& routed = b.cluster->metrics().routed;
  EXPECT_EQ(routed[0] + routed[1], 50u);
  EXPECT_GT(routed[0], 10u);
  EXPECT_GT(routed[1], 10u);
}

// Some lognormal prompts exceed a 200-block (3,200-token) cache and are rejected; every other
// request completes and the token totals match the source's.
TEST(LlmCluster, ConservesRequestsAndTokens) {
  ClusterConfig c = Config(3, RoutingPolicy::kLeastOutstanding);
  c.replica.kv_blocks_override = 200;
  Bench b(c, PoissonLoad(10, 300));
  b.Run();
  const std::vector<Request> all = PoissonLoad(10, 300).Drain();
  const KvCache& kv = b.cluster->replica(0).kv_cache();
  uint64_t too_big = 0;
  int64_t input = 0, output = 0;
  for (const Request& r : all) {
    if (kv.BlocksForTokens(r.input_tokens + r.output_tokens - 1) > kv.total_blocks()) {
      ++too_big;
    } else {
      input += r.input_tokens;
      output += r.output_tokens;
    }
  }
  const ClusterMetrics& m = b.cluster->metrics();
  ASSERT_GT(too_big, 0u);
  EXPECT_EQ(m.arrived, 300u);
  EXPECT_EQ(b.cluster->rejected(), too_big);
  EXPECT_EQ(m.completed + b.cluster->rejected(), m.arrived);
  EXPECT_EQ(b.cluster->in_flight(), 0u);
  EXPECT_EQ(m.input_tokens, input);
  EXPECT_EQ(m.output_tokens, output);
  uint64_t routed = 0, submitted = 0, preemptions = 0;
  int64_t replica_output = 0;
  for (int i = 0; i < 3; ++i) {
    const ReplicaMetrics& rm = b.cluster->replica(i).metrics();
    routed += m.routed[i];
    submitted += rm.submitted;
    preemptions += rm.preemptions;
    replica_output += rm.output_tokens;
    EXPECT_EQ(b.cluster->replica(i).Outstanding(), 0);
  }
  EXPECT_EQ(routed, 300u);
  EXPECT_EQ(submitted, 300u);
  EXPECT_EQ(replica_output, output);
  EXPECT_EQ(b.cluster->preemptions(), preemptions);
  EXPECT_EQ(b.cluster->records().size(), m.completed);
  EXPECT_EQ(m.ttft_s.count(), m.completed);
  EXPECT_GT(b.cluster->MeanKvUtilization(), 0);
  EXPECT_LE(b.cluster->MeanKvUtilization(), 1);
  RecordProperty("rejected", std::to_string(too_big));
  RecordProperty("preemptions", std::to_string(preemptions));
}

TEST(LlmCluster, GoodputBoundsBehave) {
  auto run = [](double ttft, double tpot) {
    ClusterConfig c = Config(2, RoutingPolicy::kLeastOutstanding);
    c.ttft_bound_s = ttft;
    c.tpot_bound_s = tpot;
    auto b = std::make_unique<Bench>(c, PoissonLoad(20, 200));
    b->Run();
    return b;
  };
  std::unique_ptr<Bench> loose = run(1e9, 1e9), impossible = run(1e-9, 1e-9);
  ASSERT_EQ(loose->cluster->metrics().completed, 200u);
  EXPECT_EQ(loose->cluster->GoodputFraction(), 1.0);
  EXPECT_EQ(impossible->cluster->GoodputFraction(), 0.0);
  // The TTFT median as the bound (TPOT loose): about half the requests are good.
  std::unique_ptr<Bench> mid = run(loose->cluster->metrics().ttft_s.Quantile(0.5), 1e9);
  const double f = mid->cluster->GoodputFraction();
  EXPECT_GT(f, 0.4);
  EXPECT_LT(f, 0.6);
  const std::vector<SummaryMetric> s = loose->cluster->Summary("serving");
  const SummaryMetric* rate = Find(s, "serving.goodput_requests_per_s");
  const SummaryMetric* thr = Find(s, "serving.throughput_requests_per_s");
  ASSERT_NE(rate, nullptr);
  ASSERT_NE(thr, nullptr);
  EXPECT_DOUBLE_EQ(rate->value, thr->value);
  EXPECT_EQ(Find(impossible->cluster->Summary("serving"), "serving.goodput_requests_per_s")->value,
            0.0);
  RecordProperty("goodput_fraction_ttft_p50_bound", std::to_string(f));
}

TEST(LlmCluster, RunsAreDeterministic) {
  auto run = [] {
    ClusterConfig c = Config(3, RoutingPolicy::kPrefixAffinity);
    c.replica.kv_blocks_override = 400;  // some preemption (and rejections)
    auto b = std::make_unique<Bench>(c, PoissonLoad(30, 300, 5));
    b->Run();
    return b;
  };
  std::unique_ptr<Bench> x = run(), y = run();
  EXPECT_GT(x->cluster->preemptions(), 0u);
  EXPECT_EQ(x->cluster->preemptions(), y->cluster->preemptions());
  const std::vector<ClusterRecord>& a = x->cluster->records();
  const std::vector<ClusterRecord>& b = y->cluster->records();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].record.id, b[i].record.id);
    EXPECT_EQ(a[i].replica, b[i].replica);
    EXPECT_EQ(a[i].record.completion_s, b[i].record.completion_s);
  }
  const std::vector<SummaryMetric> sa = x->cluster->Summary("serving");
  const std::vector<SummaryMetric> sb = y->cluster->Summary("serving");
  ASSERT_EQ(sa.size(), sb.size());
  for (size_t i = 0; i < sa.size(); ++i) {
    EXPECT_EQ(sa[i].key, sb[i].key);
    if (!std::isnan(sa[i].value)) {
      EXPECT_EQ(sa[i].value, sb[i].value) << sa[i].key;
    }
  }
}

// Requests 10 s apart never overlap: each TTFT is one replica's priced PrefillOps(1, 1000)
// iteration (chunking off), as in LlmReplica's lone-request test.
TEST(LlmCluster, LowLoadTtftIsThePricedPrefill) {
  std::vector<Request> trace;
  for (int i = 0; i < 20; ++i) trace.push_back(Req(i, 10.0 * i, 1000, 50));
  ClusterConfig c = Config(2, RoutingPolicy::kLeastOutstanding);
  c.replica.chunked_prefill = false;
  Bench b(c, RequestSource::Replay(trace, {}));
  b.Run();
  ASSERT_EQ(b.cluster->metrics().completed, 20u);
  const double prefill = Ns(b.perf.StepTime(PrefillOps(b.model, Parallelism{.tp = 1}, 1, 1000)));
  for (const ClusterRecord& r : b.cluster->records()) {
    EXPECT_NEAR(r.record.ttft_s(), prefill, 1e-9);
    EXPECT_EQ(r.replica, 0);  // least outstanding: both idle, the lower index wins
  }
  const double p50 = b.cluster->metrics().ttft_s.Quantile(0.5);
  EXPECT_NEAR(p50 / prefill, 1, 0.006);  // the sketch's 0.5% relative accuracy
  EXPECT_EQ(b.cluster->metrics().queueing_s.Quantile(0.99), 0);
}

// A synthetic Azure-conversation-like trace (the real trace is read by the config layer, which
// models_tests does not link) replayed twice as fast: Summary has its keys with units and
// labels, and RequestsTable one full row per completed request.
TEST(LlmCluster, SyntheticReplaySummaryAndRequestsTable) {
  std::vector<Request> trace =
      RequestSource::Poisson(8, LengthModel{}, {.max_requests = 150}, 3, 2).Drain();
  for (size_t i = 0; i < trace.size(); ++i) {
    trace[i].prefix_blocks = {i % 7, 100 + i};  // seven system prompts
  }
  Bench b(Config(2, RoutingPolicy::kPrefixAffinity),
          RequestSource::Replay(trace, {.time_scale = 0.5}));
  b.Run();
  ASSERT_EQ(b.cluster->metrics().completed, 150u);
  const std::vector<SummaryMetric> s = b.cluster->Summary("serving");
  for (const char* key :
       {"serving.ttft_p50_s", "serving.ttft_p95_s", "serving.ttft_p99_s", "serving.tpot_p50_s",
        "serving.tpot_p99_s", "serving.e2e_p99_s", "serving.queueing_p99_s",
        "serving.goodput_fraction", "serving.throughput_output_tokens_per_s",
        "serving.throughput_input_tokens_per_s", "serving.requests_completed",
        "serving.requests_rejected", "serving.preemptions", "serving.kv_utilization_mean",
        "serving.load_imbalance"}) {
    const SummaryMetric* m = Find(s, key);
    ASSERT_NE(m, nullptr) << key;
    EXPECT_FALSE(m->units.empty()) << key;
    EXPECT_FALSE(m->long_name.empty()) << key;
    EXPECT_FALSE(std::isnan(m->value)) << key;
  }
  for (const SummaryMetric& m : s) EXPECT_EQ(m.key.rfind("serving.", 0), 0u) << m.key;
  EXPECT_NEAR(Find(s, "serving.throughput_output_tokens_per_s")->value,
              b.cluster->metrics().output_tokens / b.cluster->Makespan(), 1e-9);
  EXPECT_LE(Find(s, "serving.ttft_p50_s")->value, Find(s, "serving.ttft_p99_s")->value);

  const Table t = b.cluster->RequestsTable();
  EXPECT_TRUE(t.text.empty());
  ASSERT_EQ(t.numeric.size(), 11u);
  std::set<std::string> names;
  for (const Column& c : t.numeric) {
    names.insert(c.name);
    EXPECT_EQ(c.values.size(), 150u) << c.name;
    EXPECT_FALSE(c.units.empty()) << c.name;
  }
  for (const char* name : {"id", "replica", "arrival_s", "ttft_s", "tpot_s", "e2e_s", "queueing_s",
                           "input_tokens", "output_tokens", "preemptions", "prefix_hit_tokens"}) {
    EXPECT_EQ(names.count(name), 1u) << name;
  }
  double input = 0;
  for (double v : t.numeric[7].values) input += v;
  EXPECT_EQ(input, static_cast<double>(b.cluster->metrics().input_tokens));
  RecordProperty("ttft_p99_s", std::to_string(Find(s, "serving.ttft_p99_s")->value));
  RecordProperty("throughput_output_tokens_per_s",
                 std::to_string(Find(s, "serving.throughput_output_tokens_per_s")->value));
}

}  // namespace
}  // namespace capsim::models
