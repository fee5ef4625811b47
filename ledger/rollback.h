// `uet-actors rollback RUN_ID`: the integration branch goes back to where a
// run found it. Plain git on the branch's own history: the run's commits
// are found by their UET-Run trailer on the first-parent line; by default a
// new commit (trailer UET-Rollback: RUN_ID) restores the tree from before
// them, so history is kept and nothing pushed is rewritten; --reset moves
// the branch back instead. Work on top of the run (a later run's commits, a
// base merged in, a commit by hand) is refused, named, unless cascade.
// Blocking (git processes): for the command line.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "base/expected.h"
#include "engine/environment.h"

namespace uet::ledger {

struct rollback_plan {
  std::string head;              ///< the branch now
  std::string before;            ///< where the run found it
  std::vector<std::string> runs; ///< the runs it takes off: the run, then (cascade) later ones
  /// What is on top of the run and would go too (without cascade: the
  /// reason to refuse): "run-x (3 commits)", "abc1234 subject".
  std::vector<std::string> on_top;
  bool done = false; ///< nothing of the run is on the branch (never, or rolled back)
};

/// What rolling run_id back means on branch now.
expected<rollback_plan> plan_rollback(engine::environment& env, const std::filesystem::path& repo,
                                      const std::string& branch, const std::string& run_id,
                                      bool cascade);

/// Moves the branch (compare-and-swap from plan.head): a revert commit, or
/// with reset the branch itself back to plan.before. Returns the new head.
expected<std::string> apply_rollback(engine::environment& env, const std::filesystem::path& repo,
                                     const std::string& branch, const rollback_plan& plan,
                                     bool reset);

/// Every UET-Patch on the branch whose run no rollback commit undid: the
/// patches the branch still holds.
expected<std::set<std::string>> live_patches(engine::environment& env,
                                             const std::filesystem::path& repo,
                                             const std::string& branch);

} // namespace uet::ledger
