// persistence/migrations: forward, rollback, the embedded copies, and the
// same files run by the real sqlite3 shell.
#include <algorithm>

#include "engine/subprocess.h"
#include "tests/persistence/db_fixture.h"

using namespace uet;
using namespace uet::persistence;
using namespace uet::test;

namespace {

database open_rw(const fs::path& path) {
  auto d = database::open_read_write(path);
  INFO(why(d));
  REQUIRE(d.ok());
  return std::move(d).value();
}

int version(database& db) {
  auto v = current_version(db);
  INFO(why(v));
  REQUIRE(v.ok());
  return *v;
}

// Runs sql in the sqlite3 shell on file, in one transaction, stopping at the
// first error, as docs/operator-guide.md tells operators to.
void shell(const fs::path& file, const std::string& sql) {
  engine::process_request r;
  r.argv = {"sqlite3", "-bail", file.string()};
  r.stdin_data = "PRAGMA foreign_keys=ON;\nBEGIN;\n" + sql + "\nCOMMIT;\n";
  r.timeout = std::chrono::seconds(30);
  auto res = engine::run_process(r);
  INFO("sqlite3: " << res.describe() << "\n" << res.output);
  REQUIRE(res.ok());
}

} // namespace

TEST_CASE("migrations: the embedded list is versions 1..N, equal to the .sql files") {
  const auto& all = known_migrations();
  REQUIRE(all.size() >= 2);
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i].version == int(i + 1));
    auto dir = source_dir() / "persistence" / "migrations";
    CHECK(all[i].up == read_text(dir / (all[i].file_stem() + ".up.sql")));
    CHECK(all[i].down == read_text(dir / (all[i].file_stem() + ".down.sql")));
  }
  CHECK(all[0].file_stem() == "0001_initial");
  CHECK(latest_version() == int(all.size()));
}

TEST_CASE("migrations: an empty database migrates to the latest version") {
  temp_dir dir;
  auto db = open_rw(dir / "state.db");
  CHECK(version(db) == 0);
  auto m = migrate(db);
  REQUIRE(m.ok());
  CHECK(m->from == 0);
  CHECK(m->to == latest_version());
  CHECK(version(db) == latest_version());
  for (const char* t : {"uet_runs", "workstreams", "step_attempts", "run_events", "patch_ledger",
                        "schema_migrations"})
    CHECK(db.sql().tableExists(t));
  CHECK(count_rows(db, "schema_migrations") == latest_version());
  auto applied = db.sql().execAndGet("SELECT applied_at FROM schema_migrations").getString();
  CHECK(applied.size() == 24); // 2026-11-22T10:15:30.123Z
  CHECK(applied.back() == 'Z');

  auto again = migrate(db);
  REQUIRE(again.ok());
  CHECK(again->from == again->to);
}

TEST_CASE("migrations: rollback and migrate round-trip the schema and keep the rows") {
  db_fixture f;
  auto before = schema_of(f.db);
  f.write(
      {a_run(), event_appended{"run-1", "ws-a", "started", "2026-11-22T10:00:01.000Z", "{}"},
       patch_recorded{"p1", "run-1", "ws-a", 1, "diff", "created", "2026-11-22T10:00:02.000Z"},
       step_started{"s1", "run-1", "ws-a", "edit", 1, "2026-11-22T10:00:03.000Z", {}},
       workstream_state_changed{"run-1", "ws-a", "running", 1, "2026-11-22T10:00:04.000Z", {}}});
  const char* const tables[] = {"uet_runs", "run_events", "patch_ledger", "step_attempts",
                                "workstreams"};

  // One step down at a time; the rows stay until 0001 itself goes.
  for (int v = latest_version(); v > 1; --v) {
    auto r = rollback(f.db);
    REQUIRE(r.ok());
    CHECK(r->from == v);
    CHECK(r->to == v - 1);
    CHECK(version(f.db) == v - 1);
    for (const char* t : tables)
      CHECK(count_rows(f.db, t) == 1);
  }
  auto at_one = schema_of(f.db);
  CHECK(std::none_of(at_one.begin(), at_one.end(), [](const std::string& s) {
    return s.rfind("index ", 0) == 0 && s.find("sqlite_autoindex") == std::string::npos;
  }));

  REQUIRE(migrate(f.db).ok());
  CHECK(schema_of(f.db) == before);
  for (const char* t : tables)
    CHECK(count_rows(f.db, t) == 1);

  // All the way down and back up: the tables go (with their rows) and return.
  while (version(f.db) > 0)
    REQUIRE(rollback(f.db).ok());
  CHECK_FALSE(f.db.sql().tableExists("uet_runs"));
  auto none = rollback(f.db);
  REQUIRE(none.ok());
  CHECK(none->from == 0);
  CHECK(none->to == 0);
  REQUIRE(migrate(f.db).ok());
  CHECK(schema_of(f.db) == before);
}

TEST_CASE("migrations: each rollback leaves the schema a fresh database has at that version") {
  db_fixture f;
  // Down to version 1: below it only sqlite_sequence is left, which SQLite
  // never drops.
  for (int v = latest_version(); v > 1; --v) {
    REQUIRE(rollback(f.db).ok());
    temp_dir dir;
    auto fresh = open_rw(dir / "state.db");
    REQUIRE(migrate(fresh, v - 1).ok());
    INFO("after rolling back version " << v);
    CHECK(schema_of(f.db) == schema_of(fresh));
  }
}

TEST_CASE("migrations: the .sql files in the sqlite3 shell build the binary's schema") {
  temp_dir dir;
  auto shell_db = dir / "shell.db";
  auto sql_dir = source_dir() / "persistence" / "migrations";
  const auto& all = known_migrations();
  for (const auto& m : all)
    shell(shell_db, read_text(sql_dir / (m.file_stem() + ".up.sql")));

  db_fixture f;
  {
    auto s = open_rw(shell_db);
    CHECK(schema_of(s) == schema_of(f.db));
    CHECK(version(s) == latest_version());
  }
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    shell(shell_db, read_text(sql_dir / (it->file_stem() + ".down.sql")));
    REQUIRE(rollback(f.db).ok());
    auto s = open_rw(shell_db);
    CHECK(schema_of(s) == schema_of(f.db));
    CHECK(version(s) == it->version - 1);
  }
}

TEST_CASE("migrations: a failing migration leaves the previous version intact") {
  temp_dir dir;
  auto db = open_rw(dir / "state.db");
  REQUIRE(migrate(db, 1).ok());
  // Something already holds a name 0002 needs.
  db.sql().exec("CREATE INDEX patch_ledger_by_workstream ON patch_ledger (workstream_id)");
  auto before = schema_of(db);
  auto m = migrate(db);
  REQUIRE_FALSE(m.ok());
  CHECK(m.message().find("0002_indexes.up.sql") != std::string::npos);
  CHECK(m.message().find("already exists") != std::string::npos);
  CHECK(m.message().find((dir / "state.db").string()) != std::string::npos);
  CHECK(version(db) == 1);
  CHECK(schema_of(db) == before); // run_events_by_run, created first, is gone again
}

TEST_CASE("migrations: a database newer than the binary is refused") {
  db_fixture f;
  f.db.sql().exec("INSERT INTO schema_migrations VALUES (99, '2030-01-01T00:00:00.000Z')");
  auto m = migrate(f.db);
  REQUIRE_FALSE(m.ok());
  CHECK(m.message().find("schema version 99 is newer") != std::string::npos);
  CHECK_FALSE(rollback(f.db).ok());
  CHECK_FALSE(migrate(f.db, 1).ok());
}

TEST_CASE("migrations: 0006 down and up keeps a rolled_back patch's row, as quarantined") {
  db_fixture f;
  f.write(
      {a_run(),
       patch_recorded{"p1", "run-1", "ws-a", 1, "diff", "created", "2026-11-22T10:00:02.000Z"},
       patch_recorded{"p2", "run-1", "ws-b", 1, "diff", "created", "2026-11-22T10:00:02.000Z"}});
  f.db.sql().exec("UPDATE patch_ledger SET status = 'rolled_back' WHERE patch_id = 'p1'");
  f.db.sql().exec("UPDATE patch_ledger SET status = 'committed', commit_sha = 'abc' WHERE "
                  "patch_id = 'p2'");
  REQUIRE(latest_version() == 7);
  REQUIRE(rollback(f.db).ok()); // 0007 first
  auto r = rollback(f.db);
  REQUIRE(r.ok());
  CHECK(r->to == 5);
  auto status = [&](const char* id) {
    SQLite::Statement q(f.db.sql(),
                        "SELECT status || '|' || coalesce(error_message, '') || '|' || "
                        "coalesce(commit_sha, '') FROM patch_ledger WHERE patch_id = ?1");
    q.bind(1, id);
    REQUIRE(q.executeStep());
    return q.getColumn(0).getString();
  };
  CHECK(status("p1") == "quarantined|rolled back|");
  CHECK(status("p2") == "committed||abc");
  REQUIRE(migrate(f.db).ok());
  CHECK(count_rows(f.db, "patch_ledger") == 2);
  CHECK(status("p2") == "committed||abc");
  CHECK_THROWS(f.db.sql().exec("UPDATE patch_ledger SET status = 'bogus' WHERE patch_id = 'p2'"));
  f.db.sql().exec("UPDATE patch_ledger SET status = 'rolled_back' WHERE patch_id = 'p2'");
  CHECK(status("p2") == "rolled_back||abc");
}

TEST_CASE("migrations: 0007 records the node a step ran on, down and up keep the step rows") {
  db_fixture f;
  f.write(
      {a_run(),
       step_started{"s1", "run-1", "ws-a", "edit", 1, "2026-11-22T10:00:02.000Z", std::nullopt,
                    std::string("node-b")},
       step_started{"s2", "run-1", "ws-b", "edit", 1, "2026-11-22T10:00:02.000Z", std::nullopt}});
  auto node = [&](const char* id) {
    SQLite::Statement q(f.db.sql(), "SELECT coalesce(node, '(local)') FROM step_attempts WHERE "
                                    "step_attempt_id = ?1");
    q.bind(1, id);
    REQUIRE(q.executeStep());
    return q.getColumn(0).getString();
  };
  CHECK(node("s1") == "node-b");
  CHECK(node("s2") == "(local)");
  auto r = rollback(f.db);
  REQUIRE(r.ok());
  CHECK(r->to == 6);
  CHECK(count_rows(f.db, "step_attempts") == 2);
  REQUIRE(migrate(f.db).ok());
  CHECK(node("s1") == "(local)"); // forgotten on the way down, as the file says
}
