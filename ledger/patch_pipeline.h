// One patch through the ledger (SPEC §4, invariants 1-2):
//
//   created -> validated -> queued -> applied -> verified -> committed
//                                                     or -> quarantined
//
// validate = check_patch (parse, scope, safe paths, symlinks); apply = `git
// apply --index` on the integration tree; verify = the workstream's acceptance
// commands run in that tree; commit with the UET-Run/UET-Patch trailers. Any
// failure rolls the tree back and quarantines the patch with its reason.
// An interrupted run (the cancel flag) is not a failure: a patch not yet
// applied stays queued; one whose verification was cut short is rolled back
// and takes the recovery edge to queued. Either way nothing is committed and
// nothing is quarantined, and `resume` runs the workstream again.
// Before applying, a commit already carrying the patch's UET-Patch trailer
// means the patch is in (a resumed run): it is recorded as committed, never
// applied twice.
//
// Blocking (git and acceptance processes): the patch-ledger actor runs this
// on its own detached thread; it is the only code that writes the branch.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/integration.h"
#include "ledger/patch_state.h"
#include "ledger/patch_store.h"

namespace uet::ledger {

struct patch_submission {
  std::string run_id;
  std::string workstream_id;
  std::string title;
  std::string patch_id;
  int attempt = 1;
  std::string diff;
  std::vector<std::string> allowed_paths;
  std::vector<std::string> verify_commands; ///< acceptance static + commands, in order
  std::chrono::milliseconds verify_timeout{0};
  std::filesystem::path verify_log; ///< empty: output discarded
  std::map<std::string, std::string> env;
  /// Where a resumed run found this patch in the database; applied/verified
  /// take the recovery edge back to queued.
  std::optional<patch_state> resume_from;
  /// The run's stop flag (Ctrl-C): checked before applying, and it ends the
  /// verification commands. Null: never interrupted.
  const std::atomic<bool>* cancel = nullptr;
};

struct patch_transition {
  patch_state state = patch_state::created;
  std::string at;     ///< ISO-8601 UTC
  std::string detail; ///< e.g. the commit sha, or the quarantine reason
};

struct patch_outcome {
  bool empty = false; ///< the workstream changed nothing: no patch, no state
  patch_state final_state = patch_state::created;
  std::string commit_sha;
  bool already_committed = false;   ///< found on the branch before applying
  bool interrupted = false;         ///< the run stopped it; left queued, not quarantined
  std::string reason;               ///< why it was quarantined or interrupted
  std::vector<std::string> details; ///< offending paths, conflicting hunks, failed command
  std::vector<patch_transition> transitions;
  /// Set when the branch had been moved outside the ledger and was put back
  /// before this patch (integration_tree::guard_head): what happened.
  std::string branch_restored;
};

class patch_pipeline {
public:
  using transition_listener = std::function<void(const patch_submission&, const patch_transition&)>;

  patch_pipeline(integration_tree tree, patch_store store)
      : tree_(std::move(tree)), store_(std::move(store)) {}

  /// Called on every state change, before the next step starts, so the
  /// database can follow the patch as it moves.
  void on_transition(transition_listener l) { listener_ = std::move(l); }

  patch_outcome submit(const patch_submission& s);

  integration_tree& tree() { return tree_; }
  const patch_store& store() const { return store_; }

private:
  integration_tree tree_;
  patch_store store_;
  transition_listener listener_;
};

} // namespace uet::ledger
