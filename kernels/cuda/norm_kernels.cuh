// Row-wise kernels: one block of 256 threads per row, three passes over the row (statistics in
// FP32; the re-reads mostly hit L1/L2).
#pragma once

#include <cstddef>

#include "kernels/cuda/common.cuh"
#include "kernels/cuda/norm.h"

namespace capsim::kernels::detail {

inline constexpr int kRowThreads = 256;

__global__ void __launch_bounds__(kRowThreads) layernorm_bf16_kernel(LayerNormArgs a) {
  __shared__ float scratch[32];
  const std::size_t base = static_cast<std::size_t>(blockIdx.x) * a.cols;
  const __nv_bfloat16* x = a.x + base;
  float mean = 0.0f;
  if (!a.rms) {
    float sum = 0.0f;
    for (int c = threadIdx.x; c < a.cols; c += blockDim.x) sum += __bfloat162float(x[c]);
    mean = block_sum(sum, scratch) / a.cols;
  }
  float sq = 0.0f;
  for (int c = threadIdx.x; c < a.cols; c += blockDim.x) {
    const float d = __bfloat162float(x[c]) - mean;
    sq = fmaf(d, d, sq);
  }
  const float inv = rsqrtf(block_sum(sq, scratch) / a.cols + a.eps);
  for (int c = threadIdx.x; c < a.cols; c += blockDim.x) {
    float v = (__bfloat162float(x[c]) - mean) * inv * __bfloat162float(a.gamma[c]);
    if (!a.rms) v += __bfloat162float(a.beta[c]);
    a.y[base + c] = __float2bfloat16(v);
  }
}

template <class TIn, class TOut>
__global__ void __launch_bounds__(kRowThreads) softmax_kernel(const TIn* x_all, TOut* y_all, int cols) {
  __shared__ float scratch[32];
  const std::size_t base = static_cast<std::size_t>(blockIdx.x) * cols;
  const TIn* x = x_all + base;
  TOut* y = y_all + base;
  float mx = -INFINITY;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) mx = fmaxf(mx, to_float(x[c]));
  mx = block_max(mx, scratch);
  float sum = 0.0f;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) sum += __expf(to_float(x[c]) - mx);
  const float inv = 1.0f / block_sum(sum, scratch);
  // x and y may alias (in place): each element is read by the thread that writes it, and all
  // reads of the statistics passes completed at the block_sum barrier.
  for (int c = threadIdx.x; c < cols; c += blockDim.x) y[c] = from_float<TOut>(__expf(to_float(x[c]) - mx) * inv);
}

}  // namespace capsim::kernels::detail
