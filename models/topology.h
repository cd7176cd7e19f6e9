#ifndef CAPSIM_MODELS_TOPOLOGY_H_
#define CAPSIM_MODELS_TOPOLOGY_H_

#include <cstdint>
#include <vector>

#include "sim/status.h"

namespace capsim::models {

// How the nodes of one pool are grouped, innermost first: scale-up (NVLink) domains, racks, pods.
// Every field is a scenario input, not a derived figure. For instance the Llama 3 24K-GPU RoCE
// cluster (facilities-and-finance.md, arXiv 2407.21783 §3.3, FIRM) puts 2 eight-GPU servers per
// rack, 192 racks in a pod of 3,072 GPUs at full bisection, and 8 pods with 1:7 oversubscription
// at the aggregation layer:
//
//   TopologySpec llama3{.nodes_per_domain = 1, .nodes_per_rack = 2, .racks_per_pod = 192,
//                       .pod_oversubscription = 7.0};
//   TopologySpec nvl72{.nodes_per_domain = 18, .nodes_per_rack = 18};  // 4-GPU GB200 trays
struct TopologySpec {
  // Nodes sharing one NVLink/scale-up domain: 1 for an 8-GPU HGX H100 node (the domain is the
  // node), 18 for a GB200 NVL72 rack of 4-GPU compute trays. A domain never straddles racks.
  int nodes_per_domain = 1;
  // Nodes under one top-of-rack switch; a multiple of nodes_per_domain.
  int nodes_per_rack = 4;
  // Racks in a pod: the nodes under one set of leaf/spine switches of a rail-optimised fat tree,
  // where traffic between any two nodes runs at the full per-GPU scale-out bandwidth.
  int racks_per_pod = 32;
  // Bandwidth per node inside a pod over bandwidth per node across pods (at the spine/core or
  // aggregation tier); >= 1, 1 = non-blocking, 2 = cross-pod traffic gets half the per-GPU
  // scale-out bandwidth.
  double pod_oversubscription = 1.0;
};

// The fixed physical layout of one pool of nodes, and job placement on it. Nodes are numbered
// 0..nodes-1, filling domains, then racks, then pods in order; the last domain, rack and pod may
// be partial. Placement keeps every tensor-parallel group inside one scale-up domain and a job
// inside as few pods as it can (best fit), so that its data-parallel traffic stays off the
// oversubscribed spine. Immutable after Create; the const members are safe to call concurrently.
//
//   Result<Topology> t = Topology::Create(/*nodes=*/1152, {.nodes_per_domain = 18,
//                                                           .nodes_per_rack = 18});
//   std::vector<int> nodes = t.value().Place(free, /*count=*/72, /*group_nodes=*/2);
//   if (nodes.empty()) { /* wait */ }
//   double bw_share = t.value().ScaleOutFactor(nodes);
class Topology {
 public:
  // A topology of `nodes` nodes laid out by `spec`; fails, naming each bad field and its value,
  // when nodes <= 0, a count is < 1, pod_oversubscription is < 1 or not finite, or
  // nodes_per_rack is not a multiple of nodes_per_domain.
  static Result<Topology> Create(int nodes, const TopologySpec& spec);

  // The scale-up domain of `node` (0 <= node < nodes()).
  int DomainOf(int node) const;
  // The rack of `node` (0 <= node < nodes()).
  int RackOf(int node) const;
  // The pod of `node` (0 <= node < nodes()).
  int PodOf(int node) const;

  // Chooses `count` of `free_nodes` (any order, unique, each in [0, nodes())) for a job whose
  // tensor-parallel groups each need `group_nodes` nodes inside one domain (count > 0 and a
  // multiple of group_nodes); returns them sorted ascending, or empty when they cannot be placed.
  // Rules, each tie broken by the lowest id: no group straddles a domain; the job goes into the
  // one pod with the least usable free capacity that fits it (best fit), else over the fewest
  // pods (the largest pods whole, the remainder in the best-fitting other pod); inside a pod,
  // partly used domains (fewest free nodes first) are filled before fully free ones, and the
  // lowest ids of a domain are taken first. Deterministic; O(free log free + pods).
  std::vector<int> Place(const std::vector<int>& free_nodes, int count, int group_nodes) const;
  // The free nodes that can hold whole groups of `group_nodes` (>= 1): the sum over domains of
  // floor(free in domain / group_nodes) x group_nodes.
  int UsableNodes(const std::vector<int>& free_nodes, int group_nodes) const;
  // The number of distinct pods holding `nodes` (each in [0, nodes())); 0 when empty.
  int PodsSpanned(const std::vector<int>& nodes) const;
  // The share of the per-GPU scale-out bandwidth a data-parallel all-reduce over `nodes` gets:
  // 1 when they lie in one pod (or none), 1 / pod_oversubscription when it crosses the spine.
  double ScaleOutFactor(const std::vector<int>& nodes) const;

  int nodes() const { return nodes_; }
  int domains() const { return domains_; }
  int racks() const { return racks_; }
  int pods() const { return pods_; }
  // Nodes in a full pod (nodes_per_rack x racks_per_pod).
  int64_t nodes_per_pod() const { return nodes_per_pod_; }
  const TopologySpec& spec() const { return spec_; }

 private:
  // The free nodes of one domain: sorted_free[begin, begin + free).
  struct DomainRun {
    int domain;
    int begin;
    int free;
  };
  Topology(int nodes, const TopologySpec& spec);
  // The nodes in `domain` (nodes_per_domain, fewer for a partial last domain).
  int DomainSize(int domain) const;
  // Sorts a copy of `free_nodes` into `sorted` and fills `runs` with one entry per domain holding
  // a free node, in domain order; asserts the ids are in range and unique.
  void GroupByDomain(const std::vector<int>& free_nodes, std::vector<int>& sorted,
                     std::vector<DomainRun>& runs) const;

  int nodes_;
  TopologySpec spec_;
  int64_t nodes_per_pod_;
  int domains_;
  int racks_;
  int pods_;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_TOPOLOGY_H_
