// A forced, detached checkout of a worktree in-process with libgit2: what
// `git -c core.hooksPath=/dev/null checkout --force --detach COMMIT` does,
// without a git process (~30 ms here, most of it process start-up; the
// gate checks out each patch's future tree before its acceptance runs).
//
// libgit2 has no filter drivers (a `filter.NAME.smudge`, Git LFS), no
// `working-tree-encoding` and no sparse checkout. Where the repository uses
// any of them it would write other bytes than git does, so checkout_in_process
// declines (returns false, having changed nothing) and the caller runs git.
#pragma once

#include <filesystem>
#include <string>

#include "base/expected.h"

namespace uet::ledger {

/// True: the worktree holds commit (index and tracked files, HEAD detached
/// at it); what lies outside the index stays, as with git. False: declined,
/// nothing changed (the repository needs git's own checkout). A failure:
/// the checkout was tried and failed (the worktree may be half-changed).
expected<bool> checkout_in_process(const std::filesystem::path& worktree,
                                   const std::string& commit);

} // namespace uet::ledger
