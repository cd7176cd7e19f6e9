// LlmStagePool: reply timings from priced iterations, least-loaded placement and capacity.
#include "models/llm_stage.h"

#include <gtest/gtest.h>

#include "models/llm_replica.h"
#include "tests/models/llm_test_support.h"

namespace capsim::models {
namespace {

using testing::FlatPerfModel;
using testing::Llama8b;

AvatarLlmSpec Spec() {
  AvatarLlmSpec s;
  s.model = "llama-3-8b";
  s.replicas = 2;
  s.max_seqs = 2;
  s.reply_tokens = 30;
  s.first_chunk_tokens = 8;
  return s;
}

TEST(LlmStagePoolTest, ALoneReplyIsItsPricedPrefillThenDecodes) {
  const PerfModel perf = FlatPerfModel();
  const ModelSpec model = Llama8b();
  Result<LlmStagePool> r = LlmStagePool::Create(model, perf, Spec());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  LlmStagePool& pool = r.value();
  auto reply = pool.TryStart(/*new_tokens=*/512, /*context=*/512, /*wait_fraction=*/0.5);
  ASSERT_TRUE(reply);
  Parallelism par;
  const double prefill = perf.StepTime(MixedBatchOps(model, par, {{512, 512}}, 0, 512, 1));
  EXPECT_DOUBLE_EQ(reply->ttft_s, prefill);  // nothing running: no wait
  const double step = perf.StepTime(MixedBatchOps(model, par, {}, 1, 768, 1));  // 512 + 15 -> 768
  EXPECT_DOUBLE_EQ(reply->first_chunk_s, prefill + 7 * step);
  EXPECT_DOUBLE_EQ(reply->done_s, prefill + 29 * step);
}

TEST(LlmStagePoolTest, BusyReplicasWaitForTheirIterationAndFillUp) {
  const PerfModel perf = FlatPerfModel();
  const ModelSpec model = Llama8b();
  Result<LlmStagePool> r = LlmStagePool::Create(model, perf, Spec());
  ASSERT_TRUE(r.ok());
  LlmStagePool& pool = r.value();
  auto a = pool.TryStart(200, 1000, 0.5);
  auto b = pool.TryStart(200, 1000, 0.5);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->replica, b->replica);
  auto c = pool.TryStart(200, 1000, 0.5);  // third: joins a replica decoding one reply
  ASSERT_TRUE(c);
  EXPECT_DOUBLE_EQ(c->ttft_s, 0.5 * pool.IterationTime(1, 0, 1000) + pool.IterationTime(1, 200, 1000));
  EXPECT_GT(c->ttft_s, a->ttft_s);
  ASSERT_TRUE(pool.TryStart(200, 1000, 0.5));
  EXPECT_EQ(pool.active(), 4);
  EXPECT_FALSE(pool.TryStart(200, 1000, 0.5));
  pool.Finish(a->replica, a->kv_tokens);
  EXPECT_TRUE(pool.TryStart(200, 1000, 0.5));
}

TEST(LlmStagePoolTest, KvCacheBoundsTheContextsInFlight) {
  const PerfModel perf = FlatPerfModel();
  AvatarLlmSpec spec = Spec();
  spec.replicas = 1;
  spec.max_seqs = 64;
  const ModelSpec model = Llama8b();  // the pool keeps a pointer to it
  Result<LlmStagePool> r = LlmStagePool::Create(model, perf, spec);
  ASSERT_TRUE(r.ok());
  LlmStagePool& pool = r.value();
  // Llama-3-8B on an 80 GB TEST-GPU: 16 GB of weights leave ~56 GB, 128 KiB per token.
  const int64_t cap = pool.kv_capacity_tokens();
  EXPECT_GT(cap, 400000);
  EXPECT_LT(cap, 460000);
  const int64_t context = cap / 3;
  auto a = pool.TryStart(100, context, 0.5);
  auto b = pool.TryStart(100, context, 0.5);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->kv_tokens, context + 30);
  EXPECT_FALSE(pool.TryStart(100, context, 0.5));  // a third context no longer fits
  pool.Finish(a->replica, a->kv_tokens);
  EXPECT_TRUE(pool.TryStart(100, context, 0.5));
}

TEST(LlmStagePoolTest, RejectsBadParallelism) {
  AvatarLlmSpec s = Spec();
  s.tp = 3;  // does not divide 32 heads
  const PerfModel perf = FlatPerfModel();
  const ModelSpec model = Llama8b();
  Result<LlmStagePool> r = LlmStagePool::Create(model, perf, s);
  EXPECT_FALSE(r.ok());
  s = Spec();
  s.max_seqs = 0;
  EXPECT_FALSE(LlmStagePool::Create(model, perf, s).ok());
}

}  // namespace
}  // namespace capsim::models
