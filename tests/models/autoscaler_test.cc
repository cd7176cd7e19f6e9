#include "models/autoscaler.h"

#include <gtest/gtest.h>

#include <limits>

namespace capsim::models {
namespace {

AutoscaleConfig Config(int min, int max, double delay_s = 300) {
  AutoscaleConfig c;
  c.min_replicas = min;
  c.max_replicas = max;
  c.target_utilization = 0.7;
  c.interval_s = 30;
  c.scale_down_delay_s = delay_s;
  return c;
}

TEST(Autoscaler, CheckAcceptsTheDefaultsAndNamesEachBadField) {
  EXPECT_TRUE(CheckAutoscale(AutoscaleConfig{}, 1).ok());
  EXPECT_TRUE(CheckAutoscale(Config(2, 8), 5).ok());
  // Initial replicas outside [min, max].
  EXPECT_FALSE(CheckAutoscale(Config(2, 8), 1).ok());
  EXPECT_FALSE(CheckAutoscale(Config(2, 8), 9).ok());

  AutoscaleConfig bad;
  bad.min_replicas = 0;
  bad.max_replicas = -1;
  bad.target_utilization = 1.5;
  bad.interval_s = 0;
  bad.load_time_s = -1;
  bad.scale_down_delay_s = std::numeric_limits<double>::quiet_NaN();
  const Status s = CheckAutoscale(bad, 1);
  ASSERT_FALSE(s.ok());
  // min, max < min, replicas outside [min, max], target, interval, load time, delay.
  EXPECT_EQ(s.problems().size(), 7u) << s.ToString();
  for (const char* field : {"min_replicas", "max_replicas", "target_utilization", "interval_s",
                            "load_time_s", "scale_down_delay_s"}) {
    EXPECT_NE(s.ToString().find(field), std::string::npos) << field;
  }
  EXPECT_NE(s.ToString().find("autoscale.max_replicas (-1) is below min_replicas (0)"),
            std::string::npos);
}

// desired = ceil(load / 0.7) within [min, max]; 2.1 / 0.7 is 3.0000000000000004 in binary and
// must still give 3 (a replica more for a rounding error would be spurious).
TEST(Autoscaler, DesiredIsTheCeilingOfLoadOverTargetClamped) {
  const Autoscaler a(Config(2, 6));
  EXPECT_EQ(a.Desired(0), 2);     // ceil(0) = 0, raised to min
  EXPECT_EQ(a.Desired(1.4), 2);   // exactly 2
  EXPECT_EQ(a.Desired(2.1), 3);   // exactly 3
  EXPECT_EQ(a.Desired(2.11), 4);  // 3.014 -> 4
  EXPECT_EQ(a.Desired(3.49), 5);  // 4.99 -> 5
  EXPECT_EQ(a.Desired(100), 6);   // capped at max
  EXPECT_EQ(a.Desired(-1), 2);    // no negative load
}

// Up at once, counting loading replicas as capacity on its way.
TEST(Autoscaler, ScalesUpAtOnceAndCountsLoadingReplicas) {
  Autoscaler a(Config(1, 10));
  ScaleDecision d = a.Decide(30, /*active=*/2, /*loading=*/0, /*load=*/2.8);  // 2.8 / 0.7 = 4
  EXPECT_EQ(d.desired, 4);
  EXPECT_EQ(d.add, 2);
  EXPECT_EQ(d.drain, 0);
  d = a.Decide(60, 2, 2, 2.8);  // the two asked for are loading: nothing more
  EXPECT_EQ(d.add, 0);
  d = a.Decide(90, 2, 2, 3.5);  // 5 wanted, 4 on hand
  EXPECT_EQ(d.add, 1);
}

// Low from the decision at 30 s on (its interval started at 0): drained at the first decision
// with 300 s of low readings behind it, 300 s, not before; down to the stretch's highest
// desired count (2 of the readings 1, 2, 1, ...).
TEST(Autoscaler, ScalesDownAfterTheDelayToTheStretchMaximum) {
  Autoscaler a(Config(1, 10));
  for (int k = 1; k < 10; ++k) {
    const ScaleDecision d = a.Decide(30.0 * k, 4, 0, k == 3 ? 1.4 : 0.5);
    EXPECT_EQ(d.drain, 0) << "t " << 30 * k;
    EXPECT_EQ(d.add, 0);
  }
  const ScaleDecision d = a.Decide(300, 4, 0, 0.5);
  EXPECT_EQ(d.desired, 1);
  EXPECT_EQ(d.drain, 2);  // 4 - max(1, 2, 1, ...) = 2
  // A new stretch starts after a drain: the next low reading does not drain at once.
  EXPECT_EQ(a.Decide(330, 2, 0, 0.5).drain, 0);
}

// A reading that wants the current count ends the stretch; the next one starts over.
TEST(Autoscaler, AHighReadingRestartsTheDelay) {
  Autoscaler a(Config(1, 10));
  for (int k = 1; k <= 5; ++k) EXPECT_EQ(a.Decide(30.0 * k, 3, 0, 0.3).drain, 0);
  EXPECT_EQ(a.Decide(180, 3, 0, 2.0).desired, 3);  // 2.0 / 0.7 = 2.86 -> 3: not low
  // Low again from the decision at 210 s (interval from 180 s): drain at 480 s.
  for (int k = 7; k < 16; ++k) EXPECT_EQ(a.Decide(30.0 * k, 3, 0, 0.3).drain, 0) << 30 * k;
  EXPECT_EQ(a.Decide(480, 3, 0, 0.3).drain, 2);
}

TEST(Autoscaler, KeepsMinReplicasAndTheLastActiveOne) {
  {
    Autoscaler a(Config(2, 10, /*delay_s=*/0));
    const ScaleDecision d = a.Decide(30, 5, 0, 0);  // delay 0: the first low reading drains
    EXPECT_EQ(d.desired, 2);
    EXPECT_EQ(d.drain, 3);
  }
  {
    // One active and two loading replicas, no load: only loading ones could go, and loading
    // replicas are not drained. Once they are active the stretch (still running) drains them.
    Autoscaler a(Config(1, 10, /*delay_s=*/60));
    EXPECT_EQ(a.Decide(30, 1, 2, 0).drain, 0);
    EXPECT_EQ(a.Decide(60, 1, 2, 0).drain, 0);  // 60 s low, but nothing drainable
    EXPECT_EQ(a.Decide(90, 3, 0, 0).drain, 2);
  }
}

}  // namespace
}  // namespace capsim::models
