// `git add --all` of a worktree in-process with libgit2: the capture's first
// git process (~12 ms of a workstream's slot here under load, most of it
// process start-up), where libgit2 stages exactly the bytes git would.
//
// That holds when no conversion applies to the files staged: no attribute
// (text, eol, crlf, ident, filter, working-tree-encoding) set for any of
// them, no core.autocrlf, no sparse checkout, no case-folding, and nothing
// that would become a gitlink (a nested repository) or resolve a conflict.
// Otherwise stage_all_in_process declines (returns false, the index file
// unchanged) and the caller runs git, which decides.
#pragma once

#include <filesystem>
#include <string>

#include "base/expected.h"

namespace uet::ledger {

struct staged_in_process {
  /// False: declined, nothing written; run `git add --all`.
  bool staged = false;
  /// The index's tree now equals base_commit's: the change is empty.
  bool unchanged = false;
};

/// Stages every change of worktree (new, modified and deleted files, ignore
/// rules honoured) into its index, as `git add --all -- .` at its top does.
/// A failure: libgit2 failed before writing anything; git may still run.
expected<staged_in_process> stage_all_in_process(const std::filesystem::path& worktree,
                                                 const std::string& base_commit);

} // namespace uet::ledger
