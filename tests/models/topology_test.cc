#include "models/topology.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace capsim::models {
namespace {

Topology Make(int nodes, const TopologySpec& spec) {
  Result<Topology> t = Topology::Create(nodes, spec);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(t).value();
}

// The ids [begin, end).
std::vector<int> Range(int begin, int end) {
  std::vector<int> v;
  for (int i = begin; i < end; ++i) v.push_back(i);
  return v;
}

// Concatenation of `parts`.
std::vector<int> Join(std::initializer_list<std::vector<int>> parts) {
  std::vector<int> v;
  for (const std::vector<int>& p : parts) v.insert(v.end(), p.begin(), p.end());
  return v;
}

// The placed nodes per domain.
std::map<int, int> PerDomain(const Topology& t, const std::vector<int>& nodes) {
  std::map<int, int> m;
  for (int n : nodes) ++m[t.DomainOf(n)];
  return m;
}

// The problem text of a failed Create.
std::string CreateError(int nodes, const TopologySpec& spec) {
  Result<Topology> t = Topology::Create(nodes, spec);
  EXPECT_FALSE(t.ok());
  return t.ok() ? std::string() : t.status().ToString();
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(Topology, NumbersNodesIntoDomainsRacksAndPodsWithAPartialLastPod) {
  // Domains of 2, racks of 4, pods of 3 racks = 12 nodes; 100 nodes = 8 full pods + 4 nodes.
  Topology t = Make(100, {.nodes_per_domain = 2, .nodes_per_rack = 4, .racks_per_pod = 3});
  EXPECT_EQ(t.nodes(), 100);
  EXPECT_EQ(t.domains(), 50);
  EXPECT_EQ(t.racks(), 25);
  EXPECT_EQ(t.pods(), 9);
  EXPECT_EQ(t.nodes_per_pod(), 12);
  EXPECT_EQ(t.DomainOf(0), 0);
  EXPECT_EQ(t.RackOf(0), 0);
  EXPECT_EQ(t.PodOf(0), 0);
  EXPECT_EQ(t.DomainOf(1), 0);
  EXPECT_EQ(t.DomainOf(2), 1);
  EXPECT_EQ(t.RackOf(3), 0);
  EXPECT_EQ(t.RackOf(4), 1);
  EXPECT_EQ(t.PodOf(11), 0);
  EXPECT_EQ(t.PodOf(12), 1);
  EXPECT_EQ(t.PodOf(95), 7);
  EXPECT_EQ(t.PodOf(96), 8);  // the partial last pod
  EXPECT_EQ(t.DomainOf(99), 49);
  EXPECT_EQ(t.RackOf(99), 24);
  EXPECT_EQ(t.PodOf(99), 8);

  // A partial last domain and rack: 7 nodes in domains of 2 and racks of 4.
  Topology odd = Make(7, {.nodes_per_domain = 2, .nodes_per_rack = 4, .racks_per_pod = 1});
  EXPECT_EQ(odd.domains(), 4);
  EXPECT_EQ(odd.racks(), 2);
  EXPECT_EQ(odd.pods(), 2);
  EXPECT_EQ(odd.DomainOf(6), 3);
  EXPECT_EQ(odd.PodOf(6), 1);
}

TEST(Topology, DefaultSpecHasNodeDomainsAndPodsOf128Nodes) {
  Topology t = Make(256, {});
  EXPECT_EQ(t.domains(), 256);
  EXPECT_EQ(t.racks(), 64);
  EXPECT_EQ(t.pods(), 2);
  EXPECT_EQ(t.PodOf(127), 0);
  EXPECT_EQ(t.PodOf(128), 1);
  EXPECT_EQ(t.spec().pod_oversubscription, 1.0);
}

TEST(Topology, CreateRejectsNonPositiveNodes) {
  EXPECT_TRUE(Contains(CreateError(0, {}), "topology: nodes must be >= 1, got 0"));
  EXPECT_TRUE(Contains(CreateError(-3, {}), "topology: nodes must be >= 1, got -3"));
}

TEST(Topology, CreateRejectsNodesPerDomainBelowOne) {
  std::string e = CreateError(8, {.nodes_per_domain = 0});
  EXPECT_TRUE(Contains(e, "nodes_per_domain must be >= 1, got 0")) << e;
}

TEST(Topology, CreateRejectsNodesPerRackBelowOne) {
  std::string e = CreateError(8, {.nodes_per_rack = -1});
  EXPECT_TRUE(Contains(e, "nodes_per_rack must be >= 1, got -1")) << e;
}

TEST(Topology, CreateRejectsRacksPerPodBelowOne) {
  std::string e = CreateError(8, {.racks_per_pod = 0});
  EXPECT_TRUE(Contains(e, "racks_per_pod must be >= 1, got 0")) << e;
}

TEST(Topology, CreateRejectsOversubscriptionBelowOneOrNotFinite) {
  std::string e = CreateError(8, {.pod_oversubscription = 0.5});
  EXPECT_TRUE(Contains(e, "pod_oversubscription")) << e;
  EXPECT_TRUE(Contains(e, "got 0.5")) << e;
  EXPECT_TRUE(Contains(CreateError(8, {.pod_oversubscription = 0.0}), "got 0"));
  EXPECT_TRUE(
      Contains(CreateError(8, {.pod_oversubscription = std::numeric_limits<double>::quiet_NaN()}),
               "pod_oversubscription"));
  EXPECT_TRUE(
      Contains(CreateError(8, {.pod_oversubscription = std::numeric_limits<double>::infinity()}),
               "pod_oversubscription"));
  // Exactly 1 (non-blocking) is fine.
  EXPECT_TRUE(Topology::Create(8, {.pod_oversubscription = 1.0}).ok());
}

TEST(Topology, CreateRejectsADomainStraddlingRacks) {
  std::string e = CreateError(12, {.nodes_per_domain = 3, .nodes_per_rack = 4});
  EXPECT_TRUE(Contains(e, "nodes_per_rack (4) must be a multiple of nodes_per_domain (3)")) << e;
  // A rack of several whole domains is fine.
  EXPECT_TRUE(Topology::Create(12, {.nodes_per_domain = 3, .nodes_per_rack = 6}).ok());
}

TEST(Topology, CreateReportsEveryProblem) {
  Result<Topology> t = Topology::Create(
      0, {.nodes_per_domain = 0, .racks_per_pod = 0, .pod_oversubscription = 0.25});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().problems().size(), 4u) << t.status().ToString();
}

TEST(Topology, PlaceKeepsNvl72GroupsInsideDomains) {
  // GB200 NVL72: 18 four-GPU trays share one NVLink domain (one rack). Four racks, one pod.
  Topology t = Make(72, {.nodes_per_domain = 18, .nodes_per_rack = 18, .racks_per_pod = 8});
  // Domain 0 has 10 free, domain 1 is whole, domain 2 has 17 free, domain 3 is full.
  std::vector<int> free = Join({Range(0, 10), Range(18, 36), Range(36, 53)});

  // A 72-GPU TP group needs a whole domain: only domain 1 qualifies.
  EXPECT_EQ(t.Place(free, 18, 18), Range(18, 36));
  EXPECT_TRUE(t.Place(free, 36, 18).empty());

  // Pairs of trays (TP 8): the partly used domains first, fewest free first, in even counts.
  std::vector<int> pairs = t.Place(free, 20, 2);
  EXPECT_EQ(pairs, Join({Range(0, 10), Range(36, 46)}));
  for (const auto& [domain, n] : PerDomain(t, pairs)) EXPECT_EQ(n % 2, 0) << "domain " << domain;

  // 44 usable (10 + 18 + 16): domain 2's odd node is left out.
  std::vector<int> all = t.Place(free, 44, 2);
  ASSERT_EQ(all.size(), 44u);
  EXPECT_EQ(std::count(all.begin(), all.end(), 52), 0);
  for (const auto& [domain, n] : PerDomain(t, all)) EXPECT_EQ(n % 2, 0) << "domain " << domain;
  EXPECT_TRUE(t.Place(free, 46, 2).empty());
}

TEST(Topology, PlacePicksTheFullestPodThatFits) {
  // Pods of 8 nodes (2 racks of 4), 4 pods. Free: pod 0 whole, pod 1 five, pod 2 three,
  // pod 3 four.
  Topology t = Make(32, {.nodes_per_domain = 1, .nodes_per_rack = 4, .racks_per_pod = 2});
  std::vector<int> free = Join({Range(0, 8), Range(8, 13), Range(16, 19), Range(24, 28)});
  EXPECT_EQ(t.Place(free, 4, 1), Range(24, 28));  // pod 3 exactly; pod 0 stays whole
  EXPECT_EQ(t.Place(free, 5, 1), Range(8, 13));   // pod 1 exactly
  EXPECT_EQ(t.Place(free, 3, 1), Range(16, 19));  // pod 2 exactly
  EXPECT_EQ(t.Place(free, 2, 1), Range(16, 18));  // the fullest pod, lowest ids
  EXPECT_EQ(t.Place(free, 6, 1), Range(0, 6));    // only pod 0 fits
  for (int count : {1, 2, 3, 4, 5, 6, 7, 8}) {
    EXPECT_EQ(t.PodsSpanned(t.Place(free, count, 1)), 1) << count;
  }
}

TEST(Topology, PlaceBreaksTiesBetweenEqualPodsByLowestId) {
  Topology t = Make(32, {.nodes_per_domain = 1, .nodes_per_rack = 4, .racks_per_pod = 2});
  // Pods 1 and 3 both have 4 free; pod 0 has 6.
  std::vector<int> free = Join({Range(0, 6), Range(12, 16), Range(28, 32)});
  EXPECT_EQ(t.Place(free, 4, 1), Range(12, 16));
}

TEST(Topology, PlaceSpillsOverTheFewestPods) {
  Topology t = Make(32, {.nodes_per_domain = 1, .nodes_per_rack = 4, .racks_per_pod = 2});
  std::vector<int> free = Join({Range(0, 8), Range(8, 13), Range(16, 19), Range(24, 28)});
  // 12: pod 0 whole (8), the remaining 4 in the best-fitting other pod (pod 3).
  std::vector<int> twelve = t.Place(free, 12, 1);
  EXPECT_EQ(twelve, Join({Range(0, 8), Range(24, 28)}));
  EXPECT_EQ(t.PodsSpanned(twelve), 2);
  // 16 needs three pods (8 + 5 = 13 < 16): pods 0 and 1 whole, 3 more from pod 2 (exact fit).
  std::vector<int> sixteen = t.Place(free, 16, 1);
  EXPECT_EQ(sixteen, Join({Range(0, 8), Range(8, 13), Range(16, 19)}));
  EXPECT_EQ(t.PodsSpanned(sixteen), 3);
  // Everything, then one too many.
  EXPECT_EQ(t.Place(free, 20, 1).size(), 20u);
  EXPECT_TRUE(t.Place(free, 21, 1).empty());

  // Lowest-id-first would take 3 + 3 + 4 over three pods; largest-first needs two.
  std::vector<int> spread = Join({Range(5, 8), Range(13, 16), Range(16, 24)});
  std::vector<int> ten = t.Place(spread, 10, 1);
  EXPECT_EQ(t.PodsSpanned(ten), 2);
  EXPECT_EQ(ten, Join({Range(5, 7), Range(16, 24)}));  // remainder 2 to pod 0 (tie, lowest id)
}

TEST(Topology, PlaceFillsPartlyUsedDomainsFirst) {
  // One pod of six 6-node domains. Domain 0 whole, domain 1 four free, domain 2 two free,
  // domain 3 whole, domains 4 and 5 full.
  Topology t = Make(36, {.nodes_per_domain = 6, .nodes_per_rack = 6, .racks_per_pod = 6});
  std::vector<int> free = Join({Range(0, 6), Range(6, 10), Range(16, 18), Range(18, 24)});
  // Fewest free first: domain 2 (2), then domain 1 (4); no whole domain is broken.
  EXPECT_EQ(t.Place(free, 6, 2), Join({Range(6, 10), Range(16, 18)}));
  // Two more nodes break into the lowest whole domain.
  EXPECT_EQ(t.Place(free, 8, 2), Join({Range(0, 2), Range(6, 10), Range(16, 18)}));
  // Single nodes: the same order.
  EXPECT_EQ(t.Place(free, 3, 1), Join({Range(6, 7), Range(16, 18)}));
}

TEST(Topology, PlaceBreaksIntoAWholePartialDomainOnlyAfterPartlyUsedOnes) {
  // 16 nodes in domains of 6: the last domain (12..15) is partial, 4 nodes. Domain 0 has 5 free
  // (partly used), the partial domain is wholly free (4, fewer free nodes but untouched).
  Topology t = Make(16, {.nodes_per_domain = 6, .nodes_per_rack = 6, .racks_per_pod = 3});
  ASSERT_EQ(t.domains(), 3);
  std::vector<int> free = Join({Range(1, 6), Range(12, 16)});
  EXPECT_EQ(t.Place(free, 2, 1), Range(1, 3));
  EXPECT_EQ(t.Place(free, 4, 2), Range(1, 5));
  // Past the partly used domain, the smaller whole domain comes next.
  EXPECT_EQ(t.Place(free, 6, 1), Join({Range(1, 6), Range(12, 13)}));
}

TEST(Topology, PlaceReturnsEmptyWhenFragmented) {
  // Two NVL72-like domains with 9 free each: 18 free nodes, but no whole domain for an
  // 18-node group.
  Topology nvl = Make(36, {.nodes_per_domain = 18, .nodes_per_rack = 18, .racks_per_pod = 2});
  std::vector<int> halves = Join({Range(0, 9), Range(27, 36)});
  EXPECT_EQ(nvl.UsableNodes(halves, 18), 0);
  EXPECT_LT(nvl.UsableNodes(halves, 18), static_cast<int>(halves.size()));
  EXPECT_TRUE(nvl.Place(halves, 18, 18).empty());
  // Smaller groups still fit.
  EXPECT_EQ(nvl.Place(halves, 18, 9), halves);

  // Domains of 4 with 1, 3, 1 and 1 free: 6 free but only one pair.
  Topology t = Make(16, {.nodes_per_domain = 4, .nodes_per_rack = 4, .racks_per_pod = 4});
  std::vector<int> free = {0, 5, 6, 7, 8, 12};
  EXPECT_EQ(t.UsableNodes(free, 2), 2);
  EXPECT_LT(t.UsableNodes(free, 2), static_cast<int>(free.size()));
  EXPECT_TRUE(t.Place(free, 4, 2).empty());
  EXPECT_EQ(t.Place(free, 2, 2), (std::vector<int>{5, 6}));
  // More nodes than are free, and groups larger than a domain.
  EXPECT_TRUE(t.Place(free, 8, 1).empty());
  EXPECT_TRUE(t.Place(Range(0, 16), 8, 8).empty());
  EXPECT_TRUE(t.Place({}, 1, 1).empty());
}

TEST(Topology, UsableNodesCountsWholeGroupsPerDomain) {
  Topology t = Make(16, {.nodes_per_domain = 4, .nodes_per_rack = 4, .racks_per_pod = 4});
  std::vector<int> free = {0, 5, 6, 7, 8, 12, 13, 14, 15};  // 1, 3, 1, 4 per domain
  EXPECT_EQ(t.UsableNodes(free, 1), 9);
  EXPECT_EQ(t.UsableNodes(free, 2), 6);  // 0 + 2 + 0 + 4
  EXPECT_EQ(t.UsableNodes(free, 3), 6);  // 0 + 3 + 0 + 3
  EXPECT_EQ(t.UsableNodes(free, 4), 4);
  EXPECT_EQ(t.UsableNodes(free, 5), 0);
  EXPECT_EQ(t.UsableNodes({}, 1), 0);
}

TEST(Topology, PodsSpannedAndScaleOutFactor) {
  // Pods of 8, three of them, 1:7 oversubscribed between pods.
  Topology t = Make(24, {.nodes_per_domain = 1,
                         .nodes_per_rack = 4,
                         .racks_per_pod = 2,
                         .pod_oversubscription = 7.0});
  EXPECT_EQ(t.PodsSpanned({}), 0);
  EXPECT_EQ(t.PodsSpanned({0, 7}), 1);
  EXPECT_EQ(t.PodsSpanned({7, 8}), 2);
  EXPECT_EQ(t.PodsSpanned({17, 0, 8, 16}), 3);
  EXPECT_DOUBLE_EQ(t.ScaleOutFactor({}), 1.0);
  EXPECT_DOUBLE_EQ(t.ScaleOutFactor({3}), 1.0);
  EXPECT_DOUBLE_EQ(t.ScaleOutFactor({0, 7}), 1.0);
  EXPECT_DOUBLE_EQ(t.ScaleOutFactor({7, 8}), 1.0 / 7.0);
  EXPECT_DOUBLE_EQ(t.ScaleOutFactor({0, 8, 16}), 1.0 / 7.0);

  Topology fat = Make(24, {.nodes_per_domain = 1, .nodes_per_rack = 4, .racks_per_pod = 2});
  EXPECT_DOUBLE_EQ(fat.ScaleOutFactor({7, 8}), 1.0);
}

TEST(Topology, PlaceIsDeterministicAndIgnoresInputOrder) {
  Topology t = Make(288, {.nodes_per_domain = 18, .nodes_per_rack = 18, .racks_per_pod = 4});
  // A scattered free set from a fixed linear congruential sequence.
  std::vector<int> free;
  uint32_t x = 12345;
  for (int n = 0; n < t.nodes(); ++n) {
    x = x * 1664525u + 1013904223u;
    if ((x >> 16) % 3 != 0) free.push_back(n);
  }
  std::vector<int> reversed(free.rbegin(), free.rend());
  const int usable = t.UsableNodes(free, 2);
  ASSERT_GT(usable, 100);
  for (int count : {2, 18, 40, 100, usable - usable % 2}) {
    std::vector<int> a = t.Place(free, count, 2);
    ASSERT_EQ(static_cast<int>(a.size()), count);
    EXPECT_EQ(t.Place(free, count, 2), a);
    EXPECT_EQ(t.Place(reversed, count, 2), a);
    EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
    EXPECT_EQ(std::adjacent_find(a.begin(), a.end()), a.end());
    for (int n : a) EXPECT_TRUE(std::binary_search(free.begin(), free.end(), n)) << n;
    for (const auto& [domain, k] : PerDomain(t, a)) EXPECT_EQ(k % 2, 0) << domain;
  }
  EXPECT_TRUE(t.Place(free, usable + 2, 2).empty());
}

TEST(Topology, PlacesLlama3ScaleJobsOnTheFewestPods) {
  // 24,576 H100 = 3,072 eight-GPU nodes; 2 per rack, 192 racks = 384 nodes (3,072 GPUs) per
  // pod; 8 pods at 1:7 (arXiv 2407.21783 §3.3).
  Topology t = Make(3072, {.nodes_per_domain = 1,
                           .nodes_per_rack = 2,
                           .racks_per_pod = 192,
                           .pod_oversubscription = 7.0});
  ASSERT_EQ(t.pods(), 8);
  std::vector<int> all = Range(0, 3072);
  // 16,384 GPUs = 2,048 nodes: 5 pods hold 1,920, so 6 are needed.
  std::vector<int> big = t.Place(all, 2048, 1);
  ASSERT_EQ(big.size(), 2048u);
  EXPECT_EQ(t.PodsSpanned(big), 6);
  EXPECT_DOUBLE_EQ(t.ScaleOutFactor(big), 1.0 / 7.0);
  // A 2,048-GPU job (256 nodes) fits in one pod: the partly used pod 4 (300 free) rather than
  // the whole pods 5 to 7.
  std::vector<int> rest = Range(1620, 3072);  // pod 4 is nodes 1536..1919
  EXPECT_EQ(t.Place(rest, 256, 1), Range(1620, 1876));
  // 400 nodes do not fit one pod: a whole pod (the lowest of the equal pods 5 to 7), the
  // remaining 16 in the fullest pod that holds them (pod 4).
  std::vector<int> spill = t.Place(rest, 400, 1);
  EXPECT_EQ(spill, Join({Range(1620, 1636), Range(1920, 2304)}));
  EXPECT_EQ(t.PodsSpanned(spill), 2);
}

}  // namespace
}  // namespace capsim::models
