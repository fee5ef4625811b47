// What may be written to the state database: one plain struct per change.
// The persistence actor receives these as messages (messages/ gives them
// inspect overloads) and hands batches to state_writer, so members stay
// simple, default-constructible types. Timestamps are ISO-8601 UTC with
// milliseconds (uet::iso8601_now()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace uet::persistence {

/// Inserts a uet_runs row in state 'running'.
struct run_started {
  std::string run_id;
  std::string project_id;
  std::string phase_id;
  std::string engine; ///< "uet" or "legacy"
  int max_workers = 0;
  std::string started_at;
  std::string options_json; ///< the run's options as JSON; empty stores NULL
};

/// Sets a run's state; finished_at becomes `at` when finished, else NULL
/// (a resumed run is not finished). Fails for an unknown run.
struct run_state_changed {
  std::string run_id;
  std::string state; ///< pending|running|succeeded|failed|interrupted
  std::string at;
  bool finished = false;
};

/// Inserts or updates (run_id, workstream_id). started_at is set the first
/// time the state is 'running'; finished_at is `at` in a final state
/// (committed|quarantined|blocked|skipped) and NULL otherwise; reason is
/// replaced (it explains the current state).
struct workstream_state_changed {
  std::string run_id;
  std::string workstream_id;
  std::string state; ///< pending|ready|running|committed|quarantined|blocked|skipped
  int attempts = 0;
  std::string at;
  std::optional<std::string> reason;
};

/// Inserts a step_attempts row in state 'running' (or sets one that ran
/// before under this id running again). The run must exist.
struct step_started {
  std::string step_attempt_id;
  std::string run_id;
  std::string workstream_id;
  std::string step; ///< edit|static|runtime
  int attempt = 0;
  std::string started_at;
  std::optional<std::string> log_path;
  std::optional<std::string> node = {}; ///< the worker node running it; null: this machine
};

/// Finishes a step attempt. Fails for an unknown step_attempt_id.
struct step_finished {
  std::string step_attempt_id;
  std::string state; ///< e.g. succeeded|failed|timed_out|cancelled
  std::optional<std::int64_t> exit_code;
  std::string finished_at;
  std::optional<std::string> error;
};

/// Appends a run_events row. The run must exist.
struct event_appended {
  std::string run_id;
  std::optional<std::string> workstream_id;
  std::string event_type;
  std::string timestamp;
  std::string payload_json; ///< empty stores NULL
};

/// Inserts a patch_ledger row; the same patch_id again is a no-op (a
/// resumed run may record a patch it had already recorded).
struct patch_recorded {
  std::string patch_id;
  std::string run_id;
  std::string workstream_id;
  int attempt = 1;
  std::string content; ///< the unified diff; "" when kept as a file
  std::string status = "created";
  std::string created_at;
  std::string content_file = {}; ///< the diff's file when not inline ("": inline)
  std::string content_hash = {}; ///< its git blob id
};

/// Sets a patch's status; applied/verified/committed also set applied_at/
/// verified_at/committed_at to `at`. commit_sha, error_message, verified_by
/// and verified_tree replace the stored ones when given. Fails for an
/// unknown patch_id.
struct patch_status_changed {
  std::string patch_id;
  std::string status; ///< created|validated|queued|applied|verified|committed|quarantined
  std::string at;
  std::optional<std::string> commit_sha;
  std::optional<std::string> error_message;
  std::optional<std::string> verified_by;   ///< the step attempt whose acceptance passed
  std::optional<std::string> verified_tree; ///< the tree it passed on
};

using write_command =
    std::variant<run_started, run_state_changed, workstream_state_changed, step_started,
                 step_finished, event_appended, patch_recorded, patch_status_changed>;

/// "run_started", "event_appended", ... (for messages and logs).
inline const char* kind_name(const write_command& c) {
  static const char* const names[] = {
      "run_started",   "run_state_changed", "workstream_state_changed", "step_started",
      "step_finished", "event_appended",    "patch_recorded",           "patch_status_changed"};
  static_assert(std::variant_size_v<write_command> == sizeof(names) / sizeof(names[0]));
  return names[c.index()];
}

} // namespace uet::persistence
