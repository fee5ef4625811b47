// The patch-ledger actor: the only writer of the integration branch
// (invariant 3). Detached, because every step runs git or acceptance
// commands; its mailbox is the patch queue, so patches are applied one at a
// time in the order they were submitted. It holds the branch's lock file for
// as long as it lives.
#pragma once

#include <atomic>
#include <functional>
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
  const std::atomic<bool>* cancel = nullptr; ///< the run's stop flag (run_context::cancel)
};

/// Takes LEDGER_DIR/integration.lock, calls once_locked (what only the
/// holder of the branch may do before the tree is touched), then opens
/// (creating if needed) the integration branch and its worktree under
/// .uet/worktrees/integration.
expected<ledger_setup> prepare_ledger(const run_context& ctx, const std::string& holder,
                                      const std::function<void()>& once_locked = {});

msg::ledger_actor spawn_ledger(caf::actor_system& sys, ledger_setup setup,
                               msg::persistence_actor persistence);

} // namespace uet::actors
