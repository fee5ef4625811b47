// CAF 0.17 inspects caf::optional and caf::variant but not std::optional and
// std::variant. These overloads live in namespace caf (and caf::detail,
// where the stringification inspector lives) so argument-dependent lookup
// finds them through the inspector type.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <variant>

#include <caf/detail/scope_guard.hpp>
#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/sec.hpp>

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

/// Reads the alternative whose index was read just before it.
template <class... Ts>
struct std_variant_helper {
  std::uint8_t& index;
  std::variant<Ts...>& x;

  template <class Inspector, std::size_t I = 0>
  typename Inspector::result_type load(Inspector& f) {
    if constexpr (I < sizeof...(Ts)) {
      if (index == I)
        return f(x.template emplace<I>());
      return load<Inspector, I + 1>(f);
    } else {
      return make_error(sec::invalid_argument, "variant index out of range");
    }
  }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, std_variant_helper& h) {
    return h.load(f);
  }
};

template <class Inspector, class... Ts>
typename std::enable_if<Inspector::reads_state, typename Inspector::result_type>::type
inspect(Inspector& f, std::variant<Ts...>& x) {
  auto index = static_cast<std::uint8_t>(x.index());
  return std::visit([&](auto& alternative) { return f(index, alternative); }, x);
}

template <class Inspector, class... Ts>
typename std::enable_if<Inspector::writes_state, typename Inspector::result_type>::type
inspect(Inspector& f, std::variant<Ts...>& x) {
  static_assert(sizeof...(Ts) < 256);
  std::uint8_t index = 0;
  std_variant_helper<Ts...> helper{index, x};
  return f(index, helper);
}

namespace detail {
using caf::inspect;
} // namespace detail

} // namespace caf
