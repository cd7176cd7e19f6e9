// Validation of the engine against queueing theory: FIFO M/M/1, M/M/c and M/D/1 queues built
// on Simulator events with RandomStream draws (separate streams for arrivals and services),
// compared with the closed-form mean waiting time in queue, and Little's law.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <deque>
#include <iostream>
#include <string>

#include "sim/random.h"
#include "sim/simulator.h"
#include "sim/statistics.h"

namespace capsim::sim {
namespace {

enum class Service { kExponential, kDeterministic };

struct QueueResult {
  double wq = 0;          // mean wait in queue of the measured customers, seconds
  double sojourn = 0;     // mean time in system of the measured customers
  double l_time_avg = 0;  // time-average number in system over the measured window
  double window = 0;      // length of the measured window, seconds
  uint64_t measured = 0;
  uint64_t trajectory = 0;  // hash of the (time, event kind) sequence
};

// A FIFO queue with `servers` servers, Poisson arrivals at `lambda` and service rate `mu`.
// The first `warmup` customers are discarded; the run stops after `warmup + customers` arrivals
// and lets the system drain.
class FifoQueue {
 public:
  FifoQueue(uint64_t seed, int servers, double lambda, double mu, Service service)
      : arrivals_(seed, 1),
        services_(seed, 2),
        servers_(servers),
        lambda_(lambda),
        mu_(mu),
        service_(service) {}

  QueueResult Run(uint64_t warmup, uint64_t customers) {
    warmup_ = warmup;
    total_ = warmup + customers;
    sim_.ScheduleAfter(Gap(), [this] { Arrive(); });
    sim_.RunUntil(Time::Max() - Duration::Seconds(1));
    QueueResult r;
    r.wq = wait_.mean();
    r.sojourn = sojourn_.mean();
    r.window = (end_ - start_).seconds();
    r.l_time_avg = in_system_.Integral(end_) / r.window;
    r.measured = wait_.count();
    r.trajectory = hash_;
    return r;
  }

 private:
  struct Customer {
    Time arrival;
    bool measured;
  };

  Duration Gap() { return Duration::Seconds(arrivals_.Exponential(1.0 / lambda_)); }
  Duration ServiceTime() {
    return service_ == Service::kExponential ? Duration::Seconds(services_.Exponential(1.0 / mu_))
                                             : Duration::Seconds(1.0 / mu_);
  }
  void Record(uint64_t kind) {
    hash_ = (hash_ ^ static_cast<uint64_t>(sim_.Now().nanos())) * 1099511628211ull;
    hash_ = (hash_ ^ kind) * 1099511628211ull;
  }
  // The time-average count covers arrivals [warmup, total): the window from the first measured
  // arrival to the last departure of a measured customer (the system drains at the end).
  bool Measuring() const { return arrived_ > warmup_; }

  void Arrive() {
    Record(1);
    ++arrived_;
    if (arrived_ == warmup_ + 1) {
      start_ = sim_.Now();
      in_system_ = TimeWeighted(start_, 0);
    }
    const Customer c{sim_.Now(), Measuring()};
    if (c.measured) in_system_.Add(sim_.Now(), 1);
    if (busy_ < servers_) {
      StartService(c);
    } else {
      queue_.push_back(c);
    }
    if (arrived_ < total_) sim_.ScheduleAfter(Gap(), [this] { Arrive(); });
  }

  void StartService(const Customer& c) {
    ++busy_;
    if (c.measured) wait_.Add((sim_.Now() - c.arrival).seconds());
    sim_.ScheduleAfter(ServiceTime(), [this, c] { Depart(c); });
  }

  void Depart(const Customer& c) {
    Record(2);
    --busy_;
    if (c.measured) {
      sojourn_.Add((sim_.Now() - c.arrival).seconds());
      in_system_.Add(sim_.Now(), -1);
      end_ = sim_.Now();
    }
    if (!queue_.empty()) {
      Customer next = queue_.front();
      queue_.pop_front();
      StartService(next);
    }
  }

  Simulator sim_;
  RandomStream arrivals_;
  RandomStream services_;
  int servers_;
  double lambda_;
  double mu_;
  Service service_;
  uint64_t warmup_ = 0;
  uint64_t total_ = 0;
  uint64_t arrived_ = 0;
  int busy_ = 0;
  std::deque<Customer> queue_;
  RunningStats wait_;
  RunningStats sojourn_;
  TimeWeighted in_system_;
  Time start_;
  Time end_;
  uint64_t hash_ = 1469598103934665603ull;
};

// Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a = l/mu.
double ErlangC(int c, double a) {
  double term = 1, sum = 1;  // sum of a^k / k! for k < c
  for (int k = 1; k < c; ++k) {
    term *= a / k;
    sum += term;
  }
  const double last = term * a / c;  // a^c / c!
  const double rho = a / c;
  return last / (1 - rho) / (sum + last / (1 - rho));
}

constexpr uint64_t kWarmup = 50000;
constexpr uint64_t kCustomers = 1500000;
constexpr uint64_t kSeeds[] = {2024, 7, 99};

void Report(const std::string& name, uint64_t seed, double measured, double theory) {
  const double err = std::fabs(measured - theory) / theory;
  std::cout << name << " seed " << seed << ": measured " << measured << " theory " << theory
            << " relative error " << err * 100 << "%\n";
  ::testing::Test::RecordProperty(name + "_seed" + std::to_string(seed) + "_rel_err",
                                  std::to_string(err));
}

TEST(QueueingValidationTest, MM1WaitingTime) {
  const double lambda = 0.7, mu = 1.0, rho = lambda / mu;
  const double theory = rho / (mu - lambda);
  for (uint64_t seed : kSeeds) {
    QueueResult r = FifoQueue(seed, 1, lambda, mu, Service::kExponential).Run(kWarmup, kCustomers);
    Report("MM1_Wq", seed, r.wq, theory);
    EXPECT_EQ(r.measured, kCustomers);
    EXPECT_NEAR(r.wq, theory, 0.02 * theory) << "seed " << seed;
  }
}

TEST(QueueingValidationTest, MMcWaitingTimeErlangC) {
  const int c = 3;
  const double lambda = 2.1, mu = 1.0;  // rho = 0.7
  const double a = lambda / mu;
  const double theory = ErlangC(c, a) / (c * mu - lambda);
  EXPECT_NEAR(ErlangC(1, 0.7), 0.7, 1e-12);  // M/M/1: the wait probability is rho
  for (uint64_t seed : kSeeds) {
    QueueResult r = FifoQueue(seed, c, lambda, mu, Service::kExponential).Run(kWarmup, kCustomers);
    Report("MM3_Wq", seed, r.wq, theory);
    EXPECT_NEAR(r.wq, theory, 0.02 * theory) << "seed " << seed;
  }
}

TEST(QueueingValidationTest, MD1WaitingTimePollaczekKhinchine) {
  const double lambda = 0.6, mu = 1.0, rho = lambda / mu;
  const double theory = rho / (2 * mu * (1 - rho));
  for (uint64_t seed : kSeeds) {
    QueueResult r =
        FifoQueue(seed, 1, lambda, mu, Service::kDeterministic).Run(kWarmup, kCustomers);
    Report("MD1_Wq", seed, r.wq, theory);
    EXPECT_NEAR(r.wq, theory, 0.02 * theory) << "seed " << seed;
  }
}

TEST(QueueingValidationTest, LittlesLaw) {
  const double lambda = 0.7, mu = 1.0;
  QueueResult r = FifoQueue(2024, 1, lambda, mu, Service::kExponential).Run(kWarmup, kCustomers);
  const double predicted = lambda * r.sojourn;
  Report("Little_L", 2024, r.l_time_avg, predicted);
  EXPECT_NEAR(r.l_time_avg, predicted, 0.01 * predicted);
  // M/M/1: L = rho / (1 - rho).
  EXPECT_NEAR(r.l_time_avg, 0.7 / 0.3, 0.02 * 0.7 / 0.3);
}

TEST(QueueingValidationTest, TrajectoryIsDeterministicPerSeed) {
  auto run = [](uint64_t seed) {
    return FifoQueue(seed, 2, 1.5, 1.0, Service::kExponential).Run(1000, 100000).trajectory;
  };
  const uint64_t a = run(11);
  EXPECT_EQ(run(11), a);
  EXPECT_NE(run(12), a);
}

}  // namespace
}  // namespace capsim::sim
