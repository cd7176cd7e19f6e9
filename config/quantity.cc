#include "config/quantity.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

namespace capsim::config {
namespace {

constexpr double kMinute = 60;
constexpr double kHour = 3600;
constexpr double kDay = 86400;
constexpr double kYear = 365.25 * kDay;  // Julian year
constexpr double kMonth = kYear / 12;    // a twelfth of a Julian year (30.44 days)
constexpr double kQuarter = kYear / 4;
constexpr double kKilowattHour = 3.6e6;  // joules

struct Unit {
  std::string_view name;
  Dimension dimension;
  double factor;  // SI value of one unit
};

// Every unit the parser knows. Lookup prefers the expected dimension, so "B" is a byte for
// sizes and a billion for counts; for messages the first entry in this order names the unit.
constexpr Unit kUnits[] = {
    // Time.
    {"ns", Dimension::kTime, 1e-9},
    {"us", Dimension::kTime, 1e-6},
    {"µs", Dimension::kTime, 1e-6},
    {"ms", Dimension::kTime, 1e-3},
    {"s", Dimension::kTime, 1},
    {"sec", Dimension::kTime, 1},
    {"secs", Dimension::kTime, 1},
    {"second", Dimension::kTime, 1},
    {"seconds", Dimension::kTime, 1},
    {"min", Dimension::kTime, kMinute},
    {"mins", Dimension::kTime, kMinute},
    {"minute", Dimension::kTime, kMinute},
    {"minutes", Dimension::kTime, kMinute},
    {"h", Dimension::kTime, kHour},
    {"hr", Dimension::kTime, kHour},
    {"hrs", Dimension::kTime, kHour},
    {"hour", Dimension::kTime, kHour},
    {"hours", Dimension::kTime, kHour},
    {"d", Dimension::kTime, kDay},
    {"day", Dimension::kTime, kDay},
    {"days", Dimension::kTime, kDay},
    {"week", Dimension::kTime, 7 * kDay},
    {"weeks", Dimension::kTime, 7 * kDay},
    {"month", Dimension::kTime, kMonth},
    {"months", Dimension::kTime, kMonth},
    {"quarter", Dimension::kTime, kQuarter},
    {"quarters", Dimension::kTime, kQuarter},
    {"y", Dimension::kTime, kYear},
    {"yr", Dimension::kTime, kYear},
    {"yrs", Dimension::kTime, kYear},
    {"year", Dimension::kTime, kYear},
    {"years", Dimension::kTime, kYear},
    // Sizes: decimal and binary prefixes.
    {"B", Dimension::kBytes, 1},
    {"kB", Dimension::kBytes, 1e3},
    {"KB", Dimension::kBytes, 1e3},
    {"MB", Dimension::kBytes, 1e6},
    {"GB", Dimension::kBytes, 1e9},
    {"TB", Dimension::kBytes, 1e12},
    {"PB", Dimension::kBytes, 1e15},
    {"KiB", Dimension::kBytes, 1024.0},
    {"MiB", Dimension::kBytes, 1048576.0},
    {"GiB", Dimension::kBytes, 1073741824.0},
    {"TiB", Dimension::kBytes, 1099511627776.0},
    {"PiB", Dimension::kBytes, 1125899906842624.0},
    // Bandwidth: bytes (B) and bits (b) per second.
    {"B/s", Dimension::kBandwidth, 1},
    {"kB/s", Dimension::kBandwidth, 1e3},
    {"KB/s", Dimension::kBandwidth, 1e3},
    {"MB/s", Dimension::kBandwidth, 1e6},
    {"GB/s", Dimension::kBandwidth, 1e9},
    {"TB/s", Dimension::kBandwidth, 1e12},
    {"PB/s", Dimension::kBandwidth, 1e15},
    {"KiB/s", Dimension::kBandwidth, 1024.0},
    {"MiB/s", Dimension::kBandwidth, 1048576.0},
    {"GiB/s", Dimension::kBandwidth, 1073741824.0},
    {"TiB/s", Dimension::kBandwidth, 1099511627776.0},
    {"b/s", Dimension::kBandwidth, 0.125},
    {"bit/s", Dimension::kBandwidth, 0.125},
    {"bps", Dimension::kBandwidth, 0.125},
    {"kb/s", Dimension::kBandwidth, 125},
    {"Kb/s", Dimension::kBandwidth, 125},
    {"kbps", Dimension::kBandwidth, 125},
    {"Mb/s", Dimension::kBandwidth, 1.25e5},
    {"Mbps", Dimension::kBandwidth, 1.25e5},
    {"Gb/s", Dimension::kBandwidth, 1.25e8},
    {"Gbps", Dimension::kBandwidth, 1.25e8},
    {"Tb/s", Dimension::kBandwidth, 1.25e11},
    {"Tbps", Dimension::kBandwidth, 1.25e11},
    // Power.
    {"W", Dimension::kPower, 1},
    {"kW", Dimension::kPower, 1e3},
    {"MW", Dimension::kPower, 1e6},
    {"GW", Dimension::kPower, 1e9},
    // Money ("$" prefixes and K/M/B/T multipliers are handled in ParseQuantity).
    {"USD", Dimension::kMoney, 1},
    // Energy prices, in US dollars per joule.
    {"USD/J", Dimension::kEnergyPrice, 1},
    {"USD/Wh", Dimension::kEnergyPrice, 1 / 3600.0},
    {"USD/kWh", Dimension::kEnergyPrice, 1 / kKilowattHour},
    {"USD/MWh", Dimension::kEnergyPrice, 1 / (1e3 * kKilowattHour)},
    // Money rates, in US dollars per second ("$" + a multiplier + "/h" also works).
    {"USD/s", Dimension::kMoneyRate, 1},
    {"USD/sec", Dimension::kMoneyRate, 1},
    {"USD/min", Dimension::kMoneyRate, 1 / kMinute},
    {"USD/h", Dimension::kMoneyRate, 1 / kHour},
    {"USD/hr", Dimension::kMoneyRate, 1 / kHour},
    {"USD/hour", Dimension::kMoneyRate, 1 / kHour},
    {"USD/d", Dimension::kMoneyRate, 1 / kDay},
    {"USD/day", Dimension::kMoneyRate, 1 / kDay},
    {"USD/week", Dimension::kMoneyRate, 1 / (7 * kDay)},
    {"USD/month", Dimension::kMoneyRate, 1 / kMonth},
    {"USD/quarter", Dimension::kMoneyRate, 1 / kQuarter},
    {"USD/y", Dimension::kMoneyRate, 1 / kYear},
    {"USD/yr", Dimension::kMoneyRate, 1 / kYear},
    {"USD/year", Dimension::kMoneyRate, 1 / kYear},
    // Money per power (capex per watt of IT load, colocation per watt), US dollars per watt.
    {"USD/W", Dimension::kMoneyPerPower, 1},
    {"USD/kW", Dimension::kMoneyPerPower, 1e-3},
    {"USD/MW", Dimension::kMoneyPerPower, 1e-6},
    {"USD/GW", Dimension::kMoneyPerPower, 1e-9},
    // Rates.
    {"/s", Dimension::kRate, 1},
    {"/sec", Dimension::kRate, 1},
    {"/min", Dimension::kRate, 1 / kMinute},
    {"/h", Dimension::kRate, 1 / kHour},
    {"/hr", Dimension::kRate, 1 / kHour},
    {"/hour", Dimension::kRate, 1 / kHour},
    {"/d", Dimension::kRate, 1 / kDay},
    {"/day", Dimension::kRate, 1 / kDay},
    // FLOP rates.
    {"FLOP/s", Dimension::kFlops, 1},
    {"FLOPS", Dimension::kFlops, 1},
    {"GFLOP/s", Dimension::kFlops, 1e9},
    {"GFLOPS", Dimension::kFlops, 1e9},
    {"TFLOP/s", Dimension::kFlops, 1e12},
    {"TFLOPS", Dimension::kFlops, 1e12},
    {"PFLOP/s", Dimension::kFlops, 1e15},
    {"PFLOPS", Dimension::kFlops, 1e15},
    {"EFLOP/s", Dimension::kFlops, 1e18},
    {"EFLOPS", Dimension::kFlops, 1e18},
    // Fractions.
    {"%", Dimension::kFraction, 0.01},
    // Count multipliers (also used after "$").
    {"K", Dimension::kCount, 1e3},
    {"k", Dimension::kCount, 1e3},
    {"M", Dimension::kCount, 1e6},
    {"B", Dimension::kCount, 1e9},
    {"T", Dimension::kCount, 1e12},
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The value of a K/M/B/T multiplier, or nullopt.
std::optional<double> Multiplier(std::string_view s) {
  for (const Unit& u : kUnits) {
    if (u.dimension == Dimension::kCount && u.name == s) return u.factor;
  }
  return std::nullopt;
}

// Finds `name`, preferring units of `expected`; nullptr when unknown.
const Unit* FindUnit(std::string_view name, Dimension expected) {
  const Unit* other = nullptr;
  for (const Unit& u : kUnits) {
    if (u.name != name) continue;
    if (u.dimension == expected) return &u;
    if (other == nullptr) other = &u;
  }
  return other;
}

std::string Expected(Dimension d) {
  return "expected " + DimensionName(d) + " such as '" + DimensionExample(d) + "'";
}

// Scans the leading decimal number of `text` (commas between groups of three digits allowed).
// Sets `*digits` to the number without commas and returns the length consumed (0: no number).
Result<size_t> ScanNumber(std::string_view text, std::string* digits) {
  size_t i = 0;
  bool any = false;
  while (i < text.size() && (IsDigit(text[i]) || text[i] == ',')) {
    if (text[i] == ',') {
      const bool group = any && i + 3 < text.size() && IsDigit(text[i + 1]) &&
                         IsDigit(text[i + 2]) && IsDigit(text[i + 3]) &&
                         (i + 4 == text.size() || !IsDigit(text[i + 4]));
      if (!group) return Status::Error("commas must separate groups of three digits");
    } else {
      *digits += text[i];
      any = true;
    }
    ++i;
  }
  if (i < text.size() && text[i] == '.') {
    *digits += '.';
    ++i;
    while (i < text.size() && IsDigit(text[i])) {
      *digits += text[i++];
      any = true;
    }
  }
  if (!any) return size_t{0};
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    size_t j = i + 1;
    if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
    if (j < text.size() && IsDigit(text[j])) {
      digits->append(text.substr(i, j - i));
      while (j < text.size() && IsDigit(text[j])) *digits += text[j++];
      i = j;
    }
  }
  return i;
}

}  // namespace

std::string DimensionName(Dimension dimension) {
  switch (dimension) {
    case Dimension::kTime:
      return "a time";
    case Dimension::kBytes:
      return "a size";
    case Dimension::kBandwidth:
      return "a bandwidth";
    case Dimension::kPower:
      return "a power";
    case Dimension::kMoney:
      return "an amount of money";
    case Dimension::kEnergyPrice:
      return "an energy price";
    case Dimension::kMoneyRate:
      return "an amount of money per time";
    case Dimension::kMoneyPerPower:
      return "an amount of money per power";
    case Dimension::kRate:
      return "a rate";
    case Dimension::kFlops:
      return "a FLOP rate";
    case Dimension::kFraction:
      return "a fraction";
    case Dimension::kCount:
      return "a count";
    case Dimension::kDimensionless:
      return "a number";
  }
  return "a quantity";
}

std::string DimensionExample(Dimension dimension) {
  switch (dimension) {
    case Dimension::kTime:
      return "30 min";
    case Dimension::kBytes:
      return "80 GiB";
    case Dimension::kBandwidth:
      return "3.35 TB/s";
    case Dimension::kPower:
      return "700 W";
    case Dimension::kMoney:
      return "$27B";
    case Dimension::kEnergyPrice:
      return "0.07 USD/kWh";
    case Dimension::kMoneyRate:
      return "2.50 USD/h";
    case Dimension::kMoneyPerPower:
      return "$11.7M/MW";
    case Dimension::kRate:
      return "40 /s";
    case Dimension::kFlops:
      return "989 TFLOP/s";
    case Dimension::kFraction:
      return "85%";
    case Dimension::kCount:
      return "15T";
    case Dimension::kDimensionless:
      return "1.2";
  }
  return "1";
}

Result<double> ParseQuantity(std::string_view text, Dimension expected) {
  const std::string_view t = Trim(text);
  std::string quoted = "'";  // built in steps: GCC 12 warns (-Wrestrict) on "'" + string
  quoted.append(t).append("'");
  if (t.empty()) return Status::Error("empty value; " + Expected(expected));

  size_t i = 0;
  double sign = 1;
  if (t[i] == '-' || t[i] == '+') sign = t[i++] == '-' ? -1 : 1;
  bool dollar = false;
  if (i < t.size() && t[i] == '$') {
    dollar = true;
    ++i;
  }
  std::string digits;
  Result<size_t> scanned = ScanNumber(t.substr(i), &digits);
  if (!scanned.ok()) return Status::Error(quoted + ": " + scanned.status().problems()[0]);
  double number = 1;
  std::string_view unit;
  if (scanned.value() == 0) {
    // Only a rate may omit its number ("/h" = once an hour).
    if (expected != Dimension::kRate || dollar || t[i] != '/') {
      return Status::Error(quoted + " is not a number; " + Expected(expected));
    }
    unit = t.substr(i);
  } else {
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (ec == std::errc::result_out_of_range) return Status::Error(quoted + " is out of range");
    if (ec != std::errc() || end != digits.data() + digits.size()) {
      return Status::Error(quoted + " is not a number; " + Expected(expected));
    }
    unit = Trim(t.substr(i + scanned.value()));
  }
  number *= sign;

  // Resolve the unit to a dimension and a factor.
  Dimension found = expected;
  double factor = 1;
  if (dollar) {
    // A multiplier may come before a per-unit: "$1.2B/year", "$11.7M/MW".
    double multiplier = 1;
    if (const size_t slash = unit.find('/'); slash != std::string_view::npos && slash > 0) {
      if (auto m = Multiplier(Trim(unit.substr(0, slash)))) {
        multiplier = *m;
        unit = unit.substr(slash);
      }
    }
    if (unit.empty()) {
      found = Dimension::kMoney;
    } else if (auto m = Multiplier(unit)) {
      found = Dimension::kMoney;
      factor = *m;
    } else if (const Unit* u = FindUnit("USD" + std::string(unit), expected);
               unit.front() == '/' && u != nullptr) {
      found = u->dimension;
      factor = u->factor * multiplier;
    } else {
      return Status::Error(quoted + ": unknown unit '" + std::string(unit) + "'; " +
                           Expected(expected));
    }
  } else if (unit.empty()) {
    if (expected != Dimension::kCount && expected != Dimension::kDimensionless &&
        expected != Dimension::kFraction) {
      return Status::Error(quoted + ": " + "expected " + DimensionName(expected) +
                           " with a unit such as '" + DimensionExample(expected) + "'");
    }
    if (expected == Dimension::kFraction && (number < 0 || number > 1)) {
      return Status::Error(quoted + " is not between 0 and 1; write '" + std::string(t) +
                           "%' for a percentage");
    }
  } else if (unit.size() > 3 && unit.substr(unit.size() - 3) == "USD" &&
             Multiplier(Trim(unit.substr(0, unit.size() - 3)))) {
    found = Dimension::kMoney;  // "27B USD"
    factor = *Multiplier(Trim(unit.substr(0, unit.size() - 3)));
  } else if (const Unit* u = FindUnit(unit, expected)) {
    found = u->dimension;
    factor = u->factor;
  } else {
    return Status::Error(quoted + ": unknown unit '" + std::string(unit) + "'; " +
                         Expected(expected));
  }
  if (found != expected) {
    return Status::Error(quoted + " is " + DimensionName(found) + "; " + Expected(expected));
  }
  const double value = number * factor;
  if (!std::isfinite(value)) return Status::Error(quoted + " is out of range");
  if (expected == Dimension::kFraction) {
    if (value < 0) return Status::Error(quoted + " is negative; " + Expected(expected));
    if (value > 1) return Status::Error(quoted + " is more than 100%");
  }
  return value;
}

}  // namespace capsim::config
