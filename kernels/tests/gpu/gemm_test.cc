#include <cuda_fp8.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "gpu_test_util.h"
#include "kernels/cuda/cublaslt_gemm.h"
#include "kernels/cuda/gemm.h"
#include "kernels/reference.h"

namespace capsim::kernels {
namespace {

using testing::GpuTest;

std::uint64_t seed_of(const GemmShape& s, std::uint64_t salt) {
  return salt * 1000003u + static_cast<std::uint64_t>(s.m * 7919 + s.n * 104729 + s.k);
}

class TiledGemmTest : public GpuTest, public ::testing::WithParamInterface<GemmShape> {};

TEST_P(TiledGemmTest, MatchesFp64Reference) {
  const GemmShape s = GetParam();
  const auto x = testing::random_bf16_values(s.m * s.k, seed_of(s, 1));
  const auto w = testing::random_bf16_values(s.n * s.k, seed_of(s, 2));
  std::vector<float> ref_y(s.m * s.n);
  ref::gemm(s, x.data(), w.data(), ref_y.data(), 0.5f);

  DeviceBuffer<__nv_bfloat16> dx, dw, dy;
  ASSERT_OK(testing::upload_bf16(x, &dx));
  ASSERT_OK(testing::upload_bf16(w, &dw));
  ASSERT_OK(testing::make_output(s.m * s.n, &dy));
  TiledGemmArgs args;
  args.x = dx.get();
  args.w = dw.get();
  args.y = dy.get();
  args.m = static_cast<int>(s.m);
  args.n = static_cast<int>(s.n);
  args.k = static_cast<int>(s.k);
  args.alpha = 0.5f;
  ASSERT_OK(launch_tiled_gemm_bf16(args, nullptr));
  ASSERT_OK(testing::sync());
  std::vector<float> y;
  ASSERT_OK(testing::download_bf16(dy, &y));
  const ErrorStats e = compare(y, ref_y);
  EXPECT_EQ(e.nonfinite, 0u);
  EXPECT_LT(e.rel, 1e-2) << s.m << "x" << s.n << "x" << s.k << " max err " << e.max_abs_err;
}

// Odd shapes (not multiples of the 64x64x16 tile) and K up to 4096.
INSTANTIATE_TEST_SUITE_P(Shapes, TiledGemmTest,
                         ::testing::Values(GemmShape{1, 1, 1}, GemmShape{17, 33, 65}, GemmShape{64, 64, 64},
                                           GemmShape{100, 130, 70}, GemmShape{257, 129, 511}, GemmShape{1, 300, 1000},
                                           GemmShape{128, 256, 4096}));

class CublasLtBf16Test : public GpuTest, public ::testing::WithParamInterface<GemmShape> {};

TEST_P(CublasLtBf16Test, MatchesFp64Reference) {
  const GemmShape s = GetParam();
  const auto x = testing::random_bf16_values(s.m * s.k, seed_of(s, 3));
  const auto w = testing::random_bf16_values(s.n * s.k, seed_of(s, 4));
  std::vector<float> ref_y(s.m * s.n);
  ref::gemm(s, x.data(), w.data(), ref_y.data());

  CublasLtHandle lt;
  ASSERT_OK(lt.create());
  LtGemmPlan plan;
  ASSERT_OK(plan.init(lt, LtGemmType::kBF16, s));
  DeviceBuffer<__nv_bfloat16> dx, dw, dy;
  ASSERT_OK(testing::upload_bf16(x, &dx));
  ASSERT_OK(testing::upload_bf16(w, &dw));
  ASSERT_OK(testing::make_output(s.m * s.n, &dy));
  LtGemmArgs args;
  args.x = dx.get();
  args.w = dw.get();
  args.y = dy.get();
  ASSERT_OK(plan.run(args, nullptr));
  ASSERT_OK(testing::sync());
  std::vector<float> y;
  ASSERT_OK(testing::download_bf16(dy, &y));
  const ErrorStats e = compare(y, ref_y);
  EXPECT_EQ(e.nonfinite, 0u);
  EXPECT_LT(e.rel, 1e-2) << s.m << "x" << s.n << "x" << s.k;
}

INSTANTIATE_TEST_SUITE_P(Shapes, CublasLtBf16Test,
                         ::testing::Values(GemmShape{16, 16, 16}, GemmShape{1, 4096, 4096}, GemmShape{128, 256, 512},
                                           GemmShape{33, 65, 129}, GemmShape{512, 1024, 4096}));

class CublasLtFp8Test : public GpuTest, public ::testing::WithParamInterface<GemmShape> {};

// Per-tensor scaling: scale = amax / 448, stored = e4m3(value / scale), real = stored * scale.
struct Quantized {
  std::vector<std::uint8_t> bits;
  std::vector<float> dequantized;
  float scale = 1.0f;
};
Quantized quantize_e4m3(const std::vector<float>& v) {
  float amax = 0.0f;
  for (float x : v) amax = std::max(amax, std::fabs(x));
  Quantized q;
  q.scale = amax > 0.0f ? amax / kE4M3Max : 1.0f;
  q.bits.resize(v.size());
  q.dequantized.resize(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    q.bits[i] = float_to_e4m3_bits(v[i] / q.scale);
    q.dequantized[i] = e4m3_bits_to_float(q.bits[i]) * q.scale;
  }
  return q;
}

TEST_P(CublasLtFp8Test, MatchesReferenceOnDequantizedInputs) {
  const GemmShape s = GetParam();
  const auto x = random_uniform(s.m * s.k, seed_of(s, 5), -2.0f, 2.0f);
  const auto w = random_uniform(s.n * s.k, seed_of(s, 6), -0.5f, 0.5f);
  const Quantized qx = quantize_e4m3(x), qw = quantize_e4m3(w);
  std::vector<float> ref_exact(s.m * s.n), ref_dq(s.m * s.n);
  ref::gemm(s, x.data(), w.data(), ref_exact.data());
  ref::gemm(s, qx.dequantized.data(), qw.dequantized.data(), ref_dq.data());

  CublasLtHandle lt;
  ASSERT_OK(lt.create());
  LtGemmPlan plan;
  ASSERT_OK(plan.init(lt, LtGemmType::kFP8E4M3, s));
  DeviceBuffer<__nv_fp8_e4m3> dx, dw;
  DeviceBuffer<__nv_bfloat16> dy;
  DeviceBuffer<float> scales;
  ASSERT_OK(dx.allocate(qx.bits.size()));
  ASSERT_OK(dx.upload(std::span<const std::uint8_t>(qx.bits)));
  ASSERT_OK(dw.allocate(qw.bits.size()));
  ASSERT_OK(dw.upload(std::span<const std::uint8_t>(qw.bits)));
  const std::vector<float> host_scales{qx.scale, qw.scale};
  ASSERT_OK(scales.allocate(2));
  ASSERT_OK(scales.upload(std::span<const float>(host_scales)));
  ASSERT_OK(testing::make_output(s.m * s.n, &dy));
  LtGemmArgs args;
  args.x = dx.get();
  args.w = dw.get();
  args.y = dy.get();
  args.x_scale = scales.get();
  args.w_scale = scales.get() + 1;
  ASSERT_OK(plan.run(args, nullptr));
  ASSERT_OK(testing::sync());
  std::vector<float> y;
  ASSERT_OK(testing::download_bf16(dy, &y));
  // Against the dequantised inputs only accumulation and the BF16 output round: tight.
  const ErrorStats e = compare(y, ref_dq);
  EXPECT_EQ(e.nonfinite, 0u);
  EXPECT_LT(e.rel, 2e-2) << s.m << "x" << s.n << "x" << s.k;
  // Against the unquantised inputs E4M3's 3 mantissa bits dominate: loose.
  EXPECT_LT(compare(y, ref_exact).rel, 1e-1);
}

// FP8 on sm_90 wants dimensions that are multiples of 16.
INSTANTIATE_TEST_SUITE_P(Shapes, CublasLtFp8Test,
                         ::testing::Values(GemmShape{16, 16, 16}, GemmShape{64, 128, 256}, GemmShape{256, 512, 1024},
                                           GemmShape{1024, 1024, 4096}));

TEST_F(GpuTest, TiledGemmRejectsBadArguments) {
  TiledGemmArgs args;  // null pointers, zero sizes
  EXPECT_FALSE(launch_tiled_gemm_bf16(args, nullptr).ok());
}

}  // namespace
}  // namespace capsim::kernels
