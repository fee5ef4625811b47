// Errors as values for the pure layers (config/, engine/, ledger/, persistence/)
// and the run layer. A failure carries one message a user can act on (it names
// the file, field or command that failed) and a kind, which decides the exit
// code in one place (base/exit_code.h) instead of at each call site. Library
// exceptions stop at the layer that called the library and become failures;
// nothing above that layer throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace uet {

/// What went wrong, as far as the caller needs to tell (LevelDB's
/// Status::Code). One line per kind.
enum class error_kind : std::uint8_t {
  internal,  ///< a bug, or a failure nothing here expected
  bad_input, ///< the user's files, arguments or repository are not usable as given
  busy,      ///< another writer holds what we need (a lock)
  io,        ///< a file or the state database could not be read or written
  git,       ///< a git command failed or could not start
  conflict,  ///< a patch does not fit the branch it is meant for
  refused,   ///< a change that may not become a patch (too big, a submodule)
};

struct failure {
  error_kind kind = error_kind::internal;
  std::string message;

  /// The same failure, its message prefixed with what was being done
  /// ("resume: " + message): the kind is kept.
  failure context(const std::string& prefix) const { return failure{kind, prefix + message}; }
};

/// A failure nobody expected (kind internal).
inline failure fail(std::string message) {
  return failure{error_kind::internal, std::move(message)};
}

inline failure fail(error_kind kind, std::string message) {
  return failure{kind, std::move(message)};
}

/// Either a T or the failure that prevented it. Ignoring one is a compile
/// error (-Werror): an error must be handled or dropped with (void) and a
/// reason.
template <class T>
class [[nodiscard]] expected {
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
  error_kind kind() const { return error().kind; }

private:
  std::variant<T, failure> v_;
};

/// Success or the failure that prevented it.
template <>
class [[nodiscard]] expected<void> {
public:
  expected() = default;
  expected(failure f) : f_(std::move(f)) {}

  bool ok() const { return !f_.has_value(); }
  explicit operator bool() const { return ok(); }
  const failure& error() const { return *f_; }
  const std::string& message() const { return f_->message; }
  error_kind kind() const { return f_->kind; }

private:
  std::optional<failure> f_;
};

using status = expected<void>;

} // namespace uet
