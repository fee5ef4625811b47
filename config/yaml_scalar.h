// How a plain (unquoted) YAML scalar resolves under the YAML 1.2 core schema.
// Shared by the reader (to type what it reads) and the writer (to know when a
// string must be quoted so it reads back as a string).
#pragma once

#include <string_view>

namespace uet::config {

enum class plain_kind { null, boolean, number, string };

plain_kind resolve_plain(std::string_view text);

} // namespace uet::config
