#ifndef CAPSIM_SIM_STATUS_H_
#define CAPSIM_SIM_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace capsim {

// The outcome of an operation at a boundary (files, YAML, HDF5, command line).
// An error carries one or more problems, each a full human-readable line such as
// "scenarios/x.yaml:14:7: fleet.pools[0].gpu: unknown GPU 'H1000'; known: H100-SXM, ...".
//
//   Status s = LoadSomething(path);
//   if (!s.ok()) { std::cerr << s.ToString(); return 1; }
class Status {
 public:
  // Success.
  static Status Ok() { return Status(); }
  // A failure with one problem line.
  static Status Error(std::string problem) {
    Status s;
    s.problems_.push_back(std::move(problem));
    return s;
  }
  // A failure with several problem lines; `problems` must not be empty.
  static Status Errors(std::vector<std::string> problems) {
    assert(!problems.empty());
    Status s;
    s.problems_ = std::move(problems);
    return s;
  }

  bool ok() const { return problems_.empty(); }
  // The problem lines, in the order they were found; empty when ok().
  const std::vector<std::string>& problems() const { return problems_; }
  // All problem lines joined with '\n' (no trailing newline); "OK" when ok().
  std::string ToString() const {
    if (ok()) return "OK";
    std::string out;
    for (size_t i = 0; i < problems_.size(); ++i) {
      if (i) out += '\n';
      out += problems_[i];
    }
    return out;
  }

 private:
  Status() = default;
  std::vector<std::string> problems_;
};

// Either a value or a non-ok Status.
//
//   Result<Scenario> r = LoadScenario(path);
//   if (!r.ok()) return r.status();
//   const Scenario& s = r.value();
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)), status_(Status::Ok()) {}  // NOLINT: implicit
  Result(Status status) : status_(std::move(status)) {                  // NOLINT: implicit
    assert(!status_.ok());
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T& value() & {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace capsim

#endif  // CAPSIM_SIM_STATUS_H_
