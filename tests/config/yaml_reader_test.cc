#include "config/yaml_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/config/test_files.h"

namespace capsim::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

YAML::Mark MarkAt(int line, int column) {
  YAML::Mark m = YAML::Mark::null_mark();
  m.line = line;
  m.column = column;
  return m;
}

TEST(DiagnosticsTest, FormatsFileLineColumnAndKeyPath) {
  Diagnostics d("x.yaml");
  d.Add(MarkAt(13, 6), "fleet.pools[0].gpu", "unknown GPU 'H1000'");
  d.Add(YAML::Mark::null_mark(), "name", "no position");
  d.Add(MarkAt(0, 0), "", "top level");
  EXPECT_THAT(d.ToStatus().problems(),
              ElementsAre("x.yaml: name: no position", "x.yaml:1:1: top level",
                          "x.yaml:14:7: fleet.pools[0].gpu: unknown GPU 'H1000'"));
}

TEST(DiagnosticsTest, NamesTheOverrideThatWroteAPath) {
  Diagnostics d("x.yaml");
  d.AddOverrideOrigin("workloads[0].fps", "workloads.0.fps=0");
  d.Add(MarkAt(0, 0), "workloads[0].fps", "must be positive");
  d.Add(MarkAt(2, 0), "workloads[0].fpsx", "not covered");
  d.AddUnknownKey(MarkAt(0, 0), "workloads[0]", "fps", {"fsp"});
  EXPECT_THAT(d.ToStatus().problems(),
              ElementsAre("x.yaml:3:1: workloads[0].fpsx: not covered",
                          "--set workloads.0.fps=0: workloads[0].fps: must be positive",
                          "--set workloads.0.fps=0: unknown key 'fps' at workloads[0]; did you "
                          "mean 'fsp'?"));
}

TEST(MapReaderTest, ReportsUnknownDuplicateAndMissingKeys) {
  Diagnostics d("x.yaml");
  const YAML::Node node = YAML::Load("a: 1\nbb: 2\na: 3\nzzz: 4\n");
  const MapReader r(node, "top", {"a", "b", "c"}, &d);
  EXPECT_TRUE(r.Has("a"));
  EXPECT_FALSE(r.Require("c"));
  EXPECT_THAT(d.ToStatus().problems(),
              ElementsAre("x.yaml:1:1: top: missing required key 'c'",
                          "x.yaml:2:1: top.bb: unknown key 'bb'; allowed keys: a, b, c",
                          "x.yaml:3:1: top.a: duplicate key (first at line 1)",
                          "x.yaml:4:1: top.zzz: unknown key 'zzz'; allowed keys: a, b, c"));
}

TEST(MapReaderTest, NumericKeyHintsAtFlowComma) {
  Diagnostics d("x.yaml");
  const YAML::Node node = YAML::Load("{ price: $270,000 }");
  const MapReader r(node, "", {"price"}, &d);
  ASSERT_FALSE(d.empty());
  EXPECT_THAT(d.ToStatus().ToString(), HasSubstr("unknown key '000'"));
  EXPECT_THAT(d.ToStatus().ToString(), HasSubstr("a comma inside { } separates entries"));
}

TEST(MapReaderTest, TypedGetters) {
  Diagnostics d("x.yaml");
  const YAML::Node node =
      YAML::Load("t: 30 min\nn: 64\nseed: 42\nflag: yes\ns: hello\nlist: [1, 2]\nsub: { k: 1 }\n");
  const MapReader r(node, "", {"t", "n", "seed", "flag", "s", "list", "sub"}, &d);
  double t = 0;
  int n = 0;
  uint64_t seed = 0;
  bool flag = false;
  std::string s;
  EXPECT_TRUE(r.GetQuantity("t", Dimension::kTime, &t, Need::kRequired, Bound::kPositive));
  EXPECT_TRUE(r.GetInt("n", &n, Need::kRequired, Bound::kAtLeastOne));
  EXPECT_TRUE(r.GetUint64("seed", &seed));
  EXPECT_TRUE(r.GetBool("flag", &flag));
  EXPECT_TRUE(r.GetString("s", &s));
  EXPECT_EQ(r.GetList("list").size(), 2u);
  const MapReader sub = r.GetMap("sub", {"k"});
  EXPECT_TRUE(sub.valid());
  EXPECT_EQ(sub.path(), "sub");
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(t, 1800);
  EXPECT_EQ(n, 64);
  EXPECT_EQ(seed, 42u);
  EXPECT_TRUE(flag);
  EXPECT_EQ(s, "hello");
}

TEST(MapReaderTest, TypeAndRangeErrorsLeaveOutputUnchanged) {
  Diagnostics d("x.yaml");
  const YAML::Node node = YAML::Load("a: { x: 1 }\nb: 2.5\nc: 0\nd: maybe\ne: -1\nf: [1]\ng: 3\n");
  const MapReader r(node, "m", {"a", "b", "c", "d", "e", "f", "g"}, &d);
  double v = 7;
  int n = 7;
  bool flag = false;
  uint64_t seed = 9;
  EXPECT_FALSE(r.GetQuantity("a", Dimension::kTime, &v));
  EXPECT_FALSE(r.GetInt("b", &n));
  EXPECT_FALSE(r.GetInt("c", &n, Need::kRequired, Bound::kAtLeastOne));
  EXPECT_FALSE(r.GetBool("d", &flag));
  EXPECT_FALSE(r.GetUint64("e", &seed));
  std::string str;
  EXPECT_FALSE(r.GetString("f", &str));
  const MapReader g = r.GetMap("g", {"k"});
  EXPECT_FALSE(g.valid());
  EXPECT_EQ(v, 7);
  EXPECT_EQ(n, 7);
  EXPECT_EQ(seed, 9u);
  EXPECT_THAT(
      d.ToStatus().problems(),
      ElementsAre(
          "x.yaml:1:4: m.a: expected a time such as '30 min', got a mapping",
          "x.yaml:2:4: m.b: '2.5' is not a whole number",
          "x.yaml:3:4: m.c: must be at least 1, got '0'",
          "x.yaml:4:4: m.d: expected true or false, got 'maybe'",
          "x.yaml:5:4: m.e: expected a whole number from 0 to 18446744073709551615, got '-1'",
          "x.yaml:6:4: m.f: expected a name, got a list",
          "x.yaml:7:4: m.g: expected a mapping with keys k, got '3'"));
}

TEST(MapReaderTest, AbsentOptionalMapIsEmptyAndQuiet) {
  Diagnostics d("x.yaml");
  const YAML::Node node = YAML::Load("a: 1\n");
  const MapReader r(node, "", {"a", "sub"}, &d);
  const MapReader sub = r.GetMap("sub", {"k"});
  double v = 3;
  EXPECT_FALSE(sub.GetQuantity("k", Dimension::kTime, &v, Need::kRequired));
  EXPECT_TRUE(d.empty());
}

TEST(ReadYamlFileTest, MissingFile) {
  std::string text;
  Result<YAML::Node> r = ReadYamlFile("/nonexistent/x.yaml", &text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "/nonexistent/x.yaml: cannot open: No such file or directory");
}

TEST(ReadYamlFileTest, InvalidYamlGivesLineAndColumn) {
  testing::TempDir dir;
  const std::string path = dir.Write("bad.yaml", "a: 1\nb: [1, 2\n");
  std::string text;
  Result<YAML::Node> r = ReadYamlFile(path, &text);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().ToString(), ::testing::StartsWith(path + ":"));
  EXPECT_THAT(r.status().ToString(), HasSubstr(": invalid YAML: "));
}

TEST(ReadYamlFileTest, Directory) {
  testing::TempDir dir;
  std::string text;
  Result<YAML::Node> r = ReadYamlFile(dir.path(), &text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), dir.path() + ": cannot open: Is a directory");
}

}  // namespace
}  // namespace capsim::config
