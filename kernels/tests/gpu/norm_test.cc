#include <vector>

#include "gpu_test_util.h"
#include "kernels/cuda/norm.h"
#include "kernels/reference.h"

namespace capsim::kernels {
namespace {

using testing::GpuTest;

class RowOpTest : public GpuTest, public ::testing::WithParamInterface<RowShape> {};

void run_layernorm(const RowShape& s, bool rms) {
  const auto x = testing::random_bf16_values(s.rows * s.cols, s.rows * 31 + s.cols, -3.0f, 5.0f);
  const auto gamma = testing::random_bf16_values(s.cols, s.cols + 1, 0.5f, 1.5f);
  const auto beta = testing::random_bf16_values(s.cols, s.cols + 2, -0.5f, 0.5f);
  std::vector<float> ref_y(x.size());
  if (rms) {
    ref::rmsnorm(s, x.data(), gamma.data(), ref_y.data(), 1e-5f);
  } else {
    ref::layernorm(s, x.data(), gamma.data(), beta.data(), ref_y.data(), 1e-5f);
  }
  DeviceBuffer<__nv_bfloat16> dx, dg, db, dy;
  ASSERT_OK(testing::upload_bf16(x, &dx));
  ASSERT_OK(testing::upload_bf16(gamma, &dg));
  ASSERT_OK(testing::upload_bf16(beta, &db));
  ASSERT_OK(testing::make_output(x.size(), &dy));
  LayerNormArgs args;
  args.x = dx.get();
  args.gamma = dg.get();
  args.beta = rms ? nullptr : db.get();
  args.y = dy.get();
  args.rows = static_cast<int>(s.rows);
  args.cols = static_cast<int>(s.cols);
  args.eps = 1e-5f;
  args.rms = rms;
  ASSERT_OK(launch_layernorm_bf16(args, nullptr));
  ASSERT_OK(testing::sync());
  std::vector<float> y;
  ASSERT_OK(testing::download_bf16(dy, &y));
  const ErrorStats e = compare(y, ref_y);
  EXPECT_EQ(e.nonfinite, 0u);
  EXPECT_LT(e.rel, 1e-2) << (rms ? "rmsnorm " : "layernorm ") << s.rows << "x" << s.cols;
}

TEST_P(RowOpTest, LayerNormMatchesReference) { run_layernorm(GetParam(), false); }
TEST_P(RowOpTest, RmsNormMatchesReference) { run_layernorm(GetParam(), true); }

TEST_P(RowOpTest, SoftmaxMatchesReferenceAndRowsSumToOne) {
  const RowShape s = GetParam();
  const auto x = testing::random_bf16_values(s.rows * s.cols, s.rows * 7 + s.cols, -8.0f, 8.0f);
  std::vector<float> ref_y(x.size());
  ref::softmax(s, x.data(), ref_y.data());
  DeviceBuffer<__nv_bfloat16> dx, dy;
  ASSERT_OK(testing::upload_bf16(x, &dx));
  ASSERT_OK(testing::make_output(x.size(), &dy));
  ASSERT_OK(launch_softmax_bf16({dx.get(), dy.get(), static_cast<int>(s.rows), static_cast<int>(s.cols)}, nullptr));
  ASSERT_OK(testing::sync());
  std::vector<float> y;
  ASSERT_OK(testing::download_bf16(dy, &y));
  const ErrorStats e = compare(y, ref_y);
  EXPECT_EQ(e.nonfinite, 0u);
  EXPECT_LT(e.rel, 1e-2);
  for (std::int64_t r = 0; r < s.rows; ++r) {
    double sum = 0.0;
    for (std::int64_t c = 0; c < s.cols; ++c) sum += y[r * s.cols + c];
    EXPECT_NEAR(sum, 1.0, 1e-2) << "row " << r;
  }
}

// Row lengths below, at and above the block size, not multiples of it, and a Llama-3 vocabulary.
INSTANTIATE_TEST_SUITE_P(Shapes, RowOpTest,
                         ::testing::Values(RowShape{1, 1}, RowShape{3, 7}, RowShape{17, 4096}, RowShape{5, 8193},
                                           RowShape{64, 1000}, RowShape{2, 128256}));

}  // namespace
}  // namespace capsim::kernels
