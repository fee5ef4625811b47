// The capture's `git diff --cached` in-process with libgit2: after the
// staging moved in-process (ledger/stage_in_process.h) it was a workstream's
// one git process, ~12 ms of its slot here under load, most of it start-up.
//
// libgit2 prints a patch with git's own xdiff, so the bytes are git's where
// nothing git would do differently is in play. staged_diff_in_process makes
// the patch only for changes of that kind, and declines otherwise (the
// caller runs git, which decides):
//  - every change adds or edits a regular file (100644 or 100755): nothing
//    deleted (so -M has no rename to find), no symlink, no gitlink, no
//    empty file added (git prints no ---/+++ lines for it, libgit2 does);
//  - every blob is text to git (no NUL in its first 8,000 bytes), at most
//    1 MiB, 8 MiB in all: git's binary patches are its own zlib and delta
//    choices, and a large diff is better streamed by git;
//  - every path is printable ASCII without space, quote or backslash: git
//    quotes or pads the others in its own way;
//  - no `diff` attribute for any path (no driver, no funcname, no -diff);
//  - no function line (what a hunk header names) that git and libgit2
//    would cut differently: past 80 bytes on white space, \f or \v, or
//    beyond ASCII (each cuts at invalid UTF-8 by its own rules);
//  - no config that changes git's output (diff.algorithm, diff.context,
//    diff.indentHeuristic, diff.interHunkContext, diff.suppressBlankEmpty,
//    diff.orderFile, diff.relative, core.bigFileThreshold,
//    core.ignorecase, a worktree-level config, any includeIf) and no
//    GIT_CONFIG_* or GIT_DIFF_OPTS variable libgit2 would not read;
//  - no replaced object (refs/replace/*, info/grafts), which git reads and
//    libgit2 does not.
// A test (tests/ledger/diff_in_process_test.cpp) requires git's bytes on
// each kind of change accepted and a decline on each kind refused.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace uet::ledger {

/// What `git diff --cached --binary --full-index -M base_commit --` prints
/// in worktree (with the capture's stable config), or nullopt: declined or
/// libgit2 failed; run git. An index holding base_commit's tree gives "".
std::optional<std::string> staged_diff_in_process(const std::filesystem::path& worktree,
                                                  const std::string& base_commit);

} // namespace uet::ledger
