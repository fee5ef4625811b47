// Migration 0003 (check lists): the CHECK constraints it rewrites as OR
// chains accept and reject exactly what the 0001 IN lists did, rows survive
// the rebuild both ways, and no write to those tables builds an ephemeral
// b-tree any more (the reason for the migration).
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include "tests/persistence/db_fixture.h"

using namespace uet;
using namespace uet::persistence;
using namespace uet::test;

namespace {

struct checked_column {
  const char* table;
  const char* insert; ///< INSERT with ?1 for the checked value
  std::vector<const char*> valid;
};

const std::vector<checked_column>& checked_columns() {
  static const std::vector<checked_column> all = {
      {"workstreams",
       "INSERT INTO workstreams (run_id, workstream_id, state, updated_at)"
       " VALUES ('run-1', 'ws-' || ?1, ?1, 't')",
       {"pending", "ready", "running", "committed", "quarantined", "blocked", "skipped"}},
      {"step_attempts",
       "INSERT INTO step_attempts (step_attempt_id, run_id, workstream_id, step, attempt, state,"
       " started_at) VALUES ('s-' || ?1, 'run-1', 'ws', ?1, 1, 'running', 't')",
       {"edit", "static", "runtime"}},
      {"patch_ledger",
       "INSERT INTO patch_ledger (patch_id, run_id, workstream_id, content, status, created_at)"
       " VALUES ('p-' || ?1, 'run-1', 'ws', 'diff', ?1, 't')",
       {"created", "validated", "queued", "applied", "verified", "committed", "quarantined"}},
  };
  return all;
}

// Whether the insert went through; a CHECK failure is the only error expected.
bool inserts(database& db, const char* sql, const std::string& v) {
  SQLite::Statement s(db.sql(), sql);
  s.bind(1, v);
  try {
    s.exec();
    return true;
  } catch (const SQLite::Exception& e) {
    INFO(e.what());
    CHECK(std::string(e.what()).find("CHECK constraint failed") != std::string::npos);
    return false;
  }
}

void check_constraints(database& db) {
  for (const auto& c : checked_columns()) {
    INFO(c.table);
    for (const char* v : c.valid)
      CHECK(inserts(db, c.insert, v));
    // Wrong case, padding, a neighbour's value, empty: all refused, as before.
    for (const char* bad : {"PENDING", "edit ", " committed", "done", "merged", "lint", ""})
      CHECK_FALSE(inserts(db, c.insert, bad));
    CHECK(count_rows(db, c.table) == std::int64_t(c.valid.size()));
    db.sql().exec(std::string("DELETE FROM ") + c.table);
  }
}

// Rolls back one step at a time down to version v.
bool rollback_to(database& db, int v) {
  while (current_version(db).value() > v)
    if (!rollback(db).ok())
      return false;
  return current_version(db).value() == v;
}

int ephemeral_tables(database& db, const std::string& sql) {
  SQLite::Statement s(db.sql(), "EXPLAIN " + sql);
  int n = 0;
  while (s.executeStep())
    n += s.getColumn(1).getString() == "OpenEphemeral";
  return n;
}

} // namespace

TEST_CASE("check lists: the CHECK constraints still reject invalid states after 0003") {
  db_fixture f;
  REQUIRE(current_version(f.db).value() >= 3);
  f.write({a_run()});
  check_constraints(f.db);
  // The same values, the same verdicts, with the 0001 IN lists.
  REQUIRE(rollback_to(f.db, 2));
  check_constraints(f.db);
}

TEST_CASE("check lists: 0003 keeps every row and every value, up and down") {
  db_fixture f;
  f.write({a_run(),
           workstream_state_changed{"run-1", "ws-a", "running", 2, "2026-11-22T10:00:01.000Z",
                                    std::string("why")},
           step_started{"s1", "run-1", "ws-a", "static", 2, "2026-11-22T10:00:02.000Z",
                        std::string("logs/s1.log")},
           step_finished{"s1", "failed", 3, "2026-11-22T10:00:03.000Z", std::string("exit 3")},
           patch_recorded{"p1", "run-1", "ws-a", 2, "diff", "created", "2026-11-22T10:00:04.000Z"},
           patch_status_changed{
               "p1", "committed", "2026-11-22T10:00:05.000Z", std::string("abc123"), {}, {}, {}}});
  REQUIRE(rollback_to(f.db, 3)); // 0003's own tables, without 0004's columns
  auto dump = [&] {
    std::vector<std::string> rows;
    for (const char* t : {"workstreams", "step_attempts", "patch_ledger"}) {
      SQLite::Statement s(f.db.sql(), std::string("SELECT * FROM ") + t);
      while (s.executeStep()) {
        std::string row = t;
        for (int i = 0; i < s.getColumnCount(); ++i)
          row += "|" + std::to_string(s.getColumn(i).getType()) + ":" + s.getColumn(i).getString();
        rows.push_back(row);
      }
    }
    return rows;
  };
  auto before = dump();
  REQUIRE(before.size() == 3);
  REQUIRE(rollback_to(f.db, 2));
  CHECK(dump() == before);
  REQUIRE(migrate(f.db, 3).ok());
  CHECK(dump() == before);
  SQLite::Statement fk(f.db.sql(), "PRAGMA foreign_key_check");
  CHECK_FALSE(fk.executeStep());
}

TEST_CASE("check lists: writes to the rebuilt tables build no ephemeral b-tree") {
  db_fixture f;
  for (const auto& c : checked_columns())
    CHECK(ephemeral_tables(f.db, c.insert) == 0);
  // At version 2 the IN lists did (the regression this guards against).
  REQUIRE(rollback_to(f.db, 2));
  for (const auto& c : checked_columns())
    CHECK(ephemeral_tables(f.db, c.insert) > 0);
}
