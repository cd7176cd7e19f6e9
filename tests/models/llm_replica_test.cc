#include "models/llm_replica.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
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

// One replica, its requests and their completion records.
struct Bench {
  explicit Bench(ReplicaConfig config) : perf(Perf()), model(Llama8b()) {
    replica = std::make_unique<LlmReplica>(sim, model, Parallelism{.tp = 1}, perf, config);
    replica->set_on_complete([this](const RequestRecord& r) { records.push_back(r); });
  }
  // Submits request `r` at its arrival time.
  void Add(Request r) { requests.push_back(std::move(r)); }
  void Run(double until_s = 1e6) {
    for (const Request& r : requests) {
      LlmReplica* rep = replica.get();
      const Request* req = &r;
      sim.Schedule(sim::Time::FromSeconds(r.arrival_s), [rep, req] { rep->Submit(*req); });
    }
    sim.RunUntil(sim::Time::FromSeconds(until_s));
  }
  int64_t InputTokens() const {
    int64_t n = 0;
    for (const Request& r : requests) n += r.input_tokens;
    return n;
  }
  int64_t OutputTokens() const {
    int64_t n = 0;
    for (const Request& r : requests) n += r.output_tokens;
    return n;
  }
  double Makespan() const {
    double m = 0;
    for (const RequestRecord& r : records) m = std::max(m, r.completion_s);
    return m;
  }

  sim::Simulator sim;
  PerfModel perf;
  ModelSpec model;
  std::unique_ptr<LlmReplica> replica;
  std::vector<Request> requests;  // not resized after Run
  std::vector<RequestRecord> records;
};

// A deterministic mixed workload: `n` requests, ~20/s, prompts 50..3000, outputs 1..400.
void MixedLoad(Bench* b, int n) {
  uint64_t x = 12345;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  double t = 0;
  for (int i = 0; i < n; ++i) {
    t += 0.001 * static_cast<double>(next() % 100);
    const int64_t input = 50 + static_cast<int64_t>(next() % 2950);
    b->Add(Req(i, t, input, 1 + static_cast<int64_t>(next() % 400)));
  }
}

TEST(LlmReplica, EveryRequestCompletesAndTokensAreConserved) {
  Bench b(ReplicaConfig{});
  MixedLoad(&b, 300);
  b.Run();
  const ReplicaMetrics& m = b.replica->metrics();
  EXPECT_EQ(m.submitted, 300u);
  EXPECT_EQ(m.completed, 300u);
  EXPECT_EQ(m.rejected, 0u);
  EXPECT_EQ(b.records.size(), 300u);
  EXPECT_EQ(m.input_tokens, b.InputTokens());
  EXPECT_EQ(m.output_tokens, b.OutputTokens());
  EXPECT_EQ(m.prefill_tokens, b.InputTokens());  // no preemption, no prefix hits
  EXPECT_EQ(b.replica->Outstanding(), 0);
  EXPECT_EQ(b.replica->kv_cache().used_blocks(), 0);
  EXPECT_EQ(m.ttft_s.count(), 300u);
  for (const RequestRecord& r : b.records) {
    EXPECT_GE(r.first_scheduled_s, r.arrival_s);
    EXPECT_GT(r.first_token_s, r.first_scheduled_s);
    EXPECT_GE(r.completion_s, r.first_token_s);
  }
}

// One request alone, chunking off: TTFT is the priced PrefillOps(1, 1000) iteration and every
// later token one DecodeOps(1, context) iteration with the context growing 1001 .. 1049, each
// rounded to the nanosecond as the engine does (tolerance: 1 ns per iteration).
TEST(LlmReplica, LoneRequestTakesThePricedPrefillAndDecodeTimes) {
  ReplicaConfig c;
  c.chunked_prefill = false;
  Bench b(c);
  const int64_t prompt = 1000, output = 50;
  b.Add(Req(1, 2.0, prompt, output));
  b.Run();
  ASSERT_EQ(b.records.size(), 1u);
  const RequestRecord& r = b.records[0];
  const Parallelism par{.tp = 1};
  const double prefill = Ns(b.perf.StepTime(PrefillOps(b.model, par, 1, prompt)));
  EXPECT_NEAR(r.ttft_s(), prefill, 1e-9);
  EXPECT_NEAR(r.ttft_s() / prefill, 1, 1e-6);
  EXPECT_DOUBLE_EQ(r.queueing_s(), 0);
  double expected = prefill;
  for (int64_t k = 1; k < output; ++k) {
    expected += Ns(b.perf.StepTime(DecodeOps(b.model, par, 1, prompt + k)));
  }
  EXPECT_NEAR(r.e2e_s(), expected, output * 1e-9);
  EXPECT_NEAR(r.tpot_s(), (expected - prefill) / (output - 1), 1e-9);
  EXPECT_EQ(b.replica->metrics().iterations, static_cast<uint64_t>(output));
}

// 512 requests of 16 prompt + 512 output tokens at t = 0, 256 sequences at most: two waves of
// one prefill iteration (4,096 tokens) and 511 decode iterations at batch 256. The expectation
// is 256 tokens per StepTime(DecodeOps(256, 16 + 256)) (the mean context of a wave; decode time
// is linear in context); the prefill iterations cost ~2%, so within 5%.
TEST(LlmReplica, OfflineThroughputMatchesFullDecodeBatches) {
  Bench b(ReplicaConfig{});
  for (int i = 0; i < 512; ++i) {
    b.Add(Req(i, 0, 16, 512));
  }
  b.Run();
  ASSERT_EQ(b.records.size(), 512u);
  const double throughput = static_cast<double>(b.OutputTokens()) / b.Makespan();
  const double expected =
      256 / b.perf.StepTime(DecodeOps(b.model, Parallelism{.tp = 1}, 256, 16 + 256));
  RecordProperty("throughput_tok_per_s", std::to_string(throughput));
  RecordProperty("expected_tok_per_s", std::to_string(expected));
  EXPECT_NEAR(throughput / expected, 1, 0.05) << throughput << " vs " << expected;
  EXPECT_LT(throughput, expected);
}

// 40 requests of 200 + 300 tokens at t = 0 in a 200-block (3,200-token) cache: each grows to
// 32 blocks, so at most 6 finish together while 15 are admitted: sequences are preempted.
std::unique_ptr<Bench> KvPressure(PreemptionMode mode) {
  ReplicaConfig c;
  c.kv_blocks_override = 200;
  c.preemption = mode;
  auto b = std::make_unique<Bench>(c);
  for (int i = 0; i < 40; ++i) {
    b->Add(Req(i, 0, 200, 300));
  }
  b->Run();
  return b;
}

TEST(LlmReplica, KvPressurePreemptsAndStillCompletesEverything) {
  std::unique_ptr<Bench> recompute = KvPressure(PreemptionMode::kRecompute);
  std::unique_ptr<Bench> swap = KvPressure(PreemptionMode::kSwap);
  for (Bench* b : {recompute.get(), swap.get()}) {
    const ReplicaMetrics& m = b->replica->metrics();
    EXPECT_EQ(m.completed, 40u);
    EXPECT_EQ(m.output_tokens, 40 * 300);
    EXPECT_GT(m.preemptions, 0u);
    EXPECT_EQ(b->replica->kv_cache().used_blocks(), 0);
    EXPECT_LE(m.kv_utilization.max(), 1.0);
    EXPECT_GT(m.kv_utilization.max(), 0.9);
  }
  const ReplicaMetrics& rm = recompute->replica->metrics();
  const ReplicaMetrics& sm = swap->replica->metrics();
  // Recompute re-prefills prompt + generated tokens and moves nothing over PCIe ...
  EXPECT_GT(rm.prefill_tokens, 40 * 200);
  EXPECT_EQ(rm.swapped_out_tokens, 0);
  // ... swap prefills each prompt once and copies every preempted token out and back in.
  EXPECT_EQ(sm.prefill_tokens, 40 * 200);
  EXPECT_GT(sm.swapped_out_tokens, 0);
  EXPECT_EQ(sm.swapped_out_tokens, sm.swapped_in_tokens);
  EXPECT_NE(recompute->Makespan(), swap->Makespan());
  RecordProperty("preemptions_recompute", std::to_string(rm.preemptions));
  RecordProperty("preemptions_swap", std::to_string(sm.preemptions));
  RecordProperty("prefill_tokens_recompute", std::to_string(rm.prefill_tokens));
  RecordProperty("swapped_out_tokens", std::to_string(sm.swapped_out_tokens));
  RecordProperty("makespan_recompute_s", std::to_string(recompute->Makespan()));
  RecordProperty("makespan_swap_s", std::to_string(swap->Makespan()));
}

// 20 requests, one per second (never overlapping), with 2,048-token prompts whose first three
// 512-token blocks are shared and the fourth unique: with prefix caching the first prefills
// 2,048 tokens and each later one 512 (1,536 hit), so TTFT drops; without it all prefill 2,048.
TEST(LlmReplica, PrefixCachingSkipsSharedBlocks) {
  auto run = [](bool caching) {
    ReplicaConfig c;
    c.prefix_caching = caching;
    auto b = std::make_unique<Bench>(c);
    for (int i = 0; i < 20; ++i) {
      Request r = Req(i, 1.0 * i, 2048, 4);
      r.prefix_blocks = {7, 8, 9, 1000u + i};
      b->Add(r);
    }
    b->Run();
    return b;
  };
  std::unique_ptr<Bench> on = run(true), off = run(false);
  EXPECT_EQ(on->replica->metrics().prefill_tokens, 2048 + 19 * 512);
  EXPECT_EQ(on->replica->metrics().prefix_hit_tokens, 19 * 1536);
  EXPECT_EQ(off->replica->metrics().prefill_tokens, 20 * 2048);
  ASSERT_EQ(on->records.size(), 20u);
  EXPECT_EQ(on->records[0].prefix_hit_tokens, 0);
  EXPECT_EQ(on->records[1].prefix_hit_tokens, 1536);
  EXPECT_LT(on->records[1].ttft_s(), 0.5 * on->records[0].ttft_s());
  EXPECT_NEAR(off->records[1].ttft_s(), off->records[0].ttft_s(), 1e-12);
  EXPECT_LT(on->replica->metrics().ttft_s.Quantile(0.5),
            0.5 * off->replica->metrics().ttft_s.Quantile(0.5));
}

// 32 decoding requests (64 + 2,000 tokens) while 8,000-token prompts arrive every 0.2 s from
// t = 1 s; budget 2,048 tokens. Unchunked, each long prompt is one ~0.17 s iteration that stalls
// every decode; chunked, it is split into ~2,000-token iterations of ~0.045 s, so the p99 time
// between output tokens is well under half.
TEST(LlmReplica, ChunkedPrefillLowersTailInterTokenLatency) {
  auto run = [](bool chunked) {
    ReplicaConfig c;
    c.chunked_prefill = chunked;
    c.max_num_batched_tokens = 2048;
    auto b = std::make_unique<Bench>(c);
    for (int i = 0; i < 32; ++i) {
      b->Add(Req(i, 0, 64, 2000));
    }
    for (int i = 0; i < 50; ++i) {
      b->Add(Req(100 + i, 1 + 0.2 * i, 8000, 8));
    }
    b->Run();
    return b;
  };
  std::unique_ptr<Bench> on = run(true), off = run(false);
  EXPECT_EQ(on->replica->metrics().completed, 82u);
  EXPECT_EQ(off->replica->metrics().completed, 82u);
  const double p99_on = on->replica->metrics().itl_s.Quantile(0.99);
  const double p99_off = off->replica->metrics().itl_s.Quantile(0.99);
  RecordProperty("p99_itl_chunked_s", std::to_string(p99_on));
  RecordProperty("p99_itl_unchunked_s", std::to_string(p99_off));
  EXPECT_LT(p99_on, 0.5 * p99_off) << p99_on << " vs " << p99_off;
}

TEST(LlmReplica, RunsAreDeterministic) {
  auto run = [] {
    ReplicaConfig c;
    c.kv_blocks_override = 3000;  // some preemption too
    auto b = std::make_unique<Bench>(c);
    MixedLoad(b.get(), 200);
    b->Run();
    return b;
  };
  std::unique_ptr<Bench> a = run(), b = run();
  const ReplicaMetrics& x = a->replica->metrics();
  const ReplicaMetrics& y = b->replica->metrics();
  EXPECT_EQ(x.iterations, y.iterations);
  EXPECT_EQ(x.preemptions, y.preemptions);
  EXPECT_EQ(x.busy_s, y.busy_s);
  EXPECT_EQ(x.ttft_s.Quantile(0.99), y.ttft_s.Quantile(0.99));
  EXPECT_EQ(x.kv_utilization.Integral(a->sim.Now()), y.kv_utilization.Integral(b->sim.Now()));
  ASSERT_EQ(a->records.size(), b->records.size());
  for (size_t i = 0; i < a->records.size(); ++i) {
    EXPECT_EQ(a->records[i].id, b->records[i].id);
    EXPECT_EQ(a->records[i].completion_s, b->records[i].completion_s);
  }
}

TEST(LlmReplica, RejectsRequestsLargerThanTheCache) {
  ReplicaConfig c;
  c.kv_blocks_override = 10;  // 160 tokens
  Bench b(c);
  b.Add(Req(1, 0, 150, 20));
  b.Add(Req(2, 0, 100, 20));
  b.Run();
  EXPECT_EQ(b.replica->metrics().rejected, 1u);
  EXPECT_EQ(b.replica->metrics().completed, 1u);
}

TEST(LlmReplica, MixedBatchOpsReduceToPrefillAndDecodeOps) {
  const PerfModel perf = Perf();
  const ModelSpec m = Llama8b();
  for (Parallelism par : {Parallelism{.tp = 1}, Parallelism{.tp = 4, .pp = 2}}) {
    EXPECT_NEAR(perf.StepTime(MixedBatchOps(m, par, {{700, 700}}, 0, 0, 1)),
                perf.StepTime(PrefillOps(m, par, 1, 700)), 1e-12);
    EXPECT_NEAR(perf.StepTime(MixedBatchOps(m, par, {}, 8, 900, 8)),
                perf.StepTime(DecodeOps(m, par, 8, 900)), 1e-12);
    EXPECT_NEAR(TotalFlops(MixedBatchOps(m, par, {}, 8, 900, 8)),
                TotalFlops(DecodeOps(m, par, 8, 900)), 1e-3);
  }
}

// The decode-only price cache gives StepTime(DecodeOps) whatever the order of the queries.
TEST(LlmReplica, CachedDecodePriceEqualsDecodeOps) {
  Bench b(ReplicaConfig{});
  const Parallelism par{.tp = 1};
  for (auto [batch, context] : {std::pair<int64_t, int64_t>{8, 900}, {1, 5}, {8, 4000}, {256, 1}}) {
    EXPECT_NEAR(b.replica->IterationTime({}, batch, context),
                b.perf.StepTime(DecodeOps(b.model, par, batch, context)), 1e-12);
  }
}

}  // namespace
}  // namespace capsim::models
