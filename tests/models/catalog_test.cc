#include "models/catalog.h"

#include <gtest/gtest.h>

namespace capsim::models {
namespace {

TEST(Catalog, FindsByExactName) {
  Catalog c;
  c.gpus.push_back({});
  c.gpus.back().name = "H100-SXM";
  c.models.push_back({"llama-3-8b", 8.03e9, 8.03e9});
  c.avatar_tiers.push_back({"lipsync-2d", 0.7, 0, 0.2});
  c.nodes.push_back({});
  c.nodes.back().name = "HGX-H100-8";
  c.networks.push_back({});
  c.networks.back().name = "roce-400g-rail";
  c.face_models.push_back({});
  c.face_models.back().name = "musetalk-256";
  ASSERT_NE(c.FindGpu("H100-SXM"), nullptr);
  EXPECT_EQ(c.FindGpu("h100-sxm"), nullptr);
  EXPECT_EQ(c.FindGpu("H1000"), nullptr);
  ASSERT_NE(c.FindModel("llama-3-8b"), nullptr);
  EXPECT_DOUBLE_EQ(c.FindModel("llama-3-8b")->params, 8.03e9);
  EXPECT_EQ(c.FindModel("llama"), nullptr);
  ASSERT_NE(c.FindTier("lipsync-2d"), nullptr);
  EXPECT_EQ(c.FindTier("video"), nullptr);
  EXPECT_NE(c.FindNode("HGX-H100-8"), nullptr);
  EXPECT_EQ(c.FindNode("HGX"), nullptr);
  EXPECT_NE(c.FindNetwork("roce-400g-rail"), nullptr);
  EXPECT_EQ(c.FindNetwork("roce"), nullptr);
  EXPECT_NE(c.FindFaceModel("musetalk-256"), nullptr);
  EXPECT_EQ(c.FindFaceModel("musetalk"), nullptr);
}

TEST(Catalog, NewFieldsDefaultToANeutralValue) {
  const ModelSpec m{"m", 1e9, 1e9};
  EXPECT_FALSE(m.HasArchitecture());
  EXPECT_FALSE(m.IsMoe());
  EXPECT_EQ(m.family, "llm");
  EXPECT_EQ(m.dtype, DType::kBF16);
  const GpuSpec g;
  EXPECT_EQ(g.scale_up_domain, 1);
  EXPECT_EQ(g.scale_up_bandwidth, 0);
  EXPECT_EQ(g.video_encoders, 0);
  EXPECT_EQ(FaceModelSpec().family, "face");
}

// A dense model with every weight written out by hand: 2 layers, hidden 8, 2 heads of 4,
// 1 KV head, FFN 16, vocab 10.
TEST(ArchitectureParams, CountsEveryWeightOfADenseModel) {
  ModelSpec m;
  m.layers = 2;
  m.hidden = 8;
  m.heads = 2;
  m.kv_heads = 1;
  m.ffn = 16;
  m.vocab = 10;
  const double attention = 8 * 8 + 2 * 8 * 4 + 8 * 8;  // Q, K, V (1 head of 4), O
  const double ffn = 3 * 8 * 16;
  const double layer = attention + ffn + 2 * 8;  // + 2 norms
  const ParamCounts c = ArchitectureParams(m);
  EXPECT_DOUBLE_EQ(c.per_layer, layer);
  EXPECT_DOUBLE_EQ(c.embedding, 2 * 10 * 8);
  EXPECT_DOUBLE_EQ(c.total, 2 * layer + 2 * 10 * 8 + 8);
  EXPECT_DOUBLE_EQ(c.per_token, 2 * (attention + ffn) + 10 * 8);
  EXPECT_DOUBLE_EQ(c.expert, 0);
  m.tied_embeddings = true;
  EXPECT_DOUBLE_EQ(ArchitectureParams(m).total, 2 * layer + 10 * 8 + 8);
  EXPECT_DOUBLE_EQ(ArchitectureParams(m).per_token, 2 * (attention + ffn) + 10 * 8);
}

TEST(ArchitectureParams, MixtureOfExpertsCountsOnlyRoutedExpertsPerToken) {
  ModelSpec m;
  m.layers = 1;
  m.hidden = 4;
  m.heads = 1;
  m.kv_heads = 1;
  m.vocab = 3;
  m.experts = 8;
  m.active_experts = 2;
  m.expert_ffn = 6;
  const double attention = 4 * 16;
  const double one_expert = 3 * 4 * 6, router = 4 * 8;
  const ParamCounts c = ArchitectureParams(m);
  EXPECT_DOUBLE_EQ(c.expert, 8 * one_expert);
  EXPECT_DOUBLE_EQ(c.total, attention + 2 * 4 + router + 8 * one_expert + 2 * 12 + 4);
  EXPECT_DOUBLE_EQ(c.per_token, attention + router + 2 * one_expert + 12);
}

}  // namespace
}  // namespace capsim::models
