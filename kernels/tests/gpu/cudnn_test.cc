// cuDNN convolution and upsampling (built with cuDNN only; otherwise this file is empty).
#if defined(CAPSIM_HAVE_CUDNN)

#include <cuda_fp16.h>

#include <vector>

#include "gpu_test_util.h"
#include "kernels/cuda/cudnn_ops.h"
#include "kernels/reference.h"

namespace capsim::kernels {
namespace {

using testing::GpuTest;

// Host <-> device for either 16-bit type, with the values rounded to that type first.
struct Half16 {
  CudnnDType type;
  std::uint16_t encode(float v) const {
    if (type == CudnnDType::kBF16) return float_to_bf16_bits(v);
    const __half h = __float2half_rn(v);
    return __half_as_ushort(h);
  }
  float decode(std::uint16_t b) const {
    if (type == CudnnDType::kBF16) return bf16_bits_to_float(b);
    return __half2float(__ushort_as_half(b));
  }
  std::vector<float> round(std::vector<float> v) const {
    for (auto& x : v) x = decode(encode(x));
    return v;
  }
  Status upload(const std::vector<float>& v, DeviceBuffer<std::uint16_t>* dev) const {
    std::vector<std::uint16_t> bits(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) bits[i] = encode(v[i]);
    CAPSIM_KERNELS_TRY(dev->allocate(v.size()));
    return dev->upload(std::span<const std::uint16_t>(bits));
  }
  Status download(const DeviceBuffer<std::uint16_t>& dev, std::vector<float>* v) const {
    std::vector<std::uint16_t> bits(dev.size());
    CAPSIM_KERNELS_TRY(dev.download(std::span<std::uint16_t>(bits)));
    v->resize(bits.size());
    for (std::size_t i = 0; i < bits.size(); ++i) (*v)[i] = decode(bits[i]);
    return Status::Ok();
  }
};

struct ConvCase {
  ConvShape shape;
  CudnnDType type;
};

void PrintTo(const ConvCase& c, std::ostream* os) {
  const auto& s = c.shape;
  *os << (c.type == CudnnDType::kBF16 ? "bf16" : "fp16") << "_n" << s.n << "_c" << s.c << "_" << s.h << "x" << s.w
      << "_k" << s.k << "_" << s.r << "x" << s.s << "_stride" << s.stride << "_pad" << s.pad << "_groups" << s.groups;
}

class CudnnConvTest : public GpuTest, public ::testing::WithParamInterface<ConvCase> {};

TEST_P(CudnnConvTest, MatchesReference) {
  const auto [s, type] = GetParam();
  const Half16 h{type};
  const auto x = h.round(random_uniform(s.n * s.c * s.h * s.w, static_cast<std::uint64_t>(s.c * 100 + s.h)));
  const auto w = h.round(random_uniform(s.k * (s.c / s.groups) * s.r * s.s, static_cast<std::uint64_t>(s.k * 7 + 1)));
  std::vector<float> ref_y(s.n * s.k * s.p() * s.q());
  ASSERT_TRUE(ref::conv2d(s, x.data(), w.data(), nullptr, ref_y.data()));

  CudnnHandle handle;
  ASSERT_OK(handle.create());
  CudnnConv2d conv;
  ASSERT_OK(conv.init(handle, s, type));
  DeviceBuffer<std::uint16_t> dx, dw, dy;
  ASSERT_OK(h.upload(x, &dx));
  ASSERT_OK(h.upload(w, &dw));
  ASSERT_OK(testing::make_output(ref_y.size(), &dy));
  ASSERT_OK(conv.run({dx.get(), dw.get(), dy.get()}, nullptr));
  ASSERT_OK(testing::sync());
  std::vector<float> y;
  ASSERT_OK(h.download(dy, &y));
  const ErrorStats e = compare(y, ref_y);
  EXPECT_EQ(e.nonfinite, 0u);
  EXPECT_LT(e.rel, 1e-2) << "algorithm " << conv.algorithm();
}

std::vector<ConvCase> conv_cases() {
  const ConvShape shapes[] = {
      {1, 3, 8, 8, 4, 3, 3, 1, 1, 1},     {2, 16, 17, 19, 8, 3, 3, 1, 1, 1}, {1, 8, 16, 16, 16, 3, 3, 2, 1, 1},
      {1, 64, 32, 32, 64, 3, 3, 1, 1, 1}, {1, 8, 10, 10, 8, 3, 3, 1, 1, 8},  {1, 32, 9, 9, 16, 1, 1, 1, 0, 1},
  };
  std::vector<ConvCase> out;
  for (CudnnDType t : {CudnnDType::kBF16, CudnnDType::kFP16})
    for (const auto& s : shapes) out.push_back({s, t});
  return out;
}

INSTANTIATE_TEST_SUITE_P(Shapes, CudnnConvTest, ::testing::ValuesIn(conv_cases()));

class CudnnUpsampleTest : public GpuTest, public ::testing::WithParamInterface<UpsampleShape> {};

TEST_P(CudnnUpsampleTest, NearestTwoXIsExact) {
  const UpsampleShape s = GetParam();
  for (CudnnDType type : {CudnnDType::kBF16, CudnnDType::kFP16}) {
    const Half16 h{type};
    const auto x = h.round(random_uniform(s.n * s.c * s.h * s.w, static_cast<std::uint64_t>(s.c + s.h)));
    std::vector<float> ref_y(4 * x.size());
    ref::upsample_nearest2x(s, x.data(), ref_y.data());
    CudnnHandle handle;
    ASSERT_OK(handle.create());
    CudnnUpsampleNearest2x up;
    ASSERT_OK(up.init(handle, s, type));
    DeviceBuffer<std::uint16_t> dx, dy;
    ASSERT_OK(h.upload(x, &dx));
    ASSERT_OK(testing::make_output(ref_y.size(), &dy));
    ASSERT_OK(up.run({dx.get(), dy.get()}, nullptr));
    ASSERT_OK(testing::sync());
    std::vector<float> y;
    ASSERT_OK(h.download(dy, &y));
    EXPECT_EQ(y, ref_y) << (type == CudnnDType::kBF16 ? "bf16" : "fp16");
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, CudnnUpsampleTest,
                         ::testing::Values(UpsampleShape{1, 1, 2, 2}, UpsampleShape{2, 3, 5, 7},
                                           UpsampleShape{1, 64, 16, 16}));

}  // namespace
}  // namespace capsim::kernels

#endif  // CAPSIM_HAVE_CUDNN
