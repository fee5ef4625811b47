// Small predicates the spec parsers share: identifiers, repository-relative
// paths, and whether an acceptance entry reads like a command.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace uet::config {

/// [a-z0-9][a-z0-9._-]*, at most 128 characters.
bool is_valid_id(std::string_view id);

/// Why path is not an acceptable repository-relative path or glob (empty,
/// absolute, containing a ".." component, a backslash or NUL, or a ".git"
/// component in any letter case),
/// or nullopt if it is fine.
std::optional<std::string> relative_path_problem(std::string_view path);

/// True when an acceptance entry reads like English prose rather than a shell
/// command ("All tests pass"): it would be handed to /bin/sh and fail.
bool looks_like_prose(std::string_view entry);

} // namespace uet::config
