#include "reports/summary_format.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace capsim::reports {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<models::SummaryMetric> Metrics() {
  return {
      {"avatar.ttff_p99_s", 0.81, "s", "Time to first frame, p99"},
      {"training.delay_h", 12.5, "h", "Training delay"},
      {"avatar.sessions", 123456, "1", "Sessions served"},
      {"cost.total_usd", 2.7e10, "USD", "Total cost"},
      {"cost.per_avatar_minute_usd", kNan, "USD", "Cost per avatar-minute"},
      {"jobs", 3, "", ""},
  };
}

TEST(FormatHumanValueTest, ChoosesNotationByMagnitude) {
  EXPECT_EQ(FormatHumanValue(kNan), "n/a");
  EXPECT_EQ(FormatHumanValue(kInf), "inf");
  EXPECT_EQ(FormatHumanValue(-kInf), "-inf");
  EXPECT_EQ(FormatHumanValue(0.0), "0");
  EXPECT_EQ(FormatHumanValue(-0.0), "0");
  EXPECT_EQ(FormatHumanValue(0.81), "0.81");
  EXPECT_EQ(FormatHumanValue(0.001), "0.001");
  EXPECT_EQ(FormatHumanValue(3.14159265), "3.142");
  EXPECT_EQ(FormatHumanValue(999.94), "999.9");
  EXPECT_EQ(FormatHumanValue(999.96), "1,000");
  EXPECT_EQ(FormatHumanValue(1234.5), "1,235");
  EXPECT_EQ(FormatHumanValue(-27345678.9), "-27,345,679");
  EXPECT_EQ(FormatHumanValue(2.7e10), "27,000,000,000");
  EXPECT_EQ(FormatHumanValue(1.5e18), "1.5e18");
  EXPECT_EQ(FormatHumanValue(2.5e16), "25e15");
  EXPECT_EQ(FormatHumanValue(0.000123456), "123.5e-6");
  EXPECT_EQ(FormatHumanValue(-4.2e-9), "-4.2e-9");
  EXPECT_EQ(FormatHumanValue(0.00099996), "1e-3");
}

TEST(FormatSummaryTableTest, GroupsByPrefixAndAligns) {
  EXPECT_EQ(FormatSummaryTable(Metrics()),
            "avatar\n"
            "  Time to first frame, p99            0.81  s\n"
            "  Sessions served                  123,456\n"
            "training\n"
            "  Training delay                      12.5  h\n"
            "cost\n"
            "  Total cost                27,000,000,000  USD\n"
            "  Cost per avatar-minute               n/a  USD\n"
            "other\n"
            "  jobs                                   3\n");
}

TEST(FormatSummaryTableTest, AlignsMultiByteLabelsByCharacters) {
  EXPECT_EQ(FormatSummaryTable({{"a.x", 1, "µs", "Latenz µ"}, {"a.y", 10, "1", "Queue"}}),
            "a\n"
            "  Latenz µ   1  µs\n"
            "  Queue     10\n");
}

TEST(FormatSummaryTableTest, EmptyInput) {
  EXPECT_EQ(FormatSummaryTable({}), "(no summary metrics)\n");
}

// Means over 10 replications with their 95% half-widths; the cost is known to one only.
std::vector<models::SummaryMetric> ReplicatedMetrics() {
  return {
      {"avatar.ttff_p99_s", 0.81, "s", "Time to first frame, p99", 0.0497, 10},
      {"avatar.sessions", 123456, "1", "Sessions served", 1234.5, 10},
      {"cost.total_usd", 2.7e10, "USD", "Total cost", kNan, 1},
      {"jobs", 3, "", "", 0, 10},
  };
}

TEST(FormatSummaryTableTest, ReplicatedMetricsPrintMeanPlusMinusHalfWidth) {
  EXPECT_EQ(FormatSummaryTable(ReplicatedMetrics()),
            "(mean ± 95% CI half-width over 10 replications)\n"
            "avatar\n"
            "  Time to first frame, p99            0.81 ± 0.0497  s\n"
            "  Sessions served                  123,456 ±  1,235\n"
            "cost\n"
            "  Total cost                27,000,000,000           USD  (n=1)\n"
            "other\n"
            "  jobs                                   3 ±      0\n");
}

TEST(FormatSummaryTableTest, SingleRunFieldsLeaveTheTableUnchanged) {
  std::vector<models::SummaryMetric> metrics = Metrics();
  for (models::SummaryMetric& metric : metrics) {
    metric.half_width = kNan;
    metric.replications = 1;
  }
  EXPECT_EQ(FormatSummaryTable(metrics), FormatSummaryTable(Metrics()));
  EXPECT_EQ(FormatSummaryJson(metrics), FormatSummaryJson(Metrics()));
  EXPECT_EQ(FormatSummaryTable(metrics).find("±"), std::string::npos);
}

TEST(FormatSummaryJsonTest, ReplicatedMetricsGainHalfWidthAndCountMembers) {
  EXPECT_EQ(FormatSummaryJson(ReplicatedMetrics()),
            "{\n"
            "  \"avatar.ttff_p99_s\": 0.81,\n"
            "  \"avatar.ttff_p99_s:ci95_half_width\": 0.0497,\n"
            "  \"avatar.ttff_p99_s:replications\": 10,\n"
            "  \"avatar.sessions\": 123456,\n"
            "  \"avatar.sessions:ci95_half_width\": 1234.5,\n"
            "  \"avatar.sessions:replications\": 10,\n"
            "  \"cost.total_usd\": 2.7e+10,\n"
            "  \"jobs\": 3,\n"
            "  \"jobs:ci95_half_width\": 0,\n"
            "  \"jobs:replications\": 10\n"
            "}\n");
}

TEST(FormatSummaryJsonTest, CountWithoutHalfWidthIsKept) {
  EXPECT_EQ(FormatSummaryJson({{"a", kNan, "", "", kNan, 0}}),
            "{\n  \"a\": null,\n  \"a:replications\": 0\n}\n");
}

TEST(FormatSummaryJsonTest, FlatObjectInInputOrder) {
  EXPECT_EQ(FormatSummaryJson(Metrics()),
            "{\n"
            "  \"avatar.ttff_p99_s\": 0.81,\n"
            "  \"training.delay_h\": 12.5,\n"
            "  \"avatar.sessions\": 123456,\n"
            "  \"cost.total_usd\": 2.7e+10,\n"
            "  \"cost.per_avatar_minute_usd\": null,\n"
            "  \"jobs\": 3\n"
            "}\n");
}

TEST(FormatSummaryJsonTest, NonFiniteValuesAreNull) {
  EXPECT_EQ(FormatSummaryJson({{"a", kInf, "", ""}, {"b", -kInf, "", ""}, {"c", kNan, "", ""}}),
            "{\n  \"a\": null,\n  \"b\": null,\n  \"c\": null\n}\n");
}

TEST(FormatSummaryJsonTest, EscapesKeys) {
  EXPECT_EQ(FormatSummaryJson({{"q\"b\\s\n\t\x01/é", 1, "", ""}}),
            "{\n  \"q\\\"b\\\\s\\n\\t\\u0001/é\": 1\n}\n");
}

TEST(FormatSummaryJsonTest, ValuesRoundTrip) {
  const std::vector<double> values = {0.1, 1.0 / 3.0, 6.02214076e23, 5e-324, -2.5e-10, 1e100};
  for (const double value : values) {
    const std::string json = FormatSummaryJson({{"k", value, "", ""}});
    const std::string number =
        json.substr(json.find(": ") + 2, json.find('\n', 2) - json.find(": ") - 2);
    EXPECT_EQ(std::strtod(number.c_str(), nullptr), value) << number;
  }
}

TEST(FormatSummaryJsonTest, EmptyInput) { EXPECT_EQ(FormatSummaryJson({}), "{}\n"); }

}  // namespace
}  // namespace capsim::reports
