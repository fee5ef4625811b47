#include "ledger/scope.h"

namespace uet::ledger {

namespace {

// Matches a [...] class at pattern[pi]; sets next to the index after ']'.
// A pattern with no closing ']' treats '[' as a literal.
bool class_match(std::string_view p, std::size_t pi, char c, std::size_t& next, bool& ok) {
  std::size_t i = pi + 1;
  bool negate = i < p.size() && (p[i] == '!' || p[i] == '^');
  if (negate)
    ++i;
  bool matched = false;
  bool first = true;
  for (; i < p.size() && (first || p[i] != ']'); first = false) {
    char lo = p[i];
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      char hi = p[i + 2];
      matched = matched || (c >= lo && c <= hi);
      i += 3;
    } else {
      matched = matched || c == lo;
      ++i;
    }
  }
  if (i >= p.size())
    return false; // no closing bracket
  next = i + 1;
  ok = c != '/' && matched != negate;
  return true;
}

bool match_from(std::string_view p, std::size_t pi, std::string_view s, std::size_t si) {
  while (pi < p.size()) {
    if (p[pi] == '*' && pi + 1 < p.size() && p[pi + 1] == '*') {
      std::size_t after = pi + 2;
      while (after < p.size() && p[after] == '*')
        ++after;
      if (after < p.size() && p[after] == '/') {
        // "**/" matches zero or more whole directories.
        for (std::size_t k = si; k <= s.size(); ++k)
          if ((k == si || s[k - 1] == '/') && match_from(p, after + 1, s, k))
            return true;
        return false;
      }
      for (std::size_t k = si; k <= s.size(); ++k)
        if (match_from(p, after, s, k))
          return true;
      return false;
    }
    if (p[pi] == '*') {
      for (std::size_t k = si;; ++k) {
        if (match_from(p, pi + 1, s, k))
          return true;
        if (k >= s.size() || s[k] == '/')
          return false;
      }
    }
    if (si >= s.size())
      return false;
    if (p[pi] == '?') {
      if (s[si] == '/')
        return false;
      ++pi;
      ++si;
      continue;
    }
    if (p[pi] == '[') {
      std::size_t next = 0;
      bool ok = false;
      if (class_match(p, pi, s[si], next, ok)) {
        if (!ok)
          return false;
        pi = next;
        ++si;
        continue;
      }
    }
    if (p[pi] != s[si])
      return false;
    ++pi;
    ++si;
  }
  return si == s.size();
}

} // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  return match_from(pattern, 0, path, 0);
}

bool in_scope(const std::vector<std::string>& patterns, std::string_view path) {
  for (std::string_view p : patterns) {
    if (p.empty())
      continue;
    if (p.back() == '/')
      p.remove_suffix(1); // "docs/" is the directory docs
    if (glob_match(p, path))
      return true;
    for (std::size_t i = 0; i < path.size(); ++i)
      if (path[i] == '/' && glob_match(p, path.substr(0, i)))
        return true;
  }
  return false;
}

} // namespace uet::ledger
