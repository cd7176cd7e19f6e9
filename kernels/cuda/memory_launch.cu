#include <algorithm>
#include <cstdint>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/memory.h"
#include "kernels/cuda/memory_kernels.cuh"

namespace capsim::kernels {

namespace {

bool aligned16(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 16 == 0; }

// Enough resident blocks to fill every SM (8 x 256 threads = 2048 per SM), no more.
Status stream_grid(std::size_t count, unsigned* blocks) {
  int device = 0, sms = 0;
  CAPSIM_CUDA_TRY(cudaGetDevice(&device));
  CAPSIM_CUDA_TRY(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  const std::size_t needed = (count / 4 + detail::kStreamThreads - 1) / detail::kStreamThreads;
  *blocks = static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(needed, static_cast<std::size_t>(sms) * 8)));
  return Status::Ok();
}

}  // namespace

Status launch_copy(CopyArgs args, cudaStream_t stream) {
  if (args.count == 0 || args.count % 4 != 0) return Status::Error("copy: count must be a positive multiple of 4");
  if (!aligned16(args.src) || !aligned16(args.dst)) return Status::Error("copy: pointers must be 16-byte aligned");
  unsigned blocks = 0;
  CAPSIM_KERNELS_TRY(stream_grid(args.count, &blocks));
  detail::copy_kernel<<<blocks, detail::kStreamThreads, 0, stream>>>(args);
  CAPSIM_CUDA_TRY_LAUNCH();
  return Status::Ok();
}

Status launch_triad(TriadArgs args, cudaStream_t stream) {
  if (args.count == 0 || args.count % 4 != 0) return Status::Error("triad: count must be a positive multiple of 4");
  if (!aligned16(args.a) || !aligned16(args.b) || !aligned16(args.c)) return Status::Error("triad: pointers must be 16-byte aligned");
  unsigned blocks = 0;
  CAPSIM_KERNELS_TRY(stream_grid(args.count, &blocks));
  detail::triad_kernel<<<blocks, detail::kStreamThreads, 0, stream>>>(args);
  CAPSIM_CUDA_TRY_LAUNCH();
  return Status::Ok();
}

}  // namespace capsim::kernels
