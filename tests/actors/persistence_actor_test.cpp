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

namespace {

msg::run_opened opened(const std::string& run_id) {
  return {run_id, "proj", run_target{}, engine_kind::uet, 2, iso8601_now(), "{}"};
}

} // namespace

TEST_CASE("persistence actor: a burst of events is written, sync replies once durable") {
  temp_dir dir;
  auto db_path = dir / "state.db";
  caf::actor_system sys{test::caf_config()};
  auto setup = actors::prepare_persistence(engine::environment::real(), db_path, "test");
  REQUIRE(setup);
  setup->telemetry_file = dir / "telemetry.jsonl";
  auto p = actors::spawn_persistence(sys, std::move(*setup));
  caf::anon_send(p, opened("r1"));
  for (int i = 0; i < 2000; ++i)
    caf::anon_send(p, msg::event{"r1", std::string("ws"), iso8601_now(), ev::ws_started{i, "sh"}});
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
  auto setup = actors::prepare_persistence(engine::environment::real(), dir / "state.db", "test");
  REQUIRE(setup);
  auto p = actors::spawn_persistence(sys, std::move(*setup));
  caf::anon_send(p, opened("r1"));
  msg::ws_states_set batch;
  for (int i = 0; i < 1000; ++i)
    batch.changes.push_back(
        {"r1", "ws-" + std::to_string(i), ws_state::pending, 0, iso8601_now(), {}});
  batch.changes[7] = {"r1", "ws-7",        ws_state::committed,
                      0,    iso8601_now(), "committed by an earlier run"};
  caf::anon_send(p, std::move(batch));
  // Single changes after the batch apply after it.
  caf::anon_send(p, msg::ws_state_set{"r1", "ws-3", ws_state::running, 1, iso8601_now(), {}});
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

TEST_CASE(
    "persistence actor: a bad command is reported by every sync after it and costs no other row") {
  temp_dir dir;
  caf::actor_system sys{test::caf_config()};
  auto setup = actors::prepare_persistence(engine::environment::real(), dir / "state.db", "test");
  REQUIRE(setup);
  auto p = actors::spawn_persistence(sys, std::move(*setup));
  caf::anon_send(p, opened("r1"));
  caf::anon_send(p, msg::event{"r1", std::nullopt, iso8601_now(), ev::run_interrupted{}});
  // Unknown patches: the updates fail.
  caf::anon_send(
      p, msg::patch_state_set{"nope", patch_state::committed, iso8601_now(), {}, {}, {}, {}});
  caf::anon_send(
      p, msg::patch_state_set{"nope2", patch_state::committed, iso8601_now(), {}, {}, {}, {}});
  caf::anon_send(p, msg::event{"r1", std::nullopt, iso8601_now(), ev::empty_change{}});
  caf::scoped_actor self{sys};
  auto sync = [&] {
    std::string err = "no reply";
    self->request(p, caf::infinite, msg::sync_atom_v)
        .receive([&](const std::string& e) { err = e; }, [&](const caf::error&) {});
    return err;
  };
  auto err = sync();
  CHECK(err.find("nope") != std::string::npos);
  CHECK(err.find("nope2") == std::string::npos); // the first error
  // Sticky: a later sync, with nothing new written, still says so.
  CHECK(sync() == err);
  auto ro = persistence::database::open_read_only(dir / "state.db");
  REQUIRE(ro);
  persistence::state_reader reader(*ro);
  CHECK(*reader.event_count("r1") == 2);
  self->send_exit(p, caf::exit_reason::user_shutdown);
}

TEST_CASE("persistence actor: while it lives, no second writer can open the database") {
  temp_dir dir;
  caf::actor_system sys{test::caf_config()};
  auto setup =
      actors::prepare_persistence(engine::environment::real(), dir / "state.db", "first writer");
  REQUIRE(setup);
  auto p = actors::spawn_persistence(sys, std::move(*setup));
  auto second =
      actors::prepare_persistence(engine::environment::real(), dir / "state.db", "second writer");
  REQUIRE_FALSE(second);
  CHECK(second.message().find("first writer") != std::string::npos);
  caf::scoped_actor self{sys};
  self->send_exit(p, caf::exit_reason::user_shutdown);
  self->wait_for(p);
  // Once it is gone, the lock is free again.
  CHECK(actors::prepare_persistence(engine::environment::real(), dir / "state.db", "third writer"));
}
