// The patch-ledger actor: the only writer of the integration branch
// (invariant 3), the gate of ledger/patch_pipeline.h. Its worker (detached:
// every step runs git, and `verify: always` runs acceptance commands) holds
// the gate; the actor in front of it answers at once, routes each patch's
// news to the workstream that sent it (monitored: one that dies withdraws
// its patch), and takes cancel_atom, which sets the worker's stop flag (the
// two halves' own, as for the adapter): nothing joins or lands from then
// on, and a verification under way ends. The worker holds the branch's
// lock file for as long as it lives.
#pragma once

#include <memory>

#include <caf/actor_system.hpp>

#include "actors/run_context.h"
#include "base/file_lock.h"
#include "ledger/patch_pipeline.h"
#include "messages/interfaces.h"

namespace uet::actors {

struct ledger_setup {
  std::shared_ptr<ledger::patch_pipeline> pipeline;
  std::shared_ptr<file_lock> branch_lock;
  /// The environment the pipeline's git runs in when it is not the run's
  /// (`--inject git:*` or `patch:conflict`); kept alive here.
  std::shared_ptr<engine::environment> env;
};

/// LEDGER_DIR/integration.lock, taken without waiting (kind busy when
/// another run holds it): what only the holder of the branch may do
/// (read its trailers, end a killed run's processes) comes after it.
expected<std::shared_ptr<file_lock>> lock_branch(engine::environment& env,
                                                 const config::project_config& project,
                                                 const std::string& holder);

/// Opens (creating if needed) the integration branch and its worktree under
/// .uet/worktrees/integration, with the trailers read under `lock`.
expected<ledger_setup> prepare_ledger(const run_context& ctx, std::shared_ptr<file_lock> lock,
                                      ledger::trailer_index trailers);

/// The ledger for run_id (its events carry it).
msg::ledger_actor spawn_ledger(caf::actor_system& sys, ledger_setup setup,
                               msg::persistence_actor persistence, const std::string& run_id);

} // namespace uet::actors
