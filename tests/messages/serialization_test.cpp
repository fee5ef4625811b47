// Every message type crosses the network unchanged (a later issue sends them
// to remote nodes): binary round trip through CAF's serializer.
#include <catch2/catch.hpp>

#include <caf/all.hpp>

#include "messages/interfaces.h"
#include "tests/support/caf_config.h"

using namespace uet;

namespace {

template <class T>
T round_trip(caf::actor_system& sys, T x) {
  std::vector<char> buf;
  caf::binary_serializer out{sys, buf};
  REQUIRE_FALSE(out(x));
  T y;
  caf::binary_deserializer in{sys, buf};
  REQUIRE_FALSE(in(y));
  // The stringification inspector sees every field: equal strings, equal values.
  CHECK(caf::deep_to_string(x) == caf::deep_to_string(y));
  return y;
}

} // namespace

TEST_CASE("messages: every message struct survives a binary round trip") {
  caf::actor_system sys{test::caf_config()};
  msg::edit_request e;
  e.run_id = "run-1";
  e.argv = {"sh", "-c", "a $(b)\n'c'"};
  e.env = {{"WT_ID", "ws"}};
  e.timeout_ms = 1234;
  e.sandbox = {uet::sandbox_mode::required, {"~/.cache/aider"}};
  auto e2 = round_trip(sys, e);
  CHECK(e2.sandbox == e.sandbox);
  CHECK(e2.argv == e.argv);
  CHECK(e2.env == e.env);
  round_trip(sys,
             msg::edit_result{true, true, 0, 0, false, false, 12, "exit code 0", "", "diff", "no"});
  auto checks = round_trip(
      sys, msg::check_request{
               step_kind::static_checks, {"make"}, {{"A", "b"}}, 5, "log", "abc123", true});
  CHECK(checks.commit == "abc123");
  CHECK(checks.check_out);
  round_trip(sys, msg::check_result{false, 2, "make", "'make' exit code 2"});
  msg::patch_request pr;
  pr.diff = std::string("binary\0bytes", 12);
  pr.allowed_paths = {"src/**"};
  CHECK(round_trip(sys, pr).diff == pr.diff);
  msg::patch_news news{"p", gate_news_kind::conflict, "", "base", 2, false, "conflict", {"a.txt:3"},
                       0};
  CHECK(round_trip(sys, news).details == news.details);
  news.kind = gate_news_kind::committed;
  news.head_seq = 41;
  CHECK(round_trip(sys, news).head_seq == 41);
  round_trip(sys, msg::patch_tested{"p", 3, false, "boom", "make", "r.w.runtime.1.t3"});
  round_trip(sys, msg::patch_news_batch{{news, news}});
  round_trip(sys, msg::ws_job{7, "ws-7"});
  CHECK(round_trip(sys, msg::attempt_outcome{1, attempt_result::failed, "why", "", 0, true, true,
                                             false, "a.txt:3", "base"})
            .retry_base == "base");
  CHECK(round_trip(sys, msg::attempt_outcome{1, attempt_result::committed, "", "abc", 9, false,
                                             true, true, "", ""})
            .head_seq == 9);
  CHECK(round_trip(sys, msg::ws_done{1, "ws", ws_end::quarantined, "why", 3, ""}).end ==
        ws_end::quarantined);
  round_trip(sys, msg::run_summary{
                      "run", run_state::failed, 1, 2, 3, 4, 10, 99, {"x: blocked"}, "", "db full"});
  msg::patch_request resumed;
  resumed.resume_from = patch_state::verified;
  CHECK(round_trip(sys, resumed).resume_from == patch_state::verified);
  CHECK(round_trip(sys, msg::node_hello{"n1", 3, {"aider", "sh"}, "v", true}).tools.size() == 2);
  msg::node_edit_request ne{"session-1",       "run-1", "ws",       2,   "sh",
                            "echo 'x' > $(y)", "abc",   {"src/**"}, 5000};
  CHECK(round_trip(sys, ne).prompt == ne.prompt);
}

TEST_CASE("messages: records for the database keep optional fields, set or not") {
  caf::actor_system sys{test::caf_config()};
  msg::step_ended a{"r", "w",   step_kind::runtime, 2, step_state::failed, std::int64_t{3},
                    "t", "boom"};
  auto a2 = round_trip(sys, a);
  REQUIRE(a2.exit_code);
  CHECK(*a2.exit_code == 3);
  CHECK(a2.step == step_kind::runtime);
  CHECK(a2.state == step_state::failed);
  msg::step_ended b{"r", "w", step_kind::edit, 1, step_state::succeeded, std::nullopt, "t", ""};
  CHECK_FALSE(round_trip(sys, b).exit_code);
  auto target = run_target{run_target::kind::workstream, "ws-a"};
  CHECK(round_trip(sys, msg::run_opened{"r", "p", target, engine_kind::legacy, 4, "t", "{}"})
            .target == target);
  round_trip(sys, msg::run_state_set{"r", run_state::succeeded, "t", true});
  round_trip(sys, msg::step_begun{"r", "w", step_kind::edit, 1, "t", "l"});
  round_trip(sys, msg::patch_created{"p", "r", "w", 1, "diff", "t"});
  round_trip(sys, msg::patch_state_set{"p",
                                       patch_state::committed,
                                       "t",
                                       std::string("abc"),
                                       {},
                                       std::string("r.w.runtime.1"),
                                       std::string("tree")});
  msg::ws_states_set batch;
  batch.changes = {{"r", "w1", ws_state::pending, 0, "t", {}},
                   {"r", "w2", ws_state::committed, 0, "t", "earlier"}};
  auto batch2 = round_trip(sys, batch);
  REQUIRE(batch2.changes.size() == 2);
  CHECK_FALSE(batch2.changes[0].reason);
  CHECK(batch2.changes[1].reason == std::optional<std::string>("earlier"));
  CHECK(round_trip(sys, msg::ws_states_set{}).changes.empty());
}

TEST_CASE("messages: every kind of event survives a binary round trip, its kind included") {
  caf::actor_system sys{test::caf_config()};
  std::vector<ev::body> bodies{
      ev::run_started{"phase-all", 3, 4, engine_kind::legacy, true},
      ev::run_finished{run_state::interrupted, 1, 2, 3, 4, 10, 99},
      ev::run_interrupted{},
      ev::ws_started{2, "sh"},
      ev::ws_finished{ws_end::skipped, 1, "", "nothing"},
      ev::ws_blocked{"dependency a failed"},
      ev::ws_retry{2, 3, 500, "exit code 1"},
      ev::step_finished{step_kind::static_checks, 1, step_state::timed_out, "slow"},
      ev::empty_change{},
      ev::breaker_moved{"sh", breaker_state::closed, breaker_state::open, "3 of 4"},
      ev::breaker_rejected{"sh", 5},
      ev::patch_moved{"r.w.1", 1, patch_state::applied, ""},
      ev::branch_restored{"moved"},
      ev::fault_injected{"adapter", "crash", 2, "killed by signal 9"},
      ev::sandbox_unconfined{"tool(s) sh run unconfined (sandbox: off)"},
      ev::ws_inputs{"fp", "abc", "{\"parts\":{}}", "never run"},
      ev::ws_unchanged{"run-1", "abc"},
      ev::ws_stopped_early{"oscillation", 2, "oscillating between 2 patches"},
      ev::base_followed{"merge", "a", "b", "c"},
      ev::node_lost{"node-a", "127.0.0.1:7420", "its connection went"},
      ev::late_result{"node-a", 2, "exit code 0"},
      ev::ws_taken_back{1, "a dependency's patch it was started on left the gate"},
  };
  REQUIRE(bodies.size() == std::variant_size_v<ev::body>);
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    INFO("alternative " << i);
    REQUIRE(bodies[i].index() == i);
    auto back = round_trip(sys, msg::event{"r", std::string("w"), "t", bodies[i]});
    CHECK(back.body.index() == i);
  }
  CHECK(std::get<ev::ws_retry>(round_trip(sys, msg::event{"r", {}, "t", bodies[6]}).body)
            .next_attempt == 3);
}

TEST_CASE("messages: a tool's breaker counts the tool, not git around it nor a Ctrl-C") {
  msg::edit_result git_failed; // the worktree could not be prepared: no tool ran
  git_failed.error = "git checkout failed";
  CHECK_FALSE(git_failed.tool_called());

  msg::edit_result capture_failed; // the tool succeeded, then git diff failed
  capture_failed.worktree_ok = capture_failed.started = true;
  capture_failed.exit_code = 0;
  capture_failed.error = "git diff failed";
  CHECK(capture_failed.tool_called());
  CHECK(capture_failed.tool_ok());
  CHECK_FALSE(capture_failed.ok()); // the attempt still fails

  msg::edit_result missing_program; // a tool that cannot start is a failing tool
  missing_program.worktree_ok = true;
  CHECK(missing_program.tool_called());
  CHECK_FALSE(missing_program.tool_ok());

  msg::edit_result interrupted = capture_failed;
  interrupted.error.clear();
  interrupted.cancelled = true;
  CHECK_FALSE(interrupted.tool_called());
}
