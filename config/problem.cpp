#include "config/problem.h"

#include <algorithm>

namespace uet::config {

std::string format(const problem& p) {
  std::string out = p.file;
  if (!p.field.empty())
    out += ": " + p.field;
  out += ": ";
  if (p.level == severity::warning)
    out += "warning: ";
  return out + p.message;
}

std::size_t count_errors(const problem_list& problems) {
  return static_cast<std::size_t>(
      std::count_if(problems.begin(), problems.end(),
                    [](const problem& p) { return p.level == severity::error; }));
}

} // namespace uet::config
