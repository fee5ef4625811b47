// The adapter actor: one per workstream attempt, detached (it blocks on git
// and on the tool). EDIT: makes the worktree it was given (leased from the
// run's pool) a clean checkout of the base commit, runs the tool there (own
// process group, timeout, output to the step log) and captures the change as
// a diff. STATIC/RUNTIME: runs acceptance commands in the same worktree. The
// lease ends when the actor exits, however it exits.
#pragma once

#include <memory>

#include <caf/actor_system.hpp>

#include "actors/run_context.h"
#include "messages/interfaces.h"

namespace uet::actors {

/// An adapter for one attempt in `worktree`, held under lease `lease_id`
/// (worktree_pool::lease); it gives the worktree back when it exits.
msg::adapter_actor spawn_adapter(caf::actor_system& sys, std::shared_ptr<const run_context> ctx,
                                 std::filesystem::path worktree, std::uint64_t lease_id);

} // namespace uet::actors
