// The integration worktree: the one checkout of the integration branch that
// patches are applied to, verified in, and committed from. Only the
// patch-ledger actor holds one (invariant 3: one writer of the branch).
// Blocking (git processes): call from a detached actor or a plain thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/expected.h"
#include "engine/environment.h"

namespace uet::ledger {

/// Every UET-Patch trailer on the branch -> the commits carrying it.
using trailer_index = std::unordered_map<std::string, std::vector<std::string>>;

struct integration_config {
  std::filesystem::path repo;     ///< the user's repository
  std::filesystem::path worktree; ///< where the integration branch is checked out
  std::string branch = "uet/integration";
  std::string base_ref = "HEAD"; ///< where the branch starts if it does not exist
};

struct apply_result {
  bool applied = false;
  std::vector<std::string> conflicts; ///< "path:line" of each hunk git could not place
  std::string message;                ///< git's own words, for the quarantine record
};

class integration_tree {
public:
  /// Creates the branch from base_ref on first use, adds or reuses the
  /// worktree, clears a stale index.lock left by a killed run and resets the
  /// tree to the branch head. `trailers`: which patches the branch holds, as
  /// the caller read them under the branch's lock (read_patch_trailers);
  /// nullopt: read them here. Git runs through env.
  static expected<integration_tree> open(engine::environment& env, const integration_config& cfg,
                                         std::optional<trailer_index> trailers = std::nullopt);

  const integration_config& config() const { return cfg_; }
  expected<std::string> head() const;
  /// The branch head when open() returned (no process).
  const std::string& opened_at() const { return opened_at_; }

  /// `git apply --index`: all or nothing; on failure the tree is reset.
  apply_result apply(const std::string& diff);

  /// Back to the branch head: index, files, and untracked and ignored files.
  status reset();

  /// Commits the index with message (trailers included); returns the sha.
  /// Records the message's UET-Patch trailer in the patch index.
  expected<std::string> commit(const std::string& message, const std::string& patch_id);

  /// The index as a tree object (`git write-tree`).
  expected<std::string> index_tree() const;
  /// Sets the index back to `tree` (`git read-tree --reset`); files untouched.
  status restore_index(const std::string& tree);

  /// The branch is the ledger's alone (invariant 3), but every worktree
  /// shares the repository's refs, so a tool can move it. When it is not
  /// where the ledger left it, it is put back (compare-and-swap), the other
  /// commit kept as refs/uet/foreign/<sha>, and the tree reset. Returns what
  /// happened, "" when nothing had moved (one file read).
  expected<std::string> guard_head();

  /// The commits on the branch carrying "UET-Patch: patch_id" (normally one).
  std::vector<std::string> commits_of(const std::string& patch_id) const;

  /// Every UET-Patch trailer on the branch -> the commits carrying it.
  const trailer_index& patch_index() const { return index_; }

  engine::environment& env() const { return *env_; }

private:
  integration_tree(engine::environment& env, integration_config cfg)
      : env_(&env), cfg_(std::move(cfg)) {}

  engine::environment* env_;
  integration_config cfg_;
  std::vector<std::string> identity_; ///< -c user.name/email when the repo has none
  std::string opened_at_;
  std::string expected_head_; ///< where the ledger left the branch
  trailer_index index_;
};

/// Reads every "UET-Patch:" trailer on branch of repo: patch id -> commits.
/// A branch that does not exist holds none; any other failure (a corrupt
/// history, a repository git cannot read) is an error, never an empty index:
/// a resumed run would commit its patches twice.
expected<trailer_index> read_patch_trailers(engine::environment& env,
                                            const std::filesystem::path& repo,
                                            const std::string& branch);

/// "uet: <workstream_id> <title>" plus the UET-Run and UET-Patch trailers.
std::string commit_message(const std::string& workstream_id, const std::string& title,
                           const std::string& run_id, const std::string& patch_id);

} // namespace uet::ledger
