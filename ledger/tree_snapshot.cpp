#include "ledger/tree_snapshot.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <set>

namespace uet::ledger {

namespace fs = std::filesystem;

namespace {

std::int64_t nanoseconds(const timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

tree_entry entry_of(std::string path, const struct stat& st) {
  tree_entry e;
  e.path = std::move(path);
  e.mode = st.st_mode;
  e.inode = st.st_ino;
  e.size = st.st_size;
  e.mtime_ns = nanoseconds(st.st_mtim);
  e.ctime_ns = nanoseconds(st.st_ctim);
  return e;
}

/// Called for each entry, in walk order; false stops the walk.
using visitor = std::function<bool(std::string path, const struct stat& st)>;

/// Visits the entries of the directory open as `fd` (which it closes), by
/// name, each directory followed by its own entries. False on any error or
/// when `visit` stops it.
bool walk(int fd, const std::string& prefix, bool top, const visitor& visit) {
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    ::close(fd);
    return false;
  }
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* d = ::readdir(dir)) {
    if (std::strcmp(d->d_name, ".") == 0 || std::strcmp(d->d_name, "..") == 0)
      continue;
    if (top && std::strcmp(d->d_name, ".git") == 0)
      continue; // the link to the worktree's git directory: see the stamp
    names.emplace_back(d->d_name);
  }
  bool ok = errno == 0;
  std::sort(names.begin(), names.end());
  for (std::size_t i = 0; ok && i < names.size(); ++i) {
    struct stat st {};
    if (::fstatat(::dirfd(dir), names[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      ok = false;
      break;
    }
    auto path = prefix + names[i];
    bool is_dir = S_ISDIR(st.st_mode);
    ok = visit(is_dir ? path : std::move(path), st);
    if (ok && is_dir) {
      int sub =
          ::openat(::dirfd(dir), names[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      ok = sub >= 0 && walk(sub, path + "/", false, visit);
    }
  }
  ::closedir(dir);
  return ok;
}

/// Visits the worktree itself (path "") and then every entry under it.
bool walk_tree(const fs::path& worktree, const visitor& visit) {
  struct stat st {};
  if (::lstat(worktree.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || !visit("", st))
    return false;
  int fd = ::open(worktree.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return fd >= 0 && walk(fd, "", true, visit);
}

/// Sets the marker's times to now; returns its ctime (the filesystem's clock
/// at its granularity), or -1.
std::int64_t touch(const fs::path& marker) {
  int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return -1;
  struct stat st {};
  bool ok = ::futimens(fd, nullptr) == 0 && ::fstat(fd, &st) == 0;
  ::close(fd);
  return ok ? nanoseconds(st.st_ctim) : -1;
}

/// A regular file's bytes or a symlink's target; nullopt if unreadable.
std::optional<std::string> content_of(const fs::path& path, std::uint32_t mode) {
  if (S_ISLNK(mode)) {
    std::error_code ec;
    auto target = fs::read_symlink(path, ec);
    return ec ? std::nullopt : std::optional<std::string>(target.string());
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return std::nullopt;
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0)
    out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return n == 0 ? std::optional<std::string>(std::move(out)) : std::nullopt;
}

/// Keeps the content of every racy entry (ctime not older than `now`);
/// false if that is impossible or too much.
bool keep_racy(tree_snapshot& snap, const fs::path& worktree, std::int64_t now) {
  std::size_t bytes = 0;
  for (const auto& e : snap.entries) {
    if (e.ctime_ns < now || S_ISDIR(e.mode))
      continue; // a directory's entries are compared one by one anyway
    if (!S_ISREG(e.mode) && !S_ISLNK(e.mode))
      return false;
    auto content = content_of(worktree / e.path, e.mode);
    if (!content || (bytes += content->size()) > tree_snapshot::kMaxRacyBytes)
      return false;
    snap.racy.push_back(racy_entry{e.path, e.mode, std::move(*content)});
  }
  if (snap.stamp.index_mtime_ns >= now) {
    auto dir = git_dir_of(worktree);
    auto content = dir ? content_of(*dir / "index", S_IFREG) : std::nullopt;
    if (!content || (bytes += content->size()) > tree_snapshot::kMaxRacyBytes)
      return false;
    snap.racy_index = std::move(*content);
  }
  return true;
}

} // namespace

expected<tree_snapshot> take_snapshot(const fs::path& worktree, const fs::path& marker,
                                      std::size_t max_entries) {
  auto now = touch(marker);
  if (now < 0)
    return fail("cannot write the marker " + marker.string() + ": " + std::strerror(errno));
  tree_snapshot snap;
  auto stamp = read_stamp(worktree);
  if (!stamp)
    return stamp.error();
  snap.stamp = std::move(*stamp);
  bool read = walk_tree(worktree, [&](std::string path, const struct stat& st) {
    if (snap.entries.size() >= max_entries) {
      snap.too_big = true;
      return false;
    }
    snap.entries.push_back(entry_of(std::move(path), st));
    return true;
  });
  if (snap.too_big) {
    snap.entries.clear();
    return snap; // not trusted
  }
  if (!read)
    return fail("cannot read the worktree " + worktree.string() + ": " + std::strerror(errno));
  snap.trusted = keep_racy(snap, worktree, now);
  return snap;
}

bool untouched_since(const tree_snapshot& before, const fs::path& worktree) {
  if (!before.trusted)
    return false;
  auto stamp = read_stamp(worktree);
  if (!stamp || !(*stamp == before.stamp))
    return false;
  // Compared as the walk goes: a changed tree stops at its first difference.
  std::size_t i = 0;
  bool same = walk_tree(worktree, [&](std::string path, const struct stat& st) {
    return i < before.entries.size() && before.entries[i++] == entry_of(std::move(path), st);
  });
  if (!same || i != before.entries.size())
    return false;
  // Same stat identity everywhere; racy entries could still have changed
  // within the clock tick they were last written in.
  for (const auto& r : before.racy) {
    auto now = content_of(worktree / r.path, r.mode);
    if (!now || *now != r.content)
      return false;
  }
  if (before.racy_index) {
    auto dir = git_dir_of(worktree);
    auto now = dir ? content_of(*dir / "index", S_IFREG) : std::nullopt;
    if (!now || *now != *before.racy_index)
      return false;
  }
  return true;
}

bool changed_only(const tree_snapshot& before, const fs::path& worktree,
                  const std::vector<std::string>& paths) {
  if (!before.trusted)
    return false;
  std::set<std::string> allowed(paths.begin(), paths.end());
  std::set<std::string> holders; // directories a change's file is in
  for (const auto& p : paths)
    for (auto slash = p.find('/'); slash != std::string::npos; slash = p.find('/', slash + 1))
      holders.insert(p.substr(0, slash));
  std::map<std::string, const tree_entry*> was;
  for (const auto& e : before.entries)
    was.emplace(e.path, &e);
  std::set<std::string> present;
  bool ok = walk_tree(worktree, [&](std::string path, const struct stat& st) {
    present.insert(path);
    auto it = was.find(path);
    if (allowed.count(path))
      return true;
    if (S_ISDIR(st.st_mode)) // its entries are judged one by one
      return it != was.end() ? S_ISDIR(it->second->mode) : holders.count(path) > 0;
    if (it == was.end() || !(*it->second == entry_of(path, st)))
      return false;
    return true;
  });
  if (!ok)
    return false;
  // Racy entries may have changed within their clock tick: their content.
  for (const auto& r : before.racy) {
    if (allowed.count(r.path))
      continue;
    auto now = content_of(worktree / r.path, r.mode);
    if (!now || *now != r.content)
      return false;
  }
  // Anything gone must be one of the change's (a deletion).
  for (const auto& e : before.entries)
    if (!present.count(e.path) && !allowed.count(e.path) && !S_ISDIR(e.mode))
      return false;
  return true;
}

} // namespace uet::ledger
