#include "models/llm_cluster.h"

#include <gtest/gtest.h>

#include <algorithm>
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

// ---- Autoscaling ----------------------------------------------------------------------------
//
// Scale used below, from PoissonLoad's lengths (prompt median 500 / mean 700, output 100 / 150)
// on one TP1 replica of Llama-3-8B on the H100-like test GPU: saturated near 42-43 req/s, and
// the kOfferedLoad signal reads ~0.023 replicas per req/s (0.23 at 10 req/s), so 75 req/s is
// ~1.75 replicas of work: ceil(1.75 / 0.7) = 3 replicas at the 0.7 target, with margin on both
// sides (2 would need load <= 1.4, 4 load > 2.1).

// Poisson phases back to back, (rate per s, seconds) each, PoissonLoad's lengths, one random
// stream per phase; the replay renumbers ids in arrival order.
std::vector<Request> StepTrace(const std::vector<std::pair<double, double>>& phases,
                               uint64_t seed = 21) {
  std::vector<Request> trace;
  double start = 0;
  uint64_t stream = 1;
  for (const auto& [rate, seconds] : phases) {
    for (Request r :
         RequestSource::Poisson(rate, LengthModel::Lognormal({500, 700, 8000}, {100, 150, 1000}),
                                {.end_s = seconds}, seed, stream++)
             .Drain()) {
      r.arrival_s += start;
      trace.push_back(r);
    }
    start += seconds;
  }
  return trace;
}

// `replicas` replicas to start with, scaling within [min, max]; AutoscaleConfig's defaults
// otherwise (target 0.7, decisions every 30 s, 120 s load time, 300 s down-scale delay).
ClusterConfig AutoConfig(int replicas, int min, int max,
                         RoutingPolicy routing = RoutingPolicy::kLeastOutstanding) {
  ClusterConfig c = Config(replicas, routing);
  AutoscaleConfig a;
  a.min_replicas = min;
  a.max_replicas = max;
  c.autoscale = a;
  return c;
}

// The p99 (nearest rank) TTFT of completed requests arriving in [from_s, to_s).
double TtftP99(const LlmCluster& c, double from_s, double to_s) {
  std::vector<double> v;
  for (const ClusterRecord& r : c.records()) {
    if (r.record.arrival_s >= from_s && r.record.arrival_s < to_s) v.push_back(r.record.ttft_s());
  }
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(std::ceil(0.99 * static_cast<double>(v.size()))) - 1];
}

int CountEvents(const LlmCluster& c, ScaleEvent::Kind kind) {
  int n = 0;
  for (const ScaleEvent& e : c.scale_events()) n += e.kind == kind ? 1 : 0;
  return n;
}

// 10 req/s for 300 s, then 75 req/s for 900 s. The count the target implies is measured, not
// assumed: a cluster pinned at 6 replicas (min = max) reads the load at 75 req/s, and
// ceil(load / 0.7) replicas are implied. The autoscaled cluster starts at 1 and must hold that
// count (+-1) at the end of the step. After the step the autoscaled cluster's TTFT p99 (requests
// of the last 300 s) must beat a fixed 1-replica cluster's on the same requests: 75 req/s is
// beyond one replica's ~43, whose queue then grows for the rest of the run.
TEST(LlmClusterAutoscale, ScalesUpToTheCountTheTargetImplies) {
  const std::vector<Request> trace = StepTrace({{10, 300}, {75, 900}});

  Bench pinned(AutoConfig(6, 6, 6), RequestSource::Replay(StepTrace({{75, 600}}), {}));
  pinned.cluster->Start();
  double load_sum = 0;
  int readings = 0;
  for (int k = 1; k <= 20; ++k) {
    pinned.sim.RunUntil(sim::Time::FromSeconds(30.0 * k));
    if (k > 4) {  // past the first 120 s
      load_sum += pinned.cluster->last_utilization() * pinned.cluster->active_replicas();
      ++readings;
    }
  }
  const double load = load_sum / readings;
  const int implied = static_cast<int>(std::ceil(load / 0.7));
  EXPECT_EQ(pinned.cluster->metrics().scale_ups + pinned.cluster->metrics().scale_downs, 0u);

  Bench autoscaled(AutoConfig(1, 1, 8), RequestSource::Replay(trace, {}));
  autoscaled.cluster->Start();
  autoscaled.sim.RunUntil(sim::Time::FromSeconds(300));
  EXPECT_EQ(autoscaled.cluster->active_replicas(), 1);  // 10 req/s: 0.24 / 0.7 -> 1
  EXPECT_EQ(autoscaled.cluster->metrics().scale_ups, 0u);
  autoscaled.sim.RunUntil(sim::Time::FromSeconds(1200));
  const LlmCluster& a = *autoscaled.cluster;
  const int held = a.active_replicas() + a.loading_replicas();
  EXPECT_GE(held, implied - 1);
  EXPECT_LE(held, implied + 1);
  autoscaled.sim.RunUntil(sim::Time::FromSeconds(1600));  // let the last requests finish

  Bench fixed(Config(1, RoutingPolicy::kLeastOutstanding), RequestSource::Replay(trace, {}));
  fixed.Run();
  const double p99_auto = TtftP99(a, 900, 1200), p99_fixed = TtftP99(*fixed.cluster, 900, 1200);
  EXPECT_LT(p99_auto, p99_fixed);
  EXPECT_LT(p99_auto, a.config().ttft_bound_s);  // back within the goodput bound
  RecordProperty("load_at_75_req_s", std::to_string(load));
  RecordProperty("implied_replicas", std::to_string(implied));
  RecordProperty("replicas_at_1200_s", std::to_string(held));
  RecordProperty("replicas_max", std::to_string(a.metrics().replicas.max()));
  RecordProperty("scale_ups", std::to_string(a.metrics().scale_ups));
  RecordProperty("ttft_p99_autoscaled_s", std::to_string(p99_auto));
  RecordProperty("ttft_p99_fixed_1_s", std::to_string(p99_fixed));
}

// Stepping 1 s at a time through a rise and a fall of the load, under each routing policy: a
// loading replica holds nothing and has done nothing, and a draining or removed one receives no
// new request (its submitted count stays where it was when it left the active set). Loading
// lasts exactly load_time_s; the first scale-up comes at the first decision reading the step
// (330 s: the decision at 300 s reads [270, 300), still at 10 req/s).
TEST(LlmClusterAutoscale, LoadingAndDrainingReplicasGetNoRequests) {
  std::vector<Request> trace = StepTrace({{10, 300}, {60, 600}, {5, 900}});
  for (size_t i = 0; i < trace.size(); ++i) trace[i].prefix_blocks = {i % 5, 1000 + i};
  for (RoutingPolicy routing : {RoutingPolicy::kRoundRobin, RoutingPolicy::kLeastOutstanding,
                                RoutingPolicy::kPrefixAffinity}) {
    SCOPED_TRACE(static_cast<int>(routing));
    Bench b(AutoConfig(1, 1, 8, routing), RequestSource::Replay(trace, {}));
    b.cluster->Start();
    const LlmCluster& c = *b.cluster;
    std::vector<int64_t> frozen;  // submitted when last seen not active (-1: active)
    int seen_loading = 0;
    for (int t = 1; t <= 2100; ++t) {
      b.sim.RunUntil(sim::Time::FromSeconds(t));
      frozen.resize(c.replica_count(), -1);
      for (int i = 0; i < c.replica_count(); ++i) {
        const ReplicaMetrics& m = c.replica(i).metrics();
        switch (c.replica_state(i)) {
          case ReplicaState::kActive:
            frozen[i] = -1;
            break;
          case ReplicaState::kLoading:
            ++seen_loading;
            EXPECT_EQ(m.submitted, 0u) << i << " at " << t;
            EXPECT_EQ(c.metrics().routed[i], 0u);
            EXPECT_EQ(m.busy_s, 0);
            break;
          case ReplicaState::kDraining:
          case ReplicaState::kRemoved:
            if (frozen[i] < 0) frozen[i] = static_cast<int64_t>(m.submitted);
            EXPECT_EQ(static_cast<int64_t>(m.submitted), frozen[i]) << i << " at " << t;
            break;
        }
      }
    }
    EXPECT_GT(seen_loading, 0);
    EXPECT_GT(c.metrics().scale_downs, 0u);
    // Every activation comes load_time_s after its acquisition; every request a replica served
    // arrived after that replica's activation (replicas 1.. are all scaled up).
    std::vector<double> active_at(c.replica_count(), 0);
    double first_acquire = -1;
    for (const ScaleEvent& e : c.scale_events()) {
      if (e.kind == ScaleEvent::Kind::kAcquire && first_acquire < 0) first_acquire = e.time_s;
      if (e.kind == ScaleEvent::Kind::kActivate) active_at[e.replica] = e.time_s;
    }
    EXPECT_EQ(first_acquire, 330);
    for (const ScaleEvent& e : c.scale_events()) {
      if (e.kind == ScaleEvent::Kind::kAcquire) {
        EXPECT_EQ(active_at[e.replica], e.time_s + 120) << e.replica;
      }
    }
    for (const ClusterRecord& r : c.records()) {
      EXPECT_GE(r.record.arrival_s, active_at[r.replica]) << r.record.id;
    }
    EXPECT_EQ(c.metrics().completed + c.rejected(), c.metrics().arrived);
  }
}

// 75 req/s for 600 s on 3 replicas (the count it implies), then 10 req/s for 1200 s, min 2. The
// first decision reading only the low load is at 630 s (its interval starts at 600 s), so the
// low stretch starts at 600 s and the drain comes at 900 s, not before; 10 req/s implies 1
// replica, so min_replicas keeps 2 and exactly one replica goes. Every request arrived is
// completed or rejected, records and busy time of the removed replica included.
TEST(LlmClusterAutoscale, ScalesDownAfterTheDelayToMinAndLosesNoRequest) {
  Bench b(AutoConfig(3, 2, 8), RequestSource::Replay(StepTrace({{75, 600}, {10, 1200}}), {}));
  b.cluster->Start();
  const LlmCluster& c = *b.cluster;
  for (int k = 1; k <= 80; ++k) {
    b.sim.RunUntil(sim::Time::FromSeconds(30.0 * k));
    EXPECT_GE(c.active_replicas() + c.loading_replicas(), 2) << 30 * k;
    if (30.0 * k < 900) {
      EXPECT_EQ(c.metrics().scale_downs + static_cast<uint64_t>(c.draining_replicas()), 0u)
          << 30 * k;
    }
  }
  double first_drain = -1;
  for (const ScaleEvent& e : c.scale_events()) {
    if (e.kind == ScaleEvent::Kind::kDrain) {
      first_drain = e.time_s;
      break;
    }
  }
  EXPECT_EQ(first_drain, 900);
  EXPECT_EQ(c.metrics().scale_downs, 1u);
  EXPECT_EQ(c.active_replicas(), 2);
  EXPECT_EQ(c.held_replicas(), 2);
  EXPECT_EQ(CountEvents(c, ScaleEvent::Kind::kRelease), 1);

  const ClusterMetrics& m = c.metrics();
  EXPECT_EQ(m.arrived, StepTrace({{75, 600}, {10, 1200}}).size());
  EXPECT_EQ(m.completed + c.rejected(), m.arrived);
  EXPECT_EQ(c.in_flight(), 0u);
  EXPECT_EQ(c.records().size(), m.completed);
  int removed = -1;
  double busy_kept = 0;
  for (int i = 0; i < c.replica_count(); ++i) {
    if (c.replica_state(i) == ReplicaState::kRemoved) {
      removed = i;
    } else {
      busy_kept += c.replica(i).metrics().busy_s;
    }
  }
  ASSERT_GE(removed, 0);
  uint64_t served_by_removed = 0;
  for (const ClusterRecord& r : c.records()) served_by_removed += r.replica == removed ? 1 : 0;
  EXPECT_GT(served_by_removed, 0u);
  EXPECT_EQ(served_by_removed, c.replica(removed).metrics().completed);
  EXPECT_GT(c.BusyGpuSeconds(), busy_kept);  // the removed replica's busy time still counts
  EXPECT_DOUBLE_EQ(c.BusyGpuSeconds(), busy_kept + c.replica(removed).metrics().busy_s);

  const std::vector<SummaryMetric> s = c.Summary("serving");
  EXPECT_EQ(Find(s, "serving.scale_downs")->value, 1);
  EXPECT_EQ(Find(s, "serving.scale_ups")->value, static_cast<double>(m.scale_ups));
  EXPECT_EQ(Find(s, "serving.replicas")->value, 2);
  EXPECT_EQ(Find(s, "serving.replicas_max")->value, 3);
  EXPECT_EQ(m.scale_ups, 0u);
  // 3 replicas for 900 s, then 2 until the end at 2400 s: (3 x 900 + 2 x 1500) / 2400 = 2.375.
  const double mean = Find(s, "serving.replicas_mean")->value;
  EXPECT_NEAR(mean, 2.375, 1e-9);
  // A fixed cluster's summary has none of the autoscaling keys.
  Bench fixed(Config(2, RoutingPolicy::kLeastOutstanding), PoissonLoad(10, 20));
  fixed.Run();
  const std::vector<SummaryMetric> fs = fixed.cluster->Summary("serving");
  for (const char* key : {"serving.replicas_mean", "serving.replicas_max", "serving.scale_ups",
                          "serving.scale_downs"}) {
    EXPECT_EQ(Find(fs, key), nullptr) << key;
  }
  RecordProperty("replicas_mean", std::to_string(mean));
  RecordProperty("served_by_removed", std::to_string(served_by_removed));
}

// The fleet can give one more TP2 replica and no more: 100 req/s wants several, the cluster
// gets exactly one, keeps asking (and is refused) at later decisions, and never exceeds
// 2 replicas. Each request is for tp x pp = 2 GPUs.
TEST(LlmClusterAutoscale, RefusedCapacityCapsTheGrowth) {
  ClusterConfig config = AutoConfig(1, 1, 8);
  config.par = Parallelism{.tp = 2};
  Bench b(config, RequestSource::Replay(StepTrace({{100, 600}}), {}));
  int free_gpus = 2, asked = 0, refused = 0;
  b.cluster->SetCapacity(
      [&](int gpus) {
        ++asked;
        EXPECT_EQ(gpus, 2);
        if (gpus > free_gpus) {
          ++refused;
          return false;
        }
        free_gpus -= gpus;
        return true;
      },
      [&](int gpus) { free_gpus += gpus; });
  b.cluster->Start();
  int most = 0;
  for (int k = 1; k <= 20; ++k) {
    b.sim.RunUntil(sim::Time::FromSeconds(30.0 * k));
    most = std::max(most, b.cluster->active_replicas() + b.cluster->loading_replicas());
  }
  EXPECT_EQ(b.cluster->metrics().scale_ups, 1u);
  EXPECT_EQ(most, 2);
  EXPECT_EQ(free_gpus, 0);
  EXPECT_GT(b.cluster->last_desired(), 2);  // it still wants more
  EXPECT_GE(refused, 3);                    // asked again at later decisions
  EXPECT_EQ(asked, refused + 1);            // one refusal ends a decision's requests
  RecordProperty("acquire_calls", std::to_string(asked));
  RecordProperty("last_desired", std::to_string(b.cluster->last_desired()));
}

// TP2 replicas: up to several under 140 req/s, back down to 1 under 5 req/s. Each scale-up
// acquired 2 GPUs, each removed replica released 2 (once), and the GPUs the callbacks account
// for match the cluster's held_gpus().
TEST(LlmClusterAutoscale, ReleasesEachRemovedReplicasGpus) {
  ClusterConfig config = AutoConfig(1, 1, 8);
  config.par = Parallelism{.tp = 2};
  Bench b(config, RequestSource::Replay(StepTrace({{140, 400}, {5, 1200}}), {}));
  std::vector<int> acquired, released;
  b.cluster->SetCapacity(
      [&](int gpus) {
        acquired.push_back(gpus);
        return true;
      },
      [&](int gpus) { released.push_back(gpus); });
  b.Run(2400);
  const LlmCluster& c = *b.cluster;
  EXPECT_EQ(acquired.size(), c.metrics().scale_ups);
  EXPECT_EQ(released.size(), c.metrics().scale_downs);
  EXPECT_GE(released.size(), 2u);
  for (int g : acquired) EXPECT_EQ(g, 2);
  for (int g : released) EXPECT_EQ(g, 2);
  EXPECT_EQ(static_cast<int>(released.size()), CountEvents(c, ScaleEvent::Kind::kRelease));
  EXPECT_EQ(2 + 2 * static_cast<int>(acquired.size()) - 2 * static_cast<int>(released.size()),
            c.held_gpus());
  EXPECT_EQ(c.held_replicas(), 1);  // 5 req/s on TP2: well under one replica's worth
  EXPECT_EQ(c.metrics().completed + c.rejected(), c.metrics().arrived);
  RecordProperty("scale_ups", std::to_string(acquired.size()));
  RecordProperty("scale_downs", std::to_string(released.size()));
}

// The busy-time signal reads a replica that iterates at all as nearly fully used: at 10 req/s,
// a quarter of one replica's work, it climbs to max_replicas (8); the offered-load signal
// keeps 1.
TEST(LlmClusterAutoscale, BusyTimeSignalOverProvisions) {
  auto run = [](AutoscaleSignal signal) {
    ClusterConfig config = AutoConfig(1, 1, 8);
    config.autoscale->signal = signal;
    auto b = std::make_unique<Bench>(config, RequestSource::Replay(StepTrace({{10, 900}}), {}));
    b->Run(900);
    return b;
  };
  std::unique_ptr<Bench> work = run(AutoscaleSignal::kOfferedLoad);
  std::unique_ptr<Bench> busy = run(AutoscaleSignal::kBusyTime);
  EXPECT_EQ(work->cluster->metrics().replicas.max(), 1);
  EXPECT_EQ(busy->cluster->metrics().replicas.max(), 8);
  RecordProperty("utilization_offered_load", std::to_string(work->cluster->last_utilization()));
  RecordProperty("utilization_busy_time", std::to_string(busy->cluster->last_utilization()));
}

TEST(LlmClusterAutoscale, RunsAreDeterministic) {
  auto run = [] {
    auto b = std::make_unique<Bench>(
        AutoConfig(1, 1, 8, RoutingPolicy::kPrefixAffinity),
        RequestSource::Replay(StepTrace({{10, 200}, {70, 400}, {5, 600}}), {}));
    b->Run(1500);
    return b;
  };
  std::unique_ptr<Bench> x = run(), y = run();
  const std::vector<ScaleEvent>& ex = x->cluster->scale_events();
  const std::vector<ScaleEvent>& ey = y->cluster->scale_events();
  EXPECT_GT(x->cluster->metrics().scale_ups, 0u);
  EXPECT_GT(x->cluster->metrics().scale_downs, 0u);
  ASSERT_EQ(ex.size(), ey.size());
  for (size_t i = 0; i < ex.size(); ++i) {
    EXPECT_EQ(ex[i].time_s, ey[i].time_s);
    EXPECT_EQ(ex[i].kind, ey[i].kind);
    EXPECT_EQ(ex[i].replica, ey[i].replica);
  }
  const std::vector<ClusterRecord>& a = x->cluster->records();
  const std::vector<ClusterRecord>& b = y->cluster->records();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].record.id, b[i].record.id);
    EXPECT_EQ(a[i].replica, b[i].replica);
    EXPECT_EQ(a[i].record.completion_s, b[i].record.completion_s);
  }
  EXPECT_EQ(x->cluster->BusyGpuSeconds(), y->cluster->BusyGpuSeconds());
}

}  // namespace
}  // namespace capsim::models
