#include "app/explain_command.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>

namespace capsim::app {
namespace {

const std::string kDefault = std::string(CAPSIM_SOURCE_DIR) + "/scenarios/default.yaml";

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome Explain(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  Console console{out, err, false, nullptr};
  const int code = RunExplain(args, console);
  return {code, out.str(), err.str()};
}

// The number after `label` in `text` (e.g. "MFU " -> 46.7).
double NumberAfter(const std::string& text, const std::string& label) {
  const size_t at = text.find(label);
  if (at == std::string::npos) return -1;
  return std::strtod(text.c_str() + at + label.size(), nullptr);
}

TEST(ExplainCommand, TrainingStepShowsEveryOperationAndItsProfileEntry) {
  Outcome o = Explain({kDefault, "--workload", "frontier-pretrain"});
  ASSERT_EQ(o.code, 0) << o.err;
  for (const char* op : {"layer.attn.qkv", "layer.attn.core", "layer.mlp.up", "tp.allreduce.mlp",
                         "pp.send_recv", "dp.grad_allreduce", "optimizer.adam",
                         "layer.mlp.up.bwd_weight"}) {
    EXPECT_NE(o.out.find(op), std::string::npos) << op;
  }
  EXPECT_NE(o.out.find("profile: H100-SXM (published"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("published @"), std::string::npos);
  EXPECT_NE(o.out.find("hardware.md §2.1"), std::string::npos);  // where GEMM efficiency came from
  // tp 8 x pp 4 x dp 8 on H100s: a plausible MFU (the profile's GEMMs reach 80% of peak, and
  // communication, norms and the pipeline bubble take their share).
  const double mfu = NumberAfter(o.out, "MFU ");
  EXPECT_GT(mfu, 30);
  EXPECT_LT(mfu, 75);
}

TEST(ExplainCommand, DistillationPricesTeacherAndStudent) {
  Outcome o = Explain({kDefault, "--workload", "avocado-distill"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("teacher.logits_all_tokens"), std::string::npos);
  EXPECT_NE(o.out.find("teacher.layer.moe.up"), std::string::npos);  // gpt-oss is a MoE
  EXPECT_NE(o.out.find("student.optimizer.adam"), std::string::npos);
}

TEST(ExplainCommand, AvatarPricesAFaceModelFrame) {
  Outcome o = Explain({kDefault, "--workload", "ai-replica"});
  ASSERT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.out.find("musetalk"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("frame time"), std::string::npos);
  EXPECT_NE(o.out.find("conv"), std::string::npos);
}

TEST(ExplainCommand, OverridesApply) {
  Outcome a = Explain({kDefault, "--workload", "frontier-pretrain"});
  Outcome b = Explain({kDefault, "--workload", "frontier-pretrain", "--set",
                       "workloads[1].parallelism={tp: 8, pp: 1, dp: 32}"});
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_NE(b.out.find("tp 8, pp 1, dp 32"), std::string::npos);
  EXPECT_NE(a.out, b.out);
}

TEST(ExplainCommand, Errors) {
  Outcome unknown = Explain({kDefault, "--workload", "nope"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("no workload named 'nope'"), std::string::npos);
  EXPECT_EQ(Explain({kDefault}).code, 2);                       // no --workload
  EXPECT_EQ(Explain({kDefault, "--bogus", "x"}).code, 2);
  Outcome bad_layout = Explain({kDefault, "--workload", "frontier-pretrain", "--set",
                                "workloads[1].parallelism={tp: 3, pp: 1, dp: 85}"});
  EXPECT_EQ(bad_layout.code, 1);  // 3 x 85 != 256 GPUs: rejected by the loader
}

}  // namespace
}  // namespace capsim::app
