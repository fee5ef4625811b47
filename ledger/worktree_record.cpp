#include "ledger/worktree_record.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <random>

#include "ledger/workspace.h"

namespace uet::ledger {

namespace fs = std::filesystem;

namespace {

const std::string kStagingPrefix = "uet-new-worktree-";

bool write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return !out.fail();
}

/// extensions.worktreeConfig set in the repository's config (a plain text
/// search: a false alarm only costs git's own add).
bool mentions_worktree_config(const fs::path& config) {
  std::ifstream in(config);
  std::string line;
  while (std::getline(in, line)) {
    std::transform(line.begin(), line.end(), line.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (line.find("worktreeconfig") != std::string::npos)
      return true;
  }
  return false;
}

std::string suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::to_string(rng());
}

} // namespace

bool is_object_id(const std::string& s) {
  if (s.size() != 40 && s.size() != 64)
    return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

std::string first_line(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

expected<fs::path> common_dir_of(const fs::path& repo) {
  auto dir = git_dir_of(repo);
  if (!dir)
    return dir.error();
  auto common = first_line(*dir / "commondir");
  if (common.empty())
    return *dir;
  fs::path c = common;
  return (c.is_relative() ? *dir / c : c).lexically_normal();
}

status register_detached(const fs::path& repo, const fs::path& worktree,
                         const std::string& commit) {
  if (!is_object_id(commit))
    return fail("not a full object id: " + commit);
  auto common = common_dir_of(repo);
  if (!common)
    return common.error();
  std::error_code ec;
  // A sparse checkout, and with extensions.worktreeConfig the per-worktree
  // config, are copied into new worktrees by git's add: leave those to git.
  if (fs::exists(*common / "info" / "sparse-checkout", ec))
    return fail("the repository uses a sparse checkout");
  if (mentions_worktree_config(*common / "config"))
    return fail("the repository uses extensions.worktreeConfig");
  auto base = fs::weakly_canonical(*common, ec);
  if (ec)
    return fail("cannot resolve " + common->string() + ": " + ec.message());
  auto wt = fs::weakly_canonical(fs::absolute(worktree), ec);
  auto id = wt.filename().string();
  auto admin = base / "worktrees" / id;
  if (ec || id.empty() || fs::exists(admin, ec) || fs::exists(wt, ec))
    return fail("the worktree or its record already exists: " + wt.string());

  // The worktree directory is ours only if this call makes it (mkdir fails
  // if someone else did meanwhile), so a failure never deletes theirs.
  fs::create_directories(wt.parent_path(), ec);
  if (::mkdir(wt.c_str(), 0777) != 0)
    return fail("cannot create " + wt.string() + ": " + std::strerror(errno));
  auto staging = base / (kStagingPrefix + id + "-" + suffix());
  bool ok = fs::create_directory(staging, ec) && write_text(staging / "commondir", "../..\n") &&
            write_text(staging / "gitdir", (wt / ".git").string() + "\n") &&
            write_text(staging / "HEAD", commit + "\n") &&
            write_text(wt / ".git", "gitdir: " + admin.string() + "\n");
  if (ok) {
    fs::create_directories(base / "worktrees", ec);
    fs::rename(staging, admin, ec); // the record appears whole, or not at all
    ok = !ec;
  }
  if (!ok) {
    fs::remove_all(staging, ec);
    fs::remove_all(wt, ec);
    return fail("cannot register the worktree " + wt.string());
  }
  return {};
}

expected<std::vector<worktree_record>> list_worktree_records(const fs::path& repo) {
  auto common = common_dir_of(repo);
  if (!common)
    return common.error();
  std::vector<worktree_record> out;
  std::error_code ec;
  auto dir = *common / "worktrees";
  if (!fs::is_directory(dir, ec))
    return out;
  fs::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    worktree_record r;
    r.admin_dir = it->path();
    fs::path gitdir = first_line(r.admin_dir / "gitdir");
    if (gitdir.empty())
      continue;               // being made by git, or broken: git's prune decides
    if (gitdir.is_relative()) // worktree.useRelativePaths (git 2.48+)
      gitdir = (r.admin_dir / gitdir).lexically_normal();
    r.worktree = gitdir.parent_path();
    std::error_code missing;
    r.present = fs::exists(gitdir, missing);
    out.push_back(std::move(r));
  }
  if (ec)
    return fail("cannot list " + dir.string() + ": " + ec.message());
  return out;
}

std::size_t remove_abandoned_staging(const fs::path& repo, std::chrono::seconds older_than) {
  auto common = common_dir_of(repo);
  if (!common)
    return 0;
  std::size_t removed = 0;
  std::error_code ec;
  auto now = fs::file_time_type::clock::now();
  fs::directory_iterator it(*common, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind(kStagingPrefix, 0) != 0)
      continue;
    std::error_code e;
    auto age = now - fs::last_write_time(it->path(), e);
    if (!e && age > older_than && fs::remove_all(it->path(), e) > 0)
      ++removed;
  }
  return removed;
}

status forget_worktree(const fs::path& worktree) {
  auto admin = git_dir_of(worktree);
  std::error_code ec;
  if (!admin || admin->parent_path().filename() != "worktrees" ||
      !fs::equivalent(first_line(*admin / "gitdir"), worktree / ".git", ec))
    return fail(worktree.string() + " is not a linked worktree");
  fs::remove_all(worktree, ec);
  if (!ec)
    fs::remove_all(*admin, ec);
  if (ec)
    return fail("cannot remove the worktree " + worktree.string() + ": " + ec.message());
  return {};
}

} // namespace uet::ledger
