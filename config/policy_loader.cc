#include "config/policy_loader.h"

#include <algorithm>
#include <set>

#include "config/loader_parts.h"
#include "config/suggest.h"

namespace capsim::config {
namespace {

using Kind = models::PolicySpec::Kind;

const std::vector<std::string> kKindNames = {"priority-preemption", "static-partition",
                                             "time-of-day"};
const std::vector<std::string> kPolicyKeys = {
    "kind",           "order",        "preemption", "elastic", "rebalance_interval",
    "headroom_nodes", "avatar_nodes", "windows"};
constexpr double kDay = 86400;

}  // namespace

void ReadWorkloadOrder(const MapReader& r, const std::vector<std::string>& names,
                       std::vector<std::string>* order) {
  if (!r.Has("order")) return;
  const YAML::Node node = r.Get("order");
  if (!node.IsSequence()) {
    r.Report("order", "expected a list of workload names, got " + DescribeNode(node));
    return;
  }
  order->clear();
  std::set<std::string> seen;
  const std::set<std::string> known(names.begin(), names.end());
  Diagnostics* d = r.diagnostics();
  const std::vector<YAML::Node> items = r.GetList("order");
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string path = IndexPath(r.PathOf("order"), i);
    if (!items[i].IsScalar()) {
      d->Add(items[i].Mark(), path, "expected a workload name, got " + DescribeNode(items[i]));
      continue;
    }
    const std::string name = items[i].Scalar();
    if (known.count(name) == 0) {
      d->Add(items[i].Mark(), path, UnknownNameMessage("workload", name, names));
    } else if (!seen.insert(name).second) {
      d->Add(items[i].Mark(), path, "names workload '" + name + "' twice");
    }
    order->push_back(name);
  }
  std::vector<std::string> missing;
  for (const std::string& n : names) {
    if (seen.count(n) == 0) missing.push_back("'" + n + "'");
  }
  if (!missing.empty()) {
    r.Report("order", "does not name " + JoinNames(missing) +
                          "; it must name every workload exactly once, highest priority first");
  }
}

namespace {

// windows: { <batch job>: { start: 0 h, end: 8 h }, ... } (times of day, end < start wraps).
void ReadWindows(const MapReader& r, const models::Scenario& s, models::PolicySpec* p) {
  if (!r.Has("windows")) return;
  const YAML::Node node = r.Get("windows");
  if (!node.IsMap() || node.size() == 0) {
    r.Report("windows", "expected a mapping of job name to { start, end }, got " +
                            (node.IsMap() ? std::string("an empty mapping") : DescribeNode(node)));
    return;
  }
  std::vector<std::string> jobs;
  for (const models::TrainingSpec& t : s.trainings) jobs.push_back(t.name);
  for (const models::DistillationSpec& d : s.distillations) jobs.push_back(d.name);
  p->windows.clear();
  for (const auto& entry : node) {
    const std::string name = entry.first.Scalar();
    const std::string path = ChildPath(r.PathOf("windows"), name);
    if (std::find(jobs.begin(), jobs.end(), name) == jobs.end()) {
      r.diagnostics()->Add(entry.first.Mark(), path,
                           UnknownNameMessage("training or distillation workload", name, jobs));
      continue;
    }
    const MapReader w(entry.second, path, {"start", "end"}, r.diagnostics());
    models::PolicySpec::Window window;
    window.workload = name;
    bool ok = w.GetQuantity("start", Dimension::kTime, &window.start_s, Need::kRequired,
                            Bound::kNonNegative);
    ok = w.GetQuantity("end", Dimension::kTime, &window.end_s, Need::kRequired,
                       Bound::kNonNegative) &&
         ok;
    if (!ok) continue;
    for (const char* key : {"start", "end"}) {
      const double v = std::string(key) == "start" ? window.start_s : window.end_s;
      if (v >= kDay) w.Report(key, "is a time of day and must be less than 24 h");
    }
    if (window.start_s == window.end_s) w.Report("end", "equals start: the window is empty");
    p->windows.push_back(window);
  }
}

// Reads one policy mapping over `p` (which holds the defaults).
void ReadPolicy(const MapReader& r, const std::vector<std::string>& names,
                const models::PoolSpec* pool, const models::Scenario& s, models::PolicySpec* p) {
  std::string kind;
  if (r.GetString("kind", &kind)) {
    auto it = std::find(kKindNames.begin(), kKindNames.end(), kind);
    if (it == kKindNames.end()) {
      r.Report("kind", UnknownNameMessage("policy kind", kind, kKindNames));
    } else {
      p->kind = static_cast<Kind>(it - kKindNames.begin());
    }
  }
  r.GetBool("preemption", &p->preemption);
  r.GetBool("elastic", &p->elastic);
  r.GetQuantity("rebalance_interval", Dimension::kTime, &p->rebalance_interval_s, Need::kOptional,
                Bound::kPositive);
  if (r.GetInt("headroom_nodes", &p->headroom_nodes, Need::kOptional, Bound::kNonNegative) &&
      pool != nullptr && p->headroom_nodes >= pool->nodes) {
    r.Report("headroom_nodes",
             "must be fewer than the pool's " + std::to_string(pool->nodes) + " nodes");
  }
  if (r.GetInt("avatar_nodes", &p->avatar_partition_nodes, Need::kOptional, Bound::kAtLeastOne) &&
      pool != nullptr && p->avatar_partition_nodes >= pool->nodes) {
    r.Report("avatar_nodes",
             "must be fewer than the pool's " + std::to_string(pool->nodes) + " nodes");
  }
  ReadWorkloadOrder(r, names, &p->order);
  ReadWindows(r, s, p);
  if (!r.valid()) return;
  if (p->kind == Kind::kStaticPartition) {
    if (p->avatar_partition_nodes <= 0) {
      r.Report("kind", "static-partition needs avatar_nodes: the nodes the avatar service owns");
    } else if (s.avatars.empty()) {
      r.Report("kind",
               "static-partition partitions the pool for an avatar workload; there is none");
    }
  } else if (r.Has("avatar_nodes")) {
    r.Report("avatar_nodes", "applies only to kind: static-partition");
  }
  if (p->kind == Kind::kTimeOfDay && p->windows.empty() && !r.Has("windows")) {
    r.Report("kind", "time-of-day needs windows: { <job>: { start, end } }");
  } else if (p->kind != Kind::kTimeOfDay && r.Has("windows")) {
    r.Report("windows", "applies only to kind: time-of-day");
  }
}

}  // namespace

void ReadPolicies(const MapReader& top, const std::vector<std::string>& names,
                  const models::PoolSpec* pool, models::Scenario* s) {
  std::vector<std::string> keys = kPolicyKeys;
  keys.push_back("name");
  const MapReader r = top.GetMap("policy", keys);
  s->policy.order = names;  // default: file order
  r.GetString("name", &s->policy.name);
  ReadPolicy(r, names, pool, *s, &s->policy);
  if (!top.Has("compare_policies")) return;
  const YAML::Node node = top.Get("compare_policies");
  if (!node.IsMap() || node.size() == 0) {
    top.Report("compare_policies",
               "expected a mapping of policy name to policy, got " +
                   (node.IsMap() ? std::string("an empty mapping") : DescribeNode(node)));
    return;
  }
  std::set<std::string> seen = {s->policy.name};
  for (const auto& entry : node) {
    const std::string name = entry.first.Scalar();
    const std::string path = ChildPath("compare_policies", name);
    if (!seen.insert(name).second) {
      top.diagnostics()->Add(
          entry.first.Mark(), path,
          "is also the name of another policy (policy.name is '" + s->policy.name + "')");
      continue;
    }
    models::PolicySpec p = s->policy;
    p.name = name;
    // A variant of another kind does not inherit the base's kind-specific settings.
    const MapReader v(entry.second, path, kPolicyKeys, top.diagnostics());
    if (v.Has("kind")) {
      p.avatar_partition_nodes = 0;
      p.windows.clear();
    }
    ReadPolicy(v, names, pool, *s, &p);
    s->compare_policies.push_back(std::move(p));
  }
}

}  // namespace capsim::config
