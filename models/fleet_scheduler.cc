#include "models/fleet_scheduler.h"

#include <algorithm>
#include <cassert>
#include <functional>

namespace capsim::models {

FleetScheduler::FleetScheduler(sim::Simulator& sim, int nodes, int avatar_rank, bool preemption,
                               int grow_reserve)
    : sim_(sim),
      nodes_(nodes),
      avatar_rank_(avatar_rank),
      preemption_(preemption),
      grow_reserve_(grow_reserve),
      avatar_node_count_(sim.Now(), 0),
      idle_count_(sim.Now(), nodes) {
  assert(nodes > 0);
  for (int i = nodes - 1; i >= 0; --i) idle_.push_back(i);
}

void FleetScheduler::AddJob(BatchJob* job, int rank) {
  jobs_.push_back({job, rank});
  std::stable_sort(jobs_.begin(), jobs_.end(),
                   [](const Entry& a, const Entry& b) { return a.rank < b.rank; });
  job->SetOnFinished([this](BatchJob& j) { OnJobFinished(j); });
}

void FleetScheduler::Touch() {
  avatar_node_count_.Set(sim_.Now(), avatar_nodes_);
  idle_count_.Set(sim_.Now(), static_cast<double>(idle_.size()));
}

int FleetScheduler::TakeIdle() {
  assert(!idle_.empty());
  int n = idle_.back();
  idle_.pop_back();
  return n;
}

std::vector<int> FleetScheduler::TakeIdleNodes(int n) {
  std::vector<int> out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) out.push_back(TakeIdle());
  return out;
}

void FleetScheduler::GiveIdle(const std::vector<int>& nodes) {
  idle_.insert(idle_.end(), nodes.begin(), nodes.end());
  std::sort(idle_.begin(), idle_.end(), std::greater<int>());
}

int FleetScheduler::waiting_jobs() const {
  int n = 0;
  for (const Entry& e : jobs_) n += e.job->state() == BatchJob::State::kWaiting ? 1 : 0;
  return n;
}

void FleetScheduler::PreemptBelow(int rank, int want) {
  for (auto it = jobs_.rbegin(); it != jobs_.rend() && idle_nodes() < want; ++it) {
    BatchJob& job = *it->job;
    if (it->rank <= rank) break;
    if (job.state() == BatchJob::State::kWaiting || job.done()) continue;
    int held = static_cast<int>(job.nodes().size());
    int need = want - idle_nodes();
    if (held - need >= job.min_nodes() && need < held) {
      GiveIdle(job.Shrink(need));  // an elastic job keeps running on fewer nodes
    } else {
      GiveIdle(job.Preempt());
    }
  }
}

void FleetScheduler::Reallocate() {
  for (const Entry& e : jobs_) {
    BatchJob& job = *e.job;
    if (job.done()) continue;
    if (job.state() == BatchJob::State::kWaiting) {
      if (idle_nodes() < job.min_nodes() && preemption_) PreemptBelow(e.rank, job.min_nodes());
      if (idle_nodes() < job.min_nodes()) continue;
      job.Start(TakeIdleNodes(std::min(idle_nodes(), job.max_nodes())));
    } else {
      // Elastic growth toward the maximum, only in steps worth a reconfiguration (>= 25%).
      int held = static_cast<int>(job.nodes().size());
      int room = std::min(idle_nodes() - grow_reserve_, job.max_nodes() - held);
      if (room > 0 && (held + room == job.max_nodes() || room * 4 >= held)) {
        job.Grow(TakeIdleNodes(room));
      }
    }
  }
  Touch();
}

int FleetScheduler::GrantAvatarNode() {
  if (idle_.empty() && preemption_) PreemptBelow(avatar_rank_, 1);
  if (idle_.empty()) return -1;
  int node = TakeIdle();
  ++avatar_nodes_;
  // Nodes freed beyond the one granted (a whole gang) go to other jobs at once.
  Reallocate();
  return node;
}

void FleetScheduler::ReturnAvatarNode(int node) {
  assert(avatar_nodes_ > 0);
  --avatar_nodes_;
  GiveIdle({node});
  Reallocate();
}

bool FleetScheduler::ReserveNodes(int count) {
  if (count < 0 || count > idle_nodes()) return false;
  TakeIdleNodes(count);
  reserved_nodes_ += count;
  Touch();
  return true;
}

void FleetScheduler::OnJobFinished(BatchJob& job) {
  std::vector<int> freed = job.nodes();
  GiveIdle(freed);
  Reallocate();
}

}  // namespace capsim::models
