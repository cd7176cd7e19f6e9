#include <cmath>
#include <vector>

#include "gpu_test_util.h"
#include "kernels/cuda/attention.h"
#include "kernels/reference.h"

namespace capsim::kernels {
namespace {

using testing::GpuTest;

enum class Kernel { kFlash, kNaive, kDecode };

struct Case {
  AttentionShape shape;
  Kernel kernel;
};

void PrintTo(const Case& c, std::ostream* os) {
  const auto& s = c.shape;
  *os << (c.kernel == Kernel::kFlash ? "flash" : c.kernel == Kernel::kNaive ? "naive" : "decode") << "_b" << s.batch
      << "_h" << s.heads << "_kv" << s.kv_heads << "_d" << s.head_dim << "_q" << s.q_len << "_k" << s.kv_len
      << (s.causal ? "_causal" : "");
}

class AttentionTest : public GpuTest, public ::testing::WithParamInterface<Case> {};

TEST_P(AttentionTest, MatchesReference) {
  const Case c = GetParam();
  const AttentionShape& s = c.shape;
  const std::uint64_t seed = static_cast<std::uint64_t>(s.batch * 131 + s.heads * 17 + s.q_len * 7 + s.kv_len);
  const auto q = testing::random_bf16_values(s.batch * s.heads * s.q_len * s.head_dim, seed + 1);
  const auto k = testing::random_bf16_values(s.batch * s.kv_heads * s.kv_len * s.head_dim, seed + 2);
  const auto v = testing::random_bf16_values(s.batch * s.kv_heads * s.kv_len * s.head_dim, seed + 3);
  const float scale = 1.0f / std::sqrt(static_cast<float>(s.head_dim));
  std::vector<float> ref_o(q.size());
  ASSERT_TRUE(ref::attention(s, q.data(), k.data(), v.data(), ref_o.data(), scale));

  DeviceBuffer<__nv_bfloat16> dq, dk, dv, dout;
  ASSERT_OK(testing::upload_bf16(q, &dq));
  ASSERT_OK(testing::upload_bf16(k, &dk));
  ASSERT_OK(testing::upload_bf16(v, &dv));
  ASSERT_OK(testing::make_output(q.size(), &dout));
  AttentionArgs args;
  args.q = dq.get();
  args.k = dk.get();
  args.v = dv.get();
  args.o = dout.get();
  args.batch = static_cast<int>(s.batch);
  args.heads = static_cast<int>(s.heads);
  args.kv_heads = static_cast<int>(s.kv_heads);
  args.head_dim = static_cast<int>(s.head_dim);
  args.q_len = static_cast<int>(s.q_len);
  args.kv_len = static_cast<int>(s.kv_len);
  args.causal = s.causal;
  args.scale = scale;
  DeviceBuffer<float> scores;
  switch (c.kernel) {
    case Kernel::kFlash:
      ASSERT_OK(launch_attention_flash_bf16(args, nullptr));
      break;
    case Kernel::kNaive:
      ASSERT_OK(testing::make_output(attention_naive_workspace_elements(args), &scores));
      ASSERT_OK(launch_attention_naive_bf16(args, scores.get(), nullptr));
      break;
    case Kernel::kDecode:
      ASSERT_OK(launch_attention_decode_bf16(args, nullptr));
      break;
  }
  ASSERT_OK(testing::sync());
  std::vector<float> o;
  ASSERT_OK(testing::download_bf16(dout, &o));
  const ErrorStats e = compare(o, ref_o);
  EXPECT_EQ(e.nonfinite, 0u);
  EXPECT_LT(e.rel, 1e-2) << "max err " << e.max_abs_err << " max ref " << e.max_abs_ref;
}

std::vector<Case> prefill_cases(Kernel kernel) {
  // Sequence lengths that are not multiples of the 16-query / 32-key tiles, GQA groups of 1..8,
  // q_len < kv_len (chunked prefill), both head dims, causal and not.
  const AttentionShape shapes[] = {
      {1, 1, 1, 64, 1, 1, true},      {2, 4, 2, 128, 37, 37, true},   {1, 8, 1, 128, 100, 100, true},
      {2, 4, 4, 64, 65, 65, false},   {1, 2, 1, 128, 33, 77, true},   {1, 4, 2, 128, 16, 200, false},
      {1, 32, 8, 128, 257, 257, true},
  };
  std::vector<Case> out;
  for (const auto& s : shapes) out.push_back({s, kernel});
  return out;
}

std::vector<Case> decode_cases() {
  const AttentionShape shapes[] = {
      {1, 1, 1, 128, 1, 1, true},    {3, 8, 2, 128, 1, 300, true}, {2, 32, 8, 128, 1, 1000, true},
      {1, 4, 4, 64, 1, 77, true},    {4, 8, 1, 128, 1, 4096, true}, {1, 8, 8, 128, 1, 33, false},
  };
  std::vector<Case> out;
  for (const auto& s : shapes) out.push_back({s, Kernel::kDecode});
  return out;
}

INSTANTIATE_TEST_SUITE_P(Flash, AttentionTest, ::testing::ValuesIn(prefill_cases(Kernel::kFlash)));
INSTANTIATE_TEST_SUITE_P(Naive, AttentionTest, ::testing::ValuesIn(prefill_cases(Kernel::kNaive)));
INSTANTIATE_TEST_SUITE_P(Decode, AttentionTest, ::testing::ValuesIn(decode_cases()));

TEST_F(GpuTest, AttentionRejectsBadShapes) {
  AttentionArgs args;
  args.heads = 3;
  args.kv_heads = 2;  // not a divisor
  EXPECT_FALSE(launch_attention_flash_bf16(args, nullptr).ok());
  args.heads = 4;
  args.head_dim = 96;  // unsupported head dim
  EXPECT_FALSE(launch_attention_decode_bf16(args, nullptr).ok());
}

}  // namespace
}  // namespace capsim::kernels
