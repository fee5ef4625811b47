// The ledger's validate step: a patch is accepted only if it parses and every
// path it touches (old and new names, renames and copies included) is a safe
// repository-relative path inside the workstream's allowed_paths, and no
// symlink it creates points outside the repository.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/diff.h"

namespace uet::ledger {

enum class check_outcome {
  ok,        ///< safe and in scope
  empty,     ///< the workstream changed nothing
  malformed, ///< not a diff (damaged on its way): the attempt may be retried
  rejected   ///< quarantine; reasons say why
};

struct patch_check {
  check_outcome outcome = check_outcome::ok;
  std::vector<std::string> reasons; ///< one line per offending path
  std::vector<file_change> files;
};

patch_check check_patch(std::string_view diff, const std::vector<std::string>& allowed_paths);

/// The same for a patch in a file, read a line at a time.
patch_check check_patch_file(const std::filesystem::path& diff_file,
                             const std::vector<std::string>& allowed_paths);

/// Every path a change touches: the old name (if any) and the new name.
std::vector<std::string> touched_paths(const file_change& f);

} // namespace uet::ledger
