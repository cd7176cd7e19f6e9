#include "sim/statistics.h"

#include <cassert>
#include <cmath>
#include <limits>

#include <boost/math/distributions/students_t.hpp>

namespace capsim::sim {

void RunningStats::Add(double x) {
  ++n_;
  double delta = x - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (x - mean_);
  if (x < min_) min_ = x;
  if (x > max_) max_ = x;
}

void RunningStats::Merge(const RunningStats& o) {
  if (o.n_ == 0) return;
  if (n_ == 0) {
    *this = o;
    return;
  }
  double n = static_cast<double>(n_ + o.n_);
  double delta = o.mean_ - mean_;
  mean_ += delta * static_cast<double>(o.n_) / n;
  m2_ += o.m2_ + delta * delta * static_cast<double>(n_) * static_cast<double>(o.n_) / n;
  n_ += o.n_;
  if (o.min_ < min_) min_ = o.min_;
  if (o.max_ > max_) max_ = o.max_;
}

double RunningStats::variance() const {
  if (n_ < 2) return std::numeric_limits<double>::quiet_NaN();
  return m2_ / static_cast<double>(n_ - 1);
}

double RunningStats::stddev() const { return std::sqrt(variance()); }

void TimeWeighted::Set(Time t, double value) {
  assert(t >= last_);
  area_ += value_ * (t - last_).seconds();
  last_ = t;
  value_ = value;
  if (value > max_) max_ = value;
}

double TimeWeighted::Integral(Time t) const {
  assert(t >= last_);
  return area_ + value_ * (t - last_).seconds();
}

double TimeWeighted::Mean(Time t) const {
  double span = (t - start_).seconds();
  return span > 0 ? Integral(t) / span : value_;
}

QuantileSketch::QuantileSketch(double relative_accuracy) : accuracy_(relative_accuracy) {
  assert(relative_accuracy > 0 && relative_accuracy <= 0.1);
  gamma_ = (1 + accuracy_) / (1 - accuracy_);
  inv_log_gamma_ = 1.0 / std::log(gamma_);
}

int QuantileSketch::BucketOf(double x) const {
  return static_cast<int>(std::ceil(std::log(x) * inv_log_gamma_));
}

double QuantileSketch::BucketValue(int index) const {
  // Bucket i holds (gamma^(i-1), gamma^i]; this point is within `accuracy_` of all of it.
  return 2.0 * std::pow(gamma_, index) / (gamma_ + 1.0);
}

uint64_t& QuantileSketch::BucketAt(int b) {
  if (buckets_.empty()) {
    offset_ = b;
    buckets_.assign(1, 0);
  } else if (b < offset_) {
    buckets_.insert(buckets_.begin(), static_cast<size_t>(offset_ - b), 0);
    offset_ = b;
  } else if (b >= offset_ + static_cast<int>(buckets_.size())) {
    buckets_.resize(static_cast<size_t>(b - offset_ + 1), 0);
  }
  return buckets_[static_cast<size_t>(b - offset_)];
}

void QuantileSketch::Add(double x) {
  assert(x >= 0 && !std::isnan(x));
  ++count_;
  if (!(x >= kMinValue)) {
    ++zero_count_;
    return;
  }
  ++BucketAt(BucketOf(x));
}

void QuantileSketch::Merge(const QuantileSketch& o) {
  assert(o.accuracy_ == accuracy_);
  count_ += o.count_;
  zero_count_ += o.zero_count_;
  for (size_t i = 0; i < o.buckets_.size(); ++i) {
    uint64_t c = o.buckets_[i];
    if (c == 0) continue;
    int b = o.offset_ + static_cast<int>(i);
    BucketAt(b) += c;
  }
}

double QuantileSketch::Quantile(double q) const {
  assert(q >= 0 && q <= 1);
  if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
  uint64_t rank = static_cast<uint64_t>(std::floor(q * static_cast<double>(count_ - 1)));
  if (rank < zero_count_) return 0.0;
  uint64_t seen = zero_count_;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen > rank) return BucketValue(offset_ + static_cast<int>(i));
  }
  return BucketValue(offset_ + static_cast<int>(buckets_.size()) - 1);
}

double StudentTQuantile(double p, double df) {
  assert(p > 0 && p < 1 && df > 0);
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

MeanInterval MeanConfidence(const std::vector<double>& values, double level) {
  assert(level > 0 && level < 1);
  MeanInterval out;
  double sum = 0;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    sum += v;
    ++out.n;
  }
  if (out.n == 0) {
    out.mean = out.half_width = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  out.mean = sum / out.n;
  if (out.n < 2) {
    out.half_width = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  double ss = 0;
  for (double v : values) {
    if (std::isfinite(v)) ss += (v - out.mean) * (v - out.mean);
  }
  const double sd = std::sqrt(ss / (out.n - 1));
  out.half_width = StudentTQuantile(1 - (1 - level) / 2, out.n - 1) * sd / std::sqrt(out.n);
  return out;
}

}  // namespace capsim::sim
