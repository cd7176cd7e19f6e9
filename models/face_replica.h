#ifndef CAPSIM_MODELS_FACE_REPLICA_H_
#define CAPSIM_MODELS_FACE_REPLICA_H_

#include <vector>

#include "models/catalog.h"
#include "models/perf_model.h"
#include "models/scenario.h"
#include "sim/status.h"

namespace capsim::models {

// What one face-model replica can render, priced once from the face model's op list.
//
// A replica (gpus_per_replica GPUs) renders one batch per frame interval P = 1/fps holding the
// next frame of every stream it renders; the batch of n frames takes T(n) = StepTime(
// FaceFrameOps(model, n)) / gpus_per_replica (the model split evenly over its GPUs, the split's
// communication not priced). Render times jitter: a batch takes T(n) X with X lognormal, mean 1,
// coefficient of variation `frame_time_cv`; a frame misses its deadline when its batch ends after
// the interval, so the miss probability is P(X > P / T(n)), and 1 when T(n) >= P (the replica
// falls behind). The replica admits up to render_capacity() rendering streams: the largest n with
// T(n) <= frame_budget x P whose weights and per-stream memory fit 90% of the GPUs' memory; and
// session_capacity() = floor(overcommit x render_capacity()) sessions, at most what fits in memory
// (sessions that render only while speaking rarely all speak at once).
//
//   Result<FaceBatchTable> t = FaceBatchTable::Create(face, perf, gpu, spec.replica, 25, 0.1);
//   double miss = t.value().MissProbability(12);
class FaceBatchTable {
 public:
  // Errors: fps <= 0, a face model without layers or FLOPs, or no stream fitting the budget.
  static Result<FaceBatchTable> Create(const FaceModelSpec& model, const PerfModel& perf,
                                       const GpuSpec& gpu, const AvatarReplicaSpec& spec, double fps,
                                       double frame_time_cv);

  double frame_interval_s() const { return period_; }
  int render_capacity() const { return render_capacity_; }
  int session_capacity() const { return session_capacity_; }
  int max_batch() const { return static_cast<int>(batch_time_.size()) - 1; }
  // Seconds of one batch of n frames (0 <= n <= max_batch(); 0 for n = 0).
  double BatchTime(int n) const { return batch_time_[Clamp(n)]; }
  // Probability that a frame of a batch of n misses its deadline.
  double MissProbability(int n) const { return miss_[Clamp(n)]; }
  // Largest stream count that fits the GPUs' memory (weights + stream_vram each).
  int memory_capacity() const { return memory_capacity_; }

 private:
  FaceBatchTable() = default;
  int Clamp(int n) const { return n < 0 ? 0 : (n > max_batch() ? max_batch() : n); }

  double period_ = 0;
  int render_capacity_ = 0;
  int session_capacity_ = 0;
  int memory_capacity_ = 0;
  std::vector<double> batch_time_;  // index n: seconds for n frames
  std::vector<double> miss_;
};

// Frames and misses of one replica, integrated exactly between changes of its rendering count.
struct FaceReplicaState {
  int sessions = 0;   // admitted sessions placed here
  int rendering = 0;  // streams rendering now
  double last_s = 0;  // time of the last integration
  // Adds the frames of [last_s, now_s) at the current rendering count to `frames`/`missed`.
  void Advance(double now_s, const FaceBatchTable& table, double* frames, double* missed) {
    const double dt = now_s - last_s;
    last_s = now_s;
    if (dt <= 0 || rendering <= 0) return;
    const double f = rendering * dt / table.frame_interval_s();
    *frames += f;
    *missed += f * table.MissProbability(rendering);
  }
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_FACE_REPLICA_H_
