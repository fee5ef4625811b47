// The worktrees of one run, kept for its whole length and reused from one
// workstream attempt to the next. `git worktree add` writes every file of
// the repository and `remove` deletes them all: O(repository) per
// workstream, the largest cost of a run on a growing repository (see
// docs/benchmarks.md "Real workstreams").
//
// An attempt's leftovers are cleared when it gives its worktree back, on
// the attempt's own thread after its outcome is out: `git clean -ffdx`
// removes what is outside the index, after `git read-tree --reset` of the
// base if the attempt may have staged a nested repository (a gitlink, which
// a checkout cannot remove) or its change was never captured; nothing at
// all if a tree_snapshot showed the attempt touched nothing. Changed
// tracked and staged files stay until the next prepare's `git checkout
// --force --detach` of its base, which a moved integration head needs
// anyway (one checkout per attempt, not two). The worktree is available to
// the next lease at once; its prepare waits for the cleanup to end, then
// has nothing to do (same commit, nothing tracked changed) or one checkout
// that rewrites only the files that differ. A lease takes a clean worktree
// first, then one being cleaned, then a new one. A worktree whose cleanup
// failed, or whose attempt never prepared it, is removed and added again.
// The workstream releases its lease before it reports (memory only), so the
// next workstream on that worker finds the worktree idle even though the
// attempt's adapter gives it back a little later; leases are numbered, so
// that late give_back acts on its own lease only.
//
// Thread-safe. lease() and release() are memory only (actors on CAF's
// scheduler call them); prepare, give_back and remove_all run git and block
// (detached actors). One attempt's use of a worktree, from lease to
// give_back, is ledger::attempt_workspace's.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "base/expected.h"
#include "ledger/workspace.h"

namespace uet::ledger {

class worktree_pool {
public:
  /// Worktrees are root/<prefix>.wt<k> (prefix: the run id); git runs
  /// through env.
  worktree_pool(engine::environment& env, std::filesystem::path repo, std::filesystem::path root,
                std::string prefix);

  /// Reserves a worktree path for one attempt: an idle one, or a new name.
  /// id: set to this lease's number, for release and give_back.
  std::filesystem::path lease(std::uint64_t* id = nullptr);

  /// Makes the leased path a clean detached checkout of commit. Blocking:
  /// waits (at most `wait`) for the last attempt's cleanup. Fails for a
  /// worktree not held under lease `id` (0: whoever holds it).
  status prepare(const std::filesystem::path& worktree, const std::string& commit,
                 std::uint64_t id = 0, std::chrono::milliseconds wait = std::chrono::minutes(5));

  /// What an attempt knows it left in its worktree.
  enum class leftovers {
    unknown,        ///< anything: read-tree and clean now, checkout at the next prepare
    staged,         ///< its change, all in the index, adds no gitlink: clean now, checkout later
    untracked_only, ///< no tracked file and not HEAD changed (its diff was empty): clean
    none,           ///< nothing changed at all (tree_snapshot): no git process
    /// the attempt's changes are all in the index and tracked files, nothing
    /// is outside the index (tree_snapshot): no git process now, a checkout
    /// at the next prepare
    index_only,
    /// the index and every file hold exactly used_at's tree, nothing is
    /// outside the index (tree_snapshot); HEAD may name another commit: no
    /// git process, and a next attempt at used_at has nothing to check out
    exact,
  };

  /// Ends a lease, memory only: the worktree can be leased again at once,
  /// and the next prepare waits until give_back has cleared what the
  /// attempt left. The workstream calls it before it reports its outcome,
  /// so the next workstream on that worker finds it idle (the attempt's
  /// adapter, which gives back, may exit a little later). id: the lease's
  /// number (0: whoever holds it); a lease already ended is left alone, so
  /// a second release cannot end the next attempt's lease.
  void release(const std::filesystem::path& worktree, std::uint64_t id = 0);

  /// Releases the worktree if not yet done and clears what its attempt
  /// left. used_at: the commit the attempt prepared the worktree at ("" if
  /// it never did). Blocking when used and something may be left.
  void give_back(const std::filesystem::path& worktree, const std::string& used_at = "",
                 leftovers left = leftovers::unknown, std::uint64_t id = 0);

  /// A file beside the worktree (same filesystem) for take_snapshot's marker.
  static std::filesystem::path marker_of(const std::filesystem::path& worktree);

  /// Waits (at most `wait`) for every lease to end, then removes every
  /// worktree of the pool (end of run). Blocking.
  status remove_all(std::chrono::milliseconds wait = std::chrono::seconds(30));

  std::size_t created() const;

  /// Whether adapters should take a tree_snapshot: not once one came back
  /// too big (the worktrees are all of one repository, of one size).
  bool snapshots_useful() const { return snapshots_useful_; }
  void snapshots_too_big() { snapshots_useful_ = false; }

private:
  engine::environment* env_;
  std::filesystem::path repo_;
  std::string prefix_;
  workspaces spaces_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::size_t leased_ = 0;
  std::uint64_t next_lease_id_ = 0;
  std::vector<std::filesystem::path> idle_;
  std::vector<std::filesystem::path> all_;
  enum class tree_state { unknown, cleaning, clean };
  struct tree_info {
    tree_state state = tree_state::unknown;
    std::string commit; ///< when clean: the commit it is a checkout of
    /// when clean: nothing is outside `commit`'s tree, but tracked files or
    /// HEAD may differ from it (prepare checks it out)
    bool tracked_dirty = false;
    bool leased = false; ///< held by an attempt
    std::uint64_t lease_id = 0;
    std::uint64_t prepared_by = 0; ///< the lease that prepared it, until its give_back
  };
  std::map<std::filesystem::path, tree_info> trees_;
  std::atomic<bool> snapshots_useful_{true};
  bool cleaning_any() const;
};

} // namespace uet::ledger
