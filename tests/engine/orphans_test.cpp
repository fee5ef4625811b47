#include <catch2/catch.hpp>
#include <csignal>
#include <thread>

#include "engine/orphans.h"
#include "engine/subprocess.h"
#include "tests/support/test_env.h"

using namespace uet::engine;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// A process group (a shell and its grandchild) with LOG_ROOT=<logs>/<run>,
// as a tool of that run would have, run on a thread until it ends.
struct group_under {
  group_under(const fs::path& logs, const std::string& run, const fs::path& pidfile)
      : thread([this, logs, run, pidfile] {
          process_request r;
          r.argv = {"/bin/sh", "-c", "sleep 300 & echo $! > '" + pidfile.string() + "'; sleep 300"};
          r.env = {{"LOG_ROOT", (logs / run).string()}};
          r.timeout = 60s;
          result = run_process(r);
        }) {
    for (int i = 0; i < 400 && !fs::exists(pidfile); ++i)
      std::this_thread::sleep_for(10ms);
    std::this_thread::sleep_for(50ms);
  }
  ~group_under() {
    if (thread.joinable())
      thread.join();
  }
  process_result result;
  std::thread thread;
};

} // namespace

TEST_CASE("orphans: a killed run's process groups are found by their LOG_ROOT and ended") {
  uet::test::temp_dir dir("uet-orphans");
  auto logs = dir / "project" / ".uet" / "logs";
  group_under killed(logs, "run-1", dir / "killed.pid");
  group_under other_run(logs, "run-2", dir / "other-run.pid"); // a run not recorded running
  group_under other_project(dir / "project-2" / ".uet" / "logs", "run-1", dir / "other.pid");
  auto grandchild = std::stoi(uet::test::read_text(dir / "killed.pid"));

  CHECK(processes_with_log_root({}).empty());
  auto found = processes_with_log_root({logs / "run-1"});
  CHECK(found.size() == 3); // the shell and its two sleeps
  auto t0 = std::chrono::steady_clock::now();
  CHECK(end_orphans({logs / "run-1"}) == 3);
  killed.thread.join();
  CHECK(std::chrono::steady_clock::now() - t0 < 30s);
  CHECK(killed.result.signal == SIGKILL);
  CHECK(uet::test::process_ends(grandchild));
  CHECK(processes_with_log_root({logs / "run-1"}).empty());

  // Untouched: another run of the same project, and another project's run-1.
  CHECK(processes_with_log_root({logs / "run-2"}).size() == 3);
  CHECK(processes_with_log_root({dir / "project-2" / ".uet" / "logs" / "run-1"}).size() == 3);
  CHECK(end_orphans({logs / "run-2", dir / "project-2" / ".uet" / "logs" / "run-1"}) == 6);
}
