#pragma once

#include <cstddef>

#include "kernels/cuda/memory.h"

namespace capsim::kernels::detail {

inline constexpr int kStreamThreads = 256;

__global__ void __launch_bounds__(kStreamThreads) copy_kernel(CopyArgs a) {
  const auto* src = reinterpret_cast<const float4*>(a.src);
  auto* dst = reinterpret_cast<float4*>(a.dst);
  const std::size_t n4 = a.count / 4;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n4; i += stride)
    dst[i] = src[i];
}

__global__ void __launch_bounds__(kStreamThreads) triad_kernel(TriadArgs a) {
  auto* out = reinterpret_cast<float4*>(a.a);
  const auto* b = reinterpret_cast<const float4*>(a.b);
  const auto* c = reinterpret_cast<const float4*>(a.c);
  const std::size_t n4 = a.count / 4;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n4; i += stride) {
    const float4 x = b[i], y = c[i];
    out[i] = make_float4(fmaf(a.scalar, y.x, x.x), fmaf(a.scalar, y.y, x.y), fmaf(a.scalar, y.z, x.z),
                         fmaf(a.scalar, y.w, x.w));
  }
}

}  // namespace capsim::kernels::detail
