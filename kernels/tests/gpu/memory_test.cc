#include <cmath>
#include <vector>

#include "gpu_test_util.h"
#include "kernels/cuda/memory.h"
#include "kernels/reference.h"

namespace capsim::kernels {
namespace {

using testing::GpuTest;

class MemoryTest : public GpuTest, public ::testing::WithParamInterface<std::size_t> {};

TEST_P(MemoryTest, CopyIsExact) {
  const std::size_t n = GetParam();
  const auto src = random_uniform(n, n + 1);
  DeviceBuffer<float> dsrc, ddst;
  ASSERT_OK(dsrc.allocate(n));
  ASSERT_OK(dsrc.upload(std::span<const float>(src)));
  ASSERT_OK(testing::make_output(n, &ddst));
  ASSERT_OK(launch_copy({dsrc.get(), ddst.get(), n}, nullptr));
  ASSERT_OK(testing::sync());
  std::vector<float> dst(n);
  ASSERT_OK(ddst.download(std::span<float>(dst)));
  EXPECT_EQ(dst, src);
}

TEST_P(MemoryTest, TriadMatchesReference) {
  const std::size_t n = GetParam();
  const auto b = random_uniform(n, n + 2), c = random_uniform(n, n + 3);
  std::vector<float> ref_a(n);
  ref::triad(static_cast<std::int64_t>(n), b.data(), c.data(), 3.0f, ref_a.data());
  DeviceBuffer<float> da, db, dc;
  ASSERT_OK(db.allocate(n));
  ASSERT_OK(db.upload(std::span<const float>(b)));
  ASSERT_OK(dc.allocate(n));
  ASSERT_OK(dc.upload(std::span<const float>(c)));
  ASSERT_OK(testing::make_output(n, &da));
  TriadArgs args;
  args.a = da.get();
  args.b = db.get();
  args.c = dc.get();
  args.scalar = 3.0f;
  args.count = n;
  ASSERT_OK(launch_triad(args, nullptr));
  ASSERT_OK(testing::sync());
  std::vector<float> a(n);
  ASSERT_OK(da.download(std::span<float>(a)));
  const ErrorStats e = compare(a, ref_a);
  EXPECT_EQ(e.nonfinite, 0u);
  EXPECT_LT(e.rel, 1e-6);  // fused multiply-add on the GPU: last-bit differences only
}

// Sizes larger than one grid pass exercise the grid-stride loop.
INSTANTIATE_TEST_SUITE_P(Sizes, MemoryTest, ::testing::Values(4, 1024, (1u << 20) + 4, 3u << 22));

TEST_F(GpuTest, StreamingRejectsSizesNotMultipleOfFour) {
  DeviceBuffer<float> a, b;
  ASSERT_OK(a.allocate(8));
  ASSERT_OK(b.allocate(8));
  EXPECT_FALSE(launch_copy({a.get(), b.get(), 6}, nullptr).ok());
  EXPECT_FALSE(launch_copy({a.get(), b.get(), 0}, nullptr).ok());
}

}  // namespace
}  // namespace capsim::kernels
