// The workstream actor: one attempt of one workstream. EDIT (the tool, via
// an adapter) -> STATIC -> RUNTIME (acceptance in the worktree) -> the
// patch ledger; each step a step_attempts row, each change an event. Sends
// exactly one ws_outcome to its supervisor, then quits. It never writes the
// database or git itself: it only sends messages.
#pragma once

#include <memory>

#include <caf/stateful_actor.hpp>

#include "actors/run_context.h"
#include "messages/interfaces.h"

namespace uet::actors {

struct workstream_args {
  std::shared_ptr<const run_context> ctx;
  std::uint32_t node = 0;
  int attempt = 1;
  /// The integration head to start from (it holds every dependency's
  /// commit); the supervisor's newest known head.
  std::string base_commit;
  msg::supervisor_actor supervisor;
  msg::persistence_actor db;
  msg::ledger_actor ledger;
};

struct workstream_state {
  workstream_args args;
  msg::adapter_actor adapter;
  std::filesystem::path worktree; ///< leased for the edit; released before the outcome goes
  std::uint64_t lease_id = 0;
  std::string diff;
  msg::ws_outcome outcome;
  static inline const char* name = "workstream";
};

using workstream_ptr = msg::workstream_actor::stateful_pointer<workstream_state>;

/// Spawn with self->spawn<caf::monitored>(workstream_behavior, args), then
/// send it start_atom.
msg::workstream_actor::behavior_type workstream_behavior(workstream_ptr self, workstream_args args);

} // namespace uet::actors
