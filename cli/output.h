// How commands print: problems as "file: field: message" lines, and --json
// documents (one pretty object on stdout).
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>

#include "config/problem.h"

namespace uet::cli {

using json = nlohmann::ordered_json;

void print_problems(std::ostream& out, const config::problem_list& problems);
json problems_json(const config::problem_list& problems);
void print_json(const json& doc);

/// "1 warning", "2 warnings" (English plural by appending "s").
std::string plural(std::size_t n, const std::string& noun);

/// "1 error, 2 warnings"
std::string count_words(std::size_t errors, std::size_t warnings);

} // namespace uet::cli
