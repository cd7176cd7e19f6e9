#ifndef CAPSIM_MODELS_FLEET_SCHEDULER_H_
#define CAPSIM_MODELS_FLEET_SCHEDULER_H_

#include <vector>

#include "models/batch_job.h"
#include "models/topology.h"
#include "sim/simulator.h"
#include "sim/statistics.h"

namespace capsim::models {

// The scheduler of one pool of identical nodes. Each workload has a rank (0 = highest priority).
// The avatar service asks for nodes one at a time and, with preemption, may take them from
// lower-ranked jobs (lowest rank first: a gang job is stopped whole, an elastic job shrinks while
// it stays above its minimum). Idle nodes go to jobs in rank order; a job that cannot start on
// idle nodes may preempt lower-ranked jobs to start. Two policy options change that:
//  - a static partition (SetAvatarPartition): the avatar service has its own nodes, which batch
//    jobs never use, and may not take more;
//  - time windows (SetWindow): a job runs only within its daily window and is stopped (after a
//    checkpoint, losing nothing) as the window closes.
//
//   FleetScheduler sched(sim, /*nodes=*/64, /*avatar_rank=*/0, /*preemption=*/true, /*reserve=*/1);
//   sched.AddJob(&training, /*rank=*/2);
//   sched.SetWindow(&distillation, /*start_s=*/0, /*end_s=*/8 * 3600);
//   sched.Reallocate();
//   int node = sched.GrantAvatarNode();
class FleetScheduler {
 public:
  // `grow_reserve` idle nodes are kept out of elastic growth (spare room for the avatar pool).
  FleetScheduler(sim::Simulator& sim, int nodes, int avatar_rank, bool preemption,
                 int grow_reserve = 0);

  // Registers a job with its priority rank; the job must outlive the scheduler.
  void AddJob(BatchJob* job, int rank);
  // Sets `nodes` idle nodes apart for the avatar service alone (a static partition); false,
  // taking nothing, when fewer are idle. Call before Reallocate().
  bool SetAvatarPartition(int nodes);
  // Places batch jobs on `topology` (may be null: lowest idle ids; must outlive the scheduler):
  // tensor-parallel groups inside NVLink domains, a job on as few pods as fit (best fit).
  void SetTopology(const Topology* topology) { topology_ = topology; }
  // Holds `job` (already added) until `before` has finished (offline distillation's student
  // after its teacher pass).
  void SetPredecessor(BatchJob* job, const BatchJob* before);
  // Lets `job` (already added) run only from start_s to end_s seconds after each midnight of the
  // run (end_s < start_s: the window spans midnight): it starts no later than its checkpoint
  // write before the end, when it is stopped (a window no longer than the write: never).
  void SetWindow(BatchJob* job, double start_s, double end_s);
  // Hands idle nodes to waiting and elastic jobs in priority order (and preempts lower-ranked
  // jobs for a higher-ranked job that cannot otherwise start, when preemption is on).
  void Reallocate();
  // A node for the avatar service (idle, else taken from lower-ranked jobs); -1 when none.
  int GrantAvatarNode();
  // Takes a node back from the avatar service and reallocates.
  void ReturnAvatarNode(int node);
  // Takes `count` idle nodes for the whole run (LLM serving replicas: never preempted); false,
  // taking nothing, when fewer are idle. Call before Reallocate().
  bool ReserveNodes(int count);
  // `count` nodes for an autoscaled serving workload of priority `rank`: idle ones, else (with
  // preemption) taken from lower-ranked jobs; empty, taking nothing, when they cannot all be had.
  std::vector<int> GrantNodes(int count, int rank);
  // Takes back nodes given by GrantNodes and reallocates them.
  void ReturnNodes(const std::vector<int>& nodes);
  // Called when a job finishes: its nodes become idle and are reallocated.
  void OnJobFinished(BatchJob& job);

  int nodes() const { return nodes_; }
  // Idle nodes batch jobs may use (the avatar partition's idle nodes are not counted).
  int idle_nodes() const { return static_cast<int>(idle_.size()); }
  int partition_idle_nodes() const { return static_cast<int>(partition_idle_.size()); }
  int avatar_nodes() const { return avatar_nodes_; }
  // Nodes held by serving workloads now (ReserveNodes and GrantNodes).
  int reserved_nodes() const { return reserved_nodes_; }
  // Node-seconds held by serving workloads so far.
  double ServingNodeSeconds() const { return serving_node_count_.Integral(sim_.Now()); }
  // Jobs neither running nor done.
  int waiting_jobs() const;
  // Node-seconds the avatar service has held so far.
  double AvatarNodeSeconds() const { return avatar_node_count_.Integral(sim_.Now()); }
  // Node-seconds idle so far (the avatar partition's idle nodes included).
  double IdleNodeSeconds() const { return idle_count_.Integral(sim_.Now()); }
  // Node-seconds idle while a job in its window waited for more nodes than were idle: capacity
  // free but unusable for the waiting gang (fragmentation).
  double StrandedNodeSeconds() const { return stranded_count_.Integral(sim_.Now()); }

 private:
  struct Entry {
    BatchJob* job;
    int rank;
    double window_start_s = 0;  // daily window; start == end: always
    double window_end_s = 0;
    const BatchJob* after = nullptr;  // must be done before this job starts
  };
  bool InWindow(const Entry& e) const;
  // Schedules the next opening or closing of job `index`'s window after now; each then
  // schedules the other.
  void ScheduleWindow(size_t index);
  void ScheduleOpen(size_t index, double after_s);
  void ScheduleClose(size_t index, double after_s);
  void OnReleased(BatchJob& job, std::vector<int> nodes);
  // Frees up to `want` nodes from jobs ranked strictly below `rank` (lowest first).
  void PreemptBelow(int rank, int want);
  int TakeIdle();
  void GiveIdle(const std::vector<int>& nodes);
  std::vector<int> TakeIdleNodes(int n);
  // `n` idle nodes placed for `job` on the topology (TakeIdleNodes without one); empty when the
  // topology has no placement for them.
  std::vector<int> TakeJobNodes(const BatchJob& job, int n);
  void Touch();

  sim::Simulator& sim_;
  int nodes_;
  int avatar_rank_;
  bool preemption_;
  int grow_reserve_;
  int avatar_nodes_ = 0;
  int reserved_nodes_ = 0;
  std::vector<int> idle_;  // idle node ids, kept sorted descending (lowest id handed first)
  std::vector<int> partition_idle_;  // the avatar partition's idle nodes (static partition)
  bool partitioned_ = false;
  const Topology* topology_ = nullptr;
  bool unplaceable_ = false;  // a waiting job had enough idle nodes but no placement
  std::vector<Entry> jobs_;   // in rank order
  sim::TimeWeighted avatar_node_count_;
  sim::TimeWeighted idle_count_;
  sim::TimeWeighted stranded_count_;
  sim::TimeWeighted serving_node_count_;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_FLEET_SCHEDULER_H_
