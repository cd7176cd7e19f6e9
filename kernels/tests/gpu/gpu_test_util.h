// Helpers for the GPU correctness tests: skip without a device, upload host data, compare.
#pragma once

#include <cuda_bf16.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <span>
#include <vector>

#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/device_buffer.h"
#include "kernels/numeric.h"
#include "kernels/shapes.h"

namespace capsim::kernels {

// Readable parameter names in test output (and in the ctest names gtest_discover_tests makes).
inline void PrintTo(const GemmShape& s, std::ostream* os) { *os << s.m << "x" << s.n << "x" << s.k; }
inline void PrintTo(const RowShape& s, std::ostream* os) { *os << s.rows << "x" << s.cols; }
inline void PrintTo(const UpsampleShape& s, std::ostream* os) { *os << s.n << "x" << s.c << "x" << s.h << "x" << s.w; }

}  // namespace capsim::kernels

namespace capsim::kernels::testing {

// Every GPU test derives from this: it skips when cudaGetDeviceCount fails or finds no device.
class GpuTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cuda_device_available()) GTEST_SKIP() << "no CUDA device (cudaGetDeviceCount failed or returned 0)";
  }
};

#define ASSERT_OK(expr)                                  \
  do {                                                   \
    const ::capsim::kernels::Status s_ = (expr);         \
    ASSERT_TRUE(s_.ok()) << #expr << ": " << s_.message(); \
  } while (0)

// Random values rounded to BF16 (so the FP32 reference sees exactly the GPU's inputs).
inline std::vector<float> random_bf16_values(std::size_t n, std::uint64_t seed, float lo = -1.0f, float hi = 1.0f) {
  auto v = random_uniform(n, seed, lo, hi);
  round_to_bf16_inplace(v);
  return v;
}

inline Status upload_bf16(const std::vector<float>& host, DeviceBuffer<__nv_bfloat16>* dev) {
  CAPSIM_KERNELS_TRY(dev->allocate(host.size()));
  const auto bits = to_bf16_bits(host);
  return dev->upload(std::span<const std::uint16_t>(bits));
}

inline Status download_bf16(const DeviceBuffer<__nv_bfloat16>& dev, std::vector<float>* host) {
  std::vector<std::uint16_t> bits(dev.size());
  CAPSIM_KERNELS_TRY(dev.download(std::span<std::uint16_t>(bits)));
  *host = from_bf16_bits(bits);
  return Status::Ok();
}

// Allocates and poisons (NaN) an output buffer.
template <class T>
Status make_output(std::size_t n, DeviceBuffer<T>* dev) {
  CAPSIM_KERNELS_TRY(dev->allocate(n));
  return dev->poison();
}

inline Status sync() {
  CAPSIM_CUDA_TRY(cudaDeviceSynchronize());
  return Status::Ok();
}

}  // namespace capsim::kernels::testing
