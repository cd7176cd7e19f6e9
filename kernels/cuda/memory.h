// HBM streaming kernels (STREAM-style) on FP32 arrays, 16-byte vector accesses, grid-stride.
// Bytes are counted as read + written: copy moves 2 x array bytes, triad 3 x.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>

#include "kernels/status.h"

namespace capsim::kernels {

struct CopyArgs {
  const float* src = nullptr;
  float* dst = nullptr;
  std::size_t count = 0;  // floats; a multiple of 4, pointers 16-byte aligned
};
Status launch_copy(CopyArgs args, cudaStream_t stream);

// a = b + scalar * c
struct TriadArgs {
  float* a = nullptr;
  const float* b = nullptr;
  const float* c = nullptr;
  float scalar = 3.0f;
  std::size_t count = 0;  // floats; a multiple of 4, pointers 16-byte aligned
};
Status launch_triad(TriadArgs args, cudaStream_t stream);

}  // namespace capsim::kernels
