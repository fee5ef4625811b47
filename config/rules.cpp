#include "config/rules.h"

#include <sstream>
#include <vector>

#include "base/path_lookup.h"

namespace uet::config {

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 128)
    return false;
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_or_digit(id[0]))
    return false;
  for (char c : id)
    if (!lower_or_digit(c) && c != '.' && c != '_' && c != '-')
      return false;
  return true;
}

std::optional<std::string> relative_path_problem(std::string_view path) {
  if (path.empty())
    return "empty path";
  if (path.find('\0') != std::string_view::npos)
    return "path contains a NUL byte";
  if (path.find('\\') != std::string_view::npos)
    return "path contains a backslash; use '/' (paths are repository-relative POSIX paths)";
  if (path[0] == '/')
    return "absolute path; paths are relative to the repository root";
  if (path.size() > 1 && path[1] == ':')
    return "absolute (drive-letter) path; paths are relative to the repository root";
  if (path[0] == '~')
    return "home-relative path; paths are relative to the repository root";
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    auto part = path.substr(start, slash == std::string_view::npos ? std::string_view::npos
                                                                   : slash - start);
    if (part == "..")
      return "path contains '..'; it may not leave the repository";
    if (part.size() == 4 && part[0] == '.' && (part[1] | 0x20) == 'g' && (part[2] | 0x20) == 'i' &&
        (part[3] | 0x20) == 't')
      return "paths under .git/ are never allowed";
    if (slash == std::string_view::npos)
      break;
    start = slash + 1;
  }
  return std::nullopt;
}

namespace {

bool on_path(const std::string& word) {
  return find_on_path(word).has_value(); // a word with '/' never gets here
}

bool is_shell_word(const std::string& w) {
  static const char* words[] = {"cd",    "test", "[",      "export", "set",   "exit", "true",
                                "false", "echo", "if",     "for",    "!",     "exec", "command",
                                "env",   "eval", "source", ".",      "while", "case", "unset"};
  for (const char* s : words)
    if (w == s)
      return true;
  return false;
}

} // namespace

bool looks_like_prose(std::string_view entry) {
  std::vector<std::string> words;
  std::istringstream in{std::string(entry)};
  for (std::string w; in >> w;)
    words.push_back(w);
  if (words.empty())
    return false;
  const std::string& first = words[0];
  if (first.find('/') != std::string::npos || first.find('=') != std::string::npos ||
      is_shell_word(first) || on_path(first))
    return false;
  if (first[0] >= 'A' && first[0] <= 'Z')
    return true;
  if (words.size() < 3)
    return false;
  for (const auto& w : words) {
    if (w[0] == '-')
      return false; // a flag
    if (w.find_first_of("|<>$;&()`\"'*=") != std::string::npos)
      return false; // shell syntax
  }
  return true;
}

} // namespace uet::config
