#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/fill.h"

namespace capsim::kernels {

namespace detail {

__device__ __forceinline__ std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

__device__ __forceinline__ void store(float* p, float v) { *p = v; }
__device__ __forceinline__ void store(__nv_bfloat16* p, float v) { *p = __float2bfloat16(v); }
__device__ __forceinline__ void store(__half* p, float v) { *p = __float2half(v); }
__device__ __forceinline__ void store(__nv_fp8_e4m3* p, float v) { *p = __nv_fp8_e4m3(v); }

template <class T>
__global__ void fill_uniform_kernel(FillArgs<T> a) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < a.count; i += stride) {
    const std::uint64_t h = splitmix64(a.seed * 0x2545F4914F6CDD1Dull + i);
    const float u = static_cast<float>(h >> 40) * (1.0f / 16777216.0f);  // 24 bits -> [0, 1)
    store(a.data + i, a.lo + (a.hi - a.lo) * u);
  }
}

}  // namespace detail

namespace {

template <class T>
Status fill(FillArgs<T> args, cudaStream_t stream) {
  if (args.count == 0) return Status::Ok();
  if (!args.data) return Status::Error("fill: null pointer");
  const std::size_t blocks = (args.count + 255) / 256;
  detail::fill_uniform_kernel<T><<<static_cast<unsigned>(blocks < 65536 ? blocks : 65536), 256, 0, stream>>>(args);
  CAPSIM_CUDA_TRY_LAUNCH();
  return Status::Ok();
}

}  // namespace

Status launch_fill_uniform(FillArgs<float> args, cudaStream_t stream) { return fill(args, stream); }
Status launch_fill_uniform(FillArgs<__nv_bfloat16> args, cudaStream_t stream) { return fill(args, stream); }
Status launch_fill_uniform(FillArgs<__half> args, cudaStream_t stream) { return fill(args, stream); }
Status launch_fill_uniform(FillArgs<__nv_fp8_e4m3> args, cudaStream_t stream) { return fill(args, stream); }

}  // namespace capsim::kernels
