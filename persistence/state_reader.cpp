#include "persistence/state_reader.h"

#include <tuple>

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

namespace uet::persistence {

namespace {

std::string text(SQLite::Statement& s, int i) {
  return s.getColumn(i).getString();
}
std::optional<std::string> opt_text(SQLite::Statement& s, int i) {
  if (s.isColumnNull(i))
    return std::nullopt;
  return s.getColumn(i).getString();
}

// One query: prepare, bind, step every row through map. SQLite exceptions
// stop here and become a failure naming the db file and the query.
template <class Row, class Bind, class Map>
expected<std::vector<Row>> select(database& db, const std::string& what, const std::string& sql,
                                  Bind bind, Map map) {
  try {
    SQLite::Statement s(db.sql(), sql);
    bind(s);
    std::vector<Row> out;
    while (s.executeStep())
      out.push_back(map(s));
    return out;
  } catch (const SQLite::Exception& e) {
    return db.error(what, e);
  }
}

template <class Row>
expected<std::optional<Row>> first(expected<std::vector<Row>> rows) {
  if (!rows)
    return rows.error();
  if (rows->empty())
    return std::optional<Row>();
  return std::optional<Row>(std::move(rows->front()));
}

expected<std::map<std::string, std::int64_t>>
counts(expected<std::vector<std::pair<std::string, std::int64_t>>> rows) {
  if (!rows)
    return rows.error();
  return std::map<std::string, std::int64_t>(rows->begin(), rows->end());
}

auto no_bind = [](SQLite::Statement&) {};

const char* const run_columns = "SELECT run_id, project_id, phase_id, state, engine, max_workers,"
                                " started_at, finished_at, options FROM uet_runs";
run_row to_run(SQLite::Statement& s) {
  return run_row{text(s, 0), text(s, 1),     text(s, 2),
                 text(s, 3), text(s, 4),     s.getColumn(5).getInt(),
                 text(s, 6), opt_text(s, 7), opt_text(s, 8)};
}

const char* const patch_columns =
    "SELECT patch_id, run_id, workstream_id, attempt, %CONTENT%, status, created_at, applied_at,"
    " verified_at, committed_at, commit_sha, error_message, %VERIFIED%, %FILE% FROM patch_ledger";
/// verified: the database has 0004's columns (a read-only reader may meet
/// an older schema, which it must not change).
/// files: 0005's columns likewise.
std::string patch_select(bool with_content, bool verified, bool files) {
  std::string sql = patch_columns;
  sql.replace(sql.find("%FILE%"), 6, files ? "content_file, content_hash" : "NULL, NULL");
  sql.replace(sql.find("%CONTENT%"), 9, with_content ? "content" : "''");
  sql.replace(sql.find("%VERIFIED%"), 10, verified ? "verified_by, verified_tree" : "NULL, NULL");
  return sql;
}
patch_row to_patch(SQLite::Statement& s) {
  return patch_row{text(s, 0),      text(s, 1),      text(s, 2),      s.getColumn(3).getInt(),
                   text(s, 4),      text(s, 5),      text(s, 6),      opt_text(s, 7),
                   opt_text(s, 8),  opt_text(s, 9),  opt_text(s, 10), opt_text(s, 11),
                   opt_text(s, 12), opt_text(s, 13), opt_text(s, 14), opt_text(s, 15)};
}

auto to_count = [](SQLite::Statement& s) {
  return std::make_pair(text(s, 0), s.getColumn(1).getInt64());
};

} // namespace

namespace {

/// Every name of an enum whose values run from first to last.
template <class E>
std::vector<std::string> names(E first, E last) {
  std::vector<std::string> v;
  for (auto i = static_cast<int>(first); i <= static_cast<int>(last); ++i)
    v.emplace_back(to_string(static_cast<E>(i)));
  return v;
}

} // namespace

const std::vector<std::string>& run_states() {
  static const auto v = names(run_state::pending, run_state::interrupted);
  return v;
}
const std::vector<std::string>& workstream_states() {
  static const auto v = names(ws_state::pending, ws_state::skipped);
  return v;
}
const std::vector<std::string>& patch_statuses() {
  static const auto v = names(patch_state::created, patch_state::rolled_back);
  return v;
}

expected<std::vector<run_row>> state_reader::runs() {
  return select<run_row>(db_, "listing runs",
                         std::string(run_columns) + " ORDER BY started_at, rowid", no_bind, to_run);
}

expected<std::optional<run_row>> state_reader::run(const std::string& run_id) {
  return first(select<run_row>(
      db_, "reading run '" + run_id + "'", std::string(run_columns) + " WHERE run_id = ?1",
      [&](SQLite::Statement& s) { s.bind(1, run_id); }, to_run));
}

expected<std::optional<run_row>> state_reader::latest_run() {
  return first(select<run_row>(
      db_, "reading the latest run",
      std::string(run_columns) + " ORDER BY started_at DESC, rowid DESC LIMIT 1", no_bind, to_run));
}

expected<std::vector<std::string>> state_reader::workstreams_ever(ws_state state) {
  return select<std::string>(
      db_, std::string("listing workstreams ever ") + to_string(state),
      "SELECT DISTINCT w.workstream_id FROM workstreams w JOIN uet_runs r ON r.run_id = w.run_id"
      " WHERE w.state = ?1 AND NOT (json_valid(r.options)"
      " AND coalesce(json_extract(r.options, '$.dry_run'), 0) != 0)"
      " ORDER BY w.workstream_id",
      [&](SQLite::Statement& s) { s.bind(1, to_string(state)); },
      [](SQLite::Statement& s) { return text(s, 0); });
}

namespace {

event_row read_event_row(SQLite::Statement& s) {
  return event_row{s.getColumn(0).getInt64(),
                   text(s, 1),
                   opt_text(s, 2),
                   text(s, 3),
                   text(s, 4),
                   opt_text(s, 5)};
}

} // namespace

expected<std::map<std::string, event_row>> state_reader::last_input_events() {
  auto rows = select<event_row>(
      db_, "reading the workstreams' recorded inputs",
      "SELECT id, run_id, workstream_id, event_type, timestamp, payload FROM run_events"
      " WHERE id IN (SELECT max(id) FROM run_events WHERE event_type = 'workstream_inputs'"
      " GROUP BY workstream_id)",
      [](SQLite::Statement&) {}, read_event_row);
  if (!rows)
    return rows.error();
  std::map<std::string, event_row> out;
  for (auto& r : *rows)
    if (r.workstream_id)
      out.emplace(*r.workstream_id, std::move(r));
  return out;
}

expected<std::vector<workstream_row>> state_reader::workstreams(const std::string& run_id) {
  return select<workstream_row>(
      db_, "listing workstreams of run '" + run_id + "'",
      "SELECT run_id, workstream_id, state, attempts, started_at, finished_at, reason, updated_at"
      " FROM workstreams WHERE run_id = ?1 ORDER BY workstream_id",
      [&](SQLite::Statement& s) { s.bind(1, run_id); },
      [](SQLite::Statement& s) {
        return workstream_row{
            text(s, 0),     text(s, 1),     text(s, 2),     s.getColumn(3).getInt(),
            opt_text(s, 4), opt_text(s, 5), opt_text(s, 6), text(s, 7)};
      });
}

expected<std::map<std::string, std::int64_t>>
state_reader::workstream_counts(const std::string& run_id) {
  return counts(select<std::pair<std::string, std::int64_t>>(
      db_, "counting workstreams of run '" + run_id + "'",
      "SELECT state, count(*) FROM workstreams WHERE run_id = ?1 GROUP BY state",
      [&](SQLite::Statement& s) { s.bind(1, run_id); }, to_count));
}

expected<std::vector<step_attempt_row>>
state_reader::step_attempts(const std::string& run_id,
                            const std::optional<std::string>& workstream_id) {
  std::string sql =
      "SELECT step_attempt_id, run_id, workstream_id, step, attempt, state, exit_code, started_at,"
      " finished_at, log_path, error FROM step_attempts WHERE run_id = ?1";
  if (workstream_id)
    sql += " AND workstream_id = ?2";
  sql += " ORDER BY started_at, rowid";
  return select<step_attempt_row>(
      db_, "listing step attempts of run '" + run_id + "'", sql,
      [&](SQLite::Statement& s) {
        s.bind(1, run_id);
        if (workstream_id)
          s.bind(2, *workstream_id);
      },
      [](SQLite::Statement& s) {
        step_attempt_row r;
        r.step_attempt_id = text(s, 0);
        r.run_id = text(s, 1);
        r.workstream_id = text(s, 2);
        r.step = text(s, 3);
        r.attempt = s.getColumn(4).getInt();
        r.state = text(s, 5);
        if (!s.isColumnNull(6))
          r.exit_code = s.getColumn(6).getInt64();
        r.started_at = text(s, 7);
        r.finished_at = opt_text(s, 8);
        r.log_path = opt_text(s, 9);
        r.error = opt_text(s, 10);
        return r;
      });
}

expected<std::map<std::string, double>> state_reader::step_durations(std::size_t last_runs) {
  // Timestamps are ISO 8601 UTC with milliseconds: julianday() reads them.
  auto rows = select<std::pair<std::string, double>>(
      db_, "reading step durations of the last " + std::to_string(last_runs) + " runs",
      "SELECT workstream_id, SUM(ms) / COUNT(DISTINCT run_id || '/' || attempt) FROM"
      " (SELECT run_id, workstream_id, attempt,"
      "   (julianday(finished_at) - julianday(started_at)) * 86400000.0 AS ms"
      "  FROM step_attempts WHERE state = 'succeeded' AND finished_at IS NOT NULL"
      "   AND run_id IN (SELECT run_id FROM uet_runs ORDER BY started_at DESC, rowid DESC"
      "                  LIMIT ?1))"
      " GROUP BY workstream_id",
      [&](SQLite::Statement& s) { s.bind(1, static_cast<std::int64_t>(last_runs)); },
      [](SQLite::Statement& s) {
        return std::pair<std::string, double>(text(s, 0), s.getColumn(1).getDouble());
      });
  if (!rows)
    return rows.error();
  return std::map<std::string, double>(rows->begin(), rows->end());
}

expected<std::vector<event_row>> state_reader::events(const std::string& run_id,
                                                      std::int64_t after_id, std::int64_t limit) {
  return select<event_row>(
      db_, "listing events of run '" + run_id + "'",
      "SELECT id, run_id, workstream_id, event_type, timestamp, payload FROM run_events"
      " WHERE run_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
      [&](SQLite::Statement& s) {
        s.bind(1, run_id);
        s.bind(2, after_id);
        s.bind(3, limit);
      },
      read_event_row);
}

expected<std::int64_t> state_reader::event_count(const std::string& run_id) {
  auto rows = select<std::int64_t>(
      db_, "counting events of run '" + run_id + "'",
      "SELECT count(*) FROM run_events WHERE run_id = ?1",
      [&](SQLite::Statement& s) { s.bind(1, run_id); },
      [](SQLite::Statement& s) { return s.getColumn(0).getInt64(); });
  if (!rows)
    return rows.error();
  return rows->front();
}

expected<std::vector<patch_row>> state_reader::patches(const patch_filter& f) {
  std::string sql =
      patch_select(f.with_content, has_verified_columns(), has_file_columns()) + " WHERE 1";
  if (f.status)
    sql += " AND status = ?1";
  if (f.run_id)
    sql += " AND run_id = ?2";
  sql += " ORDER BY created_at, patch_id";
  return select<patch_row>(
      db_, "listing patches", sql,
      [&](SQLite::Statement& s) {
        if (f.status)
          s.bind(1, *f.status);
        if (f.run_id)
          s.bind(2, *f.run_id);
      },
      to_patch);
}

bool state_reader::has_patch_column(const char* name, std::optional<bool>& known) {
  if (!known) {
    auto n = select<std::int64_t>(
        db_, "reading the schema",
        "SELECT count(*) FROM pragma_table_info('patch_ledger') WHERE name = ?1",
        [&](SQLite::Statement& s) { s.bind(1, name); },
        [](SQLite::Statement& s) { return s.getColumn(0).getInt64(); });
    known = n && !n->empty() && n->front() > 0;
  }
  return *known;
}

bool state_reader::has_verified_columns() {
  return has_patch_column("verified_by", verified_columns_);
}

bool state_reader::has_file_columns() {
  return has_patch_column("content_file", file_columns_);
}

expected<std::optional<patch_row>> state_reader::patch(const std::string& patch_id) {
  return first(select<patch_row>(
      db_, "reading patch '" + patch_id + "'",
      patch_select(true, has_verified_columns(), has_file_columns()) + " WHERE patch_id = ?1",
      [&](SQLite::Statement& s) { s.bind(1, patch_id); }, to_patch));
}

expected<std::map<std::string, std::int64_t>>
state_reader::patch_counts(const std::optional<std::string>& run_id) {
  std::string sql = "SELECT status, count(*) FROM patch_ledger";
  if (run_id)
    sql += " WHERE run_id = ?1";
  sql += " GROUP BY status";
  return counts(select<std::pair<std::string, std::int64_t>>(
      db_, "counting patches", sql,
      [&](SQLite::Statement& s) {
        if (run_id)
          s.bind(1, *run_id);
      },
      to_count));
}

expected<std::map<std::string, std::map<std::string, std::int64_t>>>
state_reader::patch_outcomes(const std::string& run_id) {
  using row = std::tuple<std::string, std::string, std::int64_t>;
  auto rows = select<row>(
      db_, "counting patches per workstream",
      "SELECT workstream_id, status, count(*) FROM patch_ledger WHERE run_id = ?1 "
      "GROUP BY workstream_id, status",
      [&](SQLite::Statement& s) { s.bind(1, run_id); },
      [](SQLite::Statement& s) {
        return row{s.getColumn(0).getString(), s.getColumn(1).getString(),
                   s.getColumn(2).getInt64()};
      });
  if (!rows)
    return rows.error();
  std::map<std::string, std::map<std::string, std::int64_t>> out;
  for (const auto& [ws, status, n] : *rows)
    out[ws][status] = n;
  return out;
}

expected<std::map<std::string, std::vector<std::string>>>
state_reader::edit_nodes(const std::string& run_id) {
  std::map<std::string, std::vector<std::string>> out;
  auto has_node = select<int>(
      db_, "reading step_attempts' columns",
      "SELECT count(*) FROM pragma_table_info('step_attempts') WHERE name = 'node'",
      [](SQLite::Statement&) {}, [](SQLite::Statement& s) { return s.getColumn(0).getInt(); });
  if (!has_node)
    return has_node.error();
  if (has_node->empty() || has_node->front() == 0)
    return out;
  using row = std::pair<std::string, std::string>;
  auto rows = select<row>(
      db_, "reading where edits ran",
      "SELECT workstream_id, coalesce(node, '') FROM step_attempts WHERE run_id = ?1 AND "
      "step = 'edit' ORDER BY workstream_id, attempt",
      [&](SQLite::Statement& s) { s.bind(1, run_id); },
      [](SQLite::Statement& s) {
        return row{s.getColumn(0).getString(), s.getColumn(1).getString()};
      });
  if (!rows)
    return rows.error();
  for (auto& [ws, node] : *rows)
    out[ws].push_back(std::move(node));
  return out;
}

} // namespace uet::persistence
