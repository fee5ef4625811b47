#include "ledger/stage_in_process.h"

#include <git2.h>

#include <array>
#include <system_error>

#include "ledger/libgit2_owned.h"
#include "ledger/object_store.h"

namespace uet::ledger {

namespace fs = std::filesystem;

namespace {

using lg2::owned;
const auto git2_failure = lg2::last_error;

/// Settings under which git stages other bytes, other entries or another
/// index than libgit2 would.
bool config_needs_git(git_repository* repo) {
  owned<git_config, git_config_free> cfg;
  if (git_repository_config_snapshot(&cfg.p, repo) != 0)
    return true;
  const char* autocrlf = nullptr;
  if (git_config_get_string(&autocrlf, cfg.p, "core.autocrlf") == 0 &&
      std::string_view(autocrlf) != "false")
    return true;
  for (const char* name : {"core.sparsecheckout", "core.ignorecase", "core.splitindex",
                           "index.sparse", "core.precomposeunicode"}) {
    int on = 0;
    if (git_config_get_bool(&on, cfg.p, name) == 0 && on)
      return true;
  }
  return false;
}

/// Conflicts, intent-to-add, skip-worktree and assume-unchanged entries:
/// states `git add --all` treats in ways of its own.
bool index_needs_git(git_index* index) {
  if (git_index_has_conflicts(index))
    return true;
  const std::size_t n = git_index_entrycount(index);
  for (std::size_t i = 0; i < n; ++i) {
    const git_index_entry* e = git_index_get_byindex(index, i);
    if ((e->flags & GIT_INDEX_ENTRY_VALID) || GIT_INDEX_ENTRY_STAGE(e) != 0 ||
        (e->flags_extended & (GIT_INDEX_ENTRY_INTENT_TO_ADD | GIT_INDEX_ENTRY_SKIP_WORKTREE)) ||
        e->mode == GIT_FILEMODE_COMMIT)
      return true;
  }
  return false;
}

struct scan {
  git_repository* repo;
  fs::path top;
  bool needs_git = false;
};

/// Called for each path about to be staged or removed: any attribute that
/// converts content, or a directory (a nested repository, which git stages
/// as a gitlink), and git stages instead.
int inspect(const char* path, const char*, void* payload) {
  auto* s = static_cast<scan*>(payload);
  static constexpr std::array<const char*, 6> converting = {
      "text", "eol", "crlf", "ident", "filter", "working-tree-encoding"};
  std::array<const char*, converting.size()> values{};
  if (git_attr_get_many(values.data(), s->repo, GIT_ATTR_CHECK_FILE_THEN_INDEX, path,
                        converting.size(), const_cast<const char**>(converting.data())) != 0) {
    s->needs_git = true;
    return -1;
  }
  for (const char* v : values)
    if (!GIT_ATTR_IS_UNSPECIFIED(v)) {
      s->needs_git = true;
      return -1;
    }
  std::error_code ec;
  std::string_view p(path);
  if ((!p.empty() && p.back() == '/') || fs::is_directory(fs::symlink_status(s->top / path, ec))) {
    s->needs_git = true;
    return -1;
  }
  return 0;
}

} // namespace

expected<staged_in_process> stage_all_in_process(const fs::path& worktree,
                                                 const std::string& base_commit) {
  ensure_libgit2();
  owned<git_repository, git_repository_free> repo;
  if (git_repository_open(&repo.p, worktree.c_str()) != 0)
    return git2_failure("cannot open the worktree " + worktree.string());
  if (config_needs_git(repo.p))
    return staged_in_process{};
  owned<git_index, git_index_free> index;
  if (git_repository_index(&index.p, repo.p) != 0)
    return git2_failure("cannot read the index of " + worktree.string());
  if (index_needs_git(index.p))
    return staged_in_process{};
  scan s{repo.p, worktree};
  char everything[] = ".";
  char* specs[] = {everything};
  git_strarray pathspec{specs, 1};
  // Tracked files first (modified or deleted), then new ones; in memory
  // until both passed the inspection: a declined staging writes nothing.
  int rc = git_index_update_all(index.p, &pathspec, inspect, &s);
  if (rc == 0)
    rc = git_index_add_all(index.p, &pathspec, GIT_INDEX_ADD_DEFAULT, inspect, &s);
  if (s.needs_git)
    return staged_in_process{};
  if (rc != 0)
    return git2_failure("cannot stage the changes of " + worktree.string());
  git_oid tree;
  if (git_index_write_tree(&tree, index.p) != 0)
    return git2_failure("cannot write the tree of " + worktree.string());
  if (git_index_write(index.p) != 0)
    return git2_failure("cannot write the index of " + worktree.string());
  staged_in_process done{true, false};
  git_oid base;
  owned<git_commit, git_commit_free> c;
  if (git_oid_fromstr(&base, base_commit.c_str()) == 0 &&
      git_commit_lookup(&c.p, repo.p, &base) == 0)
    done.unchanged = git_oid_equal(git_commit_tree_id(c.p), &tree);
  return done;
}

} // namespace uet::ledger
