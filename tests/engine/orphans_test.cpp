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

TEST_CASE("orphans: a killed run's process groups are found by LOG_ROOT and ended") {
  uet::test::temp_dir dir("uet-orphans");
  auto logs = dir / "project" / ".uet" / "logs";
  auto other_logs = dir / "project-2" / ".uet" / "logs"; // another project's run: not ours
  group_under ours(logs, "run-1", dir / "ours.pid");
  group_under theirs(other_logs, "run-1", dir / "theirs.pid");
  auto grandchild = std::stoi(uet::test::read_text(dir / "ours.pid"));

  auto found = processes_under_log_root(logs);
  CHECK(found.size() == 3); // the shell and its two sleeps
  auto t0 = std::chrono::steady_clock::now();
  CHECK(end_orphans(logs) == 3);
  ours.thread.join();
  CHECK(std::chrono::steady_clock::now() - t0 < 30s);
  CHECK(ours.result.signal == SIGKILL);
  CHECK(uet::test::process_ends(grandchild));
  CHECK(processes_under_log_root(logs).empty());

  CHECK(processes_under_log_root(other_logs).size() == 3); // untouched
  CHECK(end_orphans(other_logs) == 3);
}
