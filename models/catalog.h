#ifndef CAPSIM_MODELS_CATALOG_H_
#define CAPSIM_MODELS_CATALOG_H_

#include <string>
#include <string_view>
#include <vector>

namespace capsim::models {

// One GPU type. All figures in SI units (FLOP/s, bytes, bytes/s, watts, US dollars).
// Every figure comes from data/catalog.yaml where it carries its source and confidence tag.
struct GpuSpec {
  std::string name;              // e.g. "H100-SXM"
  double bf16_flops = 0;         // dense BF16 peak, FLOP/s
  double fp8_flops = 0;          // dense FP8 peak, FLOP/s
  double memory_bytes = 0;       // HBM/GDDR capacity
  double memory_bandwidth = 0;   // bytes/s
  double tdp_watts = 0;          // maximum board power
  double idle_watts = 0;         // power when allocated but idle
  double list_price_usd = 0;     // purchase price of one GPU
  double bf16_gemm_efficiency = 0;  // achieved/peak on large BF16 GEMMs (0..1]
  bool has_video_encoder = false;   // NVENC or equivalent present
};

// One transformer model, enough to price training and inference FLOPs per token.
struct ModelSpec {
  std::string name;               // e.g. "llama-3-8b"
  double params = 0;              // total parameters
  double active_params = 0;       // parameters active per token (== params for dense models)
};

// Face-model tier defaults for the avatar pipeline (workloads.md §1).
struct AvatarTierSpec {
  std::string name;               // lipsync-2d | warp-gaussian | video-diffusion
  double face_gpu_share = 0;      // GPU share while the avatar speaks (H100-equivalents)
  double idle_gpu_share = 0;      // GPU share while it listens (0 when the idle loop is not rendered)
  double first_frame_latency_s = 0;  // face model's added latency to the first frame
};

// The data the simulator prices against. Adding a GPU or a model is adding data, not code.
struct Catalog {
  std::vector<GpuSpec> gpus;
  std::vector<ModelSpec> models;
  std::vector<AvatarTierSpec> avatar_tiers;

  // The GPU named `name`, or nullptr.
  const GpuSpec* FindGpu(std::string_view name) const;
  // The model named `name`, or nullptr.
  const ModelSpec* FindModel(std::string_view name) const;
  // The avatar tier named `name`, or nullptr.
  const AvatarTierSpec* FindTier(std::string_view name) const;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_CATALOG_H_
