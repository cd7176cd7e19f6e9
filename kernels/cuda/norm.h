// Row-wise kernels: layer norm / RMSNorm and softmax, BF16 in and out, FP32 statistics.
#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime_api.h>

#include "kernels/status.h"

namespace capsim::kernels {

// y = (x - mean) / sqrt(var + eps) * gamma + beta per row; with rms = true,
// y = x / sqrt(mean(x^2) + eps) * gamma (beta unused, may be null). x, y [rows, cols].
struct LayerNormArgs {
  const __nv_bfloat16* x = nullptr;
  const __nv_bfloat16* gamma = nullptr;
  const __nv_bfloat16* beta = nullptr;
  __nv_bfloat16* y = nullptr;
  int rows = 0, cols = 0;
  float eps = 1e-5f;
  bool rms = false;
};
Status launch_layernorm_bf16(LayerNormArgs args, cudaStream_t stream);

struct SoftmaxArgs {
  const __nv_bfloat16* x = nullptr;
  __nv_bfloat16* y = nullptr;
  int rows = 0, cols = 0;
};
Status launch_softmax_bf16(SoftmaxArgs args, cudaStream_t stream);

// FP32 in place (used by the naive attention on its score matrix); rows may exceed 2^31 / cols.
Status launch_softmax_f32_inplace(float* data, long long rows, int cols, cudaStream_t stream);

}  // namespace capsim::kernels
