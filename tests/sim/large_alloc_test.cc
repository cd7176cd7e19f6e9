#include "sim/large_alloc.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

namespace capsim::sim {
namespace {

TEST(LargeAllocTest, SmallBlocksAreCacheLineAligned) {
  for (size_t bytes : {64u, 100u, 4096u, 100000u}) {
    void* p = AllocateLarge(bytes);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u) << bytes;
    std::memset(p, 0xab, bytes);  // writable over its whole size
    FreeLarge(p, bytes);
  }
}

TEST(LargeAllocTest, HugeBlocksAreHugePageAligned) {
  const size_t bytes = size_t{3} << 20;
  auto* p = static_cast<unsigned char*>(AllocateLarge(bytes));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % (size_t{2} << 20), 0u);
  p[0] = 1;
  p[bytes - 1] = 2;
  EXPECT_EQ(p[0] + p[bytes - 1], 3);
  FreeLarge(p, bytes);
}

}  // namespace
}  // namespace capsim::sim
