// Patch admission: what a staged change would be, measured from git's index
// (`diff --raw` and blob sizes) before any diff text exists, and whether it
// may become a patch - its size (patch_limits) and no nested repository
// (gitlink) unless the workstream allows submodules.
// Blocking (git processes): call from a detached actor or a plain thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.h"
#include "base/patch_limits.h"
#include "engine/environment.h"

namespace uet::ledger {

struct staged_change {
  std::int64_t files = 0;
  std::int64_t largest_bytes = 0; ///< the largest blob the change writes
  std::string largest_path;
  std::vector<std::string> gitlinks;        ///< paths added or changed as gitlinks
  std::vector<std::string> gitlink_commits; ///< the commit each of them names
};

/// Parses `git diff --raw -z` output (what staged_change_of reads); the
/// sizes are left at 0, the new blobs' ids go to `blobs` (path, id).
expected<staged_change> parse_raw_diff(const std::string& raw,
                                       std::vector<std::pair<std::string, std::string>>* blobs);

/// The staged change of worktree against base_commit (after `git add`):
/// read in-process (staged_change_in_process) unless env must see every git
/// call or that fails, then by `git diff --raw` and `git cat-file`.
expected<staged_change> staged_change_of(engine::environment& env,
                                         const std::filesystem::path& worktree,
                                         const std::string& base_commit);

/// The same from the worktree's index and the object store, with libgit2;
/// nullopt if anything cannot be read.
std::optional<staged_change> staged_change_in_process(const std::filesystem::path& worktree,
                                                      const std::string& base_commit);

/// Why the change may not become a patch, or "" when it may. Checks files
/// and the largest file; the diff's own size is checked once it is written.
std::string admission_problem(const staged_change& c, const patch_limits& limits,
                              bool allow_submodules);

/// For a workstream that allows submodules: why one of the change's gitlinks
/// may still not land, or "". Each must be named (path and url) by the
/// worktree's .gitmodules, and its commit must be fetchable from that url,
/// or the branch would name a commit nobody can check out. Fetches (depth 1)
/// into a scratch repository that is removed afterwards.
std::string submodule_problem(engine::environment& env, const std::filesystem::path& worktree,
                              const staged_change& c);

/// Why a diff of `bytes` is over the limit, or "".
std::string diff_size_problem(std::int64_t bytes, const patch_limits& limits);

/// "67.1 MiB", "512 KiB", "20 MiB", "900 bytes".
std::string human_bytes(std::int64_t bytes);

} // namespace uet::ledger
