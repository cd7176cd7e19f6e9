#include "kernels/numeric.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace capsim::kernels {
namespace {

TEST(Bf16, KnownBitPatterns) {
  EXPECT_EQ(float_to_bf16_bits(1.0f), 0x3F80);
  EXPECT_EQ(float_to_bf16_bits(-2.0f), 0xC000);
  EXPECT_EQ(float_to_bf16_bits(0.0f), 0x0000);
  EXPECT_FLOAT_EQ(bf16_bits_to_float(0x3F80), 1.0f);
  EXPECT_TRUE(std::isnan(bf16_bits_to_float(float_to_bf16_bits(std::numeric_limits<float>::quiet_NaN()))));
  // 0xFFFF (the NaN poison pattern) is a NaN.
  EXPECT_TRUE(std::isnan(bf16_bits_to_float(0xFFFF)));
}

TEST(Bf16, RoundsToNearestEven) {
  // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even (1.0).
  EXPECT_EQ(round_to_bf16(1.0f + 0.00390625f), 1.0f);
  // 1 + 3 * 2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: ties to even (1 + 2^-6).
  EXPECT_EQ(round_to_bf16(1.0f + 3 * 0.00390625f), 1.0f + 0.015625f);
  // 8 significant bits: relative rounding error is at most 2^-8.
  for (float v : random_uniform(1000, 7, -100.0f, 100.0f))
    EXPECT_LE(std::fabs(round_to_bf16(v) - v), std::fabs(v) * (1.0f / 256.0f) + 1e-30f);
}

TEST(E4M3, KnownBitPatterns) {
  EXPECT_EQ(float_to_e4m3_bits(1.0f), 0x38);
  EXPECT_EQ(float_to_e4m3_bits(-1.0f), 0xB8);
  EXPECT_EQ(float_to_e4m3_bits(448.0f), 0x7E);
  EXPECT_EQ(float_to_e4m3_bits(1000.0f), 0x7E);  // saturates
  EXPECT_EQ(float_to_e4m3_bits(-1e9f), 0xFE);
  EXPECT_EQ(float_to_e4m3_bits(0.001953125f), 0x01);  // 2^-9, smallest subnormal
  EXPECT_EQ(float_to_e4m3_bits(0.015625f), 0x08);     // 2^-6, smallest normal
  EXPECT_EQ(float_to_e4m3_bits(0.0f), 0x00);
  EXPECT_FLOAT_EQ(e4m3_bits_to_float(0x7E), 448.0f);
  EXPECT_FLOAT_EQ(e4m3_bits_to_float(0x01), 0.001953125f);
  EXPECT_TRUE(std::isnan(e4m3_bits_to_float(0x7F)));
  EXPECT_TRUE(std::isnan(e4m3_bits_to_float(0xFF)));
}

TEST(E4M3, EveryFiniteCodeRoundTrips) {
  for (int b = 0; b < 256; ++b) {
    const auto bits = static_cast<std::uint8_t>(b);
    if ((bits & 0x7F) == 0x7F) continue;  // NaN
    const float v = e4m3_bits_to_float(bits);
    if (v == 0.0f) continue;  // +0 / -0 both fine
    EXPECT_EQ(float_to_e4m3_bits(v), bits) << "code " << b << " value " << v;
  }
}

TEST(E4M3, RoundsToNearest) {
  // Between 1.0 (0x38) and 1.125 (0x39): 1.05 -> 1.0, 1.07 -> 1.125; tie 1.0625 -> even (1.0).
  EXPECT_EQ(float_to_e4m3_bits(1.05f), 0x38);
  EXPECT_EQ(float_to_e4m3_bits(1.07f), 0x39);
  EXPECT_EQ(float_to_e4m3_bits(1.0625f), 0x38);
  // Relative error of normal values is at most 2^-4.
  for (float v : random_uniform(1000, 11, -400.0f, 400.0f)) {
    if (std::fabs(v) < 0.015625f) continue;
    EXPECT_LE(std::fabs(round_to_e4m3(v) - v), std::fabs(v) / 16.0f);
  }
}

TEST(RandomUniform, SeededAndInRange) {
  const auto a = random_uniform(100, 42, -2.0f, 3.0f);
  const auto b = random_uniform(100, 42, -2.0f, 3.0f);
  const auto c = random_uniform(100, 43, -2.0f, 3.0f);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  for (float v : a) {
    EXPECT_GE(v, -2.0f);
    EXPECT_LT(v, 3.0f);
  }
}

TEST(Compare, RelativeToLargestReferenceAndCountsNaN) {
  const std::vector<float> ref{1.0f, -4.0f, 0.5f};
  const std::vector<float> got{1.1f, -4.0f, 0.5f};
  const ErrorStats s = compare(got, ref);
  EXPECT_NEAR(s.max_abs_err, 0.1, 1e-6);
  EXPECT_DOUBLE_EQ(s.max_abs_ref, 4.0);
  EXPECT_NEAR(s.rel, 0.025, 1e-6);
  EXPECT_EQ(s.nonfinite, 0u);

  const std::vector<float> poisoned{1.0f, std::numeric_limits<float>::quiet_NaN(), 0.5f};
  const ErrorStats p = compare(poisoned, ref);
  EXPECT_EQ(p.nonfinite, 1u);
  EXPECT_FALSE(p.rel < 1.0);  // an unwritten (NaN) output never passes a bound
}

}  // namespace
}  // namespace capsim::kernels
