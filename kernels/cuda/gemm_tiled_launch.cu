#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/gemm.h"
#include "kernels/cuda/gemm_tiled_kernel.cuh"

namespace capsim::kernels {

Status launch_tiled_gemm_bf16(TiledGemmArgs args, cudaStream_t stream) {
  if (args.m < 1 || args.n < 1 || args.k < 1) return Status::Error("tiled GEMM: m, n, k must be >= 1");
  if (args.x == nullptr || args.w == nullptr || args.y == nullptr) return Status::Error("tiled GEMM: null pointer");
  const dim3 grid((args.n + detail::kGemmTileN - 1) / detail::kGemmTileN,
                  (args.m + detail::kGemmTileM - 1) / detail::kGemmTileM);
  if (grid.y > 65535u) return Status::Error("tiled GEMM: m too large for the grid");
  detail::tiled_gemm_bf16_kernel<<<grid, detail::kGemmThreads, 0, stream>>>(args);
  CAPSIM_CUDA_TRY_LAUNCH();
  return Status::Ok();
}

}  // namespace capsim::kernels
