#ifndef CAPSIM_MODELS_AUTOSCALER_H_
#define CAPSIM_MODELS_AUTOSCALER_H_

#include <optional>

#include "sim/status.h"

namespace capsim::models {

// How the autoscaler measures the load of the interval just ended, in replicas' worth (the
// utilisation is that load over the active replicas).
enum class AutoscaleSignal {
  // Offered load, rho = lambda x E[S]: the requests routed during the interval x the iteration
  // time each needs on a replica running full batches, over the interval. A request needs P (1 - h)
  // s_p + D s_d: P and D are its prompt and output tokens,
  // h the prefix-cache hit share of the prompt tokens completed so far; s_d is the priced time
  // of a decode iteration of B sequences at context P' + D'/2, over B (P', D': the interval's
  // mean lengths; B = max_num_seqs or the sequences of P' + D' tokens the KV cache holds,
  // whichever is fewer); s_p is the priced time of an iteration of max_num_batched_tokens / P'
  // prompts of P' tokens, per token (LlmReplica::IterationTime). Proportional to the arrival
  // rate; ~1 per replica at its saturation throughput (Llama-3-8B on the H100-like test GPU,
  // 700/150-token requests: 0.023 per req/s, saturated near 42-43 req/s where it reads ~1.0).
  // Queued work: an overloaded cluster reads above 1 per active replica by as much as arrivals
  // exceed its capacity (the queue itself is not added: it drains in the target's headroom,
  // and a request waiting at the decision instant is mostly one that arrived during the
  // running iteration, so "any waiting request reads 1" would fire at light load).
  kOfferedLoad,
  // Summed over active replicas: the share of the interval each spent in iterations (busy_s
  // delta / interval, capped at 1; a replica activated during the interval counts for that
  // part); a replica with requests waiting or swapped out at the decision instant reads 1.
  // CAUTION: with continuous batching one running sequence keeps a replica iterating, so this
  // saturates far below the replica's throughput (same setting: 0.59 at 1 req/s, 0.84 at 2,
  // 0.99 at 5, for a capacity near 43 req/s): it over-provisions by an order of magnitude.
  kBusyTime,
};

// Scales an LlmCluster's replica count with its load (see LlmCluster and Autoscaler).
struct AutoscaleConfig {
  // Fewest replicas kept active + loading (>= 1); draining replicas do not count.
  int min_replicas = 1;
  // Most replicas active + loading (>= min_replicas); the autoscaler never asks for more.
  int max_replicas = 1;
  // The utilisation per replica the autoscaler steers to, in (0, 1]: desired replicas =
  // ceil(active x utilisation / target_utilization) = ceil(load / target_utilization).
  double target_utilization = 0.7;
  // Seconds between decisions (> 0); each decision reads the interval that just ended.
  double interval_s = 30;
  // Seconds a new replica needs before it serves (>= 0): it holds its GPUs and receives no
  // requests meanwhile. An input: weights over storage bandwidth plus engine start-up. ESTIMATE
  // of the default: Llama-3-70B in BF16 is ~140 GB; at a few GB/s from network storage or a
  // local NVMe cache that is ~30-70 s, plus process start, CUDA graph capture and warm-up:
  // a minute or two, so 120 s.
  double load_time_s = 120;
  // Seconds the load must stay low (every decision wanting fewer replicas than active +
  // loading) before replicas are drained (>= 0); Kubernetes' HPA default down-scale
  // stabilisation window is 300 s.
  double scale_down_delay_s = 300;
  // The utilisation signal.
  AutoscaleSignal signal = AutoscaleSignal::kOfferedLoad;
};

// Ok when `config` is usable with `initial_replicas` replicas at the start: 1 <= min_replicas
// <= initial_replicas <= max_replicas, 0 < target_utilization <= 1, interval_s > 0,
// load_time_s >= 0, scale_down_delay_s >= 0 (all finite). Problems name the field, e.g.
// "autoscale.max_replicas (2) is below min_replicas (3)".
Status CheckAutoscale(const AutoscaleConfig& config, int initial_replicas);

// One decision: replicas to add (new or drain-cancelled) and active replicas to drain.
struct ScaleDecision {
  int desired = 0;  // ceil(load / target) clamped to [min_replicas, max_replicas]
  int add = 0;      // desired - (active + loading) when positive
  int drain = 0;    // replicas to drain now (0 unless the load has stayed low long enough)
};

// The scaling policy without the simulation (LlmCluster runs the mechanics):
//  - desired = ceil(load / target_utilization), clamped to [min_replicas, max_replicas], where
//    `load` is the interval's load in replicas' worth (active x mean utilisation, see
//    AutoscaleSignal);
//  - scale up at once when desired > active + loading (loading replicas are capacity already
//    on its way, so they are not asked for twice);
//  - scale down when every decision for at least scale_down_delay_s has wanted fewer replicas
//    than active + loading. The low stretch starts at the start of the interval its first
//    decision read; the drain brings active + loading down to the highest desired count of the
//    stretch (as HPA's stabilisation window: the highest recommendation in it wins), never
//    below min_replicas, and never drains the last active replica (loading ones are not
//    drained). A drain, or a decision that is not low, ends the stretch.
class Autoscaler {
 public:
  // `config` must pass CheckAutoscale.
  explicit Autoscaler(const AutoscaleConfig& config) : config_(config) {}

  // ceil(load / target_utilization) (a 1e-9 relative tolerance keeps 2.1 / 0.7 at 3) clamped to
  // [min_replicas, max_replicas].
  int Desired(double load) const;
  // The decision at `now_s` (non-decreasing over calls) on the interval that ended then, with
  // `active` serving and `loading` replicas and the interval's `load` in replicas' worth.
  ScaleDecision Decide(double now_s, int active, int loading, double load);

  const AutoscaleConfig& config() const { return config_; }

 private:
  AutoscaleConfig config_;
  std::optional<double> low_since_s_;  // start of the current low stretch
  int low_max_desired_ = 0;            // highest desired count during the stretch
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_AUTOSCALER_H_
