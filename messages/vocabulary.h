// The closed sets of a run: every state, step, result and engine a run
// speaks of is one of these enums, never a string. Text is only the format
// of the database, JSON and the terminal: each enum has one to_string (the
// exact text SPEC §3 stores) and one parse, and nothing else compares names.
//
// This header includes no CAF and nothing else of the project, so the pure
// layers (engine/, ledger/, persistence/, run/) use the same vocabulary as
// the messages. CAF serializes these enums by their underlying type and
// prints them with to_string (found by argument-dependent lookup).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace uet {

/// How a run executes its workstreams (SPEC §1 PIPELINE_ENGINE).
enum class engine_kind : std::uint8_t {
  uet,    ///< the DAG on N workers
  legacy, ///< the sequential baseline: one at a time, file order
};

/// uet_runs.state.
enum class run_state : std::uint8_t { pending, running, succeeded, failed, interrupted };

/// workstreams.state.
enum class ws_state : std::uint8_t {
  pending,
  ready,
  running,
  committed,
  quarantined,
  blocked,
  skipped
};

/// step_attempts.step: the tool's edit, then the acceptance steps.
enum class step_kind : std::uint8_t {
  edit,
  static_checks, ///< "static": acceptance_criteria.static
  runtime,       ///< acceptance_criteria.commands
};

/// step_attempts.state once a step has ended (running while it runs).
enum class step_state : std::uint8_t { running, succeeded, failed, timed_out, cancelled };

/// How one attempt of a workstream ended (workstream -> supervisor).
enum class attempt_result : std::uint8_t {
  committed,   ///< its patch is on the integration branch
  skipped,     ///< nothing to do: the tool changed nothing, or a dry run
  failed,      ///< the tool, a check or the machinery failed; maybe retryable
  quarantined, ///< the patch ledger refused the patch: final
  interrupted, ///< the run was stopped before a verdict
};

/// How a whole workstream ended in this run (supervisor -> scheduler):
/// retries are over.
enum class ws_end : std::uint8_t { committed, skipped, quarantined, interrupted };

/// When a patch's acceptance runs (uet.yaml and workstream `verify:`).
enum class verify_mode : std::uint8_t {
  identity, ///< once, on the patch's future tree; it lands as that very tree
  always,   ///< and again by the ledger, on the integration branch, before landing
};

/// What the patch ledger's gate tells the submitter of a patch
/// (ledger/patch_pipeline.h).
enum class gate_news_kind : std::uint8_t {
  empty,       ///< the diff changes nothing: no patch, no state
  test,        ///< check out the speculative commit, run the acceptance there, report
  committed,   ///< on the branch
  refused,     ///< quarantined for good: out of scope, unsafe, unreadable, not storable
  failed,      ///< quarantined: acceptance failed on its future tree; the work may retry
  conflict,    ///< quarantined: it does not apply to its future tree; the work may retry
  interrupted, ///< the run stopped before a verdict; the patch stays where it was
  /// quarantined: a dependency's patch it was made on left the gate without
  /// landing; the workstream waits for that dependency again (no retry spent)
  orphaned,
};

/// A tool's circuit breaker (engine/circuit_breaker.h).
enum class breaker_state : std::uint8_t { closed, open, half_open };

/// patch_ledger.status; the transitions are ledger/patch_state.h's.
enum class patch_state : std::uint8_t {
  created,
  validated,
  queued,
  applied,
  verified,
  committed,
  quarantined,
  rolled_back ///< committed, then taken off the branch by `rollback`
};

/// The reason a workstream row gives when it was committed with no
/// acceptance command (status counts them).
inline constexpr const char* unchecked_reason =
    "unchecked: no acceptance command; committed on its tool's exit code alone";

const char* to_string(engine_kind v);
const char* to_string(run_state v);
const char* to_string(ws_state v);
const char* to_string(step_kind v);
const char* to_string(step_state v);
const char* to_string(attempt_result v);
const char* to_string(ws_end v);
const char* to_string(patch_state v);
const char* to_string(breaker_state v);
const char* to_string(verify_mode v);
const char* to_string(gate_news_kind v);

std::optional<engine_kind> parse_engine_kind(std::string_view s);
std::optional<run_state> parse_run_state(std::string_view s);
std::optional<ws_state> parse_ws_state(std::string_view s);
std::optional<step_kind> parse_step_kind(std::string_view s);
std::optional<step_state> parse_step_state(std::string_view s);
std::optional<patch_state> parse_patch_state(std::string_view s);
std::optional<verify_mode> parse_verify_mode(std::string_view s);

/// The workstream state a workstream that ended so has in the database
/// (interrupted: pending, for `resume`).
ws_state state_of(ws_end e);

/// What a run runs: a phase (phase-all or one of uet.yaml) or, for
/// `run-workstream`, one workstream. Stored as uet_runs.phase_id:
/// "<phase>" or "workstream:<id>".
struct run_target {
  enum class kind : std::uint8_t { phase, workstream };
  kind what = kind::phase;
  std::string name;

  std::string to_phase_id() const;
  static run_target parse(std::string_view phase_id);
  bool operator==(const run_target& o) const { return what == o.what && name == o.name; }
};

} // namespace uet
