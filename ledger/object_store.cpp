#include "ledger/object_store.h"

#include <cstdlib>
#include <git2.h>
#include <mutex>

namespace uet::ledger {

namespace {

std::once_flag init_once;

failure git_failure(const std::string& what) {
  const git_error* e = git_error_last();
  return fail(error_kind::git, what + ": " + (e && e->message ? e->message : "libgit2 error"));
}

expected<git_oid> oid_of(const std::string& hex) {
  git_oid id;
  if (git_oid_fromstr(&id, hex.c_str()) != 0)
    return git_failure("'" + hex + "' is not an object id");
  return id;
}

std::string hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

std::string env_or(const char* name, const std::string& otherwise) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : otherwise;
}

template <class T, void (*Free)(T*)>
struct owned {
  T* p = nullptr;
  ~owned() {
    if (p)
      Free(p);
  }
};

} // namespace

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
  std::call_once(init_once, [] { git_libgit2_init(); });
  git_oid oid{};
  if (git_odb_hash(&oid, data.data(), data.size(), GIT_OBJECT_BLOB) != 0)
    return {};
  return hex(oid);
}

std::string blob_id_of_file(const std::filesystem::path& file) {
  std::call_once(init_once, [] { git_libgit2_init(); });
  git_oid oid{};
  if (git_odb_hashfile(&oid, file.c_str(), GIT_OBJECT_BLOB) != 0)
    return {};
  return hex(oid);
}

expected<object_store> object_store::open(const std::filesystem::path& repo) {
  std::call_once(init_once, [] { git_libgit2_init(); });
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
