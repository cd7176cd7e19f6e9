// The tiled BF16 GEMM kernel. 64x64 output tile per block of 256 threads, K in steps of 16;
// tiles are staged in shared memory as FP32 (transposed so the inner loop reads rows); each thread
// accumulates a 4x4 sub-tile strided by 16 so shared-memory reads broadcast or hit distinct banks.
#pragma once

#include <cstddef>

#include "kernels/cuda/common.cuh"
#include "kernels/cuda/gemm.h"

namespace capsim::kernels::detail {

inline constexpr int kGemmTileM = 64;
inline constexpr int kGemmTileN = 64;
inline constexpr int kGemmTileK = 16;
inline constexpr int kGemmThreads = 256;

__global__ void __launch_bounds__(kGemmThreads) tiled_gemm_bf16_kernel(TiledGemmArgs a) {
  __shared__ float xs[kGemmTileK][kGemmTileM + 4];
  __shared__ float ws[kGemmTileK][kGemmTileN + 4];
  const int tid = threadIdx.x;
  const int tx = tid % 16, ty = tid / 16;
  const int m0 = blockIdx.y * kGemmTileM, n0 = blockIdx.x * kGemmTileN;

  float acc[4][4] = {};
  for (int k0 = 0; k0 < a.k; k0 += kGemmTileK) {
    for (int i = tid; i < kGemmTileM * kGemmTileK; i += kGemmThreads) {
      const int r = i / kGemmTileK, c = i % kGemmTileK;
      const int gk = k0 + c;
      const int gm = m0 + r, gn = n0 + r;
      xs[c][r] = (gm < a.m && gk < a.k) ? __bfloat162float(a.x[static_cast<std::size_t>(gm) * a.k + gk]) : 0.0f;
      ws[c][r] = (gn < a.n && gk < a.k) ? __bfloat162float(a.w[static_cast<std::size_t>(gn) * a.k + gk]) : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < kGemmTileK; ++kk) {
      float xr[4], wr[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        xr[i] = xs[kk][ty + 16 * i];
        wr[i] = ws[kk][tx + 16 * i];
      }
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(xr[i], wr[j], acc[i][j]);
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int gm = m0 + ty + 16 * i;
    if (gm >= a.m) continue;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int gn = n0 + tx + 16 * j;
      if (gn < a.n) a.y[static_cast<std::size_t>(gm) * a.n + gn] = __float2bfloat16(a.alpha * acc[i][j]);
    }
  }
}

}  // namespace capsim::kernels::detail
