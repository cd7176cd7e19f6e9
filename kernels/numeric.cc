#include "kernels/numeric.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <random>

namespace capsim::kernels {

std::uint16_t float_to_bf16_bits(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  if (std::isnan(value)) {
    return static_cast<std::uint16_t>((bits >> 16) | 0x0040u);  // quiet NaN, sign kept
  }
  const std::uint32_t rounding = 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<std::uint16_t>((bits + rounding) >> 16);
}

float bf16_bits_to_float(std::uint16_t bits) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
}

std::uint8_t float_to_e4m3_bits(float value) {
  if (std::isnan(value)) return 0x7F;
  const std::uint8_t sign = std::signbit(value) ? 0x80 : 0x00;
  const double a = std::fabs(static_cast<double>(value));
  if (a >= kE4M3Max) return sign | 0x7E;  // saturate (also +-inf)
  constexpr double kMinNormal = 0.015625;  // 2^-6
  if (a < kMinNormal) {
    // Subnormals are multiples of 2^-9; a rounded count of 8 is exactly the smallest normal (0x08).
    const auto q = static_cast<std::uint8_t>(std::nearbyint(a * 512.0));
    return sign | q;
  }
  int exp2 = 0;
  const double frac = std::frexp(a, &exp2);  // a = frac * 2^exp2, frac in [0.5, 1)
  int exponent = exp2 - 1;                   // a = (2 frac) * 2^exponent
  auto q = static_cast<int>(std::nearbyint(frac * 16.0));  // 8..16: 1.mmm in eighths
  if (q == 16) {
    q = 8;
    ++exponent;
  }
  const int biased = exponent + 7;
  int bits = (biased << 3) | (q - 8);
  bits = std::min(bits, 0x7E);  // 0x7F would be NaN: saturate
  return sign | static_cast<std::uint8_t>(bits);
}

float e4m3_bits_to_float(std::uint8_t bits) {
  const bool negative = (bits & 0x80) != 0;
  const int exponent = (bits >> 3) & 0xF;
  const int mantissa = bits & 0x7;
  if (exponent == 0xF && mantissa == 0x7) return std::numeric_limits<float>::quiet_NaN();
  double v = 0.0;
  if (exponent == 0) {
    v = std::ldexp(static_cast<double>(mantissa), -9);
  } else {
    v = std::ldexp(1.0 + mantissa / 8.0, exponent - 7);
  }
  return static_cast<float>(negative ? -v : v);
}

std::vector<float> random_uniform(std::size_t n, std::uint64_t seed, float lo, float hi) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> out(n);
  for (auto& x : out) x = dist(rng);
  return out;
}

std::vector<std::uint16_t> to_bf16_bits(std::span<const float> values) {
  std::vector<std::uint16_t> out(values.size());
  std::transform(values.begin(), values.end(), out.begin(), float_to_bf16_bits);
  return out;
}

std::vector<float> from_bf16_bits(std::span<const std::uint16_t> bits) {
  std::vector<float> out(bits.size());
  std::transform(bits.begin(), bits.end(), out.begin(), bf16_bits_to_float);
  return out;
}

void round_to_bf16_inplace(std::span<float> values) {
  for (auto& v : values) v = round_to_bf16(v);
}

ErrorStats compare(std::span<const float> got, std::span<const float> ref) {
  ErrorStats s;
  s.count = std::min(got.size(), ref.size());
  if (got.size() != ref.size()) s.nonfinite = std::max(got.size(), ref.size()) - s.count;
  for (std::size_t i = 0; i < s.count; ++i) {
    s.max_abs_ref = std::max(s.max_abs_ref, std::fabs(static_cast<double>(ref[i])));
    if (!std::isfinite(got[i])) {
      ++s.nonfinite;
      continue;
    }
    s.max_abs_err = std::max(s.max_abs_err, std::fabs(static_cast<double>(got[i]) - ref[i]));
  }
  s.rel = s.max_abs_ref > 0.0 ? s.max_abs_err / s.max_abs_ref : s.max_abs_err;
  if (s.nonfinite > 0) s.rel = std::numeric_limits<double>::infinity();
  return s;
}

}  // namespace capsim::kernels
