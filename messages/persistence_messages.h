// inspect overloads for the database write commands (persistence/
// write_commands.h), so they travel as CAF messages to the persistence actor
// (and, later, from remote nodes).
#pragma once

#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/std_inspect.h"
#include "persistence/write_commands.h"

namespace uet::persistence {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_started& x) {
  return f(caf::meta::type_name("run_started"), x.run_id, x.project_id, x.phase_id, x.engine,
           x.max_workers, x.started_at, x.options_json);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_state_changed& x) {
  return f(caf::meta::type_name("run_state_changed"), x.run_id, x.state, x.at, x.finished);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, workstream_state_changed& x) {
  return f(caf::meta::type_name("workstream_state_changed"), x.run_id, x.workstream_id, x.state,
           x.attempts, x.at, x.reason);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, step_started& x) {
  return f(caf::meta::type_name("step_started"), x.step_attempt_id, x.run_id, x.workstream_id,
           x.step, x.attempt, x.started_at, x.log_path);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, step_finished& x) {
  return f(caf::meta::type_name("step_finished"), x.step_attempt_id, x.state, x.exit_code,
           x.finished_at, x.error);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_appended& x) {
  return f(caf::meta::type_name("event_appended"), x.run_id, x.workstream_id, x.event_type,
           x.timestamp, x.payload_json);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, patch_recorded& x) {
  return f(caf::meta::type_name("patch_recorded"), x.patch_id, x.run_id, x.workstream_id, x.attempt,
           x.content, x.status, x.created_at);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, patch_status_changed& x) {
  return f(caf::meta::type_name("patch_status_changed"), x.patch_id, x.status, x.at, x.commit_sha,
           x.error_message);
}

} // namespace uet::persistence

namespace uet::msg {

/// Many workstream state changes in one message, in order: a run's start
/// registers every workstream (as pending, or committed by an earlier run)
/// at once, and one message of 10,000 costs the scheduler and the
/// persistence actor far less than 10,000 messages. The persistence actor
/// writes them as it writes single ones.
struct workstream_states {
  std::vector<persistence::workstream_state_changed> changes;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, workstream_states& x) {
  return f(caf::meta::type_name("workstream_states"), x.changes);
}

} // namespace uet::msg
