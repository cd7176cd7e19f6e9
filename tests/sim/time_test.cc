#include "sim/time.h"

#include <gtest/gtest.h>

namespace capsim::sim {
namespace {

TEST(DurationTest, FactoriesAndConversions) {
  EXPECT_EQ(Duration::Nanos(7).nanos(), 7);
  EXPECT_EQ(Duration::Micros(3).nanos(), 3000);
  EXPECT_EQ(Duration::Millis(2).nanos(), 2000000);
  EXPECT_EQ(Duration::Seconds(1.5).nanos(), 1500000000);
  EXPECT_EQ(Duration::Seconds(1e-9 * 0.6).nanos(), 1);  // rounds to nearest
  EXPECT_EQ(Duration::Seconds(-2.25).nanos(), -2250000000);
  EXPECT_DOUBLE_EQ(Duration::Millis(1520).seconds(), 1.52);
  EXPECT_EQ(Duration::Zero().nanos(), 0);
  EXPECT_EQ(Duration::Max().nanos(), INT64_MAX);
}

TEST(DurationTest, Arithmetic) {
  Duration d = Duration::Seconds(1.5) + Duration::Millis(20);
  EXPECT_EQ(d.nanos(), 1520000000);
  EXPECT_EQ((d - Duration::Millis(20)).nanos(), 1500000000);
  EXPECT_EQ((Duration::Millis(3) * 4).nanos(), 12000000);
  d += Duration::Nanos(5);
  EXPECT_EQ(d.nanos(), 1520000005);
  d -= Duration::Nanos(10);
  EXPECT_EQ(d.nanos(), 1519999995);
  EXPECT_LT(Duration::Nanos(1), Duration::Nanos(2));
  EXPECT_EQ(Duration::Micros(1), Duration::Nanos(1000));
}

TEST(TimeTest, ArithmeticAndOrder) {
  Time t = Time::FromSeconds(2);
  EXPECT_EQ(t.nanos(), 2000000000);
  EXPECT_EQ((t + Duration::Millis(5)).nanos(), 2005000000);
  EXPECT_EQ((t - Duration::Seconds(1)).nanos(), 1000000000);
  EXPECT_EQ((Time::FromNanos(10) - Time::FromNanos(3)).nanos(), 7);
  t += Duration::Nanos(1);
  EXPECT_EQ(t.nanos(), 2000000001);
  EXPECT_LT(Time::Zero(), t);
  EXPECT_LT(t, Time::Max());
  EXPECT_EQ(Time::Max().nanos(), INT64_MAX);
  EXPECT_DOUBLE_EQ(Time::FromNanos(250000000).seconds(), 0.25);
}

TEST(TimeTest, YearsAreExactInNanoseconds) {
  // Ten years of nanoseconds stay far from overflow and exact under integer arithmetic.
  const Duration year = Duration::Seconds(365.25 * 86400);
  Time t = Time::Zero();
  for (int i = 0; i < 10; ++i) t += year;
  EXPECT_EQ(t.nanos(), 10 * year.nanos());
  EXPECT_EQ((t - year * 10).nanos(), 0);
}

}  // namespace
}  // namespace capsim::sim
