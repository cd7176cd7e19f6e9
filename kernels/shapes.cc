#include "kernels/shapes.h"

#include <algorithm>

namespace capsim::kernels {

namespace {
double d(std::int64_t v) { return static_cast<double>(v); }
}  // namespace

double gemm_flops(const GemmShape& s) { return 2.0 * d(s.m) * d(s.n) * d(s.k); }

double gemm_bytes(const GemmShape& s, double in_bytes, double out_bytes) {
  return (d(s.m) * d(s.k) + d(s.n) * d(s.k)) * in_bytes + d(s.m) * d(s.n) * out_bytes;
}

std::vector<GemmShape> gemm_square_sweep() {
  std::vector<GemmShape> out;
  for (std::int64_t x : {1024, 2048, 4096, 8192, 16384}) out.push_back({x, x, x});
  return out;
}

std::vector<GemmShape> gemm_llm_sweep() {
  // (n, k) of the linear layers: QKV (fused, GQA with 8 KV heads of 128), attention output,
  // FFN up (= gate) and FFN down.
  struct Model {
    std::int64_t hidden, ffn, kv_dim;
  };
  const Model models[] = {
      {4096, 14336, 8 * 128},  // Llama-3-8B
      {8192, 28672, 8 * 128},  // Llama-3-70B
  };
  std::vector<GemmShape> out;
  for (std::int64_t tokens : {1, 16, 128, 1024, 4096, 8192}) {
    for (const auto& m : models) {
      out.push_back({tokens, m.hidden + 2 * m.kv_dim, m.hidden});  // QKV
      out.push_back({tokens, m.hidden, m.hidden});                 // attention output
      out.push_back({tokens, m.ffn, m.hidden});                    // FFN up / gate
      out.push_back({tokens, m.hidden, m.ffn});                    // FFN down
    }
  }
  return out;
}

std::vector<GemmShape> gemm_full_sweep() {
  std::vector<GemmShape> out = gemm_square_sweep();
  for (const auto& s : gemm_llm_sweep()) {
    const bool seen = std::any_of(out.begin(), out.end(), [&](const GemmShape& o) {
      return o.m == s.m && o.n == s.n && o.k == s.k;
    });
    if (!seen) out.push_back(s);
  }
  return out;
}

bool attention_shape_valid(const AttentionShape& s, std::string* why) {
  auto fail = [&](const char* msg) {
    if (why) *why = msg;
    return false;
  };
  if (s.batch < 1 || s.heads < 1 || s.kv_heads < 1 || s.head_dim < 1 || s.q_len < 1 || s.kv_len < 1)
    return fail("all attention dimensions must be >= 1");
  if (s.heads % s.kv_heads != 0) return fail("heads must be a multiple of kv_heads (GQA)");
  if (s.causal && s.q_len > s.kv_len) return fail("causal attention needs q_len <= kv_len");
  return true;
}

double attention_pairs(const AttentionShape& s) {
  if (!s.causal) return d(s.q_len) * d(s.kv_len);
  // Query i (0-based) sees kv_len - q_len + i + 1 keys.
  const double first = d(s.kv_len - s.q_len + 1);
  const double last = d(s.kv_len);
  return d(s.q_len) * (first + last) / 2.0;
}

double attention_flops(const AttentionShape& s) {
  return 4.0 * d(s.batch) * d(s.heads) * d(s.head_dim) * attention_pairs(s);
}

double attention_bytes(const AttentionShape& s) {
  const double q_and_o = 2.0 * d(s.batch) * d(s.heads) * d(s.q_len) * d(s.head_dim);
  const double k_and_v = 2.0 * d(s.batch) * d(s.kv_heads) * d(s.kv_len) * d(s.head_dim);
  return 2.0 * (q_and_o + k_and_v);
}

double attention_naive_score_bytes(const AttentionShape& s) {
  return 4.0 * 4.0 * d(s.batch) * d(s.heads) * d(s.q_len) * d(s.kv_len);
}

std::vector<AttentionShape> attention_prefill_sweep() {
  std::vector<AttentionShape> out;
  // Llama-3-8B attention on one GPU (32 query heads, 8 KV heads) and Llama-3-70B with TP=8
  // (8 query heads, 1 KV head per GPU), 16k tokens per batch; plus the FlashAttention-2 paper
  // shape (batch 2, 16 heads of 128) used for the reference figure, causal and not.
  for (std::int64_t seq : {512, 1024, 2048, 4096, 8192}) {
    const std::int64_t batch = std::max<std::int64_t>(1, 16384 / seq);
    out.push_back({batch, 32, 8, 128, seq, seq, true});
    out.push_back({batch, 8, 1, 128, seq, seq, true});
  }
  out.push_back({2, 16, 16, 128, 8192, 8192, true});
  out.push_back({2, 16, 16, 128, 8192, 8192, false});
  return out;
}

std::vector<AttentionShape> attention_decode_sweep() {
  std::vector<AttentionShape> out;
  for (std::int64_t batch : {1, 8, 32, 64, 128, 256}) {
    for (std::int64_t kv : {1024, 4096, 8192, 16384, 32768}) {
      AttentionShape s{batch, 32, 8, 128, 1, kv, true};  // Llama-3-8B
      // Keep the KV cache (2 bytes x K and V) within 24 GiB so the sweep fits an 80 GB card.
      const double cache = 2.0 * 2.0 * d(batch) * d(s.kv_heads) * d(kv) * d(s.head_dim);
      if (cache <= 24.0 * (1ull << 30)) out.push_back(s);
    }
  }
  return out;
}

std::vector<std::int64_t> memory_sweep_bytes() {
  std::vector<std::int64_t> out;
  for (std::int64_t b = 1ll << 20; b <= (4ll << 30); b *= 4) out.push_back(b);
  return out;
}

std::vector<RowShape> layernorm_sweep() {
  std::vector<RowShape> out;
  for (std::int64_t tokens : {1024, 4096, 16384})
    for (std::int64_t hidden : {4096, 8192}) out.push_back({tokens, hidden});
  return out;
}

std::vector<RowShape> softmax_sweep() {
  std::vector<RowShape> out;
  // Attention score rows (batch * heads * q_len rows of kv_len) and LM-head softmax over the
  // Llama-3 vocabulary (128256).
  for (std::int64_t cols : {512, 2048, 8192}) out.push_back({32 * 1024, cols});
  for (std::int64_t rows : {1, 64, 1024}) out.push_back({rows, 128256});
  return out;
}

double layernorm_bytes(const RowShape& s) { return 2.0 * (2.0 * d(s.rows) * d(s.cols) + 2.0 * d(s.cols)); }
double softmax_bytes(const RowShape& s) { return 2.0 * 2.0 * d(s.rows) * d(s.cols); }
double layernorm_flops(const RowShape& s) { return 8.0 * d(s.rows) * d(s.cols); }
double softmax_flops(const RowShape& s) { return 5.0 * d(s.rows) * d(s.cols); }

bool conv_shape_valid(const ConvShape& s, std::string* why) {
  auto fail = [&](const char* msg) {
    if (why) *why = msg;
    return false;
  };
  if (s.n < 1 || s.c < 1 || s.h < 1 || s.w < 1 || s.k < 1 || s.r < 1 || s.s < 1 || s.stride < 1 ||
      s.pad < 0 || s.groups < 1)
    return fail("conv dimensions must be positive (pad >= 0)");
  if (s.c % s.groups != 0 || s.k % s.groups != 0) return fail("c and k must be multiples of groups");
  if (s.p() < 1 || s.q() < 1) return fail("filter larger than the padded input");
  return true;
}

double conv_flops(const ConvShape& s) {
  return 2.0 * d(s.n) * d(s.k) * d(s.p()) * d(s.q()) * d(s.c / s.groups) * d(s.r) * d(s.s);
}

double conv_bytes(const ConvShape& s, double e) {
  return e * (d(s.n) * d(s.c) * d(s.h) * d(s.w) + d(s.k) * d(s.c / s.groups) * d(s.r) * d(s.s) +
              d(s.n) * d(s.k) * d(s.p()) * d(s.q()));
}

std::vector<ConvShape> conv_sweep() {
  std::vector<ConvShape> out;
  // Pixel-space encoder/decoder convolutions of a 256x256 frame (VAE-like, 64..512 channels) and
  // the latent UNet (SD-1.5 style, 320/640/1280 channels at 32/16/8) MuseTalk runs per frame;
  // 3x3, stride 1, pad 1. Batch 1 (one frame) and 8 (a frame batch).
  struct S {
    std::int64_t c, hw;
  };
  const S shapes[] = {{64, 256}, {128, 128}, {256, 64}, {512, 32}, {320, 32}, {640, 16}, {1280, 8}};
  for (std::int64_t n : {1, 8})
    for (const auto& x : shapes) out.push_back({n, x.c, x.hw, x.hw, x.c, 3, 3, 1, 1, 1});
  return out;
}

double upsample_bytes(const UpsampleShape& s, double e) {
  return e * 5.0 * d(s.n) * d(s.c) * d(s.h) * d(s.w);  // x once + y (4x as large)
}

std::vector<UpsampleShape> upsample_sweep() {
  return {{1, 1280, 8, 8}, {1, 640, 16, 16}, {1, 512, 32, 32}, {1, 256, 64, 64}, {1, 128, 128, 128},
          {8, 1280, 8, 8}, {8, 640, 16, 16}, {8, 512, 32, 32}, {8, 256, 64, 64}, {8, 128, 128, 128}};
}

}  // namespace capsim::kernels
