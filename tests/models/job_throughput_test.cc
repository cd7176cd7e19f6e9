#include "models/job_throughput.h"

#include <gtest/gtest.h>

namespace capsim::models {
namespace {

TEST(JobThroughput, TrainingIsSixFlopsPerActiveParameter) {
  ModelSpec moe{"moe", 117e9, 5.1e9};
  EXPECT_DOUBLE_EQ(TrainingFlopsPerToken(moe), 6 * 5.1e9);
}

TEST(JobThroughput, DistillationAddsTeacherForward) {
  ModelSpec teacher{"t", 117e9, 5.1e9}, student{"s", 8.03e9, 8.03e9};
  EXPECT_DOUBLE_EQ(DistillationFlopsPerToken(teacher, student), 2 * 5.1e9 + 6 * 8.03e9);
}

TEST(JobThroughput, Llama70bOnH100AtFortyPercentMfu) {
  // H100 SXM dense BF16 peak 989 TFLOP/s (hardware.md §1, FIRM); Llama-3-70B ~70.6e9 params.
  GpuSpec h100;
  h100.bf16_flops = 989e12;
  h100.bf16_gemm_efficiency = 0.80;
  ModelSpec llama70{"llama-3-70b", 70.6e9, 70.6e9};
  const double per_gpu = TokensPerGpuSecond(h100, TrainingFlopsPerToken(llama70), 0.40);
  EXPECT_NEAR(per_gpu, 989e12 * 0.4 / (6 * 70.6e9), 1e-9);
  EXPECT_NEAR(per_gpu, 933.9, 0.1);  // ~ 239k tokens/s on 256 GPUs
}

TEST(JobThroughput, ZeroEfficiencyFallsBackToMeasuredGemmEfficiency) {
  GpuSpec g;
  g.bf16_flops = 1e15;
  g.bf16_gemm_efficiency = 0.8;
  EXPECT_DOUBLE_EQ(TokensPerGpuSecond(g, 1e9, 0), 1e15 * 0.8 / 1e9);
}

}  // namespace
}  // namespace capsim::models
