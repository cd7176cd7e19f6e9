#ifndef CAPSIM_SIM_STATISTICS_H_
#define CAPSIM_SIM_STATISTICS_H_

#include <cstdint>
#include <limits>
#include <vector>

#include "sim/time.h"

namespace capsim::sim {

// Count, mean, variance (Welford), min and max of a stream of samples, in O(1) memory.
//
//   RunningStats s;
//   s.Add(1.0); s.Add(3.0);
//   s.mean();  // 2.0
class RunningStats {
 public:
  // Adds one sample.
  void Add(double x);
  // Folds another accumulator into this one (Chan et al. parallel update).
  void Merge(const RunningStats& o);

  uint64_t count() const { return n_; }
  // The sample mean; NaN when empty.
  double mean() const { return n_ ? mean_ : std::numeric_limits<double>::quiet_NaN(); }
  // The unbiased sample variance; NaN with fewer than two samples.
  double variance() const;
  double stddev() const;
  double min() const { return n_ ? min_ : std::numeric_limits<double>::quiet_NaN(); }
  double max() const { return n_ ? max_ : std::numeric_limits<double>::quiet_NaN(); }
  double sum() const { return mean_ * static_cast<double>(n_); }

 private:
  uint64_t n_ = 0;
  double mean_ = 0;
  double m2_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

// The time-weighted average of a piecewise-constant signal (queue length, GPUs in use).
//
//   TimeWeighted busy(Time::Zero(), 0);
//   busy.Set(Time::FromSeconds(1), 4);   // 0 on [0,1), 4 from 1 on
//   busy.Mean(Time::FromSeconds(2));     // 2.0
class TimeWeighted {
 public:
  explicit TimeWeighted(Time start = Time::Zero(), double initial = 0)
      : start_(start), last_(start), value_(initial), max_(initial) {}

  // Sets the signal to `value` from time `t` on (t >= the last change).
  void Set(Time t, double value);
  // Adds `delta` to the signal from time `t` on.
  void Add(Time t, double delta) { Set(t, value_ + delta); }
  double value() const { return value_; }
  double max() const { return max_; }
  // The integral of the signal from the start to `t` (t >= the last change), in value x seconds.
  double Integral(Time t) const;
  // The time average over [start, t]; the current value when t == start.
  double Mean(Time t) const;

 private:
  Time start_;
  Time last_;
  double value_;
  double max_;
  double area_ = 0;  // value x seconds up to last_
};

// Quantiles of non-negative samples with a bounded relative error, without storing the samples:
// logarithmic buckets of ratio gamma = (1 + a) / (1 - a) (as in DDSketch), so any reported
// quantile is within a relative error `a` of a sample whose rank is the requested one.
//
//   QuantileSketch q(0.005);
//   for (double x : latencies) q.Add(x);
//   q.Quantile(0.99);
class QuantileSketch {
 public:
  // `relative_accuracy` in (0, 0.1]; 0.005 gives <= 0.5% error.
  explicit QuantileSketch(double relative_accuracy = 0.005);

  // Adds one sample (>= 0); values below kMinValue count as zero.
  void Add(double x);
  // Folds another sketch with the same accuracy into this one.
  void Merge(const QuantileSketch& o);
  uint64_t count() const { return count_; }
  // The q-quantile (0 <= q <= 1) of the samples, lower-rank convention (the sample of rank
  // floor(q (n - 1)) in sorted order); NaN when empty.
  double Quantile(double q) const;
  double relative_accuracy() const { return accuracy_; }

  static constexpr double kMinValue = 1e-12;

 private:
  int BucketOf(double x) const;
  double BucketValue(int index) const;
  // The counter of bucket `b`, growing the bucket range to hold it.
  uint64_t& BucketAt(int b);

  double accuracy_;
  double gamma_;
  double inv_log_gamma_;
  uint64_t count_ = 0;
  uint64_t zero_count_ = 0;
  int offset_ = 0;  // bucket index of buckets_[0]
  std::vector<uint64_t> buckets_;
};

// The mean of a handful of independent estimates (replications) and the half-width of its
// confidence interval: mean ± t(1 - (1 - level) / 2, n - 1) x s / sqrt(n), s the sample standard
// deviation (Student t; exact for normal estimates, close for means of long runs).
struct MeanInterval {
  double mean = 0;
  double half_width = 0;  // NaN when n < 2
  int n = 0;
};

// The Student t quantile: the t with P(T <= t) = p for `df` > 0 degrees of freedom (Boost.Math).
double StudentTQuantile(double p, double df);

// The mean of the finite values of `values` and its `level` (in (0, 1)) confidence half-width;
// NaN mean when none is finite.
MeanInterval MeanConfidence(const std::vector<double>& values, double level = 0.95);

}  // namespace capsim::sim

#endif  // CAPSIM_SIM_STATISTICS_H_
