// The integration branch and the ledger's tools on it. The branch moves only
// by compare-and-swap to a commit the ledger made (never by a checkout of
// it), so no worktree holds it: after a run the user can check it out.
// Commits are made in the object store from a private index (the
// speculation index): a patch is applied to the index of the commit ahead
// of it (`git apply --cached`, or in-process when git would find every
// preimage as the patch's base had it: object_store::graft), written as a
// tree, and recorded as a commit on that commit, with its final message; landing it is moving the
// branch there. Trees, commits and the branch move in-process (object_store.h). The integration
// worktree (detached, under .uet/worktrees/integration) is where the ledger
// itself runs acceptance commands, when a workstream asks for `verify:
// always`. Only the patch-ledger actor holds one (invariant 3: one writer
// of the branch).
// Blocking (git processes): call from a detached actor or a plain thread.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/expected.h"
#include "engine/environment.h"
#include "ledger/base_follow.h"
#include "ledger/object_store.h"

namespace uet::ledger {

/// Every UET-Patch trailer on the branch -> the commits carrying it.
using trailer_index = std::unordered_map<std::string, std::vector<std::string>>;

struct integration_config {
  std::filesystem::path repo;     ///< the user's repository
  std::filesystem::path worktree; ///< the ledger's detached worktree
  std::string branch = "uet/integration";
  std::string base_ref = "HEAD"; ///< where the branch starts if it does not exist
  /// Bring a base_ref that moved into the branch as it opens (base_policy:
  /// follow; not when a run is resumed).
  bool follow_base = false;
};

struct apply_result {
  bool applied = false;
  std::vector<std::string> conflicts; ///< "path:line" of each hunk git could not place
  std::string message;                ///< git's own words, for the quarantine record
};

/// The process tag (engine::process_request::tag) of the `git apply` that
/// speculates patch_id: how an environment wrapper tells which patch a git
/// call is for.
inline std::string apply_tag(const std::string& patch_id) {
  return patch_id.empty() ? std::string() : "apply " + patch_id;
}

/// What the edit step knows of a patch beyond its diff: the commit it was
/// made on, the tree it made there (the worktree's index after the capture),
/// and the paths it changes. With them, a patch whose paths nothing changed
/// since its base joins without a git process (object_store::graft).
struct patch_origin {
  std::string base;
  std::string result_tree;
  std::vector<std::string> paths;
  /// What the diff itself says each path it writes becomes: "MODE ID", as
  /// its "index" lines have it. The tree must hold exactly that.
  std::map<std::string, std::string> written;
};

/// A patch applied onto a commit and recorded as a commit of its own.
struct spec_commit {
  std::string commit;
  std::string parent;
  std::string tree;
};

class integration_tree {
public:
  /// Creates the branch from base_ref on first use, adds or reuses the
  /// detached worktree (detaching one an older version left on the branch),
  /// clears a stale index.lock left by a killed run and makes the worktree a
  /// clean checkout of the branch head.
  /// Refuses (bad input) when the branch is checked out in any other
  /// worktree: moving it would change files under its user. `trailers`:
  /// which patches the branch holds, as the caller read them under the
  /// branch's lock (read_patch_trailers); nullopt: read them here.
  static expected<integration_tree> open(engine::environment& env, const integration_config& cfg,
                                         std::optional<trailer_index> trailers = std::nullopt);

  const integration_config& config() const { return cfg_; }
  /// The branch head as the ref says (one file read; rev-parse if packed).
  expected<std::string> head() const;
  /// The branch head when open() returned (no process).
  const std::string& opened_at() const { return opened_at_; }
  /// How the base was brought in as it opened (none: it was in already).
  const std::optional<base_move>& followed() const { return followed_; }
  /// Where the ledger last left the branch.
  const std::string& landed_head() const { return expected_head_; }

  /// Sets the speculation index to commit's tree.
  status reset_speculation(const std::string& commit);
  /// Applies diff to the speculation index (which must hold parent's tree)
  /// and records the result as a commit on parent with message. A diff that
  /// does not apply leaves the index as it was: applied = false.
  /// diff_file: the same diff on disk, which git reads instead of a copy of
  /// diff on its stdin (a patch is speculated again each time the head under
  /// it moves). origin: the patch's tree where it was made, for a join
  /// without git when nothing ahead of it touched its paths.
  expected<spec_commit> speculate(const std::string& parent, const std::string& diff,
                                  const std::string& message, apply_result& conflict,
                                  const std::string& patch_id = {},
                                  const std::filesystem::path& diff_file = {},
                                  const patch_origin* origin = nullptr);

  /// Moves the branch from where the ledger left it to commit (a commit on
  /// it), compare-and-swap; records patch_id's trailer.
  status land(const std::string& commit, const std::string& patch_id);

  /// The worktree as a clean, detached checkout of commit (for commands the
  /// ledger runs itself).
  status check_out(const std::string& commit);
  /// Back to a clean checkout of what HEAD names: index, files, untracked
  /// and ignored files.
  status reset();

  /// The branch is the ledger's alone (invariant 3), but every worktree
  /// shares the repository's refs, so a tool can move it. When it is not
  /// where the ledger left it, it is put back (compare-and-swap) and the
  /// other commit kept as refs/uet/foreign/<sha>. Returns what happened, ""
  /// when nothing had moved (one file read).
  expected<std::string> guard_head();

  /// The commits on the branch carrying "UET-Patch: patch_id" (normally one).
  std::vector<std::string> commits_of(const std::string& patch_id) const;

  /// Every UET-Patch trailer on the branch -> the commits carrying it.
  const trailer_index& patch_index() const { return index_; }

  engine::environment& env() const { return *env_; }

private:
  integration_tree(engine::environment& env, integration_config cfg, object_store store)
      : env_(&env), cfg_(std::move(cfg)), store_(std::make_unique<object_store>(std::move(store))) {
  }
  std::map<std::string, std::string> speculation_env() const;

  engine::environment* env_;
  integration_config cfg_;
  std::unique_ptr<object_store> store_;     ///< trees, commits and the branch, in-process
  std::filesystem::path speculation_index_; ///< in the worktree's private git directory
  std::string opened_at_;
  std::optional<base_move> followed_;
  std::string expected_head_; ///< where the ledger left the branch
  trailer_index index_;
};

/// The branch's head; nullopt when the repository has no such branch. Read
/// in-process (branch_commit) unless libgit2 cannot tell or env must see
/// every git call; then `git rev-parse`. The repository missing or not git
/// is bad input naming uet.yaml's `repo`.
expected<std::optional<std::string>> existing_branch(engine::environment& env,
                                                     const std::filesystem::path& repo,
                                                     const std::string& branch);

/// Reads every "UET-Patch:" trailer on branch of repo: patch id -> commits.
/// A branch that does not exist holds none; any other failure (a corrupt
/// history, a repository git cannot read) is an error, never an empty index:
/// a resumed run would commit its patches twice.
expected<trailer_index> read_patch_trailers(engine::environment& env,
                                            const std::filesystem::path& repo,
                                            const std::string& branch);

/// A worktree other than `ours` whose HEAD is on branch: moving the branch
/// would change its index and files under its user.
std::optional<std::filesystem::path> checked_out_elsewhere(const std::filesystem::path& repo,
                                                           const std::string& branch,
                                                           const std::filesystem::path& ours = {});

/// "uet: <workstream_id> <title>" plus the UET-Run and UET-Patch trailers,
/// and UET-Workstream and UET-Input when input (its fingerprint,
/// ledger/workstream_inputs.h) is known.
std::string commit_message(const std::string& workstream_id, const std::string& title,
                           const std::string& run_id, const std::string& patch_id,
                           const std::string& input = {});

} // namespace uet::ledger
