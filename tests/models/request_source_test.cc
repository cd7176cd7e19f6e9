#include "models/request_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

namespace capsim::models {
namespace {

// Mean and coefficient of variation of the gaps between consecutive arrivals (from t = 0).
std::pair<double, double> GapMeanCv(const std::vector<Request>& rs) {
  double sum = 0, sum2 = 0, prev = 0;
  for (const Request& r : rs) {
    const double g = r.arrival_s - prev;
    sum += g;
    sum2 += g * g;
    prev = r.arrival_s;
  }
  const double n = static_cast<double>(rs.size());
  const double mean = sum / n;
  const double var = sum2 / n - mean * mean;
  return {mean, std::sqrt(var) / mean};
}

double Median(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[v.size() / 2]);
}

TEST(RequestSourceTest, PoissonCountOverLongWindowWithinFourSigma) {
  const double rate = 5.53, window = 20000;
  RequestSource src = RequestSource::Poisson(rate, LengthModel{}, {.end_s = window}, 1, 2);
  const std::vector<Request> rs = src.Drain();
  const double expected = rate * window;
  EXPECT_NEAR(static_cast<double>(rs.size()), expected, 4 * std::sqrt(expected));
  for (size_t i = 0; i < rs.size(); ++i) {
    EXPECT_EQ(rs[i].id, i);
    EXPECT_LT(rs[i].arrival_s, window);
    if (i > 0) {
      EXPECT_GE(rs[i].arrival_s, rs[i - 1].arrival_s);
    }
  }
  EXPECT_FALSE(src.Next().has_value());  // stays exhausted
  EXPECT_EQ(src.emitted(), rs.size());
}

TEST(RequestSourceTest, DiurnalReusesArrivalProcess) {
  ArrivalSpec spec;
  spec.kind = ArrivalSpec::Kind::kDiurnalPoisson;
  spec.peak_rate_per_s = 2.3;
  spec.peak_to_mean = 2.3;
  spec.peak_time_s = 20 * 3600;
  RequestSource src = RequestSource::Diurnal(spec, LengthModel{}, {.end_s = 86400}, 5, 1);
  const std::vector<Request> rs = src.Drain();
  // One day at a daily mean of 1/s: 86,400 arrivals, +-4 sigma.
  EXPECT_NEAR(static_cast<double>(rs.size()), 86400, 4 * std::sqrt(86400.0));
  // More arrivals in the hour around the peak than in the hour around the trough.
  auto in_hour = [&](double centre) {
    return std::count_if(rs.begin(), rs.end(),
                         [&](const Request& r) { return std::abs(r.arrival_s - centre) < 1800; });
  };
  EXPECT_GT(in_hour(20 * 3600), 5 * in_hour(8 * 3600));
}

TEST(RequestSourceTest, GammaInterArrivalMeanAndCv) {
  for (double cv : {0.5, 1.0, 3.0}) {
    RequestSource src =
        RequestSource::Bursty(4.0, cv, LengthModel{}, {.max_requests = 100000}, 7, 3);
    const std::vector<Request> rs = src.Drain();
    ASSERT_EQ(rs.size(), 100000u);
    const auto [mean, got_cv] = GapMeanCv(rs);
    EXPECT_NEAR(mean, 0.25, 0.25 * 0.03) << cv;
    EXPECT_NEAR(got_cv, cv, cv * 0.03) << cv;
  }
}

TEST(RequestSourceTest, OfflineGivesAllRequestsAtZero) {
  RequestSource src = RequestSource::Offline(1000, LengthModel{}, 3, 0);
  const std::vector<Request> rs = src.Drain();
  ASSERT_EQ(rs.size(), 1000u);
  for (size_t i = 0; i < rs.size(); ++i) {
    EXPECT_EQ(rs[i].arrival_s, 0.0);
    EXPECT_EQ(rs[i].id, i);
    EXPECT_GE(rs[i].input_tokens, 1);
    EXPECT_GE(rs[i].output_tokens, 1);
  }
}

std::vector<Request> SmallTrace() {
  std::vector<Request> t;
  for (int i = 0; i < 10; ++i) {
    Request r;
    r.id = 100 + i;
    r.arrival_s = 2.0 * i;  // 0, 2, ..., 18
    r.input_tokens = 10 + i;
    r.output_tokens = 1 + i;
    r.prefix_blocks = {static_cast<uint64_t>(i)};
    t.push_back(r);
  }
  return t;
}

TEST(RequestSourceTest, ReplayScalesTimeAndKeepsLengths) {
  RequestSource src = RequestSource::Replay(SmallTrace(), {.time_scale = 0.5});
  const std::vector<Request> rs = src.Drain();
  ASSERT_EQ(rs.size(), 10u);
  for (size_t i = 0; i < rs.size(); ++i) {
    EXPECT_EQ(rs[i].id, i);
    EXPECT_DOUBLE_EQ(rs[i].arrival_s, 1.0 * i);  // twice as fast
    EXPECT_EQ(rs[i].input_tokens, static_cast<int64_t>(10 + i));
    EXPECT_EQ(rs[i].output_tokens, static_cast<int64_t>(1 + i));
    EXPECT_EQ(rs[i].prefix_blocks, std::vector<uint64_t>{i});
  }
}

TEST(RequestSourceTest, ReplayWindowAndLimit) {
  // Trace times 4, 6, 8, 10 fall in [3, 11): rebased to 1, 3, 5, 7 then scaled by 2.
  std::vector<Request> rs =
      RequestSource::Replay(SmallTrace(), {.time_scale = 2, .start_s = 3, .end_s = 11}).Drain();
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_DOUBLE_EQ(rs[0].arrival_s, 2.0);
  EXPECT_DOUBLE_EQ(rs[3].arrival_s, 14.0);
  EXPECT_EQ(rs[0].input_tokens, 12);
  rs = RequestSource::Replay(SmallTrace(), {.max_requests = 3}).Drain();
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[2].input_tokens, 12);
}

TEST(RequestSourceTest, ReplaySortsStably) {
  std::vector<Request> t = SmallTrace();
  std::swap(t[0], t[5]);
  t[1].arrival_s = 0;  // tie with the (moved) first request, which now comes later in file order
  const std::vector<Request> rs = RequestSource::Replay(t, {}).Drain();
  ASSERT_EQ(rs.size(), 10u);
  for (size_t i = 1; i < rs.size(); ++i) EXPECT_GE(rs[i].arrival_s, rs[i - 1].arrival_s);
  EXPECT_EQ(rs[0].input_tokens, 11);  // file order kept among equal times
  EXPECT_EQ(rs[1].input_tokens, 10);
}

TEST(RequestSourceTest, LognormalLengthsMatchMedianAndMean) {
  // Defaults: Azure conversation trace 2023 (workloads.md §6).
  RequestSource src = RequestSource::Offline(200000, LengthModel{}, 11, 4);
  const std::vector<Request> rs = src.Drain();
  std::vector<int64_t> in, out;
  double in_sum = 0, out_sum = 0;
  for (const Request& r : rs) {
    in.push_back(r.input_tokens);
    out.push_back(r.output_tokens);
    in_sum += r.input_tokens;
    out_sum += r.output_tokens;
  }
  const double n = static_cast<double>(rs.size());
  EXPECT_NEAR(Median(in), 1020, 1020 * 0.02);
  EXPECT_NEAR(in_sum / n, 1155, 1155 * 0.02);
  EXPECT_NEAR(Median(out), 129, 129 * 0.03);
  EXPECT_NEAR(out_sum / n, 211, 211 * 0.03);
}

TEST(RequestSourceTest, LognormalLengthsAreClamped) {
  LengthModel m = LengthModel::Lognormal({100, 400, 150}, {1, 50, 3});
  for (const Request& r : RequestSource::Offline(10000, m, 1, 1).Drain()) {
    EXPECT_GE(r.input_tokens, 1);
    EXPECT_LE(r.input_tokens, 150);
    EXPECT_GE(r.output_tokens, 1);
    EXPECT_LE(r.output_tokens, 3);
  }
}

TEST(RequestSourceTest, SameSeedSameSequenceOtherSeedDiffers) {
  auto draw = [](uint64_t seed, uint64_t stream) {
    return RequestSource::Bursty(3, 2, LengthModel{}, {.max_requests = 500}, seed, stream).Drain();
  };
  const std::vector<Request> a = draw(42, 1), b = draw(42, 1), c = draw(43, 1), d = draw(42, 2);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].arrival_s, b[i].arrival_s);
    EXPECT_EQ(a[i].input_tokens, b[i].input_tokens);
    EXPECT_EQ(a[i].output_tokens, b[i].output_tokens);
  }
  EXPECT_NE(a[10].arrival_s, c[10].arrival_s);
  EXPECT_NE(a[10].arrival_s, d[10].arrival_s);
}

TEST(RequestSourceTest, EmpiricalResamplingKeepsTheSetOfLengths) {
  const std::vector<std::pair<int64_t, int64_t>> pairs = {{5, 1}, {100, 7}, {3000, 250}};
  RequestSource src =
      RequestSource::Poisson(1, LengthModel::Empirical(pairs), {.max_requests = 3000}, 9, 9);
  std::set<std::pair<int64_t, int64_t>> seen;
  std::vector<int> counts(pairs.size());
  for (const Request& r : src.Drain()) {
    const auto p = std::make_pair(r.input_tokens, r.output_tokens);
    const auto it = std::find(pairs.begin(), pairs.end(), p);
    ASSERT_NE(it, pairs.end()) << p.first << "," << p.second;
    ++counts[it - pairs.begin()];
    seen.insert(p);
  }
  EXPECT_EQ(seen.size(), pairs.size());
  for (int c : counts) EXPECT_NEAR(c, 1000, 4 * std::sqrt(1000 * 2.0 / 3));  // uniform draw
}

TEST(RequestSourceTest, FromRequestsTakesTraceLengths) {
  const LengthModel m = LengthModel::FromRequests(SmallTrace());
  ASSERT_EQ(m.kind, LengthModel::Kind::kEmpirical);
  ASSERT_EQ(m.pairs.size(), 10u);
  EXPECT_EQ(m.pairs[3], std::make_pair(int64_t{13}, int64_t{4}));
}

}  // namespace
}  // namespace capsim::models
