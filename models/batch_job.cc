#include "models/batch_job.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace capsim::models {

using sim::Duration;
using sim::Time;

void JobEventLog::Add(double t, const std::string& j, const char* e, double g, double tok) {
  time_s.push_back(t);
  job.push_back(j);
  event.push_back(e);
  gpus.push_back(g);
  tokens.push_back(tok);
}

double SparePool::Take() {
  if (free_ <= 0) {
    ++waits_;
    return repair_s_;
  }
  --free_;
  ++swaps_;
  sim_.ScheduleAfter(Duration::Seconds(repair_s_), [this] { ++free_; });
  return swap_s_;
}

const char* BatchJob::StateName(State s) {
  switch (s) {
    case State::kWaiting:
      return "waiting";
    case State::kRestarting:
      return "restarting";
    case State::kRunning:
      return "running";
    case State::kCheckpointing:
      return "checkpointing";
    case State::kFailed:
      return "failed";
    case State::kDone:
      return "done";
  }
  return "?";
}

BatchJob::BatchJob(sim::Simulator& sim, JobParams params, JobEventLog* log, SparePool* spares)
    : sim_(sim),
      params_(std::move(params)),
      log_(log),
      spares_(spares),
      failure_rng_(params_.failure_seed, params_.failure_stream),
      failure_rate_per_gpu_s_(TotalFailureRatePerGpuHour(params_.failure_causes) / 3600.0),
      failures_by_cause_(params_.failure_causes.size(), 0),
      running_(sim.Now(), 0),
      finish_time_s_(std::numeric_limits<double>::quiet_NaN()),
      state_gpus_(kStates, sim::TimeWeighted(sim.Now(), 0)) {
  assert(params_.gpus_per_node > 0 && params_.min_gpus > 0);
  assert(params_.min_gpus <= params_.max_gpus);
  assert(params_.tokens_per_gpu_second > 0 && params_.tokens_target > 0);
  segment_start_ = sim.Now();
}

void BatchJob::Log(const char* event) {
  if (log_ != nullptr) log_->Add(sim_.Now().seconds(), params_.name, event, gpus(), TokensDone());
}

void BatchJob::SetState(State s) {
  state_ = s;
  const double held = static_cast<double>((nodes_.size() + pending_grow_.size()) *
                                          static_cast<size_t>(params_.gpus_per_node));
  for (int i = 0; i < kStates; ++i) {
    const bool holds =
        static_cast<State>(i) == state_ && state_ != State::kWaiting && state_ != State::kDone;
    state_gpus_[static_cast<size_t>(i)].Set(sim_.Now(), holds ? held : 0);
  }
  running_.Set(sim_.Now(), state_ == State::kRunning ? 1 : 0);
  cross_pod_running_.Set(sim_.Now(), state_ == State::kRunning && cross_pod_ ? 1 : 0);
  if (state_ == State::kWaiting || state_ == State::kDone || state_ == State::kFailed) {
    sim_.Cancel(failure_event_);
  }
}

double BatchJob::HeldGpuSeconds() const {
  double sum = 0;
  for (const sim::TimeWeighted& w : state_gpus_) sum += w.Integral(sim_.Now());
  return sum;
}

double BatchJob::PerGpuRate() const {
  const std::vector<double>& by = params_.tokens_per_gpu_second_by_nodes;
  const size_t n = nodes_.size();
  const double rate = n < by.size() && by[n] > 0 ? by[n] : params_.tokens_per_gpu_second;
  return cross_pod_ ? rate * params_.cross_pod_factor : rate;
}

double BatchJob::SecondsSinceFirstStart() const {
  return started_ ? (sim_.Now() - first_start_).seconds() : 0;
}

void BatchJob::ScheduleFailure() {
  sim_.Cancel(failure_event_);
  if (failure_rate_per_gpu_s_ <= 0 || state_ == State::kWaiting || state_ == State::kDone ||
      state_ == State::kFailed) {
    return;
  }
  const double rate = failure_rate_per_gpu_s_ * gpus();
  if (rate <= 0) return;
  failure_event_ = sim_.ScheduleAfter(Duration::Seconds(failure_rng_.Exponential(1.0 / rate)),
                                      [this] { OnFailure(); });
}

void BatchJob::OnFailure() {
  // The cause, in proportion to its rate.
  double pick = failure_rng_.Uniform() * failure_rate_per_gpu_s_ * 3600.0;
  size_t cause = 0;
  while (cause + 1 < params_.failure_causes.size() &&
         pick >= params_.failure_causes[cause].per_gpu_hour) {
    pick -= params_.failure_causes[cause].per_gpu_hour;
    ++cause;
  }
  ++failures_by_cause_[cause];
  ++failures_;
  Interrupt("failure");
  --preemptions_;  // counted as a failure, not a preemption
  if (!pending_grow_.empty()) {
    nodes_.insert(nodes_.end(), pending_grow_.begin(), pending_grow_.end());
    pending_grow_.clear();
  }
  // Down while the failed node is swapped or repaired; a planned stop releases the nodes now.
  const double down_s = spares_ != nullptr ? spares_->Take() : params_.repair_s;
  if (stop_pending_) {
    Release();
    return;
  }
  restart_started_ = sim_.Now();
  SetState(State::kFailed);
  phase_event_ = sim_.ScheduleAfter(Duration::Seconds(down_s), [this] {
    lost_gpu_seconds_ += (sim_.Now() - restart_started_).seconds() * gpus();
    BeginRestart("restart after failure");
  });
}

double BatchJob::TokensDone() const {
  if (state_ != State::kRunning) return progress_;
  return std::min(params_.tokens_target,
                  progress_ + Rate() * (sim_.Now() - segment_start_).seconds());
}

void BatchJob::Accrue() {
  if (state_ != State::kRunning) return;
  progress_ = TokensDone();
  segment_start_ = sim_.Now();
}

void BatchJob::Start(std::vector<int> nodes) {
  assert(state_ == State::kWaiting);
  assert(static_cast<int>(nodes.size()) >= min_nodes());
  nodes_ = std::move(nodes);
  next_checkpoint_ = Time::Max();
  if (!started_) {
    started_ = true;
    first_start_ = sim_.Now();
  }
  BeginRestart(restarts_ == 0 && preemptions_ == 0 ? "start" : "resume");
}

void BatchJob::BeginRestart(const char* why, double extra_s) {
  ++restarts_;
  // The allocation is settled: where it lies decides its rate until the next change.
  cross_pod_ = topology_ != nullptr && topology_->PodsSpanned(nodes_) > 1;
  restart_started_ = sim_.Now();
  SetState(State::kRestarting);
  Log(why);
  sim_.Cancel(phase_event_);
  phase_event_ =
      sim_.ScheduleAfter(Duration::Seconds(extra_s + params_.restart_s), [this] { OnRestarted(); });
  ScheduleFailure();
}

void BatchJob::OnRestarted() {
  lost_gpu_seconds_ += (sim_.Now() - restart_started_).seconds() * gpus();
  segment_start_ = sim_.Now();
  SetState(State::kRunning);
  Log("running");
  next_checkpoint_ = sim_.Now() + Duration::Seconds(params_.checkpoint_interval_s);
  ScheduleRunningEvents();
}

void BatchJob::ScheduleRunningEvents() {
  double remaining = params_.tokens_target - progress_;
  Time finish = sim_.Now() + Duration::Seconds(std::max(0.0, remaining / Rate()));
  if (finish <= next_checkpoint_) {
    finish_event_ = sim_.Schedule(finish, [this] { OnFinished(); });
  } else {
    phase_event_ = sim_.Schedule(next_checkpoint_, [this] { OnCheckpointStart(); });
  }
}

void BatchJob::OnCheckpointStart() {
  Accrue();
  SetState(State::kCheckpointing);
  phase_event_ = sim_.ScheduleAfter(Duration::Seconds(params_.checkpoint_write_s),
                                    [this] { OnCheckpointDone(); });
}

void BatchJob::OnCheckpointDone() {
  committed_ = progress_;
  Log("checkpoint");
  if (stop_pending_) {
    Release();
    return;
  }
  if (!pending_grow_.empty()) {
    nodes_.insert(nodes_.end(), pending_grow_.begin(), pending_grow_.end());
    pending_grow_.clear();
    BeginRestart("grow");
    return;
  }
  segment_start_ = sim_.Now();
  SetState(State::kRunning);
  next_checkpoint_ = sim_.Now() + Duration::Seconds(params_.checkpoint_interval_s);
  ScheduleRunningEvents();
}

void BatchJob::OnFinished() {
  Accrue();
  progress_ = committed_ = params_.tokens_target;
  finish_time_s_ = sim_.Now().seconds();
  SetState(State::kDone);
  Log("finished");
  if (on_finished_) on_finished_(*this);  // the scheduler takes back nodes()
  nodes_.clear();
}

void BatchJob::Interrupt(const char* why) {
  Accrue();
  if (state_ == State::kRestarting || state_ == State::kFailed) {
    lost_gpu_seconds_ += (sim_.Now() - restart_started_).seconds() * gpus();
  }
  double lost_tokens = progress_ - committed_;
  lost_gpu_seconds_ += lost_tokens / PerGpuRate();
  progress_ = committed_;
  sim_.Cancel(phase_event_);
  sim_.Cancel(finish_event_);
  ++preemptions_;
  Log(why);
}

void BatchJob::Stop() {
  assert(state_ != State::kWaiting && state_ != State::kDone);
  if (stop_pending_) return;
  stop_pending_ = true;
  ++stops_;
  if (state_ == State::kCheckpointing) return;  // released when the write completes
  if (state_ == State::kRunning) {
    sim_.Cancel(phase_event_);
    sim_.Cancel(finish_event_);
    OnCheckpointStart();
    return;
  }
  // Restarting or down after a failure: nothing uncommitted to save.
  Release();
}

void BatchJob::Release() {
  if (state_ == State::kRestarting || state_ == State::kFailed) {
    lost_gpu_seconds_ += (sim_.Now() - restart_started_).seconds() * gpus();
  }
  sim_.Cancel(phase_event_);
  sim_.Cancel(finish_event_);
  nodes_.insert(nodes_.end(), pending_grow_.begin(), pending_grow_.end());
  pending_grow_.clear();
  stop_pending_ = false;
  std::vector<int> freed = std::move(nodes_);
  nodes_.clear();
  SetState(State::kWaiting);
  Log("stopped");
  if (on_released_) on_released_(*this, std::move(freed));
}

std::vector<int> BatchJob::Preempt() {
  assert(state_ != State::kWaiting && state_ != State::kDone);
  stop_pending_ = false;
  Interrupt("preempted");
  std::vector<int> freed = std::move(nodes_);
  nodes_.clear();
  freed.insert(freed.end(), pending_grow_.begin(), pending_grow_.end());
  pending_grow_.clear();
  SetState(State::kWaiting);
  return freed;
}

std::vector<int> BatchJob::Shrink(int count) {
  assert(state_ != State::kWaiting && state_ != State::kDone);
  assert(!stop_pending_);  // a stopping job is preempted whole instead
  assert(count > 0 && count < static_cast<int>(nodes_.size()));
  Interrupt("shrunk");
  std::vector<int> freed(nodes_.end() - count, nodes_.end());
  nodes_.resize(nodes_.size() - count);
  nodes_.insert(nodes_.end(), pending_grow_.begin(), pending_grow_.end());
  pending_grow_.clear();
  BeginRestart("resume");
  return freed;
}

void BatchJob::Grow(std::vector<int> extra) {
  assert(state_ != State::kWaiting && state_ != State::kDone);
  if (state_ == State::kFailed) {
    // Down: the restart that follows the repair uses the larger allocation.
    nodes_.insert(nodes_.end(), extra.begin(), extra.end());
    SetState(State::kFailed);
    return;
  }
  if (state_ == State::kRestarting) {
    // Not computing yet: restart on the larger allocation (the restart clock starts over).
    lost_gpu_seconds_ += (sim_.Now() - restart_started_).seconds() * gpus();
    nodes_.insert(nodes_.end(), extra.begin(), extra.end());
    --restarts_;
    BeginRestart("grow");
    return;
  }
  pending_grow_.insert(pending_grow_.end(), extra.begin(), extra.end());
  if (state_ == State::kRunning) {
    sim_.Cancel(phase_event_);
    sim_.Cancel(finish_event_);
    OnCheckpointStart();  // checkpoint now; the restart on all nodes follows it
  }
}

}  // namespace capsim::models
