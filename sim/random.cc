#include "sim/random.h"

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

}  // namespace capsim::sim
