// The local adapter: runs one workstream attempt's work on this machine.
// Two halves, because a blocking call can only be interrupted from outside
// its thread: the adapter actor (event-based: answers at once, takes
// cancel_atom) hands each request to its worker (detached: the worktree
// via ledger::attempt_workspace, the tool and the checks as processes) and
// owns the worker's stop flag, which it sets on cancel_atom and when it
// goes. That flag, shared by the two halves of one attempt (and, on a worker
// node, the node actor, which stops the work of a coordinator gone), is the
// one atomic between actors here: process groups are ended within 50 ms of it.
#pragma once

#include <atomic>
#include <memory>

#include <caf/local_actor.hpp>

#include "engine/environment.h"
#include "ledger/attempt_workspace.h"
#include "ledger/git_dir_guard.h"
#include "messages/interfaces.h"

namespace uet::actors {

/// Spawns the adapter (linked to parent) and its worker for one attempt in
/// `workspace`; the worker gives the worktree back when it exits. `stop`
/// (may be null): set by someone else, it ends what runs as cancel_atom does
/// (a node stopping a gone coordinator's work).
msg::adapter_actor spawn_local_adapter(caf::local_actor& parent, engine::environment& env,
                                       std::shared_ptr<ledger::attempt_workspace> workspace,
                                       std::shared_ptr<ledger::git_dir_guard> guard = {},
                                       std::shared_ptr<std::atomic<bool>> stop = {});

} // namespace uet::actors
