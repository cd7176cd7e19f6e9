#include "app/progress.h"

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <string>

namespace capsim::app {

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

ProgressReporter::ProgressReporter(std::ostream& out, bool terminal, double line_interval_s,
                                   std::function<double()> clock)
    : out_(out),
      terminal_(terminal),
      line_interval_s_(line_interval_s),
      clock_(std::move(clock)),
      start_s_(clock_()),
      last_line_s_(start_s_) {}

void ProgressReporter::Update(double simulated_s, double horizon_s, uint64_t events) {
  const double now = clock_();
  if (!terminal_ && now - last_line_s_ < line_interval_s_) return;
  last_line_s_ = now;
  const double wall = now - start_s_;
  const double done = horizon_s > 0 ? std::clamp(simulated_s / horizon_s, 0.0, 1.0) : 1.0;
  const double eta = done > 0 ? wall * (1 - done) / done : 0;
  const double rate = wall > 0 ? static_cast<double>(events) / wall / 1e6 : 0;
  if (terminal_) {
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(done * kWidth);
    out_ << "\r  [" << std::string(static_cast<size_t>(filled), '#')
         << std::string(static_cast<size_t>(kWidth - filled), ' ') << "] ";
    drawn_ = true;
  } else {
    out_ << "progress: ";
  }
  out_ << std::fixed << std::setprecision(0) << done * 100 << "%, simulated "
       << std::setprecision(1) << simulated_s / 3600 << " h of " << horizon_s / 3600 << " h, "
       << std::setprecision(2) << rate << " M events/s, ETA " << std::setprecision(0) << eta
       << " s";
  out_ << (terminal_ ? "   " : "\n") << std::flush;
}

void ProgressReporter::Finish() {
  if (drawn_) out_ << '\n';
  drawn_ = false;
}

}  // namespace capsim::app
