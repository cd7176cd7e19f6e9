#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/norm.h"
#include "kernels/cuda/norm_kernels.cuh"

namespace capsim::kernels {

Status launch_layernorm_bf16(LayerNormArgs args, cudaStream_t stream) {
  if (args.rows < 1 || args.cols < 1) return Status::Error("layernorm: rows and cols must be >= 1");
  if (!args.x || !args.y || !args.gamma || (!args.rms && !args.beta)) return Status::Error("layernorm: null pointer");
  detail::layernorm_bf16_kernel<<<args.rows, detail::kRowThreads, 0, stream>>>(args);
  CAPSIM_CUDA_TRY_LAUNCH();
  return Status::Ok();
}

Status launch_softmax_bf16(SoftmaxArgs args, cudaStream_t stream) {
  if (args.rows < 1 || args.cols < 1) return Status::Error("softmax: rows and cols must be >= 1");
  if (!args.x || !args.y) return Status::Error("softmax: null pointer");
  detail::softmax_kernel<__nv_bfloat16, __nv_bfloat16><<<args.rows, detail::kRowThreads, 0, stream>>>(args.x, args.y, args.cols);
  CAPSIM_CUDA_TRY_LAUNCH();
  return Status::Ok();
}

Status launch_softmax_f32_inplace(float* data, long long rows, int cols, cudaStream_t stream) {
  if (rows < 1 || cols < 1) return Status::Error("softmax: rows and cols must be >= 1");
  if (rows > 0x7FFFFFFFLL) return Status::Error("softmax: too many rows for one grid");
  detail::softmax_kernel<float, float><<<static_cast<unsigned>(rows), detail::kRowThreads, 0, stream>>>(data, data, cols);
  CAPSIM_CUDA_TRY_LAUNCH();
  return Status::Ok();
}

}  // namespace capsim::kernels
