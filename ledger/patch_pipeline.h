// The patch ledger's gate (Zuul's gate pipeline, SPEC §4, invariants 1-2).
// Each patch is tested once, on the tree it will be committed as: its
// *future tree*, the integration head plus every patch queued ahead of it.
//
//   join:   created -> validated -> queued -> applied (a speculative commit:
//           the patch on the commit of the patch ahead, or on the head)
//   tested: applied -> verified (its acceptance passed on that very commit)
//   land:   verified -> committed (the branch moves to that commit, in
//           queue order: only the front lands)
//   or      -> quarantined (out of scope, unsafe, a conflict, or acceptance
//           failed on its future tree)
//
// When a patch leaves the queue without landing (it failed, it no longer
// applies, its attempt ended), every patch behind it is speculated again on
// the new chain and must be tested again (Zuul's reset: applied/verified ->
// queued -> applied, a new epoch); a test result for an older epoch is
// ignored. A commit lands only with the tree its acceptance passed on: the
// landed commit *is* the speculative commit that was tested. A patch made
// on a dependency's speculative commit (`after`) leaves the gate with that
// dependency's patch (`orphaned`).
//
// join, tested, withdraw and interrupt return what each patch's submitter
// must hear (gate_news). submit() takes one patch through the whole gate
// and runs its acceptance commands itself, in the integration worktree (the
// sequential path: tests, and `verify: always` before landing).
//
// Exactly once: a patch whose UET-Patch trailer is on the branch is
// recorded committed, never applied again. A resumed patch (resume_from
// applied/verified) takes the recovery edge to queued and joins again.
//
// Blocking (git and acceptance processes): the patch-ledger actor's worker
// runs this on its own thread; it is the only code that writes the branch.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/sandbox_policy.h"
#include "ledger/integration.h"
#include "ledger/patch_state.h"
#include "ledger/patch_store.h"

namespace uet::ledger {

struct patch_submission {
  std::string run_id;
  std::string workstream_id;
  std::string title;
  std::string patch_id;
  std::string input; ///< the workstream's input fingerprint (its UET-Input trailer)
  int attempt = 1;
  std::string diff;
  /// Or the diff in a file (a big one, left by the capture): read a line at
  /// a time, never whole. Its git blob id is filled in by join.
  std::filesystem::path diff_file;
  std::string diff_hash;
  std::vector<std::string> allowed_paths;
  std::vector<std::string> verify_commands; ///< acceptance static + commands, in order
  std::chrono::milliseconds verify_timeout{0};
  std::filesystem::path verify_log; ///< empty: output discarded
  std::map<std::string, std::string> env;
  /// Run the acceptance commands again in the integration worktree before
  /// landing (`verify: always`, for tests that are not hermetic).
  bool verify_always = false;
  sandbox_policy sandbox = {}; ///< how the verification commands are confined
  /// The commit the diff was made on and the tree it made there (the
  /// worktree's index), when the edit step knows them: a patch whose paths
  /// nothing ahead of it touched joins without git (integration.h). Empty
  /// (a resumed patch, a node's): `git apply` as ever.
  std::string base_commit;
  std::string result_tree;
  /// The patches of its dependencies that were in the gate, not landed,
  /// when its edit started on their speculative commit (a dependent started
  /// early). It is speculated only behind each of them (or after it
  /// landed); when one leaves the gate without landing, this one leaves
  /// too (`orphaned`): its tree was made on a change that will not land.
  std::vector<std::string> after;
  /// Where a resumed run found this patch in the database; applied/verified
  /// take the recovery edge back to queued.
  std::optional<patch_state> resume_from;
  /// The run's stop flag (Ctrl-C): checked before a patch joins or lands,
  /// and it ends the ledger's own verification. Null: never interrupted.
  const std::atomic<bool>* cancel = nullptr;
};

struct patch_transition {
  patch_state state = patch_state::created;
  std::string at;     ///< ISO-8601 UTC
  std::string detail; ///< e.g. the commit sha, or the quarantine reason
  /// verified: the step attempt whose acceptance passed, and the tree.
  std::string verified_by;
  std::string verified_tree;
};

using uet::gate_news_kind; // empty, test, committed, refused, failed, conflict, interrupted,
                           // orphaned

/// What the gate tells the submitter of one patch.
struct gate_news {
  std::string patch_id;
  gate_news_kind kind = gate_news_kind::empty;
  spec_commit spec;        ///< test: what to test
  std::uint64_t epoch = 0; ///< test: report with this epoch
  /// test: the patch's place in the gate's join order. Of two patches in the
  /// gate, the later one's speculative commit holds the earlier one.
  std::uint64_t order = 0;
  std::string commit_sha; ///< committed
  bool already_committed = false;
  std::string reason;
  std::vector<std::string> details; ///< offending paths, conflicting hunks, failed command
  /// The branch had been moved outside the ledger and was put back.
  std::string branch_restored;
};

/// A submitter's test of its patch on spec.commit (epoch).
struct test_report {
  bool passed = false;
  std::string reason;         ///< why not
  std::string failed_command; ///< which
  std::string tested_by;      ///< the step attempt whose commands passed ("" for none)
};

/// One patch's whole way through the gate (submit()).
struct patch_outcome {
  bool empty = false;
  patch_state final_state = patch_state::created;
  std::string commit_sha;
  bool already_committed = false;
  bool interrupted = false;
  std::string reason;
  std::vector<std::string> details;
  std::vector<patch_transition> transitions;
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

  /// A patch joins the queue's end, speculated on everything ahead of it.
  /// Its diff text is dropped once saved (patches/<id>.diff).
  gate_news join(patch_submission s);
  /// A submitter's verdict on its patch; lands what it can.
  std::vector<gate_news> tested(const std::string& patch_id, std::uint64_t epoch,
                                const test_report& r);
  /// The patch's submitter is gone (its attempt crashed): it leaves the
  /// queue, quarantined, and the patches behind it are reset.
  std::vector<gate_news> withdraw(const std::string& patch_id, const std::string& why);
  /// The run stops: every queued patch hears `interrupted` and keeps its
  /// state (for resume); nothing joins or lands from now on.
  std::vector<gate_news> interrupt();

  /// One patch, start to end, its acceptance commands run here.
  patch_outcome submit(const patch_submission& s);

  integration_tree& tree() { return tree_; }
  const patch_store& store() const { return store_; }

private:
  struct entry {
    patch_submission s;
    std::optional<patch_state> state;
    spec_commit spec;
    std::uint64_t epoch = 0;
    std::uint64_t order = 0;        ///< join order (gate_news::order)
    std::vector<std::string> paths; ///< every path the diff touches (both sides of a rename)
    std::map<std::string, std::string> written; ///< path -> "MODE ID" the diff leaves there
  };

  /// Moves a patch from `state` (none yet: nullopt) to next, telling the
  /// listener; false, changing nothing, when the state machine forbids it.
  [[nodiscard]] bool move(const patch_submission& s, std::optional<patch_state>& state,
                          patch_state next, std::string detail = {}, std::string by = {},
                          std::string tree = {});
  gate_news quarantine(const patch_submission& s, std::optional<patch_state>& state,
                       gate_news_kind kind, std::string reason, std::vector<std::string> details);
  gate_news speculate(entry& e, const std::string& parent);
  gate_news verify_here(entry& e, const std::string& failure_words);
  std::vector<gate_news> reset_from(std::size_t k);
  /// The first of e's `after` patches neither ahead of it (queue_[0..k))
  /// nor landed; "" when every one is.
  std::string missing_before(const entry& e, std::size_t k) const;
  gate_news orphan(entry& e, const std::string& missing);
  /// Where patch_id is in the queue (queue_.size(): not there).
  std::size_t position_of(const std::string& patch_id) const;
  /// The patch at k leaves the queue with `why`; the ones behind it are reset.
  std::vector<gate_news> drop(std::size_t k, gate_news why);
  std::vector<gate_news> land_ready();
  std::vector<gate_news> land_front();
  bool stopped(const patch_submission& s) const {
    return interrupted_ || (s.cancel && s.cancel->load());
  }

  integration_tree tree_;
  patch_store store_;
  transition_listener listener_;
  std::deque<entry> queue_;
  /// The commit whose tree the speculation index holds ("" : not set yet).
  std::string tip_;
  std::uint64_t joined_ = 0;     ///< patches that joined the queue: the next one's order
  std::set<std::string> landed_; ///< patch ids landed by this gate
  bool interrupted_ = false;
  /// submit(): the outcome being recorded for this patch id.
  std::string tracked_id_;
  patch_outcome tracked_;
};

} // namespace uet::ledger
