// persistence/state_reader: what the writer wrote comes back typed, on a
// read-only connection.
#include "persistence/state_reader.h"
#include "tests/persistence/db_fixture.h"

using namespace uet;
using namespace uet::persistence;
using namespace uet::test;

namespace {

std::string at(int second) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2026-11-22T10:00:%02d.000Z", second);
  return buf;
}

template <class T>
T ok(expected<T> e) {
  INFO(why(e));
  REQUIRE(e.ok());
  return std::move(e).value();
}

} // namespace

TEST_CASE("state_reader: runs, latest run and run state changes") {
  db_fixture f;
  auto second = a_run("run-2");
  second.started_at = at(30);
  f.write({a_run("run-1"), second, run_state_changed{"run-1", "succeeded", at(20), true},
           run_state_changed{"run-2", "interrupted", at(40), true}});
  f.write({run_state_changed{"run-2", "running", at(50), false}}); // resumed
  auto ro = ok(database::open_read_only(f.path));
  state_reader r(ro);
  auto runs = ok(r.runs());
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].run_id == "run-1");
  CHECK(runs[0].state == "succeeded");
  CHECK(runs[0].finished_at == at(20));
  CHECK(runs[0].options_json == R"({"dry_run":false})");
  CHECK(runs[0].max_workers == 4);
  auto latest = ok(r.latest_run());
  REQUIRE(latest);
  CHECK(latest->run_id == "run-2");
  CHECK(latest->state == "running");
  CHECK_FALSE(latest->finished_at); // a resumed run is not finished
  CHECK(ok(r.run("run-1"))->engine == "uet");
  CHECK_FALSE(ok(r.run("nope")));
}

TEST_CASE("state_reader: workstream upserts keep started_at and set finished_at on final states") {
  db_fixture f;
  f.write({a_run(), workstream_state_changed{"run-1", "ws-a", "ready", 0, at(1), {}},
           workstream_state_changed{"run-1", "ws-a", "running", 1, at(2), {}},
           workstream_state_changed{"run-1", "ws-a", "ready", 1, at(3), "retry after timeout"},
           workstream_state_changed{"run-1", "ws-a", "running", 2, at(4), {}},
           workstream_state_changed{"run-1", "ws-b", "blocked", 0, at(5), "ws-a quarantined"}});
  state_reader r(f.db);
  {
    auto ws = ok(r.workstreams("run-1"));
    REQUIRE(ws.size() == 2);
    CHECK(ws[0].workstream_id == "ws-a");
    CHECK(ws[0].state == "running");
    CHECK(ws[0].attempts == 2);
    CHECK(ws[0].started_at == at(2)); // the first time it ran
    CHECK_FALSE(ws[0].finished_at);
    CHECK_FALSE(ws[0].reason); // replaced: it explained the earlier state
    CHECK(ws[0].updated_at == at(4));
    CHECK(ws[1].state == "blocked");
    CHECK_FALSE(ws[1].started_at);
    CHECK(ws[1].finished_at == at(5));
    CHECK(ws[1].reason == "ws-a quarantined");
  }
  f.write({workstream_state_changed{"run-1", "ws-a", "quarantined", 2, at(6), "tests failed"}});
  auto ws = ok(r.workstreams("run-1"));
  CHECK(ws[0].finished_at == at(6));
  CHECK(ws[0].reason == "tests failed");
  auto counts = ok(r.workstream_counts("run-1"));
  CHECK(counts == std::map<std::string, std::int64_t>{{"blocked", 1}, {"quarantined", 1}});
  CHECK(ok(r.workstreams("run-2")).empty());
}

TEST_CASE("state_reader: step attempts, all or one workstream's") {
  db_fixture f;
  f.write({a_run(), step_started{"s1", "run-1", "ws-a", "edit", 1, at(1), "logs/s1.log"},
           step_started{"s2", "run-1", "ws-b", "edit", 1, at(2), {}},
           step_finished{"s1", "succeeded", 0, at(3), {}},
           step_finished{"s2", "timed_out", {}, at(4), "killed after 5s"}});
  state_reader r(f.db);
  auto all = ok(r.step_attempts("run-1"));
  REQUIRE(all.size() == 2);
  CHECK(all[0].step_attempt_id == "s1");
  CHECK(all[0].state == "succeeded");
  CHECK(all[0].exit_code == std::int64_t(0));
  CHECK(all[0].log_path == "logs/s1.log");
  CHECK(all[0].finished_at == at(3));
  CHECK_FALSE(all[1].exit_code);
  CHECK(all[1].error == "killed after 5s");
  auto b = ok(r.step_attempts("run-1", std::string("ws-b")));
  REQUIRE(b.size() == 1);
  CHECK(b[0].step_attempt_id == "s2");
}

TEST_CASE("state_reader: step durations average succeeded attempts over the latest runs") {
  db_fixture f;
  auto old_run = a_run("run-0");
  old_run.started_at = at(0);
  auto run1 = a_run("run-1");
  run1.started_at = at(10);
  auto run2 = a_run("run-2");
  run2.started_at = at(20);
  f.write({old_run, run1, run2,
           // run-0 (too old when only the last two runs count): 50 s.
           step_started{"o1", "run-0", "ws-a", "edit", 1, at(0), {}},
           step_finished{"o1", "succeeded", 0, at(50), {}},
           // run-1: ws-a edit 2 s + static 1 s in attempt 1.
           step_started{"a1", "run-1", "ws-a", "edit", 1, at(11), {}},
           step_finished{"a1", "succeeded", 0, at(13), {}},
           step_started{"a2", "run-1", "ws-a", "static", 1, at(13), {}},
           step_finished{"a2", "succeeded", 0, at(14), {}},
           // run-2: ws-a 5 s; a failed attempt of ws-b does not count.
           step_started{"b1", "run-2", "ws-a", "edit", 1, at(21), {}},
           step_finished{"b1", "succeeded", 0, at(26), {}},
           step_started{"b2", "run-2", "ws-b", "edit", 1, at(21), {}},
           step_finished{"b2", "failed", 1, at(29), "exit 1"},
           step_started{"b3", "run-2", "ws-b", "edit", 2, at(30), {}},
           step_finished{"b3", "succeeded", 0, at(30), {}}});
  state_reader r(f.db);
  auto d = ok(r.step_durations(2));
  REQUIRE(d.size() == 2);
  CHECK(d["ws-a"] == Approx(4000.0)); // (3 s + 5 s) / 2 attempts
  CHECK(d["ws-b"] == Approx(0.0));    // only the succeeded attempt, 0 ms
  CHECK(ok(r.step_durations(3))["ws-a"] == Approx(58000.0 / 3));
}

TEST_CASE("state_reader: events page by id") {
  db_fixture f;
  std::vector<write_command> batch{a_run()};
  for (int i = 0; i < 25; ++i)
    batch.push_back(event_appended{"run-1",
                                   i % 2 ? std::optional<std::string>("ws-a") : std::nullopt,
                                   "tick", at(i), i == 0 ? "" : "{}"});
  f.write(batch);
  state_reader r(f.db);
  CHECK(ok(r.event_count("run-1")) == 25);
  auto page1 = ok(r.events("run-1", 0, 10));
  REQUIRE(page1.size() == 10);
  CHECK_FALSE(page1[0].workstream_id);
  CHECK_FALSE(page1[0].payload_json); // empty payload is stored as NULL
  CHECK(page1[1].workstream_id == "ws-a");
  auto page3 = ok(r.events("run-1", ok(r.events("run-1", page1.back().id, 10)).back().id, 10));
  REQUIRE(page3.size() == 5);
  CHECK(page3.back().timestamp == at(24));
  CHECK(ok(r.events("run-2")).empty());
}

TEST_CASE("state_reader: patches with their timestamps, filtered by status and run") {
  db_fixture f;
  f.write({a_run("run-1"), a_run("run-2"),
           patch_recorded{"p1", "run-1", "ws-a", 1, "diff-1", "created", at(1)},
           patch_recorded{"p2", "run-1", "ws-b", 1, "diff-2", "created", at(2)},
           patch_recorded{"p3", "run-2", "ws-a", 2, "diff-3", "created", at(3)}});
  f.write({patch_status_changed{"p1", "applied", at(4), {}, {}, {}, {}},
           patch_status_changed{"p1", "verified", at(5), {}, {}, "run-1.ws-a.runtime.1", "t1"},
           patch_status_changed{"p1", "committed", at(6), "abc123", {}, {}, {}},
           patch_status_changed{"p2", "quarantined", at(7), {}, "outside allowed_paths", {}, {}}});
  state_reader r(f.db);
  auto p1 = ok(r.patch("p1"));
  REQUIRE(p1);
  CHECK(p1->content == "diff-1");
  CHECK(p1->status == "committed");
  CHECK(p1->applied_at == at(4));
  CHECK(p1->verified_at == at(5));
  CHECK(p1->committed_at == at(6));
  CHECK(p1->commit_sha == "abc123");
  CHECK_FALSE(p1->error_message);
  CHECK(p1->verified_by == "run-1.ws-a.runtime.1");
  CHECK(p1->verified_tree == "t1");

  auto all = ok(r.patches());
  REQUIRE(all.size() == 3);
  CHECK(all[0].patch_id == "p1");
  CHECK(all[0].content.empty()); // listings leave diffs out
  CHECK(all[1].error_message == "outside allowed_paths");
  CHECK_FALSE(all[1].applied_at);
  patch_filter q;
  q.status = "quarantined";
  CHECK(ok(r.patches(q)).size() == 1);
  q.status.reset();
  q.run_id = "run-2";
  q.with_content = true;
  auto run2 = ok(r.patches(q));
  REQUIRE(run2.size() == 1);
  CHECK(run2[0].content == "diff-3");
  CHECK(run2[0].attempt == 2);
  CHECK(ok(r.patch_counts()) ==
        std::map<std::string, std::int64_t>{{"committed", 1}, {"created", 1}, {"quarantined", 1}});
  CHECK(ok(r.patch_counts(std::string("run-2"))) ==
        std::map<std::string, std::int64_t>{{"created", 1}});
  CHECK_FALSE(ok(r.patch("p9")));
}

TEST_CASE("state_reader: a patch kept as a file has its path and blob id, no content") {
  db_fixture f;
  patch_recorded big{"p9", "run-1", "ws-a", 1, "", "created", at(1)};
  big.content_file = "/ledger/patches/p9.diff";
  big.content_hash = "0123456789abcdef0123456789abcdef01234567";
  f.write(
      {a_run("run-1"), big, patch_recorded{"p8", "run-1", "ws-b", 1, "small", "created", at(2)}});
  state_reader r(f.db);
  auto p9 = ok(r.patch("p9"));
  REQUIRE(p9);
  CHECK(p9->content.empty());
  CHECK(p9->content_file == "/ledger/patches/p9.diff");
  CHECK(p9->content_hash == big.content_hash);
  auto p8 = ok(r.patch("p8"));
  REQUIRE(p8);
  CHECK(p8->content == "small");
  CHECK_FALSE(p8->content_file);
  CHECK_FALSE(p8->content_hash);
}
