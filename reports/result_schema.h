#ifndef CAPSIM_REPORTS_RESULT_SCHEMA_H_
#define CAPSIM_REPORTS_RESULT_SCHEMA_H_

// Names shared by the writer and the reader of capsim result files (see DESIGN.md,
// "Result file (HDF5)"). Layout of schema version 1:
//
//   /                      attributes schema, schema_version, capsim_version, seed, created,
//                          scenario_name
//   /scenario              scalar string: the resolved scenario text
//   /summary/<key>         scalar double per metric (attributes units, long_name), in order;
//                          a mean over replications also has ci95_half_width (double, the
//                          half-width of its 95% Student-t confidence interval; never NaN,
//                          absent instead) and replications (int32, how many runs it
//                          summarises; absent means 1)
//   /timeseries/time       1-D seconds, dimension scale "time"; every other dataset in the
//                          group is a 1-D series attached to it
//   /tables/<name>/row     1-D row index, dimension scale "row"; every other dataset in the
//                          group is a column (double or UTF-8 string) attached to it
//   /replications/row      only with replications: laid out like a table, one row per
//                          replication, columns "replication", "seed", then one per summary
//                          metric named by its key ("avatar.ttff_p99_s")
//
// Groups track link creation order, which is the order of metrics, series and columns.

namespace capsim::reports {

inline constexpr char kResultSchema[] = "capsim.run";
// Bump when the layout changes incompatibly; readers refuse newer versions.
inline constexpr int kResultSchemaVersion = 1;

inline constexpr char kScenarioDataset[] = "scenario";
inline constexpr char kSummaryGroup[] = "summary";
inline constexpr char kTimeseriesGroup[] = "timeseries";
inline constexpr char kTablesGroup[] = "tables";
inline constexpr char kTimeDataset[] = "time";
inline constexpr char kRowDataset[] = "row";
inline constexpr char kReplicationsGroup[] = "replications";
// Attributes of a /summary dataset that is a mean over replications.
inline constexpr char kHalfWidthAttribute[] = "ci95_half_width";
inline constexpr char kReplicationsAttribute[] = "replications";

}  // namespace capsim::reports

#endif  // CAPSIM_REPORTS_RESULT_SCHEMA_H_
