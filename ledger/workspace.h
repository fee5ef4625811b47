// Per-workstream git worktrees under one root (.uet/worktrees/), and the
// capture of a workstream's change as a binary-safe unified diff.
// Blocking (git processes): call from a detached actor or a plain thread.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "base/expected.h"

namespace uet::ledger {

/// git -c options that make diff output independent of the user's config.
const std::vector<std::string>& stable_diff_config();

class workspaces {
public:
  workspaces(std::filesystem::path repo, std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }

  /// A detached worktree of commit at root/name (replacing a stale one).
  expected<std::filesystem::path> create(const std::string& name, const std::string& commit);

  /// Removes a worktree and git's record of it; succeeds if it is already gone.
  status remove(const std::filesystem::path& worktree);

  /// Removes every worktree under root whose top-level name is not in keep
  /// (left by a killed run), then `git worktree prune`. Returns how many.
  expected<std::size_t> clean_stale(const std::set<std::string>& keep);

  /// Everything that differs between base_commit and the worktree's files,
  /// new, deleted, renamed, binary and mode-changed files included, as
  /// `git diff --binary --full-index -M`. Files ignored by .gitignore are not
  /// part of a change. Empty string: nothing changed.
  static expected<std::string> capture_diff(const std::filesystem::path& worktree,
                                            const std::string& base_commit);

private:
  std::filesystem::path repo_;
  std::filesystem::path root_;
};

} // namespace uet::ledger
