// The ledger's operations on git's object store and refs, in-process with
// libgit2: an index file read from a tree, a tree written from an index
// file, a commit created, a ref moved by compare-and-swap. None of them
// touches a worktree, a filter, a hook or an attribute, so there is nothing
// for libgit2 to do differently from the git command line, and each costs
// microseconds where a git process costs ~5 ms here. Patches are still
// applied by `git apply --cached` (ledger/integration.h): what the ledger
// accepts is what git accepts.
//
// Not thread-safe: one owner (the patch ledger's worker) at a time.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.h"

namespace uet::ledger {

/// Initialises libgit2 once per process (every user of it calls this first).
void ensure_libgit2();

/// git's blob id of data (what `git hash-object FILE` prints for a file
/// holding it): how the database names a patch it keeps as a file.
std::string blob_id_of(std::string_view data);
/// The same for a file's content, read in pieces ("" if unreadable).
std::string blob_id_of_file(const std::filesystem::path& file);

/// The commit refs/heads/branch names, read in-process (what `git
/// rev-parse --verify --quiet refs/heads/BRANCH` prints): "" when there is
/// no such branch; nullopt when libgit2 cannot tell (repo is not a
/// repository's top, a ref it cannot read): ask git, whose message says why.
std::optional<std::string> branch_commit(const std::filesystem::path& repo,
                                         const std::string& branch);

/// The commit `git rev-parse --verify REV^{commit}` prints, read in-process
/// where libgit2 resolves rev as git does: "HEAD", or a name exactly one of
/// git's candidates holds (NAME if it starts with refs/, refs/NAME,
/// refs/tags/NAME, refs/heads/NAME, refs/remotes/NAME, refs/remotes/NAME/HEAD).
/// nullopt: ask git (any other syntax, a hex name, an ambiguous or missing
/// name, a pseudo-ref file, a ref that is not a commit, any failure).
std::optional<std::string> named_commit(const std::filesystem::path& repo, const std::string& rev);

/// The newest commit of branch's first-parent line whose message has no
/// line starting with one of prefixes: what `git rev-list --first-parent
/// --invert-grep --grep=^P... -n 1 refs/heads/BRANCH` prints ("" when every
/// commit has one). nullopt: ask git (a message in another encoding, which
/// git re-encodes before it greps; a missing branch; any failure).
std::optional<std::string> first_parent_without(const std::filesystem::path& repo,
                                                const std::string& branch,
                                                const std::vector<std::string>& prefixes);

/// `git branch BRANCH COMMIT` in-process (the same reflog entry, "branch:
/// Created from COMMIT"). False: not done (a name git would judge itself,
/// an existing branch, any failure); ask git, whose message says why.
bool create_branch(const std::filesystem::path& repo, const std::string& branch,
                   const std::string& commit);

class object_store {
public:
  /// The repository at repo (a worktree's path works too).
  static expected<object_store> open(const std::filesystem::path& repo);
  ~object_store();
  object_store(object_store&&) noexcept;
  object_store& operator=(object_store&&) noexcept;

  /// Makes the index file at index_path hold commit's tree.
  status read_tree(const std::string& commit, const std::filesystem::path& index_path);
  /// The tree of the index file at index_path, written to the store.
  expected<std::string> write_tree(const std::filesystem::path& index_path);
  /// The join without a git process. The patch changed exactly `paths`
  /// (both sides of a rename) of base's tree, giving result_tree. If no
  /// path between base's tree and parent's was changed that is one of
  /// them, holds one or lies in one, every preimage of the patch is base's
  /// own, so `git apply --cached` on parent's tree gives parent's tree with
  /// those paths set as result_tree has them: that is done to the index
  /// file at index_path (which holds parent's tree) and the tree written.
  /// `written`: path -> "MODE ID" for every path the diff leaves a file at
  /// (its "index" lines); result_tree must hold exactly those, so what is
  /// committed is the diff's, whatever happened to the index it came from.
  /// nullopt, the index as it was: not that case, result_tree is not the
  /// diff's, or anything is missing (the caller asks git).
  std::optional<std::string> graft(const std::string& base, const std::string& result_tree,
                                   const std::string& parent, const std::vector<std::string>& paths,
                                   const std::map<std::string, std::string>& written,
                                   const std::filesystem::path& index_path);
  /// Who commits (the repository's user.name and user.email, as git reads
  /// them); until set, "uet-actors <uet-actors@localhost>".
  void set_identity(std::string name, std::string email);
  /// A commit of tree on parent with message; author and committer are the
  /// identity, or the GIT_AUTHOR_* / GIT_COMMITTER_* variables when set.
  expected<std::string> commit(const std::string& tree, const std::string& parent,
                               const std::string& message);
  /// Moves ref from expected to target, or fails (kind git) when ref is not
  /// at expected: the compare-and-swap `git update-ref ref target expected`.
  status move_ref(const std::string& ref, const std::string& target, const std::string& expected,
                  const std::string& log_message);

  /// Removes ref's lock file if it is older than `age`: a process killed
  /// while moving ref left it, and every later move would fail on it. Only
  /// for a ref no one else moves (the caller holds the run's lock); a live
  /// git holds a ref lock for milliseconds. True if one was removed.
  bool clear_stale_lock(const std::string& ref, std::chrono::seconds age);

private:
  struct impl;
  explicit object_store(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

} // namespace uet::ledger
