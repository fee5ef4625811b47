#include "ledger/git_dir_guard.h"

#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace uet::ledger {

namespace fs = std::filesystem;

namespace {

/// Files bigger than this are not read (no git config or hook is): their
/// size and modification time stand for them.
constexpr std::uintmax_t max_read = 1 << 20;

fs::path common_dir_of(const fs::path& repo) {
  auto dot_git = repo / ".git";
  std::error_code ec;
  if (!fs::is_regular_file(dot_git, ec))
    return dot_git;
  // A worktree or submodule: "gitdir: X", and X/commondir names the common dir.
  std::ifstream in(dot_git);
  std::string line;
  std::getline(in, line);
  fs::path gitdir = line.rfind("gitdir: ", 0) == 0 ? fs::path(line.substr(8)) : dot_git;
  if (gitdir.is_relative())
    gitdir = repo / gitdir;
  std::ifstream common(gitdir / "commondir");
  std::string rel;
  if (std::getline(common, rel) && !rel.empty())
    return fs::path(rel).is_relative() ? (gitdir / rel).lexically_normal() : fs::path(rel);
  return gitdir;
}

std::string content_of(const fs::path& p) {
  std::error_code ec;
  auto size = fs::file_size(p, ec);
  if (ec || size > max_read) {
    auto t = fs::last_write_time(p, ec).time_since_epoch().count();
    return "\x01size " + std::to_string(size) + " mtime " + std::to_string(t);
  }
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  struct stat st {};
  bool exec = ::stat(p.c_str(), &st) == 0 && (st.st_mode & S_IXUSR);
  return (exec ? "x" : "-") + s.str(); // a hook made executable is a change
}

} // namespace

git_dir_guard::git_dir_guard(const fs::path& repo) : dir_(common_dir_of(repo)) {
  baseline_ = read_now();
}

git_dir_guard::files git_dir_guard::read_now() const {
  files out;
  std::error_code ec;
  if (fs::is_regular_file(dir_ / "config", ec))
    out["config"] = content_of(dir_ / "config");
  for (const char* sub : {"hooks", "info"}) {
    for (fs::recursive_directory_iterator it(dir_ / sub, ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->is_regular_file(ec) || it->is_symlink(ec))
        out[fs::relative(it->path(), dir_).generic_string()] = content_of(it->path());
    }
    ec.clear();
  }
  return out;
}

std::vector<std::string> git_dir_guard::check_and_restore() {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = read_now();
  std::vector<std::string> changed;
  for (const auto& [rel, content] : now) {
    auto was = baseline_.find(rel);
    if (was == baseline_.end()) {
      changed.push_back(rel + " (added)");
      std::error_code ec;
      fs::remove(dir_ / rel, ec);
    } else if (was->second != content) {
      changed.push_back(rel + " (changed)");
    }
  }
  for (const auto& [rel, content] : baseline_)
    if (!now.count(rel))
      changed.push_back(rel + " (removed)");
  // Changed or removed files are written back as they were (a file too big
  // to have been read is only named).
  for (const auto& [rel, content] : baseline_) {
    auto cur = now.find(rel);
    if ((cur != now.end() && cur->second == content) || content.rfind("\x01", 0) == 0)
      continue;
    std::error_code ec;
    fs::remove(dir_ / rel, ec); // a symlink planted in its place goes, not its target
    std::ofstream(dir_ / rel, std::ios::binary | std::ios::trunc) << content.substr(1);
    fs::permissions(dir_ / rel,
                    content[0] == 'x'
                        ? fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec
                        : fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                              fs::perms::others_read,
                    ec);
  }
  return changed;
}

} // namespace uet::ledger
