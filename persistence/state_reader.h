// Typed reads of the state database. Works on a read-only connection (the
// CLI's) as well as on the writer's. Each call is one short read
// transaction; SQLite failures come back as values naming the db file and
// the query. Not thread-safe: one reader per connection.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/expected.h"
#include "messages/vocabulary.h"
#include "persistence/database.h"

namespace uet::persistence {

struct run_row {
  std::string run_id;
  std::string project_id;
  std::string phase_id;
  std::string state;
  std::string engine;
  int max_workers = 0;
  std::string started_at;
  std::optional<std::string> finished_at;
  std::optional<std::string> options_json;
};

struct workstream_row {
  std::string run_id;
  std::string workstream_id;
  std::string state;
  int attempts = 0;
  std::optional<std::string> started_at;
  std::optional<std::string> finished_at;
  std::optional<std::string> reason;
  std::string updated_at;
};

struct step_attempt_row {
  std::string step_attempt_id;
  std::string run_id;
  std::string workstream_id;
  std::string step;
  int attempt = 0;
  std::string state;
  std::optional<std::int64_t> exit_code;
  std::string started_at;
  std::optional<std::string> finished_at;
  std::optional<std::string> log_path;
  std::optional<std::string> error;
};

struct event_row {
  std::int64_t id = 0;
  std::string run_id;
  std::optional<std::string> workstream_id;
  std::string event_type;
  std::string timestamp;
  std::optional<std::string> payload_json;
};

struct patch_row {
  std::string patch_id;
  std::string run_id;
  std::string workstream_id;
  int attempt = 0;
  std::string content; ///< empty unless asked for (diffs can be large)
  std::string status;
  std::string created_at;
  std::optional<std::string> applied_at;
  std::optional<std::string> verified_at;
  std::optional<std::string> committed_at;
  std::optional<std::string> commit_sha;
  std::optional<std::string> error_message;
  std::optional<std::string> verified_by;   ///< the step attempt whose acceptance passed
  std::optional<std::string> verified_tree; ///< the tree it passed on
  /// A big patch is kept as a file (content ""): its path and git blob id.
  std::optional<std::string> content_file;
  std::optional<std::string> content_hash;
};

struct patch_filter {
  std::optional<std::string> status;
  std::optional<std::string> run_id;
  bool with_content = false;
};

/// The states and statuses the schema accepts (its CHECK constraints), as
/// messages/vocabulary.h names them.
const std::vector<std::string>& run_states();
const std::vector<std::string>& workstream_states();
const std::vector<std::string>& patch_statuses();

class state_reader {
public:
  explicit state_reader(database& db) : db_(db) {}

  /// Oldest first.
  expected<std::vector<run_row>> runs();
  expected<std::optional<run_row>> run(const std::string& run_id);
  /// The run started last (ties: the one inserted last).
  expected<std::optional<run_row>> latest_run();

  /// By workstream id.
  expected<std::vector<workstream_row>> workstreams(const std::string& run_id);
  /// Ids of workstreams a run that was not a dry run ended in `state` (e.g.
  /// skipped: a dry run skips everything), sorted.
  expected<std::vector<std::string>> workstreams_ever(ws_state state);
  /// Each workstream's newest workstream_inputs event (what its last
  /// result was built from; ledger/workstream_inputs.h), by workstream id.
  expected<std::map<std::string, event_row>> last_input_events();
  /// count per state, for progress lines.
  expected<std::map<std::string, std::int64_t>> workstream_counts(const std::string& run_id);

  /// In start order; only one workstream's when workstream_id is given.
  expected<std::vector<step_attempt_row>>
  step_attempts(const std::string& run_id,
                const std::optional<std::string>& workstream_id = std::nullopt);

  /// Per workstream: the mean time (ms) one succeeded attempt spent in its
  /// steps (edit, static, runtime), over the last_runs runs started last.
  /// What the scheduler weighs a workstream by: the past predicts the
  /// critical path far better than counting workstreams.
  /// Milliseconds per workstream.
  expected<std::map<std::string, double>> step_durations(std::size_t last_runs = 5);

  /// Events with id > after_id, oldest first, at most limit of them: page
  /// through a long log by passing the last id seen.
  expected<std::vector<event_row>> events(const std::string& run_id, std::int64_t after_id = 0,
                                          std::int64_t limit = 1000);
  expected<std::int64_t> event_count(const std::string& run_id);

  /// In creation order (then patch id).
  expected<std::vector<patch_row>> patches(const patch_filter& filter = {});
  /// With its content.
  expected<std::optional<patch_row>> patch(const std::string& patch_id);
  /// count per status, optionally for one run.
  expected<std::map<std::string, std::int64_t>>
  patch_counts(const std::optional<std::string>& run_id = std::nullopt);
  /// Per workstream of a run: its patches' count per status. A workstream's
  /// outcome (workstreams.state) and its patches' (patch_ledger.status) are
  /// two things: a quarantined workstream may have no patch (its tool
  /// failed), a committed one a quarantined patch from an earlier attempt.
  expected<std::map<std::string, std::map<std::string, std::int64_t>>>
  patch_outcomes(const std::string& run_id);
  /// Per workstream of a run: where each of its edits ran, in attempt
  /// order: a worker node's id, or "" for the coordinator's machine. Empty
  /// for a database from before step_attempts.node (0007).
  expected<std::map<std::string, std::vector<std::string>>> edit_nodes(const std::string& run_id);

private:
  /// Whether patch_ledger has a column (a read-only reader may meet an older
  /// schema, which it must not change), asked once.
  bool has_patch_column(const char* name, std::optional<bool>& known);
  bool has_verified_columns();
  bool has_file_columns();

  database& db_;
  std::optional<bool> verified_columns_;
  std::optional<bool> file_columns_;
};

} // namespace uet::persistence
