// persistence/state_writer: batches are atomic, and a failure names the
// command that caused it.
#include "persistence/state_reader.h"
#include "tests/persistence/db_fixture.h"

using namespace uet;
using namespace uet::persistence;
using namespace uet::test;

namespace {

const std::string t0 = "2026-11-22T10:00:00.000Z";

event_appended an_event(int i, const std::string& run = "run-1") {
  return event_appended{run, "ws-a", "tick", t0, "{\"i\":" + std::to_string(i) + "}"};
}

std::int64_t rows_in_batch_tables(database& db) {
  std::int64_t n = 0;
  for (const char* t : {"uet_runs", "workstreams", "step_attempts", "run_events", "patch_ledger"})
    n += count_rows(db, t);
  return n;
}

} // namespace

TEST_CASE("state_writer: a batch with a failing command leaves nothing of the batch") {
  db_fixture f;
  state_writer w(f.db);
  auto s = w.write({a_run(), event_appended{"run-1", "ws-a", "started", t0, "{}"},
                    workstream_state_changed{"run-1", "ws-a", "running", 1, t0, {}},
                    patch_recorded{"p1", "run-1", "ws-a", 1, "diff", "created", t0},
                    step_started{"s1", "run-404", "ws-a", "edit", 1, t0, {}}});
  REQUIRE_FALSE(s.ok());
  INFO(why(s));
  CHECK(s.message().find("command 5 (step_started step attempt 's1' of run 'run-404')") !=
        std::string::npos);
  CHECK(s.message().find("FOREIGN KEY constraint failed") != std::string::npos);
  CHECK(s.message().find(f.path.string()) != std::string::npos);
  CHECK(rows_in_batch_tables(f.db) == 0);

  // The writer is usable afterwards: its statements were reset.
  REQUIRE(w.write({a_run(), an_event(1)}).ok());
  CHECK(count_rows(f.db, "run_events") == 1);
}

TEST_CASE("state_writer: a failing event inside a multi-row chunk is named exactly") {
  db_fixture f;
  f.write({a_run()});
  std::vector<write_command> batch;
  for (int i = 0; i < 200; ++i)
    batch.push_back(an_event(i, i == 137 ? "run-404" : "run-1"));
  state_writer w(f.db);
  auto s = w.write(batch);
  REQUIRE_FALSE(s.ok());
  INFO(why(s));
  CHECK(s.message().find("command 138 (event_appended run 'run-404' event 'tick')") !=
        std::string::npos);
  CHECK(count_rows(f.db, "run_events") == 0);

  batch[137] = an_event(137);
  REQUIRE(w.write(batch).ok());
  state_reader r(f.db);
  auto ev = r.events("run-1", 0, 1000);
  REQUIRE(ev.ok());
  REQUIRE(ev->size() == 200);
  for (int i = 0; i < 200; ++i) // in batch order, whatever the chunking
    CHECK(ev->at(i).payload_json == "{\"i\":" + std::to_string(i) + "}");
}

TEST_CASE("state_writer: updating a row that does not exist fails the batch") {
  db_fixture f;
  f.write({a_run()});
  state_writer w(f.db);
  struct named {
    write_command cmd;
    std::string words;
  };
  for (const auto& [cmd, words] :
       {named{run_state_changed{"run-404", "failed", t0, true}, "no such run"},
        named{step_finished{"s-404", "failed", 1, t0, {}}, "no such step attempt"},
        named{patch_status_changed{"p-404", "applied", t0, {}, {}, {}, {}}, "no such patch"}}) {
    auto s = w.write({an_event(1), cmd});
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find(std::string("command 2 (") + kind_name(cmd)) != std::string::npos);
    CHECK(s.message().find(words) != std::string::npos);
    CHECK(count_rows(f.db, "run_events") == 0);
  }
}

TEST_CASE("state_writer: the schema's CHECK constraints reject unknown states") {
  db_fixture f;
  f.write({a_run()});
  state_writer w(f.db);
  auto bad_ws = w.write({workstream_state_changed{"run-1", "ws-a", "done", 1, t0, {}}});
  REQUIRE_FALSE(bad_ws.ok());
  CHECK(bad_ws.message().find("CHECK constraint failed") != std::string::npos);
  // Even through ON CONFLICT DO NOTHING: a bad patch row is an error, not a no-op.
  auto bad_patch = w.write({patch_recorded{"p1", "run-1", "ws-a", 1, "diff", "merged", t0}});
  REQUIRE_FALSE(bad_patch.ok());
  CHECK(bad_patch.message().find("CHECK constraint failed") != std::string::npos);
  auto bad_step = w.write({step_started{"s1", "run-1", "ws-a", "lint", 1, t0, {}}});
  CHECK_FALSE(bad_step.ok());
  CHECK(rows_in_batch_tables(f.db) == 1);
}

TEST_CASE("state_writer: the same patch recorded twice is a no-op") {
  db_fixture f;
  f.write({a_run(), patch_recorded{"p1", "run-1", "ws-a", 1, "first", "created", t0},
           patch_status_changed{"p1", "validated", t0, {}, {}, {}, {}}});
  f.write({patch_recorded{"p1", "run-1", "ws-a", 2, "second", "created", t0}});
  state_reader r(f.db);
  auto p = r.patch("p1");
  REQUIRE(p.ok());
  REQUIRE(p->has_value());
  CHECK((*p)->content == "first");
  CHECK((*p)->status == "validated");
  CHECK((*p)->attempt == 1);
}

TEST_CASE("state_writer: an empty batch writes nothing and succeeds") {
  db_fixture f;
  state_writer w(f.db);
  CHECK(w.write({}).ok());
}

TEST_CASE("state_writer: an unmigrated database fails as a value") {
  temp_dir dir;
  auto d = database::open_read_write(dir / "state.db");
  REQUIRE(d.ok());
  state_writer w(*d);
  auto s = w.write({a_run()});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("is the schema migrated?") != std::string::npos);
}
