#include "sim/inline_handler.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

namespace capsim::sim {
namespace {

// Counts live copies so that tests can check each callable is destroyed exactly once.
struct Tracker {
  int* live;
  int* calls;
  explicit Tracker(int* l, int* c) : live(l), calls(c) { ++*live; }
  Tracker(Tracker&& o) noexcept : live(o.live), calls(o.calls) { ++*live; }
  Tracker(const Tracker& o) : live(o.live), calls(o.calls) { ++*live; }
  ~Tracker() { --*live; }
  void operator()() { ++*calls; }
};

TEST(InlineHandlerTest, EmptyByDefault) {
  InlineHandler h;
  EXPECT_FALSE(h);
}

TEST(InlineHandlerTest, CallsTrivialLambda) {
  int x = 0;
  InlineHandler h([&x] { x += 3; });
  ASSERT_TRUE(h);
  h();
  h();
  EXPECT_EQ(x, 6);
  h.Reset();
  EXPECT_FALSE(h);
}

TEST(InlineHandlerTest, CallsLambdaWithString) {
  std::string out;
  // A std::string fills the whole buffer; with the output pointer it goes in a unique_ptr.
  InlineHandler h([&out, s = std::make_unique<std::string>(
                             "a string long enough to live on the heap")] { out = *s; });
  h();
  InlineHandler solo([s = std::string("just the string")]() mutable { s += "!"; });
  solo();
  EXPECT_EQ(out, "a string long enough to live on the heap");
}

TEST(InlineHandlerTest, MoveTransfersAndDestroysOnce) {
  int live = 0, calls = 0;
  {
    InlineHandler a(Tracker(&live, &calls));
    EXPECT_EQ(live, 1);
    InlineHandler b(std::move(a));
    EXPECT_FALSE(a);  // NOLINT: moved-from is empty by contract
    EXPECT_EQ(live, 1);
    b();
    EXPECT_EQ(calls, 1);
    InlineHandler c;
    c = std::move(b);
    EXPECT_EQ(live, 1);
    c();
    EXPECT_EQ(calls, 2);
  }
  EXPECT_EQ(live, 0);
}

TEST(InlineHandlerTest, EmplaceReplacesAndDestroysPrevious) {
  int live = 0, calls = 0;
  InlineHandler h(Tracker(&live, &calls));
  h.Emplace(Tracker(&live, &calls));
  EXPECT_EQ(live, 1);
  int x = 0;
  h.Emplace([&x] { x = 1; });
  EXPECT_EQ(live, 0);
  h();
  EXPECT_EQ(x, 1);
}

TEST(InlineHandlerTest, SharedPtrCaptureReleasedOnReset) {
  auto p = std::make_shared<int>(5);
  std::weak_ptr<int> w = p;
  InlineHandler h([p = std::move(p)] { ++*p; });
  h();
  EXPECT_EQ(*w.lock(), 6);
  h.Reset();
  EXPECT_TRUE(w.expired());
}

TEST(InlineHandlerTest, MaximalCapture) {
  struct Big {
    uint64_t a, b, c, d;
  };
  uint64_t out = 0;
  uint64_t* po = &out;
  Big big{1, 2, 3, 4};
  // 8 + 24 bytes of capture: exactly kCapacity.
  InlineHandler h([po, a = big.a, b = big.b, c = big.c] { *po = a + b + c; });
  h();
  EXPECT_EQ(out, 6u);
  static_assert(InlineHandler::kCapacity >= 32);
}

}  // namespace
}  // namespace capsim::sim
