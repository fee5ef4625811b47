// The integration branch follows its base (uet.yaml base_policy: follow):
// at the start of a run, a base_ref that moved since the branch was made is
// brought in, by a fast-forward when the branch holds nothing of its own,
// else by a merge commit the ledger makes (git merge-tree: no worktree is
// touched). A conflict stops the run before anything runs, naming the
// files. Blocking (git processes): called while the integration tree opens.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "base/expected.h"
#include "engine/environment.h"

namespace uet::ledger {

struct base_move {
  std::string how;  ///< "fast-forward" or "merge"
  std::string from; ///< the branch's head before
  std::string to;   ///< its head after (base, or the merge commit)
  std::string base; ///< the commit base_ref names
};

/// The commit base_ref names: in-process where libgit2 reads the name as
/// git does (object_store.h, named_commit), else `git rev-parse`. A name
/// that is not a commit fails with kind bad_input, naming base_ref and repo.
expected<std::string> base_commit(engine::environment& env, const std::filesystem::path& repo,
                                  const std::string& base_ref);

/// Brings base_ref into branch, whose head is `head`, moving the branch by
/// compare-and-swap. nullopt: base_ref is in the branch already. A conflict
/// fails with kind bad_input, saying how to resolve it.
expected<std::optional<base_move>>
follow_base(engine::environment& env, const std::filesystem::path& repo, const std::string& branch,
            const std::string& base_ref, const std::string& head);

} // namespace uet::ledger
