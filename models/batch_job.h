#ifndef CAPSIM_MODELS_BATCH_JOB_H_
#define CAPSIM_MODELS_BATCH_JOB_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/failures.h"
#include "models/topology.h"
#include "sim/random.h"
#include "sim/simulator.h"
#include "sim/statistics.h"

namespace capsim::models {

// What a training or distillation job needs to know to make progress.
struct JobParams {
  std::string name;
  std::string kind;      // "training" | "distillation"
  std::string workload;  // the scenario workload it belongs to (empty: name)
  std::string phase;     // "teacher" | "student" for offline distillation, else empty
  std::string after;     // a job that must finish before this one starts (empty: none)
  int pool = 0;  // index of its pool in the scenario
  int gpus_per_node = 8;
  int min_gpus = 0;     // smallest allocation it runs on (== max for a gang)
  int max_gpus = 0;     // largest allocation it asks for
  int node_step = 1;    // elastic sizes change by whole steps (a data-parallel replica)
  int group_nodes = 1;  // nodes of one tensor-parallel group (placed inside one NVLink domain)
  // Throughput factor while its nodes span several pods of the topology (the step re-priced at
  // the oversubscribed cross-pod bandwidth); 1 = no effect.
  double cross_pod_factor = 1;
  double mfu = 0;  // model FLOP utilisation of its step at max_gpus (reported; 0 = unknown)
  double tokens_target = 0;
  double tokens_per_gpu_second = 0;  // throughput per GPU while running (at max_gpus)
  // Throughput per GPU by allocation size, indexed by node count (an elastic job's step re-priced
  // at each data-parallel degree); empty = tokens_per_gpu_second at every size.
  std::vector<double> tokens_per_gpu_second_by_nodes;
  double checkpoint_interval_s = 1800;
  double checkpoint_write_s = 60;
  double restart_s = 600;  // reschedule + load + warm-up before progress resumes
  // Failures (models/failures.h): interruptions per GPU-second held, by cause (empty: none);
  // after one the job is down (a spare swapped in, or the node repaired: SparePool) before its
  // restart; drawn from the stream (failure_seed, failure_stream).
  std::vector<FailureCause> failure_causes;
  double repair_s = 0;  // down time after a failure when no SparePool is given
  uint64_t failure_seed = 0;
  uint64_t failure_stream = 0;
};

// One row per job state change, shared by all jobs of a run (becomes /tables/job_events).
struct JobEventLog {
  std::vector<double> time_s;
  std::vector<std::string> job;
  std::vector<std::string> event;
  std::vector<double> gpus;
  std::vector<double> tokens;
  void Add(double t, const std::string& j, const char* e, double g, double tok);
};

// Hot spare nodes shared by the jobs of a pool. A failed node is swapped for a free spare in
// swap_s (the spare stays in the job; the failed node, repaired after repair_s, becomes the
// spare); with no spare free the job waits repair_s for its own node.
//
//   SparePool spares(sim, /*spares=*/4, /*swap_s=*/300, /*repair_s=*/86400);
//   double down_s = spares.Take();  // 300 while a spare is free, else 86400
class SparePool {
 public:
  SparePool(sim::Simulator& sim, int spares, double swap_s, double repair_s)
      : sim_(sim), free_(spares), swap_s_(swap_s), repair_s_(repair_s) {}
  // Down time of a job whose node just failed: swap_s taking a spare (returned after repair_s),
  // or repair_s when none is free.
  double Take();
  int free() const { return free_; }
  // Failures served by a spare, and failures that waited for a repair.
  int swaps() const { return swaps_; }
  int waits() const { return waits_; }

 private:
  sim::Simulator& sim_;
  int free_;
  double swap_s_;
  double repair_s_;
  int swaps_ = 0;
  int waits_ = 0;
};

// A batch job (training or distillation) on whole nodes. It progresses at a constant rate per GPU
// while running, pauses to write checkpoints every interval of running time, pays a restart cost
// whenever it (re)starts, and loses the work since its last checkpoint when preempted or shrunk.
// Its nodes are handed to it and taken back by the fleet scheduler.
//
//   BatchJob job(sim, params, &log);
//   job.Start({0, 1, 2, 3});
//   ... std::vector<int> freed = job.Preempt();
class BatchJob {
 public:
  // kFailed: holding its nodes while one is swapped or repaired after a failure.
  enum class State { kWaiting, kRestarting, kRunning, kCheckpointing, kFailed, kDone };
  static constexpr int kStates = 6;
  // The state's name ("waiting", "restarting", "running", "checkpointing", "failed", "done").
  static const char* StateName(State s);

  // `spares` (may be null: every failure waits params.repair_s) must outlive the job.
  BatchJob(sim::Simulator& sim, JobParams params, JobEventLog* log, SparePool* spares = nullptr);
  BatchJob(const BatchJob&) = delete;
  BatchJob& operator=(const BatchJob&) = delete;

  // Sets the function called once when the job reaches its token target.
  void SetOnFinished(std::function<void(BatchJob&)> f) { on_finished_ = std::move(f); }
  // Lets the job see the pool's topology (may be null; must outlive the job): while its nodes
  // span several pods it runs at params().cross_pod_factor of its rate.
  void SetTopology(const Topology* topology) { topology_ = topology; }
  // Seconds spent running on nodes spanning several pods.
  double CrossPodSeconds() const { return cross_pod_running_.Integral(sim_.Now()); }
  // Sets the function that takes back the nodes of a Stop() (called when they are free).
  void SetOnReleased(std::function<void(BatchJob&, std::vector<int>)> f) {
    on_released_ = std::move(f);
  }

  // Starts (or resumes) a waiting job on `nodes`; progress resumes after the restart cost.
  void Start(std::vector<int> nodes);
  // Stops the job, losing the work since its last checkpoint; returns all its nodes.
  std::vector<int> Preempt();
  // Gives back `count` of its nodes (fewer than it holds), losing the work since the last
  // checkpoint and restarting on the rest; returns the freed nodes.
  std::vector<int> Shrink(int count);
  // Adds `extra` nodes: the job checkpoints, then restarts on the larger allocation.
  void Grow(std::vector<int> extra);
  // A planned stop losing nothing: a running job writes a checkpoint first, then hands all its
  // nodes to the on-released function and waits; a job not computing hands them back at once.
  void Stop();
  // True between Stop() and the release of its nodes.
  bool stopping() const { return stop_pending_; }

  const JobParams& params() const { return params_; }
  // The scenario workload the job belongs to (its policy rank and window).
  const std::string& workload() const {
    return params_.workload.empty() ? params_.name : params_.workload;
  }
  State state() const { return state_; }
  bool done() const { return state_ == State::kDone; }
  const std::vector<int>& nodes() const { return nodes_; }
  int gpus() const { return static_cast<int>(nodes_.size()) * params_.gpus_per_node; }
  int min_nodes() const { return params_.min_gpus / params_.gpus_per_node; }
  int max_nodes() const { return params_.max_gpus / params_.gpus_per_node; }
  int node_step() const { return params_.node_step; }
  int group_nodes() const { return params_.group_nodes; }
  // Tokens processed so far, including work not yet saved by a checkpoint.
  double TokensDone() const;
  double tokens_committed() const { return committed_; }
  int preemptions() const { return preemptions_; }
  // Planned stops (Stop()).
  int stops() const { return stops_; }
  // Interruptions by failure, in all and by cause (indexed as params().failure_causes).
  int failures() const { return failures_; }
  const std::vector<int>& failures_by_cause() const { return failures_by_cause_; }
  // Seconds spent making progress (running), and since the job first started.
  double RunningSeconds() const { return running_.Integral(sim_.Now()); }
  double SecondsSinceFirstStart() const;
  int restarts() const { return restarts_; }
  // Simulated time of completion in seconds; NaN while unfinished.
  double finish_time_s() const { return finish_time_s_; }
  // GPU-seconds held so far (any state but waiting).
  double HeldGpuSeconds() const;
  // GPU-seconds held so far in state `s`.
  double GpuSecondsIn(State s) const {
    return state_gpus_[static_cast<size_t>(s)].Integral(sim_.Now());
  }
  // GPU-seconds spent computing (running state).
  double BusyGpuSeconds() const { return GpuSecondsIn(State::kRunning); }
  // GPU-seconds wasted: restarts plus work lost to preemption.
  double LostGpuSeconds() const { return lost_gpu_seconds_; }
  int busy_gpus() const { return state_ == State::kRunning ? gpus() : 0; }

 private:
  // Tokens per GPU-second at the current allocation.
  double PerGpuRate() const;
  double Rate() const { return PerGpuRate() * gpus(); }
  void SetState(State s);
  // Folds the progress of the running segment up to now into progress_.
  void Accrue();
  // Loses uncommitted work and cancels pending events.
  void Interrupt(const char* why);
  void BeginRestart(const char* why, double extra_s = 0);
  // (Re)draws the next failure for the GPUs held now (memoryless); none when waiting or done.
  void ScheduleFailure();
  void OnFailure();
  void Release();
  void OnRestarted();
  void OnCheckpointStart();
  void OnCheckpointDone();
  void OnFinished();
  void ScheduleRunningEvents();
  void Log(const char* event);

  sim::Simulator& sim_;
  JobParams params_;
  JobEventLog* log_;
  std::function<void(BatchJob&)> on_finished_;
  std::function<void(BatchJob&, std::vector<int>)> on_released_;
  SparePool* spares_;
  const Topology* topology_ = nullptr;
  bool cross_pod_ = false;
  sim::TimeWeighted cross_pod_running_;
  bool stop_pending_ = false;
  int stops_ = 0;
  State state_ = State::kWaiting;
  std::vector<int> nodes_;
  std::vector<int> pending_grow_;
  double committed_ = 0;     // tokens saved by the last checkpoint
  double progress_ = 0;      // tokens done as of segment_start_
  sim::Time segment_start_;  // start of the current running segment
  sim::Time restart_started_;
  sim::Time next_checkpoint_;  // when the running job next checkpoints
  sim::EventId phase_event_;   // restart-done, checkpoint-start or checkpoint-done
  sim::EventId finish_event_;
  sim::EventId failure_event_;
  sim::RandomStream failure_rng_;
  double failure_rate_per_gpu_s_ = 0;
  int failures_ = 0;
  std::vector<int> failures_by_cause_;
  bool started_ = false;
  sim::Time first_start_;
  sim::TimeWeighted running_;
  int preemptions_ = 0;
  int restarts_ = 0;
  double finish_time_s_;
  double lost_gpu_seconds_ = 0;
  std::vector<sim::TimeWeighted> state_gpus_;  // GPUs held, by state (one is non-zero at a time)
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_BATCH_JOB_H_
