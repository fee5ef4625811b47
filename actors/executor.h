// The executor seam (ninja's CommandRunner): how one workstream attempt's
// work runs. The workstream actor asks the run's executor for an adapter
// and talks to it only through msg::adapter_actor, so where the tool runs
// is the executor's business: local processes in pooled worktrees, nothing
// at all (a dry run), a fault-injecting wrapper (--inject), and worker
// nodes on other hosts (actors/node_executor.h, --nodes). Tests drive the
// scheduler and supervisor with a fake one that starts no process
// (tests/support/fake_executor.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <caf/local_actor.hpp>

#include "base/expected.h"
#include "engine/environment.h"
#include "messages/interfaces.h"

namespace uet::engine {
class fault_injector;
} // namespace uet::engine

namespace uet::ledger {
class git_dir_guard;
class worktree_pool;
} // namespace uet::ledger

namespace uet::actors {

/// Which attempt an adapter is for.
struct attempt_ticket {
  std::uint32_t node = 0;
  std::string workstream_id;
  int attempt = 1;
  std::string tool_id;
};

struct attempt_handle {
  msg::adapter_actor adapter;
  /// Where the tool runs (the {workspace} placeholder); empty when the
  /// executor has no local tree for it.
  std::filesystem::path workspace;
  /// Frees what the attempt holds that the next attempt may need at once
  /// (a pooled worktree's lease). Call it once the attempt's outcome is
  /// known, before anyone hears of it; may be empty.
  std::function<void()> release;
  /// The worker node that runs the attempt's tool; "" for this machine.
  std::string node = {};
};

class executor {
public:
  virtual ~executor() = default;

  /// Why attempts run nothing at all ("dry run"): each then ends skipped
  /// with this reason, before any step. nullopt: attempts run.
  virtual std::optional<std::string> runs_nothing() const { return std::nullopt; }

  /// Spawns the adapter for one attempt, linked to `parent` (the attempt's
  /// workstream actor): neither outlives the other, and when the adapter
  /// goes, what it runs is ended. Memory only: never blocks.
  virtual expected<attempt_handle> start(caf::local_actor& parent, const attempt_ticket& t) = 0;

  /// Where the executor records what no attempt reports (a worker node
  /// lost, a late answer): the run's persistence actor, once it is up; a
  /// null one at the run's end (a detached actor's thread outlives it
  /// while anyone holds it).
  virtual void record_to(msg::persistence_actor, const std::string& /*run_id*/) {}
};

/// Tools and checks as local processes (env), in worktrees of `pool`; after
/// each tool, `guard` (may be null) puts back what it changed in the
/// repository's git directory, and the attempt is quarantined.
std::shared_ptr<executor> make_local_executor(engine::environment& env,
                                              std::shared_ptr<ledger::worktree_pool> pool,
                                              std::shared_ptr<ledger::git_dir_guard> guard = {});

/// A dry run: no worktree, no tool, no check.
std::shared_ptr<executor> make_dry_run_executor();

/// `inner`, with the adapter, actor and patch:corrupt faults of `faults`
/// injected into its attempts (actors/fault_executor.cpp). `shim` is this
/// program's binary, which runs a tool under an adapter fault.
std::shared_ptr<executor> make_fault_executor(std::shared_ptr<executor> inner,
                                              std::shared_ptr<engine::fault_injector> faults,
                                              std::filesystem::path shim);

} // namespace uet::actors
