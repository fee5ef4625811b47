// Errors as values for the pure layers (config/, engine/, ledger/, persistence/).
// A failure carries one message a user can act on: it names the file, field or
// command that failed. Library exceptions stop at the layer that called the
// library and become failures; nothing above that layer throws.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace uet {

struct failure {
  std::string message;
};

inline failure fail(std::string message) {
  return failure{std::move(message)};
}

/// Either a T or the failure that prevented it.
template <class T>
class expected {
public:
  expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  expected(failure f) : v_(std::in_place_index<1>, std::move(f)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const failure& error() const { return std::get<1>(v_); }
  const std::string& message() const { return error().message; }

private:
  std::variant<T, failure> v_;
};

/// Success or the failure that prevented it.
template <>
class expected<void> {
public:
  expected() = default;
  expected(failure f) : f_(std::move(f)) {}

  bool ok() const { return !f_.has_value(); }
  explicit operator bool() const { return ok(); }
  const failure& error() const { return *f_; }
  const std::string& message() const { return f_->message; }

private:
  std::optional<failure> f_;
};

using status = expected<void>;

} // namespace uet
