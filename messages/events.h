// The events of a run (run_events rows, .uet/telemetry.jsonl lines, what
// the reporter shows): one struct per kind, all in one variant, so an event
// is built and read by field, never by name or by parsing JSON. Their names
// and JSON payloads are made in one place, messages/event_json.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include <caf/meta/type_name.hpp>

#include "messages/std_inspect.h"
#include "messages/vocabulary.h"

namespace uet::ev {

/// "run_started"
struct run_started {
  std::string phase; ///< uet_runs.phase_id
  std::uint32_t workstreams = 0;
  int parallel = 1;
  engine_kind engine = engine_kind::uet;
  bool dry_run = false;
};

/// "run_finished"
struct run_finished {
  run_state state = run_state::succeeded;
  std::uint32_t committed = 0, quarantined = 0, blocked = 0, skipped = 0, total = 0;
  std::int64_t elapsed_ms = 0;
};

/// "run_interrupt": Ctrl-C, SIGTERM or SIGHUP; running tools are being ended.
struct run_interrupted {};

/// "workstream_started": an attempt begins.
struct ws_started {
  int attempt = 1;
  std::string tool;
};

/// "workstream_committed", "workstream_skipped", "workstream_quarantined":
/// a workstream's end in this run (interrupted ones have no event).
struct ws_finished {
  ws_end end = ws_end::committed;
  int attempts = 0;
  std::string commit; ///< committed: the commit
  std::string reason;
};

/// "workstream_blocked": a dependency ended badly.
struct ws_blocked {
  std::string reason;
};

/// "workstream_retry": attempt `attempt` failed; `next_attempt` follows after
/// the delay. Attempt numbers are the run's (a resumed run continues them).
struct ws_retry {
  int attempt = 1;
  int next_attempt = 2;
  std::int64_t delay_ms = 0;
  std::string reason;
};

/// "step_finished"
struct step_finished {
  step_kind step = step_kind::edit;
  int attempt = 1;
  step_state state = step_state::succeeded;
  std::string error;
};

/// "empty_change": the tool succeeded and changed nothing.
struct empty_change {};

/// "breaker_open", "breaker_half_open", "breaker_closed"
struct breaker_moved {
  std::string tool;
  breaker_state from = breaker_state::closed;
  breaker_state to = breaker_state::open;
  std::string reason;
};

/// "breaker_rejected": an attempt refused by an open breaker.
struct breaker_rejected {
  std::string tool;
  int attempt = 1;
};

/// "patch_created" ... "patch_quarantined": the patch moved to `state`.
struct patch_moved {
  std::string patch_id;
  int attempt = 1;
  patch_state state = patch_state::created;
  std::string detail; ///< the commit, the quarantine reason, ...
};

/// "branch_restored": the integration branch had been moved outside the
/// ledger and was put back.
struct branch_restored {
  std::string detail;
};

/// "fault_injected": `--inject` made this call fail (engine/fault_plan.h);
/// attempt 0 for calls no attempt owns (a database commit, a ledger git
/// command).
struct fault_injected {
  std::string site; ///< adapter, persistence, patch, actor, git, check
  std::string kind; ///< crash, hang, exit, ...
  int attempt = 0;
  std::string detail;
};

/// "sandbox_unconfined": tools of this run run without the sandbox they
/// would have (sandbox: off, or best-effort on a kernel without Landlock).
struct sandbox_unconfined {
  std::string detail;
};

/// "workstream_inputs": a workstream ran and ended committed or satisfied;
/// what it was built from (ledger/workstream_inputs.h), the record a later
/// run compares with, and why it ran.
struct ws_inputs {
  std::string fingerprint;
  std::string commit; ///< its newest commit on the branch now ("" none)
  std::string inputs; ///< ledger::inputs_json
  std::string reason; ///< why it ran: "never run", "prompt changed", ...
};

/// "workstream_unchanged": not run, its inputs are those of its last result.
struct ws_unchanged {
  std::string since_run; ///< the run that recorded them ("" known from the branch only)
  std::string commit;    ///< its newest commit on the branch ("" none)
};

/// "workstream_stopped_early": its retries ended before they ran out
/// (engine/repeat_guard.h): kind "repeating_error" or "oscillation".
struct ws_stopped_early {
  std::string kind;
  int count = 0;
  std::string reason;
};

/// "base_followed": the run brought a moved base_ref into the integration
/// branch before anything ran (ledger/base_follow.h).
struct base_followed {
  std::string how; ///< "fast-forward" or "merge"
  std::string from, to, base;
};

/// "node_lost": a worker node went (killed, its connection dropped, or
/// silent past the connection timeout); no attempt goes to it any more, and
/// the ones it ran run again elsewhere (their workstream_retry events).
struct node_lost {
  std::string node;
  std::string address;
  std::string reason;
};

/// "late_result_ignored": a worker node answered for an attempt already
/// given up (its node lost, or the run stopped); the answer is not used.
struct late_result {
  std::string node;
  int attempt = 1;
  std::string result; ///< how the tool ended, as the node said
};

/// "workstream_taken_back": started early on a dependency's patch in the
/// gate, which left it without landing; the attempt is ended (or its skip
/// voided) and the workstream waits for that dependency again, spending
/// no retry.
struct ws_taken_back {
  int attempt = 1;
  std::string reason;
};

using body = std::variant<run_started, run_finished, run_interrupted, ws_started, ws_finished,
                          ws_blocked, ws_retry, step_finished, empty_change, breaker_moved,
                          breaker_rejected, patch_moved, branch_restored, fault_injected,
                          sandbox_unconfined, ws_inputs, ws_unchanged, ws_stopped_early,
                          base_followed, node_lost, late_result, ws_taken_back>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_started& x) {
  return f(caf::meta::type_name("run_started"), x.phase, x.workstreams, x.parallel, x.engine,
           x.dry_run);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_finished& x) {
  return f(caf::meta::type_name("run_finished"), x.state, x.committed, x.quarantined, x.blocked,
           x.skipped, x.total, x.elapsed_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_interrupted&) {
  return f(caf::meta::type_name("run_interrupted"));
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_started& x) {
  return f(caf::meta::type_name("ws_started"), x.attempt, x.tool);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_finished& x) {
  return f(caf::meta::type_name("ws_finished"), x.end, x.attempts, x.commit, x.reason);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_blocked& x) {
  return f(caf::meta::type_name("ws_blocked"), x.reason);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_retry& x) {
  return f(caf::meta::type_name("ws_retry"), x.attempt, x.next_attempt, x.delay_ms, x.reason);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, step_finished& x) {
  return f(caf::meta::type_name("step_finished"), x.step, x.attempt, x.state, x.error);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, empty_change&) {
  return f(caf::meta::type_name("empty_change"));
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, breaker_moved& x) {
  return f(caf::meta::type_name("breaker_moved"), x.tool, x.from, x.to, x.reason);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, breaker_rejected& x) {
  return f(caf::meta::type_name("breaker_rejected"), x.tool, x.attempt);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, patch_moved& x) {
  return f(caf::meta::type_name("patch_moved"), x.patch_id, x.attempt, x.state, x.detail);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, branch_restored& x) {
  return f(caf::meta::type_name("branch_restored"), x.detail);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fault_injected& x) {
  return f(caf::meta::type_name("fault_injected"), x.site, x.kind, x.attempt, x.detail);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sandbox_unconfined& x) {
  return f(caf::meta::type_name("sandbox_unconfined"), x.detail);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_inputs& x) {
  return f(caf::meta::type_name("ws_inputs"), x.fingerprint, x.commit, x.inputs, x.reason);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_unchanged& x) {
  return f(caf::meta::type_name("ws_unchanged"), x.since_run, x.commit);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_taken_back& x) {
  return f(caf::meta::type_name("ws_taken_back"), x.attempt, x.reason);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_stopped_early& x) {
  return f(caf::meta::type_name("ws_stopped_early"), x.kind, x.count, x.reason);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_lost& x) {
  return f(caf::meta::type_name("node_lost"), x.node, x.address, x.reason);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, late_result& x) {
  return f(caf::meta::type_name("late_result"), x.node, x.attempt, x.result);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, base_followed& x) {
  return f(caf::meta::type_name("base_followed"), x.how, x.from, x.to, x.base);
}

} // namespace uet::ev

namespace uet::msg {

/// One event of a run, as every actor sends it to the persistence actor
/// (which stores it and copies it to the reporter).
struct event {
  std::string run_id;
  std::optional<std::string> workstream_id; ///< none: the run's own
  std::string at;                           ///< ISO-8601 UTC
  ev::body body;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event& x) {
  return f(caf::meta::type_name("event"), x.run_id, x.workstream_id, x.at, x.body);
}

} // namespace uet::msg
