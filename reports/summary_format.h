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
// Metrics with a half_width (means over replications) print "mean ± half-width" (both
// formatted by FormatHumanValue, units once, the ± signs aligned) under a first line
// "(mean ± 95% CI half-width over K replications)", K the largest replication count among
// them; a row whose count differs ends with "  (n=N)". Without any half_width the table is
// exactly the single-run form.
std::string FormatSummaryTable(const std::vector<models::SummaryMetric>& metrics);

// One flat JSON object {"key": value, ...}, one member per line in input order, values in
// shortest round-trip form, NaN and infinities as null, keys JSON-escaped; ends with a
// newline. Deterministic. Every value is a number (or null), so a mean over replications
// keeps its plain "key": mean member and is followed by "key:ci95_half_width": half-width
// (only when half_width is not NaN) and "key:replications": count (an integer; also when
// half_width is NaN but replications is not 1). Metric keys are dotted names without ':', so
// these members cannot be mistaken for a metric. A single run's JSON is unchanged.
std::string FormatSummaryJson(const std::vector<models::SummaryMetric>& metrics);

}  // namespace capsim::reports

#endif  // CAPSIM_REPORTS_SUMMARY_FORMAT_H_
