// The classic hold model: N pending events; handling one schedules one new event at
// now + Exp(mean 1 s). BM_HoldModel goes through the full engine API (Simulator::ScheduleAfter
// with a lambda handler stored inline, cancellable ids, (time, priority, sequence) order, run by
// Simulator::RunEvents); BM_HoldBaseline runs the same trajectory (same RNG stream, same draws)
// with a bare std::priority_queue as the yardstick.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <queue>
#include <vector>

#include "sim/random.h"
#include "sim/simulator.h"

namespace {

using capsim::sim::Duration;
using capsim::sim::RandomStream;
using capsim::sim::Simulator;
using capsim::sim::Time;

constexpr double kMeanNs = 1e9;  // Exp(1) with the model time unit = 1 s
constexpr uint64_t kSeed = 12345;

int64_t DrawNs(RandomStream& rng) { return static_cast<int64_t>(rng.Exponential(kMeanNs)); }

struct HoldModel {
  Simulator sim;
  RandomStream rng{kSeed, 1};
  void Fire() {
    sim.ScheduleAfter(Duration::Nanos(DrawNs(rng)), [this] { Fire(); });
  }
};

void BM_HoldModel(benchmark::State& state) {
  const int64_t n = state.range(0);
  HoldModel m;
  for (int64_t i = 0; i < n; ++i) {
    m.sim.Schedule(Time::FromNanos(DrawNs(m.rng)), [p = &m] { p->Fire(); });
  }
  const uint64_t kBatch = 1 << 16;
  for (auto _ : state) {
    m.sim.RunEvents(kBatch);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  benchmark::DoNotOptimize(m.sim.Now());
}

void BM_HoldBaseline(benchmark::State& state) {
  const int64_t n = state.range(0);
  RandomStream rng{kSeed, 1};
  struct Entry {
    int64_t time;
    uint64_t seq;
    bool operator>(const Entry& o) const {
      return time > o.time || (time == o.time && seq > o.seq);
    }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue;
  uint64_t seq = 0;
  for (int64_t i = 0; i < n; ++i) queue.push({DrawNs(rng), seq++});
  int64_t now = 0;
  const uint64_t kBatch = 1 << 16;
  for (auto _ : state) {
    for (uint64_t i = 0; i < kBatch; ++i) {
      now = queue.top().time;
      queue.pop();
      queue.push({now + DrawNs(rng), seq++});
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
  benchmark::DoNotOptimize(now);
}

BENCHMARK(BM_HoldModel)->Arg(1000)->Arg(1000000);
BENCHMARK(BM_HoldBaseline)->Arg(1000)->Arg(1000000);

}  // namespace
