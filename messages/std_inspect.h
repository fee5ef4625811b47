// CAF 0.17 inspects caf::optional but not std::optional. These overloads live
// in namespace caf (and caf::detail, where the stringification inspector
// lives) so argument-dependent lookup finds them through the inspector type.
#pragma once

#include <optional>
#include <utility>

#include <caf/detail/scope_guard.hpp>
#include <caf/meta/type_name.hpp>

namespace caf {

template <class T>
struct std_optional_helper {
  bool& enabled;
  T& storage;
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, std_optional_helper& x) {
    return x.enabled ? f(x.storage) : f();
  }
};

template <class Inspector, class T>
typename std::enable_if<Inspector::reads_state, typename Inspector::result_type>::type
inspect(Inspector& f, std::optional<T>& x) {
  return x ? f(true, *x) : f(false);
}

template <class Inspector, class T>
typename std::enable_if<Inspector::writes_state, typename Inspector::result_type>::type
inspect(Inspector& f, std::optional<T>& x) {
  bool flag = false;
  T tmp{};
  std_optional_helper<T> helper{flag, tmp};
  auto guard = detail::make_scope_guard([&] {
    if (flag)
      x = std::move(tmp);
    else
      x = std::nullopt;
  });
  return f(flag, helper);
}

namespace detail {
using caf::inspect;
} // namespace detail

} // namespace caf
