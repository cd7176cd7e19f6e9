#ifndef CAPSIM_MODELS_RESULT_H_
#define CAPSIM_MODELS_RESULT_H_

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace capsim::models {

// One headline number. `key` is a flat dotted name ("avatar.ttff_p99_s").
struct SummaryMetric {
  std::string key;
  double value = 0;
  std::string units;       // UDUNITS-style ("s", "1", "USD", "GPU h")
  std::string long_name;   // human-readable label for tables and plots
  // With replications: `value` is the mean over them and this the half-width of its 95%
  // confidence interval (Student t); NaN for a single run (or one replication).
  double half_width = std::numeric_limits<double>::quiet_NaN();
  int replications = 1;    // how many runs `value` summarises
};

// A numeric column of a table or timeseries.
struct Column {
  std::string name;
  std::string units;
  std::string long_name;
  std::vector<double> values;
};

// A text column of a table.
struct TextColumn {
  std::string name;
  std::string long_name;
  std::vector<std::string> values;
};

// A columnar table: every column has the same number of rows.
struct Table {
  std::vector<TextColumn> text;
  std::vector<Column> numeric;
};

// Series sampled at common instants; `time` holds seconds since the start of the run.
struct Timeseries {
  Column time;
  std::vector<Column> series;
};

// Everything one run produces; the reports layer writes it to HDF5 and prints its summary.
struct RunResult {
  std::string scenario_name;
  std::string scenario_text;   // the resolved scenario YAML
  uint64_t seed = 0;
  std::vector<SummaryMetric> summary;
  Timeseries timeseries;
  Table jobs;                  // one row per training/distillation job
  Table job_events;            // one row per job state change
  Table requests;              // one row per completed LLM serving request (empty without one)
  // Further tables under /tables, by name (e.g. "capacity": the points of a capacity search).
  std::vector<std::pair<std::string, Table>> extra_tables;
  // With replications: one row per replication, numeric columns "replication" (0..K-1) and
  // "seed", then one column per summary metric named by its key (its units and long_name);
  // written as the /replications group, laid out like a table (empty: none).
  Table replications;
};

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_RESULT_H_
