#include "reports/result_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <set>
#include <system_error>
#include <vector>

#include <hdf5_hl.h>

#include "reports/hdf5_util.h"
#include "reports/result_schema.h"

#ifndef CAPSIM_VERSION
#define CAPSIM_VERSION "unknown"
#endif

namespace capsim::reports {
namespace {

using hdf5::Handle;
using models::Column;
using models::RunResult;
using models::Table;

constexpr hsize_t kMaxChunkElements = 4096;
constexpr unsigned kDeflateLevel = 4;

// The directory a file at `path` lives in ("." for a bare file name).
std::string DirectoryOf(const std::string& path) {
  const std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

std::string NowIso8601Utc() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

bool IsEmpty(const Table& table) {
  for (const models::TextColumn& column : table.text) {
    if (!column.values.empty()) return false;
  }
  for (const Column& column : table.numeric) {
    if (!column.values.empty()) return false;
  }
  return true;
}

// Writes a scalar IEEE double attribute `name` on `object`; false on error.
bool WriteDoubleAttribute(hid_t object, const char* name, double value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  if (!space.valid()) return false;
  Handle attribute(H5Acreate2(object, name, H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                   H5Aclose);
  return attribute.valid() && H5Awrite(attribute.get(), H5T_NATIVE_DOUBLE, &value) >= 0 &&
         attribute.Close();
}

std::string UnitsOrDimensionless(const std::string& units) { return units.empty() ? "1" : units; }

std::string LongNameOr(const std::string& long_name, const std::string& fallback) {
  return long_name.empty() ? fallback : long_name;
}

// ---- validation -------------------------------------------------------------------------

class Validator {
 public:
  // Checks that `text` holds no NUL byte (HDF5 strings are NUL-terminated).
  void Text(const std::string& what, const std::string& text) {
    if (text.find('\0') != std::string::npos) problems_.push_back(what + " contains a NUL byte");
  }

  // Checks that `name` can name an HDF5 link, is not `reserved` and is unique in `seen`.
  void Name(const std::string& what, const std::string& name, const std::string& reserved,
            std::set<std::string>& seen) {
    if (name.empty() || name == "." || name.find('/') != std::string::npos ||
        name.find('\0') != std::string::npos) {
      problems_.push_back(what + " has an invalid name '" + name +
                          "' (must be non-empty, not '.', without '/')");
    } else if (!reserved.empty() && name == reserved) {
      problems_.push_back(what + " may not be named '" + reserved + "' (reserved)");
    } else if (!seen.insert(name).second) {
      problems_.push_back(what + " '" + name + "' appears more than once");
    }
  }

  void Length(const std::string& what, size_t actual, size_t expected,
              const std::string& reference) {
    if (actual != expected) {
      problems_.push_back(what + " has " + std::to_string(actual) + " values but " + reference +
                          " has " + std::to_string(expected));
    }
  }

  void Numeric(const std::string& what, const Column& column) {
    Text(what + " units", column.units);
    Text(what + " long_name", column.long_name);
  }

  void Table(const std::string& table_name, const models::Table& table) {
    std::set<std::string> seen;
    const std::string prefix = "table '" + table_name + "' column";
    bool have_reference = false;
    size_t rows = 0;
    std::string reference;
    auto check_rows = [&](const std::string& name, size_t n) {
      if (!have_reference) {
        have_reference = true;
        rows = n;
        reference = "column '" + name + "'";
      } else {
        Length(prefix + " '" + name + "'", n, rows, reference);
      }
    };
    for (const models::TextColumn& column : table.text) {
      Name(prefix, column.name, kRowDataset, seen);
      Text(prefix + " '" + column.name + "' long_name", column.long_name);
      for (size_t i = 0; i < column.values.size(); ++i) {
        Text(prefix + " '" + column.name + "' row " + std::to_string(i), column.values[i]);
      }
      check_rows(column.name, column.values.size());
    }
    for (const Column& column : table.numeric) {
      Name(prefix, column.name, kRowDataset, seen);
      Numeric(prefix + " '" + column.name + "'", column);
      check_rows(column.name, column.values.size());
    }
  }

  void Run(const RunResult& result) {
    Text("scenario_name", result.scenario_name);
    Text("scenario_text", result.scenario_text);
    std::set<std::string> metrics;
    for (const models::SummaryMetric& metric : result.summary) {
      Name("summary metric", metric.key, "", metrics);
      Text("summary metric '" + metric.key + "' units", metric.units);
      Text("summary metric '" + metric.key + "' long_name", metric.long_name);
    }
    const size_t samples = result.timeseries.time.values.size();
    Numeric("timeseries time", result.timeseries.time);
    std::set<std::string> series;
    for (const Column& column : result.timeseries.series) {
      Name("timeseries series", column.name, kTimeDataset, series);
      Numeric("timeseries series '" + column.name + "'", column);
      Length("timeseries series '" + column.name + "'", column.values.size(), samples,
             "the time axis");
    }
    Table("jobs", result.jobs);
    Table("job_events", result.job_events);
    Table("requests", result.requests);
    Table(kReplicationsGroup, result.replications);
    std::set<std::string> table_names = {"jobs", "job_events", "requests"};
    for (const auto& [name, table] : result.extra_tables) {
      Name("table", name, "", table_names);
      Table(name, table);
    }
  }

  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

// Growth step of the in-memory file: about a quarter of the raw data, 1 to 64 MiB.
size_t CoreIncrement(const RunResult& result) {
  size_t bytes = result.scenario_text.size();
  auto add_table = [&bytes](const Table& table) {
    for (const models::TextColumn& column : table.text) {
      for (const std::string& value : column.values) bytes += value.size() + 16;
    }
    for (const Column& column : table.numeric) bytes += 8 * column.values.size() + 8;
  };
  bytes += 8 * result.timeseries.time.values.size();
  for (const Column& column : result.timeseries.series) bytes += 8 * column.values.size();
  add_table(result.jobs);
  add_table(result.job_events);
  add_table(result.requests);
  for (const auto& [name, table] : result.extra_tables) add_table(table);
  add_table(result.replications);
  return std::clamp<size_t>(bytes / 4, size_t{1} << 20, size_t{64} << 20);
}

// Creates (or truncates) `path` and writes `bytes` to it durably; "" or the errno message.
std::string WriteFileDurably(const std::string& path, const std::vector<unsigned char>& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return std::strerror(errno);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string error = n < 0 ? std::strerror(errno) : "short write";
      ::close(fd);
      return error;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    std::string error = std::strerror(errno);
    ::close(fd);
    return error;
  }
  if (::close(fd) != 0) return std::strerror(errno);
  return "";
}

// ---- writing ----------------------------------------------------------------------------

// Writes one RunResult into a fresh HDF5 file; every failure names `display_path`.
class FileWriter {
 public:
  explicit FileWriter(std::string display_path) : display_path_(std::move(display_path)) {}

  // Builds the whole file in memory (HDF5's core driver, no backing store) and returns its
  // image. Keeping HDF5 away from the disk means an I/O failure (disk full, quota) surfaces
  // in our own write() calls, never inside HDF5, which does not recover well from failed
  // flushes at close. `memory_name` must be unique among open files.
  Result<std::vector<unsigned char>> BuildImage(const RunResult& result,
                                                const std::string& memory_name) const {
    Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
    Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    if (!fcpl.valid() || !TrackOrder(fcpl.get()) || !fapl.valid() ||
        H5Pset_fapl_core(fapl.get(), CoreIncrement(result), false) < 0) {
      return Fail("cannot set up file creation");
    }
    Handle file(H5Fcreate(memory_name.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), H5Fclose);
    if (!file.valid()) return Fail("cannot create in-memory file");
    Status status = WriteRoot(file.get(), result);
    if (status.ok()) status = WriteSummary(file.get(), result);
    if (status.ok()) status = WriteTimeseries(file.get(), result.timeseries);
    if (status.ok()) {
      Handle tables = CreateGroup(file.get(), kTablesGroup);
      if (!tables.valid()) return Fail("cannot create group '/tables'");
      const std::string tables_path = std::string("/") + kTablesGroup;
      status = WriteTable(tables.get(), tables_path, "jobs", result.jobs);
      if (status.ok()) {
        status = WriteTable(tables.get(), tables_path, "job_events", result.job_events);
      }
      if (status.ok()) status = WriteTable(tables.get(), tables_path, "requests", result.requests);
      for (const auto& [name, table] : result.extra_tables) {
        if (status.ok()) status = WriteTable(tables.get(), tables_path, name, table);
      }
    }
    if (status.ok() && !IsEmpty(result.replications)) {
      status = WriteTable(file.get(), "", kReplicationsGroup, result.replications);
    }
    if (!status.ok()) return status;
    // H5Fget_file_image does not flush the metadata cache itself in HDF5 1.10.
    if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) return Fail("cannot flush the file");
    const ssize_t size = H5Fget_file_image(file.get(), nullptr, 0);
    if (size < 0) return Fail("cannot get the file image");
    std::vector<unsigned char> image(static_cast<size_t>(size));
    if (H5Fget_file_image(file.get(), image.data(), image.size()) != size) {
      return Fail("cannot get the file image");
    }
    if (!file.Close()) return Fail("cannot close the in-memory file");
    return image;
  }

 private:
  // An error naming the file, what failed and HDF5's innermost message.
  Status Fail(const std::string& what) const {
    const std::string detail = hdf5::ErrorDetail();
    return Status::Error(display_path_ + ": " + what + (detail.empty() ? "" : ": " + detail));
  }

  // Sets tracked+indexed link creation order and no object timestamps on a creation plist.
  static bool TrackOrder(hid_t plist) {
    return H5Pset_link_creation_order(plist, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0 &&
           H5Pset_obj_track_times(plist, false) >= 0;
  }

  static Handle CreateGroup(hid_t parent, const char* name) {
    Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
    if (!gcpl.valid() || !TrackOrder(gcpl.get())) return Handle();
    return Handle(H5Gcreate2(parent, name, H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose);
  }

  // Adds units and long_name attributes.
  Status Describe(hid_t dataset, const std::string& full_name, const std::string& units,
                  const std::string& long_name) const {
    if (!hdf5::WriteStringAttribute(dataset, "units", units)) {
      return Fail("cannot write attribute 'units' of '" + full_name + "'");
    }
    if (!hdf5::WriteStringAttribute(dataset, "long_name", long_name)) {
      return Fail("cannot write attribute 'long_name' of '" + full_name + "'");
    }
    return Status::Ok();
  }

  // Creates a chunked, shuffled and deflated 1-D dataset of `n` elements and writes `data`
  // (of memory type `mem_type`) into it. A 0-length dataset gets an unlimited maximum size
  // because HDF5 requires chunks no larger than fixed maximum dimensions.
  Result<Handle> WriteNumeric(hid_t group, const std::string& full_name, const std::string& name,
                              hid_t file_type, hid_t mem_type, const void* data, size_t n) const {
    const hsize_t dims[1] = {n};
    const hsize_t max_dims[1] = {n == 0 ? H5S_UNLIMITED : static_cast<hsize_t>(n)};
    Handle space(H5Screate_simple(1, dims, max_dims), H5Sclose);
    if (!space.valid()) return Fail("cannot create dataspace for '" + full_name + "'");
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    const hsize_t chunk[1] = {std::clamp<hsize_t>(n, 1, kMaxChunkElements)};
    if (!dcpl.valid() || H5Pset_obj_track_times(dcpl.get(), false) < 0 ||
        H5Pset_chunk(dcpl.get(), 1, chunk) < 0 || H5Pset_shuffle(dcpl.get()) < 0 ||
        H5Pset_deflate(dcpl.get(), kDeflateLevel) < 0) {
      return Fail("cannot set up chunking and compression for '" + full_name + "'");
    }
    Handle dataset(H5Dcreate2(group, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(),
                              H5P_DEFAULT),
                   H5Dclose);
    if (!dataset.valid()) return Fail("cannot create dataset '" + full_name + "'");
    if (n > 0 && H5Dwrite(dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
      return Fail("cannot write dataset '" + full_name + "'");
    }
    return dataset;
  }

  // Writes doubles as a numeric column with units (empty: "1") and long_name (empty: name).
  Result<Handle> WriteColumn(hid_t group, const std::string& group_path, const std::string& name,
                             const std::string& units, const std::string& long_name,
                             const std::vector<double>& values) const {
    const std::string full_name = group_path + "/" + name;
    Result<Handle> dataset = WriteNumeric(group, full_name, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                                          values.data(), values.size());
    if (!dataset.ok()) return dataset;
    Status status = Describe(dataset.value().get(), full_name, UnitsOrDimensionless(units),
                             LongNameOr(long_name, name));
    if (!status.ok()) return status;
    return dataset;
  }

  Result<Handle> WriteColumn(hid_t group, const std::string& group_path,
                             const Column& column) const {
    return WriteColumn(group, group_path, column.name, column.units, column.long_name,
                       column.values);
  }

  // Writes a 1-D (or, for `values.size() == 1` and `scalar`, scalar) UTF-8 string dataset.
  Result<Handle> WriteStrings(hid_t group, const std::string& full_name, const std::string& name,
                              const std::vector<std::string>& values, bool scalar) const {
    Handle type = hdf5::NewStringType();
    if (!type.valid()) return Fail("cannot create string type for '" + full_name + "'");
    const hsize_t dims[1] = {values.size()};
    Handle space(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, dims, nullptr), H5Sclose);
    if (!space.valid()) return Fail("cannot create dataspace for '" + full_name + "'");
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    if (!dcpl.valid() || H5Pset_obj_track_times(dcpl.get(), false) < 0) {
      return Fail("cannot set up dataset creation for '" + full_name + "'");
    }
    Handle dataset(H5Dcreate2(group, name.c_str(), type.get(), space.get(), H5P_DEFAULT, dcpl.get(),
                              H5P_DEFAULT),
                   H5Dclose);
    if (!dataset.valid()) return Fail("cannot create dataset '" + full_name + "'");
    std::vector<const char*> pointers;
    pointers.reserve(values.size());
    for (const std::string& value : values) pointers.push_back(value.c_str());
    if (!pointers.empty() &&
        H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) < 0) {
      return Fail("cannot write dataset '" + full_name + "'");
    }
    return dataset;
  }

  Status WriteRoot(hid_t file, const RunResult& result) const {
    const std::string created = NowIso8601Utc();
    if (!hdf5::WriteStringAttribute(file, "schema", kResultSchema) ||
        !hdf5::WriteInt32Attribute(file, "schema_version", kResultSchemaVersion) ||
        !hdf5::WriteStringAttribute(file, "capsim_version", CAPSIM_VERSION) ||
        !hdf5::WriteUint64Attribute(file, "seed", result.seed) ||
        !hdf5::WriteStringAttribute(file, "created", created) ||
        !hdf5::WriteStringAttribute(file, "scenario_name", result.scenario_name)) {
      return Fail("cannot write root attributes");
    }
    Result<Handle> scenario = WriteStrings(file, std::string("/") + kScenarioDataset,
                                           kScenarioDataset, {result.scenario_text}, true);
    if (!scenario.ok()) return scenario.status();
    if (!hdf5::WriteStringAttribute(scenario.value().get(), "long_name",
                                    "resolved scenario (YAML)")) {
      return Fail("cannot write attribute 'long_name' of '/scenario'");
    }
    return Status::Ok();
  }

  Status WriteSummary(hid_t file, const RunResult& result) const {
    Handle group = CreateGroup(file, kSummaryGroup);
    if (!group.valid()) return Fail("cannot create group '/summary'");
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    if (!space.valid() || !dcpl.valid() || H5Pset_obj_track_times(dcpl.get(), false) < 0) {
      return Fail("cannot set up summary datasets");
    }
    for (const models::SummaryMetric& metric : result.summary) {
      const std::string full_name = std::string("/summary/") + metric.key;
      Handle dataset(H5Dcreate2(group.get(), metric.key.c_str(), H5T_IEEE_F64LE, space.get(),
                                H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                     H5Dclose);
      if (!dataset.valid()) return Fail("cannot create dataset '" + full_name + "'");
      if (H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &metric.value) <
          0) {
        return Fail("cannot write dataset '" + full_name + "'");
      }
      Status status = Describe(dataset.get(), full_name, UnitsOrDimensionless(metric.units),
                               LongNameOr(metric.long_name, metric.key));
      if (!status.ok()) return status;
      const bool has_interval = !std::isnan(metric.half_width);
      if (has_interval &&
          !WriteDoubleAttribute(dataset.get(), kHalfWidthAttribute, metric.half_width)) {
        return Fail(std::string("cannot write attribute '") + kHalfWidthAttribute + "' of '" +
                    full_name + "'");
      }
      if ((has_interval || metric.replications != 1) &&
          !hdf5::WriteInt32Attribute(dataset.get(), kReplicationsAttribute, metric.replications)) {
        return Fail(std::string("cannot write attribute '") + kReplicationsAttribute + "' of '" +
                    full_name + "'");
      }
    }
    return Status::Ok();
  }

  Status WriteTimeseries(hid_t file, const models::Timeseries& timeseries) const {
    const std::string group_path = std::string("/") + kTimeseriesGroup;
    Handle group = CreateGroup(file, kTimeseriesGroup);
    if (!group.valid()) return Fail("cannot create group '" + group_path + "'");
    Result<Handle> axis =
        WriteColumn(group.get(), group_path, kTimeDataset, "s",
                    LongNameOr(timeseries.time.long_name, "time since the start of the run"),
                    timeseries.time.values);
    if (!axis.ok()) return axis.status();
    if (H5DSset_scale(axis.value().get(), kTimeDataset) < 0) {
      return Fail("cannot make '" + group_path + "/time' a dimension scale");
    }
    for (const Column& column : timeseries.series) {
      Result<Handle> dataset = WriteColumn(group.get(), group_path, column);
      if (!dataset.ok()) return dataset.status();
      if (H5DSattach_scale(dataset.value().get(), axis.value().get(), 0) < 0) {
        return Fail("cannot attach dimension 'time' to '" + group_path + "/" + column.name + "'");
      }
    }
    return Status::Ok();
  }

  // Writes `table` as the group `name` of `parent` (whose path is `parent_path`, "" for the
  // root): a "row" dimension scale and one column dataset attached to it per column.
  Status WriteTable(hid_t parent, const std::string& parent_path, const std::string& name,
                    const Table& table) const {
    const std::string group_path = parent_path + "/" + name;
    Handle group = CreateGroup(parent, name.c_str());
    if (!group.valid()) return Fail("cannot create group '" + group_path + "'");
    size_t rows = 0;
    if (!table.text.empty()) {
      rows = table.text.front().values.size();
    } else if (!table.numeric.empty()) {
      rows = table.numeric.front().values.size();
    }
    std::vector<int64_t> index(rows);
    for (size_t i = 0; i < rows; ++i) index[i] = static_cast<int64_t>(i);
    const std::string row_path = group_path + "/" + kRowDataset;
    Result<Handle> row = WriteNumeric(group.get(), row_path, kRowDataset, H5T_STD_I64LE,
                                      H5T_NATIVE_INT64, index.data(), rows);
    if (!row.ok()) return row.status();
    Status status = Describe(row.value().get(), row_path, "1", "row index");
    if (!status.ok()) return status;
    if (H5DSset_scale(row.value().get(), kRowDataset) < 0) {
      return Fail("cannot make '" + row_path + "' a dimension scale");
    }
    auto attach = [&](hid_t dataset, const std::string& column) -> Status {
      if (H5DSattach_scale(dataset, row.value().get(), 0) < 0) {
        return Fail("cannot attach dimension 'row' to '" + group_path + "/" + column + "'");
      }
      return Status::Ok();
    };
    for (const models::TextColumn& column : table.text) {
      const std::string full_name = group_path + "/" + column.name;
      Result<Handle> dataset =
          WriteStrings(group.get(), full_name, column.name, column.values, false);
      if (!dataset.ok()) return dataset.status();
      if (!hdf5::WriteStringAttribute(dataset.value().get(), "long_name",
                                      LongNameOr(column.long_name, column.name))) {
        return Fail("cannot write attribute 'long_name' of '" + full_name + "'");
      }
      status = attach(dataset.value().get(), column.name);
      if (!status.ok()) return status;
    }
    for (const Column& column : table.numeric) {
      Result<Handle> dataset = WriteColumn(group.get(), group_path, column);
      if (!dataset.ok()) return dataset.status();
      status = attach(dataset.value().get(), column.name);
      if (!status.ok()) return status;
    }
    return Status::Ok();
  }

  std::string display_path_;
};

}  // namespace

Status CheckWritable(const std::string& path) {
  if (path.empty()) return Status::Error("cannot write: the output path is empty");
  const std::string directory = DirectoryOf(path);
  const std::string prefix = path + ": cannot write: ";
  std::error_code error;
  const std::filesystem::file_status dir_status = std::filesystem::status(directory, error);
  if (!std::filesystem::exists(dir_status)) {
    return Status::Error(prefix + "directory '" + directory + "' does not exist");
  }
  if (!std::filesystem::is_directory(dir_status)) {
    return Status::Error(prefix + "'" + directory + "' is not a directory");
  }
  if (::access(directory.c_str(), W_OK | X_OK) != 0) {
    return Status::Error(prefix + "directory '" + directory + "' is not writable");
  }
  if (std::filesystem::is_directory(path, error)) {
    return Status::Error(prefix + "it is a directory");
  }
  return Status::Ok();
}

Status WriteResultFile(const models::RunResult& result, const std::string& path) {
  Status writable = CheckWritable(path);
  if (!writable.ok()) return writable;
  Validator validator;
  validator.Run(result);
  if (!validator.problems().empty()) {
    std::vector<std::string> problems;
    for (const std::string& problem : validator.problems()) {
      problems.push_back(path + ": cannot write: " + problem);
    }
    return Status::Errors(std::move(problems));
  }

  const std::string temp_path = path + ".tmp-" + std::to_string(::getpid());
  hdf5::ScopedAccess access;  // held until the rename so that no writer races on temp_path
  Result<std::vector<unsigned char>> image = FileWriter(path).BuildImage(result, temp_path);
  if (!image.ok()) return image.status();  // nothing was written to disk
  std::error_code ignored;
  if (std::filesystem::is_directory(temp_path, ignored)) {
    return Status::Error(path + ": cannot create temporary file '" + temp_path +
                         "': it is a directory");
  }
  Status status = Status::Ok();
  const std::string error = WriteFileDurably(temp_path, image.value());
  if (!error.empty()) {
    status = Status::Error(path + ": cannot write temporary file '" + temp_path + "': " + error);
  } else if (std::rename(temp_path.c_str(), path.c_str()) != 0) {
    status = Status::Error(path + ": cannot rename temporary file '" + temp_path +
                           "' onto it: " + std::strerror(errno));
  }
  if (!status.ok()) std::filesystem::remove(temp_path, ignored);
  return status;
}

}  // namespace capsim::reports
