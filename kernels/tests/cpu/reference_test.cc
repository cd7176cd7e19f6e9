#include "kernels/reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "kernels/numeric.h"

namespace capsim::kernels {
namespace {

TEST(RefGemm, HandComputed2x2) {
  // X = [[1, 2], [3, 4]], W = [[5, 6], [7, 8]] (rows are output features): Y = X W^T.
  const std::vector<float> x{1, 2, 3, 4}, w{5, 6, 7, 8};
  std::vector<float> y(4);
  ref::gemm({2, 2, 2}, x.data(), w.data(), y.data());
  EXPECT_EQ(y, (std::vector<float>{17, 23, 39, 53}));
  ref::gemm({2, 2, 2}, x.data(), w.data(), y.data(), 0.5f);
  EXPECT_EQ(y, (std::vector<float>{8.5f, 11.5f, 19.5f, 26.5f}));
}

TEST(RefGemm, MatchesNaiveTripleLoopOnOddShapes) {
  for (const GemmShape s : {GemmShape{1, 1, 1}, GemmShape{3, 5, 7}, GemmShape{17, 33, 65}, GemmShape{31, 1, 129}}) {
    const auto x = random_uniform(s.m * s.k, 1 + s.m);
    const auto w = random_uniform(s.n * s.k, 2 + s.n);
    std::vector<float> y(s.m * s.n), naive(s.m * s.n, 0.0f);
    ref::gemm(s, x.data(), w.data(), y.data());
    // Naive k-outer loop in float (different summation order).
    for (std::int64_t p = 0; p < s.k; ++p)
      for (std::int64_t i = 0; i < s.m; ++i)
        for (std::int64_t j = 0; j < s.n; ++j) naive[i * s.n + j] += x[i * s.k + p] * w[j * s.k + p];
    const ErrorStats e = compare(naive, y);
    EXPECT_LT(e.rel, 1e-5) << s.m << "x" << s.n << "x" << s.k;
  }
}

TEST(RefGemm, IdentityWeightsCopyInput) {
  const GemmShape s{5, 6, 6};
  const auto x = random_uniform(s.m * s.k, 3);
  std::vector<float> w(s.n * s.k, 0.0f), y(s.m * s.n);
  for (std::int64_t i = 0; i < s.n; ++i) w[i * s.k + i] = 1.0f;
  ref::gemm(s, x.data(), w.data(), y.data());
  EXPECT_EQ(y, x);
}

TEST(RefAttention, OneKeyReturnsItsValue) {
  // With a single key, softmax is 1 whatever the score: output = V.
  const AttentionShape s{2, 4, 2, 8, 1, 1, true};
  const auto q = random_uniform(s.batch * s.heads * s.head_dim, 5);
  const auto k = random_uniform(s.batch * s.kv_heads * s.head_dim, 6);
  const auto v = random_uniform(s.batch * s.kv_heads * s.head_dim, 7);
  std::vector<float> o(q.size());
  ASSERT_TRUE(ref::attention(s, q.data(), k.data(), v.data(), o.data(), 0.3f));
  for (std::int64_t b = 0; b < s.batch; ++b)
    for (std::int64_t h = 0; h < s.heads; ++h)
      for (std::int64_t c = 0; c < s.head_dim; ++c)
        EXPECT_FLOAT_EQ(o[(b * s.heads + h) * s.head_dim + c], v[(b * s.kv_heads + h / 2) * s.head_dim + c]);
}

TEST(RefAttention, CausalFirstQueryReturnsFirstValue) {
  // Prefill, causal: query 0 sees only key 0.
  const AttentionShape s{1, 1, 1, 4, 3, 3, true};
  const auto q = random_uniform(12, 8), k = random_uniform(12, 9), v = random_uniform(12, 10);
  std::vector<float> o(12);
  ASSERT_TRUE(ref::attention(s, q.data(), k.data(), v.data(), o.data(), 1.0f));
  for (int c = 0; c < 4; ++c) EXPECT_FLOAT_EQ(o[c], v[c]);
}

TEST(RefAttention, HandComputedTwoKeys) {
  // q = [1, 0], k0 = [0, 0], k1 = [ln 3, 0]: scores 0 and ln 3 -> weights 1/4 and 3/4.
  const AttentionShape s{1, 1, 1, 2, 1, 2, false};
  const std::vector<float> q{1, 0}, k{0, 0, std::log(3.0f), 0}, v{4, 8, 0, 4};
  std::vector<float> o(2);
  ASSERT_TRUE(ref::attention(s, q.data(), k.data(), v.data(), o.data(), 1.0f));
  EXPECT_NEAR(o[0], 1.0f, 1e-6);
  EXPECT_NEAR(o[1], 5.0f, 1e-6);
}

TEST(RefAttention, EqualScoresAverageValuesAndGqaSharesKv) {
  // All keys equal -> uniform weights over the visible keys: output = mean of visible values.
  const AttentionShape s{1, 4, 1, 3, 4, 4, true};
  const auto q = random_uniform(4 * 4 * 3, 11);
  std::vector<float> k(4 * 3, 0.5f);
  const auto v = random_uniform(4 * 3, 12);
  std::vector<float> o(q.size());
  ASSERT_TRUE(ref::attention(s, q.data(), k.data(), v.data(), o.data(), 0.1f));
  for (int h = 0; h < 4; ++h)
    for (int i = 0; i < 4; ++i)
      for (int c = 0; c < 3; ++c) {
        double mean = 0;
        for (int j = 0; j <= i; ++j) mean += v[j * 3 + c];
        mean /= (i + 1);
        EXPECT_NEAR(o[(h * 4 + i) * 3 + c], mean, 1e-6);
      }
}

TEST(RefAttention, RejectsInvalidShapes) {
  std::vector<float> buf(64);
  EXPECT_FALSE(ref::attention({1, 3, 2, 4, 1, 1, true}, buf.data(), buf.data(), buf.data(), buf.data(), 1.0f));
}

TEST(RefSoftmax, RowsSumToOneAndHandCase) {
  const RowShape s{7, 13};
  const auto x = random_uniform(s.rows * s.cols, 13, -20.0f, 20.0f);
  std::vector<float> y(x.size());
  ref::softmax(s, x.data(), y.data());
  for (std::int64_t r = 0; r < s.rows; ++r) {
    double sum = 0;
    for (std::int64_t c = 0; c < s.cols; ++c) {
      EXPECT_GE(y[r * s.cols + c], 0.0f);
      sum += y[r * s.cols + c];
    }
    EXPECT_NEAR(sum, 1.0, 1e-6);
  }
  const std::vector<float> hand{0.0f, std::log(3.0f), -std::numeric_limits<float>::infinity()};
  std::vector<float> out(3);
  ref::softmax({1, 3}, hand.data(), out.data());
  EXPECT_NEAR(out[0], 0.25f, 1e-7);
  EXPECT_NEAR(out[1], 0.75f, 1e-7);
  EXPECT_EQ(out[2], 0.0f);
  // Shift invariance: huge inputs do not overflow.
  const std::vector<float> big{1000.0f, 1000.0f};
  ref::softmax({1, 2}, big.data(), out.data());
  EXPECT_FLOAT_EQ(out[0], 0.5f);
}

TEST(RefLayerNorm, ZeroMeanUnitVarianceAndHandCase) {
  const RowShape s{5, 64};
  const auto x = random_uniform(s.rows * s.cols, 14, -3.0f, 5.0f);
  std::vector<float> ones(s.cols, 1.0f), zeros(s.cols, 0.0f), y(x.size());
  ref::layernorm(s, x.data(), ones.data(), zeros.data(), y.data(), 0.0f);
  for (std::int64_t r = 0; r < s.rows; ++r) {
    double mean = 0, var = 0;
    for (std::int64_t c = 0; c < s.cols; ++c) mean += y[r * s.cols + c];
    mean /= s.cols;
    for (std::int64_t c = 0; c < s.cols; ++c) var += (y[r * s.cols + c] - mean) * (y[r * s.cols + c] - mean);
    var /= s.cols;
    EXPECT_NEAR(mean, 0.0, 1e-6);
    EXPECT_NEAR(var, 1.0, 1e-5);
  }
  // [1, 3]: mean 2, var 1 -> [-1, 1], then gamma [2, 3], beta [10, 20] -> [8, 23].
  const std::vector<float> xs{1, 3}, g{2, 3}, b{10, 20};
  std::vector<float> out(2);
  ref::layernorm({1, 2}, xs.data(), g.data(), b.data(), out.data(), 0.0f);
  EXPECT_NEAR(out[0], 8.0f, 1e-6);
  EXPECT_NEAR(out[1], 23.0f, 1e-6);
}

TEST(RefRmsNorm, HandCase) {
  // [3, 4]: mean square 12.5 -> divide by sqrt(12.5).
  const std::vector<float> x{3, 4}, g{1, 2};
  std::vector<float> y(2);
  ref::rmsnorm({1, 2}, x.data(), g.data(), y.data(), 0.0f);
  EXPECT_NEAR(y[0], 3.0 / std::sqrt(12.5), 1e-6);
  EXPECT_NEAR(y[1], 8.0 / std::sqrt(12.5), 1e-6);
}

TEST(RefConv2d, DeltaKernelIsIdentity) {
  // 3x3 filter with a 1 in the centre, per-channel (k == c, channel i -> i), pad 1: y == x.
  const ConvShape s{2, 3, 7, 5, 3, 3, 3, 1, 1, 1};
  const auto x = random_uniform(s.n * s.c * s.h * s.w, 15);
  std::vector<float> w(s.k * s.c * 9, 0.0f), y(x.size());
  for (int k = 0; k < 3; ++k) w[(k * 3 + k) * 9 + 4] = 1.0f;
  ASSERT_TRUE(ref::conv2d(s, x.data(), w.data(), nullptr, y.data()));
  EXPECT_EQ(y, x);
}

TEST(RefConv2d, HandComputedWithPaddingStrideBiasGroups) {
  // 1x1x3x3 input 1..9, 2x2 ones filter, stride 1, no pad: sums of 2x2 windows.
  const std::vector<float> x{1, 2, 3, 4, 5, 6, 7, 8, 9}, w{1, 1, 1, 1};
  std::vector<float> y(4);
  ASSERT_TRUE(ref::conv2d({1, 1, 3, 3, 1, 2, 2, 1, 0, 1}, x.data(), w.data(), nullptr, y.data()));
  EXPECT_EQ(y, (std::vector<float>{12, 16, 24, 28}));
  // Same with pad 1 and stride 2 and a bias of 1: windows at (-1,-1), (-1,1), (1,-1), (1,1).
  const std::vector<float> bias{1};
  ASSERT_TRUE(ref::conv2d({1, 1, 3, 3, 1, 2, 2, 2, 1, 1}, x.data(), w.data(), bias.data(), y.data()));
  EXPECT_EQ(y, (std::vector<float>{2, 6, 12, 29}));
  // Depthwise (groups == c): each output channel sees only its own input channel.
  const ConvShape dw{1, 2, 2, 2, 2, 1, 1, 1, 0, 2};
  const std::vector<float> x2{1, 2, 3, 4, 5, 6, 7, 8}, w2{10, 100};
  std::vector<float> y2(8);
  ASSERT_TRUE(ref::conv2d(dw, x2.data(), w2.data(), nullptr, y2.data()));
  EXPECT_EQ(y2, (std::vector<float>{10, 20, 30, 40, 500, 600, 700, 800}));
}

TEST(RefUpsample, NearestTwoX) {
  const std::vector<float> x{1, 2, 3, 4};
  std::vector<float> y(16);
  ref::upsample_nearest2x({1, 1, 2, 2}, x.data(), y.data());
  EXPECT_EQ(y, (std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}));
}

TEST(RefTriad, HandCase) {
  const std::vector<float> b{1, 2, 3}, c{4, 5, 6};
  std::vector<float> a(3);
  ref::triad(3, b.data(), c.data(), 2.0f, a.data());
  EXPECT_EQ(a, (std::vector<float>{9, 12, 15}));
}

}  // namespace
}  // namespace capsim::kernels
