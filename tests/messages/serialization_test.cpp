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
  auto e2 = round_trip(sys, e);
  CHECK(e2.argv == e.argv);
  CHECK(e2.env == e.env);
  round_trip(sys, msg::edit_result{true, true, 0, 0, false, false, 12, "exit code 0", "", "diff"});
  round_trip(sys, msg::check_request{"static", {"make"}, {{"A", "b"}}, 5, "log"});
  round_trip(sys, msg::check_result{false, 2, "make", "'make' exit code 2"});
  msg::patch_request pr;
  pr.diff = std::string("binary\0bytes", 12);
  pr.allowed_paths = {"src/**"};
  CHECK(round_trip(sys, pr).diff == pr.diff);
  round_trip(sys, msg::patch_verdict{false, "quarantined", "", false, "conflict", {"a.txt:3"}});
  CHECK(
      round_trip(sys, msg::patch_verdict{false, "committed", "abc", false, "", {}, 41}).head_seq ==
      41);
  round_trip(sys, msg::ws_job{7, "ws-7"});
  round_trip(sys, msg::ws_outcome{1, "ws", "failed", "why", 2, "", true, true, false});
  CHECK(round_trip(sys, msg::ws_outcome{1, "ws", "committed", "", 1, "abc", false, true, true, 9})
            .head_seq == 9);
  round_trip(sys, msg::run_summary{"run", "failed", 1, 2, 3, 4, 10, 99, {"x: blocked"}});
}

TEST_CASE("messages: database write commands keep optional fields, set or not") {
  caf::actor_system sys{test::caf_config()};
  persistence::step_finished a{"s1", "failed", std::int64_t{3}, "t", std::string("boom")};
  auto a2 = round_trip(sys, a);
  REQUIRE(a2.exit_code);
  CHECK(*a2.exit_code == 3);
  CHECK(a2.error == std::optional<std::string>("boom"));
  persistence::step_finished b{"s2", "succeeded", std::nullopt, "t", std::nullopt};
  auto b2 = round_trip(sys, b);
  CHECK_FALSE(b2.exit_code);
  CHECK_FALSE(b2.error);
  round_trip(sys, persistence::run_started{"r", "p", "phase-all", "uet", 4, "t", "{}"});
  round_trip(sys, persistence::run_state_changed{"r", "succeeded", "t", true});
  round_trip(sys, persistence::workstream_state_changed{"r", "w", "blocked", 0, "t", "dep failed"});
  round_trip(sys, persistence::step_started{"s", "r", "w", "edit", 1, "t", std::string("l")});
  round_trip(sys, persistence::event_appended{"r", std::nullopt, "run_started", "t", "{}"});
  round_trip(sys, persistence::patch_recorded{"p", "r", "w", 1, "diff", "created", "t"});
  round_trip(sys, persistence::patch_status_changed{"p", "committed", "t", std::string("abc"), {}});
  msg::workstream_states batch;
  batch.changes = {{"r", "w1", "pending", 0, "t", {}}, {"r", "w2", "committed", 0, "t", "earlier"}};
  auto batch2 = round_trip(sys, batch);
  REQUIRE(batch2.changes.size() == 2);
  CHECK_FALSE(batch2.changes[0].reason);
  CHECK(batch2.changes[1].reason == std::optional<std::string>("earlier"));
  CHECK(round_trip(sys, msg::workstream_states{}).changes.empty());
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
