// The scheduler: holds the DAG (engine::ready_queue) and the run's worker
// slots. Dispatches ready workstreams to the supervisor, higher priority
// first, then the longest remaining critical path; honours each tool's
// max_concurrency; blocks the dependents of a workstream that failed for
// good while independent branches go on. It touches neither the database
// nor git: it sends the persistence actor what changed. stop_atom (Ctrl-C)
// reaches the supervisor (running attempts are cancelled) and the ledger.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/run_context.h"
#include "engine/ready_queue.h"
#include "messages/interfaces.h"

namespace uet::actors {

enum class scheduler_phase : std::uint8_t {
  idle,      ///< waiting for run_atom
  running,   ///< dispatching ready work
  stopping,  ///< stop_atom came: waiting for running attempts to end
  finishing, ///< the summary is being made durable, then sent
};

struct scheduler_state {
  std::shared_ptr<const run_context> ctx;
  msg::persistence_actor db;
  msg::supervisor_actor supervisor;
  msg::ledger_actor ledger;
  std::unique_ptr<engine::ready_queue> queue;
  caf::typed_response_promise<msg::run_summary> promise;
  scheduler_phase phase = scheduler_phase::idle;
  int running = 0;
  msg::run_summary summary;
  /// Workstream id -> its newest commit on the branch, as the run goes
  /// (a dependency's input).
  std::map<std::string, std::string> outputs;
  /// Per node started: its inputs and why it runs, recorded when it ends.
  std::unordered_map<std::uint32_t, std::pair<ledger::workstream_inputs, std::string>> started;
  /// Per node whose patch is in the gate, not landed: where (its newest
  /// ws_speculation). Empty when dependents do not start early.
  std::unordered_map<std::uint32_t, msg::ws_speculation> in_gate;
  /// Dependents started early whose attempt is being taken back.
  std::set<std::uint32_t> taking_back;
  /// Early starts that changed nothing: their skip stands once their
  /// dependencies land (void if one of those patches leaves the gate).
  std::map<std::uint32_t, msg::ws_done> held;
  /// Per node started early: the dependency whose speculative commit it
  /// started on, and that commit (until it settles).
  std::unordered_map<std::uint32_t, std::pair<std::uint32_t, std::string>> early_base;
  /// Dependents may start on a dependency's patch in the gate (the gate
  /// engine, with tools that run).
  bool early_starts = false;
  std::chrono::steady_clock::time_point t0;
  static inline const char* name = "scheduler";
};

using scheduler_ptr = msg::scheduler_actor::stateful_pointer<scheduler_state>;

msg::scheduler_actor::behavior_type scheduler_behavior(scheduler_ptr self,
                                                       std::shared_ptr<const run_context> ctx,
                                                       msg::persistence_actor db,
                                                       msg::ledger_actor ledger);

/// ready_queue options for a run: priorities, tools and their limits (the
/// legacy engine ignores priorities: one at a time in file order).
engine::ready_queue_options queue_options(const run_context& ctx);

} // namespace uet::actors
