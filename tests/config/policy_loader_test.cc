// The policy: mapping and compare_policies: read through LoadScenario, with every error path.
#include "config/policy_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/scenario_loader.h"
#include "tests/config/test_files.h"

namespace capsim::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Kind = models::PolicySpec::Kind;
using testing::kMinimalScenario;
using testing::Replace;

const std::string kCatalog = std::string(CAPSIM_SOURCE_DIR) + "/data/catalog.yaml";

class PolicyLoaderTest : public ::testing::Test {
 protected:
  // The minimal scenario with its `policy:` block replaced by `policy`.
  Result<models::Scenario> Load(const std::string& policy) {
    dir_.Write("s.yaml",
               Replace(kMinimalScenario, "policy:\n  order: [av, distill, train]\n", policy));
    return LoadScenario(path_, {}, kCatalog);
  }
  std::vector<std::string> Problems(const std::string& policy) {
    Result<models::Scenario> r = Load(policy);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::vector<std::string>{} : r.status().problems();
  }
  std::string At(int line, int col, const std::string& rest) const {
    return path_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + rest;
  }

  testing::TempDir dir_;
  const std::string path_ = dir_.path() + "/s.yaml";
};

// The policy block starts on line 33 of the minimal scenario.
TEST_F(PolicyLoaderTest, DefaultsAndMainPolicy) {
  Result<models::Scenario> r = Load("policy:\n  name: strict\n  elastic: false\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const models::PolicySpec& p = r.value().policy;
  EXPECT_EQ(p.name, "strict");
  EXPECT_EQ(p.kind, Kind::kPriorityPreemption);
  EXPECT_FALSE(p.elastic);
  EXPECT_TRUE(p.preemption);
  EXPECT_THAT(p.order, ElementsAre("av", "train", "distill"));  // file order
  EXPECT_TRUE(r.value().compare_policies.empty());
}

TEST_F(PolicyLoaderTest, ComparePoliciesInheritAndOverride) {
  Result<models::Scenario> r = Load(
      "policy:\n  order: [av, train, distill]\n  headroom_nodes: 2\n"
      "compare_policies:\n"
      "  static: { kind: static-partition, avatar_nodes: 1 }\n"
      "  trough:\n    kind: time-of-day\n"
      "    windows: { distill: { start: 22 h, end: 6 h } }\n"
      "  gang: { elastic: false, preemption: false }\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::vector<models::PolicySpec>& c = r.value().compare_policies;
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].name, "static");
  EXPECT_EQ(c[0].kind, Kind::kStaticPartition);
  EXPECT_EQ(c[0].avatar_partition_nodes, 1);
  EXPECT_EQ(c[0].headroom_nodes, 2);  // inherited
  EXPECT_THAT(c[0].order, ElementsAre("av", "train", "distill"));
  EXPECT_EQ(c[1].kind, Kind::kTimeOfDay);
  ASSERT_EQ(c[1].windows.size(), 1u);
  EXPECT_EQ(c[1].windows[0].workload, "distill");
  EXPECT_DOUBLE_EQ(c[1].windows[0].start_s, 22 * 3600);
  EXPECT_DOUBLE_EQ(c[1].windows[0].end_s, 6 * 3600);
  EXPECT_EQ(c[2].kind, Kind::kPriorityPreemption);
  EXPECT_FALSE(c[2].elastic);
  EXPECT_FALSE(c[2].preemption);
  EXPECT_EQ(r.value().policy.name, "policy");
}

TEST_F(PolicyLoaderTest, StaticPartitionNeedsAvatarNodesWithinThePool) {
  EXPECT_THAT(Problems("policy:\n  kind: static-partition\n"),
              ElementsAre(At(34, 9,
                             "policy.kind: static-partition needs avatar_nodes: the nodes "
                             "the avatar service owns")));
  EXPECT_THAT(
      Problems("policy:\n  kind: static-partition\n  avatar_nodes: 4\n"),
      ElementsAre(At(35, 17, "policy.avatar_nodes: must be fewer than the pool's 4 nodes")));
  EXPECT_THAT(
      Problems("policy:\n  avatar_nodes: 2\n"),
      ElementsAre(At(34, 17, "policy.avatar_nodes: applies only to kind: static-partition")));
}

TEST_F(PolicyLoaderTest, StaticPartitionNeedsAnAvatarWorkload) {
  dir_.Write("s.yaml",
             Replace(Replace(Replace(kMinimalScenario, "policy:\n  order: [av, distill, train]\n",
                                     "policy: { kind: static-partition, avatar_nodes: 1 }\n"),
                             "  - name: av\n    kind: avatar\n    tier: lipsync-2d\n    fps: 25\n"
                             "    arrivals: { kind: poisson, rate: 1 /s }\n"
                             "    session_length: { median: 6 min, mean: 10 min }\n"
                             "    admission: { max_sessions: 100 }\n",
                             ""),
                     "", ""));
  Result<models::Scenario> r = LoadScenario(path_, {}, kCatalog);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().ToString(), HasSubstr("policy.kind: static-partition partitions the "
                                               "pool for an avatar workload; there is none"));
}

TEST_F(PolicyLoaderTest, TimeOfDayNeedsValidWindows) {
  EXPECT_THAT(Problems("policy:\n  kind: time-of-day\n"),
              ElementsAre(At(34, 9,
                             "policy.kind: time-of-day needs windows: { <job>: { start, "
                             "end } }")));
  EXPECT_THAT(Problems("policy:\n  windows: { distill: { start: 1 h, end: 2 h } }\n"),
              ElementsAre(At(34, 12, "policy.windows: applies only to kind: time-of-day")));
  EXPECT_THAT(
      Problems("policy:\n  kind: time-of-day\n  windows: { av: { start: 1 h, end: 2 h } }\n"),
      ElementsAre(At(35, 14,
                     "policy.windows.av: unknown training or distillation workload 'av'; "
                     "known: distill, train")));
  EXPECT_THAT(
      Problems("policy:\n  kind: time-of-day\n  windows: { distill: { start: 25 h, end: 2 h } }\n"),
      ElementsAre(At(35, 32,
                     "policy.windows.distill.start: is a time of day and must be less "
                     "than 24 h")));
  EXPECT_THAT(
      Problems("policy:\n  kind: time-of-day\n  windows: { distill: { start: 2 h, end: 2 h } }\n"),
      ElementsAre(At(35, 42, "policy.windows.distill.end: equals start: the window is empty")));
  EXPECT_THAT(Problems("policy:\n  kind: time-of-day\n  windows: { distill: { start: 2 h } }\n"),
              ElementsAre(At(35, 23, "policy.windows.distill: missing required key 'end'")));
  EXPECT_THAT(Problems("policy:\n  kind: time-of-day\n  windows: []\n"),
              ElementsAre(At(35, 12,
                             "policy.windows: expected a mapping of job name to { start, "
                             "end }, got a list")));
}

TEST_F(PolicyLoaderTest, ComparePoliciesErrors) {
  EXPECT_THAT(Problems("policy: {}\ncompare_policies: [a]\n"),
              ElementsAre(At(34, 19,
                             "compare_policies: expected a mapping of policy name to "
                             "policy, got a list")));
  EXPECT_THAT(Problems("policy: {}\ncompare_policies: {}\n"),
              ElementsAre(At(34, 19,
                             "compare_policies: expected a mapping of policy name to "
                             "policy, got an empty mapping")));
  EXPECT_THAT(Problems("policy: { name: a }\ncompare_policies: { a: { elastic: false } }\n"),
              ElementsAre(At(34, 21,
                             "compare_policies.a: is also the name of another policy "
                             "(policy.name is 'a')")));
  EXPECT_THAT(Problems("policy: {}\ncompare_policies: { b: { kind: fifo } }\n"),
              ElementsAre(At(34, 32,
                             "compare_policies.b.kind: unknown policy kind 'fifo'; "
                             "known: priority-preemption, static-partition, time-of-day")));
  const std::vector<std::string> p = Problems("policy: {}\ncompare_policies: { b: { name: x } }\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_THAT(p[0], HasSubstr("compare_policies.b.name: unknown key 'name'"));
}

TEST_F(PolicyLoaderTest, FailureSpares) {
  Result<models::Scenario> r =
      Load("policy: {}\nfailures: { repair: 2 days, spares: { nodes: 2, swap: 30 min } }\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r.value().failures.spare_nodes, 2);
  EXPECT_DOUBLE_EQ(r.value().failures.swap_s, 1800);
  EXPECT_DOUBLE_EQ(r.value().failures.repair_s, 2 * 86400);
  EXPECT_THAT(
      Problems("policy: {}\nfailures: { repair: 10 min, spares: { nodes: 2, swap: 1 h } }\n"),
      ElementsAre(At(34, 55,
                     "failures.spares.swap: is longer than the repair time: a "
                     "spare would never help")));
  EXPECT_THAT(Problems("policy: {}\nfailures: { spares: { swap: 1 h } }\n"),
              ElementsAre(At(34, 21, "failures.spares: missing required key 'nodes'")));
}

}  // namespace
}  // namespace capsim::config
