#ifndef CAPSIM_CONFIG_QUANTITY_H_
#define CAPSIM_CONFIG_QUANTITY_H_

#include <string>
#include <string_view>

#include "sim/status.h"

namespace capsim::config {

// What a quantity in a YAML file measures; each has one SI unit inside the simulator.
enum class Dimension {
  kTime,           // seconds: "30 min", "20 h", "12 months", "5.5 years"
  kBytes,          // bytes: "80 GB" (decimal), "80 GiB" (binary)
  kBandwidth,      // bytes/s: "3.35 TB/s", "400 Gb/s" (bits)
  kPower,          // watts: "700 W", "1 GW"
  kMoney,          // US dollars: "$27B", "$25,000", "30000 USD"
  kEnergyPrice,    // US dollars per joule: "0.07 USD/kWh", "70 USD/MWh"
  kMoneyRate,      // US dollars per second: "2.5 USD/h", "$1.2B/year", "$150/month"
  kMoneyPerPower,  // US dollars per watt: "$11.7M/MW", "11.7 USD/W", "150 USD/kW"
  kRate,           // events per second: "40 /s", "2400 /min"
  kFlops,          // FLOP/s: "989 TFLOP/s", "2.25 PFLOPS"
  kFraction,       // 0..1: "0.5%", "12 %", or a bare number between 0 and 1
  kCount,          // a plain number with an optional K/M/B/T suffix: "15T", "1,000"
  kDimensionless,  // a plain number: "1.2"
};

// The name of `dimension` with its article, as used in messages ("a time", "an energy price").
std::string DimensionName(Dimension dimension);

// A typical value of `dimension` as written in YAML ("30 min" for kTime), for messages.
std::string DimensionExample(Dimension dimension);

// Parses `text` (a number, optionally followed by a unit of `expected`) into SI units; an error
// names the text and what was expected, e.g. "'700 W' is a power; expected a time such as '30
// min'".
Result<double> ParseQuantity(std::string_view text, Dimension expected);

}  // namespace capsim::config

#endif  // CAPSIM_CONFIG_QUANTITY_H_
