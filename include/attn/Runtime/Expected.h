//===- Expected.h - Small result types for the runtime ---------*- C++ -*-===//
//
// The runtime reports every user error (bad file, bad shape, bad manifest) as
// a message, never through exceptions or asserts: it is used from tools that
// must print the message and exit, and from other languages through a C API.
//
//===----------------------------------------------------------------------===//

#ifndef ATTN_RUNTIME_EXPECTED_H
#define ATTN_RUNTIME_EXPECTED_H

#include <optional>
#include <sstream>
#include <string>
#include <utility>

namespace attn {
namespace runtime {

/// An error message. Returned where an `Expected<T>` or `Status` is expected.
struct Error {
  std::string message;
};

/// Builds an `Error` by streaming every argument, e.g.
/// `makeError("expected rank ", 4, ", got ", 3)`.
template <typename... Args> Error makeError(Args &&...args) {
  std::ostringstream os;
  (os << ... << std::forward<Args>(args));
  return Error{os.str()};
}

/// Either a value or an error message.
template <typename T> class Expected {
public:
  Expected(T value) : value(std::move(value)) {}
  Expected(Error error) : error(std::move(error.message)) {}

  explicit operator bool() const { return value.has_value(); }
  T &operator*() { return *value; }
  const T &operator*() const { return *value; }
  T *operator->() { return &*value; }
  const T *operator->() const { return &*value; }
  /// The error message; empty on success.
  const std::string &getError() const { return error; }
  /// Converts a failure into an `Error` of another `Expected`.
  Error takeError() { return Error{std::move(error)}; }

private:
  std::optional<T> value;
  std::string error;
};

/// Success, or an error message.
class Status {
public:
  Status() = default;
  Status(Error error) : failed(true), error(std::move(error.message)) {}
  static Status success() { return Status(); }

  explicit operator bool() const { return !failed; }
  const std::string &getError() const { return error; }
  Error takeError() { return Error{std::move(error)}; }

private:
  bool failed = false;
  std::string error;
};

} // namespace runtime
} // namespace attn

#endif // ATTN_RUNTIME_EXPECTED_H
