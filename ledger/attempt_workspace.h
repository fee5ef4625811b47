// One attempt's worktree, from lease to give-back: the one owner of what an
// attempt does to a pooled worktree (ledger/worktree_pool.h). It leases a
// worktree when made, makes it a clean checkout of the attempt's base and
// records a tree_snapshot, captures the tool's change as a diff, checks out
// the commit its acceptance is tested on, and knows what the attempt left,
// so the pool clears exactly that when the worktree is given back (on
// destruction). When the snapshots show the worktree holds exactly one
// commit's tree (the tool changed only its diff's files, the checks changed
// nothing), it is given back as that commit with no git process, and a next
// attempt based on that commit (the head it just became) checks out nothing.
//
// Threads: made on any thread (the lease is memory only); prepare, capture
// and the destructor run git and block, so they belong to the attempt's own
// thread. early_release() may be called from any thread, once the attempt's
// outcome is known and before anyone hears of it, so the next attempt on
// that worker finds the worktree idle instead of making another.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/expected.h"
#include "engine/environment.h"
#include "ledger/tree_snapshot.h"
#include "ledger/workspace.h"
#include "ledger/worktree_pool.h"

namespace uet::ledger {

class attempt_workspace {
public:
  explicit attempt_workspace(engine::environment& env, std::shared_ptr<worktree_pool> pool);
  ~attempt_workspace();
  attempt_workspace(const attempt_workspace&) = delete;
  attempt_workspace& operator=(const attempt_workspace&) = delete;

  /// Where the tool runs (the {workspace} placeholder).
  const std::filesystem::path& path() const { return path_; }

  /// Makes the worktree a clean detached checkout of base_commit (waiting
  /// for the last attempt's cleanup), then snapshots it.
  status prepare(const std::string& base_commit);

  /// The tool's change against the base, as `git diff --binary` text (or,
  /// past rules' inline_max, the file it was left in); empty when it
  /// changed nothing. Records what is left for the give-back.
  /// rules: what the change must pass (workspaces::capture_diff).
  expected<captured_change> capture(const admission_rules* rules = nullptr);

  /// The tree the captured change makes on its base (the worktree's index,
  /// written to the object store in-process), or "" when not known to be
  /// exactly that (a diff left as a file, a staged gitlink, an error).
  std::string result_tree() const;

  /// Makes the worktree hold exactly commit's tree (a patch's future tree,
  /// to test it there), and nothing outside its index: a detached checkout
  /// of it unless `holds_it` (the change just captured, on the base the
  /// commit was made on), then a `git clean -ffdx` of what lies outside the
  /// index (the tool's ignored files, an earlier test's output) unless the
  /// snapshots showed there is none. Acceptance that passes here passed on
  /// exactly what is committed. Prepares the worktree first if no edit did.
  /// Nothing to do for the commit it last readied (its runtime checks, after
  /// its static ones, see what those left) or when it holds exactly commit's
  /// tree already.
  status ready_to_test(const std::string& commit, bool holds_it);
  /// The worktree holds commit's tree (the change just captured, on the
  /// base the commit was made on) and nothing will be tested there: noted
  /// for the give-back, no process.
  void holds(const std::string& commit);

  /// Acceptance commands are about to run in the worktree, and have run.
  /// They may leave anything, a staged nested repository included, unless
  /// HEAD and the index file are as they found them (no process: the
  /// worktree_stamp): then what they left is outside the index, or in
  /// tracked files a checkout restores, and no `read-tree` is needed.
  void commands_starting();
  void commands_ran();

  /// Ends the lease (memory only; idempotent). See the file comment.
  std::function<void()> early_release() const;

private:
  /// A snapshot now, if the pool still takes them.
  std::optional<tree_snapshot> snapshot();

  engine::environment* env_;
  std::shared_ptr<worktree_pool> pool_;
  std::filesystem::path path_;
  std::uint64_t lease_ = 0;
  std::string prepared_at_; ///< the commit last checked out here
  std::string base_at_;     ///< the commit the attempt first checked out (its edit's base)
  std::string tested_at_;   ///< the commit ready_to_test last readied
  std::optional<tree_snapshot> pristine_;
  std::optional<tree_snapshot> before_commands_;
  worktree_pool::leftovers left_ = worktree_pool::leftovers::unknown;
  /// The commit whose tree the index and every file hold, with nothing
  /// outside the index ("": not known to be so).
  std::string exact_at_;
};

} // namespace uet::ledger
