#ifndef CAPSIM_SIM_TIME_H_
#define CAPSIM_SIM_TIME_H_

#include <cassert>
#include <cmath>
#include <compare>
#include <cstdint>
#include <limits>

namespace capsim::sim {

// A signed span of simulated time, held as int64 nanoseconds (a year is 3.2e16 ns, far from
// overflow). Build with the factories; convert to seconds only at the edges (reports, RNG draws).
//
//   Duration d = Duration::Seconds(1.5) + Duration::Millis(20);
//   double s = d.seconds();  // 1.52
class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration Nanos(int64_t ns) { return Duration(ns); }
  static constexpr Duration Micros(int64_t us) { return Duration(us * 1000); }
  static constexpr Duration Millis(int64_t ms) { return Duration(ms * 1000000); }
  // `s` seconds rounded to the nearest nanosecond; `s` must be finite and within range.
  static Duration Seconds(double s) {
    assert(std::isfinite(s) && std::fabs(s) < 9.2e9);
    return Duration(static_cast<int64_t>(std::llround(s * 1e9)));
  }
  static constexpr Duration Zero() { return Duration(0); }
  static constexpr Duration Max() { return Duration(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t nanos() const { return ns_; }
  constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }

  constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
  constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
  constexpr Duration operator*(int64_t k) const { return Duration(ns_ * k); }
  constexpr Duration& operator+=(Duration o) {
    ns_ += o.ns_;
    return *this;
  }
  constexpr Duration& operator-=(Duration o) {
    ns_ -= o.ns_;
    return *this;
  }
  constexpr auto operator<=>(const Duration&) const = default;

 private:
  constexpr explicit Duration(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

// An instant of simulated time: int64 nanoseconds since the start of the run (never negative).
class Time {
 public:
  constexpr Time() = default;
  static constexpr Time FromNanos(int64_t ns) { return Time(ns); }
  static Time FromSeconds(double s) { return Time() + Duration::Seconds(s); }
  static constexpr Time Zero() { return Time(0); }
  // The largest representable instant; used as "never".
  static constexpr Time Max() { return Time(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t nanos() const { return ns_; }
  constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }

  constexpr Time operator+(Duration d) const { return Time(ns_ + d.nanos()); }
  constexpr Time operator-(Duration d) const { return Time(ns_ - d.nanos()); }
  constexpr Duration operator-(Time o) const { return Duration::Nanos(ns_ - o.ns_); }
  constexpr Time& operator+=(Duration d) {
    ns_ += d.nanos();
    return *this;
  }
  constexpr auto operator<=>(const Time&) const = default;

 private:
  constexpr explicit Time(int64_t ns) : ns_(ns) {}
  int64_t ns_ = 0;
};

}  // namespace capsim::sim

#endif  // CAPSIM_SIM_TIME_H_
