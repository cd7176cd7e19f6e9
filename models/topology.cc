#include "models/topology.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>
#include <utility>

namespace capsim::models {
namespace {

// ceil(a / b) for a >= 0, b >= 1.
int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Formats a double without trailing zeros noise ("0.5", "nan").
std::string FormatDouble(double x) {
  std::string s = std::to_string(x);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

}  // namespace

Result<Topology> Topology::Create(int nodes, const TopologySpec& spec) {
  std::vector<std::string> problems;
  auto at_least_one = [&problems](const char* field, int value) {
    if (value < 1) {
      problems.push_back(std::string("topology: ") + field + " must be >= 1, got " +
                         std::to_string(value));
    }
  };
  at_least_one("nodes", nodes);
  at_least_one("nodes_per_domain", spec.nodes_per_domain);
  at_least_one("nodes_per_rack", spec.nodes_per_rack);
  at_least_one("racks_per_pod", spec.racks_per_pod);
  if (!(spec.pod_oversubscription >= 1.0) || !std::isfinite(spec.pod_oversubscription)) {
    problems.push_back(
        "topology: pod_oversubscription must be a finite number >= 1 (1 = non-blocking), got " +
        FormatDouble(spec.pod_oversubscription));
  }
  if (spec.nodes_per_domain >= 1 && spec.nodes_per_rack >= 1 &&
      spec.nodes_per_rack % spec.nodes_per_domain != 0) {
    problems.push_back("topology: nodes_per_rack (" + std::to_string(spec.nodes_per_rack) +
                       ") must be a multiple of nodes_per_domain (" +
                       std::to_string(spec.nodes_per_domain) +
                       "): a scale-up domain must not straddle racks");
  }
  if (!problems.empty()) return Status::Errors(std::move(problems));
  return Topology(nodes, spec);
}

Topology::Topology(int nodes, const TopologySpec& spec)
    : nodes_(nodes),
      spec_(spec),
      nodes_per_pod_(static_cast<int64_t>(spec.nodes_per_rack) * spec.racks_per_pod),
      domains_(static_cast<int>(CeilDiv(nodes, spec.nodes_per_domain))),
      racks_(static_cast<int>(CeilDiv(nodes, spec.nodes_per_rack))),
      pods_(static_cast<int>(CeilDiv(nodes, nodes_per_pod_))) {
  assert(nodes_ >= 1 && nodes_per_pod_ >= 1);
  assert(spec_.nodes_per_rack % spec_.nodes_per_domain == 0);
}

int Topology::DomainOf(int node) const {
  assert(node >= 0 && node < nodes_);
  return node / spec_.nodes_per_domain;
}

int Topology::RackOf(int node) const {
  assert(node >= 0 && node < nodes_);
  return node / spec_.nodes_per_rack;
}

int Topology::PodOf(int node) const {
  assert(node >= 0 && node < nodes_);
  return static_cast<int>(node / nodes_per_pod_);
}

int Topology::DomainSize(int domain) const {
  assert(domain >= 0 && domain < domains_);
  return std::min(spec_.nodes_per_domain, nodes_ - domain * spec_.nodes_per_domain);
}

void Topology::GroupByDomain(const std::vector<int>& free_nodes, std::vector<int>& sorted,
                             std::vector<DomainRun>& runs) const {
  sorted = free_nodes;
  std::sort(sorted.begin(), sorted.end());
  runs.clear();
  const int n = static_cast<int>(sorted.size());
  for (int i = 0; i < n; ++i) {
    assert(sorted[i] >= 0 && sorted[i] < nodes_);
    assert(i == 0 || sorted[i] != sorted[i - 1]);  // ids must be unique
    const int domain = DomainOf(sorted[i]);
    if (runs.empty() || runs.back().domain != domain) {
      runs.push_back({domain, i, 0});
    }
    ++runs.back().free;
  }
}

std::vector<int> Topology::Place(const std::vector<int>& free_nodes, int count,
                                 int group_nodes) const {
  assert(count > 0);
  assert(group_nodes >= 1);
  assert(count % group_nodes == 0);
  if (group_nodes > spec_.nodes_per_domain || count > static_cast<int>(free_nodes.size())) {
    return {};
  }

  std::vector<int> sorted;
  std::vector<DomainRun> runs;
  GroupByDomain(free_nodes, sorted, runs);

  // Keep only the domains that can hold a group, and sum the usable nodes of each pod. Runs are in
  // domain order and a domain never straddles a pod, so each pod's runs are contiguous.
  struct PodFree {
    int pod;
    int usable;
    int first_run;  // runs[first_run, end_run)
    int end_run;
  };
  std::vector<PodFree> pods;
  int kept = 0;
  int64_t total_usable = 0;
  for (const DomainRun& run : runs) {
    const int usable = run.free / group_nodes * group_nodes;
    if (usable == 0) continue;
    const int pod = PodOf(sorted[run.begin]);
    if (pods.empty() || pods.back().pod != pod) pods.push_back({pod, 0, kept, kept});
    pods.back().usable += usable;
    pods.back().end_run = kept + 1;
    runs[kept++] = run;
    total_usable += usable;
  }
  runs.resize(kept);
  if (total_usable < count) return {};

  // The pod, among pods[from..], with the least usable capacity >= need (lowest id on ties);
  // -1 when none. `order` lists indices into `pods`.
  auto best_fit = [&pods](const std::vector<int>& order, size_t from, int need) {
    int best = -1;
    for (size_t i = from; i < order.size(); ++i) {
      const PodFree& p = pods[order[i]];
      if (p.usable < need) continue;
      if (best < 0 || p.usable < pods[best].usable ||
          (p.usable == pods[best].usable && p.pod < pods[best].pod)) {
        best = order[i];
      }
    }
    return best;
  };

  // Which pods, and how many nodes from each: (index into pods, nodes to take).
  std::vector<std::pair<int, int>> takes;
  std::vector<int> order(pods.size());
  for (size_t i = 0; i < pods.size(); ++i) order[i] = static_cast<int>(i);
  if (int one = best_fit(order, 0, count); one >= 0) {
    takes.push_back({one, count});
  } else {
    // Fewest pods: the largest whole, the remainder in the best-fitting pod of the rest.
    std::sort(order.begin(), order.end(), [&pods](int a, int b) {
      if (pods[a].usable != pods[b].usable) return pods[a].usable > pods[b].usable;
      return pods[a].pod < pods[b].pod;
    });
    int remaining = count;
    for (size_t i = 0; i < order.size(); ++i) {
      const PodFree& p = pods[order[i]];
      if (remaining <= p.usable) {
        const int last = best_fit(order, i, remaining);
        assert(last >= 0);
        takes.push_back({last, remaining});
        remaining = 0;
        break;
      }
      takes.push_back({order[i], p.usable});
      remaining -= p.usable;
    }
    assert(remaining == 0);
  }

  // Inside each pod: partly used domains first (fewest free nodes first), then fully free ones
  // (a smaller, partial last domain before a whole one), then by domain id.
  std::vector<int> placed;
  placed.reserve(count);
  std::vector<int> domain_order;
  for (const auto& [pod_index, take] : takes) {
    const PodFree& p = pods[pod_index];
    domain_order.clear();
    for (int r = p.first_run; r < p.end_run; ++r) domain_order.push_back(r);
    if (take < p.usable) {
      std::sort(domain_order.begin(), domain_order.end(), [this, &runs](int a, int b) {
        const DomainRun& ra = runs[a];
        const DomainRun& rb = runs[b];
        const bool whole_a = ra.free == DomainSize(ra.domain);
        const bool whole_b = rb.free == DomainSize(rb.domain);
        if (whole_a != whole_b) return !whole_a;
        if (ra.free != rb.free) return ra.free < rb.free;
        return ra.domain < rb.domain;
      });
    }
    int remaining = take;
    for (int r : domain_order) {
      if (remaining == 0) break;
      const DomainRun& run = runs[r];
      const int n = std::min(run.free / group_nodes * group_nodes, remaining);
      assert(n % group_nodes == 0);
      placed.insert(placed.end(), sorted.begin() + run.begin, sorted.begin() + run.begin + n);
      remaining -= n;
    }
    assert(remaining == 0);
  }
  assert(static_cast<int>(placed.size()) == count);
  std::sort(placed.begin(), placed.end());
  return placed;
}

int Topology::UsableNodes(const std::vector<int>& free_nodes, int group_nodes) const {
  assert(group_nodes >= 1);
  std::vector<int> sorted;
  std::vector<DomainRun> runs;
  GroupByDomain(free_nodes, sorted, runs);
  int usable = 0;
  for (const DomainRun& run : runs) usable += run.free / group_nodes * group_nodes;
  return usable;
}

int Topology::PodsSpanned(const std::vector<int>& nodes) const {
  std::vector<char> seen(pods_, 0);
  int spanned = 0;
  for (int node : nodes) {
    const int pod = PodOf(node);
    if (!seen[pod]) {
      seen[pod] = 1;
      ++spanned;
    }
  }
  return spanned;
}

double Topology::ScaleOutFactor(const std::vector<int>& nodes) const {
  return PodsSpanned(nodes) <= 1 ? 1.0 : 1.0 / spec_.pod_oversubscription;
}

}  // namespace capsim::models
