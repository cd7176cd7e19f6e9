// Hand-written tiled BF16 GEMM (shared-memory tiling, FP32 accumulation). Correct rather than
// fast: the fast baseline is cuBLASLt (cublaslt_gemm.h).
#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime_api.h>

#include "kernels/shapes.h"
#include "kernels/status.h"

namespace capsim::kernels {

// Y[m, n] = alpha * X[m, k] * W[n, k]^T, row-major (see GemmShape).
struct TiledGemmArgs {
  const __nv_bfloat16* x = nullptr;
  const __nv_bfloat16* w = nullptr;
  __nv_bfloat16* y = nullptr;
  int m = 0, n = 0, k = 0;
  float alpha = 1.0f;
};

Status launch_tiled_gemm_bf16(TiledGemmArgs args, cudaStream_t stream);

}  // namespace capsim::kernels
