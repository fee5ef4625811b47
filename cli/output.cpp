#include "cli/output.h"

#include <iostream>

namespace uet::cli {

void print_problems(std::ostream& out, const config::problem_list& problems) {
  for (const auto& p : problems)
    out << config::format(p) << '\n';
}

json problems_json(const config::problem_list& problems) {
  json arr = json::array();
  for (const auto& p : problems)
    arr.push_back(json{{"severity", p.level == config::severity::error ? "error" : "warning"},
                       {"file", p.file},
                       {"field", p.field},
                       {"message", p.message}});
  return arr;
}

void print_json(const json& doc) {
  // Invalid UTF-8 in user data must not abort the program: replace it.
  std::cout << doc.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

std::string plural(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string count_words(std::size_t errors, std::size_t warnings) {
  return plural(errors, "error") + ", " + plural(warnings, "warning");
}

} // namespace uet::cli
