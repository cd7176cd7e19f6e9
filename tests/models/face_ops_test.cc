#include "models/face_ops.h"

#include <gtest/gtest.h>

namespace capsim::models {
namespace {

FaceLayerSpec ConvLayer() {
  FaceLayerSpec l;
  l.name = "unet.conv";
  l.op_class = OpClass::kConv;
  l.channels_in = 320;
  l.channels_out = 640;
  l.height = 32;
  l.width = 16;
  l.kernel = 3;
  l.repeat = 4;
  return l;
}

FaceLayerSpec GemmLayer() {
  FaceLayerSpec l;
  l.name = "dit.ffn";
  l.op_class = OpClass::kGemm;
  l.m = 256;
  l.n = 1024;
  l.k = 512;
  l.repeat = 10;
  return l;
}

FaceLayerSpec AttentionLayer(int64_t tokens, int64_t context) {
  FaceLayerSpec l;
  l.name = "dit.attn";
  l.op_class = OpClass::kAttentionPrefill;
  l.heads = 8;
  l.head_dim = 64;
  l.tokens = tokens;
  l.context = context;
  l.repeat = 2;
  return l;
}

// Closed forms, per frame: conv 2 x co x H x W x ci x k^2; GEMM 2 x m x n x k; full attention
// 4 x heads x head_dim x tokens x context; each times repeat.
TEST(FaceFrameOps, LayerFormFlopsMatchClosedForms) {
  FaceModelSpec f;
  f.name = "test";
  f.layers = {ConvLayer(), GemmLayer(), AttentionLayer(256, 1024)};
  const double conv = 2.0 * 640 * 32 * 16 * 320 * 9 * 4;
  const double gemm = 2.0 * 256 * 1024 * 512 * 10;
  const double attention = 4.0 * 8 * 64 * 256 * 1024 * 2;
  EXPECT_DOUBLE_EQ(FaceLayerFlopsPerFrame(f), conv + gemm + attention);
  for (int64_t frames : {1, 3, 16}) {
    const auto ops = FaceFrameOps(f, frames);
    ASSERT_EQ(ops.size(), 3u);
    EXPECT_DOUBLE_EQ(TotalFlops(ops), frames * (conv + gemm + attention)) << frames;
    EXPECT_EQ(ops[0].op_class, OpClass::kConv);
    EXPECT_EQ(ops[0].batch, frames);
    EXPECT_EQ(ops[1].m, 256 * frames);  // frames stack as GEMM rows
    EXPECT_EQ(ops[2].op_class, OpClass::kAttentionPrefill);
    EXPECT_EQ(ops[2].batch, frames);
    EXPECT_EQ(ops[2].kv_len, 1024);
    EXPECT_DOUBLE_EQ(ops[0].repeat, 4);
  }
}

TEST(FaceFrameOps, CrossAttentionToFewerKeysCountsQueriesAndKeysOnce) {
  FaceModelSpec f;
  f.name = "test";
  f.dtype = DType::kFP16;
  f.layers = {AttentionLayer(1024, 50)};
  const auto ops = FaceFrameOps(f, 2);
  EXPECT_DOUBLE_EQ(ops[0].flops, 4.0 * 2 * 8 * 64 * 1024 * 50);
  EXPECT_DOUBLE_EQ(ops[0].bytes, (2.0 * 2 * 8 * 64 * 1024 + 2.0 * 2 * 8 * 64 * 50) * 2);
  EXPECT_EQ(ops[0].q_len, 1024);
  EXPECT_EQ(ops[0].kv_len, 50);
}

TEST(FaceFrameOps, MemoryLayersScaleWithFrames) {
  FaceModelSpec f;
  f.name = "test";
  FaceLayerSpec l;
  l.name = "paste_back";
  l.op_class = OpClass::kMemory;
  l.bytes = 1e6;
  l.flops = 1e5;
  f.layers = {l};
  const auto ops = FaceFrameOps(f, 5);
  EXPECT_EQ(ops[0].op_class, OpClass::kMemory);
  EXPECT_DOUBLE_EQ(ops[0].bytes, 5e6);
  EXPECT_DOUBLE_EQ(ops[0].flops, 5e5);
}

TEST(FaceFrameOps, FlopsFormIsOneOpWithWeightsReadOnce) {
  FaceModelSpec f;
  f.name = "liveportrait-512";
  f.params = 130e6;
  f.dtype = DType::kFP16;
  f.flops_per_frame = 0.63e12;
  f.bytes_per_frame = 0.5e9;
  const auto ops = FaceFrameOps(f, 4);
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].name, "liveportrait-512.frame");
  EXPECT_EQ(ops[0].op_class, OpClass::kConv);
  EXPECT_DOUBLE_EQ(TotalFlops(ops), 4 * 0.63e12);
  EXPECT_DOUBLE_EQ(ops[0].bytes, 130e6 * 2 + 4 * 0.5e9);
  EXPECT_DOUBLE_EQ(FaceLayerFlopsPerFrame(f), 0);
}

}  // namespace
}  // namespace capsim::models
