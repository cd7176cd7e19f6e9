// EfficiencyCurve::At (log-size interpolation, clamping, nearest point) and
// CalibrationProfile::Find.
#include "models/calibration.h"

#include <gtest/gtest.h>

#include <cmath>

namespace capsim::models {
namespace {

EfficiencyCurve Curve(std::vector<std::pair<double, double>> points) {
  EfficiencyCurve c;
  for (auto [size, eff] : points) c.points.push_back({size, eff, false, "test"});
  return c;
}

TEST(EfficiencyCurveTest, InterpolatesLinearlyInLogSize) {
  const EfficiencyCurve c = Curve({{1e9, 0.2}, {1e12, 0.8}});
  EXPECT_DOUBLE_EQ(c.At(1e9), 0.2);
  EXPECT_DOUBLE_EQ(c.At(1e12), 0.8);
  EXPECT_NEAR(c.At(1e10), 0.4, 1e-12);  // one third of the way in log10
  EXPECT_NEAR(c.At(std::sqrt(1e9 * 1e12)), 0.5, 1e-12);
}

TEST(EfficiencyCurveTest, ClampsToTheEndPoints) {
  const EfficiencyCurve c = Curve({{1e6, 0.3}, {1e8, 0.6}, {1e9, 0.9}});
  EXPECT_DOUBLE_EQ(c.At(1), 0.3);
  EXPECT_DOUBLE_EQ(c.At(0), 0.3);
  EXPECT_DOUBLE_EQ(c.At(-5), 0.3);
  EXPECT_DOUBLE_EQ(c.At(1e15), 0.9);
}

TEST(EfficiencyCurveTest, NeverAboveOne) {
  const EfficiencyCurve c = Curve({{1, 1.0}, {10, 1.0}});
  EXPECT_LE(c.At(3), 1.0);
  EfficiencyCurve bad = Curve({{1, 1.5}});  // not a valid profile; At still never exceeds 1
  EXPECT_DOUBLE_EQ(bad.At(1), 1.0);
}

TEST(EfficiencyCurveTest, ReportsTheNearestPointInLogSize) {
  const EfficiencyCurve c = Curve({{1e3, 0.1}, {1e6, 0.5}, {1e9, 0.9}});
  const EfficiencyPoint* p = nullptr;
  c.At(2e3, &p);
  EXPECT_EQ(p, &c.points[0]);
  c.At(5e5, &p);
  EXPECT_EQ(p, &c.points[1]);
  c.At(1e12, &p);
  EXPECT_EQ(p, &c.points[2]);
  c.At(1, &p);
  EXPECT_EQ(p, &c.points[0]);
}

TEST(EfficiencyCurveTest, SinglePointIsFlat) {
  const EfficiencyCurve c = Curve({{1e9, 0.7}});
  EXPECT_DOUBLE_EQ(c.At(1), 0.7);
  EXPECT_DOUBLE_EQ(c.At(1e20), 0.7);
}

TEST(EfficiencyCurveTest, LabelNamesTheCurve) {
  EfficiencyCurve c = Curve({{1, 1}});
  EXPECT_EQ(c.Label(), "gemm bf16 compute");
  c.op_class = OpClass::kCollective;
  c.metric = CurveMetric::kBusBandwidth;
  c.collective = CollectiveKind::kAllGather;
  c.tier = LinkTier::kScaleOut;
  EXPECT_EQ(c.Label(), "collective all_gather scale_out bf16 bus_bandwidth");
}

TEST(CalibrationProfileTest, FindMatchesClassDtypeMetricAndCollectiveKey) {
  CalibrationProfile p;
  EfficiencyCurve gemm = Curve({{1, 0.5}});
  EfficiencyCurve fp8 = gemm;
  fp8.dtype = DType::kFP8;
  EfficiencyCurve mem = gemm;
  mem.op_class = OpClass::kMemory;
  mem.metric = CurveMetric::kMemory;
  EfficiencyCurve ar = gemm;
  ar.op_class = OpClass::kCollective;
  ar.metric = CurveMetric::kBusBandwidth;
  EfficiencyCurve ag = ar;
  ag.collective = CollectiveKind::kAllGather;
  ag.tier = LinkTier::kScaleOut;
  p.curves = {gemm, fp8, mem, ar, ag};
  EXPECT_EQ(p.Find(OpClass::kGemm, DType::kBF16, CurveMetric::kCompute), &p.curves[0]);
  EXPECT_EQ(p.Find(OpClass::kGemm, DType::kFP8, CurveMetric::kCompute), &p.curves[1]);
  EXPECT_EQ(p.Find(OpClass::kGemm, DType::kFP16, CurveMetric::kCompute), nullptr);
  EXPECT_EQ(p.Find(OpClass::kGemm, DType::kBF16, CurveMetric::kMemory), nullptr);
  EXPECT_EQ(p.Find(OpClass::kMemory, DType::kBF16, CurveMetric::kMemory), &p.curves[2]);
  EXPECT_EQ(p.Find(OpClass::kCollective, DType::kBF16, CurveMetric::kBusBandwidth), &p.curves[3]);
  EXPECT_EQ(p.Find(OpClass::kCollective, DType::kBF16, CurveMetric::kBusBandwidth,
                   CollectiveKind::kAllGather, LinkTier::kScaleOut),
            &p.curves[4]);
  EXPECT_EQ(p.Find(OpClass::kCollective, DType::kBF16, CurveMetric::kBusBandwidth,
                   CollectiveKind::kAllGather, LinkTier::kScaleUp),
            nullptr);
}

}  // namespace
}  // namespace capsim::models
