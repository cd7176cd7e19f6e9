#include "kernels/shapes.h"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

namespace capsim::kernels {
namespace {

TEST(GemmFormulas, FlopsAndBytes) {
  const GemmShape s{8192, 8192, 8192};
  EXPECT_DOUBLE_EQ(gemm_flops(s), 2.0 * 8192.0 * 8192.0 * 8192.0);
  EXPECT_DOUBLE_EQ(gemm_flops({2, 3, 5}), 60.0);
  // X 2x5 and W 3x5 in BF16, Y 2x3 in BF16.
  EXPECT_DOUBLE_EQ(gemm_bytes({2, 3, 5}, 2.0, 2.0), (10 + 15) * 2.0 + 6 * 2.0);
  EXPECT_DOUBLE_EQ(gemm_bytes({2, 3, 5}, 1.0, 2.0), 25.0 + 12.0);
}

TEST(GemmSweeps, CoverTheRequestedShapes) {
  const auto square = gemm_square_sweep();
  ASSERT_EQ(square.size(), 5u);
  EXPECT_EQ(square.front().m, 1024);
  EXPECT_EQ(square.back().k, 16384);

  const auto llm = gemm_llm_sweep();
  EXPECT_EQ(llm.size(), 6u * 2u * 4u);
  std::set<std::int64_t> tokens, ns, ks;
  for (const auto& s : llm) {
    tokens.insert(s.m);
    ns.insert(s.n);
    ks.insert(s.k);
  }
  EXPECT_EQ(tokens, (std::set<std::int64_t>{1, 16, 128, 1024, 4096, 8192}));
  for (std::int64_t v : {4096, 8192, 14336, 28672}) {
    EXPECT_TRUE(ns.count(v)) << v;
    EXPECT_TRUE(ks.count(v)) << v;
  }
  // The full sweep is de-duplicated (8192^3 appears in both lists).
  const auto full = gemm_full_sweep();
  std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t>> unique;
  for (const auto& s : full) unique.insert({s.m, s.n, s.k});
  EXPECT_EQ(unique.size(), full.size());
  EXPECT_LT(full.size(), square.size() + llm.size());
}

TEST(AttentionFormulas, PairsAndFlops) {
  AttentionShape full{2, 16, 16, 128, 8192, 8192, false};
  EXPECT_DOUBLE_EQ(attention_pairs(full), 8192.0 * 8192.0);
  EXPECT_DOUBLE_EQ(attention_flops(full), 4.0 * 2 * 16 * 128 * 8192.0 * 8192.0);
  AttentionShape causal = full;
  causal.causal = true;
  EXPECT_DOUBLE_EQ(attention_pairs(causal), 8192.0 * 8193.0 / 2.0);
  // Tiny causal case by hand: q_len 2, kv_len 3 -> query 0 sees 2 keys, query 1 sees 3.
  EXPECT_DOUBLE_EQ(attention_pairs({1, 1, 1, 4, 2, 3, true}), 5.0);
  // Decode: one query sees the whole cache.
  const AttentionShape decode{8, 32, 8, 128, 1, 4096, true};
  EXPECT_DOUBLE_EQ(attention_pairs(decode), 4096.0);
  EXPECT_DOUBLE_EQ(attention_bytes(decode), 2.0 * (2.0 * 8 * 32 * 128 + 2.0 * 8 * 8 * 4096 * 128));
}

TEST(AttentionShapes, Validation) {
  std::string why;
  EXPECT_TRUE(attention_shape_valid({1, 32, 8, 128, 16, 16, true}, &why));
  EXPECT_FALSE(attention_shape_valid({1, 32, 6, 128, 16, 16, true}, &why));
  EXPECT_NE(why.find("kv_heads"), std::string::npos);
  EXPECT_FALSE(attention_shape_valid({1, 8, 8, 128, 17, 16, true}, &why));
  EXPECT_TRUE(attention_shape_valid({1, 8, 8, 128, 17, 16, false}, &why));
  for (const auto& s : attention_prefill_sweep()) EXPECT_TRUE(attention_shape_valid(s));
  for (const auto& s : attention_decode_sweep()) {
    EXPECT_TRUE(attention_shape_valid(s));
    EXPECT_EQ(s.q_len, 1);
  }
}

TEST(MemoryFormulas, SweepAndBytes) {
  const auto sizes = memory_sweep_bytes();
  EXPECT_EQ(sizes.front(), 1ll << 20);
  EXPECT_EQ(sizes.back(), 4ll << 30);
  EXPECT_DOUBLE_EQ(copy_bytes(1ll << 30), 2.0 * (1ll << 30));
  EXPECT_DOUBLE_EQ(triad_bytes(1024), 3072.0);
  EXPECT_DOUBLE_EQ(triad_flops(1024), 512.0);
}

TEST(ConvFormulas, OutputSizeFlopsBytes) {
  const ConvShape s{1, 64, 256, 256, 64, 3, 3, 1, 1, 1};
  EXPECT_EQ(s.p(), 256);
  EXPECT_EQ(s.q(), 256);
  EXPECT_DOUBLE_EQ(conv_flops(s), 2.0 * 64 * 256 * 256 * 64 * 9);
  const ConvShape strided{1, 3, 7, 5, 4, 3, 3, 2, 0, 1};
  EXPECT_EQ(strided.p(), 3);
  EXPECT_EQ(strided.q(), 2);
  EXPECT_DOUBLE_EQ(conv_bytes(strided, 2.0), 2.0 * (3 * 7 * 5 + 4 * 3 * 9 + 4 * 3 * 2));
  std::string why;
  EXPECT_FALSE(conv_shape_valid({1, 6, 8, 8, 4, 3, 3, 1, 1, 4}, &why));
  for (const auto& c : conv_sweep()) EXPECT_TRUE(conv_shape_valid(c));
  EXPECT_DOUBLE_EQ(upsample_bytes({1, 2, 3, 4}, 2.0), 2.0 * (24 + 96));
}

TEST(RowFormulas, Bytes) {
  EXPECT_DOUBLE_EQ(softmax_bytes({3, 5}), 60.0);
  EXPECT_DOUBLE_EQ(layernorm_bytes({3, 5}), 2.0 * (30 + 10));
  EXPECT_FALSE(layernorm_sweep().empty());
  EXPECT_FALSE(softmax_sweep().empty());
}

}  // namespace
}  // namespace capsim::kernels
