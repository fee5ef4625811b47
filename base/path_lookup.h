// Where a program is on PATH, as execvp would find it.
#pragma once

#include <optional>
#include <string>

namespace uet {

/// The first executable `PATH-entry/name` for a name without '/' (empty
/// entries skipped; relative ones too unless `relative_ok`), or the name
/// itself if it has a '/' and is executable. nullopt: not found. PATH unset
/// reads as `fallback_path`.
std::optional<std::string> find_on_path(const std::string& name, bool relative_ok = true,
                                        const char* fallback_path = "");

} // namespace uet
