// Per-workstream git worktrees under one root (.uet/worktrees/), and the
// capture of a workstream's change as a binary-safe unified diff.
// Blocking (git processes): call from a detached actor or a plain thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "base/expected.h"
#include "base/patch_limits.h"
#include "engine/environment.h"

namespace uet::ledger {

/// git -c options that make diff output independent of the user's config.
const std::vector<std::string>& stable_diff_config();

/// The capture's diff of a worktree's index against base_commit, as git's
/// arguments (after stable_diff_config; ledger/diff_in_process.h makes the
/// same bytes in-process where it can).
std::vector<std::string> staged_diff_args(const std::string& base_commit);

/// What a program running git in a worktree changes when it stages or
/// commits: HEAD and the index file (git replaces it, so a new inode).
struct worktree_stamp {
  std::string head;
  std::uint64_t index_inode = 0;
  std::int64_t index_mtime_ns = 0;
  std::int64_t index_size = -1;
  bool operator==(const worktree_stamp& o) const {
    return head == o.head && index_inode == o.index_inode && index_mtime_ns == o.index_mtime_ns &&
           index_size == o.index_size;
  }
};

/// The worktree's git directory (for a linked worktree, the one its .git
/// file names).
expected<std::filesystem::path> git_dir_of(const std::filesystem::path& worktree);

/// The worktree's stamp, read from its git directory (no process).
expected<worktree_stamp> read_stamp(const std::filesystem::path& worktree);

/// Makes worktree a checkout of commit, whatever its index and files hold:
/// a forced, detached checkout (a branch a tool switched to is left where
/// it is), hooks off. What commit lacks leaves the index, a staged gitlink
/// included; what is outside the index stays.
status force_checkout(engine::environment& env, const std::filesystem::path& worktree,
                      const std::string& commit);

/// What a change must pass to become a patch (ledger/patch_admission.h).
struct admission_rules {
  patch_limits limits;
  bool allow_submodules = false;
  /// The diff is written here by git before it is read, so its size is
  /// known before it is in memory; a refused change's diff stays here for
  /// the user to look at. Empty: read from git's output, no size check.
  std::filesystem::path spill;
  /// An admitted diff larger than inline_max is moved here instead of read
  /// (the ledger's patches/<id>.diff), so it travels as a file. Empty: read.
  std::filesystem::path keep_at;
  std::int64_t inline_max = inline_diff_max;
};

/// A captured change: its diff's text, or the file it was left in
/// (admission_rules::keep_at).
struct captured_change {
  std::string text;
  std::filesystem::path file;
  std::int64_t bytes = 0;
  bool empty() const { return text.empty() && file.empty(); }
};

class workspaces {
public:
  workspaces(engine::environment& env, std::filesystem::path repo, std::filesystem::path root);

  const std::filesystem::path& root() const { return root_; }

  /// A detached worktree of commit at root/name (replacing a stale one).
  /// Safe to call concurrently for different names.
  expected<std::filesystem::path> create(const std::string& name, const std::string& commit);

  /// Removes a worktree and git's record of it; succeeds if it is already gone.
  status remove(const std::filesystem::path& worktree);

  /// Removes every worktree under root whose top-level name is not in keep
  /// (left by a killed run), and, if some worktree's files are gone, runs
  /// `git worktree prune`. Returns how many.
  expected<std::size_t> clean_stale(const std::set<std::string>& keep);

  /// Everything that differs between base_commit and the worktree's files,
  /// new, deleted, renamed, binary and mode-changed files included, as
  /// `git diff --binary --full-index -M`. Files ignored by .gitignore are not
  /// part of a change. Empty string: nothing changed.
  /// Staged in-process where libgit2 stages what git would
  /// (stage_all_in_process); an index then holding base_commit's tree is
  /// no change, and git diff is not run. Otherwise `git add --all`.
  /// pristine: the stamp read when the worktree was a clean checkout of
  /// base_commit. If `git add` then stages nothing and the stamp is the same
  /// (no program staged or committed in between), nothing changed and git
  /// diff is not run.
  /// rules: the change is measured from the index first and its diff is
  /// read only if admitted; otherwise a failure of kind refused says why
  /// (with the numbers) and where its diff was kept.
  static expected<std::string> capture_diff(engine::environment& env,
                                            const std::filesystem::path& worktree,
                                            const std::string& base_commit,
                                            const worktree_stamp* pristine = nullptr,
                                            const admission_rules* rules = nullptr);
  /// The same, a big admitted diff left as a file (admission_rules::keep_at).
  static expected<captured_change> capture_change(engine::environment& env,
                                                  const std::filesystem::path& worktree,
                                                  const std::string& base_commit,
                                                  const worktree_stamp* pristine,
                                                  const admission_rules* rules);

private:
  engine::environment* env_;
  std::filesystem::path repo_;
  std::filesystem::path root_;
};

} // namespace uet::ledger
