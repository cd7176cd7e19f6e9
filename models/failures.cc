#include "models/failures.h"

#include <cmath>

namespace capsim::models {

namespace {
constexpr double kLlama3GpuHours = 21.23e6;  // 16,384 GPUs x 54 days (workloads.md §8, ESTIMATE)
}  // namespace

const std::vector<FailureCause>& Llama3FailureCauses() {
  // Interruption counts, workloads.md §8 (arXiv 2407.21783 Table 5), FIRM.
  static const std::vector<FailureCause> causes = {
      {"gpu", (148 + 19 + 17 + 6 + 6) / kLlama3GpuHours},  // faulty GPU, SRAM, GSP, SDC, thermal
      {"hbm", 72 / kLlama3GpuHours},
      {"software", (54 + 7 + 2) / kLlama3GpuHours},        // bugs, NCCL watchdog, dependency
      {"network", (35 + 7) / kLlama3GpuHours},             // switch/cable, NIC
      {"host", (32 + 3 + 3 + 2 + 2 + 2 + 2) / kLlama3GpuHours},  // maintenance, SSD, PSU, chassis, IO board, CPU, memory
  };
  return causes;
}

double TotalFailureRatePerGpuHour(const std::vector<FailureCause>& causes) {
  double total = 0;
  for (const FailureCause& c : causes) total += c.per_gpu_hour;
  return total;
}

double DalyCheckpointInterval(double write_s, double mtbf_s) {
  if (!(mtbf_s > 0)) return 0;
  if (write_s >= 2 * mtbf_s) return mtbf_s;
  return std::sqrt(2 * write_s * mtbf_s) - write_s;
}

double ExpectedSegmentTime(double work_s, double write_s, double restart_s, double rate_per_s) {
  if (!(rate_per_s > 0)) return work_s + write_s;
  return std::exp(rate_per_s * restart_s) * std::expm1(rate_per_s * (work_s + write_s)) / rate_per_s;
}

}  // namespace capsim::models
