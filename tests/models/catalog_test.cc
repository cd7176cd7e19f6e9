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
  ASSERT_NE(c.FindGpu("H100-SXM"), nullptr);
  EXPECT_EQ(c.FindGpu("h100-sxm"), nullptr);
  EXPECT_EQ(c.FindGpu("H1000"), nullptr);
  ASSERT_NE(c.FindModel("llama-3-8b"), nullptr);
  EXPECT_DOUBLE_EQ(c.FindModel("llama-3-8b")->params, 8.03e9);
  EXPECT_EQ(c.FindModel("llama"), nullptr);
  ASSERT_NE(c.FindTier("lipsync-2d"), nullptr);
  EXPECT_EQ(c.FindTier("video"), nullptr);
}

}  // namespace
}  // namespace capsim::models
