// Reads typed fields out of a config::value object and records a problem for
// each missing, mistyped, out-of-range or unknown field, naming it by its
// dotted path (e.g. "constraints.file_scope.allowed_paths[2]").
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "config/problem.h"
#include "config/value.h"

namespace uet::config {

class field_reader {
public:
  /// obj may be any value; if it is not an object, one problem says so.
  field_reader(const value& obj, std::string file, std::string path, problem_list& out);

  bool is_object() const { return obj_ != nullptr; }
  const value* get(const std::string& key) const;
  std::string path_of(const std::string& key) const;

  std::optional<std::string> string(const std::string& key, bool required = false);
  std::optional<std::int64_t> integer(const std::string& key, std::int64_t min, std::int64_t max,
                                      bool required = false);
  std::optional<double> real(const std::string& key, double min, double max);
  std::optional<bool> boolean(const std::string& key);
  /// A list of strings; each element checked. Absent -> nullopt.
  std::optional<std::vector<std::string>> string_list(const std::string& key,
                                                      bool required = false);
  /// A nested object, or nullptr (with a problem if present but not an object).
  const value* object(const std::string& key, bool required = false);

  /// Records a problem for every key not in allowed ("did you mean ...").
  void reject_unknown(std::initializer_list<const char*> allowed);

  void error(const std::string& field, std::string message);
  void warning(const std::string& field, std::string message);

private:
  const value* obj_ = nullptr;
  std::string file_;
  std::string path_;
  problem_list& out_;

  void add(severity s, const std::string& field, std::string message);
};

/// The closest candidate by edit distance, if it is close enough to be a typo.
std::optional<std::string> closest_match(const std::string& word,
                                         const std::vector<std::string>& candidates);

} // namespace uet::config
