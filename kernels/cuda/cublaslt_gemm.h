// cuBLASLt GEMM baseline: BF16 and FP8 (E4M3 with per-tensor scales), FP32 accumulation, BF16
// output. Same convention as the tiled kernel: Y[m, n] = X[m, k] * W[n, k]^T, row-major. In
// cuBLAS's column-major view that is D (n x m) = op(A = W) * B (= X) with A transposed: the "TN"
// layout, which is also the only layout cuBLASLt supports for FP8 on sm_90.
#pragma once

#include <cublasLt.h>
#include <cuda_runtime_api.h>

#include <cstddef>
#include <memory>

#include "kernels/cuda/device_buffer.h"
#include "kernels/shapes.h"
#include "kernels/status.h"

namespace capsim::kernels {

Status cublas_status(cublasStatus_t status, const char* what);

// Owns the cuBLASLt handle and the workspace the algorithms may use.
class CublasLtHandle {
 public:
  CublasLtHandle() = default;
  ~CublasLtHandle();
  CublasLtHandle(const CublasLtHandle&) = delete;
  CublasLtHandle& operator=(const CublasLtHandle&) = delete;

  Status create(std::size_t workspace_bytes = 32u << 20);  // 32 MiB, NVIDIA's advice for Hopper
  cublasLtHandle_t get() const { return handle_; }
  void* workspace() const { return workspace_.get(); }
  std::size_t workspace_bytes() const { return workspace_.bytes(); }

 private:
  cublasLtHandle_t handle_ = nullptr;
  DeviceBuffer<unsigned char> workspace_;
};

enum class LtGemmType { kBF16, kFP8E4M3 };

// Per-call pointers. x and w are __nv_bfloat16 (kBF16) or __nv_fp8_e4m3 (kFP8E4M3); y is
// __nv_bfloat16. For FP8, y = alpha * (*x_scale) * (*w_scale) * (X W^T): the scales are device
// pointers to one float each (dequantisation factors: real value = stored value * scale).
struct LtGemmArgs {
  const void* x = nullptr;
  const void* w = nullptr;
  void* y = nullptr;
  const float* x_scale = nullptr;
  const float* w_scale = nullptr;
  float alpha = 1.0f;
};

// Descriptors and the heuristic's algorithm, chosen once per (type, shape) and run many times.
class LtGemmPlan {
 public:
  LtGemmPlan();
  ~LtGemmPlan();
  LtGemmPlan(LtGemmPlan&&) noexcept;
  LtGemmPlan& operator=(LtGemmPlan&&) noexcept;
  LtGemmPlan(const LtGemmPlan&) = delete;
  LtGemmPlan& operator=(const LtGemmPlan&) = delete;

  Status init(const CublasLtHandle& lt, LtGemmType type, const GemmShape& shape);
  Status run(const LtGemmArgs& args, cudaStream_t stream) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace capsim::kernels
