// The supervisor: spawns (and monitors) one workstream actor per attempt,
// owns the per-tool circuit breakers and the retry budget. A failed attempt
// is retried after an exponential backoff with jitter while the budget lasts;
// an open breaker rejects an attempt without spawning anything; an attempt
// whose actor dies without reporting (a crash) is seen through its down
// message and counts as a failure. Exhausted retries -> quarantined. It
// tells the scheduler how each workstream ended (ws_done), once.
#pragma once

#include <map>
#include <memory>
#include <random>
#include <set>
#include <unordered_map>
#include <utility>

#include <caf/stateful_actor.hpp>

#include "actors/run_context.h"
#include "engine/circuit_breaker.h"
#include "engine/repeat_guard.h"
#include "messages/interfaces.h"

namespace uet::actors {

enum class supervisor_phase : std::uint8_t {
  running,  ///< attempts start, fail and are retried
  stopping, ///< stop_atom came: running attempts are cancelled, nothing new starts
};

struct supervisor_state {
  std::shared_ptr<const run_context> ctx;
  msg::scheduler_actor scheduler;
  msg::persistence_actor db;
  msg::ledger_actor ledger;
  supervisor_phase phase = supervisor_phase::running;
  std::map<std::string, engine::circuit_breaker> breakers;
  std::unordered_map<std::uint32_t, engine::breaker_permit> permits;
  std::vector<int> attempts;     ///< the last attempt number used (prior runs included)
  std::vector<bool> resubmitted; ///< the node's resumed patch went to the ledger already
  /// Per node, what its failed attempts showed (engine/repeat_guard.h).
  std::unordered_map<std::uint32_t, engine::attempt_history> histories;
  /// Per node, the input fingerprint the scheduler gave it (retries keep it).
  std::unordered_map<std::uint32_t, std::string> inputs;
  /// Per node, after its patch did not apply to its future tree: why (the
  /// next attempt's {conflict}) and where the next attempt starts.
  std::unordered_map<std::uint32_t, std::pair<std::string, std::string>> conflicts;
  /// Per node, attempts that ended with their worker node lost: run again,
  /// they spend no retry.
  std::unordered_map<std::uint32_t, int> lost;
  /// Per node, the scheduler's job: a dependent started early keeps its
  /// speculative base and `after` for its retries.
  std::unordered_map<std::uint32_t, msg::ws_job> jobs;
  /// Nodes whose patch is in the gate (their ws_speculation went to the
  /// scheduler, which hears when the attempt ends without landing it).
  std::set<std::uint32_t> in_gate;
  /// Dependents the scheduler takes back: their attempt is being cancelled
  /// (taking_back), or ended orphaned before it asked (parked). Attempts
  /// taken back spend no retry (taken_back).
  std::set<std::uint32_t> taking_back, parked;
  std::unordered_map<std::uint32_t, int> taken_back;
  /// Patches this run landed (to know when an early start's patches did).
  std::set<std::string> landed;
  /// Failures of early starts, held until the patches they were started
  /// on land (then they stand) or one leaves the gate (taken back).
  std::unordered_map<std::uint32_t, msg::attempt_outcome> held;
  /// Attempt actors alive, by node (to cancel them; at most `parallel`).
  std::unordered_map<std::uint32_t, msg::workstream_actor> running;
  /// Nodes waiting out a retry backoff: a stop gives them up at once instead
  /// of holding the run open until their timers fire.
  std::set<std::uint32_t> backing_off;
  std::mt19937_64 rng;
  /// The newest integration head this run knows of, and its patch_verdict
  /// head_seq: every outcome passes here before the scheduler can make a
  /// dependent ready, so an attempt started from it holds its dependencies'
  /// commits, with no round trip to the (busy) ledger.
  std::string head;
  std::uint64_t head_seq = 0;
  static inline const char* name = "supervisor";
};

using supervisor_ptr = msg::supervisor_actor::stateful_pointer<supervisor_state>;

msg::supervisor_actor::behavior_type supervisor_behavior(supervisor_ptr self,
                                                         std::shared_ptr<const run_context> ctx,
                                                         msg::scheduler_actor scheduler,
                                                         msg::persistence_actor db,
                                                         msg::ledger_actor ledger);

} // namespace uet::actors
