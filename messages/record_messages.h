// What actors ask the persistence actor to record: typed wire structs, not
// table rows. The persistence actor turns each into its rows in one place
// (actors/record_rows.h); a column can change without changing the protocol.
// Timestamps are ISO-8601 UTC with milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/std_inspect.h"
#include "messages/vocabulary.h"

namespace uet {

// Found by argument-dependent lookup: run_target is uet's (vocabulary.h).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_target& x) {
  return f(caf::meta::type_name("run_target"), x.what, x.name);
}

} // namespace uet

namespace uet::msg {

/// A new run (state running).
struct run_opened {
  std::string run_id;
  std::string project_id;
  run_target target;
  engine_kind engine = engine_kind::uet;
  int max_workers = 0;
  std::string at;
  std::string options_json; ///< the run's options, a JSON object
};

/// A run's state; finished: the run is over (finished_at is set).
struct run_state_set {
  std::string run_id;
  run_state state = run_state::running;
  std::string at;
  bool finished = false;
};

/// A workstream's state and its attempt count; reason explains the state.
struct ws_state_set {
  std::string run_id;
  std::string workstream_id;
  ws_state state = ws_state::pending;
  int attempts = 0;
  std::string at;
  std::optional<std::string> reason;
};

/// Many workstream states in one message, in order: a run's start
/// registers every workstream at once, and one message of 10,000 costs the
/// scheduler and the persistence actor far less than 10,000 messages.
struct ws_states_set {
  std::vector<ws_state_set> changes;
};

/// A step of an attempt began. `test`: which test of the attempt's patch
/// (the gate's epoch: a reset tests it again), 1 for the edit.
struct step_begun {
  std::string run_id;
  std::string workstream_id;
  step_kind step = step_kind::edit;
  int attempt = 1;
  std::string at;
  std::string log_path;
  std::uint64_t test = 1;
  std::string node = {}; ///< the worker node that runs it; "" on this machine
};

/// A step of an attempt ended.
struct step_ended {
  std::string run_id;
  std::string workstream_id;
  step_kind step = step_kind::edit;
  int attempt = 1;
  step_state state = step_state::succeeded;
  std::optional<std::int64_t> exit_code;
  std::string at;
  std::string error; ///< empty: none
  std::uint64_t test = 1;
};

/// A patch entered the ledger (state created).
struct patch_created {
  std::string patch_id;
  std::string run_id;
  std::string workstream_id;
  int attempt = 1;
  std::string diff; ///< "" when the patch is kept as a file
  std::string at;
  std::string diff_file = {}; ///< LEDGER_DIR/patches/<id>.diff of a big patch
  std::string diff_hash = {}; ///< its git blob id
};

/// A patch moved to `state`; commit_sha / error / verified_by /
/// verified_tree replace the stored ones.
struct patch_state_set {
  std::string patch_id;
  patch_state state = patch_state::created;
  std::string at;
  std::optional<std::string> commit_sha;
  std::optional<std::string> error;
  std::optional<std::string> verified_by;
  std::optional<std::string> verified_tree;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_opened& x) {
  return f(caf::meta::type_name("run_opened"), x.run_id, x.project_id, x.target, x.engine,
           x.max_workers, x.at, x.options_json);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_state_set& x) {
  return f(caf::meta::type_name("run_state_set"), x.run_id, x.state, x.at, x.finished);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_state_set& x) {
  return f(caf::meta::type_name("ws_state_set"), x.run_id, x.workstream_id, x.state, x.attempts,
           x.at, x.reason);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ws_states_set& x) {
  return f(caf::meta::type_name("ws_states_set"), x.changes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, step_begun& x) {
  return f(caf::meta::type_name("step_begun"), x.run_id, x.workstream_id, x.step, x.attempt, x.at,
           x.log_path, x.test, x.node);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, step_ended& x) {
  return f(caf::meta::type_name("step_ended"), x.run_id, x.workstream_id, x.step, x.attempt,
           x.state, x.exit_code, x.at, x.error, x.test);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, patch_created& x) {
  return f(caf::meta::type_name("patch_created"), x.patch_id, x.run_id, x.workstream_id, x.attempt,
           x.diff, x.at, x.diff_file, x.diff_hash);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, patch_state_set& x) {
  return f(caf::meta::type_name("patch_state_set"), x.patch_id, x.state, x.at, x.commit_sha,
           x.error, x.verified_by, x.verified_tree);
}

} // namespace uet::msg
