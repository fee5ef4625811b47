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

// The matcher is a backtracking one; since its result depends only on the
// pair of positions, failed pairs are remembered, so a pattern with many
// stars against a long path costs O(|pattern| x |path|) steps at most, never
// exponential time.
class matcher {
public:
  matcher(std::string_view p, std::string_view s)
      : p_(p), s_(s), failed_((p.size() + 1) * (s.size() + 1), false) {}

  bool match(std::size_t pi, std::size_t si) {
    auto key = pi * (s_.size() + 1) + si;
    if (failed_[key])
      return false;
    bool r = match_uncached(pi, si);
    if (!r)
      failed_[key] = true;
    return r;
  }

private:
  bool match_uncached(std::size_t pi, std::size_t si) {
    const auto& p = p_;
    const auto& s = s_;
    while (pi < p.size()) {
      if (p[pi] == '*' && pi + 1 < p.size() && p[pi + 1] == '*') {
        std::size_t after = pi + 2;
        while (after < p.size() && p[after] == '*')
          ++after;
        if (after < p.size() && p[after] == '/') {
          // "**/" matches zero or more whole directories.
          for (std::size_t k = si; k <= s.size(); ++k)
            if ((k == si || s[k - 1] == '/') && match(after + 1, k))
              return true;
          return false;
        }
        for (std::size_t k = si; k <= s.size(); ++k)
          if (match(after, k))
            return true;
        return false;
      }
      if (p[pi] == '*') {
        for (std::size_t k = si;; ++k) {
          if (match(pi + 1, k))
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

  std::string_view p_, s_;
  std::vector<bool> failed_;
};

} // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  return matcher(pattern, path).match(0, 0);
}

bool in_scope(const std::vector<std::string>& patterns, std::string_view path) {
  for (std::string_view p : patterns) {
    if (p.empty())
      continue;
    // "docs/" is the directory docs: it allows what is below it, not a file
    // that happens to be named docs.
    bool dir_only = p.back() == '/';
    if (dir_only)
      p.remove_suffix(1);
    if (p.empty())
      continue; // "/" names no directory of the repository
    if (!dir_only && glob_match(p, path))
      return true;
    for (std::size_t i = 0; i < path.size(); ++i)
      if (path[i] == '/' && glob_match(p, path.substr(0, i)))
        return true;
  }
  return false;
}

} // namespace uet::ledger
