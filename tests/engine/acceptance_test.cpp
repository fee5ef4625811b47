#include <catch2/catch.hpp>

#include "engine/acceptance.h"
#include "tests/support/test_env.h"

using namespace uet::engine;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using uet::test::read_text;

TEST_CASE("acceptance: every command passing is a pass") {
  uet::test::temp_dir dir;
  acceptance_request req;
  req.commands = {"true", "test -d .", "echo fine"};
  req.cwd = dir.path();
  auto r = run_acceptance(uet::engine::environment::real(), req);
  CHECK(r.passed);
  CHECK(r.exit_code == 0);
  CHECK(r.failed_command.empty());
  CHECK(r.reason.empty());
}

TEST_CASE("acceptance: no commands is a pass") {
  acceptance_request req;
  auto r = run_acceptance(uet::engine::environment::real(), req);
  CHECK(r.passed);
}

TEST_CASE("acceptance: the first failure stops the list and names the command") {
  uet::test::temp_dir dir;
  acceptance_request req;
  req.commands = {"touch first", "make-believe-tool --check 2>/dev/null || exit 7", "touch third"};
  req.cwd = dir.path();
  auto r = run_acceptance(uet::engine::environment::real(), req);
  CHECK_FALSE(r.passed);
  CHECK(r.exit_code == 7);
  CHECK(r.failed_command == "make-believe-tool --check 2>/dev/null || exit 7");
  CHECK(r.reason == "'make-believe-tool --check 2>/dev/null || exit 7' exit code 7");
  CHECK(std::filesystem::exists(dir / "first"));
  CHECK_FALSE(std::filesystem::exists(dir / "third"));
}

TEST_CASE("acceptance: commands run with /bin/sh -c in cwd with env") {
  uet::test::temp_dir dir;
  acceptance_request req;
  req.commands = {"test \"$(pwd)\" = \"$EXPECT_DIR\" && test \"$UET_X\" = 'a b'",
                  "for f in 1 2; do echo $f >> out.txt; done"};
  req.cwd = dir.path();
  req.env = {{"EXPECT_DIR", dir.path().string()}, {"UET_X", "a b"}};
  auto r = run_acceptance(uet::engine::environment::real(), req);
  INFO(r.reason);
  CHECK(r.passed);
  CHECK(read_text(dir / "out.txt") == "1\n2\n");
}

TEST_CASE("acceptance: a command killed by a signal fails with exit code -1") {
  acceptance_request req;
  req.commands = {"kill -9 $$"};
  auto r = run_acceptance(uet::engine::environment::real(), req);
  CHECK_FALSE(r.passed);
  CHECK(r.exit_code == -1);
  CHECK_THAT(r.reason, Contains("signal 9"));
}

TEST_CASE("acceptance: a command that runs too long is a timeout, and the list stops") {
  uet::test::temp_dir dir;
  acceptance_request req;
  req.commands = {"true", "sleep 30", "touch after"};
  req.cwd = dir.path();
  req.timeout_each = 300ms;
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_acceptance(uet::engine::environment::real(), req);
  CHECK(std::chrono::steady_clock::now() - t0 < 10s);
  CHECK_FALSE(r.passed);
  CHECK(r.exit_code == -1);
  CHECK(r.failed_command == "sleep 30");
  CHECK_THAT(r.reason, Contains("'sleep 30' timed out"));
  CHECK_FALSE(std::filesystem::exists(dir / "after"));
}

TEST_CASE("acceptance: the timeout applies to each command, not to the list") {
  acceptance_request req;
  req.commands = {"sleep 0.2", "sleep 0.2", "sleep 0.2"};
  req.timeout_each = 400ms;
  auto r = run_acceptance(uet::engine::environment::real(), req);
  INFO(r.reason);
  CHECK(r.passed);
}

TEST_CASE("acceptance: the log holds each command, its output and how it ended") {
  uet::test::temp_dir dir;
  auto log = dir / "logs" / "run-1" / "ws-a" / "runtime-1.log"; // parents created
  acceptance_request req;
  req.commands = {"echo out; echo err >&2", "printf 'no newline'", "exit 2", "echo never"};
  req.cwd = dir.path();
  req.log_file = log;
  auto r = run_acceptance(uet::engine::environment::real(), req);
  CHECK_FALSE(r.passed);
  CHECK(read_text(log) == "$ echo out; echo err >&2\n"
                          "out\n"
                          "err\n"
                          "# exit code 0\n"
                          "$ printf 'no newline'\n"
                          "no newline\n"
                          "# exit code 0\n"
                          "$ exit 2\n"
                          "# exit code 2\n");

  // A second attempt appends to the same log, it does not replace it.
  req.commands = {"echo again"};
  CHECK(run_acceptance(uet::engine::environment::real(), req).passed);
  auto text = read_text(log);
  CHECK_THAT(text, Contains("$ exit 2\n# exit code 2\n$ echo again\nagain\n# exit code 0\n"));
}

TEST_CASE("acceptance: a timed-out command's partial output and the timeout are logged") {
  uet::test::temp_dir dir;
  auto log = dir / "t.log";
  acceptance_request req;
  req.commands = {"echo started; sleep 30"};
  req.log_file = log;
  req.timeout_each = 300ms;
  auto r = run_acceptance(uet::engine::environment::real(), req);
  CHECK_FALSE(r.passed);
  auto text = read_text(log);
  CHECK_THAT(text, Contains("$ echo started; sleep 30\nstarted\n# timed out after"));
}

TEST_CASE("acceptance: no log file means output is discarded, nothing written") {
  uet::test::temp_dir dir;
  acceptance_request req;
  req.commands = {"echo hello"};
  req.cwd = dir.path();
  CHECK(run_acceptance(uet::engine::environment::real(), req).passed);
  CHECK(std::filesystem::is_empty(dir.path()));
}
