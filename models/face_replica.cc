#include "models/face_replica.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "models/face_ops.h"

namespace capsim::models {

namespace {

// P(X > x) for X lognormal with mean 1 and coefficient of variation cv.
double LognormalTail(double x, double cv) {
  if (cv <= 0) return x < 1 ? 1.0 : 0.0;
  const double sigma = std::sqrt(std::log1p(cv * cv));
  const double mu = -0.5 * sigma * sigma;
  return 0.5 * std::erfc((std::log(x) - mu) / (sigma * std::sqrt(2.0)));
}

constexpr int kMaxBatch = 512;
constexpr double kUsableMemory = 0.9;

}  // namespace

Result<FaceBatchTable> FaceBatchTable::Create(const FaceModelSpec& model, const PerfModel& perf,
                                              const GpuSpec& gpu, const AvatarReplicaSpec& spec,
                                              double fps, double frame_time_cv) {
  if (!(fps > 0)) return Status::Error("face replica: fps must be > 0");
  if (model.layers.empty() && !(model.flops_per_frame > 0)) {
    return Status::Error("face model '" + model.name + "' has neither layers nor flops_per_frame");
  }
  if (spec.gpus_per_replica < 1) return Status::Error("face replica: gpus_per_replica must be >= 1");
  FaceBatchTable t;
  t.period_ = 1.0 / fps;
  const double weights = model.params * BytesPerElement(model.dtype);
  const double memory = kUsableMemory * gpu.memory_bytes * spec.gpus_per_replica;
  t.memory_capacity_ = spec.stream_vram_bytes > 0
                           ? static_cast<int>(std::floor((memory - weights) / spec.stream_vram_bytes))
                           : kMaxBatch;
  const int limit = std::clamp(t.memory_capacity_, 0, kMaxBatch);
  t.batch_time_.push_back(0);
  t.miss_.push_back(0);
  const double budget = spec.frame_budget * t.period_;
  for (int n = 1; n <= limit; ++n) {
    const double time = perf.StepTime(FaceFrameOps(model, n)) / spec.gpus_per_replica;
    t.batch_time_.push_back(time);
    t.miss_.push_back(time >= t.period_ ? 1.0 : LognormalTail(t.period_ / time, frame_time_cv));
    if (time <= budget) t.render_capacity_ = n;
    // Past twice the interval nothing more is learned (every frame misses).
    if (time > 2 * t.period_) break;
  }
  if (t.render_capacity_ < 1) {
    const double one = t.batch_time_.size() > 1 ? t.batch_time_[1] : 0;
    return Status::Error("face model '" + model.name + "' on " + gpu.name + " x" +
                         std::to_string(spec.gpus_per_replica) + ": " +
                         (limit < 1 ? std::string("weights leave no memory for a stream")
                                    : "one frame takes " + std::to_string(one * 1e3) +
                                          " ms, over the budget of " +
                                          std::to_string(budget * 1e3) +
                                          " ms (frame_budget x frame interval); give the replica "
                                          "more GPUs (gpus_per_replica)"));
  }
  t.session_capacity_ = std::min(
      t.memory_capacity_,
      std::max(t.render_capacity_,
               static_cast<int>(std::floor(spec.overcommit * t.render_capacity_ + 1e-9))));
  return t;
}

}  // namespace capsim::models
