#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>

#include "engine/subprocess.h"
#include "tests/support/test_env.h"

using namespace uet::engine;
using namespace std::chrono_literals;

TEST_CASE("subprocess: exit code and output are captured") {
  process_request r;
  r.argv = {"/bin/sh", "-c", "echo out; echo err >&2; exit 3"};
  auto res = run_process(r);
  CHECK(res.started);
  CHECK(res.exit_code == 3);
  CHECK(res.output == "out\nerr\n");
  CHECK(res.describe() == "exit code 3");
}

TEST_CASE("subprocess: argv elements reach the program byte for byte") {
  std::string nasty = "a'b\"c $(rm -rf /) `x` ; | & > < \\ * ? \n second line\ttab \xE2\x9C\x93";
  process_request r;
  r.argv = {"/usr/bin/printf", "%s", nasty};
  auto res = run_process(r);
  REQUIRE(res.ok());
  CHECK(res.output == nasty);
}

TEST_CASE("subprocess: a missing program is a spawn error, not a crash") {
  process_request r;
  r.argv = {"definitely-not-a-program-uet"};
  auto res = run_process(r);
  CHECK_FALSE(res.started);
  CHECK(res.describe().find("could not start") != std::string::npos);
}

TEST_CASE("subprocess: stdin data, cwd and env are passed") {
  uet::test::temp_dir dir;
  process_request r;
  r.argv = {"/bin/sh", "-c", "cat; pwd; echo \"$UET_X\""};
  r.stdin_data = std::string(200000, 'z'); // bigger than a pipe buffer
  r.cwd = dir.path();
  r.env = {{"UET_X", "hello"}};
  auto res = run_process(r);
  REQUIRE(res.ok());
  CHECK(res.output == std::string(200000, 'z') + dir.path().string() + "\nhello\n");
}

TEST_CASE("subprocess: a child that never reads its stdin is a result, not a SIGPIPE") {
  // Without SIGPIPE ignored, the write after the child exits ends this process.
  process_request r;
  r.argv = {"/bin/sh", "-c", "exit 0"};
  r.stdin_data = std::string(4u << 20, 'z');
  auto res = run_process(r);
  CHECK(res.started);
  CHECK(res.exit_code == 0);
  // ...and children still get the default disposition back.
  process_request child;
  child.argv = {"/bin/sh", "-c", "kill -PIPE $$; echo survived"};
  auto c = run_process(child);
  CHECK(c.signal == SIGPIPE);
  CHECK(c.output.empty());
}

TEST_CASE("subprocess: a PATH set in env is where the program is looked up") {
  uet::test::temp_dir dir;
  uet::test::write_file(dir / "uet-path-probe", "#!/bin/sh\necho found-on-env-path\n");
  std::filesystem::permissions(dir / "uet-path-probe", std::filesystem::perms::owner_all);
  process_request r;
  r.argv = {"uet-path-probe", "x"};
  r.env = {{"PATH", dir.path().string() + ":/usr/bin:/bin"}};
  auto res = run_process(r);
  INFO(res.describe());
  REQUIRE(res.ok());
  CHECK(res.output == "found-on-env-path\n");
  // A relative entry is the child's: it resolves in the directory it starts in.
  r.env = {{"PATH", "tools:/usr/bin:/bin"}};
  std::filesystem::create_directories(dir / "wt" / "tools");
  std::filesystem::copy_file(dir / "uet-path-probe", dir / "wt" / "tools" / "uet-path-probe");
  r.cwd = dir / "wt";
  auto relative = run_process(r);
  INFO(relative.describe());
  CHECK(relative.ok());
  CHECK(relative.output == "found-on-env-path\n");
  r.cwd.clear();
  r.env = {{"PATH", "/usr/bin:/bin"}};
  auto missing = run_process(r);
  CHECK_FALSE(missing.started);
  CHECK(missing.spawn_error.find("not found on the PATH its env sets") != std::string::npos);
}

TEST_CASE("subprocess: git location variables of the caller never reach a child") {
  ::setenv("GIT_INDEX_FILE", "/tmp/uet-shared.index", 1);
  ::setenv("GIT_DIR", "/tmp/uet-elsewhere.git", 1);
  ::setenv("UET_KEPT", "kept", 1);
  process_request r;
  r.argv = {"/bin/sh", "-c", "echo \"${GIT_INDEX_FILE-unset} ${GIT_DIR-unset} $UET_KEPT\""};
  auto inherited = run_process(r);
  r.env = {{"GIT_DIR", "/explicit.git"}};
  auto explicit_env = run_process(r);
  ::unsetenv("GIT_INDEX_FILE");
  ::unsetenv("GIT_DIR");
  ::unsetenv("UET_KEPT");
  CHECK(inherited.output == "unset unset kept\n");
  CHECK(explicit_env.output == "unset /explicit.git kept\n");
}

TEST_CASE("subprocess: a timeout kills the whole process group, grandchildren included") {
  uet::test::temp_dir dir;
  auto pidfile = dir / "grandchild.pid";
  process_request r;
  // The grandchild ignores SIGTERM and outlives its parent unless the group dies.
  r.argv = {"/bin/sh", "-c",
            "(trap '' TERM; sleep 30) & echo $! > '" + pidfile.string() + "'; sleep 30"};
  r.timeout = 300ms;
  r.kill_grace = 200ms;
  auto res = run_process(r);
  CHECK(res.timed_out);
  CHECK(res.elapsed < 5s);
  auto pid = std::stoi(uet::test::read_text(pidfile));
  CHECK(uet::test::process_ends(pid));
}

TEST_CASE("subprocess: background children left by a finished tool are killed") {
  uet::test::temp_dir dir;
  auto pidfile = dir / "bg.pid";
  process_request r;
  r.argv = {"/bin/sh", "-c", "sleep 30 & echo $! > '" + pidfile.string() + "'; exit 0"};
  auto res = run_process(r);
  CHECK(res.ok());
  CHECK(res.elapsed < 5s);
  auto pid = std::stoi(uet::test::read_text(pidfile));
  CHECK(uet::test::process_ends(pid));
}

TEST_CASE("subprocess: output beyond the cap is dropped and noted") {
  uet::test::temp_dir dir;
  process_request r;
  r.argv = {"/bin/sh", "-c", "head -c 100000 /dev/zero"};
  r.max_output_bytes = 1000;
  auto res = run_process(r);
  CHECK(res.ok());
  CHECK(res.truncated);
  CHECK(res.output.size() == 1000);

  r.output_file = dir / "log.txt";
  res = run_process(r);
  CHECK(res.truncated);
  auto log = uet::test::read_text(r.output_file);
  CHECK(log.size() > 1000);
  CHECK(log.find("output truncated") != std::string::npos);
}
