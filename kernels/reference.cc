#include "kernels/reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace capsim::kernels::ref {

void gemm(const GemmShape& s, const float* x, const float* w, float* y, float alpha) {
  for (std::int64_t i = 0; i < s.m; ++i) {
    const float* xr = x + i * s.k;
    for (std::int64_t j = 0; j < s.n; ++j) {
      const float* wr = w + j * s.k;
      double acc = 0.0;
      for (std::int64_t p = 0; p < s.k; ++p) acc += static_cast<double>(xr[p]) * wr[p];
      y[i * s.n + j] = static_cast<float>(alpha * acc);
    }
  }
}

bool attention(const AttentionShape& s, const float* q, const float* k, const float* v, float* o,
               float scale) {
  if (!attention_shape_valid(s)) return false;
  const std::int64_t group = s.heads / s.kv_heads;
  const std::int64_t d = s.head_dim;
  std::vector<double> scores(static_cast<std::size_t>(s.kv_len));
  for (std::int64_t b = 0; b < s.batch; ++b) {
    for (std::int64_t h = 0; h < s.heads; ++h) {
      const std::int64_t hk = h / group;
      const float* kh = k + (b * s.kv_heads + hk) * s.kv_len * d;
      const float* vh = v + (b * s.kv_heads + hk) * s.kv_len * d;
      for (std::int64_t i = 0; i < s.q_len; ++i) {
        const float* qi = q + ((b * s.heads + h) * s.q_len + i) * d;
        float* oi = o + ((b * s.heads + h) * s.q_len + i) * d;
        const std::int64_t visible = s.causal ? s.kv_len - s.q_len + i + 1 : s.kv_len;
        double max_score = -std::numeric_limits<double>::infinity();
        for (std::int64_t j = 0; j < visible; ++j) {
          double acc = 0.0;
          for (std::int64_t c = 0; c < d; ++c) acc += static_cast<double>(qi[c]) * kh[j * d + c];
          scores[j] = acc * scale;
          max_score = std::max(max_score, scores[j]);
        }
        double denom = 0.0;
        for (std::int64_t j = 0; j < visible; ++j) {
          scores[j] = std::exp(scores[j] - max_score);
          denom += scores[j];
        }
        for (std::int64_t c = 0; c < d; ++c) {
          double acc = 0.0;
          for (std::int64_t j = 0; j < visible; ++j) acc += scores[j] * vh[j * d + c];
          oi[c] = static_cast<float>(acc / denom);
        }
      }
    }
  }
  return true;
}

void layernorm(const RowShape& s, const float* x, const float* gamma, const float* beta, float* y,
               float eps) {
  for (std::int64_t r = 0; r < s.rows; ++r) {
    const float* xr = x + r * s.cols;
    double mean = 0.0;
    for (std::int64_t c = 0; c < s.cols; ++c) mean += xr[c];
    mean /= static_cast<double>(s.cols);
    double var = 0.0;
    for (std::int64_t c = 0; c < s.cols; ++c) var += (xr[c] - mean) * (xr[c] - mean);
    var /= static_cast<double>(s.cols);
    const double inv = 1.0 / std::sqrt(var + eps);
    for (std::int64_t c = 0; c < s.cols; ++c)
      y[r * s.cols + c] = static_cast<float>((xr[c] - mean) * inv * gamma[c] + beta[c]);
  }
}

void rmsnorm(const RowShape& s, const float* x, const float* gamma, float* y, float eps) {
  for (std::int64_t r = 0; r < s.rows; ++r) {
    const float* xr = x + r * s.cols;
    double ms = 0.0;
    for (std::int64_t c = 0; c < s.cols; ++c) ms += static_cast<double>(xr[c]) * xr[c];
    ms /= static_cast<double>(s.cols);
    const double inv = 1.0 / std::sqrt(ms + eps);
    for (std::int64_t c = 0; c < s.cols; ++c) y[r * s.cols + c] = static_cast<float>(xr[c] * inv * gamma[c]);
  }
}

void softmax(const RowShape& s, const float* x, float* y) {
  for (std::int64_t r = 0; r < s.rows; ++r) {
    const float* xr = x + r * s.cols;
    float* yr = y + r * s.cols;
    double m = -std::numeric_limits<double>::infinity();
    for (std::int64_t c = 0; c < s.cols; ++c) m = std::max(m, static_cast<double>(xr[c]));
    double sum = 0.0;
    for (std::int64_t c = 0; c < s.cols; ++c) sum += std::exp(xr[c] - m);
    for (std::int64_t c = 0; c < s.cols; ++c) yr[c] = static_cast<float>(std::exp(xr[c] - m) / sum);
  }
}

bool conv2d(const ConvShape& s, const float* x, const float* w, const float* bias, float* y) {
  if (!conv_shape_valid(s)) return false;
  const std::int64_t cg = s.c / s.groups, kg = s.k / s.groups, p = s.p(), q = s.q();
  for (std::int64_t n = 0; n < s.n; ++n) {
    for (std::int64_t ko = 0; ko < s.k; ++ko) {
      const std::int64_t g = ko / kg;
      for (std::int64_t oy = 0; oy < p; ++oy) {
        for (std::int64_t ox = 0; ox < q; ++ox) {
          double acc = bias ? bias[ko] : 0.0;
          for (std::int64_t ci = 0; ci < cg; ++ci) {
            const std::int64_t c = g * cg + ci;
            for (std::int64_t fy = 0; fy < s.r; ++fy) {
              const std::int64_t iy = oy * s.stride - s.pad + fy;
              if (iy < 0 || iy >= s.h) continue;
              for (std::int64_t fx = 0; fx < s.s; ++fx) {
                const std::int64_t ix = ox * s.stride - s.pad + fx;
                if (ix < 0 || ix >= s.w) continue;
                acc += static_cast<double>(x[((n * s.c + c) * s.h + iy) * s.w + ix]) *
                       w[((ko * cg + ci) * s.r + fy) * s.s + fx];
              }
            }
          }
          y[((n * s.k + ko) * p + oy) * q + ox] = static_cast<float>(acc);
        }
      }
    }
  }
  return true;
}

void upsample_nearest2x(const UpsampleShape& s, const float* x, float* y) {
  const std::int64_t oh = 2 * s.h, ow = 2 * s.w;
  for (std::int64_t nc = 0; nc < s.n * s.c; ++nc)
    for (std::int64_t i = 0; i < oh; ++i)
      for (std::int64_t j = 0; j < ow; ++j) y[(nc * oh + i) * ow + j] = x[(nc * s.h + i / 2) * s.w + j / 2];
}

void triad(std::int64_t n, const float* b, const float* c, float scalar, float* a) {
  for (std::int64_t i = 0; i < n; ++i) a[i] = b[i] + scalar * c[i];
}

}  // namespace capsim::kernels::ref
