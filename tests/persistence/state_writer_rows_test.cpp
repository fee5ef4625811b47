// persistence/state_writer: runs of workstream state changes go through
// multi-row upserts; the rows must be exactly those one-row statements
// leave, and a failure must still name its command.
#include <SQLiteCpp/Statement.h>

#include "tests/persistence/db_fixture.h"

using namespace uet;
using namespace uet::persistence;
using namespace uet::test;

namespace {

std::string at(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2026-11-22T10:%02d:%02d.000Z", i / 60 % 60, i % 60);
  return buf;
}

std::vector<std::string> workstream_rows(database& db) {
  SQLite::Statement s(db.sql(), "SELECT * FROM workstreams ORDER BY run_id, workstream_id");
  std::vector<std::string> rows;
  while (s.executeStep()) {
    std::string row;
    for (int i = 0; i < s.getColumnCount(); ++i)
      row += (s.getColumn(i).isNull() ? "NULL" : s.getColumn(i).getString()) + "|";
    rows.push_back(row);
  }
  return rows;
}

// 300 changes over 40 workstreams, each one moving through the states a run
// uses, often several times within one 64-row chunk (so a later row of a
// statement updates what an earlier row of the same statement inserted).
std::vector<write_command> changes() {
  const char* const states[] = {"pending", "ready",   "running", "ready",
                                "running", "skipped", "blocked", "committed"};
  std::vector<write_command> out;
  std::vector<int> step(40, 0);
  for (int i = 0; i < 300; ++i) {
    int ws = (i * 7) % 40;
    int k = step[ws]++ % 8;
    std::optional<std::string> reason;
    if (k % 3 == 1)
      reason = "because " + std::to_string(i);
    out.push_back(workstream_state_changed{"run-1", "ws-" + std::to_string(ws), states[k], k / 2,
                                           at(i), reason});
  }
  return out;
}

} // namespace

TEST_CASE("state_writer: a run of workstream changes leaves the rows one-row upserts leave") {
  db_fixture batched, single;
  batched.write({a_run()});
  single.write({a_run()});
  auto all = changes();
  batched.write(all);
  for (const auto& c : all)
    single.write({c});
  auto rows = workstream_rows(batched.db);
  CHECK(rows.size() == 40);
  CHECK(rows == workstream_rows(single.db));
}

TEST_CASE("state_writer: a failing workstream change inside a multi-row chunk is named exactly") {
  db_fixture f;
  f.write({a_run()});
  auto all = changes();
  std::get<workstream_state_changed>(all[137]).state = "done"; // CHECK fails
  state_writer w(f.db);
  auto s = w.write(all);
  REQUIRE_FALSE(s.ok());
  INFO(why(s));
  const auto& bad = std::get<workstream_state_changed>(all[137]);
  CHECK(s.message().find("command 138 (workstream_state_changed run 'run-1' workstream '" +
                         bad.workstream_id + "')") != std::string::npos);
  CHECK(s.message().find("CHECK constraint failed") != std::string::npos);
  CHECK(count_rows(f.db, "workstreams") == 0);

  std::get<workstream_state_changed>(all[137]).state = "ready";
  REQUIRE(w.write(all).ok());
  CHECK(count_rows(f.db, "workstreams") == 40);
}

TEST_CASE("state_writer: runs of events and workstream changes interleave in batch order") {
  db_fixture f;
  std::vector<write_command> batch{a_run()};
  for (int i = 0; i < 100; ++i) {
    auto ws = "ws-" + std::to_string(i % 10);
    batch.push_back(
        workstream_state_changed{"run-1", ws, i < 50 ? "running" : "skipped", 1, at(i), {}});
    if (i % 3 == 0)
      batch.push_back(event_appended{"run-1", ws, "tick", at(i), "{}"});
  }
  f.write(batch);
  CHECK(count_rows(f.db, "run_events") == 34);
  auto rows = workstream_rows(f.db);
  REQUIRE(rows.size() == 10);
  // ws-0: running at 0..40, skipped from 50 (last at 90): started once, finished last.
  CHECK(rows[0] == "run-1|ws-0|skipped|1|" + at(0) + "|" + at(90) + "|NULL|" + at(90) + "|");
}
