// Problem shapes, the shape sweeps the benchmark harness runs, and the FLOP / byte formulas its
// counters use. Pure C++ (no CUDA), so the formulas are unit-tested everywhere and a calibrator can
// reason about them from README.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace capsim::kernels {

// ---- GEMM ------------------------------------------------------------------------------------
// Y[m, n] = X[m, k] * W[n, k]^T, all row-major: the nn.Linear convention (m = tokens,
// n = output features, k = input features). In cuBLAS's column-major terms this is the "TN" layout.
struct GemmShape {
  std::int64_t m = 0, n = 0, k = 0;
};
// 2 m n k (one multiply and one add per inner-product term).
double gemm_flops(const GemmShape& s);
// Compulsory traffic: read X and W once, write Y once.
double gemm_bytes(const GemmShape& s, double in_bytes_per_element, double out_bytes_per_element);

std::vector<GemmShape> gemm_square_sweep();   // 1024^3 .. 16384^3
std::vector<GemmShape> gemm_llm_sweep();      // tokens x Llama-3-8B / 70B projection shapes
std::vector<GemmShape> gemm_full_sweep();     // square + LLM, de-duplicated, in that order

// ---- Attention -------------------------------------------------------------------------------
// Q [batch, heads, q_len, head_dim]; K, V [batch, kv_heads, kv_len, head_dim]; O like Q.
// GQA: heads % kv_heads == 0 and query head h reads KV head h / (heads / kv_heads).
// Causal: query i sits at absolute position kv_len - q_len + i and sees keys 0..that position
// (prefill: q_len == kv_len; decode: q_len == 1, which sees the whole cache).
struct AttentionShape {
  std::int64_t batch = 1, heads = 1, kv_heads = 1, head_dim = 128, q_len = 1, kv_len = 1;
  bool causal = true;
};
bool attention_shape_valid(const AttentionShape& s, std::string* why = nullptr);
// Number of (query, key) pairs actually attended, per (batch, head).
double attention_pairs(const AttentionShape& s);
// 4 * batch * heads * head_dim * pairs: QK^T and PV, 2 FLOPs per multiply-add each. Causal
// prefill therefore counts about half of the non-causal figure (FlashAttention's convention).
// Softmax exponentials are not counted.
double attention_flops(const AttentionShape& s);
// Compulsory traffic at 2 bytes per element: read Q, K, V once, write O once.
double attention_bytes(const AttentionShape& s);
// Extra traffic of the naive kernel: the FP32 score matrix written, read and written by the
// softmax, read by PV (4 passes over batch * heads * q_len * kv_len * 4 bytes).
double attention_naive_score_bytes(const AttentionShape& s);

std::vector<AttentionShape> attention_prefill_sweep();  // seq 512..8192, head_dim 128
std::vector<AttentionShape> attention_decode_sweep();   // batch 1..256, kv_len 1k..32k

// ---- Streaming memory ------------------------------------------------------------------------
// Sizes of ONE array in bytes (1 MiB .. 4 GiB). copy moves 2x that (read + write), triad 3x.
std::vector<std::int64_t> memory_sweep_bytes();
inline double copy_bytes(std::int64_t array_bytes) { return 2.0 * static_cast<double>(array_bytes); }
inline double triad_bytes(std::int64_t array_bytes) { return 3.0 * static_cast<double>(array_bytes); }
// triad a = b + s * c: one multiply-add per element (2 FLOPs) on 4-byte floats.
inline double triad_flops(std::int64_t array_bytes) { return 2.0 * static_cast<double>(array_bytes) / 4.0; }

// ---- Row-wise ops (layer norm, softmax) ------------------------------------------------------
struct RowShape {
  std::int64_t rows = 1, cols = 1;
};
std::vector<RowShape> layernorm_sweep();  // tokens x hidden
std::vector<RowShape> softmax_sweep();    // attention rows and LM-head vocabularies
// Bytes at 2 bytes per element: read x, write y (+ gamma and beta once for layer norm).
double layernorm_bytes(const RowShape& s);
double softmax_bytes(const RowShape& s);
// Nominal FLOP counts: layer norm ~8 per element (mean, variance, normalise, scale, shift),
// softmax ~5 per element (max, subtract, exp, sum, divide). Memory-bound; for information.
double layernorm_flops(const RowShape& s);
double softmax_flops(const RowShape& s);

// ---- Convolution and upsampling (NCHW) -------------------------------------------------------
// x [n, c, h, w], w [k, c / groups, r, s], y [n, k, p, q] with
// p = (h + 2 pad - r) / stride + 1, q = (w + 2 pad - s) / stride + 1 (cross-correlation, as cuDNN).
struct ConvShape {
  std::int64_t n = 1, c = 1, h = 1, w = 1, k = 1, r = 3, s = 3, stride = 1, pad = 1, groups = 1;
  std::int64_t p() const { return (h + 2 * pad - r) / stride + 1; }
  std::int64_t q() const { return (w + 2 * pad - s) / stride + 1; }
};
bool conv_shape_valid(const ConvShape& s, std::string* why = nullptr);
// 2 * n * k * p * q * (c / groups) * r * s.
double conv_flops(const ConvShape& s);
// Read x and w once, write y once.
double conv_bytes(const ConvShape& s, double bytes_per_element);
std::vector<ConvShape> conv_sweep();  // MuseTalk-class UNet (SD-style) convolutions for 256x256 frames

// Nearest-neighbour 2x upsampling of x [n, c, h, w] to y [n, c, 2h, 2w].
struct UpsampleShape {
  std::int64_t n = 1, c = 1, h = 1, w = 1;
};
double upsample_bytes(const UpsampleShape& s, double bytes_per_element);  // read x + write y
std::vector<UpsampleShape> upsample_sweep();

}  // namespace capsim::kernels
