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
  auto add = [&](const fs::path& p) {
    out[fs::relative(p, dir_).generic_string()] = {content_of(p), fs::last_write_time(p, ec)};
  };
  if (fs::is_regular_file(dir_ / "config", ec))
    add(dir_ / "config");
  for (const char* sub : {"hooks", "info"}) {
    for (fs::recursive_directory_iterator it(dir_ / sub, ec), end; !ec && it != end;
         it.increment(ec))
      if (it->is_regular_file(ec) || it->is_symlink(ec))
        add(it->path());
    ec.clear();
  }
  return out;
}

std::vector<git_dir_guard::change> git_dir_guard::changes(const files& now) const {
  std::vector<change> out;
  for (const auto& [rel, e] : now) {
    auto was = baseline_.find(rel);
    if (was == baseline_.end())
      out.push_back({rel, " (added)", e.mtime});
    else if (was->second.content != e.content)
      out.push_back({rel, " (changed)", e.mtime});
  }
  for (const auto& [rel, e] : baseline_)
    if (!now.count(rel))
      out.push_back({rel, " (removed)", fs::file_time_type{}});
  return out;
}

void git_dir_guard::put_back(const std::string& rel) {
  std::error_code ec;
  fs::remove(dir_ / rel, ec); // what was added, or planted in its place (a symlink)
  auto was = baseline_.find(rel);
  if (was == baseline_.end())
    return;
  const auto& content = was->second.content;
  if (content.rfind("\x01", 0) == 0)
    return; // too big to have been read: only named
  std::ofstream(dir_ / rel, std::ios::binary | std::ios::trunc) << content.substr(1);
  fs::permissions(dir_ / rel,
                  content[0] == 'x'
                      ? fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec
                      : fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                            fs::perms::others_read,
                  ec);
}

std::uint64_t git_dir_guard::begin() {
  std::lock_guard<std::mutex> lock(mu_);
  // A little before now: file times are coarser than the clock's reading.
  running_[++next_id_] = fs::file_time_type::clock::now() - std::chrono::milliseconds(50);
  return next_id_;
}

std::vector<std::string> git_dir_guard::end(std::uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto now = read_now();
  for (const auto& c : changes(now)) {
    // Suspects: the tools running when it changed (every running one when
    // the time is unknown). This one is running until it returns.
    std::vector<std::uint64_t> suspects;
    for (const auto& [other, started] : running_)
      if (c.when == fs::file_time_type{} || started <= c.when)
        suspects.push_back(other);
    if (suspects.empty()) { // no tool ran then: the user's own change, kept
      if (auto it = now.find(c.path); it != now.end())
        baseline_[c.path] = it->second;
      else
        baseline_.erase(c.path);
      continue;
    }
    put_back(c.path);
    for (auto s : suspects)
      suspected_[s].push_back(c.path + c.how);
  }
  running_.erase(id);
  auto mine = std::move(suspected_[id]);
  suspected_.erase(id);
  return mine;
}

} // namespace uet::ledger
