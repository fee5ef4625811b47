// Loads YAML into config::value without trusting the input: the text must be
// UTF-8 without NUL bytes, one document only, and the expanded tree (aliases
// followed) is bounded in depth, node count and bytes, so "billion laughs"
// and 100,000-level nesting end as errors in milliseconds.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "base/expected.h"
#include "config/value.h"

namespace uet::config {

struct yaml_limits {
  int max_depth = 256;
  std::size_t max_nodes = 200'000;            ///< after expanding aliases
  std::size_t max_expanded_bytes = 32u << 20; ///< scalar bytes after expanding aliases
  std::size_t max_file_bytes = 16u << 20;
};

/// Parses one YAML document. Plain scalars are typed by the YAML 1.2 core
/// schema; quoted ones are always strings. An empty document is an error.
/// Failure messages start with "line L, column C: " when a place is known.
expected<value> parse_yaml(std::string_view text, const yaml_limits& limits = {});

/// Reads path and parses it. Failure messages do not repeat the path.
expected<value> load_yaml_file(const std::filesystem::path& path, const yaml_limits& limits = {});

/// Checks that text is UTF-8 without NUL bytes; the failure says where.
status check_text(std::string_view text);

namespace detail {
/// parse_yaml after its text checks, two ways that must agree (tests):
/// from the parser's events (what parse_yaml uses), and through
/// yaml-cpp's node tree (what the events way falls back to for aliases).
expected<value> parse_yaml_events(std::string_view text, const yaml_limits& limits);
expected<value> parse_yaml_nodes(std::string_view text, const yaml_limits& limits);
} // namespace detail

} // namespace uet::config
