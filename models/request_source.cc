#include "models/request_source.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <tuple>

namespace capsim::models {
namespace {

void CheckLognormal(const LognormalLength& l) {
  assert(l.median > 0 && l.mean >= l.median && l.max >= 1);
  (void)l;
}

// A lognormal draw rounded to the nearest integer and clamped to [1, max].
int64_t DrawLength(sim::RandomStream& rng, const sim::LognormalParams& p, int64_t max) {
  const double x = std::round(rng.Lognormal(p.mu, p.sigma));
  if (!(x >= 1)) return 1;
  if (x >= static_cast<double>(max)) return max;
  return static_cast<int64_t>(x);
}

}  // namespace

LengthModel LengthModel::Lognormal(LognormalLength input, LognormalLength output) {
  LengthModel m;
  m.kind = Kind::kLognormal;
  m.input = input;
  m.output = output;
  return m;
}

LengthModel LengthModel::Empirical(std::vector<std::pair<int64_t, int64_t>> pairs) {
  assert(!pairs.empty());
  LengthModel m;
  m.kind = Kind::kEmpirical;
  m.pairs = std::move(pairs);
  return m;
}

LengthModel LengthModel::FromRequests(const std::vector<Request>& requests) {
  std::vector<std::pair<int64_t, int64_t>> pairs;
  pairs.reserve(requests.size());
  for (const Request& r : requests) pairs.emplace_back(r.input_tokens, r.output_tokens);
  return Empirical(std::move(pairs));
}

RequestSource::RequestSource(Kind kind, LengthModel lengths, SourceLimits limits, uint64_t seed,
                             uint64_t stream)
    : kind_(kind), lengths_(std::move(lengths)), limits_(limits), rng_(seed, stream) {
  if (kind_ == Kind::kReplay) return;
  if (lengths_.kind == LengthModel::Kind::kLognormal) {
    CheckLognormal(lengths_.input);
    CheckLognormal(lengths_.output);
    input_params_ = sim::LognormalFromMedianMean(lengths_.input.median, lengths_.input.mean);
    output_params_ = sim::LognormalFromMedianMean(lengths_.output.median, lengths_.output.mean);
  } else {
    assert(!lengths_.pairs.empty());
    for ([[maybe_unused]] const auto& [in, out] : lengths_.pairs) assert(in >= 1 && out >= 1);
  }
}

RequestSource RequestSource::Poisson(double rate_per_s, LengthModel lengths, SourceLimits limits,
                                     uint64_t seed, uint64_t stream) {
  assert(rate_per_s > 0);
  ArrivalSpec spec;
  spec.kind = ArrivalSpec::Kind::kPoisson;
  spec.peak_rate_per_s = rate_per_s;
  return Diurnal(spec, std::move(lengths), limits, seed, stream);
}

RequestSource RequestSource::Diurnal(const ArrivalSpec& arrivals, LengthModel lengths,
                                     SourceLimits limits, uint64_t seed, uint64_t stream) {
  RequestSource s(Kind::kArrivalProcess, std::move(lengths), limits, seed, stream);
  s.process_.emplace(arrivals);
  return s;
}

RequestSource RequestSource::Bursty(double rate_per_s, double cv, LengthModel lengths,
                                    SourceLimits limits, uint64_t seed, uint64_t stream) {
  assert(rate_per_s > 0 && cv > 0);
  RequestSource s(Kind::kGamma, std::move(lengths), limits, seed, stream);
  s.gamma_shape_ = 1.0 / (cv * cv);
  s.gamma_scale_ = (1.0 / rate_per_s) / s.gamma_shape_;
  return s;
}

RequestSource RequestSource::Offline(uint64_t count, LengthModel lengths, uint64_t seed,
                                     uint64_t stream) {
  SourceLimits limits;
  limits.max_requests = count;
  return RequestSource(Kind::kOffline, std::move(lengths), limits, seed, stream);
}

RequestSource RequestSource::Replay(std::vector<Request> trace, const ReplayOptions& options) {
  assert(options.time_scale > 0);
  std::stable_sort(trace.begin(), trace.end(),
                   [](const Request& a, const Request& b) { return a.arrival_s < b.arrival_s; });
  RequestSource s(Kind::kReplay, LengthModel{}, SourceLimits{}, 0, 0);
  for (Request& r : trace) {
    if (s.trace_.size() >= options.max_requests) break;
    if (r.arrival_s < options.start_s) continue;
    if (r.arrival_s >= options.end_s) break;
    r.arrival_s = (r.arrival_s - options.start_s) * options.time_scale;
    s.trace_.push_back(std::move(r));
  }
  s.limits_.max_requests = s.trace_.size();
  return s;
}

std::pair<int64_t, int64_t> RequestSource::DrawLengths() {
  if (lengths_.kind == LengthModel::Kind::kEmpirical) {
    return lengths_.pairs[rng_.UniformInt(lengths_.pairs.size())];
  }
  const int64_t in = DrawLength(rng_, input_params_, lengths_.input.max);
  const int64_t out = DrawLength(rng_, output_params_, lengths_.output.max);
  return {in, out};
}

std::optional<Request> RequestSource::Next() {
  if (done_ || next_id_ >= limits_.max_requests) {
    done_ = true;
    return std::nullopt;
  }
  Request r;
  r.id = next_id_;
  switch (kind_) {
    case Kind::kReplay: {
      r = std::move(trace_[next_id_]);
      r.id = next_id_++;
      return r;
    }
    case Kind::kArrivalProcess:
      t_ = process_->Next(t_, rng_);
      break;
    case Kind::kGamma:
      t_ += rng_.Gamma(gamma_shape_, gamma_scale_);
      break;
    case Kind::kOffline:
      t_ = 0;
      break;
  }
  if (t_ >= limits_.end_s) {
    done_ = true;
    return std::nullopt;
  }
  r.arrival_s = t_;
  std::tie(r.input_tokens, r.output_tokens) = DrawLengths();
  ++next_id_;
  return r;
}

std::vector<Request> RequestSource::Drain() {
  std::vector<Request> out;
  while (std::optional<Request> r = Next()) out.push_back(std::move(*r));
  return out;
}

}  // namespace capsim::models
