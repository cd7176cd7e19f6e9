// Turning CUDA runtime errors into Status values (host code; usable from .cc and .cu files).
#pragma once

#include <cuda_runtime_api.h>

#include <string>

#include "kernels/status.h"

namespace capsim::kernels {

inline Status cuda_status(cudaError_t err, const char* what, const char* file, int line) {
  if (err == cudaSuccess) return Status::Ok();
  return Status::Error(std::string(file) + ":" + std::to_string(line) + ": " + what + ": " +
                       cudaGetErrorName(err) + " (" + cudaGetErrorString(err) + ")");
}

// True when a usable CUDA device is present (cudaGetDeviceCount succeeds and finds one).
inline bool cuda_device_available() {
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess) {
    (void)cudaGetLastError();  // clear the (non-sticky) error
    return false;
  }
  return count > 0;
}

}  // namespace capsim::kernels

#define CAPSIM_CUDA_TRY(expr)                                                                \
  do {                                                                                       \
    const cudaError_t capsim_cuda_err_ = (expr);                                             \
    if (capsim_cuda_err_ != cudaSuccess)                                                     \
      return ::capsim::kernels::cuda_status(capsim_cuda_err_, #expr, __FILE__, __LINE__);    \
  } while (0)

// After a <<<>>> launch: configuration errors (bad grid, too much shared memory) show up here.
#define CAPSIM_CUDA_TRY_LAUNCH() CAPSIM_CUDA_TRY(cudaGetLastError())
