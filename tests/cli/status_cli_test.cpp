// What a user finds with `status`: every run (--all), the known runs when
// an id is wrong, and a run whose process died shown as crashed, not
// running (issue 16). Real runs of the binary.
#include <csignal>

#include <catch2/catch.hpp>

#include "tests/support/pipeline_project.h"

using namespace uet::test;

TEST_CASE("status: --all lists runs newest first, a wrong id names the known ones") {
  pipeline_project p(sh_tool, {{"a", ws("echo a > a.txt", "a.txt")}});
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0);
  auto first = std::string(p.status()["run_id"]);
  REQUIRE(p.run({"run", "phase-all", "--force"}).exit_code == 0);
  auto second = std::string(p.status()["run_id"]);
  auto all = nlohmann::json::parse(p.run({"status", "--all", "--json"}).output);
  REQUIRE(all.size() == 2);
  CHECK(all[0]["run_id"] == second);
  CHECK(all[1]["run_id"] == first);
  CHECK(all[1]["counts"]["committed"] == 1);
  CHECK(all[1]["state"] == "succeeded");
  CHECK(all[1]["wall_s"].is_number());
  auto text = p.run({"status", "--all"}).output;
  CHECK(text.find(second + "  succeeded  phase-all") == 0);
  auto wrong = p.run({"status", "run-nope"});
  CHECK(wrong.exit_code == 2);
  CHECK(wrong.output.find("no run 'run-nope'; the latest: " + second + ", " + first) !=
        std::string::npos);
}

TEST_CASE("status: a run killed with -9 shows as crashed, and resume finishes it") {
  auto prompt = "if [ ! -e \"$SCRATCH/once\" ]; then touch \"$SCRATCH/once\"; echo $PPID > "
                "\"$SCRATCH/uet.pid\"; sleep 20; fi; echo x > x.txt";
  pipeline_project p(sh_tool, {{"long", ws(prompt, "x.txt")}});
  auto killer =
      signal_when_written(p.scratch() / "uet.pid", std::chrono::milliseconds(300), SIGKILL);
  auto r = p.run({"run", "phase-all"}, std::chrono::seconds(60));
  killer.join();
  CHECK(r.signal == SIGKILL);
  auto st = p.status();
  CHECK(st["state"] == "crashed");
  CHECK(st["recorded_state"] == "running");
  auto text = p.run({"status"}).output;
  CHECK(text.find("crashed (the database says running, but its process is gone; 'uet-actors "
                  "resume") != std::string::npos);
  auto resumed = p.run({"resume"});
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  CHECK(p.status()["state"] == "succeeded");
}
