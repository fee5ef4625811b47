// What the scheduler, supervisor and workstream actors tell each other about
// a workstream: which one to run, and how it ended.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace uet::msg {

/// Scheduler -> supervisor: run this workstream (all its dependencies are
/// committed on the integration branch).
struct ws_job {
  std::uint32_t node = 0; ///< index in the run's DAG
  std::string workstream_id;
};

/// How one attempt, or a whole workstream, ended. final_state is a SPEC §3
/// workstreams.state: committed, quarantined, skipped, "failed" for an
/// attempt the supervisor may retry, or "interrupted" (the run was stopped;
/// the workstream goes back to pending for `resume`).
struct ws_outcome {
  std::uint32_t node = 0;
  std::string workstream_id;
  std::string final_state;
  std::string reason;
  int attempts = 0;
  std::string commit_sha;
  bool retryable = false;   ///< the tool or a check failed: another attempt may pass
  bool tool_called = false; ///< the attempt reached the tool (counts for its breaker)
  bool tool_ok = false;
  std::uint64_t head_seq = 0; ///< patch_verdict::head_seq of commit_sha
};

/// The run's result, for the command line.
struct run_summary {
  std::string run_id;
  std::string state; ///< succeeded, failed, interrupted
  std::uint32_t committed = 0, quarantined = 0, blocked = 0, skipped = 0, total = 0;
  std::int64_t elapsed_ms = 0;
  std::vector<std::string> problems; ///< "ws-x: quarantined: reason", one per line
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_job& x) {
  return f(caf::meta::type_name("ws_job"), x.node, x.workstream_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_outcome& x) {
  return f(caf::meta::type_name("ws_outcome"), x.node, x.workstream_id, x.final_state, x.reason,
           x.attempts, x.commit_sha, x.retryable, x.tool_called, x.tool_ok, x.head_seq);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_summary& x) {
  return f(caf::meta::type_name("run_summary"), x.run_id, x.state, x.committed, x.quarantined,
           x.blocked, x.skipped, x.total, x.elapsed_ms, x.problems);
}

} // namespace uet::msg
