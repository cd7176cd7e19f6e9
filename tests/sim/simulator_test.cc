#include "sim/simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "sim/random.h"

namespace capsim::sim {
namespace {

Time T(int64_t ns) { return Time::FromNanos(ns); }

TEST(SimulatorTest, RunsInTimeOrder) {
  Simulator sim;
  std::vector<int64_t> seen;
  for (int64_t t : {50, 10, 40, 20, 30}) {
    sim.Schedule(T(t), [&, t] {
      seen.push_back(t);
      EXPECT_EQ(sim.Now(), T(t));
    });
  }
  EXPECT_EQ(sim.pending(), 5u);
  EXPECT_EQ(sim.NextEventTime(), T(10));
  sim.RunUntil(T(100));
  EXPECT_EQ(seen, (std::vector<int64_t>{10, 20, 30, 40, 50}));
  EXPECT_EQ(sim.events_handled(), 5u);
  EXPECT_EQ(sim.pending(), 0u);
  EXPECT_EQ(sim.NextEventTime(), Time::Max());
}

TEST(SimulatorTest, SameTimeIsFifoThenPriority) {
  Simulator sim;
  std::vector<std::string> seen;
  auto rec = [&](const char* s) { return [&seen, s] { seen.push_back(s); }; };
  sim.Schedule(T(5), rec("a0"));
  sim.Schedule(T(5), rec("b-1"), -1);
  sim.Schedule(T(5), rec("c0"));
  sim.Schedule(T(5), rec("d+3"), 3);
  sim.Schedule(T(5), rec("e-1"), -1);
  sim.Schedule(T(4), rec("early"), Simulator::kMaxPriority);
  sim.Schedule(T(5), rec("min"), Simulator::kMinPriority);
  sim.RunUntil(T(5));
  EXPECT_EQ(seen, (std::vector<std::string>{"early", "min", "b-1", "e-1", "a0", "c0", "d+3"}));
}

TEST(SimulatorTest, SameTimeEventScheduledFromHandlerRunsAfterPeers) {
  Simulator sim;
  std::vector<int> seen;
  sim.Schedule(T(1), [&] {
    seen.push_back(1);
    sim.ScheduleAfter(Duration::Zero(), [&] { seen.push_back(3); });
  });
  sim.Schedule(T(1), [&] { seen.push_back(2); });
  sim.RunUntil(T(1));
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 3}));
}

// Thousands of events at a handful of times and priorities, in a heap big enough to exercise
// the prefetching paths: the run order must equal a stable sort by (time, priority).
TEST(SimulatorTest, ManyTiesMatchSortReference) {
  Simulator sim;
  std::mt19937_64 rng(99);
  const int n = 40000;
  std::vector<std::tuple<int64_t, int, int>> ref;
  std::vector<int> seen;
  seen.reserve(n);
  for (int i = 0; i < n; ++i) {
    int64_t t = static_cast<int64_t>(rng() % 16);
    int p = static_cast<int>(rng() % 5) - 2;
    sim.Schedule(
        T(t), [&seen, i] { seen.push_back(i); }, p);
    ref.emplace_back(t, p, i);
  }
  std::sort(ref.begin(), ref.end());
  sim.RunUntil(T(100));
  ASSERT_EQ(seen.size(), ref.size());
  for (int i = 0; i < n; ++i) ASSERT_EQ(seen[i], std::get<2>(ref[i])) << i;
}

TEST(SimulatorTest, CancelPending) {
  Simulator sim;
  int ran = 0;
  EventId a = sim.Schedule(T(10), [&] { ran += 1; });
  EventId b = sim.Schedule(T(20), [&] { ran += 10; });
  EXPECT_TRUE(sim.IsPending(a));
  EXPECT_TRUE(sim.Cancel(a));
  EXPECT_FALSE(sim.IsPending(a));
  EXPECT_FALSE(sim.Cancel(a));  // double cancel
  EXPECT_EQ(sim.pending(), 1u);
  EXPECT_EQ(sim.NextEventTime(), T(20));
  sim.RunUntil(T(30));
  EXPECT_EQ(ran, 10);
  EXPECT_FALSE(sim.Cancel(b));  // already ran
  EXPECT_FALSE(sim.IsPending(b));
  EXPECT_FALSE(sim.Cancel(EventId{}));  // never scheduled
  EXPECT_FALSE(sim.Cancel(EventId{12345, 1}));
}

TEST(SimulatorTest, CancelFromHandlerAndOfRunningEvent) {
  Simulator sim;
  std::vector<int> seen;
  EventId later = sim.Schedule(T(20), [&] { seen.push_back(2); });
  struct Ctx {
    Simulator* sim;
    std::vector<int>* seen;
    EventId self, later;
    bool self_cancel_result = true;
    bool self_pending = true;
  } ctx{&sim, &seen, {}, later};
  ctx.self = sim.Schedule(T(10), [c = &ctx] {
    c->seen->push_back(1);
    c->self_pending = c->sim->IsPending(c->self);
    c->self_cancel_result = c->sim->Cancel(c->self);  // the running event: no-op
    EXPECT_TRUE(c->sim->Cancel(c->later));
  });
  sim.Schedule(T(30), [&] { seen.push_back(3); });
  sim.RunUntil(T(40));
  EXPECT_EQ(seen, (std::vector<int>{1, 3}));
  EXPECT_FALSE(ctx.self_cancel_result);
  EXPECT_FALSE(ctx.self_pending);
  EXPECT_EQ(sim.events_handled(), 2u);
}

TEST(SimulatorTest, StaleIdAfterSlotReuseIsHarmless) {
  Simulator sim;
  int ran = 0;
  EventId a = sim.Schedule(T(1), [&] { ++ran; });
  sim.RunUntil(T(1));
  EventId b = sim.Schedule(T(2), [&] { ran += 100; });
  EXPECT_EQ(a.slot, b.slot);    // the slot is recycled ...
  EXPECT_FALSE(sim.Cancel(a));  // ... but the stale id does not reach the new event
  EXPECT_FALSE(sim.IsPending(a));
  EXPECT_TRUE(sim.IsPending(b));
  sim.RunUntil(T(2));
  EXPECT_EQ(ran, 101);

  // The same after a cancellation recycled the slot.
  EventId c = sim.Schedule(T(3), [&] { ran += 1000; });
  EXPECT_TRUE(sim.Cancel(c));
  sim.RunUntil(T(3));  // drops the cancelled entry and frees its slot
  EventId d = sim.Schedule(T(4), [&] { ran += 10000; });
  EXPECT_EQ(c.slot, d.slot);
  EXPECT_FALSE(sim.Cancel(c));
  sim.RunUntil(T(4));
  EXPECT_EQ(ran, 10101);
}

TEST(SimulatorTest, CompactionAfterManyCancelsKeepsOrder) {
  Simulator sim;
  std::mt19937_64 rng(17);
  const int n = 30000;
  std::vector<EventId> ids(n);
  std::vector<int64_t> times(n);
  std::vector<int> seen;
  for (int i = 0; i < n; ++i) {
    times[i] = static_cast<int64_t>(rng() % 1000);
    ids[i] = sim.Schedule(T(times[i]), [&seen, i] { seen.push_back(i); });
  }
  std::vector<std::pair<int64_t, int>> ref;
  for (int i = 0; i < n; ++i) {
    if (i % 10 != 0) {
      ASSERT_TRUE(sim.Cancel(ids[i]));
    } else {
      ref.emplace_back(times[i], i);
    }
  }
  EXPECT_EQ(sim.pending(), ref.size());
  // New events after the compaction reuse the freed slots and still sort correctly.
  for (int i = n; i < n + 1000; ++i) {
    int64_t t = static_cast<int64_t>(rng() % 1000);
    sim.Schedule(T(t), [&seen, i] { seen.push_back(i); });
    ref.emplace_back(t, i);
  }
  std::sort(ref.begin(), ref.end());
  sim.RunUntil(T(2000));
  ASSERT_EQ(seen.size(), ref.size());
  for (size_t i = 0; i < ref.size(); ++i) ASSERT_EQ(seen[i], ref[i].second) << i;
  for (int i = 1; i < n; i += 10) EXPECT_FALSE(sim.IsPending(ids[i]));
}

TEST(SimulatorTest, RunUntilSemantics) {
  Simulator sim;
  std::vector<int64_t> seen;
  for (int64_t t : {5, 10, 15}) sim.Schedule(T(t), [&, t] { seen.push_back(t); });
  sim.RunUntil(T(10));  // the event at exactly `end` runs
  EXPECT_EQ(seen, (std::vector<int64_t>{5, 10}));
  EXPECT_EQ(sim.Now(), T(10));
  sim.RunUntil(T(12));  // nothing to run: the clock still advances to `end`
  EXPECT_EQ(sim.Now(), T(12));
  sim.ScheduleAfter(Duration::Nanos(1), [&] { seen.push_back(sim.Now().nanos()); });
  sim.RunUntil(T(100));
  EXPECT_EQ(seen, (std::vector<int64_t>{5, 10, 13, 15}));
  EXPECT_EQ(sim.Now(), T(100));
}

TEST(SimulatorTest, StopLeavesClockAtStoppingEvent) {
  Simulator sim;
  int ran = 0;
  sim.Schedule(T(1), [&] { ++ran; });
  sim.Schedule(T(2), [&] {
    ++ran;
    sim.Stop();
  });
  sim.Schedule(T(3), [&] { ++ran; });
  sim.RunUntil(T(10));
  EXPECT_EQ(ran, 2);
  EXPECT_EQ(sim.Now(), T(2));
  EXPECT_EQ(sim.pending(), 1u);
  sim.RunUntil(T(10));  // resumes
  EXPECT_EQ(ran, 3);
  EXPECT_EQ(sim.Now(), T(10));
}

TEST(SimulatorTest, StepAndRunEvents) {
  Simulator sim;
  EXPECT_FALSE(sim.Step());
  int ran = 0;
  for (int i = 0; i < 10; ++i) sim.Schedule(T(i), [&] { ++ran; });
  EXPECT_TRUE(sim.Step());
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(sim.RunEvents(4), 4u);
  EXPECT_EQ(ran, 5);
  EXPECT_EQ(sim.Now(), T(4));
  EXPECT_EQ(sim.RunEvents(100), 5u);
  EXPECT_EQ(sim.Now(), T(9));
  EXPECT_EQ(sim.events_handled(), 10u);
}

// A shared counter of live handler copies: each must be destroyed exactly once, whether it ran,
// was cancelled or was still pending when the simulator went away.
struct Probe {
  std::shared_ptr<int> live;
  std::shared_ptr<int> calls;
  Probe(std::shared_ptr<int> l, std::shared_ptr<int> c) : live(std::move(l)), calls(std::move(c)) {
    ++*live;
  }
  Probe(Probe&& o) noexcept : live(o.live), calls(o.calls) { ++*live; }
  ~Probe() { --*live; }
  void operator()() const { ++*calls; }
};

TEST(SimulatorTest, NonTrivialHandlersAreDestroyedExactlyOnce) {
  auto live = std::make_shared<int>(0);
  auto calls = std::make_shared<int>(0);
  std::string log;
  {
    Simulator sim;
    std::vector<EventId> ids;
    for (int i = 0; i < 100; ++i) ids.push_back(sim.Schedule(T(i), Probe(live, calls)));
    sim.Schedule(
        T(5),
        [&log, s = std::make_unique<std::string>("a string that lives on the heap")] { log = *s; });
    EXPECT_EQ(*live, 100);
    for (int i = 0; i < 100; i += 4) EXPECT_TRUE(sim.Cancel(ids[i]));
    EXPECT_EQ(*live, 75);  // a cancelled handler is destroyed at once
    sim.RunUntil(T(49));
    EXPECT_EQ(*calls, 50 - 13);
    EXPECT_EQ(*live, 75 - 37);
    EXPECT_EQ(log, "a string that lives on the heap");
    // Pending handlers, including a non-trivial one with a string, die with the simulator.
    sim.Schedule(T(60), [s = std::string("never runs; still destroyed once, no leak")] {
      ADD_FAILURE() << s;
    });
  }
  EXPECT_EQ(*live, 0);
  EXPECT_EQ(*calls, 37);
  EXPECT_EQ(live.use_count(), 1);
  EXPECT_EQ(calls.use_count(), 1);
}

// Random schedule/cancel mixes, also from inside handlers, against a std::set reference of
// (time, priority, sequence).
TEST(SimulatorTest, DifferentialAgainstReference) {
  for (uint64_t seed : {1, 2, 3}) {
    Simulator sim;
    std::mt19937_64 rng(seed);
    using Key = std::tuple<int64_t, int, uint64_t>;
    std::set<Key> ref;
    std::unordered_map<uint64_t, std::pair<EventId, Key>> live;  // tag -> (id, key)
    uint64_t next_tag = 0;
    std::vector<uint64_t> fired;

    std::function<void(int)> schedule_some;
    std::function<void(uint64_t)> on_fire;
    auto cancel_some = [&](int k) {
      for (int j = 0; j < k && !live.empty(); ++j) {
        auto it = live.begin();
        std::advance(it, static_cast<long>(rng() % std::min<size_t>(live.size(), 8)));
        ASSERT_TRUE(sim.Cancel(it->second.first));
        ref.erase(it->second.second);
        live.erase(it);
      }
    };
    schedule_some = [&](int k) {
      for (int j = 0; j < k; ++j) {
        const uint64_t tag = next_tag++;
        const int64_t at = sim.Now().nanos() + static_cast<int64_t>(rng() % 20);
        const int prio = static_cast<int>(rng() % 3) - 1;
        EventId id = sim.Schedule(
            T(at), [on_fire = &on_fire, tag] { (*on_fire)(tag); }, prio);
        Key key{at, prio, tag};
        ref.insert(key);
        live.emplace(tag, std::make_pair(id, key));
      }
    };
    on_fire = [&](uint64_t tag) {
      fired.push_back(tag);
      live.erase(tag);
      const uint64_t r = rng() % 10;
      if (r < 6) schedule_some(static_cast<int>(rng() % 3));
      if (r >= 8) cancel_some(1);
    };
    schedule_some(500);
    for (int step = 0; step < 20000 && !ref.empty(); ++step) {
      if (rng() % 50 == 0) cancel_some(3);
      if (rng() % 50 == 0) schedule_some(3);
      if (ref.empty()) break;
      const Key want = *ref.begin();
      ref.erase(ref.begin());
      ASSERT_TRUE(sim.Step());
      ASSERT_EQ(fired.back(), std::get<2>(want)) << "seed " << seed << " step " << step;
      ASSERT_EQ(sim.Now().nanos(), std::get<0>(want));
      ASSERT_EQ(sim.pending(), ref.size() + (live.size() - ref.size()));
      ASSERT_EQ(sim.pending(), live.size());
    }
  }
}

// A hold model with RNG draws; returns a hash of the (time, handler id) trajectory.
uint64_t RunHoldTrajectory(uint64_t seed, int events) {
  Simulator sim;
  RandomStream rng(seed, 3);
  uint64_t hash = 1469598103934665603ull;
  struct Model {
    Simulator* sim;
    RandomStream* rng;
    uint64_t* hash;
    void Fire(uint64_t who) {
      *hash = (*hash ^ static_cast<uint64_t>(sim->Now().nanos())) * 1099511628211ull;
      *hash = (*hash ^ who) * 1099511628211ull;
      const uint64_t next = rng->UniformInt(100);
      sim->ScheduleAfter(
          Duration::Nanos(static_cast<int64_t>(rng->UniformInt(1000))),
          [this, next] { Fire(next); }, static_cast<int>(next % 3));
    }
  } m{&sim, &rng, &hash};
  for (uint64_t i = 0; i < 200; ++i) sim.Schedule(T(0), [&m, i] { m.Fire(i); });
  sim.RunEvents(static_cast<uint64_t>(events));
  return hash;
}

TEST(SimulatorTest, ThreadsAreIndependentAndDeterministic) {
  const uint64_t h1 = RunHoldTrajectory(42, 200000);
  const uint64_t h2 = RunHoldTrajectory(43, 200000);
  uint64_t t1 = 0, t2 = 0;
  std::thread a([&] { t1 = RunHoldTrajectory(42, 200000); });
  std::thread b([&] { t2 = RunHoldTrajectory(43, 200000); });
  a.join();
  b.join();
  EXPECT_EQ(t1, h1);
  EXPECT_EQ(t2, h2);
  EXPECT_NE(h1, h2);
}

}  // namespace
}  // namespace capsim::sim
