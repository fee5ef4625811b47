// What the scheduler, supervisor and workstream actors tell each other about
// a workstream: which one to run, how one attempt ended, how the workstream
// ended, and the run's result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/vocabulary.h"

namespace uet::msg {

/// Scheduler -> supervisor: run this workstream (each dependency is done,
/// or its patch is in the gate: `after`).
struct ws_job {
  std::uint32_t node = 0; ///< index in the run's DAG
  std::string workstream_id;
  /// Its input fingerprint (ledger/workstream_inputs.h): its commit's
  /// UET-Input trailer. "" on a retry: the supervisor keeps the first.
  std::string input = {};
  /// Started early: the speculative commit holding its dependencies'
  /// patches that are in the gate, not landed, and those patches' ids (it
  /// lands only behind them). Empty: start from the newest head.
  std::string base_commit = {};
  std::vector<std::string> after = {};
};

/// Workstream actor -> supervisor -> scheduler: the attempt's patch is in
/// the gate, on this speculative commit (in_gate), or its attempt ended
/// without landing it (!in_gate). Dependents may start their edit on it.
struct ws_speculation {
  std::uint32_t node = 0;
  bool in_gate = false;
  std::string patch_id;
  std::string commit;      ///< the patch's speculative commit
  std::uint64_t order = 0; ///< its join order (ledger::gate_news::order)
};

/// Workstream actor -> supervisor: how one attempt ended.
struct attempt_outcome {
  std::uint32_t node = 0;
  attempt_result result = attempt_result::failed;
  std::string reason;
  std::string commit_sha;
  std::uint64_t head_seq = 0; ///< patch_verdict::head_seq of commit_sha
  bool retryable = false;     ///< failed: another attempt may pass (the tool or a check failed)
  bool tool_called = false;   ///< the attempt reached the tool (counts for its breaker)
  bool tool_ok = false;
  /// failed because the patch did not apply to its future tree: why (for
  /// the next attempt's {conflict}), and the commit it did not apply to,
  /// where the next attempt starts.
  std::string conflict;
  std::string retry_base;
  /// failed: the failing step's last lines of output (the error's signature,
  /// with reason); the patch's git blob id, if it made one (oscillation).
  std::string detail = {};
  std::string patch = {};
  /// failed because the worker node running it was lost: run it again,
  /// elsewhere, without spending a retry.
  std::string lost_node = {};
  /// failed because a dependency's patch it was made on left the gate
  /// (gate_news_kind::orphaned): it waits for the dependency, no retry spent.
  bool orphaned = false;
};

/// Supervisor -> scheduler: how a workstream ended in this run; its retries
/// are over.
struct ws_done {
  std::uint32_t node = 0;
  std::string workstream_id;
  ws_end end = ws_end::committed;
  std::string reason;
  int attempts = 0; ///< the last attempt's number (a resumed run continues them)
  std::string commit_sha;
};

/// The run's result, for the command line.
struct run_summary {
  std::string run_id;
  run_state state = run_state::succeeded; ///< succeeded, failed, interrupted
  std::uint32_t committed = 0, quarantined = 0, blocked = 0, skipped = 0, total = 0;
  std::int64_t elapsed_ms = 0;
  std::vector<std::string> problems; ///< "ws-x: quarantined: reason", one per line
  /// The state database refused a write during the run: the run's record
  /// is incomplete (the first error; see the persistence actor).
  std::string db_error;
  /// Why the run stopped when no signal stopped it ("" otherwise).
  std::string stopped_because;
  /// Of `committed`, those with no acceptance command: committed on their
  /// tool's exit code alone.
  std::uint32_t unchecked = 0;
  /// Of `skipped`, those not run because their inputs had not changed.
  std::uint32_t unchanged = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_job& x) {
  return f(caf::meta::type_name("ws_job"), x.node, x.workstream_id, x.input, x.base_commit,
           x.after);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_speculation& x) {
  return f(caf::meta::type_name("ws_speculation"), x.node, x.in_gate, x.patch_id, x.commit,
           x.order);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, attempt_outcome& x) {
  return f(caf::meta::type_name("attempt_outcome"), x.node, x.result, x.reason, x.commit_sha,
           x.head_seq, x.retryable, x.tool_called, x.tool_ok, x.conflict, x.retry_base, x.detail,
           x.patch, x.lost_node, x.orphaned);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_done& x) {
  return f(caf::meta::type_name("ws_done"), x.node, x.workstream_id, x.end, x.reason, x.attempts,
           x.commit_sha);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_summary& x) {
  return f(caf::meta::type_name("run_summary"), x.run_id, x.state, x.committed, x.quarantined,
           x.blocked, x.skipped, x.total, x.elapsed_ms, x.problems, x.db_error, x.stopped_because,
           x.unchecked, x.unchanged);
}

} // namespace uet::msg
