#include "reports/hdf5_util.h"

#include <vector>

namespace capsim::reports::hdf5 {
namespace {

std::mutex& Hdf5Mutex() {
  static std::mutex mutex;
  return mutex;
}

// H5Ewalk2 callback: keeps the description of the first (innermost) entry that has one.
herr_t KeepInnermost(unsigned /*n*/, const H5E_error2_t* error, void* data) {
  auto* out = static_cast<std::string*>(data);
  if (out->empty() && error->desc != nullptr && error->desc[0] != '\0') *out = error->desc;
  return 0;
}

// Keeps the error stack of a failure across the cleanup calls that follow it (every HDF5 API
// call clears the stack on entry). Declare it before the handles whose closing it survives.
class ErrorKeeper {
 public:
  ErrorKeeper() = default;
  ~ErrorKeeper() {
    if (stack_ >= 0) H5Eset_current_stack(stack_);  // also closes stack_
  }
  ErrorKeeper(const ErrorKeeper&) = delete;
  ErrorKeeper& operator=(const ErrorKeeper&) = delete;

  // Saves the current error stack, to be restored on destruction; returns false.
  bool Fail() {
    if (stack_ < 0) stack_ = H5Eget_current_stack();
    return false;
  }

 private:
  hid_t stack_ = -1;
};

// Writes a scalar attribute of file type `file_type` from memory of type `mem_type`.
bool WriteScalarAttribute(hid_t object, const char* name, hid_t file_type, hid_t mem_type,
                          const void* value) {
  ErrorKeeper errors;
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  if (!space.valid()) return errors.Fail();
  Handle attribute(H5Acreate2(object, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                   H5Aclose);
  if (!attribute.valid()) return errors.Fail();
  if (H5Awrite(attribute.get(), mem_type, value) < 0) return errors.Fail();
  return attribute.Close() || errors.Fail();
}

// Opens attribute `name` of `object` if it exists and holds exactly one element.
Handle OpenScalarAttribute(hid_t object, const char* name) {
  if (!HasAttribute(object, name)) return Handle();
  Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  if (!attribute.valid()) return Handle();
  Handle space(H5Aget_space(attribute.get()), H5Sclose);
  if (!space.valid() || H5Sget_simple_extent_npoints(space.get()) != 1) return Handle();
  return attribute;
}

}  // namespace

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    Close();
    id_ = other.id_;
    close_ = other.close_;
    other.id_ = -1;
  }
  return *this;
}

bool Handle::Close() {
  if (id_ < 0 || close_ == nullptr) {
    id_ = -1;
    return true;
  }
  const herr_t status = close_(id_);
  id_ = -1;
  return status >= 0;
}

ScopedAccess::ScopedAccess() : lock_(Hdf5Mutex()) {
  H5Eget_auto2(H5E_DEFAULT, &saved_function_, &saved_data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

ScopedAccess::~ScopedAccess() {
  H5Eclear2(H5E_DEFAULT);
  H5Eset_auto2(H5E_DEFAULT, saved_function_, saved_data_);
}

std::string ErrorDetail() {
  std::string detail;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, KeepInnermost, &detail);
  H5Eclear2(H5E_DEFAULT);
  for (char& c : detail) {
    if (c == '\n') c = ' ';
  }
  // The file drivers report "unable to open file: name = '...', errno = 2, error message =
  // 'No such file or directory', flags = ..."; keep the head and the system message.
  const std::string marker = "error message = '";
  const size_t start = detail.find(marker);
  const size_t head = detail.find(':');
  if (start != std::string::npos && head != std::string::npos && head < start) {
    const size_t end = detail.find('\'', start + marker.size());
    if (end != std::string::npos) {
      return detail.substr(0, head) + ": " +
             detail.substr(start + marker.size(), end - start - marker.size());
    }
  }
  return detail;
}

Handle NewStringType() {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!type.valid()) return type;
  if (H5Tset_size(type.get(), H5T_VARIABLE) < 0 || H5Tset_cset(type.get(), H5T_CSET_UTF8) < 0) {
    return Handle();
  }
  return type;
}

bool WriteStringAttribute(hid_t object, const char* name, std::string_view value) {
  ErrorKeeper errors;
  Handle type = NewStringType();
  if (!type.valid()) return errors.Fail();
  const std::string copy(value);
  const char* data = copy.c_str();
  return WriteScalarAttribute(object, name, type.get(), type.get(), &data) || errors.Fail();
}

bool WriteInt32Attribute(hid_t object, const char* name, int32_t value) {
  return WriteScalarAttribute(object, name, H5T_STD_I32LE, H5T_NATIVE_INT32, &value);
}

bool WriteUint64Attribute(hid_t object, const char* name, uint64_t value) {
  return WriteScalarAttribute(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

bool HasAttribute(hid_t object, const char* name) { return H5Aexists(object, name) > 0; }

std::optional<std::string> ReadStringAttribute(hid_t object, const char* name) {
  Handle attribute = OpenScalarAttribute(object, name);
  if (!attribute.valid()) return std::nullopt;
  Handle file_type(H5Aget_type(attribute.get()), H5Tclose);
  if (!file_type.valid() || H5Tget_class(file_type.get()) != H5T_STRING) return std::nullopt;
  Handle mem_type(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!mem_type.valid()) return std::nullopt;
  H5Tset_cset(mem_type.get(), H5Tget_cset(file_type.get()));
  const htri_t variable = H5Tis_variable_str(file_type.get());
  if (variable < 0) return std::nullopt;
  if (variable > 0) {
    if (H5Tset_size(mem_type.get(), H5T_VARIABLE) < 0) return std::nullopt;
    char* data = nullptr;
    if (H5Aread(attribute.get(), mem_type.get(), &data) < 0) return std::nullopt;
    std::string value = data != nullptr ? std::string(data) : std::string();
    H5free_memory(data);
    return value;
  }
  const size_t size = H5Tget_size(file_type.get());
  if (size == 0 || H5Tset_size(mem_type.get(), size) < 0) return std::nullopt;
  std::vector<char> buffer(size + 1, '\0');
  if (H5Aread(attribute.get(), mem_type.get(), buffer.data()) < 0) return std::nullopt;
  return std::string(buffer.data());  // stops at the first NUL (null-terminated/padded)
}

std::optional<int64_t> ReadInt64Attribute(hid_t object, const char* name) {
  Handle attribute = OpenScalarAttribute(object, name);
  if (!attribute.valid()) return std::nullopt;
  Handle file_type(H5Aget_type(attribute.get()), H5Tclose);
  if (!file_type.valid() || H5Tget_class(file_type.get()) != H5T_INTEGER) return std::nullopt;
  if (H5Tget_sign(file_type.get()) == H5T_SGN_NONE) {
    uint64_t value = 0;
    if (H5Aread(attribute.get(), H5T_NATIVE_UINT64, &value) < 0) return std::nullopt;
    if (value > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(value);
  }
  int64_t value = 0;
  if (H5Aread(attribute.get(), H5T_NATIVE_INT64, &value) < 0) return std::nullopt;
  return value;
}

std::optional<uint64_t> ReadUint64Attribute(hid_t object, const char* name) {
  Handle attribute = OpenScalarAttribute(object, name);
  if (!attribute.valid()) return std::nullopt;
  Handle file_type(H5Aget_type(attribute.get()), H5Tclose);
  if (!file_type.valid() || H5Tget_class(file_type.get()) != H5T_INTEGER) return std::nullopt;
  if (H5Tget_sign(file_type.get()) != H5T_SGN_NONE) {
    int64_t value = 0;
    if (H5Aread(attribute.get(), H5T_NATIVE_INT64, &value) < 0 || value < 0) return std::nullopt;
    return static_cast<uint64_t>(value);
  }
  uint64_t value = 0;
  if (H5Aread(attribute.get(), H5T_NATIVE_UINT64, &value) < 0) return std::nullopt;
  return value;
}

}  // namespace capsim::reports::hdf5
