#include "kernels/cuda/attention.h"
#include "kernels/cuda/attention_kernels.cuh"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/norm.h"

#include <string>

namespace capsim::kernels {

AttentionShape shape_of(const AttentionArgs& a) {
  return {a.batch, a.heads, a.kv_heads, a.head_dim, a.q_len, a.kv_len, a.causal};
}

namespace {

Status check(const AttentionArgs& a, const char* who) {
  std::string why;
  if (!attention_shape_valid(shape_of(a), &why)) return Status::Error(std::string(who) + ": " + why);
  if (a.head_dim != 64 && a.head_dim != 128) return Status::Error(std::string(who) + ": head_dim must be 64 or 128");
  if (!a.q || !a.k || !a.v || !a.o) return Status::Error(std::string(who) + ": null pointer");
  return Status::Ok();
}

template <int D>
Status flash(const AttentionArgs& a, cudaStream_t stream) {
  const dim3 grid((a.q_len + detail::kFlashBlockQ - 1) / detail::kFlashBlockQ, a.heads, a.batch);
  if (grid.y > 65535u || grid.z > 65535u) return Status::Error("flash attention: heads or batch too large");
  detail::attention_flash_kernel<D><<<grid, detail::kFlashWarps * 32, 0, stream>>>(a);
  CAPSIM_CUDA_TRY_LAUNCH();
  return Status::Ok();
}

template <int D>
Status naive(const AttentionArgs& a, float* scores, cudaStream_t stream) {
  const long long bh = static_cast<long long>(a.batch) * a.heads;
  const dim3 grid((a.kv_len + detail::kScoresTile - 1) / detail::kScoresTile,
                  (a.q_len + detail::kScoresTile - 1) / detail::kScoresTile, static_cast<unsigned>(bh));
  if (bh > 65535 || grid.y > 65535u) return Status::Error("naive attention: grid too large");
  detail::attention_scores_kernel<D><<<grid, 256, 0, stream>>>(a, scores);
  CAPSIM_CUDA_TRY_LAUNCH();
  CAPSIM_KERNELS_TRY(launch_softmax_f32_inplace(scores, bh * a.q_len, a.kv_len, stream));
  detail::attention_pv_kernel<D><<<dim3(a.q_len, static_cast<unsigned>(bh)), D, 0, stream>>>(a, scores);
  CAPSIM_CUDA_TRY_LAUNCH();
  return Status::Ok();
}

template <int D>
Status decode(const AttentionArgs& a, cudaStream_t stream) {
  const dim3 grid(a.heads, a.batch);
  if (grid.y > 65535u) return Status::Error("decode attention: batch too large");
  detail::attention_decode_kernel<D><<<grid, detail::kDecodeWarps * 32, 0, stream>>>(a);
  CAPSIM_CUDA_TRY_LAUNCH();
  return Status::Ok();
}

}  // namespace

Status launch_attention_flash_bf16(AttentionArgs args, cudaStream_t stream) {
  CAPSIM_KERNELS_TRY(check(args, "flash attention"));
  return args.head_dim == 128 ? flash<128>(args, stream) : flash<64>(args, stream);
}

std::size_t attention_naive_workspace_elements(const AttentionArgs& a) {
  return static_cast<std::size_t>(a.batch) * a.heads * a.q_len * a.kv_len;
}

Status launch_attention_naive_bf16(AttentionArgs args, float* scores, cudaStream_t stream) {
  CAPSIM_KERNELS_TRY(check(args, "naive attention"));
  if (!scores) return Status::Error("naive attention: null score workspace");
  return args.head_dim == 128 ? naive<128>(args, scores, stream) : naive<64>(args, scores, stream);
}

Status launch_attention_decode_bf16(AttentionArgs args, cudaStream_t stream) {
  CAPSIM_KERNELS_TRY(check(args, "decode attention"));
  if (args.q_len != 1) return Status::Error("decode attention: q_len must be 1");
  return args.head_dim == 128 ? decode<128>(args, stream) : decode<64>(args, stream);
}

}  // namespace capsim::kernels
