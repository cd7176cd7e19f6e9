#include "reports/result_reader.h"

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reports/hdf5_util.h"
#include "reports/result_writer.h"
#include "tests/reports/synthetic_result.h"
#include "tests/reports/temp_dir.h"

namespace capsim::reports {
namespace {

using hdf5::Handle;
using ::testing::HasSubstr;
using testing::SyntheticReplicatedResult;
using testing::SyntheticResult;
using testing::TempDir;

bool SameNumber(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

bool SameMetric(const models::SummaryMetric& a, const models::SummaryMetric& b) {
  return a.key == b.key && a.units == b.units && a.long_name == b.long_name &&
         SameNumber(a.value, b.value) && SameNumber(a.half_width, b.half_width) &&
         a.replications == b.replications;
}

// Creates an HDF5 file with optional root attributes, for the error cases.
void WriteBareHdf5(const std::string& path, const char* schema, int schema_version) {
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  ASSERT_TRUE(file.valid());
  if (schema != nullptr) {
    ASSERT_TRUE(hdf5::WriteStringAttribute(file.get(), "schema", schema));
  }
  if (schema_version != 0) {
    ASSERT_TRUE(hdf5::WriteInt32Attribute(file.get(), "schema_version", schema_version));
  }
}

class ResultReaderTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(ResultReaderTest, RoundTripsHeadlineContents) {
  models::RunResult written = SyntheticResult();
  written.summary.push_back({"cost.unknown_usd", std::nan(""), "USD", "Not computed"});
  const std::string path = dir_.File("run.h5");
  ASSERT_TRUE(WriteResultFile(written, path).ok());

  const Result<ResultFile> read = ReadResultFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const ResultFile& file = read.value();
  EXPECT_EQ(file.schema_version, 1);
  EXPECT_EQ(file.capsim_version, CAPSIM_VERSION_FOR_TEST);
  EXPECT_EQ(file.seed, written.seed);
  EXPECT_EQ(file.scenario_name, "synthetic");
  EXPECT_EQ(file.scenario_text, written.scenario_text);
  EXPECT_EQ(file.created.size(), 20u);
  ASSERT_EQ(file.summary.size(), written.summary.size());
  for (size_t i = 0; i < written.summary.size(); ++i) {
    EXPECT_TRUE(SameMetric(file.summary[i], written.summary[i])) << written.summary[i].key;
  }
}

TEST_F(ResultReaderTest, SingleRunMetricsHaveNoInterval) {
  const std::string path = dir_.File("run.h5");
  ASSERT_TRUE(WriteResultFile(SyntheticResult(), path).ok());
  const Result<ResultFile> read = ReadResultFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  for (const models::SummaryMetric& metric : read.value().summary) {
    EXPECT_TRUE(std::isnan(metric.half_width)) << metric.key;
    EXPECT_EQ(metric.replications, 1) << metric.key;
  }
}

TEST_F(ResultReaderTest, RoundTripsHalfWidthsAndReplicationCounts) {
  const models::RunResult written = SyntheticReplicatedResult();
  const std::string path = dir_.File("run.h5");
  ASSERT_TRUE(WriteResultFile(written, path).ok());
  const Result<ResultFile> read = ReadResultFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  const std::vector<models::SummaryMetric>& summary = read.value().summary;
  ASSERT_EQ(summary.size(), 3u);
  for (size_t i = 0; i < summary.size(); ++i) {
    EXPECT_TRUE(SameMetric(summary[i], written.summary[i])) << written.summary[i].key;
  }
  EXPECT_EQ(summary[0].half_width, 0.04968);
  EXPECT_EQ(summary[0].replications, 3);
  EXPECT_EQ(summary[1].half_width, 1.242);
  EXPECT_EQ(summary[1].replications, 3);
  EXPECT_TRUE(std::isnan(summary[2].half_width));  // no attribute written for NaN
  EXPECT_EQ(summary[2].replications, 1);
}

TEST_F(ResultReaderTest, ReadsACountWithoutHalfWidth) {
  models::RunResult written = SyntheticResult();
  written.summary[0].replications = 0;
  const std::string path = dir_.File("run.h5");
  ASSERT_TRUE(WriteResultFile(written, path).ok());
  const Result<ResultFile> read = ReadResultFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(std::isnan(read.value().summary[0].half_width));
  EXPECT_EQ(read.value().summary[0].replications, 0);
}

TEST_F(ResultReaderTest, KeepsStoredOrderRatherThanNameOrder) {
  models::RunResult written = SyntheticResult();
  written.summary = {{"z.last", 1, "1", "z"}, {"a.first", 2, "1", "a"}, {"m.mid", 3, "1", "m"}};
  const std::string path = dir_.File("run.h5");
  ASSERT_TRUE(WriteResultFile(written, path).ok());
  const Result<ResultFile> read = ReadResultFile(path);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read.value().summary.size(), 3u);
  EXPECT_EQ(read.value().summary[0].key, "z.last");
  EXPECT_EQ(read.value().summary[1].key, "a.first");
  EXPECT_EQ(read.value().summary[2].key, "m.mid");
}

TEST_F(ResultReaderTest, MissingFile) {
  const std::string path = dir_.File("missing.h5");
  EXPECT_EQ(ReadResultFile(path).status().ToString(), path + ": cannot read: file does not exist");
}

TEST_F(ResultReaderTest, NotAnHdf5File) {
  const std::string path = dir_.File("notes.txt");
  std::ofstream(path) << "just text\n";
  EXPECT_EQ(ReadResultFile(path).status().ToString(), path + ": cannot read: not an HDF5 file");
}

TEST_F(ResultReaderTest, Directory) {
  EXPECT_EQ(ReadResultFile(dir_.path()).status().ToString(),
            dir_.path() + ": cannot read: it is a directory");
}

TEST_F(ResultReaderTest, HdfFileWithoutSchemaAttribute) {
  const std::string path = dir_.File("other.h5");
  WriteBareHdf5(path, nullptr, 0);
  EXPECT_EQ(ReadResultFile(path).status().ToString(),
            path + ": not a capsim result file: no 'schema' attribute");
}

TEST_F(ResultReaderTest, HdfFileWithAnotherSchema) {
  const std::string path = dir_.File("other.h5");
  WriteBareHdf5(path, "netcdf.thing", 1);
  EXPECT_EQ(ReadResultFile(path).status().ToString(),
            path + ": not a capsim result file: schema is 'netcdf.thing', expected 'capsim.run'");
}

TEST_F(ResultReaderTest, NewerSchemaVersion) {
  const std::string path = dir_.File("future.h5");
  WriteBareHdf5(path, "capsim.run", 2);
  EXPECT_EQ(ReadResultFile(path).status().ToString(),
            path + ": schema_version 2 is newer than this capsim supports (1); use a newer capsim");
}

TEST_F(ResultReaderTest, MissingSchemaVersion) {
  const std::string path = dir_.File("odd.h5");
  WriteBareHdf5(path, "capsim.run", 0);
  EXPECT_EQ(ReadResultFile(path).status().ToString(),
            path + ": missing or invalid 'schema_version' attribute");
}

TEST_F(ResultReaderTest, TruncatedFileIsAnErrorNotACrash) {
  const std::string path = dir_.File("run.h5");
  ASSERT_TRUE(WriteResultFile(SyntheticResult(), path).ok());
  std::filesystem::resize_file(path, 2048);
  const Result<ResultFile> read = ReadResultFile(path);
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.status().ToString(), HasSubstr(path + ": "));
}

}  // namespace
}  // namespace capsim::reports
