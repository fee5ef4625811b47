// What the ledger's libgit2 callers share (object_store.cpp,
// worktree_checkout.cpp, staged_change.cpp): a libgit2 object freed with its
// own free function at scope end, libgit2's last error as a failure, and
// whether git would read other objects than libgit2.
#pragma once

#include <git2.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "base/expected.h"

namespace uet::ledger::lg2 {

template <class T, void (*Free)(T*)>
struct owned {
  T* p = nullptr;
  owned() = default;
  owned(const owned&) = delete;
  owned& operator=(const owned&) = delete;
  ~owned() {
    if (p)
      Free(p);
  }
};

/// "what: libgit2's message" (kind git).
inline failure last_error(const std::string& what) {
  const git_error* e = git_error_last();
  return fail(error_kind::git, what + ": " + (e && e->message ? e->message : "libgit2 error"));
}

/// An object id as git prints it.
inline std::string hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

/// Whether git would read other objects than libgit2 does in repo: git
/// honours `refs/replace/*` and `info/grafts`, libgit2 1.5 neither.
inline bool replaces_objects(git_repository* repo) {
  git_reference_iterator* it = nullptr;
  if (git_reference_iterator_glob_new(&it, repo, "refs/replace/*") != 0)
    return true;
  git_reference* ref = nullptr;
  const bool any = git_reference_next(&ref, it) == 0;
  if (ref)
    git_reference_free(ref);
  git_reference_iterator_free(it);
  std::error_code ec;
  return any || std::filesystem::exists(
                    std::filesystem::path(git_repository_commondir(repo)) / "info" / "grafts", ec);
}

} // namespace uet::ledger::lg2
