#ifndef CAPSIM_APP_PROGRESS_H_
#define CAPSIM_APP_PROGRESS_H_

#include <cstdint>
#include <functional>
#include <ostream>

namespace capsim::app {

// Reports the progress of a long run on stderr: on a terminal, one line redrawn in place (a bar,
// the simulated time, events per second and the ETA); elsewhere (a log file, CI), a plain line
// every `line_interval_s` seconds of wall time, and nothing for runs shorter than that. Wall
// time comes from `clock` (seconds; injected so that tests control it).
//
//   ProgressReporter p(std::cerr, /*terminal=*/false, /*line_interval_s=*/10, WallSeconds);
//   p.Update(simulated_s, horizon_s, events);  // from RunOptions::progress
//   p.Finish();
class ProgressReporter {
 public:
  ProgressReporter(std::ostream& out, bool terminal, double line_interval_s,
                   std::function<double()> clock);

  // Notes that `simulated_s` of `horizon_s` are done after `events` events; prints if due.
  void Update(double simulated_s, double horizon_s, uint64_t events);
  // Ends the terminal line (if one was drawn).
  void Finish();

 private:
  std::ostream& out_;
  bool terminal_;
  double line_interval_s_;
  std::function<double()> clock_;
  double start_s_;
  double last_line_s_;
  bool drawn_ = false;
};

// Seconds of a monotonic wall clock.
double WallSeconds();

}  // namespace capsim::app

#endif  // CAPSIM_APP_PROGRESS_H_
