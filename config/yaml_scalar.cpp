#include "config/yaml_scalar.h"

namespace uet::config {

namespace {

bool all_of(std::string_view s, bool (*pred)(char)) {
  if (s.empty())
    return false;
  for (char c : s)
    if (!pred(c))
      return false;
  return true;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_octal(char c) {
  return c >= '0' && c <= '7';
}

// [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
bool is_core_float(std::string_view s) {
  std::size_t i = 0, n = s.size();
  if (i < n && (s[i] == '-' || s[i] == '+'))
    ++i;
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < n && is_digit(s[i])) {
    ++i;
    ++int_digits;
  }
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && is_digit(s[i])) {
      ++i;
      ++frac_digits;
    }
  }
  if (int_digits == 0 && frac_digits == 0)
    return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '-' || s[i] == '+'))
      ++i;
    std::size_t exp_digits = 0;
    while (i < n && is_digit(s[i])) {
      ++i;
      ++exp_digits;
    }
    if (exp_digits == 0)
      return false;
  }
  return i == n;
}

} // namespace

plain_kind resolve_plain(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL")
    return plain_kind::null;
  if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE")
    return plain_kind::boolean;
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && all_of(s.substr(2), is_hex))
    return plain_kind::number;
  if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && all_of(s.substr(2), is_octal))
    return plain_kind::number;
  if (is_core_float(s))
    return plain_kind::number;
  std::string_view t = s;
  if (t[0] == '-' || t[0] == '+')
    t = t.substr(1);
  if (t == ".inf" || t == ".Inf" || t == ".INF")
    return plain_kind::number;
  if (s == ".nan" || s == ".NaN" || s == ".NAN")
    return plain_kind::number;
  return plain_kind::string;
}

} // namespace uet::config
