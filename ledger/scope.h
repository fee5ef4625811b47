// Whether a repository path lies inside a workstream's allowed_paths.
//
// Pattern rules (docs/user-guide.md "Paths and scope"): `*` and `?` never
// cross '/', `**` crosses any number of directories (`a/**/b` matches `a/b`),
// `[abc]`/`[a-z]`/`[!x]` are character classes, a trailing '/' means "this
// directory", and a pattern that matches a leading directory of a path
// matches everything below it (`src/utils` allows `src/utils/x.py`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace uet::ledger {

/// Full-string glob match with the rules above, without the directory rule.
bool glob_match(std::string_view pattern, std::string_view path);

/// True when path (repository-relative, '/'-separated) is allowed by any of
/// the patterns, directory rule included.
bool in_scope(const std::vector<std::string>& patterns, std::string_view path);

} // namespace uet::ledger
