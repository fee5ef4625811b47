// The sandbox of a tool or acceptance command (docs/architecture.md,
// "Tools are sandboxed"): a Linux Landlock ruleset that handles only
// writing - reading and executing stay allowed everywhere - and grants it
// beneath a short list of paths (the worktree, its private git directory,
// the object store, a private temp directory, declared extras, a few
// devices). Landlock needs no privilege and no helper; the ruleset is made
// here, in the parent, and enforced in the child just before its exec
// (engine/confined_spawn.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/expected.h"

namespace uet::engine {

struct sandbox_rules {
  std::vector<std::filesystem::path> writable; ///< beneath these (dirs) or these (files)
  /// Files inside a writable directory that must stay as they are (the
  /// worktree's `.git` pointer): bind-mounted read-only where a mount
  /// namespace can be had (the caller checks them afterwards regardless).
  std::vector<std::filesystem::path> read_only_files;
  /// Without Landlock: true refuses to start the process, false runs it
  /// unconfined (the run has warned).
  bool required = false;
};

/// The Landlock ABI version this kernel offers, 0 for none. The
/// environment variable UET_TEST_NO_LANDLOCK=1 makes it 0 (for tests of
/// what a kernel without Landlock does). Probed once.
int landlock_abi();

/// The character devices every process may write: /dev/null, /dev/zero,
/// /dev/full, /dev/tty (they hold nothing of the user's).
const std::vector<std::filesystem::path>& sandbox_devices();

/// A Landlock ruleset (an fd, close-on-exec) granting writes beneath
/// rules.writable only; paths that do not exist are skipped. Fails when the
/// kernel has no Landlock or a path cannot be opened.
expected<int> make_ruleset(const sandbox_rules& rules);

/// The first write the sandbox refused, as the process's log tells it:
/// a path on a line that says "Permission denied" (EACCES, which is what
/// Landlock answers) or "Read-only file system" (EROFS, the read-only
/// files), outside every writable path, that this process could have
/// written unconfined. Relative paths are taken from `cwd` (empty: skipped).
/// "" when the log shows none.
std::string denied_write(const std::string& log, const sandbox_rules& rules,
                         const std::filesystem::path& cwd);

/// Whether the log shows a refused write at all ("Permission denied",
/// "Read-only file system"), path or not.
bool shows_refused_write(const std::string& log);

} // namespace uet::engine
