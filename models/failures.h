#ifndef CAPSIM_MODELS_FAILURES_H_
#define CAPSIM_MODELS_FAILURES_H_

#include <string_view>
#include <vector>

namespace capsim::models {

// One cause of unexpected job interruptions and its rate per GPU-hour held.
struct FailureCause {
  std::string_view name;
  double per_gpu_hour = 0;
};

// The causes of the 419 unexpected interruptions of Llama 3 405B pre-training (54 days on
// 16,384 H100s = 21.23 M GPU-hours; workloads.md §8, counts FIRM, the GPU-hours ESTIMATE),
// grouped GPU / HBM / software / network / host / other; 19.7 per million GPU-hours in all.
const std::vector<FailureCause>& Llama3FailureCauses();

// The summed rate of `causes` per GPU-hour.
double TotalFailureRatePerGpuHour(const std::vector<FailureCause>& causes);

// Daly's first-order optimal checkpoint interval (seconds of work between checkpoints) for a
// checkpoint costing `write_s` and a mean time between failures `mtbf_s`: sqrt(2 write mtbf) -
// write when write < 2 mtbf, else mtbf (Young's sqrt(2 write mtbf) without the correction).
double DalyCheckpointInterval(double write_s, double mtbf_s);

// Expected wall time of one checkpoint segment (work_s of work then write_s of checkpoint, lost
// whole if a failure strikes in it), with Poisson failures at `rate_per_s` and a restart of
// restart_s after each (failures during a restart start it over): e^(rate restart) (e^(rate
// (work + write)) - 1) / rate; work_s + write_s when rate is 0.
double ExpectedSegmentTime(double work_s, double write_s, double restart_s, double rate_per_s);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_FAILURES_H_
