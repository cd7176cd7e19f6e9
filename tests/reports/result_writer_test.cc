#include "reports/result_writer.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5_hl.h>

#include "reports/hdf5_util.h"
#include "tests/reports/synthetic_result.h"
#include "tests/reports/temp_dir.h"

namespace capsim::reports {
namespace {

using hdf5::Handle;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::SyntheticReplicatedResult;
using testing::SyntheticResult;
using testing::TempDir;

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

herr_t CollectName(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

// Link names of group `path` in creation order.
std::vector<std::string> NamesInCreationOrder(hid_t file, const std::string& path) {
  Handle group(H5Gopen2(file, path.c_str(), H5P_DEFAULT), H5Gclose);
  std::vector<std::string> names;
  EXPECT_GE(H5Literate(group.get(), H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr, CollectName, &names),
            0)
      << path;
  return names;
}

// Every object path in the file (depth first, name order).
std::vector<std::string> AllPaths(hid_t file) {
  std::vector<std::string> names;
  EXPECT_GE(H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, CollectName, &names), 0);
  return names;
}

std::vector<double> ReadDoubles(hid_t file, const std::string& path) {
  Handle dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
  EXPECT_TRUE(dataset.valid()) << path;
  Handle space(H5Dget_space(dataset.get()), H5Sclose);
  std::vector<double> values(static_cast<size_t>(H5Sget_simple_extent_npoints(space.get())));
  if (!values.empty()) {
    EXPECT_GE(
        H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0)
        << path;
  }
  return values;
}

std::vector<std::string> ReadStrings(hid_t file, const std::string& path) {
  Handle dataset(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
  Handle space(H5Dget_space(dataset.get()), H5Sclose);
  Handle file_type(H5Dget_type(dataset.get()), H5Tclose);
  EXPECT_GT(H5Tis_variable_str(file_type.get()), 0) << path;
  EXPECT_EQ(H5Tget_cset(file_type.get()), H5T_CSET_UTF8) << path;
  std::vector<char*> raw(static_cast<size_t>(H5Sget_simple_extent_npoints(space.get())));
  Handle mem_type = hdf5::NewStringType();
  if (!raw.empty()) {
    EXPECT_GE(H5Dread(dataset.get(), mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), 0);
  }
  std::vector<std::string> values;
  for (char* s : raw) {
    values.push_back(s);
    H5free_memory(s);
  }
  return values;
}

class ResultWriterTest : public ::testing::Test {
 protected:
  // Writes the synthetic result and opens it read-only.
  void WriteAndOpen(const models::RunResult& result = SyntheticResult()) {
    path_ = dir_.File("run.h5");
    const Status status = WriteResultFile(result, path_);
    ASSERT_TRUE(status.ok()) << status.ToString();
    file_ = Handle(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    ASSERT_TRUE(file_.valid());
  }

  Handle OpenDataset(const std::string& path) {
    Handle dataset(H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT), H5Dclose);
    EXPECT_TRUE(dataset.valid()) << path;
    return dataset;
  }

  TempDir dir_;
  std::string path_;
  Handle file_;
};

TEST_F(ResultWriterTest, WritesRootAttributesAndScenarioText) {
  WriteAndOpen();
  EXPECT_EQ(hdf5::ReadStringAttribute(file_.get(), "schema"), "capsim.run");
  EXPECT_EQ(hdf5::ReadInt64Attribute(file_.get(), "schema_version"), 1);
  EXPECT_EQ(hdf5::ReadStringAttribute(file_.get(), "capsim_version"), CAPSIM_VERSION_FOR_TEST);
  EXPECT_EQ(hdf5::ReadUint64Attribute(file_.get(), "seed"), 18446744073709551557ULL);
  EXPECT_EQ(hdf5::ReadStringAttribute(file_.get(), "scenario_name"), "synthetic");
  const std::string created = hdf5::ReadStringAttribute(file_.get(), "created").value_or("");
  EXPECT_TRUE(std::regex_match(created, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << created;

  Handle version(H5Aopen(file_.get(), "schema_version", H5P_DEFAULT), H5Aclose);
  Handle version_type(H5Aget_type(version.get()), H5Tclose);
  EXPECT_EQ(H5Tget_class(version_type.get()), H5T_INTEGER);
  Handle seed(H5Aopen(file_.get(), "seed", H5P_DEFAULT), H5Aclose);
  Handle seed_type(H5Aget_type(seed.get()), H5Tclose);
  EXPECT_EQ(H5Tget_sign(seed_type.get()), H5T_SGN_NONE);
  EXPECT_EQ(H5Tget_size(seed_type.get()), 8u);

  Handle scenario = OpenDataset("/scenario");
  Handle space(H5Dget_space(scenario.get()), H5Sclose);
  EXPECT_EQ(H5Sget_simple_extent_type(space.get()), H5S_SCALAR);
  Handle type = hdf5::NewStringType();
  char* text = nullptr;
  ASSERT_GE(H5Dread(scenario.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), 0);
  EXPECT_EQ(std::string(text), SyntheticResult().scenario_text);
  H5free_memory(text);
}

TEST_F(ResultWriterTest, StringAttributesAreVariableLengthUtf8) {
  WriteAndOpen();
  for (const char* name : {"schema", "capsim_version", "created", "scenario_name"}) {
    Handle attribute(H5Aopen(file_.get(), name, H5P_DEFAULT), H5Aclose);
    Handle type(H5Aget_type(attribute.get()), H5Tclose);
    EXPECT_GT(H5Tis_variable_str(type.get()), 0) << name;
    EXPECT_EQ(H5Tget_cset(type.get()), H5T_CSET_UTF8) << name;
  }
}

TEST_F(ResultWriterTest, SummaryKeepsMetricOrderValuesAndUnits) {
  WriteAndOpen();
  EXPECT_THAT(NamesInCreationOrder(file_.get(), "/summary"),
              ElementsAre("avatar.ttff_p99_s", "training.delay_h", "cost.total_usd"));
  for (const models::SummaryMetric& metric : SyntheticResult().summary) {
    Handle dataset = OpenDataset("/summary/" + metric.key);
    Handle space(H5Dget_space(dataset.get()), H5Sclose);
    EXPECT_EQ(H5Sget_simple_extent_type(space.get()), H5S_SCALAR);
    EXPECT_THAT(ReadDoubles(file_.get(), "/summary/" + metric.key), ElementsAre(metric.value));
    EXPECT_EQ(hdf5::ReadStringAttribute(dataset.get(), "units"), metric.units);
    EXPECT_EQ(hdf5::ReadStringAttribute(dataset.get(), "long_name"), metric.long_name);
  }
}

TEST_F(ResultWriterTest, EveryNumericDatasetHasUnitsAndLongName) {
  WriteAndOpen();
  int numeric = 0;
  for (const std::string& path : AllPaths(file_.get())) {
    Handle object(H5Oopen(file_.get(), path.c_str(), H5P_DEFAULT), H5Oclose);
    if (H5Iget_type(object.get()) != H5I_DATASET) continue;
    Handle type(H5Dget_type(object.get()), H5Tclose);
    const H5T_class_t type_class = H5Tget_class(type.get());
    EXPECT_TRUE(hdf5::ReadStringAttribute(object.get(), "long_name").has_value()) << path;
    if (type_class == H5T_FLOAT || type_class == H5T_INTEGER) {
      ++numeric;
      EXPECT_TRUE(hdf5::ReadStringAttribute(object.get(), "units").has_value()) << path;
    } else {
      EXPECT_EQ(type_class, H5T_STRING) << path;
    }
  }
  // 3 metrics + time + 3 series + (row + 2 columns) + (row + 1 column) + the empty requests
  // table's row scale.
  EXPECT_EQ(numeric, 13);
}

TEST_F(ResultWriterTest, TimeIsADimensionScaleAttachedToEverySeries) {
  WriteAndOpen();
  EXPECT_THAT(NamesInCreationOrder(file_.get(), "/timeseries"),
              ElementsAre("time", "avatar_sessions", "gpu_busy", "power_w"));
  Handle time = OpenDataset("/timeseries/time");
  EXPECT_GT(H5DSis_scale(time.get()), 0);
  char name[16] = {};
  EXPECT_GT(H5DSget_scale_name(time.get(), name, sizeof(name)), 0);
  EXPECT_STREQ(name, "time");
  EXPECT_EQ(hdf5::ReadStringAttribute(time.get(), "units"), "s");
  EXPECT_EQ(hdf5::ReadStringAttribute(time.get(), "long_name"), "time since start");
  EXPECT_THAT(ReadDoubles(file_.get(), "/timeseries/time"), ElementsAre(0, 60, 120, 180, 240));
  for (const models::Column& column : SyntheticResult().timeseries.series) {
    Handle series = OpenDataset("/timeseries/" + column.name);
    EXPECT_GT(H5DSis_attached(series.get(), time.get(), 0), 0) << column.name;
    EXPECT_EQ(ReadDoubles(file_.get(), "/timeseries/" + column.name), column.values);
    EXPECT_EQ(hdf5::ReadStringAttribute(series.get(), "units"), column.units);
  }
}

TEST_F(ResultWriterTest, TablesAreColumnarWithARowScale) {
  WriteAndOpen();
  EXPECT_THAT(NamesInCreationOrder(file_.get(), "/tables"),
              ElementsAre("jobs", "job_events", "requests"));
  EXPECT_THAT(NamesInCreationOrder(file_.get(), "/tables/jobs"),
              ElementsAre("row", "name", "kind", "submit_s", "gpu_hours"));
  Handle row = OpenDataset("/tables/jobs/row");
  EXPECT_GT(H5DSis_scale(row.get()), 0);
  EXPECT_THAT(ReadDoubles(file_.get(), "/tables/jobs/row"), ElementsAre(0, 1, 2));
  for (const char* column : {"name", "kind", "submit_s", "gpu_hours"}) {
    Handle dataset = OpenDataset(std::string("/tables/jobs/") + column);
    EXPECT_GT(H5DSis_attached(dataset.get(), row.get(), 0), 0) << column;
  }
  EXPECT_THAT(ReadStrings(file_.get(), "/tables/jobs/name"),
              ElementsAre("frontier-pretrain", "avocado-distill", "ünïcode-job"));
  EXPECT_THAT(ReadDoubles(file_.get(), "/tables/jobs/gpu_hours"), ElementsAre(1.5e6, 2.5e4, 0.5));
  Handle gpu_hours = OpenDataset("/tables/jobs/gpu_hours");
  EXPECT_EQ(hdf5::ReadStringAttribute(gpu_hours.get(), "units"), "GPU h");
  Handle name = OpenDataset("/tables/jobs/name");
  EXPECT_EQ(hdf5::ReadStringAttribute(name.get(), "long_name"), "Job name");
}

TEST_F(ResultWriterTest, EmptyTableHasZeroLengthColumns) {
  WriteAndOpen();
  EXPECT_THAT(NamesInCreationOrder(file_.get(), "/tables/job_events"),
              ElementsAre("row", "event", "time_s"));
  Handle row = OpenDataset("/tables/job_events/row");
  EXPECT_GT(H5DSis_scale(row.get()), 0);
  for (const char* column : {"row", "event", "time_s"}) {
    Handle dataset = OpenDataset(std::string("/tables/job_events/") + column);
    Handle space(H5Dget_space(dataset.get()), H5Sclose);
    EXPECT_EQ(H5Sget_simple_extent_npoints(space.get()), 0) << column;
    if (std::string(column) != "row") {
      EXPECT_GT(H5DSis_attached(dataset.get(), row.get(), 0), 0) << column;
    }
  }
}

TEST_F(ResultWriterTest, TableWithoutColumnsAndEmptyTimeseriesWrite) {
  models::RunResult result;
  WriteAndOpen(result);
  EXPECT_THAT(NamesInCreationOrder(file_.get(), "/tables/jobs"), ElementsAre("row"));
  EXPECT_THAT(NamesInCreationOrder(file_.get(), "/timeseries"), ElementsAre("time"));
  EXPECT_TRUE(NamesInCreationOrder(file_.get(), "/summary").empty());
}

// Checks chunking (chunk = min(n, 4096)), shuffle then deflate level 4 on a 1-D dataset.
void ExpectChunkedAndCompressed(hid_t dataset, hsize_t expected_chunk, const std::string& what) {
  Handle dcpl(H5Dget_create_plist(dataset), H5Pclose);
  ASSERT_EQ(H5Pget_layout(dcpl.get()), H5D_CHUNKED) << what;
  hsize_t chunk[1] = {0};
  ASSERT_EQ(H5Pget_chunk(dcpl.get(), 1, chunk), 1) << what;
  EXPECT_EQ(chunk[0], expected_chunk) << what;
  ASSERT_EQ(H5Pget_nfilters(dcpl.get()), 2) << what;
  unsigned flags = 0;
  size_t n_values = 1;
  unsigned values[1] = {0};
  EXPECT_EQ(H5Pget_filter2(dcpl.get(), 0, &flags, &n_values, values, 0, nullptr, nullptr),
            H5Z_FILTER_SHUFFLE)
      << what;
  n_values = 1;
  EXPECT_EQ(H5Pget_filter2(dcpl.get(), 1, &flags, &n_values, values, 0, nullptr, nullptr),
            H5Z_FILTER_DEFLATE)
      << what;
  EXPECT_EQ(values[0], 4u) << what;
}

// A scalar attribute `name` of `object` read as a double, and its type class.
std::pair<double, H5T_class_t> ReadNumberAttribute(hid_t object, const char* name) {
  Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  EXPECT_TRUE(attribute.valid()) << name;
  Handle space(H5Aget_space(attribute.get()), H5Sclose);
  EXPECT_EQ(H5Sget_simple_extent_type(space.get()), H5S_SCALAR) << name;
  Handle type(H5Aget_type(attribute.get()), H5Tclose);
  double value = std::nan("");
  EXPECT_GE(H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value), 0) << name;
  return {value, H5Tget_class(type.get())};
}

TEST_F(ResultWriterTest, SingleRunHasNoIntervalAttributesNorReplicationsGroup) {
  WriteAndOpen();
  for (const models::SummaryMetric& metric : SyntheticResult().summary) {
    Handle dataset = OpenDataset("/summary/" + metric.key);
    EXPECT_FALSE(hdf5::HasAttribute(dataset.get(), "ci95_half_width")) << metric.key;
    EXPECT_FALSE(hdf5::HasAttribute(dataset.get(), "replications")) << metric.key;
  }
  EXPECT_EQ(H5Lexists(file_.get(), "replications", H5P_DEFAULT), 0);
}

TEST_F(ResultWriterTest, ReplicatedMetricsCarryHalfWidthAndCount) {
  WriteAndOpen(SyntheticReplicatedResult());
  for (const models::SummaryMetric& metric : SyntheticReplicatedResult().summary) {
    Handle dataset = OpenDataset("/summary/" + metric.key);
    EXPECT_THAT(ReadDoubles(file_.get(), "/summary/" + metric.key), ElementsAre(metric.value));
    if (std::isnan(metric.half_width)) {  // cost.total_usd: known to one replication only
      EXPECT_FALSE(hdf5::HasAttribute(dataset.get(), "ci95_half_width")) << metric.key;
      EXPECT_FALSE(hdf5::HasAttribute(dataset.get(), "replications")) << metric.key;
      continue;
    }
    const auto [half_width, half_width_class] =
        ReadNumberAttribute(dataset.get(), "ci95_half_width");
    EXPECT_EQ(half_width, metric.half_width) << metric.key;
    EXPECT_EQ(half_width_class, H5T_FLOAT) << metric.key;
    const auto [replications, replications_class] =
        ReadNumberAttribute(dataset.get(), "replications");
    EXPECT_EQ(replications, 3) << metric.key;
    EXPECT_EQ(replications_class, H5T_INTEGER) << metric.key;
  }
}

TEST_F(ResultWriterTest, CountWithoutHalfWidthIsStillRecorded) {
  models::RunResult result = SyntheticResult();
  result.summary[0].replications = 0;  // e.g. no replication produced the metric
  WriteAndOpen(result);
  Handle dataset = OpenDataset("/summary/avatar.ttff_p99_s");
  EXPECT_FALSE(hdf5::HasAttribute(dataset.get(), "ci95_half_width"));
  EXPECT_EQ(hdf5::ReadInt64Attribute(dataset.get(), "replications"), 0);
}

TEST_F(ResultWriterTest, ReplicationsGroupIsLaidOutLikeATable) {
  const models::RunResult result = SyntheticReplicatedResult();
  WriteAndOpen(result);
  EXPECT_THAT(NamesInCreationOrder(file_.get(), "/"),
              ElementsAre("scenario", "summary", "timeseries", "tables", "replications"));
  EXPECT_THAT(NamesInCreationOrder(file_.get(), "/replications"),
              ElementsAre("row", "replication", "seed", "avatar.ttff_p99_s", "training.delay_h",
                          "cost.total_usd"));
  Handle row = OpenDataset("/replications/row");
  EXPECT_GT(H5DSis_scale(row.get()), 0);
  EXPECT_THAT(ReadDoubles(file_.get(), "/replications/row"), ElementsAre(0, 1, 2));
  for (const models::Column& column : result.replications.numeric) {
    const std::string path = "/replications/" + column.name;
    Handle dataset = OpenDataset(path);
    EXPECT_GT(H5DSis_attached(dataset.get(), row.get(), 0), 0) << path;
    EXPECT_EQ(hdf5::ReadStringAttribute(dataset.get(), "units"), column.units) << path;
    EXPECT_EQ(hdf5::ReadStringAttribute(dataset.get(), "long_name"), column.long_name) << path;
    const std::vector<double> values = ReadDoubles(file_.get(), path);
    ASSERT_EQ(values.size(), column.values.size()) << path;
    for (size_t i = 0; i < values.size(); ++i) {
      EXPECT_TRUE(values[i] == column.values[i] ||
                  (std::isnan(values[i]) && std::isnan(column.values[i])))
          << path << " row " << i;
    }
    ExpectChunkedAndCompressed(dataset.get(), 3, path);
  }
}

TEST_F(ResultWriterTest, ReplicationsWithoutRowsWriteNoGroup) {
  models::RunResult result = SyntheticResult();
  result.replications.numeric = {{"replication", "1", "replication index", {}}};
  WriteAndOpen(result);
  EXPECT_EQ(H5Lexists(file_.get(), "replications", H5P_DEFAULT), 0);
}

TEST_F(ResultWriterTest, ReplicationsTableIsValidated) {
  models::RunResult result = SyntheticReplicatedResult();
  result.replications.numeric[3].values.pop_back();
  result.replications.numeric.push_back({"row", "1", "clash", {1, 2, 3}});
  const std::string path = dir_.File("run.h5");
  const std::string prefix = path + ": cannot write: ";
  EXPECT_THAT(WriteResultFile(result, path).problems(),
              ElementsAre(prefix + "table 'replications' column 'training.delay_h' has 2 "
                                   "values but column 'replication' has 3",
                          prefix + "table 'replications' column may not be named 'row' "
                                   "(reserved)"));
  EXPECT_TRUE(dir_.Entries().empty());
}

TEST_F(ResultWriterTest, NumericColumnsAreChunkedShuffledAndDeflated) {
  WriteAndOpen();
  for (const char* path :
       {"/timeseries/time", "/timeseries/power_w", "/tables/jobs/row", "/tables/jobs/gpu_hours"}) {
    Handle dataset = OpenDataset(path);
    Handle space(H5Dget_space(dataset.get()), H5Sclose);
    ExpectChunkedAndCompressed(
        dataset.get(), static_cast<hsize_t>(H5Sget_simple_extent_npoints(space.get())), path);
  }
  Handle empty = OpenDataset("/tables/job_events/time_s");
  ExpectChunkedAndCompressed(empty.get(), 1, "empty column");
}

TEST_F(ResultWriterTest, LongSeriesUseChunksOf4096) {
  models::RunResult result = SyntheticResult();
  result.timeseries.time.values.resize(10000);
  for (size_t i = 0; i < 10000; ++i) result.timeseries.time.values[i] = 60.0 * i;
  for (models::Column& column : result.timeseries.series) column.values.assign(10000, 1.0);
  WriteAndOpen(result);
  Handle time = OpenDataset("/timeseries/time");
  ExpectChunkedAndCompressed(time.get(), 4096, "time");
  EXPECT_EQ(ReadDoubles(file_.get(), "/timeseries/time"), result.timeseries.time.values);
}

TEST_F(ResultWriterTest, EmptyUnitsAndLongNameGetDefaults) {
  models::RunResult result = SyntheticResult();
  result.summary = {{"jobs.count", 3, "", ""}};
  WriteAndOpen(result);
  Handle dataset = OpenDataset("/summary/jobs.count");
  EXPECT_EQ(hdf5::ReadStringAttribute(dataset.get(), "units"), "1");
  EXPECT_EQ(hdf5::ReadStringAttribute(dataset.get(), "long_name"), "jobs.count");
}

TEST_F(ResultWriterTest, OverwritesAnExistingFileAndLeavesNoTempFiles) {
  const std::string path = dir_.File("run.h5");
  WriteBytes(path, "old contents");
  const Status status = WriteResultFile(SyntheticResult(), path);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_GT(H5Fis_hdf5(path.c_str()), 0);
  EXPECT_THAT(dir_.Entries(), ElementsAre("run.h5"));
}

TEST_F(ResultWriterTest, MismatchedSeriesLengthFailsAndKeepsExistingFile) {
  const std::string path = dir_.File("run.h5");
  WriteBytes(path, "old contents");
  models::RunResult result = SyntheticResult();
  result.timeseries.series[1].values.pop_back();
  const Status status = WriteResultFile(result, path);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.ToString(), path +
                                   ": cannot write: timeseries series 'gpu_busy' has 4 values "
                                   "but the time axis has 5");
  EXPECT_EQ(ReadBytes(path), "old contents");
  EXPECT_THAT(dir_.Entries(), ElementsAre("run.h5"));
}

TEST_F(ResultWriterTest, ListsEveryValidationProblem) {
  models::RunResult result = SyntheticResult();
  result.summary.push_back(result.summary.front());
  result.summary.push_back({"bad/key", 1, "1", "x"});
  result.timeseries.series.push_back({"time", "s", "clash", {1, 2, 3, 4, 5}});
  result.jobs.numeric.push_back({"row", "1", "clash", {1, 2, 3}});
  result.jobs.numeric.push_back({"short", "1", "too short", {1}});
  result.jobs.text[0].values[1] = std::string("a\0b", 3);
  const std::string path = dir_.File("run.h5");
  const Status status = WriteResultFile(result, path);
  const std::string prefix = path + ": cannot write: ";
  EXPECT_THAT(
      status.problems(),
      ElementsAre(prefix + "summary metric 'avatar.ttff_p99_s' appears more than once",
                  prefix + "summary metric has an invalid name 'bad/key' (must be non-empty, "
                           "not '.', without '/')",
                  prefix + "timeseries series may not be named 'time' (reserved)",
                  prefix + "table 'jobs' column 'name' row 1 contains a NUL byte",
                  prefix + "table 'jobs' column may not be named 'row' (reserved)",
                  prefix + "table 'jobs' column 'short' has 1 values but column "
                           "'name' has 3"));
  EXPECT_TRUE(dir_.Entries().empty());
}

TEST_F(ResultWriterTest, MissingDirectoryIsReportedUpFront) {
  const std::string path = dir_.File("out/x.h5");
  const Status status = WriteResultFile(SyntheticResult(), path);
  EXPECT_EQ(status.ToString(),
            path + ": cannot write: directory '" + dir_.File("out") + "' does not exist");
  EXPECT_EQ(CheckWritable(path).ToString(), status.ToString());
}

TEST_F(ResultWriterTest, DirectoryThatIsAFileIsReported) {
  WriteBytes(dir_.File("out"), "");
  EXPECT_EQ(
      CheckWritable(dir_.File("out/x.h5")).ToString(),
      dir_.File("out/x.h5") + ": cannot write: '" + dir_.File("out") + "' is not a directory");
}

TEST_F(ResultWriterTest, UnwritableDirectoryIsReportedUpFront) {
  if (::geteuid() == 0) GTEST_SKIP() << "root may write into read-only directories";
  std::filesystem::create_directory(dir_.File("ro"));
  std::filesystem::permissions(
      dir_.File("ro"), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  const std::string path = dir_.File("ro/x.h5");
  EXPECT_EQ(WriteResultFile(SyntheticResult(), path).ToString(),
            path + ": cannot write: directory '" + dir_.File("ro") + "' is not writable");
}

TEST_F(ResultWriterTest, PathThatIsADirectoryIsReported) {
  std::filesystem::create_directory(dir_.File("x.h5"));
  EXPECT_EQ(CheckWritable(dir_.File("x.h5")).ToString(),
            dir_.File("x.h5") + ": cannot write: it is a directory");
}

TEST_F(ResultWriterTest, CheckWritableAcceptsBareFileNamesAndNewFiles) {
  EXPECT_TRUE(CheckWritable(dir_.File("new.h5")).ok());
  EXPECT_FALSE(CheckWritable("").ok());
}

TEST_F(ResultWriterTest, BlockedTempFileFailsAndKeepsExistingFile) {
  const std::string path = dir_.File("run.h5");
  WriteBytes(path, "old contents");
  const std::string temp = path + ".tmp-" + std::to_string(::getpid());
  std::filesystem::create_directory(temp);  // the temporary file cannot be created
  const Status status = WriteResultFile(SyntheticResult(), path);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.ToString(), HasSubstr(path + ": cannot create temporary file '" + temp + "'"));
  EXPECT_EQ(ReadBytes(path), "old contents");
  EXPECT_TRUE(std::filesystem::is_directory(temp));  // not ours: left alone
}

// Runs a write in a child process whose file-size limit makes HDF5 fail part-way through.
TEST_F(ResultWriterTest, FailureWhileWritingRemovesTempFileAndKeepsExistingFile) {
  const std::string path = dir_.File("run.h5");
  WriteBytes(path, "old contents");
  models::RunResult result = SyntheticResult();
  const size_t n = 200000;
  result.timeseries.time.values.resize(n);
  for (models::Column& column : result.timeseries.series) column.values.resize(n);
  uint64_t state = 1;
  for (size_t i = 0; i < n; ++i) {
    result.timeseries.time.values[i] = static_cast<double>(i);
    for (models::Column& column : result.timeseries.series) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;  // incompressible
      column.values[i] = static_cast<double>(state >> 11);
    }
  }
  std::fflush(nullptr);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit = {256 * 1024, 256 * 1024};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    const Status status = WriteResultFile(result, path);
    // A normal exit also runs HDF5's library shutdown, which must not trip over the failure.
    std::exit(status.ok() ? 1 : status.ToString().find(path + ": ") == 0 ? 0 : 2);
  }
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFEXITED(wait_status));
  EXPECT_EQ(WEXITSTATUS(wait_status), 0) << "1: write succeeded, 2: message lacks the path";
  EXPECT_EQ(ReadBytes(path), "old contents");
  EXPECT_THAT(dir_.Entries(), ElementsAre("run.h5"));
}

TEST_F(ResultWriterTest, WritingTwiceGivesIdenticalContents) {
  const std::string a = dir_.File("a.h5");
  const std::string b = dir_.File("b.h5");
  ASSERT_TRUE(WriteResultFile(SyntheticResult(), a).ok());
  ASSERT_TRUE(WriteResultFile(SyntheticResult(), b).ok());
  Handle file_a(H5Fopen(a.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  Handle file_b(H5Fopen(b.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  const std::vector<std::string> paths = AllPaths(file_a.get());
  EXPECT_EQ(paths, AllPaths(file_b.get()));
  for (const std::string& path : paths) {
    Handle object(H5Oopen(file_a.get(), path.c_str(), H5P_DEFAULT), H5Oclose);
    if (H5Iget_type(object.get()) != H5I_DATASET) continue;
    Handle type(H5Dget_type(object.get()), H5Tclose);
    if (H5Tget_class(type.get()) == H5T_STRING && path != "/scenario") {
      EXPECT_EQ(ReadStrings(file_a.get(), path), ReadStrings(file_b.get(), path)) << path;
    } else if (H5Tget_class(type.get()) != H5T_STRING) {
      EXPECT_EQ(ReadDoubles(file_a.get(), path), ReadDoubles(file_b.get(), path)) << path;
    }
  }
  // Byte-level: only the `created` timestamp (20 characters) may differ.
  const std::string bytes_a = ReadBytes(a);
  const std::string bytes_b = ReadBytes(b);
  ASSERT_EQ(bytes_a.size(), bytes_b.size());
  size_t differing = 0;
  for (size_t i = 0; i < bytes_a.size(); ++i) differing += bytes_a[i] != bytes_b[i];
  EXPECT_LE(differing, 20u);
}

}  // namespace
}  // namespace capsim::reports

namespace capsim::reports {
namespace {

TEST(ResultWriterExtraTables, AreWrittenUnderTablesAndValidated) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "capsim_extra_tables.h5").string();
  models::RunResult r;
  r.scenario_name = "x";
  models::Table points;
  points.numeric.push_back({"load", "1/s", "offered load", {1, 2, 3}});
  r.extra_tables.push_back({"capacity", points});
  ASSERT_TRUE(WriteResultFile(r, path).ok());
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_GT(H5Lexists(f, "/tables/capacity/load", H5P_DEFAULT), 0);
  H5Fclose(f);
  r.extra_tables.push_back({"jobs", points});  // clashes with a built-in table
  Status s = WriteResultFile(r, path);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.ToString().find("table 'jobs' appears more than once"), std::string::npos)
      << s.ToString();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace capsim::reports
