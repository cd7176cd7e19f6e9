// Status values returned across the kernels/ boundaries (CUDA, cuBLASLt, cuDNN): no exceptions.
#pragma once

#include <string>
#include <utility>

namespace capsim::kernels {

class Status {
 public:
  Status() = default;  // ok
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return !failed_; }
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message) : failed_(true), message_(std::move(message)) {}

  bool failed_ = false;
  std::string message_;
};

}  // namespace capsim::kernels

// Returns the Status from the enclosing function when `expr` is not ok.
#define CAPSIM_KERNELS_TRY(expr)                           \
  do {                                                     \
    ::capsim::kernels::Status capsim_status_ = (expr);     \
    if (!capsim_status_.ok()) return capsim_status_;       \
  } while (0)
