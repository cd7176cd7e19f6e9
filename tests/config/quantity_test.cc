#include "config/quantity.h"

#include <string>

#include <gtest/gtest.h>

namespace capsim::config {
namespace {

struct Good {
  const char* text;
  Dimension dimension;
  double si;
};

class ParseQuantityGoodTest : public ::testing::TestWithParam<Good> {};

TEST_P(ParseQuantityGoodTest, ParsesToSi) {
  const Good& g = GetParam();
  Result<double> r = ParseQuantity(g.text, g.dimension);
  ASSERT_TRUE(r.ok()) << g.text << ": " << r.status().ToString();
  EXPECT_DOUBLE_EQ(r.value(), g.si) << g.text;
}

constexpr double kYear = 365.25 * 86400;

INSTANTIATE_TEST_SUITE_P(
    AllDimensions, ParseQuantityGoodTest,
    ::testing::Values(
        // Time.
        Good{"30 min", Dimension::kTime, 1800}, Good{"20 h", Dimension::kTime, 72000},
        Good{"1 day", Dimension::kTime, 86400}, Good{"2 days", Dimension::kTime, 172800},
        Good{"1 week", Dimension::kTime, 604800}, Good{"5.5 years", Dimension::kTime, 5.5 * kYear},
        Good{"1 year", Dimension::kTime, kYear}, Good{"250 ms", Dimension::kTime, 0.25},
        Good{"30s", Dimension::kTime, 30}, Good{"7 us", Dimension::kTime, 7e-6},
        Good{"3 ns", Dimension::kTime, 3e-9}, Good{"2 hours", Dimension::kTime, 7200},
        Good{"  1 hour  ", Dimension::kTime, 3600},
        Good{"12 months", Dimension::kTime, kYear}, Good{"1 month", Dimension::kTime, kYear / 12},
        Good{"2 quarters", Dimension::kTime, kYear / 2},
        Good{"1 quarter", Dimension::kTime, kYear / 4},
        // Sizes.
        Good{"80 GB", Dimension::kBytes, 80e9}, Good{"80 GiB", Dimension::kBytes, 80.0 * (1 << 30)},
        Good{"1 TB", Dimension::kBytes, 1e12}, Good{"512 KiB", Dimension::kBytes, 512 * 1024.0},
        Good{"2 PB", Dimension::kBytes, 2e15}, Good{"100B", Dimension::kBytes, 100},
        // Bandwidth.
        Good{"3.35 TB/s", Dimension::kBandwidth, 3.35e12},
        Good{"400 Gb/s", Dimension::kBandwidth, 5e10}, Good{"2 Mbps", Dimension::kBandwidth, 2.5e5},
        Good{"1 GiB/s", Dimension::kBandwidth, 1073741824.0},
        // Power.
        Good{"700 W", Dimension::kPower, 700}, Good{"14.3 kW", Dimension::kPower, 14300},
        Good{"1.2 GW", Dimension::kPower, 1.2e9}, Good{"5 MW", Dimension::kPower, 5e6},
        // Money.
        Good{"$27B", Dimension::kMoney, 27e9}, Good{"$25,000", Dimension::kMoney, 25000},
        Good{"30000 USD", Dimension::kMoney, 30000}, Good{"$1.5M", Dimension::kMoney, 1.5e6},
        Good{"$270K", Dimension::kMoney, 270000}, Good{"$3T", Dimension::kMoney, 3e12},
        Good{"27B USD", Dimension::kMoney, 27e9},
        Good{"$1,234,567.5", Dimension::kMoney, 1234567.5},
        // Energy prices.
        Good{"0.07 USD/kWh", Dimension::kEnergyPrice, 0.07 / 3.6e6},
        Good{"70 USD/MWh", Dimension::kEnergyPrice, 70 / 3.6e9},
        Good{"$0.08/kWh", Dimension::kEnergyPrice, 0.08 / 3.6e6},
        // Money rates.
        Good{"2.5 USD/h", Dimension::kMoneyRate, 2.5 / 3600},
        Good{"$2.50/h", Dimension::kMoneyRate, 2.5 / 3600},
        Good{"$1.2B/year", Dimension::kMoneyRate, 1.2e9 / kYear},
        Good{"$150/month", Dimension::kMoneyRate, 150 / (kYear / 12)},
        Good{"0.10 USD/min", Dimension::kMoneyRate, 0.1 / 60},
        Good{"$3/day", Dimension::kMoneyRate, 3.0 / 86400},
        Good{"$1M/quarter", Dimension::kMoneyRate, 1e6 / (kYear / 4)},
        // Money per power.
        Good{"$11.7M/MW", Dimension::kMoneyPerPower, 11.7},
        Good{"11.7 USD/W", Dimension::kMoneyPerPower, 11.7},
        Good{"150 USD/kW", Dimension::kMoneyPerPower, 0.15},
        Good{"$150/kW", Dimension::kMoneyPerPower, 0.15},
        Good{"$9B/GW", Dimension::kMoneyPerPower, 9},
        // Rates.
        Good{"40 /s", Dimension::kRate, 40}, Good{"40/s", Dimension::kRate, 40},
        Good{"2400 /min", Dimension::kRate, 40}, Good{"/h", Dimension::kRate, 1.0 / 3600},
        Good{"1.2 /s", Dimension::kRate, 1.2}, Good{"24 /day", Dimension::kRate, 24.0 / 86400},
        // FLOP rates.
        Good{"989 TFLOP/s", Dimension::kFlops, 989e12},
        Good{"989 TFLOPS", Dimension::kFlops, 989e12},
        Good{"2.5 PFLOP/s", Dimension::kFlops, 2.5e15}, Good{"1 EFLOPS", Dimension::kFlops, 1e18},
        // Fractions.
        Good{"0.5%", Dimension::kFraction, 0.005}, Good{"12 %", Dimension::kFraction, 0.12},
        Good{"0.3", Dimension::kFraction, 0.3}, Good{"100%", Dimension::kFraction, 1},
        Good{"0", Dimension::kFraction, 0}, Good{"1", Dimension::kFraction, 1},
        // Counts.
        Good{"15T", Dimension::kCount, 1.5e13}, Good{"100B", Dimension::kCount, 1e11},
        Good{"1,000", Dimension::kCount, 1000}, Good{"64", Dimension::kCount, 64},
        Good{"1.5K", Dimension::kCount, 1500}, Good{"2 M", Dimension::kCount, 2e6},
        Good{"1e12", Dimension::kCount, 1e12},
        // Plain numbers.
        Good{"1.2", Dimension::kDimensionless, 1.2}, Good{"-3", Dimension::kDimensionless, -3},
        Good{"2.5e-3", Dimension::kDimensionless, 2.5e-3}));

struct Bad {
  const char* text;
  Dimension dimension;
  const char* message;  // the whole error line
};

class ParseQuantityBadTest : public ::testing::TestWithParam<Bad> {};

TEST_P(ParseQuantityBadTest, ExplainsTheProblem) {
  const Bad& b = GetParam();
  Result<double> r = ParseQuantity(b.text, b.dimension);
  ASSERT_FALSE(r.ok()) << b.text << " parsed as " << r.value();
  EXPECT_EQ(r.status().ToString(), b.message);
}

INSTANTIATE_TEST_SUITE_P(
    Rejections, ParseQuantityBadTest,
    ::testing::Values(
        Bad{"80 GHz", Dimension::kBytes,
            "'80 GHz': unknown unit 'GHz'; expected a size such as '80 GiB'"},
        Bad{"700 W", Dimension::kTime, "'700 W' is a power; expected a time such as '30 min'"},
        Bad{"5 MB", Dimension::kTime, "'5 MB' is a size; expected a time such as '30 min'"},
        Bad{"30", Dimension::kTime, "'30': expected a time with a unit such as '30 min'"},
        Bad{"80", Dimension::kBytes, "'80': expected a size with a unit such as '80 GiB'"},
        Bad{"27", Dimension::kMoney,
            "'27': expected an amount of money with a unit such as '$27B'"},
        Bad{"", Dimension::kTime, "empty value; expected a time such as '30 min'"},
        Bad{"   ", Dimension::kPower, "empty value; expected a power such as '700 W'"},
        Bad{"abc", Dimension::kCount, "'abc' is not a number; expected a count such as '15T'"},
        Bad{"nan", Dimension::kDimensionless,
            "'nan' is not a number; expected a number such as '1.2'"},
        Bad{"NaN s", Dimension::kTime, "'NaN s' is not a number; expected a time such as '30 min'"},
        Bad{"inf", Dimension::kDimensionless,
            "'inf' is not a number; expected a number such as '1.2'"},
        Bad{"1e400", Dimension::kDimensionless, "'1e400' is out of range"},
        Bad{"1e300 PB", Dimension::kBytes, "'1e300 PB' is out of range"},
        Bad{"150%", Dimension::kFraction, "'150%' is more than 100%"},
        Bad{"-5%", Dimension::kFraction, "'-5%' is negative; expected a fraction such as '85%'"},
        Bad{"30", Dimension::kFraction,
            "'30' is not between 0 and 1; write '30%' for a percentage"},
        Bad{"1,5", Dimension::kCount, "'1,5': commas must separate groups of three digits"},
        Bad{"$27X", Dimension::kMoney,
            "'$27X': unknown unit 'X'; expected an amount of money such as '$27B'"},
        Bad{"$27B", Dimension::kCount,
            "'$27B' is an amount of money; expected a count such as '15T'"},
        Bad{"5 min", Dimension::kCount, "'5 min' is a time; expected a count such as '15T'"},
        Bad{"3 TB/s", Dimension::kFlops,
            "'3 TB/s' is a bandwidth; expected a FLOP rate such as '989 TFLOP/s'"},
        Bad{"40 /s", Dimension::kTime, "'40 /s' is a rate; expected a time such as '30 min'"},
        Bad{"0.07 USD/kWh", Dimension::kMoney,
            "'0.07 USD/kWh' is an energy price; expected an amount of money such as '$27B'"},
        Bad{"12 %", Dimension::kDimensionless,
            "'12 %' is a fraction; expected a number such as '1.2'"},
        Bad{"2 x", Dimension::kDimensionless,
            "'2 x': unknown unit 'x'; expected a number such as '1.2'"},
        Bad{"/s", Dimension::kTime, "'/s' is not a number; expected a time such as '30 min'"},
        Bad{"$2.50", Dimension::kMoneyRate,
            "'$2.50' is an amount of money; expected an amount of money per time such as '2.50 "
            "USD/h'"},
        Bad{"2.5 /h", Dimension::kMoneyRate,
            "'2.5 /h' is a rate; expected an amount of money per time such as '2.50 USD/h'"},
        Bad{"2.5", Dimension::kMoneyRate,
            "'2.5': expected an amount of money per time with a unit such as '2.50 USD/h'"},
        Bad{"$11.7M/MW", Dimension::kMoneyRate,
            "'$11.7M/MW' is an amount of money per power; expected an amount of money per time "
            "such as '2.50 USD/h'"},
        Bad{"$2/h", Dimension::kMoneyPerPower,
            "'$2/h' is an amount of money per time; expected an amount of money per power such "
            "as '$11.7M/MW'"},
        Bad{"$11.7X/MW", Dimension::kMoneyPerPower,
            "'$11.7X/MW': unknown unit 'X/MW'; expected an amount of money per power such as "
            "'$11.7M/MW'"}));

TEST(DimensionNameTest, EveryDimensionHasANameAndAParsableExample) {
  for (Dimension d :
       {Dimension::kTime, Dimension::kBytes, Dimension::kBandwidth, Dimension::kPower,
        Dimension::kMoney, Dimension::kEnergyPrice, Dimension::kMoneyRate,
        Dimension::kMoneyPerPower, Dimension::kRate, Dimension::kFlops, Dimension::kFraction, Dimension::kCount, Dimension::kDimensionless}) {
    EXPECT_FALSE(DimensionName(d).empty());
    EXPECT_TRUE(ParseQuantity(DimensionExample(d), d).ok()) << DimensionExample(d);
  }
  EXPECT_EQ(DimensionName(Dimension::kBytes), "a size");
  EXPECT_EQ(DimensionName(Dimension::kMoney), "an amount of money");
  EXPECT_EQ(DimensionName(Dimension::kMoneyRate), "an amount of money per time");
  EXPECT_EQ(DimensionName(Dimension::kMoneyPerPower), "an amount of money per power");
}

}  // namespace
}  // namespace capsim::config
