#ifndef CAPSIM_MODELS_SCENARIO_H_
#define CAPSIM_MODELS_SCENARIO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/arrival_spec.h"
#include "models/calibration.h"
#include "models/catalog.h"
#include "models/disaggregated_cluster.h"
#include "models/llm_cluster.h"
#include "models/request.h"
#include "models/request_source.h"
#include "models/topology.h"

namespace capsim::models {

// An immutable, validated scenario in SI units (seconds, watts, bytes, US dollars, 1/s).
// Built by config::LoadScenario from YAML; see scenarios/README.md for every key and its default.

struct SiteSpec {
  std::string name;
  double power_cap_watts = 0;             // facility IT power cap
  double pue = 1.0;                       // power usage effectiveness (>= 1)
  double energy_price_usd_per_joule = 0;  // tariff (YAML: "0.07 USD/kWh")
};

struct PoolSpec {
  std::string name;
  std::string site;  // a SiteSpec name
  std::string gpu;   // a GpuSpec name in the catalog
  int nodes = 0;
  int gpus_per_node = 8;
  double host_power_fraction = 0.3;  // host/NIC/fan power as a fraction of GPU TDP
  double server_price_usd = 0;       // per node; 0 = derive from GPU list price x server_overhead
  // Present: the nodes' NVLink domains, racks and pods (models/topology.h); batch jobs are placed
  // on as few pods as they fit and run slower when their data-parallel traffic crosses the
  // oversubscribed spine. Absent: a flat pool.
  std::optional<TopologySpec> topology;
};

struct LognormalSpec {
  double median = 0;  // seconds
  double mean = 0;    // seconds (>= median)
  double cap = 0;     // seconds; 0 = no cap
};

// One stage of the avatar pipeline. GPU shares are fractions of one GPU of the pool.
struct StageSpec {
  double latency_s = 0;  // nominal latency added to the time to first frame
  double gpu_share = 0;  // GPU share while the stage is active
};

// --- Replica-level avatar pipeline (AvatarSpec::replica; models/avatar_pipeline.h) -------------

// A pool of GPUs serving streams (streaming ASR or TTS): each GPU holds up to streams_per_gpu
// streams; a stream's stage latency grows linearly from latency_one_s (alone on its GPU) to
// latency_full_s (GPU full). Streams beyond the pool's slots wait first-come first-served.
struct StreamPoolSpec {
  int gpus = 0;  // GPUs of the scenario pool reserved for the whole run
  int streams_per_gpu = 1;
  double latency_one_s = 0;
  double latency_full_s = 0;
};

// The dialogue LLM: replicas of a catalog model, each continuously batching up to max_seqs
// replies; iteration times priced by the performance model (LlmReplica::IterationTime).
struct AvatarLlmSpec {
  std::string model;  // a ModelSpec name with an architecture
  int replicas = 1;
  int tp = 1;
  int max_seqs = 64;  // concurrent replies per replica; more wait FIFO
  int64_t system_prompt_tokens = 500;
  int64_t tokens_per_turn = 200;   // dialogue growth per turn (user + agent text)
  int64_t reply_tokens = 30;       // tokens per reply
  int64_t first_chunk_tokens = 8;  // tokens TTS needs before it can speak
  bool prefix_cache = true;        // earlier turns' KV kept: only the new tokens are prefilled
};

// Where video is encoded. GPUs without video encoders (H100, H200, B200) need kCpu or
// kEncoderPool; kPoolGpu requires video encoders on the scenario pool's GPU.
struct EncodeSpec {
  enum class Where { kCpu, kPoolGpu, kEncoderPool };
  Where where = Where::kCpu;
  double latency_s = 0.02;             // per frame, added to the time to first frame
  double cpu_cores_per_stream = 0.75;  // kCpu: x264 720p (workloads.md §1: 0.5-1 core)
  std::string gpu;                     // kEncoderPool: a catalog GPU with video encoders (L4, L40S)
  int gpus = 0;                        // kEncoderPool: GPUs in the encoder pool
  int streams_per_gpu = 0;             // kEncoderPool / kPoolGpu: concurrent encodes per GPU
};

struct AvatarReplicaSpec {
  std::string face_model;            // a FaceModelSpec name (catalog face_models)
  int gpus_per_replica = 1;          // > 1: one replica spans that many GPUs (video diffusion)
  double frame_budget = 0.8;         // admission: batch time <= frame_budget x frame interval
  double overcommit = 1.0;           // sessions per replica / streams it can render at once
  bool render_idle = false;          // render the listening animation (tier's idle share > 0)
  double stream_vram_bytes = 0.5e9;  // per stream on a face replica, beyond the weights
  StreamPoolSpec asr;
  StreamPoolSpec tts;
  AvatarLlmSpec llm;
  EncodeSpec encode;
  bool hold_audio = true;  // audio held back until its first frame is shown
};

struct AvatarSpec {
  std::string name;
  std::string pool;  // a PoolSpec name (empty: the first pool)
  std::string tier;  // an AvatarTierSpec name
  double fps = 25;
  ArrivalSpec arrivals;
  LognormalSpec session_length;
  double user_speaking_mean_s = 8;     // mean length of a user turn (lognormal)
  double agent_speaking_mean_s = 7.5;  // mean length of an agent reply (lognormal)
  double turn_sigma = 0.5;             // lognormal sigma of both turn lengths
  double latency_sigma = 0.3;          // lognormal sigma of each stage latency draw
  double frame_time_cv = 0.1;          // coefficient of variation of per-frame render time
  StageSpec end_of_turn;               // CPU only (gpu_share ignored)
  StageSpec asr;                       // active while the user speaks
  StageSpec llm;                       // active while the reply is generated
  StageSpec tts;                       // active while the agent speaks
  StageSpec face;                      // active while the agent speaks (idle_share while listening)
  double face_idle_share = 0;          // face GPU share while listening
  StageSpec encode;                    // active for the whole session (0 share = CPU encode)
  StageSpec network;                   // transport (gpu_share ignored)
  int max_sessions = 0;                // admission limit on concurrent sessions
  double gpu_load_target = 0.85;       // packing target: summed mean share per GPU
  double peak_load_limit = 1.0;        // packing limit: summed peak share per GPU
  double slo_ttff_p99_s = 1.0;
  double slo_frame_miss_rate = 0.005;
  // Present: the replica-level pipeline (face replicas batching frames, ASR/TTS/LLM pools);
  // absent: the fleet-level model with fixed GPU shares (models/avatar_service.h).
  std::optional<AvatarReplicaSpec> replica;
  // Present (YAML `aggregate: { sessions_per_gpu }`): the session-level model for long runs
  // (models/avatar_session_pool.h): sessions are the only events, each holding a fixed slot of
  // 1 / sessions_per_gpu GPU for its length; no turns. sessions_per_gpu 0 = gpu_load_target /
  // the tier's mean GPU share over a turn cycle (the packing AvatarService does), or take it
  // from `capsim capacity` of the replica-level pipeline.
  struct AggregateSpec {
    double sessions_per_gpu = 0;
    // Seconds a newly granted node loads the avatar models before it serves (scale-up delay);
    // sessions finding no free slot meanwhile are turned away. 0 = at once.
    double load_time_s = 0;
  };
  std::optional<AggregateSpec> aggregate;
};

// How a job's step is laid out and batched; the op-level performance model prices it.
struct StepLayout {
  int tp = 0;                          // tensor parallel (0 = the pool's gpus_per_node)
  int pp = 1;                          // pipeline parallel
  int dp = 0;                          // data parallel (0 = whatever the GPU count leaves)
  int64_t seq_len = 4096;              // tokens per sequence
  double global_batch_tokens = 4e6;    // tokens per optimizer step (training)
  int micro_batch_seqs = 1;            // sequences per micro-batch
  int ep = 1;                          // expert parallel (MoE; carved out of dp, dp % ep == 0)
  bool distributed_optimizer = false;  // ZeRO-1: reduce-scatter gradients, shard Adam
  // Share of the backward pass's compute time the data-parallel gradient traffic can hide
  // behind (bucketed reduction during backward, as Megatron/FSDP do); 0 = none overlapped.
  double dp_overlap = 0;
};

// A gang-scheduled training job on a fixed number of GPUs.
struct TrainingSpec {
  std::string name;
  std::string pool;   // a PoolSpec name (empty: the first pool)
  std::string model;  // a ModelSpec name
  int gpus = 0;       // gang size (a multiple of the pool's gpus_per_node)
  // Elastic training (YAML gpus: { min, max }): the smallest allocation it runs on, its data
  // parallelism shrinking and growing between min and `gpus` (each change a checkpoint and a
  // restart). 0 = a gang of exactly `gpus`.
  int min_gpus = 0;
  double tokens = 0;  // token target
  // Achieved FLOP/s / peak (MFU). 0 (the default) = the step is priced by the op-level
  // performance model from `layout` and the pool GPU's calibration profile.
  double efficiency = 0;
  StepLayout layout;
  double checkpoint_interval_s = 1800;
  double checkpoint_write_s = 60;  // progress pauses while a checkpoint is written
  double restart_s = 600;          // reschedule + load + warm-up after a preemption
};

// Distillation: a teacher forward pass plus student training per token, preemptible and elastic.
struct DistillationSpec {
  std::string name;
  std::string pool;     // a PoolSpec name (empty: the first pool)
  std::string teacher;  // a ModelSpec name
  std::string student;  // a ModelSpec name
  int min_gpus = 0;     // smallest allocation it runs on
  int max_gpus = 0;     // largest allocation it asks for
  double tokens = 0;
  double efficiency = 0;  // 0 = priced by the performance model (see TrainingSpec)
  StepLayout layout;      // one data-parallel replica: tp (and micro-batch, seq_len)
  double checkpoint_interval_s = 1800;
  double checkpoint_write_s = 30;
  double restart_s = 300;
  // How the teacher's logits reach the student (models/distillation_pricing.h).
  //  kOnline: the teacher's forward pass runs inside every student step on the same GPUs; the
  //    logits stay on the GPU (nothing stored), the teacher's weights sit beside the student's.
  //  kOffline: a teacher pass first generates and stores the top-k logits of every token (a
  //    batchable, preemptible inference job, workloads.md §7), then the student trains reading
  //    them back from storage (a training job).
  enum class Mode { kOnline, kOffline };
  Mode mode = Mode::kOnline;
  // Logit entries stored per token; 0 = the full vocabulary. Default 128: the "top-128 logits"
  // of workloads.md §7 (ESTIMATE).
  int logit_top_k = 128;
  // Bytes of one stored entry: a BF16 value (2) + a 4-byte token index = 6, so top-128 x 6 =
  // 768 B/token as in workloads.md §7 (ESTIMATE). A full-vocabulary dump needs no index (2).
  double logit_bytes_per_entry = 6;
  // Offline only: bytes/s per GPU at which the teacher writes and the student reads logits
  // (storage share of one GPU); 0 = unlimited (storage never limits the step).
  double logit_storage_bandwidth = 0;
};

// LLM serving: replicas of a model behind a router, fed by an arrival process or a trace.
// Its replicas hold whole nodes of the pool for the whole run (they are not preempted).
struct ServingSpec {
  std::string name;
  std::string pool;   // a PoolSpec name (empty: the first pool)
  std::string model;  // a ModelSpec name with an architecture
  enum class Source { kPoisson, kDiurnal, kBursty, kOffline, kTrace };
  Source source = Source::kPoisson;
  ArrivalSpec arrivals;        // kPoisson (peak_rate_per_s = rate) and kDiurnal
  double cv = 1;               // kBursty: coefficient of variation of inter-arrival times
  uint64_t offline_count = 0;  // kOffline: requests at t = 0
  std::string trace_path;      // kTrace: the file it was read from
  std::vector<Request> trace;  // kTrace: the requests, in file order
  ReplayOptions replay;        // kTrace: time scaling and window
  LengthModel lengths;         // synthetic sources: input/output token lengths
  ClusterConfig cluster;       // replicas, tp/pp, engine, routing, TTFT/TPOT goodput bounds
  // Present: prefill/decode disaggregation (models/disaggregated_cluster.h) instead of the
  // co-located replicas; both pools' engines and the goodput bounds are copies of cluster's, and
  // cluster.replicas, cluster.par and cluster.routing are unused.
  std::optional<DisaggregatedConfig> disaggregated;

  // GPUs its replicas hold (both pools when disaggregated).
  int Gpus() const {
    if (disaggregated) {
      const DisaggregatedConfig& d = *disaggregated;
      return d.prefill_replicas * d.prefill_par.tp * d.prefill_par.pp +
             d.decode_replicas * d.decode_par.tp * d.decode_par.pp;
    }
    return cluster.replicas * cluster.par.tp * cluster.par.pp;
  }
};

// How the pool is shared (config/policy_loader.h reads it; models/fleet_scheduler.h applies it).
// kind names the policy; the options combine:
//  - priority-preemption: workloads ranked by `order`; higher ranks take nodes from lower ones
//    (preemption) as they need them;
//  - static-partition: the avatar service owns avatar_partition_nodes nodes, batch jobs the rest;
//  - time-of-day: workloads named in `windows` run only inside their daily window (e.g.
//    distillation in the diurnal trough), stopped after a checkpoint as the window closes.
// `elastic` lets jobs with GPU bounds shrink and grow; `headroom_nodes` keeps spare avatar nodes.
struct PolicySpec {
  enum class Kind { kPriorityPreemption, kStaticPartition, kTimeOfDay };
  struct Window {
    std::string workload;
    double start_s = 0;  // seconds after midnight
    double end_s = 0;    // end < start: the window spans midnight
  };
  std::string name = "policy";  // label in policy comparisons
  Kind kind = Kind::kPriorityPreemption;
  // Workload names, highest priority first. Preemption takes from the lowest priority first.
  std::vector<std::string> order;
  bool preemption = true;
  bool elastic = true;               // false: elastic jobs run as gangs of their maximum
  double rebalance_interval_s = 60;  // how often the avatar pool is checked for shrinking
  int headroom_nodes = 1;            // spare nodes the avatar pool keeps beyond its reservation
  int avatar_partition_nodes = 0;    // static-partition: the avatar service's own nodes
  std::vector<Window> windows;       // time-of-day windows by workload
};

// Component failures of batch jobs (top-level `failures:`; absent = none): the interruption rates
// by cause of models/failures.h Llama3FailureCauses() times rate_scale, per GPU-hour a job holds.
// With spare_nodes > 0 a failed node is swapped for a hot spare in swap_s while one is free (the
// failed node joins the spares after repair_s); otherwise the job waits repair_s.
struct FailureSpec {
  bool enabled = false;
  double rate_scale = 1.0;
  double repair_s = 0;  // down time before the restart when no spare is free
  int spare_nodes = 0;  // hot spares beside the pool (not counted in its nodes)
  double swap_s = 0;    // down time when a spare is swapped in
};

struct FinanceSpec {
  double server_life_s = 5.5 * 365.25 * 86400;  // straight-line depreciation life
  double residual_fraction = 0;                 // residual value at end of life
  double server_overhead = 1.23;  // node price / (GPUs x GPU list price) when no server_price
};

struct Scenario {
  std::string name;
  std::string source_path;    // the YAML file it came from
  std::string resolved_text;  // the YAML after --set overrides, stored in results
  uint64_t seed = 1;
  double horizon_s = 86400;
  double sample_interval_s = 300;  // timeseries sampling period
  std::vector<SiteSpec> sites;
  std::vector<PoolSpec> pools;      // each workload runs in one of them (its `pool`)
  std::vector<AvatarSpec> avatars;  // at most one avatar service in this version
  std::vector<TrainingSpec> trainings;
  std::vector<DistillationSpec> distillations;
  std::vector<ServingSpec> servings;  // at most one LLM serving workload in this version
  PolicySpec policy;
  // Further policies to run the same scenario under, with the same seed, for comparison (the
  // `compare_policies:` map; each entry starts from `policy` and overrides its keys).
  std::vector<PolicySpec> compare_policies;
  FailureSpec failures;
  FinanceSpec finance;
  Catalog catalog;  // the catalog the scenario was resolved against
  // Calibration profiles by GPU type (the `calibration:` map); the pool GPU must have one when
  // a job is priced by the performance model.
  std::vector<CalibrationProfile> profiles;

  // The index in `pools` of the pool named `name` (empty: the first, 0); -1 when none is.
  int PoolIndex(const std::string& name) const {
    if (name.empty()) return pools.empty() ? -1 : 0;
    for (size_t i = 0; i < pools.size(); ++i) {
      if (pools[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }

  // The profile for GPU type `gpu`, or nullptr.
  const CalibrationProfile* ProfileFor(const std::string& gpu) const {
    return FindProfile(profiles, gpu);
  }
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_SCENARIO_H_
