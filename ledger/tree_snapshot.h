// "Did the tool touch the worktree at all?" answered without running git.
//
// Before the tool runs, every entry of the worktree (files, directories,
// symlinks, ignored and untracked ones too; not the worktree's `.git` file)
// is recorded with its lstat identity: type and mode, size, inode, mtime and
// ctime, in nanoseconds. The kernel sets an inode's ctime to the current
// time on every change (write, truncate, chmod, rename, link) and no program
// can set it back, so an entry that differs in nothing was not changed, and
// an entry added or removed shows in the set of paths, provided the entry's
// recorded ctime is older than anything a later change could stamp.
//
// That proviso is git's "racy clean" problem: timestamps come from a coarse
// clock (one tick is milliseconds; a second on some filesystems), so a file
// changed in the same tick as the snapshot keeps its ctime. The snapshot
// touches a marker file beside the worktree (same filesystem, same clock and
// granularity) before the walk. An entry whose ctime is not strictly older
// than the marker's is *racy*, as git says: its content is kept too (a
// file's bytes, a symlink's target) and compared again afterwards. A fresh
// checkout or a reset just before the tool makes its files racy. Past
// kMaxRacyBytes of racy content, or a racy entry of another kind, the
// snapshot is not trusted and says nothing: the caller asks git.

// The git side (HEAD, the index file) is compared through worktree_stamp:
// a tool that stages or commits without changing a file is seen too.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.h"
#include "ledger/workspace.h"

namespace uet::ledger {

struct tree_entry {
  std::string path; ///< relative to the worktree; "" is the worktree itself
  std::uint32_t mode = 0;
  std::uint64_t inode = 0;
  std::int64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  bool operator==(const tree_entry& o) const {
    return path == o.path && mode == o.mode && inode == o.inode && size == o.size &&
           mtime_ns == o.mtime_ns && ctime_ns == o.ctime_ns;
  }
};

/// What a racy entry held when the snapshot was taken.
struct racy_entry {
  std::string path;
  std::uint32_t mode = 0;
  std::string content; ///< a file's bytes, a symlink's target
};

struct tree_snapshot {
  static constexpr std::size_t kMaxRacyBytes = 1 << 20;
  /// Past this many entries the walks cost more than the `git add --all`
  /// they save (bench/snapshot.sh: 0.2-0.4x of it at 2,000 files, 1.2x at
  /// 10,000, 1.6x at 20,000), and an attempt that changes files pays them
  /// on top of git: the walk stops and the snapshot is not trusted.
  static constexpr std::size_t kMaxEntries = 10000;
  worktree_stamp stamp;
  std::vector<tree_entry> entries; ///< in walk order (deterministic for an unchanged tree)
  std::vector<racy_entry> racy;
  std::optional<std::string> racy_index; ///< the index file, if racy
  bool trusted = false;
  bool too_big = false; ///< the walk stopped at max_entries
};

/// Walks the worktree after touching `marker` (a file outside it, on the
/// same filesystem). Fails if the tree cannot be read.
expected<tree_snapshot> take_snapshot(const std::filesystem::path& worktree,
                                      const std::filesystem::path& marker,
                                      std::size_t max_entries = tree_snapshot::kMaxEntries);

/// True only if `before` is trusted and the worktree, HEAD and index are
/// exactly as recorded. Any doubt (a read error included) answers false.
bool untouched_since(const tree_snapshot& before, const std::filesystem::path& worktree);

/// True only if `before` is trusted and every entry of the worktree that is
/// new, changed or gone since is one of `paths` (a change's files, relative
/// to the worktree), or a directory holding one of them. HEAD and the index
/// are not compared. Any doubt answers false.
bool changed_only(const tree_snapshot& before, const std::filesystem::path& worktree,
                  const std::vector<std::string>& paths);

} // namespace uet::ledger
