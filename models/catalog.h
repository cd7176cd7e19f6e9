#ifndef CAPSIM_MODELS_CATALOG_H_
#define CAPSIM_MODELS_CATALOG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/operation.h"

namespace capsim::models {

// One GPU type. All figures in SI units (FLOP/s, bytes, bytes/s, watts, US dollars).
// Every figure comes from data/catalog.yaml where it carries its source and confidence tag.
struct GpuSpec {
  std::string name;                 // e.g. "H100-SXM"
  double bf16_flops = 0;            // dense BF16 peak, FLOP/s
  double fp8_flops = 0;             // dense FP8 peak, FLOP/s
  double memory_bytes = 0;          // HBM/GDDR capacity
  double memory_bandwidth = 0;      // bytes/s
  double tdp_watts = 0;             // maximum board power
  double idle_watts = 0;            // power when allocated but idle
  double list_price_usd = 0;        // purchase price of one GPU
  double bf16_gemm_efficiency = 0;  // achieved/peak on large BF16 GEMMs (0..1]
  bool has_video_encoder = false;   // NVENC or equivalent present
  double scale_up_bandwidth = 0;    // NVLink/xGMI bytes/s per GPU, one direction; 0 = PCIe only
  int scale_up_domain = 1;          // GPUs in one scale-up (NVLink/xGMI) domain
  int video_encoders = 0;           // NVENC engines (0 when has_video_encoder is false)
};

// One server (or NVL72 compute tray): the unit that is bought, powered and cabled.
struct NodeSpec {
  std::string name;  // e.g. "HGX-H100-8", "DGX-B200", "GB200-NVL72-tray"
  std::string gpu;   // a GpuSpec name
  int gpus_per_node = 0;
  double host_power_watts = 0;  // node power excluding the GPUs (CPUs, NICs, fans, switches)
  int nics = 0;                 // scale-out NICs
  double nic_bandwidth = 0;     // bytes/s per NIC, one direction
  double list_price_usd = 0;    // purchase price of the whole node; 0 = unknown
};

// One network tier: the scale-up domain (NVLink/xGMI) or a scale-out fabric between nodes.
struct NetworkSpec {
  std::string name;  // e.g. "nvlink", "roce-400g-rail", "ib-ndr-400g"
  LinkTier tier = LinkTier::kScaleOut;
  double bandwidth = 0;         // bytes/s per GPU, one direction; 0 on kScaleUp = the GPU's own
  double latency_s = 0;         // one-way latency of a small message
  double oversubscription = 1;  // bandwidth ratio down/up at the aggregation layer (7 for 1:7)
  int full_bisection_gpus = 0;  // GPUs under full bisection (a pod); 0 = the whole fabric
};

// One transformer language model. `params`/`active_params` are the model-card counts used by
// the fleet-level throughput model; the architecture fields (zero when unknown) drive the
// operation lists of models/transformer_ops.h.
struct ModelSpec {
  std::string name;              // e.g. "llama-3-8b"
  double params = 0;             // total parameters
  double active_params = 0;      // parameters active per token (== params for dense models)
  std::string family = "llm";    // "llm"; face models are FaceModelSpec ("face")
  int64_t layers = 0;            // transformer blocks; 0 = architecture unknown
  int64_t hidden = 0;            // residual-stream width
  int64_t heads = 0;             // query heads
  int64_t kv_heads = 0;          // key/value heads (GQA); == heads for multi-head attention
  int64_t head_dim = 0;          // per-head width (hidden / heads unless stated)
  int64_t ffn = 0;               // dense gated-FFN intermediate size (0 for MoE-only models)
  int64_t vocab = 0;             // vocabulary size
  int64_t experts = 0;           // routed experts per layer; 0 or 1 = dense
  int64_t active_experts = 0;    // experts per token (top-k)
  int64_t expert_ffn = 0;        // intermediate size of one expert
  bool tied_embeddings = false;  // the LM head reuses the input embedding matrix
  DType dtype = DType::kBF16;    // weights and activations

  // Whether the architecture fields are filled.
  bool HasArchitecture() const { return layers > 0; }
  // Whether the FFN is a mixture of experts.
  bool IsMoe() const { return experts > 1; }
};

// Parameter counts derived from a model's architecture (biases ignored: < 0.01% here).
struct ParamCounts {
  double total = 0;      // every weight, embeddings and norms included
  double per_token = 0;  // weights a token is multiplied by in one forward pass: attention and
                         // active FFN projections, router and LM head (not the input-embedding
                         // lookup, not unrouted experts, not norms); forward GEMM FLOPs = 2x this
  double per_layer = 0;  // weights of one transformer block (all experts)
  double expert = 0;     // weights of all routed experts of all layers (0 when dense)
  double embedding = 0;  // input embedding + separate LM head (vocab x hidden once when tied)
};

// The parameter counts of `model` from its architecture; requires model.HasArchitecture().
ParamCounts ArchitectureParams(const ModelSpec& model);

// One layer of a face model as written in the catalog, for one frame at one denoising step
// times `repeat`. Shapes per OpClass: kConv uses channels_in/out, height, width, kernel; kGemm
// uses m (rows per frame), n, k; kAttentionPrefill (full, non-causal) uses heads, head_dim,
// tokens (queries per frame) and context (keys per query); kMemory uses bytes and flops.
struct FaceLayerSpec {
  std::string name;  // e.g. "unet.down0.resnet.conv"
  OpClass op_class = OpClass::kConv;
  int64_t channels_in = 0, channels_out = 0, height = 0, width = 0, kernel = 0;
  int64_t m = 0, n = 0, k = 0;
  int64_t heads = 0, head_dim = 0, tokens = 0, context = 0;
  double bytes = 0, flops = 0;  // kMemory only, per frame
  double repeat = 1;            // instances per frame (layers x denoising steps)
  std::string source;           // where the shape comes from
};

// One face model of the avatar pipeline (workloads.md §2): either a list of layer shapes or,
// where no architecture is published, FLOPs and activation bytes per frame.
struct FaceModelSpec {
  std::string name;  // e.g. "musetalk-256"
  std::string family = "face";
  std::string tier;        // the AvatarTierSpec it implements
  double params = 0;       // weights (read once per batch of frames)
  int64_t resolution = 0;  // output frame height = width in pixels
  int64_t steps = 1;       // denoising steps (already included in layer repeats)
  DType dtype = DType::kFP16;
  std::vector<FaceLayerSpec> layers;  // empty: use flops_per_frame / bytes_per_frame
  double flops_per_frame = 0;         // layer form: computed from `layers`; else from the catalog
  double bytes_per_frame = 0;         // activation bytes per frame (flops form only)
  double reference_fps = 0;           // published speed, frames/s per stream (0 = unknown)
  int reference_gpus = 1;             // GPUs that speed was measured on
  std::string reference_gpu;          // e.g. "RTX 4090", "H800"
};

// Face-model tier defaults for the avatar pipeline (workloads.md §1).
struct AvatarTierSpec {
  std::string name;           // lipsync-2d | warp-gaussian | video-diffusion
  double face_gpu_share = 0;  // GPU share while the avatar speaks (H100-equivalents)
  double idle_gpu_share = 0;  // GPU share while it listens (0 when the idle loop is not rendered)
  double first_frame_latency_s = 0;  // face model's added latency to the first frame
};

// The data the simulator prices against. Adding a GPU or a model is adding data, not code.
struct Catalog {
  std::vector<GpuSpec> gpus;
  std::vector<ModelSpec> models;
  std::vector<AvatarTierSpec> avatar_tiers;
  std::vector<NodeSpec> nodes;
  std::vector<NetworkSpec> networks;
  std::vector<FaceModelSpec> face_models;

  // The GPU named `name`, or nullptr.
  const GpuSpec* FindGpu(std::string_view name) const;
  // The model named `name`, or nullptr.
  const ModelSpec* FindModel(std::string_view name) const;
  // The avatar tier named `name`, or nullptr.
  const AvatarTierSpec* FindTier(std::string_view name) const;
  // The node type named `name`, or nullptr.
  const NodeSpec* FindNode(std::string_view name) const;
  // The network tier named `name`, or nullptr.
  const NetworkSpec* FindNetwork(std::string_view name) const;
  // The face model named `name`, or nullptr.
  const FaceModelSpec* FindFaceModel(std::string_view name) const;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_CATALOG_H_
