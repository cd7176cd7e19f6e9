#ifndef CAPSIM_REPORTS_HDF5_UTIL_H_
#define CAPSIM_REPORTS_HDF5_UTIL_H_

// Internal helpers of the reports layer around the HDF5 C API. Private to reports/: only
// reports/*.cc and the reports tests include this header (it includes <hdf5.h>).

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <hdf5.h>

namespace capsim::reports::hdf5 {

// Owns one HDF5 identifier and releases it with the matching close function (H5Fclose,
// H5Gclose, ...) when destroyed. An invalid (negative) identifier is never closed.
class Handle {
 public:
  using CloseFunction = herr_t (*)(hid_t);

  Handle() = default;
  // Takes ownership of `id` (which may be negative, meaning the call that made it failed).
  Handle(hid_t id, CloseFunction close) : id_(id), close_(close) {}
  ~Handle() { Close(); }
  Handle(Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  // The identifier, or a negative value when the creating call failed.
  hid_t get() const { return id_; }
  // True when the identifier is usable.
  bool valid() const { return id_ >= 0; }
  // Closes the identifier now; returns false if HDF5 reported an error while closing.
  bool Close();

 private:
  hid_t id_ = -1;
  CloseFunction close_ = nullptr;
};

// Serialises all HDF5 calls of the process (Debian's serial HDF5 is not thread-safe) and
// turns off HDF5's automatic printing of its error stack for the lifetime of the object;
// errors are reported through Status instead, using ErrorDetail(). Not reentrant.
class ScopedAccess {
 public:
  ScopedAccess();
  ~ScopedAccess();
  ScopedAccess(const ScopedAccess&) = delete;
  ScopedAccess& operator=(const ScopedAccess&) = delete;

 private:
  std::unique_lock<std::mutex> lock_;
  H5E_auto2_t saved_function_ = nullptr;
  void* saved_data_ = nullptr;
};

// The innermost message of the current thread's HDF5 error stack, file-driver messages
// condensed to "unable to open file: No such file or directory"; clears the stack; "" when
// the stack is empty.
std::string ErrorDetail();

// A variable-length UTF-8 string datatype (caller owns it).
Handle NewStringType();

// Writes a scalar variable-length UTF-8 string attribute `name` on `object`; false on error.
bool WriteStringAttribute(hid_t object, const char* name, std::string_view value);
// Writes a scalar 32-bit signed integer attribute; false on error.
bool WriteInt32Attribute(hid_t object, const char* name, int32_t value);
// Writes a scalar 64-bit unsigned integer attribute; false on error.
bool WriteUint64Attribute(hid_t object, const char* name, uint64_t value);

// True when `object` has an attribute `name` (false also on error).
bool HasAttribute(hid_t object, const char* name);
// Reads a scalar string attribute (variable- or fixed-length); nullopt if absent or not a
// string.
std::optional<std::string> ReadStringAttribute(hid_t object, const char* name);
// Reads a scalar integer attribute converted to int64; nullopt if absent or not an integer.
std::optional<int64_t> ReadInt64Attribute(hid_t object, const char* name);
// Reads a scalar integer attribute converted to uint64; nullopt if absent, not an integer
// or out of range.
std::optional<uint64_t> ReadUint64Attribute(hid_t object, const char* name);

}  // namespace capsim::reports::hdf5

#endif  // CAPSIM_REPORTS_HDF5_UTIL_H_
