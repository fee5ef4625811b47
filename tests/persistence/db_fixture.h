// Helpers for persistence tests: a migrated database in a temp dir, the
// schema as text, and a few ready-made write commands.
#pragma once

#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "persistence/database.h"
#include "persistence/migrations.h"
#include "persistence/state_writer.h"
#include "tests/support/test_env.h"

namespace uet::test {

/// The failure message, or "" (for INFO: message() of a success throws).
template <class T>
std::string why(const expected<T>& e) {
  return e ? "" : e.message();
}

/// Every schema object: "type name: sql", sorted (sqlite_sequence included).
inline std::vector<std::string> schema_of(persistence::database& db) {
  SQLite::Statement s(db.sql(), "SELECT type, name, sql FROM sqlite_master ORDER BY type, name");
  std::vector<std::string> out;
  while (s.executeStep())
    out.push_back(s.getColumn(0).getString() + " " + s.getColumn(1).getString() + ": " +
                  s.getColumn(2).getString());
  return out;
}

inline std::int64_t count_rows(persistence::database& db, const std::string& table) {
  return db.sql().execAndGet("SELECT count(*) FROM " + table).getInt64();
}

/// A fresh database at the latest schema version under a temp dir.
struct db_fixture {
  temp_dir dir{"uet-db"};
  fs::path path = dir / "state.db";
  persistence::database db = open();

  persistence::database open() {
    auto d = persistence::database::open_and_migrate(path);
    INFO(why(d));
    REQUIRE(d.ok());
    return std::move(d).value();
  }

  void write(const std::vector<persistence::write_command>& batch) {
    persistence::state_writer w(db);
    auto s = w.write(batch);
    INFO(why(s));
    REQUIRE(s.ok());
  }
};

inline persistence::run_started a_run(const std::string& id = "run-1") {
  return persistence::run_started{
      id, "demo", "phase-all", "uet", 4, "2026-11-22T10:00:00.000Z", R"({"dry_run":false})"};
}

} // namespace uet::test
