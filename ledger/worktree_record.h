// git's records of linked worktrees, read and written without a git process.
//
// A linked worktree is, on disk (gitrepository-layout(5), git-worktree(1)
// "DETAILS"): a directory <common>/worktrees/<id> holding `gitdir` (the
// absolute path of the worktree's .git file), `commondir` ("../..") and
// `HEAD`, and in the worktree a `.git` file "gitdir: <that directory>".
//
// Why not `git worktree add`: it writes the record file by file, and
// another add running meanwhile can read an empty `commondir` and die
// (here, four at a time: 6 of 160 adds failed with "failed to read
// .git/worktrees/<id>/commondir"). So adds had to be serialized, ~7 ms
// each, and the first attempt on the fourth worker waited ~28 ms. register_detached builds the
// record in a private directory and renames it into place (atomic), so
// worktrees can be made concurrently; `git reset --hard` then checks out.
// Removing a worktree is deleting both directories, which is what
// `git worktree remove` and `prune` do.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "base/expected.h"

namespace uet::ledger {

/// A full object id (40 or 64 lowercase hex digits).
bool is_object_id(const std::string& s);

/// The first line of a small file of git's (HEAD, gitdir, commondir); ""
/// if it cannot be read.
std::string first_line(const std::filesystem::path& file);

/// The repository's common git directory (where worktrees/ lives).
expected<std::filesystem::path> common_dir_of(const std::filesystem::path& repo);

/// Makes `worktree` (which must not exist) a registered, detached worktree
/// of repo whose HEAD is `commit` (a full object id), files not checked
/// out. Fails without leaving anything if a precondition does not hold
/// (callers fall back to `git worktree add`).
status register_detached(const std::filesystem::path& repo, const std::filesystem::path& worktree,
                         const std::string& commit);

struct worktree_record {
  std::filesystem::path admin_dir; ///< <common>/worktrees/<id>
  std::filesystem::path worktree;  ///< where its gitdir file says it is
  bool present = false;            ///< the worktree's .git is there
};

/// Every linked worktree git knows of.
expected<std::vector<worktree_record>> list_worktree_records(const std::filesystem::path& repo);

/// Removes the private directories of registrations a killed process never
/// finished (older than `older_than`: a live one exists for microseconds).
/// Returns how many.
std::size_t remove_abandoned_staging(const std::filesystem::path& repo,
                                     std::chrono::seconds older_than = std::chrono::minutes(10));

/// Deletes a linked worktree's files and git's record of it. Fails if
/// worktree is not one (callers then ask git).
status forget_worktree(const std::filesystem::path& worktree);

} // namespace uet::ledger
