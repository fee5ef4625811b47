// A tool's processes that leave its process group (setsid, a double fork)
// still end with its step: by cgroup v2 where the machine offers one, by
// the environment token and a /proc sweep otherwise. Both paths are run
// here; real processes.
#include <array>
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "engine/proc_scan.h"
#include "engine/subprocess.h"
#include "tests/support/test_env.h"

using namespace uet::engine;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

/// The pid a test's escaped process wrote, once it is there.
pid_t read_pid(const fs::path& file) {
  for (int i = 0; i < 200 && !fs::exists(file); ++i)
    std::this_thread::sleep_for(10ms);
  std::ifstream in(file);
  pid_t pid = -1;
  in >> pid;
  return pid;
}

/// A command that leaves a `sleep 30` in a session of its own, then
/// (hang) waits or exits at once. With the cgroup, the escaped process also
/// clears its environment, so only the cgroup can find it (it escapes
/// 0.1 s in, well after the tool was moved into its cgroup).
process_request escaping(const fs::path& pidfile, bool hang, containment_kind kind,
                         bool clear = false) {
  process_request p;
  std::string clear_env = kind == containment_kind::cgroup || clear ? "env -i " : "";
  p.argv = {"/bin/sh", "-c",
            "sleep 0.1; " + clear_env +
                "/usr/bin/setsid /bin/sh -c '/bin/sleep 30 >/dev/null 2>&1 & echo $! > \"$1\"' sh "
                "\"$0\"; " +
                std::string(hang ? "sleep 30" : "true"),
            pidfile.string()};
  p.contain = kind;
  p.timeout = 500ms;
  p.kill_grace = 200ms;
  return p;
}

} // namespace

TEST_CASE("containment: this machine's cgroup v2 is used when it offers one") {
  auto c = containment::make(containment_kind::cgroup);
  INFO(c->mechanism());
  if (std::string(c->mechanism()) == "sweep")
    WARN("no writable cgroup v2 with cgroup.kill here: only the sweep path is tested");
  auto s = containment::make(containment_kind::sweep);
  CHECK(std::string(s->mechanism()) == "sweep");
}

TEST_CASE("containment: a process that left the group ends when its step ends") {
  auto kind = GENERATE(containment_kind::cgroup, containment_kind::sweep);
  if (kind == containment_kind::cgroup &&
      std::string(containment::make(kind)->mechanism()) != "cgroup")
    return;                          // said by the test above
  bool hang = GENERATE(false, true); // the step exits, or its timeout ends it
  uet::test::temp_dir d{"uet-contain"};
  auto r = run_process(escaping(d.path() / "pid", hang, kind));
  INFO("kind " << static_cast<int>(kind) << " hang " << hang << ": " << r.describe());
  CHECK(r.timed_out == hang);
  auto pid = read_pid(d.path() / "pid");
  REQUIRE(pid > 0);
  CHECK_FALSE(process_running(pid));
}

TEST_CASE("containment: without it, the escaped process outlives its step (what the above "
          "prevents)") {
  uet::test::temp_dir d{"uet-contain"};
  auto r = run_process(escaping(d.path() / "pid", false, containment_kind::none));
  auto pid = read_pid(d.path() / "pid");
  REQUIRE(pid > 0);
  CHECK(process_running(pid));
  ::kill(pid, SIGKILL);
}

TEST_CASE("containment: the sweep alone misses a process that cleared its environment (the "
          "cgroup finds it)") {
  uet::test::temp_dir d{"uet-contain"};
  auto r = run_process(escaping(d.path() / "pid", false, containment_kind::sweep, true));
  auto pid = read_pid(d.path() / "pid");
  REQUIRE(pid > 0);
  CHECK(process_running(pid));
  ::kill(pid, SIGKILL);
}

TEST_CASE("containment: a sweep is unsure only of a user process, started since the step's "
          "first, that shows no environment") {
  // Such a process may be one of the step's in the middle of an exec: the
  // sweep looks again. Anything else lets an empty sweep be believed at
  // once, so a step that left nothing behind ends without waiting.
  uet::test::temp_dir d{"uet-contain"};
  const std::string mark = "UET_TEST_MARK=" + std::to_string(::getpid());
  pid_t with = ::fork();
  if (with == 0) {
    ::execle("/bin/sleep", "sleep", "5", nullptr,
             std::array<const char*, 2>{mark.c_str(), nullptr}.data());
    ::_exit(127);
  }
  pid_t without = ::fork();
  if (without == 0) {
    ::execle("/bin/sleep", "sleep", "5", nullptr, std::array<const char*, 1>{nullptr}.data());
    ::_exit(127);
  }
  REQUIRE(with > 0);
  REQUIRE(without > 0);
  std::this_thread::sleep_for(100ms); // both have exec'd
  auto since = std::min(process_start(with), process_start(without));
  REQUIRE(since > 0);

  auto now = sweep_environment({mark}, since);
  CHECK(now.found == std::vector<int>{with});
  CHECK(now.unsure); // `without` started since, and shows nothing
  // Processes that started before `since` (this one, pid 1, kernel
  // threads) never make a sweep unsure.
  auto later = sweep_environment({mark}, since + 100000);
  CHECK(later.found == std::vector<int>{with});
  CHECK_FALSE(later.unsure);
  for (pid_t p : {with, without}) {
    ::kill(p, SIGKILL);
    ::waitpid(p, nullptr, 0);
  }
  CHECK(sweep_environment({mark}, since).found.empty());
  // A zombie started since is a doubt too (it may have forked just before
  // it went), unless it is the step's own first process.
  pid_t gone = ::fork();
  if (gone == 0)
    ::_exit(0);
  REQUIRE(gone > 0);
  std::this_thread::sleep_for(50ms); // a zombie: not waited for yet
  auto start = process_start(gone);
  CHECK(sweep_environment({mark}, start).unsure);
  CHECK_FALSE(sweep_environment({mark}, start, gone).unsure);
  ::waitpid(gone, nullptr, 0);
}
