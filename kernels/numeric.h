// Host-side number formats and comparison helpers shared by the CPU references, the GPU tests and
// the benchmark harness. Pure C++: BF16 and FP8 (E4M3, OCP "FN" variant as in CUDA's
// __nv_fp8_e4m3) are handled as bit patterns, so nothing here needs CUDA headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace capsim::kernels {

// BF16: the upper 16 bits of an IEEE float, rounded to nearest even. NaN stays NaN.
std::uint16_t float_to_bf16_bits(float value);
float bf16_bits_to_float(std::uint16_t bits);
inline float round_to_bf16(float value) { return bf16_bits_to_float(float_to_bf16_bits(value)); }

// FP8 E4M3 (bias 7, no infinities, 0x7F/0xFF are NaN, largest finite 448). Conversion rounds to
// nearest even and saturates to +-448 (CUDA's __NV_SATFINITE behaviour).
inline constexpr float kE4M3Max = 448.0f;
std::uint8_t float_to_e4m3_bits(float value);
float e4m3_bits_to_float(std::uint8_t bits);
inline float round_to_e4m3(float value) { return e4m3_bits_to_float(float_to_e4m3_bits(value)); }

// Deterministic uniform random numbers in [lo, hi) from a seed (std::mt19937_64).
std::vector<float> random_uniform(std::size_t n, std::uint64_t seed, float lo = -1.0f, float hi = 1.0f);

std::vector<std::uint16_t> to_bf16_bits(std::span<const float> values);
std::vector<float> from_bf16_bits(std::span<const std::uint16_t> bits);
// Round every value to BF16 in place (the reference then sees exactly what the GPU sees).
void round_to_bf16_inplace(std::span<float> values);

// Error of `got` against `ref`: max |got - ref|, max |ref| and their ratio (the bound the tests
// use: relative to the largest reference magnitude, so tiny reference entries do not dominate).
// Non-finite values in `got` (e.g. NaN poison left in an unwritten output) are counted.
struct ErrorStats {
  double max_abs_err = 0.0;
  double max_abs_ref = 0.0;
  double rel = 0.0;  // max_abs_err / max_abs_ref (max_abs_err when max_abs_ref is 0)
  std::size_t nonfinite = 0;
  std::size_t count = 0;
};
ErrorStats compare(std::span<const float> got, std::span<const float> ref);

}  // namespace capsim::kernels
