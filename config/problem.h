// One finding of validation, as the user reads it: "file: field: message".
// Validation collects every problem rather than stopping at the first.
#pragma once

#include <string>
#include <vector>

namespace uet::config {

enum class severity { error, warning };

struct problem {
  severity level = severity::error;
  std::string file;  ///< path as the user wrote it, relative to the project
  std::string field; ///< dotted field path, or "line L, column C" for syntax errors
  std::string message;
};

using problem_list = std::vector<problem>;

/// "file: field: message", warnings with a "warning: " before the message.
std::string format(const problem& p);

std::size_t count_errors(const problem_list& problems);

} // namespace uet::config
