#include "reports/result_reader.h"

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <system_error>
#include <utility>

#include "reports/hdf5_util.h"
#include "reports/result_schema.h"

namespace capsim::reports {
namespace {

using hdf5::Handle;

// H5Literate callback: collects link names in iteration order.
herr_t CollectName(hid_t /*group*/, const char* name, const H5L_info_t* /*info*/, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

// Reads a scalar numeric attribute as a double; nullopt if absent or not a single number.
std::optional<double> ReadDoubleAttribute(hid_t object, const char* name) {
  if (!hdf5::HasAttribute(object, name)) return std::nullopt;
  Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  if (!attribute.valid()) return std::nullopt;
  Handle type(H5Aget_type(attribute.get()), H5Tclose);
  Handle space(H5Aget_space(attribute.get()), H5Sclose);
  const H5T_class_t type_class = type.valid() ? H5Tget_class(type.get()) : H5T_NO_CLASS;
  if (!space.valid() || H5Sget_simple_extent_npoints(space.get()) != 1 ||
      (type_class != H5T_FLOAT && type_class != H5T_INTEGER)) {
    return std::nullopt;
  }
  double value = 0;
  if (H5Aread(attribute.get(), H5T_NATIVE_DOUBLE, &value) < 0) return std::nullopt;
  return value;
}

// Reads one file; every failure names `path_`.
class FileReader {
 public:
  explicit FileReader(std::string path) : path_(std::move(path)) {}

  Result<ResultFile> Read() {
    std::error_code error;
    if (!std::filesystem::exists(path_, error)) {
      return Status::Error(path_ + ": cannot read: file does not exist");
    }
    if (std::filesystem::is_directory(path_, error)) {
      return Status::Error(path_ + ": cannot read: it is a directory");
    }
    const htri_t is_hdf5 = H5Fis_hdf5(path_.c_str());
    if (is_hdf5 == 0) return Status::Error(path_ + ": cannot read: not an HDF5 file");
    if (is_hdf5 < 0) return Fail("cannot read: cannot check whether it is an HDF5 file");
    Handle file(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file.valid()) return Fail("cannot open HDF5 file");

    ResultFile out;
    Status status = ReadRoot(file.get(), out);
    if (!status.ok()) return status;
    status = ReadSummary(file.get(), out.summary);
    if (!status.ok()) return status;
    return out;
  }

 private:
  Status Fail(const std::string& what) const {
    const std::string detail = hdf5::ErrorDetail();
    return Status::Error(path_ + ": " + what + (detail.empty() ? "" : ": " + detail));
  }

  Status ReadRoot(hid_t file, ResultFile& out) const {
    const std::optional<std::string> schema = hdf5::ReadStringAttribute(file, "schema");
    if (!schema) {
      return Status::Error(path_ + ": not a capsim result file: no 'schema' attribute");
    }
    if (*schema != kResultSchema) {
      return Status::Error(path_ + ": not a capsim result file: schema is '" + *schema +
                           "', expected '" + kResultSchema + "'");
    }
    const std::optional<int64_t> version = hdf5::ReadInt64Attribute(file, "schema_version");
    if (!version || *version < 1) {
      return Status::Error(path_ + ": missing or invalid 'schema_version' attribute");
    }
    if (*version > kResultSchemaVersion) {
      return Status::Error(path_ + ": schema_version " + std::to_string(*version) +
                           " is newer than this capsim supports (" +
                           std::to_string(kResultSchemaVersion) + "); use a newer capsim");
    }
    out.schema_version = static_cast<int>(*version);
    const std::optional<uint64_t> seed = hdf5::ReadUint64Attribute(file, "seed");
    if (!seed) return Status::Error(path_ + ": missing or invalid 'seed' attribute");
    out.seed = *seed;
    out.capsim_version = hdf5::ReadStringAttribute(file, "capsim_version").value_or("");
    out.created = hdf5::ReadStringAttribute(file, "created").value_or("");
    out.scenario_name = hdf5::ReadStringAttribute(file, "scenario_name").value_or("");
    return ReadScenarioText(file, out.scenario_text);
  }

  // Reads the scalar string dataset /scenario (variable- or fixed-length).
  Status ReadScenarioText(hid_t file, std::string& text) const {
    const std::string name = std::string("/") + kScenarioDataset;
    if (H5Lexists(file, kScenarioDataset, H5P_DEFAULT) <= 0) {
      return Status::Error(path_ + ": missing dataset '" + name + "'");
    }
    Handle dataset(H5Dopen2(file, kScenarioDataset, H5P_DEFAULT), H5Dclose);
    if (!dataset.valid()) return Fail("cannot open dataset '" + name + "'");
    Handle file_type(H5Dget_type(dataset.get()), H5Tclose);
    Handle space(H5Dget_space(dataset.get()), H5Sclose);
    if (!file_type.valid() || !space.valid() || H5Tget_class(file_type.get()) != H5T_STRING ||
        H5Sget_simple_extent_npoints(space.get()) != 1) {
      return Status::Error(path_ + ": dataset '" + name + "' is not a single string");
    }
    Handle mem_type(H5Tcopy(H5T_C_S1), H5Tclose);
    if (!mem_type.valid()) return Fail("cannot read dataset '" + name + "'");
    H5Tset_cset(mem_type.get(), H5Tget_cset(file_type.get()));
    if (H5Tis_variable_str(file_type.get()) > 0) {
      char* data = nullptr;
      if (H5Tset_size(mem_type.get(), H5T_VARIABLE) < 0 ||
          H5Dread(dataset.get(), mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &data) < 0) {
        return Fail("cannot read dataset '" + name + "'");
      }
      text = data != nullptr ? std::string(data) : std::string();
      H5free_memory(data);
      return Status::Ok();
    }
    const size_t size = H5Tget_size(file_type.get());
    std::vector<char> buffer(size + 1, '\0');
    if (H5Tset_size(mem_type.get(), size) < 0 ||
        H5Dread(dataset.get(), mem_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0) {
      return Fail("cannot read dataset '" + name + "'");
    }
    text = buffer.data();
    return Status::Ok();
  }

  // Reads every metric of /summary in creation order (name order for files without it).
  Status ReadSummary(hid_t file, std::vector<models::SummaryMetric>& summary) const {
    const std::string group_path = std::string("/") + kSummaryGroup;
    if (H5Lexists(file, kSummaryGroup, H5P_DEFAULT) <= 0) {
      return Status::Error(path_ + ": missing group '" + group_path + "'");
    }
    Handle group(H5Gopen2(file, kSummaryGroup, H5P_DEFAULT), H5Gclose);
    if (!group.valid()) return Fail("cannot open group '" + group_path + "'");
    Handle gcpl(H5Gget_create_plist(group.get()), H5Pclose);
    unsigned order_flags = 0;
    if (!gcpl.valid() || H5Pget_link_creation_order(gcpl.get(), &order_flags) < 0) {
      return Fail("cannot inspect group '" + group_path + "'");
    }
    const H5_index_t index =
        (order_flags & H5P_CRT_ORDER_INDEXED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
    std::vector<std::string> names;
    if (H5Literate(group.get(), index, H5_ITER_INC, nullptr, CollectName, &names) < 0) {
      return Fail("cannot list group '" + group_path + "'");
    }
    for (const std::string& name : names) {
      const std::string full_name = group_path + "/" + name;
      Handle dataset(H5Dopen2(group.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
      if (!dataset.valid()) return Fail("cannot open dataset '" + full_name + "'");
      Handle space(H5Dget_space(dataset.get()), H5Sclose);
      Handle type(H5Dget_type(dataset.get()), H5Tclose);
      const H5T_class_t type_class = type.valid() ? H5Tget_class(type.get()) : H5T_NO_CLASS;
      if (!space.valid() || H5Sget_simple_extent_npoints(space.get()) != 1 ||
          (type_class != H5T_FLOAT && type_class != H5T_INTEGER)) {
        return Status::Error(path_ + ": dataset '" + full_name + "' is not a single number");
      }
      models::SummaryMetric metric;
      metric.key = name;
      if (H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &metric.value) <
          0) {
        return Fail("cannot read dataset '" + full_name + "'");
      }
      metric.units = hdf5::ReadStringAttribute(dataset.get(), "units").value_or("");
      metric.long_name = hdf5::ReadStringAttribute(dataset.get(), "long_name").value_or("");
      metric.half_width = ReadDoubleAttribute(dataset.get(), kHalfWidthAttribute)
                              .value_or(std::numeric_limits<double>::quiet_NaN());
      const std::optional<int64_t> replications =
          hdf5::ReadInt64Attribute(dataset.get(), kReplicationsAttribute);
      metric.replications =
          replications && *replications >= 0 && *replications <= std::numeric_limits<int>::max()
              ? static_cast<int>(*replications)
              : 1;
      summary.push_back(std::move(metric));
    }
    return Status::Ok();
  }

  std::string path_;
};

}  // namespace

Result<ResultFile> ReadResultFile(const std::string& path) {
  hdf5::ScopedAccess access;
  return FileReader(path).Read();
}

}  // namespace capsim::reports
