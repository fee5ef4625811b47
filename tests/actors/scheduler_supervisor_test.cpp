// The scheduler and the supervisor driven by a fake executor: retries with
// backoff, a breaker that opens and rejects, dependents blocked, a stop that
// cancels through messages. Real actors and a real SQLite file; no process
// is started (the environment counts them).
#include <catch2/catch.hpp>

#include <caf/all.hpp>

#include "actors/persistence_actor.h"
#include "actors/record_rows.h"
#include "actors/scheduler_actor.h"
#include "base/clock.h"
#include "persistence/state_reader.h"
#include "tests/support/caf_config.h"
#include "tests/support/fake_executor.h"
#include "tests/support/test_env.h"

using namespace uet;
using namespace uet::test;

namespace {

struct ws_def {
  std::string id;
  std::string tool;
  int priority = 0;
  std::vector<std::string> deps;
  int max_retries = 0;
};

config::tool_spec tool(const std::string& id, int minimum_calls) {
  config::tool_spec t;
  t.id = id;
  t.argv = {"never-started"};
  t.breaker.minimum_calls = minimum_calls;
  t.breaker.window = minimum_calls;
  t.breaker.failure_rate_threshold = 0.5;
  return t;
}

/// A run of `defs` with one worker (so the order is the priorities').
std::shared_ptr<actors::run_context> context(const temp_dir& dir, const std::vector<ws_def>& defs,
                                             engine::environment& env,
                                             std::shared_ptr<actors::executor> exec) {
  auto ctx = std::make_shared<actors::run_context>();
  ctx->run_id = "run-t";
  ctx->target = {run_target::kind::phase, "phase-all"};
  ctx->tools.tools["flaky"] = tool("flaky", 10);
  ctx->tools.tools["broken"] = tool("broken", 2);
  std::vector<engine::dag_input> nodes;
  for (const auto& d : defs) {
    config::workstream_spec ws;
    ws.id = d.id;
    ws.tool_id = d.tool;
    ws.priority = d.priority;
    ws.dependencies = d.deps;
    ws.resilience.max_retries = d.max_retries;
    ws.resilience.backoff = config::backoff_spec{1, 1.0, 1, 0.0};
    ctx->workstreams.push_back(ws);
    nodes.push_back({d.id, d.deps, 1.0});
  }
  ctx->graph = engine::dag(nodes);
  ctx->state_dir = dir / ".uet";
  ctx->logs_dir = ctx->state_dir / "logs" / ctx->run_id;
  ctx->env = &env;
  ctx->executor = std::move(exec);
  return ctx;
}

struct harness {
  temp_dir dir;
  caf::actor_system sys{caf_config()};
  counting_environment env;
  msg::persistence_actor db;
  msg::ledger_actor ledger = spawn_committing_ledger(sys);

  harness() {
    auto setup = actors::prepare_persistence(env, dir / "state.db", "test");
    REQUIRE(setup);
    setup->first_batch.push_back(
        actors::to_row(msg::run_opened{"run-t",
                                       "p",
                                       {run_target::kind::phase, "phase-all"},
                                       engine_kind::uet,
                                       1,
                                       iso8601_now(),
                                       "{}"}));
    db = actors::spawn_persistence(sys, std::move(*setup));
  }
  ~harness() {
    caf::anon_send_exit(db, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(ledger, caf::exit_reason::user_shutdown);
  }

  msg::scheduler_actor spawn(std::shared_ptr<actors::run_context> ctx) {
    return sys.spawn(actors::scheduler_behavior, std::shared_ptr<const actors::run_context>(ctx),
                     db, ledger);
  }

  msg::run_summary run(const msg::scheduler_actor& scheduler) {
    caf::scoped_actor self{sys};
    msg::run_summary summary;
    self->request(scheduler, caf::infinite, msg::run_atom_v)
        .receive([&](const msg::run_summary& s) { summary = s; },
                 [&](const caf::error& e) { FAIL(caf::to_string(e)); });
    return summary;
  }

  std::vector<persistence::event_row> events() {
    auto ro = persistence::database::open_read_only(dir / "state.db");
    REQUIRE(ro);
    auto ev = persistence::state_reader(*ro).events("run-t", 0, 100000);
    REQUIRE(ev);
    return *ev;
  }
};

std::vector<std::string> of_type(const std::vector<persistence::event_row>& events,
                                 const std::string& type) {
  std::vector<std::string> out;
  for (const auto& e : events)
    if (e.event_type == type)
      out.push_back(e.workstream_id.value_or("") + " " + e.payload_json.value_or(""));
  return out;
}

} // namespace

TEST_CASE("scheduler and supervisor: retries, an open breaker and blocked dependents, no process") {
  harness h;
  auto exec = std::make_shared<fake_executor>(
      std::map<std::string, std::vector<fake_attempt>>{{"f", {{1, ""}, {1, ""}, {0, "F"}}},
                                                       {"e", {{0, "E"}}},
                                                       {"b1", {{1, ""}}},
                                                       {"b2", {{0, "B2"}}},
                                                       {"s", {{0, ""}}},
                                                       {"d", {{0, "D"}}}});
  auto ctx = context(h.dir,
                     {{"f", "flaky", 50, {}, 2},
                      {"e", "flaky", 0, {"f"}, 0},
                      {"b1", "broken", 40, {}, 1},
                      {"b2", "broken", 30, {}, 2},
                      {"s", "flaky", 20, {}, 0},
                      {"d", "flaky", 100, {"b1"}, 0}},
                     h.env, exec);
  auto s = h.run(h.spawn(ctx));
  CHECK(s.state == run_state::failed);
  CHECK(s.committed == 2); // f (third attempt), e
  CHECK(s.quarantined == 2);
  CHECK(s.blocked == 1);
  CHECK(s.skipped == 1);
  CHECK(s.db_error.empty());
  // b2 never reached a tool: the breaker b1 opened refused it.
  CHECK(exec->started() == std::map<std::string, std::vector<int>>{
                               {"f", {1, 2, 3}}, {"b1", {1, 2}}, {"s", {1}}, {"e", {1}}});
  CHECK(h.env.processes == 0);
  auto events = h.events();
  CHECK(of_type(events, "workstream_retry") ==
        std::vector<std::string>{
            R"(f {"attempt":1,"delay_ms":1,"next_attempt":2,"reason":"the tool exit code 1"})",
            R"(f {"attempt":2,"delay_ms":1,"next_attempt":3,"reason":"the tool exit code 1"})",
            R"(b1 {"attempt":1,"delay_ms":1,"next_attempt":2,"reason":"the tool exit code 1"})"});
  CHECK(of_type(events, "breaker_open").size() == 1);
  CHECK(of_type(events, "breaker_rejected") ==
        std::vector<std::string>{R"(b2 {"attempt":1,"tool":"broken"})"});
  auto blocked = of_type(events, "workstream_blocked");
  REQUIRE(blocked.size() == 1);
  CHECK(blocked[0].find("d {\"reason\":\"dependency b1 failed: gave up after 2 attempts") == 0);
  auto quarantined = of_type(events, "workstream_quarantined");
  REQUIRE(quarantined.size() == 2);
  CHECK(quarantined[1].find("circuit breaker for tool 'broken' is open") != std::string::npos);
}

TEST_CASE("scheduler and supervisor: a stop reaches a running attempt's adapter as a message") {
  harness h;
  auto exec = std::make_shared<fake_executor>(std::map<std::string, std::vector<fake_attempt>>{
      {"long", {{0, "L", true}}}, {"after", {{0, "A"}}}});
  auto ctx = context(h.dir, {{"long", "flaky", 0, {}, 2}, {"after", "flaky", 0, {"long"}, 0}},
                     h.env, exec);
  auto scheduler = h.spawn(ctx);
  caf::scoped_actor self{h.sys};
  auto reply = self->request(scheduler, caf::infinite, msg::run_atom_v);
  // The adapter holds the edit until it is cancelled; stop once it has it.
  while (exec->started().empty())
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  self->send(scheduler, msg::stop_atom_v);
  msg::run_summary s;
  std::move(reply).receive([&](const msg::run_summary& r) { s = r; },
                           [&](const caf::error& e) { FAIL(caf::to_string(e)); });
  CHECK(s.state == run_state::interrupted);
  CHECK(s.committed == 0);
  CHECK(s.quarantined == 0); // interrupted is not a failure: no retry, no quarantine
  CHECK(exec->started() == std::map<std::string, std::vector<int>>{{"long", {1}}});
  auto steps = of_type(h.events(), "step_finished");
  REQUIRE(steps.size() == 1);
  CHECK(steps[0].find("\"state\":\"cancelled\"") != std::string::npos);
  CHECK(h.env.processes == 0);
}
