#include "ledger/worktree_checkout.h"

#include <git2.h>

#include <fstream>
#include <sstream>

#include "ledger/libgit2_owned.h"
#include "ledger/object_store.h"

namespace uet::ledger {

namespace fs = std::filesystem;

namespace {

using lg2::owned;
const auto git2_failure = lg2::last_error;

/// git's working-tree-encoding re-encodes files on checkout; libgit2 does not.
bool names_encoding(std::string_view attributes) {
  return attributes.find("working-tree-encoding") != std::string_view::npos;
}

bool file_names_encoding(const fs::path& file) {
  std::ifstream in(file);
  if (!in)
    return false;
  std::stringstream s;
  s << in.rdbuf();
  return names_encoding(s.str());
}

/// A filter driver or a sparse checkout configured, or an attributes file
/// outside the tree asking for an encoding: git would write what libgit2
/// cannot.
bool config_needs_git(git_repository* repo) {
  owned<git_config, git_config_free> cfg;
  if (git_repository_config_snapshot(&cfg.p, repo) != 0)
    return true;
  // Every entry, matched by prefix here: libgit2 1.5's glob iterator leaks
  // a regex match block for each entry its pattern does not match.
  owned<git_config_iterator, git_config_iterator_free> it;
  git_config_entry* entry = nullptr;
  if (git_config_iterator_new(&it.p, cfg.p) != 0)
    return true;
  while (git_config_next(&entry, it.p) == 0)
    if (std::string_view(entry->name).rfind("filter.", 0) == 0)
      return true;
  int sparse = 0;
  if (git_config_get_bool(&sparse, cfg.p, "core.sparsecheckout") == 0 && sparse)
    return true;
  git_buf attributes_file = GIT_BUF_INIT;
  if (git_config_get_path(&attributes_file, cfg.p, "core.attributesfile") == 0) {
    bool encoding = file_names_encoding(attributes_file.ptr);
    git_buf_dispose(&attributes_file);
    if (encoding)
      return true;
  }
  return file_names_encoding(fs::path(git_repository_commondir(repo)) / "info" / "attributes");
}

struct walk_state {
  git_repository* repo;
  bool needs_git = false;
};

int visit_entry(const char*, const git_tree_entry* entry, void* payload) {
  auto* st = static_cast<walk_state*>(payload);
  if (std::string_view(git_tree_entry_name(entry)) != ".gitattributes" ||
      git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
    return 0;
  owned<git_blob, git_blob_free> blob;
  if (git_blob_lookup(&blob.p, st->repo, git_tree_entry_id(entry)) != 0 ||
      names_encoding({static_cast<const char*>(git_blob_rawcontent(blob.p)),
                      static_cast<std::size_t>(git_blob_rawsize(blob.p))})) {
    st->needs_git = true;
    return -1; // stops the walk
  }
  return 0;
}

bool tree_needs_git(git_repository* repo, git_tree* tree) {
  walk_state st{repo};
  git_tree_walk(tree, GIT_TREEWALK_PRE, visit_entry, &st);
  return st.needs_git;
}

} // namespace

expected<bool> checkout_in_process(const fs::path& worktree, const std::string& commit) {
  ensure_libgit2();
  owned<git_repository, git_repository_free> repo;
  if (git_repository_open(&repo.p, worktree.c_str()) != 0)
    return git2_failure("cannot open the worktree " + worktree.string());
  git_oid id;
  owned<git_commit, git_commit_free> c;
  owned<git_tree, git_tree_free> tree;
  if (git_oid_fromstr(&id, commit.c_str()) != 0 || git_commit_lookup(&c.p, repo.p, &id) != 0 ||
      git_commit_tree(&tree.p, c.p) != 0)
    return git2_failure("cannot read commit " + commit);
  if (config_needs_git(repo.p) || tree_needs_git(repo.p, tree.p))
    return false;
  owned<git_index, git_index_free> index;
  if (git_repository_index(&index.p, repo.p) != 0)
    return git2_failure("cannot read the index of " + worktree.string());
  git_checkout_options opts;
  git_checkout_options_init(&opts, GIT_CHECKOUT_OPTIONS_VERSION);
  // Forced, against what the index holds (a tool's staged change included),
  // not against HEAD's tree: what the index has and commit lacks leaves the
  // index and the worktree, as with git.
  opts.checkout_strategy = GIT_CHECKOUT_FORCE;
  opts.baseline_index = index.p;
  if (git_checkout_tree(repo.p, reinterpret_cast<git_object*>(c.p), &opts) != 0)
    return git2_failure("cannot check out " + commit + " in " + worktree.string());
  if (git_repository_set_head_detached(repo.p, &id) != 0)
    return git2_failure("cannot detach HEAD at " + commit + " in " + worktree.string());
  return true;
}

} // namespace uet::ledger
