// `status --watch` in a real terminal (tmux, installed by
// scripts/install-deps.sh): a running run's progress bar and running steps,
// redrawn in place until the run ends; plain lines through a pipe (issue 16).
#include <unistd.h>

#include <thread>

#include <catch2/catch.hpp>

#include "base/path_lookup.h"
#include "tests/support/pipeline_project.h"

using namespace uet::test;

namespace {

/// A tmux server of the test's own (-L), so no user's session is touched.
struct tmux_server {
  std::string socket = "uet-watch-" + std::to_string(::getpid());
  ~tmux_server() { (void)run({"kill-server"}); }

  uet::engine::process_result run(std::vector<std::string> args) const {
    uet::engine::process_request req;
    req.argv = {"tmux", "-L", socket};
    req.argv.insert(req.argv.end(), args.begin(), args.end());
    req.timeout = std::chrono::seconds(20);
    return uet::engine::run_process(req);
  }

  /// The pane's text; with_history adds what scrolled off the top.
  std::string capture(bool with_history = false) const {
    std::vector<std::string> args = {"capture-pane", "-p", "-t", "watch"};
    if (with_history)
      args.insert(args.end(), {"-S", "-"});
    return run(args).output;
  }

  /// Polls the pane until pred holds (true) or timeout passes (false).
  template <class Pred>
  bool wait_for(Pred pred, std::chrono::seconds timeout) const {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (pred(capture()))
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
};

bool has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

} // namespace

TEST_CASE("status --watch: a live view in a terminal, redrawn in place until the run ends") {
  INFO("tmux is a test dependency: scripts/install-deps.sh installs it");
  REQUIRE(uet::find_on_path("tmux"));
  pipeline_project p(sh_tool, {{"slow-a", ws("sleep 2; echo a > a.txt", "a.txt")},
                               {"slow-b", ws("sleep 2; echo b > b.txt", "b.txt")},
                               {"after", ws("sleep 1; echo c > c.txt", "c.txt", "[slow-a]")}});
  int run_code = -1;
  std::thread runner([&] { run_code = p.run({"run", "phase-all", "--parallel", "2"}).exit_code; });
  bool started = false;
  for (int i = 0; i < 100 && !started; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto st = p.run({"status", "--json"});
    started = st.exit_code == 0 && has(st.output, "\"state\": \"running\"");
  }
  CHECK(started);
  tmux_server tmux;
  auto made =
      tmux.run({"new-session", "-d", "-s", "watch", "-x", "100", "-y", "30", "-c",
                p.root().string(), binary().string() + " status --watch --interval 0.2; sleep 60"});
  INFO(made.output);
  REQUIRE(made.ok());
  // While it runs: the bar, and the steps running now.
  bool live = tmux.wait_for(
      [](const std::string& s) {
        return has(s, ": running, ") && has(s, "] ") && has(s, "edit (attempt 1)");
      },
      std::chrono::seconds(15));
  INFO(tmux.capture());
  CHECK(live);
  runner.join();
  REQUIRE(run_code == 0);
  bool ended = tmux.wait_for(
      [](const std::string& s) { return has(s, ": succeeded, ") && has(s, "3/3 done"); },
      std::chrono::seconds(15));
  auto screen = tmux.capture(true);
  INFO(screen);
  CHECK(ended);
  CHECK(has(screen, "[" + std::string(60, '#')));
  // Redrawn in place: the header was written many times and is there once.
  CHECK(occurrences(screen, "run " + std::string(p.status()["run_id"]) + " (") == 1);
}

TEST_CASE("status --watch: through a pipe, one line per change, and it ends with the run") {
  pipeline_project p(sh_tool, {{"a", ws("echo a > a.txt", "a.txt")}});
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0);
  auto out = p.run({"status", "--watch"});
  INFO(out.output);
  CHECK(out.exit_code == 0);
  CHECK(occurrences(out.output, "\n") == 1);
  CHECK(has(out.output, " succeeded: 1/1 done (1 committed)"));
  CHECK(p.run({"status", "--watch", "--all"}).exit_code != 0);
}
