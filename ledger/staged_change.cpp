// staged_change_of's measure without git processes: the worktree's index
// against the base commit's tree, read with libgit2. Both sides are objects
// (no filter, no attribute, no worktree file is read), so what git would
// answer is what libgit2 reads; renames are found by git's -M rule (50%
// similar) so that a rename counts as one file, as in `git diff --raw -M`.
#include <git2.h>

#include "ledger/libgit2_owned.h"
#include "ledger/object_store.h"
#include "ledger/patch_admission.h"

namespace uet::ledger {

namespace {

using lg2::owned;

bool measure(git_repository* repo, const git_diff_delta& d, staged_change& c) {
  ++c.files;
  if (d.new_file.mode == GIT_FILEMODE_COMMIT || d.old_file.mode == GIT_FILEMODE_COMMIT) {
    if (d.new_file.mode == GIT_FILEMODE_COMMIT) { // a removed gitlink takes nothing nested in
      c.gitlinks.emplace_back(d.new_file.path);
      c.gitlink_commits.push_back(lg2::hex(d.new_file.id));
    }
    return true;
  }
  if (d.status == GIT_DELTA_DELETED)
    return true;
  owned<git_odb, git_odb_free> odb;
  std::size_t size = 0;
  git_object_t type{};
  if (git_repository_odb(&odb.p, repo) != 0 ||
      git_odb_read_header(&size, &type, odb.p, &d.new_file.id) != 0)
    return false;
  if (static_cast<std::int64_t>(size) > c.largest_bytes) {
    c.largest_bytes = static_cast<std::int64_t>(size);
    c.largest_path = d.new_file.path;
  }
  return true;
}

} // namespace

std::optional<staged_change> staged_change_in_process(const std::filesystem::path& worktree,
                                                      const std::string& base_commit) {
  ensure_libgit2();
  owned<git_repository, git_repository_free> repo;
  owned<git_index, git_index_free> index;
  owned<git_commit, git_commit_free> commit;
  owned<git_tree, git_tree_free> tree;
  git_oid id;
  if (git_repository_open(&repo.p, worktree.c_str()) != 0 ||
      git_repository_index(&index.p, repo.p) != 0 ||
      git_oid_fromstr(&id, base_commit.c_str()) != 0 ||
      git_commit_lookup(&commit.p, repo.p, &id) != 0 || git_commit_tree(&tree.p, commit.p) != 0)
    return std::nullopt;
  git_diff_options opts;
  git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
  opts.flags = GIT_DIFF_INCLUDE_TYPECHANGE; // one entry, as git's 'T'
  opts.ignore_submodules = GIT_SUBMODULE_IGNORE_NONE;
  owned<git_diff, git_diff_free> diff;
  git_diff_find_options similar;
  git_diff_find_options_init(&similar, GIT_DIFF_FIND_OPTIONS_VERSION);
  similar.flags = GIT_DIFF_FIND_RENAMES;
  if (git_diff_tree_to_index(&diff.p, repo.p, tree.p, index.p, &opts) != 0 ||
      git_diff_find_similar(diff.p, &similar) != 0)
    return std::nullopt;
  staged_change c;
  for (std::size_t i = 0, n = git_diff_num_deltas(diff.p); i < n; ++i)
    if (!measure(repo.p, *git_diff_get_delta(diff.p, i), c))
      return std::nullopt;
  return c;
}

} // namespace uet::ledger
