#ifndef CAPSIM_REPORTS_SUMMARY_FORMAT_H_
#define CAPSIM_REPORTS_SUMMARY_FORMAT_H_

#include <string>
#include <vector>

#include "models/result.h"

namespace capsim::reports {

// Formats one value for people: "n/a" for NaN, "inf"/"-inf", 4 significant digits in
// [0.001, 1000) ("0.8125"), whole numbers with thousands separators in [1000, 1e15)
// ("27,345,679"), and engineering notation otherwise ("123.5e-6", "1.5e18").
std::string FormatHumanValue(double value);

// An aligned text table of `metrics`, one line per metric ("  long name  value  units",
// long names padded, values right-aligned, dimensionless "1" units omitted), grouped under a
// header per key prefix before the first dot ("other" for keys without one), groups in order
// of first appearance and metrics in input order; ends with a newline. Deterministic.
std::string FormatSummaryTable(const std::vector<models::SummaryMetric>& metrics);

// One flat JSON object {"key": value, ...}, one member per line in input order, values in
// shortest round-trip form, NaN and infinities as null, keys JSON-escaped; ends with a
// newline. Deterministic.
std::string FormatSummaryJson(const std::vector<models::SummaryMetric>& metrics);

}  // namespace capsim::reports

#endif  // CAPSIM_REPORTS_SUMMARY_FORMAT_H_
