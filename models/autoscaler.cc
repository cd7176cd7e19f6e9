#include "models/autoscaler.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace capsim::models {
namespace {

std::string Num(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

Status CheckAutoscale(const AutoscaleConfig& config, int initial_replicas) {
  std::vector<std::string> problems;
  const AutoscaleConfig& c = config;
  if (c.min_replicas < 1) {
    problems.push_back("autoscale.min_replicas (" + std::to_string(c.min_replicas) +
                       ") must be at least 1");
  }
  if (c.max_replicas < c.min_replicas) {
    problems.push_back("autoscale.max_replicas (" + std::to_string(c.max_replicas) +
                       ") is below min_replicas (" + std::to_string(c.min_replicas) + ")");
  }
  if (initial_replicas < c.min_replicas || initial_replicas > c.max_replicas) {
    problems.push_back("replicas (" + std::to_string(initial_replicas) +
                       ") must lie in autoscale [min_replicas, max_replicas] = [" +
                       std::to_string(c.min_replicas) + ", " + std::to_string(c.max_replicas) +
                       "]");
  }
  if (!(c.target_utilization > 0 && c.target_utilization <= 1)) {
    problems.push_back("autoscale.target_utilization (" + Num(c.target_utilization) +
                       ") must lie in (0, 1]");
  }
  if (!(c.interval_s > 0) || !std::isfinite(c.interval_s)) {
    problems.push_back("autoscale.interval_s (" + Num(c.interval_s) + ") must be positive");
  }
  if (!(c.load_time_s >= 0) || !std::isfinite(c.load_time_s)) {
    problems.push_back("autoscale.load_time_s (" + Num(c.load_time_s) + ") must be >= 0");
  }
  if (!(c.scale_down_delay_s >= 0) || !std::isfinite(c.scale_down_delay_s)) {
    problems.push_back("autoscale.scale_down_delay_s (" + Num(c.scale_down_delay_s) +
                       ") must be >= 0");
  }
  if (problems.empty()) return Status::Ok();
  return Status::Errors(std::move(problems));
}

int Autoscaler::Desired(double load) const {
  const double want = std::ceil(std::max(0.0, load) / config_.target_utilization * (1 - 1e-9));
  const double clamped = std::clamp(want, static_cast<double>(config_.min_replicas),
                                    static_cast<double>(config_.max_replicas));
  return static_cast<int>(clamped);
}

ScaleDecision Autoscaler::Decide(double now_s, int active, int loading, double load) {
  ScaleDecision d;
  d.desired = Desired(load);
  const int current = active + loading;
  if (d.desired >= current) {
    d.add = d.desired - current;
    low_since_s_.reset();
    return d;
  }
  if (!low_since_s_) {
    low_since_s_ = now_s - config_.interval_s;
    low_max_desired_ = d.desired;
  } else {
    low_max_desired_ = std::max(low_max_desired_, d.desired);
  }
  if (now_s - *low_since_s_ >= config_.scale_down_delay_s - 1e-9) {
    const int keep = std::max(low_max_desired_, config_.min_replicas);
    d.drain = std::max(0, std::min(current - keep, active - 1));
    if (d.drain > 0) low_since_s_.reset();
  }
  return d;
}

}  // namespace capsim::models
