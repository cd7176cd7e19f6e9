#ifndef CAPSIM_TESTS_MODELS_FLEET_AVATAR_HARNESS_H_
#define CAPSIM_TESTS_MODELS_FLEET_AVATAR_HARNESS_H_

#include <cmath>
#include <cstdint>

#include "models/fleet_scheduler.h"
#include "models/scenario.h"
#include "sim/random.h"
#include "sim/simulator.h"
#include "tests/models/test_scenario.h"

namespace capsim::models::testing {

// A fleet-level avatar model (AvatarService or AvatarSessionPool) alone on a test pool of
// `nodes` nodes with its own scheduler, started at construction.
template <class Model>
struct FleetAvatarHarness {
  FleetAvatarHarness(const AvatarSpec& spec, int nodes, uint64_t seed = 11)
      : scenario(TestScenario(nodes)),
        sched(sim, nodes, 0, true),
        avatars(sim, spec, scenario.pools[0], scenario.policy, sched, seed, 0) {
    avatars.Start();
  }
  void RunFor(double seconds) {
    sim.RunUntil(sim::Time::FromSeconds(seconds));
    avatars.Finish();
  }
  Scenario scenario;
  sim::Simulator sim;
  FleetScheduler sched;
  Model avatars;
};

// Mean of a lognormal (by median and mean) capped at `cap`: E[min(X, cap)].
inline double CappedLognormalMean(double median, double mean, double cap) {
  auto phi = [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); };
  const sim::LognormalParams p = sim::LognormalFromMedianMean(median, mean);
  const double s2 = p.sigma * p.sigma;
  return std::exp(p.mu + s2 / 2) * phi((std::log(cap) - p.mu - s2) / p.sigma) +
         cap * (1 - phi((std::log(cap) - p.mu) / p.sigma));
}

}  // namespace capsim::models::testing

#endif  // CAPSIM_TESTS_MODELS_FLEET_AVATAR_HARNESS_H_
