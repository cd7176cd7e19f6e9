#include "config/overrides.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace capsim::config {
namespace {

using ::testing::HasSubstr;

std::string Emit(const YAML::Node& node) {
  YAML::Emitter out;
  out << node;
  return out.c_str();
}

TEST(ParseOverrideTest, BracketAndDotIndicesNormalize) {
  for (const char* text : {"workloads[0].fps=30", "workloads.0.fps=30"}) {
    Result<Override> o = ParseOverride(text);
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    EXPECT_EQ(o.value().path, "workloads[0].fps");
    ASSERT_EQ(o.value().segments.size(), 3u);
    EXPECT_EQ(o.value().segments[1].index, 0);
    EXPECT_EQ(o.value().value.Scalar(), "30");
    EXPECT_EQ(o.value().text, text);
  }
}

TEST(ParseOverrideTest, ValuesAreYaml) {
  Result<Override> o = ParseOverride("policy.order=[a, b]");
  ASSERT_TRUE(o.ok());
  ASSERT_TRUE(o.value().value.IsSequence());
  EXPECT_EQ(o.value().value.size(), 2u);
  Result<Override> q = ParseOverride("horizon=2 days");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q.value().value.Scalar(), "2 days");
}

TEST(ParseOverrideTest, RejectsMalformedText) {
  EXPECT_EQ(ParseOverride("horizon").status().ToString(), "--set horizon: expected KEY.PATH=VALUE");
  EXPECT_EQ(ParseOverride("=3").status().ToString(), "--set =3: the key path is empty");
  EXPECT_THAT(ParseOverride("a..b=3").status().ToString(), HasSubstr("empty key"));
  EXPECT_THAT(ParseOverride("a[x]=3").status().ToString(), HasSubstr("bad list index '[x]'"));
  EXPECT_THAT(ParseOverride("a[0=3").status().ToString(), HasSubstr("unbalanced '['"));
  EXPECT_THAT(ParseOverride("a=[1, 2").status().ToString(),
              HasSubstr("cannot parse the value as YAML"));
}

TEST(ApplyOverrideTest, ReplacesAndCreatesKeys) {
  YAML::Node root = YAML::Load("a: 1\nlist: [{ x: 1 }, { x: 2 }]\nempty:\n");
  for (const char* text : {"a=5", "list[1].x=7", "b.c.d=hi", "list.0.y=3", "empty.k=v"}) {
    Result<Override> o = ParseOverride(text);
    ASSERT_TRUE(o.ok()) << text;
    Status s = ApplyOverride(o.value(), &root);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_EQ(Emit(root), "a: 5\nlist: [{x: 1, y: 3}, {x: 7}]\nempty:\n  k: v\nb:\n  c:\n    d: hi");
}

TEST(ApplyOverrideTest, ReportsBadPaths) {
  YAML::Node root = YAML::Load("a: 1\nlist: [1, 2]\n");
  auto apply = [&](const char* text) { return ApplyOverride(ParseOverride(text).value(), &root); };
  EXPECT_EQ(apply("list[5]=1").ToString(),
            "--set list[5]=1: index 5 is out of range: 'list' has 2 items");
  EXPECT_EQ(apply("a.b=1").ToString(), "--set a.b=1: 'a' is not a mapping");
  EXPECT_EQ(apply("a[0]=1").ToString(), "--set a[0]=1: 'a' is not a list");
  EXPECT_EQ(apply("nope[0]=1").ToString(), "--set nope[0]=1: there is no list at 'nope'");
}

}  // namespace
}  // namespace capsim::config
