#ifndef CAPSIM_MODELS_PARALLELISM_H_
#define CAPSIM_MODELS_PARALLELISM_H_

#include <cstdint>

#include "models/operation.h"

namespace capsim::models {

// How one model replica (or a training job) is split over GPUs. Ranks are laid out Megatron
// style, innermost first: tensor (tp), expert (ep, carved out of dp, so dp % ep == 0), data (dp),
// pipeline (pp). A group whose span of consecutive ranks fits in `scale_up_domain` GPUs talks
// over NVLink/xGMI (LinkTier::kScaleUp), otherwise over the scale-out fabric.
//
//   Parallelism p{.tp = 8, .pp = 16, .dp = 128};  // Llama 3 405B on 16,384 GPUs
struct Parallelism {
  int tp = 1;                          // tensor parallel: heads and FFN columns split tp ways
  int pp = 1;                          // pipeline stages: layers split pp ways
  int dp = 1;                          // data-parallel replicas
  int ep = 1;                          // expert parallel: routed experts split ep ways (within dp)
  int scale_up_domain = 8;             // GPUs per NVLink domain (GpuSpec::scale_up_domain)
  bool distributed_optimizer = false;  // ZeRO-1: reduce-scatter grads, shard Adam, gather params

  // GPUs used: tp x pp x dp.
  int64_t Gpus() const { return static_cast<int64_t>(tp) * pp * dp; }
  // The tier a group spanning `span` consecutive ranks communicates over.
  LinkTier TierOfSpan(int64_t span) const {
    return span <= scale_up_domain ? LinkTier::kScaleUp : LinkTier::kScaleOut;
  }
  // The tier of the tensor-parallel all-reduces.
  LinkTier TpTier() const { return TierOfSpan(tp); }
  // The tier of the expert-parallel all-to-alls.
  LinkTier EpTier() const { return TierOfSpan(static_cast<int64_t>(tp) * ep); }
  // The tier of the data-parallel gradient reductions.
  LinkTier DpTier() const { return TierOfSpan(static_cast<int64_t>(tp) * dp); }
  // The tier of the pipeline sends between stages (conservatively: the whole job's span).
  LinkTier PpTier() const { return TierOfSpan(Gpus()); }
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_PARALLELISM_H_
