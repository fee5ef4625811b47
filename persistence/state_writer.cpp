#include "persistence/state_writer.h"

#include "messages/vocabulary.h"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

namespace uet::persistence {

namespace {

/// Whether the same batch may be written later (busy, io) or never (internal).
error_kind kind_of(int sqlite_code) {
  switch (sqlite_code & 0xff) {
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return error_kind::busy;
  case SQLITE_IOERR:
  case SQLITE_FULL:
  case SQLITE_CANTOPEN:
  case SQLITE_READONLY:
  case SQLITE_PROTOCOL:
    return error_kind::io;
  default:
    return error_kind::internal;
  }
}

// Every statement binds every parameter on every use, so clearBindings() is
// belt and braces: a parameter never leaks from one command to the next.
const char* const sql_run_started =
    "INSERT INTO uet_runs (run_id, project_id, phase_id, state, engine, max_workers, started_at,"
    " options) VALUES (?1, ?2, ?3, 'running', ?4, ?5, ?6, ?7)";
const char* const sql_run_state =
    "UPDATE uet_runs SET state = ?2, finished_at = CASE WHEN ?4 THEN ?3 END WHERE run_id = ?1";
// started_at and finished_at are bound, worked out from the state in C++
// (see bind below): in SQL, `CASE WHEN ?3 IN ('committed', ...)` made SQLite
// 3.40 build and free an ephemeral b-tree for the IN list on every
// execution (three per workstream), and even as an OR chain the CASEs made
// the 64-row statement slow to prepare and to run. Several rows per
// statement (see multi-row below) apply in order, as separate statements
// would: a later row for the same workstream updates the row an earlier
// one inserted, and keeps the started_at it set.
std::string sql_workstream_states(int rows) {
  std::string sql = "INSERT INTO workstreams (run_id, workstream_id, state, attempts, started_at,"
                    " finished_at, reason, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  for (int k = 1; k < rows; ++k)
    sql += ", (?, ?, ?, ?, ?, ?, ?, ?)";
  return sql + " ON CONFLICT (run_id, workstream_id) DO UPDATE SET state = excluded.state,"
               " attempts = excluded.attempts,"
               " started_at = COALESCE(workstreams.started_at, excluded.started_at),"
               " finished_at = excluded.finished_at, reason = excluded.reason,"
               " updated_at = excluded.updated_at";
}

// The states a workstream ends in (write_commands.h: finished_at is set).
bool final_state(const std::string& s) {
  auto st = parse_ws_state(s);
  return st == ws_state::committed || st == ws_state::quarantined || st == ws_state::blocked ||
         st == ws_state::skipped;
}

// A step that runs again under its id (a resumed run testing the patch a
// killed run left, under the same attempt) takes its row over.
const char* const sql_step_started =
    "INSERT INTO step_attempts (step_attempt_id, run_id, workstream_id, step, attempt, state,"
    " started_at, log_path, node) VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6, ?7, ?8)"
    " ON CONFLICT (step_attempt_id) DO UPDATE SET state = 'running',"
    " started_at = excluded.started_at, finished_at = NULL, exit_code = NULL, error = NULL,"
    " log_path = excluded.log_path, node = excluded.node";
const char* const sql_step_finished =
    "UPDATE step_attempts SET state = ?2, exit_code = ?3, finished_at = ?4, error = ?5"
    " WHERE step_attempt_id = ?1";
// Events, and workstream state changes, come in runs of thousands (a run's
// start registers every workstream as pending at once); one INSERT of many
// rows costs far less per row than many one-row INSERTs (statement start,
// halt and reset, and for events AUTOINCREMENT's sqlite_sequence update,
// once per statement instead of per row): ~2x for events at batch 1000.
constexpr int chunk_large = 64;
constexpr int chunk_small = 8;
std::string sql_events(int rows) {
  std::string sql = "INSERT INTO run_events (run_id, workstream_id, event_type, timestamp, payload)"
                    " VALUES (?, ?, ?, ?, ?)";
  for (int i = 1; i < rows; ++i)
    sql += ", (?, ?, ?, ?, ?)";
  return sql;
}
// ON CONFLICT (patch_id) rather than INSERT OR IGNORE: OR IGNORE would also
// swallow CHECK and NOT NULL violations, i.e. silently drop a bad row.
const char* const sql_patch_recorded =
    "INSERT INTO patch_ledger (patch_id, run_id, workstream_id, attempt, content, status,"
    " created_at, content_file, content_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    " ON CONFLICT (patch_id) DO NOTHING";
const char* const sql_patch_status =
    "UPDATE patch_ledger SET status = ?2,"
    " applied_at = CASE WHEN ?2 = 'applied' THEN ?3 ELSE applied_at END,"
    " verified_at = CASE WHEN ?2 = 'verified' THEN ?3 ELSE verified_at END,"
    " committed_at = CASE WHEN ?2 = 'committed' THEN ?3 ELSE committed_at END,"
    " commit_sha = COALESCE(?4, commit_sha), error_message = COALESCE(?5, error_message),"
    " verified_by = COALESCE(?6, verified_by), verified_tree = COALESCE(?7, verified_tree)"
    " WHERE patch_id = ?1";

// Strings are bound without a copy: the batch outlives each step.
void text(SQLite::Statement& s, int i, const std::string& v) {
  s.bindNoCopy(i, v);
}
void text_or_null(SQLite::Statement& s, int i, const std::string& v) {
  if (v.empty())
    s.bind(i);
  else
    s.bindNoCopy(i, v);
}
void text_or_null(SQLite::Statement& s, int i, const std::optional<std::string>& v) {
  if (v)
    s.bindNoCopy(i, *v);
  else
    s.bind(i);
}

int run(SQLite::Statement& s) {
  int changes = s.exec();
  s.reset();
  s.clearBindings();
  return changes;
}

std::string quoted(const std::string& s) {
  return "'" + s + "'";
}

// The key of a command, for failure messages.
struct key_of {
  std::string operator()(const run_started& c) const { return "run " + quoted(c.run_id); }
  std::string operator()(const run_state_changed& c) const { return "run " + quoted(c.run_id); }
  std::string operator()(const workstream_state_changed& c) const {
    return "run " + quoted(c.run_id) + " workstream " + quoted(c.workstream_id);
  }
  std::string operator()(const step_started& c) const {
    return "step attempt " + quoted(c.step_attempt_id) + " of run " + quoted(c.run_id);
  }
  std::string operator()(const step_finished& c) const {
    return "step attempt " + quoted(c.step_attempt_id);
  }
  std::string operator()(const event_appended& c) const {
    return "run " + quoted(c.run_id) + " event " + quoted(c.event_type);
  }
  std::string operator()(const patch_recorded& c) const {
    return "patch " + quoted(c.patch_id) + " of run " + quoted(c.run_id);
  }
  std::string operator()(const patch_status_changed& c) const {
    return "patch " + quoted(c.patch_id);
  }
};

} // namespace

/// A command kind that comes in runs: its statement for 1, chunk_small and
/// chunk_large rows (params per row, bound from base = params * row).
struct multi_row {
  multi_row(SQLite::Database& db, std::string (*sql)(int), int params)
      : one(db, sql(1)), small(db, sql(chunk_small)), large(db, sql(chunk_large)), params(params) {}
  SQLite::Statement one, small, large;
  int params;
};

struct state_writer::statements {
  explicit statements(SQLite::Database& db)
      : begin(db, "BEGIN IMMEDIATE"), commit(db, "COMMIT"), run_started(db, sql_run_started),
        run_state(db, sql_run_state), step_started(db, sql_step_started),
        step_finished(db, sql_step_finished), patch_recorded(db, sql_patch_recorded),
        patch_status(db, sql_patch_status), workstream_states(db, sql_workstream_states, 8),
        events(db, sql_events, 5) {}

  SQLite::Statement begin, commit;
  SQLite::Statement run_started, run_state, step_started, step_finished, patch_recorded,
      patch_status;
  multi_row workstream_states, events;

  // Each returns an empty string on success, else why the command failed
  // without SQLite raising (an update that matched no row).
  std::string operator()(const persistence::run_started& c) {
    auto& s = run_started;
    text(s, 1, c.run_id);
    text(s, 2, c.project_id);
    text(s, 3, c.phase_id);
    text(s, 4, c.engine);
    s.bind(5, c.max_workers);
    text(s, 6, c.started_at);
    text_or_null(s, 7, c.options_json);
    run(s);
    return {};
  }
  std::string operator()(const run_state_changed& c) {
    auto& s = run_state;
    text(s, 1, c.run_id);
    text(s, 2, c.state);
    text(s, 3, c.at);
    s.bind(4, c.finished ? 1 : 0);
    return run(s) == 1 ? "" : "no such run";
  }
  static void bind(SQLite::Statement& s, int base, const workstream_state_changed& c) {
    text(s, base + 1, c.run_id);
    text(s, base + 2, c.workstream_id);
    text(s, base + 3, c.state);
    s.bind(base + 4, c.attempts);
    if (parse_ws_state(c.state) ==
        ws_state::running) // started_at: kept from the first time (COALESCE)
      text(s, base + 5, c.at);
    else
      s.bind(base + 5);
    if (final_state(c.state))
      text(s, base + 6, c.at);
    else
      s.bind(base + 6);
    text_or_null(s, base + 7, c.reason);
    text(s, base + 8, c.at);
  }
  std::string operator()(const persistence::step_started& c) {
    auto& s = step_started;
    text(s, 1, c.step_attempt_id);
    text(s, 2, c.run_id);
    text(s, 3, c.workstream_id);
    text(s, 4, c.step);
    s.bind(5, c.attempt);
    text(s, 6, c.started_at);
    text_or_null(s, 7, c.log_path);
    text_or_null(s, 8, c.node);
    run(s);
    return {};
  }
  std::string operator()(const persistence::step_finished& c) {
    auto& s = step_finished;
    text(s, 1, c.step_attempt_id);
    text(s, 2, c.state);
    if (c.exit_code)
      s.bind(3, *c.exit_code);
    else
      s.bind(3);
    text(s, 4, c.finished_at);
    text_or_null(s, 5, c.error);
    return run(s) == 1 ? "" : "no such step attempt";
  }
  static void bind(SQLite::Statement& s, int base, const event_appended& c) {
    text(s, base + 1, c.run_id);
    text_or_null(s, base + 2, c.workstream_id);
    text(s, base + 3, c.event_type);
    text(s, base + 4, c.timestamp);
    text_or_null(s, base + 5, c.payload_json);
  }

  // One row at a time (write() sends runs of these through append_run).
  std::string operator()(const workstream_state_changed& c) {
    bind(workstream_states.one, 0, c);
    run(workstream_states.one);
    return {};
  }
  std::string operator()(const event_appended& c) {
    bind(events.one, 0, c);
    run(events.one);
    return {};
  }

  /// Writes batch[i, end), all of kind Command, in multi-row chunks,
  /// advancing i. Throws with i at the failing command.
  template <class Command>
  void append(SQLite::Database& db, multi_row& m, const std::vector<write_command>& batch,
              std::size_t& i, std::size_t end) {
    while (i < end) {
      const std::size_t left = end - i;
      const int rows = left >= chunk_large ? chunk_large : left >= chunk_small ? chunk_small : 1;
      auto& s = rows == chunk_large ? m.large : rows == chunk_small ? m.small : m.one;
      for (int k = 0; k < rows; ++k)
        bind(s, m.params * k, std::get<Command>(batch[i + k]));
      try {
        run(s);
        i += rows;
      } catch (const SQLite::Exception&) {
        if (rows == 1 || sqlite3_get_autocommit(db.getHandle()))
          throw;
        // A constraint failed in the chunk, which SQLite has undone (the
        // transaction is still open): replay it row by row, so the failure
        // names the very command, or goes through if it was transient.
        s.tryReset();
        for (int k = 0; k < rows; ++k, ++i)
          (*this)(std::get<Command>(batch[i]));
      }
    }
  }

  /// Writes the run of commands of batch[i]'s kind from i on, if that kind
  /// has multi-row statements; false (and nothing done) otherwise.
  bool append_run(SQLite::Database& db, const std::vector<write_command>& batch, std::size_t& i) {
    auto end = i;
    while (end < batch.size() && batch[end].index() == batch[i].index())
      ++end;
    if (std::holds_alternative<event_appended>(batch[i]))
      append<event_appended>(db, events, batch, i, end);
    else if (std::holds_alternative<workstream_state_changed>(batch[i]))
      append<workstream_state_changed>(db, workstream_states, batch, i, end);
    else
      return false;
    return true;
  }

  std::string operator()(const persistence::patch_recorded& c) {
    auto& s = patch_recorded;
    text(s, 1, c.patch_id);
    text(s, 2, c.run_id);
    text(s, 3, c.workstream_id);
    s.bind(4, c.attempt);
    text(s, 5, c.content);
    text(s, 6, c.status);
    text(s, 7, c.created_at);
    if (c.content_file.empty()) {
      s.bind(8);
      s.bind(9);
    } else {
      text(s, 8, c.content_file);
      text(s, 9, c.content_hash);
    }
    run(s);
    return {};
  }
  std::string operator()(const patch_status_changed& c) {
    auto& s = patch_status;
    text(s, 1, c.patch_id);
    text(s, 2, c.status);
    text(s, 3, c.at);
    text_or_null(s, 4, c.commit_sha);
    text_or_null(s, 5, c.error_message);
    text_or_null(s, 6, c.verified_by);
    text_or_null(s, 7, c.verified_tree);
    return run(s) == 1 ? "" : "no such patch";
  }

  void reset_all() noexcept {
    for (auto* s :
         {&begin, &commit, &run_started, &run_state, &step_started, &step_finished, &patch_recorded,
          &patch_status, &workstream_states.one, &workstream_states.small, &workstream_states.large,
          &events.one, &events.small, &events.large}) {
      s->tryReset();
      try {
        s->clearBindings();
      } catch (const SQLite::Exception&) {
        // sqlite3_clear_bindings cannot fail; nothing to do.
      }
    }
  }
};

state_writer::state_writer(database& db) : db_(db) {}
state_writer::~state_writer() = default;

void state_writer::abandon_transaction() noexcept {
  st_->reset_all();
  // After some errors (SQLITE_FULL, IOERR, BUSY on COMMIT...) SQLite has
  // already rolled back; a second ROLLBACK would only fail.
  if (!sqlite3_get_autocommit(db_.sql().getHandle()))
    sqlite3_exec(db_.sql().getHandle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

status state_writer::write(const std::vector<write_command>& batch) {
  if (batch.empty())
    return {};
  if (!st_) {
    try {
      st_ = std::make_unique<statements>(db_.sql());
    } catch (const SQLite::Exception& e) {
      return db_.error("preparing the write statements (is the schema migrated?)", e);
    }
  }
  enum { at_begin, at_command, at_commit } stage = at_begin;
  std::size_t i = 0;
  std::string why;
  auto kind = error_kind::internal;
  try {
    run(st_->begin);
    stage = at_command;
    while (i < batch.size() && why.empty()) {
      if (st_->append_run(db_.sql(), batch, i))
        continue;
      if (why = std::visit(*st_, batch[i]); why.empty())
        ++i;
    }
    if (why.empty()) {
      stage = at_commit;
      if (int code = gate_ ? gate_() : 0; code != 0)
        throw SQLite::Exception(std::string("injected fault: ") + sqlite3_errstr(code), code);
      run(st_->commit);
      return {};
    }
  } catch (const SQLite::Exception& e) {
    why = e.what();
    kind = kind_of(e.getErrorCode());
  }
  abandon_transaction();
  std::string what = "write batch of " + std::to_string(batch.size()) + " rolled back: ";
  if (stage == at_begin)
    what += "BEGIN";
  else if (stage == at_commit)
    what += "COMMIT";
  else
    what += "command " + std::to_string(i + 1) + " (" + kind_name(batch[i]) + " " +
            std::visit(key_of{}, batch[i]) + ")";
  return fail(kind, "state db " + db_.path().string() + ": " + what + ": " + why);
}

} // namespace uet::persistence
