// Device-side random fills for benchmark inputs (multi-GiB buffers are not worth filling from the
// host). Values are a hash of (seed, index): deterministic, uniform in [lo, hi).
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>
#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

#include "kernels/status.h"

namespace capsim::kernels {

template <class T>
struct FillArgs {
  T* data = nullptr;
  std::size_t count = 0;
  std::uint64_t seed = 0;
  float lo = -1.0f, hi = 1.0f;
};

Status launch_fill_uniform(FillArgs<float> args, cudaStream_t stream);
Status launch_fill_uniform(FillArgs<__nv_bfloat16> args, cudaStream_t stream);
Status launch_fill_uniform(FillArgs<__half> args, cudaStream_t stream);
Status launch_fill_uniform(FillArgs<__nv_fp8_e4m3> args, cudaStream_t stream);  // saturating

}  // namespace capsim::kernels
