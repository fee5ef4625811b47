#include "ledger/object_store.h"

#include "ledger/libgit2_owned.h"

#include <cstdio>
#include <cstdlib>
#include <git2.h>
#include <mutex>
#include <set>
#include <string_view>
#include <system_error>
#include <vector>

namespace uet::ledger {

namespace {

using lg2::hex;
using lg2::owned;
const auto git_failure = lg2::last_error;

expected<git_oid> oid_of(const std::string& hex) {
  git_oid id;
  if (git_oid_fromstr(&id, hex.c_str()) != 0)
    return git_failure("'" + hex + "' is not an object id");
  return id;
}

std::string env_or(const char* name, const std::string& otherwise) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : otherwise;
}

/// Every path that differs between trees a and b (no rename detection: a
/// rename is its two paths); false if they cannot be compared.
bool changed_paths(git_repository* repo, git_tree* a, git_tree* b, std::set<std::string>& out) {
  owned<git_diff, git_diff_free> d;
  git_diff_options opts;
  git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
  if (git_diff_tree_to_tree(&d.p, repo, a, b, &opts) != 0)
    return false;
  for (std::size_t i = 0, n = git_diff_num_deltas(d.p); i < n; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(d.p, i);
    out.insert(delta->old_file.path);
    out.insert(delta->new_file.path);
  }
  return true;
}

/// path, or a directory holding it, is one of set.
bool meets(const std::string& path, const std::set<std::string>& set) {
  if (set.count(path))
    return true;
  for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
    if (set.count(path.substr(0, slash)))
      return true;
  return false;
}

bool commit_tree(git_repository* repo, const std::string& commit, git_tree** tree) {
  git_oid id;
  owned<git_commit, git_commit_free> c;
  return git_oid_fromstr(&id, commit.c_str()) == 0 && git_commit_lookup(&c.p, repo, &id) == 0 &&
         git_commit_tree(tree, c.p) == 0;
}

} // namespace

void ensure_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // By default libgit2 looks up every object a new tree or commit names
    // (a file open per blob: 12 ms to write a 1,000-file index's tree).
    // Ours name objects git or libgit2 has just written or read: the check
    // finds nothing, at the cost of the ledger's serial time.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
  });
}

struct object_store::impl {
  git_repository* repo = nullptr;
  std::string name = "uet-actors";
  std::string email = "uet-actors@localhost";
  ~impl() {
    if (repo)
      git_repository_free(repo);
  }
};

object_store::object_store(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
object_store::~object_store() = default;
object_store::object_store(object_store&&) noexcept = default;
object_store& object_store::operator=(object_store&&) noexcept = default;

std::string blob_id_of(std::string_view data) {
  ensure_libgit2();
  git_oid oid{};
  if (git_odb_hash(&oid, data.data(), data.size(), GIT_OBJECT_BLOB) != 0)
    return {};
  return hex(oid);
}

std::string blob_id_of_file(const std::filesystem::path& file) {
  ensure_libgit2();
  git_oid oid{};
  if (git_odb_hashfile(&oid, file.c_str(), GIT_OBJECT_BLOB) != 0)
    return {};
  return hex(oid);
}

std::optional<std::string> branch_commit(const std::filesystem::path& repo,
                                         const std::string& branch) {
  ensure_libgit2();
  owned<git_repository, git_repository_free> r;
  if (git_repository_open(&r.p, repo.c_str()) != 0)
    return std::nullopt;
  git_oid id;
  int rc = git_reference_name_to_id(&id, r.p, ("refs/heads/" + branch).c_str());
  if (rc == GIT_ENOTFOUND)
    return std::string();
  if (rc != 0)
    return std::nullopt;
  return hex(id);
}

namespace {

/// A name git reads only as a ref (not a hex id, no revision syntax).
bool plain_ref_name(const std::string& rev) {
  if (rev.empty() || rev.front() == '-' || rev.find_first_of("@~^:?*[\\ ") != std::string::npos)
    return false;
  if (rev.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos)
    return false; // git may read it as an object id
  if (rev.rfind("main-worktree/", 0) == 0 || rev.rfind("worktrees/", 0) == 0)
    return false; // another worktree's refs, by git's first rule
  int valid = 0;
  auto full = rev.rfind("refs/", 0) == 0 ? rev : "refs/heads/" + rev;
  return git_reference_name_is_valid(&valid, full.c_str()) == 0 && valid;
}

std::optional<std::string> peeled_commit(git_reference* ref) {
  owned<git_object, git_object_free> c;
  if (git_reference_peel(&c.p, ref, GIT_OBJECT_COMMIT) != 0)
    return std::nullopt;
  return hex(*git_object_id(c.p));
}

} // namespace

std::optional<std::string> named_commit(const std::filesystem::path& repo, const std::string& rev) {
  ensure_libgit2();
  owned<git_repository, git_repository_free> r;
  if (git_repository_open(&r.p, repo.c_str()) != 0 || lg2::replaces_objects(r.p))
    return std::nullopt;
  if (rev == "HEAD") {
    owned<git_reference, git_reference_free> head;
    if (git_reference_lookup(&head.p, r.p, "HEAD") != 0)
      return std::nullopt;
    return peeled_commit(head.p);
  }
  if (!plain_ref_name(rev))
    return std::nullopt;
  std::error_code ec;
  for (const char* dir : {git_repository_path(r.p), git_repository_commondir(r.p)})
    if (rev.rfind("refs/", 0) != 0 && std::filesystem::exists(std::filesystem::path(dir) / rev, ec))
      return std::nullopt; // a file git's first rule would read (FETCH_HEAD-like)
  std::vector<std::string> candidates{"refs/" + rev, "refs/tags/" + rev, "refs/heads/" + rev,
                                      "refs/remotes/" + rev, "refs/remotes/" + rev + "/HEAD"};
  if (rev.rfind("refs/", 0) == 0)
    candidates.insert(candidates.begin(), rev);
  owned<git_reference, git_reference_free> found;
  for (const auto& name : candidates) {
    owned<git_reference, git_reference_free> ref;
    int rc = git_reference_lookup(&ref.p, r.p, name.c_str());
    if (rc == GIT_ENOTFOUND)
      continue;
    if (rc != 0 || found.p)
      return std::nullopt; // unreadable, or ambiguous: git says which it takes
    std::swap(found.p, ref.p);
  }
  if (!found.p)
    return std::nullopt;
  return peeled_commit(found.p);
}

namespace {

/// git greps a message after re-encoding it to i18n.logOutputEncoding.
bool message_reencoded(git_repository* repo) {
  owned<git_config, git_config_free> cfg;
  owned<git_config_entry, git_config_entry_free> e;
  return git_repository_config_snapshot(&cfg.p, repo) != 0 ||
         git_config_get_entry(&e.p, cfg.p, "i18n.logoutputencoding") == 0;
}

bool has_line_starting(std::string_view message, const std::vector<std::string>& prefixes) {
  std::size_t pos = 0;
  while (pos < message.size()) {
    auto line = message.substr(pos);
    for (const auto& p : prefixes)
      if (line.substr(0, p.size()) == p)
        return true;
    auto nl = message.find('\n', pos);
    if (nl == std::string_view::npos)
      break;
    pos = nl + 1;
  }
  return false;
}

} // namespace

std::optional<std::string> first_parent_without(const std::filesystem::path& repo,
                                                const std::string& branch,
                                                const std::vector<std::string>& prefixes) {
  ensure_libgit2();
  owned<git_repository, git_repository_free> r;
  owned<git_revwalk, git_revwalk_free> walk;
  if (git_repository_open(&r.p, repo.c_str()) != 0 || lg2::replaces_objects(r.p) ||
      message_reencoded(r.p) || git_revwalk_new(&walk.p, r.p) != 0 ||
      git_revwalk_simplify_first_parent(walk.p) != 0 ||
      git_revwalk_push_ref(walk.p, ("refs/heads/" + branch).c_str()) != 0)
    return std::nullopt;
  git_oid id;
  int rc = 0;
  while ((rc = git_revwalk_next(&id, walk.p)) == 0) {
    owned<git_commit, git_commit_free> c;
    if (git_commit_lookup(&c.p, r.p, &id) != 0 || git_commit_message_encoding(c.p))
      return std::nullopt;
    const char* message = git_commit_message_raw(c.p);
    if (!has_line_starting(message ? message : "", prefixes))
      return hex(id);
  }
  return rc == GIT_ITEROVER ? std::optional<std::string>(std::string()) : std::nullopt;
}

namespace {

/// Who the reflog entry names: libgit2's answer is git's only when both
/// are configured (git makes one up otherwise, libgit2 says "unknown").
bool configured_identity(git_repository* repo) {
  owned<git_config, git_config_free> cfg;
  owned<git_config_entry, git_config_entry_free> name, email;
  return git_repository_config_snapshot(&cfg.p, repo) == 0 &&
         git_config_get_entry(&name.p, cfg.p, "user.name") == 0 &&
         git_config_get_entry(&email.p, cfg.p, "user.email") == 0;
}

} // namespace

bool create_branch(const std::filesystem::path& repo, const std::string& branch,
                   const std::string& commit) {
  ensure_libgit2();
  int valid = 0;
  if (git_branch_name_is_valid(&valid, branch.c_str()) != 0 || !valid)
    return false;
  // The reflog entry's identity: libgit2 reads user.name and user.email
  // only, git the GIT_COMMITTER_* variables first and a made-up one last.
  for (const char* v : {"GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_COMMITTER_DATE"})
    if (std::getenv(v))
      return false;
  owned<git_repository, git_repository_free> r;
  git_oid id;
  owned<git_commit, git_commit_free> c;
  owned<git_reference, git_reference_free> made;
  if (git_repository_open(&r.p, repo.c_str()) != 0 || !configured_identity(r.p))
    return false;
  return git_oid_fromstr(&id, commit.c_str()) == 0 && git_commit_lookup(&c.p, r.p, &id) == 0 &&
         git_branch_create(&made.p, r.p, branch.c_str(), c.p, 0) == 0;
}

expected<object_store> object_store::open(const std::filesystem::path& repo) {
  ensure_libgit2();
  auto p = std::make_unique<impl>();
  if (git_repository_open(&p->repo, repo.c_str()) != 0)
    return git_failure("cannot open the repository " + repo.string());
  return object_store(std::move(p));
}

void object_store::set_identity(std::string name, std::string email) {
  impl_->name = std::move(name);
  impl_->email = std::move(email);
}

status object_store::read_tree(const std::string& commit, const std::filesystem::path& index_path) {
  auto id = oid_of(commit);
  if (!id)
    return id.error();
  owned<git_commit, git_commit_free> c;
  owned<git_tree, git_tree_free> tree;
  owned<git_index, git_index_free> index;
  if (git_commit_lookup(&c.p, impl_->repo, &*id) != 0 || git_commit_tree(&tree.p, c.p) != 0)
    return git_failure("cannot read commit " + commit);
  if (git_index_open(&index.p, index_path.c_str()) != 0 ||
      git_index_read_tree(index.p, tree.p) != 0 || git_index_write(index.p) != 0)
    return git_failure("cannot write the index " + index_path.string());
  return {};
}

expected<std::string> object_store::write_tree(const std::filesystem::path& index_path) {
  owned<git_index, git_index_free> index;
  git_oid tree;
  if (git_index_open(&index.p, index_path.c_str()) != 0 ||
      git_index_write_tree_to(&tree, index.p, impl_->repo) != 0)
    return git_failure("cannot write the tree of " + index_path.string());
  return hex(tree);
}

expected<std::string> object_store::commit(const std::string& tree, const std::string& parent,
                                           const std::string& message) {
  auto tree_id = oid_of(tree);
  auto parent_id = oid_of(parent);
  if (!tree_id)
    return tree_id.error();
  if (!parent_id)
    return parent_id.error();
  owned<git_tree, git_tree_free> t;
  owned<git_commit, git_commit_free> p;
  if (git_tree_lookup(&t.p, impl_->repo, &*tree_id) != 0 ||
      git_commit_lookup(&p.p, impl_->repo, &*parent_id) != 0)
    return git_failure("cannot read tree " + tree + " or commit " + parent);
  const auto& name = impl_->name;
  const auto& email = impl_->email;
  owned<git_signature, git_signature_free> author, committer;
  if (git_signature_now(&author.p, env_or("GIT_AUTHOR_NAME", name).c_str(),
                        env_or("GIT_AUTHOR_EMAIL", email).c_str()) != 0 ||
      git_signature_now(&committer.p, env_or("GIT_COMMITTER_NAME", name).c_str(),
                        env_or("GIT_COMMITTER_EMAIL", email).c_str()) != 0)
    return git_failure("cannot make the commit's signature");
  const git_commit* parents[] = {p.p};
  git_oid id;
  if (git_commit_create(&id, impl_->repo, nullptr, author.p, committer.p, nullptr, message.c_str(),
                        t.p, 1, parents) != 0)
    return git_failure("cannot create the commit");
  return hex(id);
}

status object_store::move_ref(const std::string& ref, const std::string& target,
                              const std::string& expected, const std::string& log_message) {
  auto to = oid_of(target);
  auto from = oid_of(expected);
  if (!to)
    return to.error();
  if (!from)
    return from.error();
  owned<git_reference, git_reference_free> r;
  if (git_reference_create_matching(&r.p, impl_->repo, ref.c_str(), &*to, 1, &*from,
                                    log_message.c_str()) != 0)
    return git_failure("cannot move " + ref + " from " + expected + " to " + target);
  return {};
}

std::optional<std::string> object_store::graft(const std::string& base,
                                               const std::string& result_tree,
                                               const std::string& parent,
                                               const std::vector<std::string>& paths,
                                               const std::map<std::string, std::string>& written,
                                               const std::filesystem::path& index_path) {
  git_repository* repo = impl_->repo;
  owned<git_tree, git_tree_free> base_tree, parent_tree, result;
  git_oid result_id;
  if (!commit_tree(repo, base, &base_tree.p) || !commit_tree(repo, parent, &parent_tree.p) ||
      git_oid_fromstr(&result_id, result_tree.c_str()) != 0 ||
      git_tree_lookup(&result.p, repo, &result_id) != 0)
    return std::nullopt;
  std::set<std::string> patch, since;
  if (!changed_paths(repo, base_tree.p, result.p, patch) ||
      patch != std::set<std::string>(paths.begin(), paths.end()) ||
      !changed_paths(repo, base_tree.p, parent_tree.p, since))
    return std::nullopt;
  for (const auto& p : patch)
    if (meets(p, since))
      return std::nullopt;
  for (const auto& p : since)
    if (meets(p, patch))
      return std::nullopt;
  owned<git_index, git_index_free> index;
  if (git_index_open(&index.p, index_path.c_str()) != 0)
    return std::nullopt;
  std::vector<std::pair<std::string, git_tree_entry*>> kept; // what result_tree holds
  bool ok = true;
  for (const auto& p : patch) {
    git_tree_entry* te = nullptr;
    if (git_tree_entry_bypath(&te, result.p, p.c_str()) == 0 &&
        git_tree_entry_type(te) != GIT_OBJECT_TREE)
      kept.emplace_back(p, te);
    else if (te)
      git_tree_entry_free(te);
    ok = ok && (kept.empty() || kept.back().first != p) == (written.count(p) == 0);
    // Gone (or a directory now): out of the index first, so that a file
    // and a directory of the same name never meet there.
    if (git_index_get_bypath(index.p, p.c_str(), 0))
      ok = ok && git_index_remove(index.p, p.c_str(), 0) == 0;
  }
  for (auto& [p, te] : kept) {
    char mode[16];
    std::snprintf(mode, sizeof mode, "%06o ", static_cast<unsigned>(git_tree_entry_filemode(te)));
    auto says = written.find(p);
    ok = ok && says != written.end() && says->second == mode + hex(*git_tree_entry_id(te));
    git_index_entry e{};
    e.mode = git_tree_entry_filemode(te);
    e.id = *git_tree_entry_id(te);
    e.path = p.c_str();
    ok = ok && git_index_add(index.p, &e) == 0;
    git_tree_entry_free(te);
  }
  git_oid tree;
  // Written only when whole: a half-done graft leaves the file as it was.
  if (!ok || git_index_write_tree_to(&tree, index.p, repo) != 0 || git_index_write(index.p) != 0)
    return std::nullopt;
  return hex(tree);
}

bool object_store::clear_stale_lock(const std::string& ref, std::chrono::seconds age) {
  namespace fs = std::filesystem;
  auto lock = fs::path(git_repository_commondir(impl_->repo)) / (ref + ".lock");
  std::error_code ec;
  auto at = fs::last_write_time(lock, ec);
  if (ec || fs::file_time_type::clock::now() - at < age)
    return false;
  return fs::remove(lock, ec);
}

} // namespace uet::ledger
