#include "models/operation.h"

#include <gtest/gtest.h>

namespace capsim::models {
namespace {

TEST(Operation, GemmFlopsAndBytes) {
  Operation op = Gemm("g", 8192, 8192, 8192, DType::kBF16);
  EXPECT_DOUBLE_EQ(op.flops, 2.0 * 8192 * 8192 * 8192);  // 1.1e12
  EXPECT_DOUBLE_EQ(op.bytes, 3.0 * 8192 * 8192 * 2);
  EXPECT_EQ(op.op_class, OpClass::kGemm);
  Operation fp8 = Gemm("g", 16, 32, 64, DType::kFP8);
  EXPECT_DOUBLE_EQ(fp8.bytes, 16 * 64 + 64 * 32 + 16 * 32);
}

TEST(Operation, CausalPrefillCountsHalfThePairs) {
  // One sequence of 4 tokens: pairs 1+2+3+4 = 10; 4 FLOPs per pair and head dimension.
  Operation op = AttentionPrefill("a", 1, 2, 1, 8, 4, 4, DType::kBF16);
  EXPECT_DOUBLE_EQ(op.flops, 4.0 * 2 * 8 * 10);
  // Q and O for 2 heads, K and V for 1 KV head: (2*2*4*8 + 2*1*4*8) elements x 2 bytes.
  EXPECT_DOUBLE_EQ(op.bytes, (2.0 * 2 * 4 * 8 + 2.0 * 1 * 4 * 8) * 2);
  // A chunk of 2 new tokens after 6 cached: 2*6 + 3 pairs.
  Operation chunk = AttentionPrefill("a", 1, 1, 1, 8, 2, 8, DType::kBF16);
  EXPECT_DOUBLE_EQ(chunk.flops, 4.0 * 8 * 15);
}

TEST(Operation, DecodeIsDominatedByTheKvCache) {
  Operation op = AttentionDecode("d", 16, 64, 8, 128, 4096, DType::kBF16);
  EXPECT_DOUBLE_EQ(op.flops, 4.0 * 16 * 64 * 128 * 4096);
  const double kv = 2.0 * 16 * 8 * 128 * 4096 * 2;
  EXPECT_GT(op.bytes, kv);
  EXPECT_LT(op.bytes, 1.01 * kv);
  // Arithmetic intensity of GQA decode: about heads/kv_heads FLOPs per byte.
  EXPECT_NEAR(op.flops / op.bytes, 64.0 / 8, 0.1);
}

TEST(Operation, ConvAndCollectiveAndMemory) {
  Operation c = Conv2d("c", 2, 64, 128, 32, 32, 3, DType::kFP16);
  EXPECT_DOUBLE_EQ(c.flops, 2.0 * 2 * 128 * 32 * 32 * 64 * 9);
  EXPECT_DOUBLE_EQ(c.bytes, (2.0 * 64 * 1024 + 2.0 * 128 * 1024 + 128.0 * 64 * 9) * 2);
  Operation ar = Collective("ar", CollectiveKind::kAllReduce, LinkTier::kScaleOut, 8, 1e9,
                            DType::kBF16);
  EXPECT_DOUBLE_EQ(ar.flops, 0);
  EXPECT_DOUBLE_EQ(ar.bytes, 1e9);
  EXPECT_EQ(ar.ranks, 8);
  Operation m = Memory("m", 1e6, 2e5, DType::kBF16);
  EXPECT_EQ(m.op_class, OpClass::kMemory);
  std::vector<Operation> ops{c, m};
  ops[1].repeat = 10;
  EXPECT_DOUBLE_EQ(TotalFlops(ops), c.flops + 2e6);
}

TEST(Operation, Names) {
  EXPECT_EQ(DTypeName(DType::kFP8), "fp8");
  EXPECT_EQ(OpClassName(OpClass::kAttentionDecode), "attention_decode");
  EXPECT_EQ(CollectiveName(CollectiveKind::kReduceScatter), "reduce_scatter");
  EXPECT_DOUBLE_EQ(BytesPerElement(DType::kFP32), 4);
}

}  // namespace
}  // namespace capsim::models
