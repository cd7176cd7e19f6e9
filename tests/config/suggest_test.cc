#include "config/suggest.h"

#include <gtest/gtest.h>

namespace capsim::config {
namespace {

TEST(EditDistanceTest, CountsEditsAndTranspositions) {
  EXPECT_EQ(EditDistance("fps", "fps"), 0);
  EXPECT_EQ(EditDistance("fsp", "fps"), 1);  // adjacent transposition
  EXPECT_EQ(EditDistance("nodes", "node"), 1);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("", "abc"), 3);
}

TEST(ClosestMatchTest, SuggestsOnlyLikelyTypos) {
  const std::vector<std::string> keys = {"name", "fps", "tier", "arrivals", "horizon"};
  EXPECT_EQ(ClosestMatch("fsp", keys), "fps");
  EXPECT_EQ(ClosestMatch("horizn", keys), "horizon");
  EXPECT_EQ(ClosestMatch("arivals", keys), "arrivals");
  EXPECT_EQ(ClosestMatch("NAME", keys), "name");
  EXPECT_EQ(ClosestMatch("colour", keys), std::nullopt);
  EXPECT_EQ(ClosestMatch("x", keys), std::nullopt);
}

TEST(ClosestMatchTest, SuggestsAFullNameForAPrefix) {
  EXPECT_EQ(ClosestMatch("H100", {"B200", "H100-SXM", "H200"}), "H100-SXM");
}

TEST(UnknownNameMessageTest, ListsKnownNamesSorted) {
  EXPECT_EQ(UnknownNameMessage("GPU", "H1000", {"L4", "B200", "H100-SXM"}),
            "unknown GPU 'H1000'; known: B200, H100-SXM, L4");
  EXPECT_EQ(
      UnknownNameMessage("model", "llama-3-9b", {"llama-3-8b", "llama-3-70b"}),
      "unknown model 'llama-3-9b'; did you mean 'llama-3-8b'? known: llama-3-70b, llama-3-8b");
  EXPECT_EQ(UnknownNameMessage("site", "x", {}), "unknown site 'x'; none are defined");
}

TEST(JoinNamesTest, JoinsWithCommas) {
  EXPECT_EQ(JoinNames({"a", "b", "c"}), "a, b, c");
  EXPECT_EQ(JoinNames({}), "");
}

}  // namespace
}  // namespace capsim::config
