#ifndef CAPSIM_MODELS_STREAM_POOL_H_
#define CAPSIM_MODELS_STREAM_POOL_H_

#include <optional>

#include "models/level_buckets.h"
#include "models/scenario.h"

namespace capsim::models {

// GPUs that each serve up to streams_per_gpu concurrent streams (streaming ASR, TTS, encoders).
// A new stream goes to the least-loaded GPU; its stage latency grows linearly with the streams
// on that GPU, from latency_one_s (alone) to latency_full_s (full) — the shape of the published
// TTS figure (workloads.md §4: first audio 95 -> 280 ms from 1 to 8 streams per H100).
//
//   StreamPool tts(spec.tts);
//   if (auto slot = tts.TryAcquire()) { ... tts.Release(slot->gpu); }
class StreamPool {
 public:
  explicit StreamPool(const StreamPoolSpec& spec);

  struct Slot {
    int gpu = -1;
    double latency_s = 0;  // the stage latency of this stream
  };
  // A slot on the least-loaded GPU, or nullopt when every GPU is full.
  std::optional<Slot> TryAcquire();
  // Frees a slot taken on `gpu`.
  void Release(int gpu);
  // Latency of a stream that is the k-th (1-based) on its GPU.
  double Latency(int k) const;

  int gpus() const { return spec_.gpus; }
  int capacity() const { return spec_.gpus * spec_.streams_per_gpu; }
  int in_use() const { return in_use_; }

 private:
  StreamPoolSpec spec_;
  LevelBuckets load_;
  int in_use_ = 0;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_STREAM_POOL_H_
