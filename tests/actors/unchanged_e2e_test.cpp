// A tool that changes nothing is judged by its acceptance commands, not
// taken at its word (issue: never commit, or skip, on the tool's word).
#include <catch2/catch.hpp>

#include "tests/support/pipeline_project.h"

using namespace uet::test;

TEST_CASE("unchanged: a tool that changes nothing is skipped only when its checks pass") {
  pipeline_project p(
      sh_tool,
      {{"done", ws("true", "README.md", "[]",
                   "acceptance_criteria: {static: [\"test -f README.md\"], commands: [\"grep -q "
                   "test README.md\"]}\n")},
       {"lazy", ws("true", "lazy.txt", "[]",
                   "resilience_policy: {max_retries: 1, backoff: {initial_ms: 5, max_ms: 20}}\n"
                   "acceptance_criteria: {commands: [\"test -f lazy.txt\"]}\n")},
       {"bare", ws("true", "bare.txt")}},
      {{"README.md", "# test\n"}});
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  auto st = p.status();
  CHECK(ws_state(st, "done") == "skipped");
  CHECK(ws_state(st, "bare") == "skipped");
  CHECK(ws_state(st, "lazy") == "quarantined");
  CHECK(r.output.find("done: skipped (already satisfied: the tool changed nothing and its "
                      "acceptance commands pass)") != std::string::npos);
  CHECK(r.output.find("lazy: attempt 1 failed (the tool changed nothing, and its runtime check "
                      "failed: 'test -f lazy.txt' exit code 1)") != std::string::npos);
  CHECK(p.patch_commits() == 0);
}

TEST_CASE("unchanged: the run summary counts what was committed with no acceptance command") {
  pipeline_project p(sh_tool, {{"checked", ws("echo c > c.txt", "c.txt", "[]",
                                              "acceptance_criteria: {commands: [\"test -f "
                                              "c.txt\"]}\n")},
                               {"trusted", ws("echo t > t.txt", "t.txt")}});
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("1 of the committed had no acceptance command: committed on their tool's "
                      "exit code alone") != std::string::npos);
  auto st = p.status();
  CHECK(st["committed_unchecked"] == 1);
  CHECK(p.run({"status"}).output.find("1 of the committed had no acceptance command") !=
        std::string::npos);
  auto again = pipeline_project(sh_tool, {{"trusted", ws("echo t > t.txt", "t.txt")}});
  auto j = again.run({"run", "phase-all", "--json"});
  CHECK(j.output.find("\"committed_unchecked\":1") != std::string::npos);
}
