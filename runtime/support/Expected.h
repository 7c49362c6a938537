//===- Expected.h - Value-or-error results across module boundaries -*- C++
//-*-===//
//
// The runtime reports bad input (a broken plan, a corrupt model file, bad
// JSON) as values, not exceptions, so every front door can turn them into a
// one-line error or an HTTP 4xx. `Error` is a message; `Expected<T>` holds a
// T or an Error.
//
//===----------------------------------------------------------------------===//
#ifndef SGL_RUNTIME_SUPPORT_EXPECTED_H
#define SGL_RUNTIME_SUPPORT_EXPECTED_H

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace sgl {

/// A failure with a human-readable, single-line message.
struct Error {
  std::string message;
};

/// Holds either a value of type T or an Error.
template <typename T> class Expected {
public:
  Expected(T value) : storage_(std::move(value)) {}
  Expected(Error error) : storage_(std::move(error)) {}

  explicit operator bool() const { return storage_.index() == 0; }
  bool hasValue() const { return storage_.index() == 0; }

  T &operator*() {
    assert(hasValue() && "dereferencing an Expected that holds an error");
    return std::get<0>(storage_);
  }
  const T &operator*() const {
    assert(hasValue() && "dereferencing an Expected that holds an error");
    return std::get<0>(storage_);
  }
  T *operator->() { return &**this; }
  const T *operator->() const { return &**this; }

  const Error &error() const {
    assert(!hasValue() &&
           "asking for the error of an Expected that holds a value");
    return std::get<1>(storage_);
  }
  T take() { return std::move(**this); }

private:
  std::variant<T, Error> storage_;
};

/// Success or an Error, for operations without a result.
class Status {
public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), failed_(true) {}
  static Status ok() { return Status(); }

  bool isOk() const { return !failed_; }
  explicit operator bool() const { return !failed_; }
  const Error &error() const { return error_; }

private:
  Error error_;
  bool failed_ = false;
};

/// Builds an Error from a message.
inline Error makeError(std::string message) {
  return Error{std::move(message)};
}

} // namespace sgl

#endif // SGL_RUNTIME_SUPPORT_EXPECTED_H
