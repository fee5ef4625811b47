// The persistence actor on a real SQLite file with real CAF actors: batched
// writes land, sync means durable, and it is the only writer.
#include <catch2/catch.hpp>

#include <caf/all.hpp>

#include "actors/persistence_actor.h"
#include "base/clock.h"
#include "persistence/state_reader.h"
#include "tests/support/caf_config.h"
#include "tests/support/test_env.h"

using namespace uet;
using namespace uet::test;

TEST_CASE("persistence actor: a burst of events is written, sync replies once durable") {
  temp_dir dir;
  auto db_path = dir / "state.db";
  caf::actor_system sys{test::caf_config()};
  auto setup = actors::prepare_persistence(db_path, "test");
  REQUIRE(setup);
  setup->telemetry_file = dir / "telemetry.jsonl";
  auto p = actors::spawn_persistence(sys, std::move(*setup));
  caf::anon_send(p,
                 persistence::run_started{"r1", "proj", "phase-all", "uet", 2, iso8601_now(), ""});
  for (int i = 0; i < 2000; ++i)
    caf::anon_send(p, persistence::event_appended{"r1", std::string("ws"), "tick", iso8601_now(),
                                                  "{\"i\":" + std::to_string(i) + "}"});
  caf::scoped_actor self{sys};
  std::string err = "no reply";
  self->request(p, caf::infinite, msg::sync_atom_v)
      .receive([&](const std::string& e) { err = e; },
               [&](const caf::error& e) { err = caf::to_string(e); });
  CHECK(err.empty());
  // Read back through a separate read-only connection.
  auto ro = persistence::database::open_read_only(db_path);
  REQUIRE(ro);
  persistence::state_reader reader(*ro);
  auto n = reader.event_count("r1");
  REQUIRE(n);
  CHECK(*n == 2000);
  auto tel = read_text(dir / "telemetry.jsonl");
  CHECK(std::count(tel.begin(), tel.end(), '\n') == 2000);
  self->send_exit(p, caf::exit_reason::user_shutdown);
}

TEST_CASE("persistence actor: a batch of workstream states is written in order with the rest") {
  temp_dir dir;
  caf::actor_system sys{test::caf_config()};
  auto setup = actors::prepare_persistence(dir / "state.db", "test");
  REQUIRE(setup);
  auto p = actors::spawn_persistence(sys, std::move(*setup));
  caf::anon_send(p,
                 persistence::run_started{"r1", "proj", "phase-all", "uet", 2, iso8601_now(), ""});
  msg::workstream_states batch;
  for (int i = 0; i < 1000; ++i)
    batch.changes.push_back({"r1", "ws-" + std::to_string(i), "pending", 0, iso8601_now(), {}});
  batch.changes[7] = {"r1", "ws-7", "committed", 0, iso8601_now(), "committed by an earlier run"};
  caf::anon_send(p, std::move(batch));
  // Single changes after the batch apply after it.
  caf::anon_send(
      p, persistence::workstream_state_changed{"r1", "ws-3", "running", 1, iso8601_now(), {}});
  caf::scoped_actor self{sys};
  std::string err = "no reply";
  self->request(p, caf::infinite, msg::sync_atom_v)
      .receive([&](const std::string& e) { err = e; },
               [&](const caf::error& e) { err = caf::to_string(e); });
  CHECK(err.empty());
  auto ro = persistence::database::open_read_only(dir / "state.db");
  REQUIRE(ro);
  persistence::state_reader reader(*ro);
  auto counts = reader.workstream_counts("r1");
  REQUIRE(counts);
  CHECK(*counts ==
        std::map<std::string, std::int64_t>{{"committed", 1}, {"pending", 998}, {"running", 1}});
  self->send_exit(p, caf::exit_reason::user_shutdown);
}

TEST_CASE("persistence actor: a bad command is reported by sync and costs no other row") {
  temp_dir dir;
  caf::actor_system sys{test::caf_config()};
  auto setup = actors::prepare_persistence(dir / "state.db", "test");
  REQUIRE(setup);
  auto p = actors::spawn_persistence(sys, std::move(*setup));
  caf::anon_send(p,
                 persistence::run_started{"r1", "proj", "phase-all", "uet", 2, iso8601_now(), ""});
  caf::anon_send(p, persistence::event_appended{"r1", std::nullopt, "ok1", iso8601_now(), ""});
  // Unknown patch: the update fails.
  caf::anon_send(p, persistence::patch_status_changed{"nope", "committed", iso8601_now(), {}, {}});
  caf::anon_send(p, persistence::event_appended{"r1", std::nullopt, "ok2", iso8601_now(), ""});
  caf::scoped_actor self{sys};
  std::string err;
  self->request(p, caf::infinite, msg::sync_atom_v)
      .receive([&](const std::string& e) { err = e; }, [&](const caf::error&) {});
  CHECK(err.find("nope") != std::string::npos);
  auto ro = persistence::database::open_read_only(dir / "state.db");
  REQUIRE(ro);
  persistence::state_reader reader(*ro);
  CHECK(*reader.event_count("r1") == 2);
  self->send_exit(p, caf::exit_reason::user_shutdown);
}

TEST_CASE("persistence actor: while it lives, no second writer can open the database") {
  temp_dir dir;
  caf::actor_system sys{test::caf_config()};
  auto setup = actors::prepare_persistence(dir / "state.db", "first writer");
  REQUIRE(setup);
  auto p = actors::spawn_persistence(sys, std::move(*setup));
  auto second = actors::prepare_persistence(dir / "state.db", "second writer");
  REQUIRE_FALSE(second);
  CHECK(second.message().find("first writer") != std::string::npos);
  caf::scoped_actor self{sys};
  self->send_exit(p, caf::exit_reason::user_shutdown);
  self->wait_for(p);
  // Once it is gone, the lock is free again.
  CHECK(actors::prepare_persistence(dir / "state.db", "third writer"));
}
