#include "models/kv_cache.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/models/llm_test_support.h"

namespace capsim::models {
namespace {

using testing::Llama8b;

ModelSpec Llama70b() {
  ModelSpec m;
  m.name = "llama-3-70b";
  m.params = m.active_params = 70.6e9;
  m.layers = 80;
  m.hidden = 8192;
  m.heads = 64;
  m.kv_heads = 8;
  m.head_dim = 128;
  m.ffn = 28672;
  m.vocab = 128256;
  return m;
}

GpuSpec H100() {
  GpuSpec g;
  g.name = "H100-SXM";
  g.memory_bytes = 80e9;
  return g;
}

// Capacity = floor((80e9 x 0.9 - params x 2 / tp) / (2 x layers x max(1, 8 / tp) x 128 x 2 x 16))
// blocks; Llama-3-8B has 8,030,261,248 parameters and Llama-3-70B 70,553,706,496 by architecture.
TEST(KvCache, CapacityOfLlama3OnH100) {
  const KvCacheConfig c;  // 16-token blocks, 90% of HBM, no extra reserve
  EXPECT_DOUBLE_EQ(KvBytesPerTokenPerGpu(Llama8b(), {.tp = 1}), 131072);  // 128 KiB / token
  EXPECT_DOUBLE_EQ(KvBytesPerTokenPerGpu(Llama8b(), {.tp = 8}), 16384);
  EXPECT_DOUBLE_EQ(KvBytesPerTokenPerGpu(Llama70b(), {.tp = 4}), 81920);
  EXPECT_DOUBLE_EQ(KvBytesPerTokenPerGpu(Llama70b(), {.tp = 4, .pp = 2}), 40960);
  // (72e9 - 16.06e9) / 2 MiB per block: 26,674 blocks = 426.8k tokens.
  EXPECT_EQ(KvCapacityBlocks(Llama8b(), {.tp = 1}, H100(), c), 26674);
  EXPECT_EQ(KvCapacityBlocks(Llama8b(), {.tp = 4}, H100(), c), 129670);
  EXPECT_EQ(KvCapacityBlocks(Llama8b(), {.tp = 8}, H100(), c), 266999);
  // 70B: 141 GB of weights do not fit one GPU; tp 4 holds 448k tokens, tp 8 1.33M.
  EXPECT_EQ(KvCapacityBlocks(Llama70b(), {.tp = 1}, H100(), c), 0);
  EXPECT_EQ(KvCapacityBlocks(Llama70b(), {.tp = 4}, H100(), c), 28017);
  EXPECT_EQ(KvCapacityBlocks(Llama70b(), {.tp = 8}, H100(), c), 82949);
  // An activation reserve of 2 GB per GPU takes 2e9 / 2 MiB = 953.7 blocks from 8B at tp 1.
  KvCacheConfig reserve = c;
  reserve.activation_reserve_bytes = 2e9;
  EXPECT_EQ(KvCapacityBlocks(Llama8b(), {.tp = 1}, H100(), reserve), 25720);
}

TEST(KvCache, ReserveAndFreeConserveBlocks) {
  KvCache kv(100, {});
  KvSequence a, b;
  EXPECT_EQ(kv.BlocksForTokens(1), 1);
  EXPECT_EQ(kv.BlocksForTokens(16), 1);
  EXPECT_EQ(kv.BlocksForTokens(17), 2);
  ASSERT_TRUE(kv.Reserve(&a, 100));  // 7 blocks
  ASSERT_TRUE(kv.Reserve(&b, 16));   // 1 block
  EXPECT_EQ(a.private_blocks, 7);
  EXPECT_EQ(kv.used_blocks(), 8);
  ASSERT_TRUE(kv.Reserve(&a, 112));  // still 7 blocks
  EXPECT_EQ(kv.used_blocks(), 8);
  ASSERT_TRUE(kv.Reserve(&a, 113));
  EXPECT_EQ(kv.used_blocks(), 9);
  EXPECT_DOUBLE_EQ(kv.Utilization(), 0.09);
  const std::vector<uint64_t> none;
  kv.Free(&a, none);
  kv.Free(&b, none);
  EXPECT_EQ(kv.free_blocks(), 100);
  EXPECT_EQ(kv.used_blocks(), 0);
}

TEST(KvCache, ReserveFailsWhenFullAndChangesNothing) {
  KvCache kv(10, {});
  KvSequence a, b;
  ASSERT_TRUE(kv.Reserve(&a, 8 * 16));
  EXPECT_FALSE(kv.Reserve(&b, 3 * 16));
  EXPECT_EQ(b.private_blocks, 0);
  EXPECT_EQ(kv.free_blocks(), 2);
  EXPECT_TRUE(kv.Reserve(&b, 2 * 16));
  EXPECT_EQ(kv.free_blocks(), 0);
  EXPECT_FALSE(kv.Reserve(&a, 8 * 16 + 1));
}

TEST(KvCache, SharedPrefixReducesAllocation) {
  KvCache kv(1000, {});  // 512-token prefix entries = 32 blocks
  const std::vector<uint64_t> h = {11, 22, 33};
  KvSequence a;
  EXPECT_EQ(kv.AcquirePrefix(&a, h, 3), 0);  // nothing cached yet
  ASSERT_TRUE(kv.Reserve(&a, 1600));         // 100 blocks
  kv.Publish(&a, h, 3);                      // 3 entries of 32 blocks + 4 private
  EXPECT_EQ(a.prefix_refs, 3);
  EXPECT_EQ(a.private_blocks, 4);
  EXPECT_EQ(kv.used_blocks(), 100);
  // The same prompt again: two entries reused (at most (1600 - 1) / 512 = 3, the cap is the
  // caller's), so only the 1600 - 1024 = 576 tokens beyond them take new blocks: 36.
  KvSequence b;
  EXPECT_EQ(kv.AcquirePrefix(&b, h, 2), 2);
  ASSERT_TRUE(kv.Reserve(&b, 1600));
  EXPECT_EQ(b.private_blocks, 36);
  EXPECT_EQ(kv.used_blocks(), 136);
  // A prompt diverging at its second block shares only the first.
  KvSequence c;
  EXPECT_EQ(kv.AcquirePrefix(&c, {11, 99, 33}, 3), 1);
  kv.Free(&a, h);
  kv.Free(&b, h);
  kv.Free(&c, {11, 99, 33});
  EXPECT_EQ(kv.used_blocks(), 0);
  EXPECT_EQ(kv.evictable_blocks(), 96);  // the three entries stay cached
  EXPECT_EQ(kv.free_blocks() + kv.evictable_blocks(), 1000);
}

TEST(KvCache, PublishOfAHashCachedMeanwhileFreesTheDuplicate) {
  KvCache kv(200, {});
  const std::vector<uint64_t> h = {5};
  KvSequence a, b;
  ASSERT_TRUE(kv.Reserve(&a, 600));  // 38 blocks
  ASSERT_TRUE(kv.Reserve(&b, 600));
  kv.Publish(&a, h, 1);
  kv.Publish(&b, h, 1);  // same content computed twice: b now shares a's entry
  EXPECT_EQ(kv.used_blocks(), 32 + 6 + 6);
  EXPECT_EQ(kv.cached_entries(), 1);
}

TEST(KvCache, EvictsLeastRecentlyReleasedEntriesFirst) {
  KvCache kv(32 * 3, {});  // room for exactly three entries
  const std::vector<uint64_t> h1 = {1}, h2 = {2}, h3 = {3};
  KvSequence s1, s2, s3;
  for (auto [s, h] : {std::pair{&s1, &h1}, {&s2, &h2}, {&s3, &h3}}) {
    ASSERT_TRUE(kv.Reserve(s, 512));
    kv.Publish(s, *h, 1);
  }
  kv.Free(&s2, h2);  // released first: evicted first
  kv.Free(&s1, h1);
  kv.Free(&s3, h3);
  EXPECT_EQ(kv.evictable_blocks(), 96);
  // Re-referencing entry 2 takes it off the LRU list.
  KvSequence r2;
  EXPECT_EQ(kv.AcquirePrefix(&r2, h2, 1), 1);
  // 32 new blocks evict entry 1 (the oldest unreferenced), not entry 2 or 3.
  KvSequence x;
  ASSERT_TRUE(kv.Reserve(&x, 512));
  EXPECT_EQ(kv.evictions(), 1);
  EXPECT_EQ(kv.CachedPrefixLength(h1, 1), 0);
  EXPECT_EQ(kv.CachedPrefixLength(h2, 1), 1);
  EXPECT_EQ(kv.CachedPrefixLength(h3, 1), 1);
  // The next eviction takes entry 3; entry 2 is referenced and cannot go, so a third
  // allocation fails without evicting anything.
  KvSequence y, z;
  ASSERT_TRUE(kv.Reserve(&y, 512));
  EXPECT_EQ(kv.CachedPrefixLength(h3, 1), 0);
  EXPECT_FALSE(kv.Reserve(&z, 1));
  EXPECT_EQ(kv.CachedPrefixLength(h2, 1), 1);
  EXPECT_EQ(kv.evictions(), 2);
}

}  // namespace
}  // namespace capsim::models
