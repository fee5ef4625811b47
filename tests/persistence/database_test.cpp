// persistence/database: the PRAGMAs of the one writer, and read-only
// connections that cannot write.
#include "tests/persistence/db_fixture.h"

using namespace uet;
using namespace uet::persistence;
using namespace uet::test;

TEST_CASE("database: a read-write connection is WAL, NORMAL, with foreign keys and a timeout") {
  temp_dir dir;
  auto path = dir / "deep" / "er" / "state.db";
  auto d = database::open_read_write(path);
  INFO(why(d));
  REQUIRE(d.ok());
  CHECK(fs::exists(path));
  auto& db = d->sql();
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(db.execAndGet("PRAGMA synchronous").getInt() == 1); // NORMAL
  CHECK(db.execAndGet("PRAGMA foreign_keys").getInt() == 1);
  CHECK(db.execAndGet("PRAGMA busy_timeout").getInt() == 5000);
  CHECK_FALSE(d->read_only());
}

TEST_CASE("database: a read-only connection refuses every write") {
  db_fixture f;
  f.write({a_run()});
  auto ro = database::open_read_only(f.path);
  INFO(why(ro));
  REQUIRE(ro.ok());
  CHECK(ro->read_only());
  CHECK(ro->sql().execAndGet("PRAGMA query_only").getInt() == 1);
  CHECK(count_rows(*ro, "uet_runs") == 1);
  CHECK_THROWS(ro->sql().exec("INSERT INTO uet_runs (run_id, project_id, phase_id, engine,"
                              " max_workers, started_at) VALUES ('x', 'p', 'ph', 'uet', 1, 't')"));
  CHECK_THROWS(ro->sql().exec("DELETE FROM uet_runs"));
  CHECK_THROWS(ro->sql().exec("CREATE TABLE t (x)"));
  CHECK_THROWS(ro->sql().exec("CREATE TEMP TABLE t (x)")); // query_only guards temp too
  CHECK(count_rows(f.db, "uet_runs") == 1);

  // The writer API on a reader fails as a value naming the file.
  state_writer w(*ro);
  auto s = w.write({a_run("run-2")});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find(f.path.string()) != std::string::npos);
  CHECK_FALSE(rollback(*ro).ok());
  CHECK(count_rows(f.db, "uet_runs") == 1);
}

TEST_CASE("database: a read-only open of a missing file fails and creates nothing") {
  temp_dir dir;
  auto path = dir / "nope" / "state.db";
  auto ro = database::open_read_only(path);
  REQUIRE_FALSE(ro.ok());
  CHECK(ro.message().find(path.string()) != std::string::npos);
  CHECK(ro.message().find("no such file") != std::string::npos);
  CHECK_FALSE(fs::exists(path));
  CHECK_FALSE(fs::exists(path.parent_path()));
}

TEST_CASE("database: a file that is not a database fails on open, naming the file") {
  temp_dir dir;
  auto path = dir / "state.db";
  write_file(path, std::string(4096, 'x'));
  auto refused = [&](const expected<database>& d) {
    REQUIRE_FALSE(d.ok());
    CHECK(d.message().find(path.string()) != std::string::npos);
    CHECK(d.message().find("not a database") != std::string::npos);
  };
  refused(database::open_read_only(path));
  refused(database::open_read_write(path));
  refused(database::open_and_migrate(path));
}

TEST_CASE("database: open_and_migrate brings a new file to the latest version") {
  temp_dir dir;
  auto d = database::open_and_migrate(dir / "state.db");
  REQUIRE(d.ok());
  auto v = current_version(*d);
  REQUIRE(v.ok());
  CHECK(*v == latest_version());
}
