// `patch_limits` in uet.yaml and `constraints.patch_limits` in a workstream:
// sizes as a number of bytes or with a unit ("20 MiB", "512KiB", "1 GB").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/patch_limits.h"
#include "config/problem.h"
#include "config/value.h"

namespace uet::config {

/// A workstream's overrides of the project's limits, field by field.
struct patch_limits_override {
  std::optional<std::int64_t> max_bytes, max_files, max_file_bytes;
  bool empty() const { return !max_bytes && !max_files && !max_file_bytes; }
};

/// "20 MiB" -> 20971520; a plain number is bytes. nullopt: not a size.
std::optional<std::int64_t> parse_size(const std::string& text);

/// Reads a patch_limits mapping at path, recording every problem.
patch_limits_override parse_patch_limits(const value& v, const std::string& file,
                                         const std::string& path, problem_list& out);

/// base with each field the override sets replaced.
patch_limits apply_override(patch_limits base, const patch_limits_override& o);

} // namespace uet::config
