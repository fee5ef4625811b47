// What the ledger's libgit2 callers share (object_store.cpp,
// worktree_checkout.cpp, staged_change.cpp): a libgit2 object freed with its
// own free function at scope end, and libgit2's last error as a failure.
#pragma once

#include <git2.h>

#include <string>

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

} // namespace uet::ledger::lg2
