#include "models/fleet_scheduler.h"

#include <algorithm>
#include <cassert>
#include <cmath>
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
      idle_count_(sim.Now(), nodes),
      stranded_count_(sim.Now(), 0),
      serving_node_count_(sim.Now(), 0) {
  assert(nodes > 0);
  for (int i = nodes - 1; i >= 0; --i) idle_.push_back(i);
}

void FleetScheduler::AddJob(BatchJob* job, int rank) {
  jobs_.push_back({job, rank});
  std::stable_sort(jobs_.begin(), jobs_.end(),
                   [](const Entry& a, const Entry& b) { return a.rank < b.rank; });
  job->SetOnFinished([this](BatchJob& j) { OnJobFinished(j); });
  job->SetOnReleased(
      [this](BatchJob& j, std::vector<int> nodes) { OnReleased(j, std::move(nodes)); });
}

bool FleetScheduler::SetAvatarPartition(int nodes) {
  if (nodes < 0 || nodes > idle_nodes()) return false;
  partition_idle_ = TakeIdleNodes(nodes);
  std::sort(partition_idle_.begin(), partition_idle_.end(), std::greater<int>());
  partitioned_ = true;
  Touch();
  return true;
}

namespace {
constexpr double kDay = 86400;
double SecondOfDay(double t) { return std::fmod(t, kDay); }

// The part of the window a job may run in: the window less the checkpoint write that precedes
// its close (0 when the window is not longer than the write), and how far `now` is past the
// window's daily opening.
double OpenLength(double start_s, double end_s, double write_s) {
  const double len = std::fmod(end_s - start_s + kDay, kDay);
  return std::max(0.0, len - write_s);
}
double SinceOpening(double now_s, double start_s) {
  return std::fmod(SecondOfDay(now_s) - start_s + kDay, kDay);
}
}  // namespace

bool FleetScheduler::InWindow(const Entry& e) const {
  if (e.window_start_s == e.window_end_s) return true;
  const double open =
      OpenLength(e.window_start_s, e.window_end_s, e.job->params().checkpoint_write_s);
  return SinceOpening(sim_.Now().seconds(), e.window_start_s) < open;
}

void FleetScheduler::SetPredecessor(BatchJob* job, const BatchJob* before) {
  for (Entry& e : jobs_) {
    if (e.job == job) e.after = before;
  }
}

void FleetScheduler::SetWindow(BatchJob* job, double start_s, double end_s) {
  assert(start_s >= 0 && start_s < kDay && end_s >= 0 && end_s < kDay);
  for (size_t i = 0; i < jobs_.size(); ++i) {
    if (jobs_[i].job != job) continue;
    jobs_[i].window_start_s = start_s;
    jobs_[i].window_end_s = end_s;
    if (start_s != end_s) ScheduleWindow(i);
    return;
  }
  assert(false && "SetWindow: job not added");
}

void FleetScheduler::ScheduleWindow(size_t index) {
  const Entry& e = jobs_[index];
  const double open =
      OpenLength(e.window_start_s, e.window_end_s, e.job->params().checkpoint_write_s);
  if (open <= 0) return;  // never runs: nothing to open or close
  const double since = SinceOpening(sim_.Now().seconds(), e.window_start_s);
  if (since < open) {
    ScheduleClose(index, open - since);
  } else {
    ScheduleOpen(index, kDay - since);
  }
}

// The close: the job is stopped (a checkpoint written first, so its nodes are free by the
// window's end); the next opening follows a day after this one.
void FleetScheduler::ScheduleClose(size_t index, double after_s) {
  sim_.ScheduleAfter(sim::Duration::Seconds(after_s), [this, index] {
    const Entry& e = jobs_[index];
    BatchJob* job = e.job;
    if (!job->done() && job->state() != BatchJob::State::kWaiting) job->Stop();
    const double open =
        OpenLength(e.window_start_s, e.window_end_s, job->params().checkpoint_write_s);
    ScheduleOpen(index, kDay - open);
  });
}

void FleetScheduler::ScheduleOpen(size_t index, double after_s) {
  sim_.ScheduleAfter(sim::Duration::Seconds(after_s), [this, index] {
    const Entry& e = jobs_[index];
    ScheduleClose(index,
                  OpenLength(e.window_start_s, e.window_end_s, e.job->params().checkpoint_write_s));
    Reallocate();
  });
}

void FleetScheduler::OnReleased(BatchJob& job, std::vector<int> nodes) {
  (void)job;
  GiveIdle(nodes);
  Reallocate();
}

void FleetScheduler::Touch() {
  avatar_node_count_.Set(sim_.Now(), avatar_nodes_);
  serving_node_count_.Set(sim_.Now(), reserved_nodes_);
  const double idle = static_cast<double>(idle_.size() + partition_idle_.size());
  idle_count_.Set(sim_.Now(), idle);
  bool blocked = false;
  for (const Entry& e : jobs_) {
    blocked =
        blocked || (e.job->state() == BatchJob::State::kWaiting && !e.job->done() && InWindow(e) &&
                    (e.after == nullptr || e.after->done()) && e.job->min_nodes() > idle_nodes());
  }
  stranded_count_.Set(sim_.Now(), blocked || unplaceable_ ? static_cast<double>(idle_.size()) : 0);
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

std::vector<int> FleetScheduler::TakeJobNodes(const BatchJob& job, int n) {
  if (topology_ == nullptr) return TakeIdleNodes(n);
  const int group = std::max(1, job.group_nodes());
  n = n / group * group;
  if (n <= 0) return {};
  std::vector<int> chosen = topology_->Place(idle_, n, group);
  if (chosen.empty()) return chosen;
  // idle_ is sorted descending and chosen ascending: drop the chosen ids in one pass.
  std::vector<int> rest;
  rest.reserve(idle_.size() - chosen.size());
  auto c = chosen.rbegin();
  for (int node : idle_) {
    if (c != chosen.rend() && *c == node) {
      ++c;
    } else {
      rest.push_back(node);
    }
  }
  idle_ = std::move(rest);
  return chosen;
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
    // An elastic job gives back whole data-parallel replicas.
    const int step = std::max(1, job.node_step());
    int need = (want - idle_nodes() + step - 1) / step * step;
    if (held - need >= job.min_nodes() && need < held && !job.stopping()) {
      GiveIdle(job.Shrink(need));  // an elastic job keeps running on fewer nodes
    } else {
      GiveIdle(job.Preempt());
    }
  }
}

void FleetScheduler::Reallocate() {
  unplaceable_ = false;
  for (const Entry& e : jobs_) {
    BatchJob& job = *e.job;
    if (job.done() || job.stopping() || !InWindow(e)) continue;
    if (e.after != nullptr && !e.after->done()) continue;
    if (job.state() == BatchJob::State::kWaiting) {
      if (idle_nodes() < job.min_nodes() && preemption_) PreemptBelow(e.rank, job.min_nodes());
      if (idle_nodes() < job.min_nodes()) continue;
      int n = std::min(idle_nodes(), job.max_nodes());
      const int step = std::max(1, job.node_step());
      if (n != job.max_nodes()) n = std::max(job.min_nodes(), n / step * step);
      std::vector<int> nodes = TakeJobNodes(job, n);
      if (nodes.empty()) {
        unplaceable_ = true;
        continue;
      }
      job.Start(std::move(nodes));
    } else {
      // Elastic growth toward the maximum, only in steps worth a reconfiguration (>= 25%).
      int held = static_cast<int>(job.nodes().size());
      const int step = std::max(1, job.node_step());
      int room = std::min(idle_nodes() - grow_reserve_, job.max_nodes() - held);
      if (held + room != job.max_nodes()) room = room / step * step;
      if (room > 0 && (held + room == job.max_nodes() || room * 4 >= held)) {
        std::vector<int> extra = TakeJobNodes(job, room);
        if (!extra.empty()) job.Grow(std::move(extra));
      }
    }
  }
  Touch();
}

int FleetScheduler::GrantAvatarNode() {
  if (partitioned_) {
    if (partition_idle_.empty()) return -1;
    const int node = partition_idle_.back();
    partition_idle_.pop_back();
    ++avatar_nodes_;
    Touch();
    return node;
  }
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
  if (partitioned_) {
    partition_idle_.push_back(node);
    std::sort(partition_idle_.begin(), partition_idle_.end(), std::greater<int>());
    Touch();
    return;
  }
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

std::vector<int> FleetScheduler::GrantNodes(int count, int rank) {
  if (count <= 0) return {};
  if (idle_nodes() < count && preemption_) PreemptBelow(rank, count);
  if (idle_nodes() < count) {
    Reallocate();  // nodes freed by a partial preemption go back to the jobs
    return {};
  }
  std::vector<int> nodes = TakeIdleNodes(count);
  reserved_nodes_ += count;
  Reallocate();
  return nodes;
}

void FleetScheduler::ReturnNodes(const std::vector<int>& nodes) {
  assert(static_cast<int>(nodes.size()) <= reserved_nodes_);
  reserved_nodes_ -= static_cast<int>(nodes.size());
  GiveIdle(nodes);
  Reallocate();
}

void FleetScheduler::OnJobFinished(BatchJob& job) {
  std::vector<int> freed = job.nodes();
  GiveIdle(freed);
  Reallocate();
}

}  // namespace capsim::models
