// CPU reference implementations: the ground truth the GPU kernels are tested against.
// Float in, float out, double accumulation; layouts as documented in shapes.h.
#pragma once

#include <cstdint>

#include "kernels/shapes.h"

namespace capsim::kernels::ref {

// Y[m, n] = alpha * sum_k X[m, k] * W[n, k]   (row-major, nn.Linear convention).
void gemm(const GemmShape& s, const float* x, const float* w, float* y, float alpha = 1.0f);

// Scaled dot-product attention, softmax(scale * Q K^T + causal mask) V, GQA; see AttentionShape.
// Returns false (and writes nothing) if the shape is invalid.
bool attention(const AttentionShape& s, const float* q, const float* k, const float* v, float* o,
               float scale);

// y = (x - mean) / sqrt(var + eps) * gamma + beta per row (biased variance).
void layernorm(const RowShape& s, const float* x, const float* gamma, const float* beta, float* y,
               float eps);
// y = x / sqrt(mean(x^2) + eps) * gamma per row.
void rmsnorm(const RowShape& s, const float* x, const float* gamma, float* y, float eps);
// Row-wise softmax, numerically stable (max subtracted); -inf entries get probability 0.
void softmax(const RowShape& s, const float* x, float* y);

// NCHW cross-correlation with zero padding; w [k, c / groups, r, s]; optional bias [k].
bool conv2d(const ConvShape& s, const float* x, const float* w, const float* bias, float* y);

// Nearest-neighbour 2x: y[n, c, i, j] = x[n, c, i / 2, j / 2].
void upsample_nearest2x(const UpsampleShape& s, const float* x, float* y);

// a[i] = b[i] + scalar * c[i].
void triad(std::int64_t n, const float* b, const float* c, float scalar, float* a);

}  // namespace capsim::kernels::ref
