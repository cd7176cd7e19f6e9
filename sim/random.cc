#include "sim/random.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

namespace capsim::sim {

RandomStream::RandomStream(uint64_t seed, uint64_t stream) : seed_(seed), stream_(stream) {
  key_ = Philox::key_type{{seed, stream}};
}

void RandomStream::Refill() {
  Philox::ctr_type ctr{{counter_, 0, 0, 0}};
  block_ = Philox()(ctr, key_);
  ++counter_;
  pos_ = 0;
}

uint64_t RandomStream::UniformInt(uint64_t n) {
  assert(n > 0);
  unsigned __int128 m = static_cast<unsigned __int128>(NextU64()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(NextU64()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

namespace {

// Ziggurat tables for the unit exponential (Marsaglia & Tsang 2000, 256 layers of equal area V):
// x[i] is the right edge of layer i (x[0] = V / f(r) for the base layer with its tail), f = exp(-x).
struct ExponentialZiggurat {
  static constexpr int kLayers = 256;
  static constexpr double kR = 7.69711747013104972;   // start of the tail
  static constexpr double kV = 3.949659822581572e-3;  // area of each layer
  double x[kLayers + 1];
  double f[kLayers + 1];

  ExponentialZiggurat() {
    x[0] = kV / std::exp(-kR);
    x[1] = kR;
    for (int i = 1; i < kLayers - 1; ++i) x[i + 1] = -std::log(kV / x[i] + std::exp(-x[i]));
    x[kLayers] = 0;
    for (int i = 0; i <= kLayers; ++i) f[i] = std::exp(-x[i]);
  }
};

const ExponentialZiggurat& Ziggurat() {
  static const ExponentialZiggurat table;  // immutable after thread-safe initialisation
  return table;
}

}  // namespace

double RandomStream::Exponential(double mean) {
  assert(mean > 0);
  const ExponentialZiggurat& z = Ziggurat();
  for (;;) {
    const uint64_t bits = NextU64();
    const int i = static_cast<int>(bits & 0xff);
    const double x = static_cast<double>(bits >> 11) * 0x1.0p-53 * z.x[i];
    if (x < z.x[i + 1]) return mean * x;  // inside the layer's core rectangle: ~99% of draws
    if (i == 0) return mean * (ExponentialZiggurat::kR - std::log(UniformOpenLow()));  // tail
    if (z.f[i] + Uniform() * (z.f[i + 1] - z.f[i]) < std::exp(-x)) return mean * x;  // wedge
  }
}

double RandomStream::StandardNormal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  double r = std::sqrt(-2.0 * std::log(UniformOpenLow()));
  double theta = 2.0 * std::numbers::pi * Uniform();
  spare_normal_ = r * std::sin(theta);
  has_spare_normal_ = true;
  return r * std::cos(theta);
}

double RandomStream::Lognormal(double mu, double sigma) {
  return std::exp(mu + sigma * StandardNormal());
}

double RandomStream::Gamma(double shape, double scale) {
  assert(shape > 0 && scale > 0);
  if (shape < 1) {
    // Boost a shape < 1 draw: G(k) = G(k + 1) * U^(1/k).
    return Gamma(shape + 1, scale) * std::pow(UniformOpenLow(), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = StandardNormal();
    double v = 1.0 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    double u = UniformOpenLow();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
    if (std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) return d * v * scale;
  }
}

LognormalParams LognormalFromMedianMean(double median, double mean) {
  assert(median > 0 && mean >= median);
  // median = exp(mu); mean = exp(mu + sigma^2 / 2).
  return {std::log(median), std::sqrt(2.0 * std::log(mean / median))};
}

LognormalParams LognormalFromMeanSigma(double mean, double sigma) {
  assert(mean > 0 && sigma >= 0);
  return {std::log(mean) - 0.5 * sigma * sigma, sigma};
}

uint64_t RandomStream::Poisson(double mean) {
  assert(mean >= 0 && std::isfinite(mean));
  if (mean < 10) {
    // Inversion by sequential search from 0.
    double p = std::exp(-mean);
    double cdf = p;
    const double u = Uniform();
    uint64_t k = 0;
    while (u > cdf && k < 1000) {
      ++k;
      p *= mean / static_cast<double>(k);
      cdf += p;
    }
    return k;
  }
  // W. Hormann, "The transformed rejection method for generating Poisson random variables",
  // Insurance: Mathematics and Economics 12 (1993), algorithm PTRS.
  const double slam = std::sqrt(mean);
  const double loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const double u = Uniform() - 0.5;
    const double v = Uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<uint64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
        -mean + k * loglam - std::lgamma(k + 1)) {
      return static_cast<uint64_t>(k);
    }
  }
}

uint64_t RandomStream::Binomial(uint64_t n, double p) {
  assert(p >= 0 && p <= 1);
  if (n == 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - Binomial(n, 1 - p);
  const double nd = static_cast<double>(n);
  if (n <= 16) {
    uint64_t k = 0;
    for (uint64_t i = 0; i < n; ++i) k += Bernoulli(p) ? 1 : 0;
    return k;
  }
  if (nd * p < 30) {
    // Successes by geometric skips over the trials: O(n p) draws.
    const double log_q = std::log1p(-p);
    uint64_t k = 0;
    double trials = 0;
    for (;;) {
      trials += std::floor(std::log(UniformOpenLow()) / log_q) + 1;
      if (trials > nd) return k;
      ++k;
    }
  }
  const double x = std::round(Normal(nd * p, std::sqrt(nd * p * (1 - p))));
  return static_cast<uint64_t>(std::clamp(x, 0.0, nd));
}

}  // namespace capsim::sim
