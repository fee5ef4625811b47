// The workstream actor: one attempt of one workstream. EDIT (the tool, via
// the adapter the run's executor gives it) -> the patch ledger's gate ->
// STATIC -> RUNTIME on the commit the gate gives (the patch's future tree:
// the integration head plus every patch queued ahead), reported back, again
// after each reset -> landed. Each step a step_attempts row, each change an
// event. Sends exactly one attempt_outcome to its supervisor, then quits. It
// never writes the database or git itself: it only sends messages.
// cancel_atom (the run stops): the running step is ended and nothing new
// starts; a patch in the gate hears `interrupted` from the ledger.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include <caf/stateful_actor.hpp>

#include "actors/run_context.h"
#include "messages/interfaces.h"

namespace uet::actors {

struct workstream_args {
  std::shared_ptr<const run_context> ctx;
  std::uint32_t node = 0;
  int attempt = 1;
  /// The commit to start from (it holds every dependency's commit): the
  /// supervisor's newest known head, or where the last attempt's patch no
  /// longer applied.
  std::string base_commit;
  /// Send ctx->resubmit[node]'s patch to the ledger instead of running the
  /// tool (the first attempt of a resumed run only).
  bool resubmit = false;
  /// The last attempt's conflict, for the tool's {conflict} ("" none).
  std::string conflict;
  msg::supervisor_actor supervisor;
  msg::persistence_actor db;
  msg::ledger_actor ledger;
  std::string input = {}; ///< its input fingerprint, for its commit's UET-Input trailer
  /// Started early (base_commit is speculative): its dependencies' patches
  /// in the gate, which its patch lands behind (msg::ws_job::after).
  std::vector<std::string> after = {};
};

/// Where the attempt is. Steps run one at a time, in this order.
enum class attempt_phase : std::uint8_t {
  idle,       ///< not started
  editing,    ///< the tool runs
  joining,    ///< the patch went to the gate; waiting for what to test
  testing,    ///< acceptance runs on the gate's commit
  waiting,    ///< tested; waiting for the patch to land (or a reset)
  cancelling, ///< cancel_atom came: waiting for the running step, or the gate, to end
  finished,   ///< the outcome is sent
};

struct workstream_state {
  workstream_args args;
  attempt_phase phase = attempt_phase::idle;
  msg::adapter_actor adapter;
  std::function<void()> release; ///< the executor's early release (attempt_handle)
  std::string node;              ///< the worker node running the tool; "" for this machine
  std::string diff;
  std::string diff_file;               ///< a big diff is a file instead (diff empty)
  std::string result_tree;             ///< the diff's tree on args.base_commit ("" unknown)
  msg::patch_news test;                ///< the test running (or last run)
  std::optional<msg::patch_news> next; ///< a newer test that came meanwhile
  std::string worktree_at;             ///< the commit whose tree the worktree holds ("" none yet)
  msg::attempt_outcome outcome;
  static inline const char* name = "workstream";
};

using workstream_ptr = msg::workstream_actor::stateful_pointer<workstream_state>;

/// Spawn with self->spawn<caf::monitored>(workstream_behavior, args), then
/// send it start_atom.
msg::workstream_actor::behavior_type workstream_behavior(workstream_ptr self, workstream_args args);

} // namespace uet::actors
