// A strict RFC 8259 JSON reader into config::value. Numbers keep their
// lexeme, duplicate keys are an error (one of them would be lost), depth is
// bounded, and every error names line and column (1-based, in characters).
#pragma once

#include <string_view>

#include "base/expected.h"
#include "config/value.h"

namespace uet::config {

constexpr int max_nesting_depth = 256;

/// Parses text as one JSON value. On failure the message reads
/// "line L, column C: <problem>".
expected<value> parse_json(std::string_view text, int max_depth = max_nesting_depth);

} // namespace uet::config
