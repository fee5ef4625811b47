// The worktrees of one run, kept for its whole length and reused from one
// workstream attempt to the next. `git worktree add` writes every file of
// the repository and `remove` deletes them all: O(repository) per
// workstream, the largest cost of a run on a growing repository (see
// docs/benchmarks.md "Real workstreams"). Resetting a kept checkout to the
// next base commit touches only the files that differ.
//
// A reused worktree is indistinguishable from a new one: `git reset --hard`
// to the base commit, then `git clean -ffdx` (untracked and ignored files,
// nested repositories). If either fails the worktree is recreated.
//
// Thread-safe: lease/give_back are memory only (called from actors on CAF's
// scheduler); prepare and remove_all run git and block (detached actors).
#pragma once

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "base/expected.h"
#include "ledger/workspace.h"

namespace uet::ledger {

class worktree_pool {
public:
  /// Worktrees are root/<prefix>.wt<k> (prefix: the run id).
  worktree_pool(std::filesystem::path repo, std::filesystem::path root, std::string prefix);

  /// Reserves a worktree path for one attempt: an idle one, or a new name.
  std::filesystem::path lease();

  /// Makes the leased path a clean detached checkout of commit, reusing the
  /// worktree found there or creating it. Blocking.
  status prepare(const std::filesystem::path& worktree, const std::string& commit);

  /// Ends a lease. A worktree whose state is unknown (reusable == false: its
  /// attempt was cut short) is removed at the next prepare of that path
  /// rather than reset.
  void give_back(const std::filesystem::path& worktree, bool reusable = true);

  /// Removes every worktree of the pool (end of run). Blocking.
  status remove_all();

  std::size_t created() const;

private:
  std::filesystem::path repo_;
  std::string prefix_;
  workspaces spaces_;
  mutable std::mutex mutex_;
  std::vector<std::filesystem::path> idle_;
  std::vector<std::filesystem::path> all_;
  std::vector<std::filesystem::path> suspect_; ///< given back with reusable == false
  std::mutex create_mutex_; ///< concurrent `git worktree add`s can race in .git/worktrees
};

} // namespace uet::ledger
