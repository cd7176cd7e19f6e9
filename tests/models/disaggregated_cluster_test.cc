#include "models/disaggregated_cluster.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/llm_cluster.h"
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

DisaggregatedConfig Config(int prefill, int decode) {
  DisaggregatedConfig c;
  c.prefill_replicas = prefill;
  c.decode_replicas = decode;
  return c;
}

// A deployment on its own simulator, run to the end of its source.
struct Bench {
  Bench(DisaggregatedConfig config, RequestSource source) : perf(Perf()), model(Llama8b()) {
    cluster = std::make_unique<DisaggregatedCluster>(sim, model, perf, std::move(config),
                                                     std::move(source));
  }
  void Run(double until_s = 1e6) {
    cluster->Start();
    sim.RunUntil(sim::Time::FromSeconds(until_s));
  }

  sim::Simulator sim;
  PerfModel perf;
  ModelSpec model;
  std::unique_ptr<DisaggregatedCluster> cluster;
};

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

// Every request is accounted for once, every token once, and the phases of each record are in
// order: arrival <= first scheduled < first token <= transfer start < transfer end <= decode
// admission < completion.
TEST(DisaggregatedCluster, ConservesRequestsAndTokens) {
  std::vector<Request> trace = PoissonLoad(8, 120).Drain();
  trace[5].output_tokens = 1;  // finishes on the prefill side
  int64_t input = 0, output = 0, transfers = 0;
  for (const Request& r : trace) {
    input += r.input_tokens;
    output += r.output_tokens;
    transfers += r.output_tokens > 1 ? 1 : 0;
  }
  Bench b(Config(2, 3), RequestSource::Replay(trace, {}));
  b.Run();
  const DisaggregatedCluster& c = *b.cluster;
  const DisaggregatedMetrics& m = c.metrics();
  EXPECT_EQ(m.arrived, trace.size());
  EXPECT_EQ(m.completed, trace.size());
  EXPECT_EQ(c.rejected(), 0u);
  EXPECT_EQ(c.in_flight(), 0u);
  EXPECT_EQ(m.input_tokens, input);
  EXPECT_EQ(m.output_tokens, output);
  EXPECT_EQ(m.transferred, static_cast<uint64_t>(transfers));
  uint64_t routed_p = 0, routed_d = 0;
  for (uint64_t n : m.routed_prefill) routed_p += n;
  for (uint64_t n : m.routed_decode) routed_d += n;
  EXPECT_EQ(routed_p, m.arrived);
  EXPECT_EQ(routed_d, m.transferred);
  int64_t prefill_out = 0, decode_out = 0;
  for (int i = 0; i < c.prefill_count(); ++i) {
    prefill_out += c.prefill_replica(i).metrics().output_tokens;
    EXPECT_EQ(c.prefill_replica(i).kv_cache().used_blocks(), 0);
  }
  for (int i = 0; i < c.decode_count(); ++i) {
    decode_out += c.decode_replica(i).metrics().output_tokens;
    EXPECT_EQ(c.decode_replica(i).kv_cache().used_blocks(), 0);
    EXPECT_EQ(c.decode_replica(i).Outstanding(), 0);
    EXPECT_GT(c.decode_replica(i).metrics().completed, 0u);
  }
  EXPECT_EQ(prefill_out, static_cast<int64_t>(trace.size()));  // one first token each
  EXPECT_EQ(prefill_out + decode_out, output);
  double bytes = 0;
  ASSERT_EQ(c.records().size(), trace.size());
  for (const DisaggregatedRecord& dr : c.records()) {
    const RequestRecord& r = dr.record;
    EXPECT_LE(r.arrival_s, r.first_scheduled_s);
    EXPECT_LT(r.first_scheduled_s, r.first_token_s);
    if (r.output_tokens == 1) {
      EXPECT_EQ(dr.decode_replica, -1);
      EXPECT_EQ(r.completion_s, r.first_token_s);
      continue;
    }
    EXPECT_GE(dr.decode_replica, 0);
    EXPECT_LE(r.first_token_s, dr.transfer_start_s);
    EXPECT_LT(dr.transfer_start_s, dr.transfer_end_s);
    EXPECT_LE(dr.transfer_end_s, dr.decode_admitted_s);
    EXPECT_LT(dr.decode_admitted_s, r.completion_s);
    EXPECT_DOUBLE_EQ(dr.kv_bytes, c.KvTransferBytes(r.input_tokens));
    bytes += dr.kv_bytes;
  }
  EXPECT_NEAR(m.kv_bytes, bytes, 1e-6 * bytes);
  EXPECT_EQ(c.RequestsTable().numeric[0].values.size(), trace.size());
}

// One request alone: TTFT is the priced PrefillOps(1, prompt) iteration on the prefill replica,
// the transfer the priced point-to-point send of the prompt's KV shard, and every later token
// one DecodeOps(1, context) iteration with the context growing prompt + 1 .. prompt + output -
// 1, each rounded to the nanosecond (tolerance: 1 ns per iteration).
TEST(DisaggregatedCluster, LoneRequestTakesPrefillPlusTransferPlusDecodeSteps) {
  const int64_t prompt = 1000, output = 50;
  Bench b(Config(1, 1), RequestSource::Replay({Req(0, 2.0, prompt, output)}, {}));
  b.Run();
  ASSERT_EQ(b.cluster->records().size(), 1u);
  const DisaggregatedRecord& dr = b.cluster->records()[0];
  const RequestRecord& r = dr.record;
  const Parallelism par{.tp = 1};
  const double prefill = Ns(b.perf.StepTime(PrefillOps(b.model, par, 1, prompt)));
  EXPECT_NEAR(r.ttft_s(), prefill, 1e-9);
  EXPECT_DOUBLE_EQ(r.queueing_s(), 0);

  // 2 x 32 layers x 8 KV heads x 128 x 2 bytes = 128 KiB per token on the one GPU.
  const double shard = prompt * 131072.0;
  EXPECT_DOUBLE_EQ(dr.kv_bytes, shard);
  const double priced = b.perf
                            .Price(Collective("kv", CollectiveKind::kAllGather, LinkTier::kScaleOut,
                                              2, 2 * shard, DType::kBF16))
                            .time_s;
  // Alpha plus one shard over 90% of the 50 GB/s NIC.
  EXPECT_NEAR(priced, b.perf.profile().collective_latency_s + shard / (50e9 * 0.9), 1e-12);
  EXPECT_NEAR(dr.transfer_s(), Ns(priced), 1e-12);
  EXPECT_DOUBLE_EQ(dr.transfer_wait_s(), 0);
  EXPECT_DOUBLE_EQ(dr.decode_queueing_s(), 0);

  double decode = 0;
  for (int64_t k = 1; k < output; ++k) {
    decode += Ns(b.perf.StepTime(DecodeOps(b.model, par, 1, prompt + k)));
  }
  EXPECT_NEAR(r.e2e_s(), prefill + Ns(priced) + decode, output * 1e-9);
  EXPECT_NEAR(r.tpot_s(), (Ns(priced) + decode) / (output - 1), 1e-9);
  EXPECT_EQ(b.cluster->decode_replica(0).metrics().iterations, static_cast<uint64_t>(output - 1));
  EXPECT_EQ(b.cluster->prefill_replica(0).metrics().iterations, 1u);
}

// KV transfer time is alpha + shard / bandwidth: linear in the prompt length, both as priced and
// as measured on lone requests; with tp = 2 each GPU sends its half of the KV heads in parallel.
TEST(DisaggregatedCluster, TransferTimeGrowsLinearlyWithPromptLength) {
  Bench b(Config(1, 1), RequestSource::Replay({}, {}));
  const DisaggregatedCluster& c = *b.cluster;
  const double t1 = c.KvTransferTime(1000), t2 = c.KvTransferTime(2000),
               t4 = c.KvTransferTime(4000), t8 = c.KvTransferTime(8000);
  const double slope = (t2 - t1) / 1000;
  EXPECT_GT(slope, 0);
  EXPECT_NEAR((t4 - t2) / 2000, slope, 1e-9 * slope);
  EXPECT_NEAR((t8 - t4) / 4000, slope, 1e-9 * slope);
  EXPECT_NEAR(slope, 131072.0 / (50e9 * 0.9), 1e-9 * slope);
  EXPECT_DOUBLE_EQ(c.KvTransferBytes(2000), 2 * c.KvTransferBytes(1000));

  // Measured: four lone requests far apart.
  std::vector<Request> trace;
  const int64_t prompts[] = {1000, 2000, 4000, 8000};
  for (int i = 0; i < 4; ++i) trace.push_back(Req(i, 100.0 * i, prompts[i], 10));
  Bench run(Config(1, 1), RequestSource::Replay(trace, {}));
  run.Run();
  ASSERT_EQ(run.cluster->records().size(), 4u);
  for (const DisaggregatedRecord& dr : run.cluster->records()) {
    EXPECT_NEAR(dr.transfer_s(), Ns(c.KvTransferTime(dr.record.input_tokens)), 1e-12);
  }
  const auto& q = run.cluster->metrics().transfer_s;
  EXPECT_EQ(q.count(), 4u);

  // With tp = 2 each GPU holds half the KV heads and sends its half in parallel: half the time
  // per token of tp = 1, the same bytes for the replica.
  DisaggregatedConfig tp2 = Config(1, 1);
  tp2.prefill_par = {.tp = 2};
  Bench b2(tp2, RequestSource::Replay({}, {}));
  EXPECT_DOUBLE_EQ(b2.cluster->KvTransferBytes(1000), c.KvTransferBytes(1000));
  EXPECT_NEAR((b2.cluster->KvTransferTime(2000) - b2.cluster->KvTransferTime(1000)) / 1000,
              slope / 2, 1e-9 * slope);
}

// Setup: Llama-3-8B at tp = 1 on 4 TEST-GPUs; 400 Poisson requests at 16 req/s, each with a
// 3,000-token prompt (a ~0.067 s prefill) and 100 output tokens (~6 ms decode steps), vLLM
// defaults (chunked prefill, 8,192-token budget). Co-located (LlmCluster, 4 replicas, least
// outstanding): every replica spends ~27% of its time on prefills, which share iterations with
// its running decodes and stretch their TPOT. Disaggregated (2 prefill + 2 decode replicas, the
// same 4 GPUs): decode iterations hold decodes only, so TPOT is the decode step plus the KV
// transfer (~9 ms) spread over 99 tokens. Measured: p99 TPOT 10.2 ms co-located vs 7.5 ms
// disaggregated; the price is TTFT (p99 0.068 s vs 0.15 s: half the GPUs prefill).
TEST(DisaggregatedCluster, LowersTailTpotAgainstColocatedClusterOfSameGpus) {
  auto source = [] {
    return RequestSource::Poisson(16, LengthModel::Empirical({{3000, 100}}), {.max_requests = 400},
                                  /*seed=*/5, /*stream=*/1);
  };
  Bench disagg(Config(2, 2), source());
  disagg.Run();
  ClusterConfig colocated;
  colocated.replicas = 4;
  sim::Simulator sim;
  const PerfModel perf = Perf();
  const ModelSpec model = Llama8b();
  LlmCluster cluster(sim, model, perf, colocated, source());
  cluster.Start();
  sim.RunUntil(sim::Time::FromSeconds(1e6));
  ASSERT_EQ(cluster.metrics().completed, 400u);
  ASSERT_EQ(disagg.cluster->metrics().completed, 400u);
  EXPECT_EQ(disagg.cluster->gpus(), 4);
  const double colocated_p99 = cluster.metrics().tpot_s.Quantile(0.99);
  const double disagg_p99 = disagg.cluster->metrics().tpot_s.Quantile(0.99);
  const double colocated_ttft = cluster.metrics().ttft_s.Quantile(0.99);
  const double disagg_ttft = disagg.cluster->metrics().ttft_s.Quantile(0.99);
  std::printf("p99 TPOT: co-located %.5f s, disaggregated %.5f s; p99 TTFT: %.4f s vs %.4f s\n",
              colocated_p99, disagg_p99, colocated_ttft, disagg_ttft);
  EXPECT_LT(disagg_p99, 0.85 * colocated_p99);
  EXPECT_GT(disagg_ttft, colocated_ttft);
}

// The same source gives the same table and summary.
TEST(DisaggregatedCluster, IsDeterministic) {
  auto run = [] {
    Bench b(Config(2, 2), PoissonLoad(10, 150, /*seed=*/3));
    b.Run();
    return std::make_pair(b.cluster->RequestsTable(), b.cluster->Summary("d"));
  };
  const auto [t1, s1] = run();
  const auto [t2, s2] = run();
  ASSERT_EQ(t1.numeric.size(), t2.numeric.size());
  for (size_t i = 0; i < t1.numeric.size(); ++i) {
    EXPECT_EQ(t1.numeric[i].values, t2.numeric[i].values) << t1.numeric[i].name;
  }
  ASSERT_EQ(s1.size(), s2.size());
  for (size_t i = 0; i < s1.size(); ++i) {
    EXPECT_EQ(s1[i].key, s2[i].key);
    if (!std::isnan(s1[i].value)) {
      EXPECT_EQ(s1[i].value, s2[i].value) << s1[i].key;
    }
  }
}

// A request whose final length cannot fit a decode replica's cache is rejected there, after its
// prefill; it counts as rejected, not in flight.
TEST(DisaggregatedCluster, RejectsRequestsTooLargeForTheDecodeCache) {
  DisaggregatedConfig c = Config(1, 1);
  c.decode.kv_blocks_override = 100;  // 1,600 tokens
  Bench b(c, RequestSource::Replay({Req(0, 0, 1000, 10), Req(1, 0, 1000, 700)}, {}));
  b.Run();
  EXPECT_EQ(b.cluster->metrics().completed, 1u);
  EXPECT_EQ(b.cluster->rejected(), 1u);
  EXPECT_EQ(b.cluster->in_flight(), 0u);
  EXPECT_EQ(b.cluster->decode_replica(0).metrics().rejected, 1u);
  EXPECT_DOUBLE_EQ(b.cluster->GoodputFraction(), 0.5);
}

// The decode side admits while its KV cache can hold each sequence's final length: with room
// for one, the second waits for the first to finish.
TEST(DisaggregatedCluster, DecodeAdmissionWaitsForKvBlocks) {
  DisaggregatedConfig c = Config(1, 1);
  c.decode.kv_blocks_override = 80;  // 1,280 tokens: one 1,000 + 99 sequence at a time
  Bench b(c, RequestSource::Replay({Req(0, 0, 1000, 100), Req(1, 0, 1000, 100)}, {}));
  b.Run();
  ASSERT_EQ(b.cluster->records().size(), 2u);
  const DisaggregatedRecord& first = b.cluster->records()[0];
  const DisaggregatedRecord& second = b.cluster->records()[1];
  EXPECT_GE(second.decode_admitted_s, first.record.completion_s);
  EXPECT_GT(second.decode_queueing_s(), 0);
}

TEST(DisaggregatedCluster, SummaryUsesClusterKeysPlusTransferMetrics) {
  Bench b(Config(1, 3), PoissonLoad(5, 40));
  b.Run();
  const std::vector<SummaryMetric> s = b.cluster->Summary("disagg");
  for (const char* key : {"replicas",           "gpus",
                          "requests_arrived",   "requests_completed",
                          "requests_rejected",  "requests_in_flight",
                          "ttft_p99_s",         "tpot_p99_s",
                          "e2e_p99_s",          "queueing_p99_s",
                          "goodput_fraction",   "goodput_requests_per_s",
                          "kv_transfer_p50_s",  "kv_transfer_p99_s",
                          "kv_transfer_bytes",  "decode_queueing_p99_s",
                          "prefill_replicas",   "decode_replicas",
                          "makespan_s",         "throughput_output_tokens_per_s",
                          "kv_utilization_mean"}) {
    EXPECT_NE(Find(s, std::string("disagg.") + key), nullptr) << key;
  }
  EXPECT_EQ(Find(s, "disagg.gpus")->value, 4);
  EXPECT_EQ(Find(s, "disagg.requests_completed")->value, 40);
  EXPECT_GT(Find(s, "disagg.kv_transfer_p99_s")->value, 0);
  EXPECT_EQ(Find(s, "disagg.routed_prefill_max")->value, 40);
}

}  // namespace
}  // namespace capsim::models
