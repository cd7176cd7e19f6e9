#include "models/stream_pool.h"

#include <cassert>

namespace capsim::models {

StreamPool::StreamPool(const StreamPoolSpec& spec) : spec_(spec), load_(spec.streams_per_gpu) {
  assert(spec.gpus >= 0 && spec.streams_per_gpu >= 1);
  for (int g = 0; g < spec.gpus; ++g) load_.Insert(g, 0);
}

double StreamPool::Latency(int k) const {
  if (spec_.streams_per_gpu <= 1) return spec_.latency_one_s;
  const double f = static_cast<double>(k - 1) / (spec_.streams_per_gpu - 1);
  return spec_.latency_one_s + f * (spec_.latency_full_s - spec_.latency_one_s);
}

std::optional<StreamPool::Slot> StreamPool::TryAcquire() {
  const int gpu = load_.LowestBelow(spec_.streams_per_gpu);
  if (gpu < 0) return std::nullopt;
  const int k = load_.level(gpu) + 1;
  load_.SetLevel(gpu, k);
  ++in_use_;
  return Slot{gpu, Latency(k)};
}

void StreamPool::Release(int gpu) {
  assert(load_.contains(gpu) && load_.level(gpu) > 0);
  load_.SetLevel(gpu, load_.level(gpu) - 1);
  --in_use_;
}

}  // namespace capsim::models
