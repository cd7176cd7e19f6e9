#ifndef CAPSIM_SIM_RANDOM_H_
#define CAPSIM_SIM_RANDOM_H_

#include <cstdint>

#include <Random123/philox.h>

namespace capsim::sim {

// A counter-based random stream (Philox4x64-10, Random123) keyed by (seed, stream id): the n-th
// draw of a stream depends only on (seed, stream, n). Two workloads with different stream ids
// never share draws, so adding one does not perturb another (common random numbers), and
// streams can be created in any thread without shared state.
//
//   RandomStream rng(/*seed=*/42, /*stream=*/7);
//   double gap = rng.Exponential(/*mean=*/0.5);
class RandomStream {
 public:
  RandomStream(uint64_t seed, uint64_t stream);

  // A uniformly distributed 64-bit integer.
  uint64_t NextU64() {
    if (pos_ == 4) Refill();
    return block_.v[pos_++];
  }
  // A uniformly distributed 32-bit integer.
  uint32_t NextU32() { return static_cast<uint32_t>(NextU64() >> 32); }
  // Uniform on [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1]: safe to take the logarithm of.
  double UniformOpenLow() { return 1.0 - Uniform(); }
  // Uniform on [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Uniform integer on [0, n), n > 0 (Lemire's nearly-divisionless method).
  uint64_t UniformInt(uint64_t n);
  // True with probability p.
  bool Bernoulli(double p) { return Uniform() < p; }
  // Exponential with the given mean (> 0).
  double Exponential(double mean);
  // Standard normal (Box-Muller; the second value of each pair is kept for the next call).
  double StandardNormal();
  // Normal with mean mu and standard deviation sigma.
  double Normal(double mu, double sigma) { return mu + sigma * StandardNormal(); }
  // Lognormal: exp(Normal(mu, sigma)).
  double Lognormal(double mu, double sigma);
  // Gamma with shape k > 0 and the given scale (Marsaglia-Tsang).
  double Gamma(double shape, double scale);
  // Poisson with the given mean (>= 0): inversion below a mean of 10, else Hormann's
  // transformed rejection (PTRS), exact in both.
  uint64_t Poisson(double mean);
  // Binomial(n, p), p in [0, 1]: exact (Bernoulli trials, or geometric skips while the smaller
  // of n p and n (1 - p) is below 30); above that the normal approximation with continuity
  // correction, clamped to [0, n] (relative error of the mean below 1e-3 there).
  uint64_t Binomial(uint64_t n, double p);

  uint64_t seed() const { return seed_; }
  uint64_t stream() const { return stream_; }
  // Number of 256-bit blocks generated so far.
  uint64_t blocks_used() const { return counter_; }

 private:
  using Philox = r123::Philox4x64;
  void Refill();

  uint64_t seed_;
  uint64_t stream_;
  uint64_t counter_ = 0;
  Philox::key_type key_;
  Philox::ctr_type block_;
  int pos_ = 4;
  bool has_spare_normal_ = false;
  double spare_normal_ = 0;
};

// The lognormal (mu, sigma) whose median and mean are given (mean >= median > 0).
struct LognormalParams {
  double mu;
  double sigma;
};
LognormalParams LognormalFromMedianMean(double median, double mean);
// The lognormal (mu, sigma) with the given mean (> 0) and sigma (>= 0).
LognormalParams LognormalFromMeanSigma(double mean, double sigma);

}  // namespace capsim::sim

#endif  // CAPSIM_SIM_RANDOM_H_
