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

TEST_CASE("status: a failed check's last line (the assertion) is in the console and in status") {
  pipeline_project p(
      sh_tool,
      {{"calc", ws("echo 4 > v.txt", "v.txt", "[]",
                   "resilience_policy: {max_retries: 0}\nacceptance_criteria: {commands: "
                   "[\"echo running 1 test; echo 'AssertionError: 3 != 4' >&2; exit 1\"]}\n")},
       {"tool", ws("echo 'ModuleNotFoundError: aider' >&2; exit 2", "t.txt", "[]",
                   "resilience_policy: {max_retries: 0}\n")}});
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("exit code 1: AssertionError: 3 != 4") != std::string::npos);
  CHECK(r.output.find("the tool exit code 2: ModuleNotFoundError: aider") != std::string::npos);
  auto text = p.run({"status"}).output;
  CHECK(text.find("AssertionError: 3 != 4") != std::string::npos);
  CHECK(text.find("ModuleNotFoundError: aider") != std::string::npos);
}

TEST_CASE("status: the run summary names what one failure blocked once") {
  pipeline_project p(
      sh_tool, {{"fmt-round", ws("exit 3", "f.txt", "[]", "resilience_policy: {max_retries: 0}\n")},
                {"a", ws("echo a > a.txt", "a.txt", "[fmt-round]")},
                {"b", ws("echo b > b.txt", "b.txt", "[a]")},
                {"c", ws("echo c > c.txt", "c.txt", "[fmt-round]")},
                {"free", ws("echo f > free.txt", "free.txt")}});
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  auto summary = r.output.substr(r.output.find("run run-", r.output.find('\n')));
  CHECK(summary.find("fmt-round: quarantined: ") != std::string::npos);
  CHECK(summary.find("blocked by fmt-round (3): ") != std::string::npos);
  CHECK(summary.find(": blocked: dependency") == std::string::npos);
}

TEST_CASE("status and ledger: a workstream's outcome and its patches' are named apart, and agree") {
  // bad-check depends on flaky-check: it starts early on flaky-check's first
  // patch, whose check fails at once, so its first attempt is taken back
  // before its tool (2 s) is done: no patch, no retry spent.
  auto retry = "resilience_policy: {max_retries: 1, backoff: {initial_ms: 5}}\n";
  pipeline_project p(
      sh_tool,
      {{"bad-tool",
        ws("echo boom >&2; exit 1", "a.txt", "[]", "resilience_policy: {max_retries: 0}\n")},
       {"bad-check", ws("sleep 2; echo b > b.txt", "b.txt", "[flaky-check]",
                        std::string("acceptance_criteria: {commands: [\"false\"]}\n") + retry)},
       {"flaky-check",
        ws("echo c > c.txt", "c.txt", "[]",
           std::string("acceptance_criteria: {commands: ['test -e \"$SCRATCH/once\" || { touch "
                       "\"$SCRATCH/once\"; false; }']}\n") +
               retry)}});
  auto run = p.run({"run", "phase-all"});
  INFO(run.output);
  REQUIRE(run.exit_code == 1);
  auto st = p.status();
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& w : st["workstreams"])
    by_id[w["workstream_id"]] = w;
  CHECK(by_id["bad-tool"]["state"] == "quarantined");
  CHECK(by_id["bad-tool"]["patches"] == nlohmann::json::object());
  CHECK(by_id["bad-check"]["state"] == "quarantined");
  CHECK(by_id["bad-check"]["patches"] == nlohmann::json{{"quarantined", 2}});
  CHECK(by_id["flaky-check"]["state"] == "committed");
  CHECK(by_id["flaky-check"]["patches"] == nlohmann::json{{"committed", 1}, {"quarantined", 1}});

  // Every quarantined patch of the ledger carries its workstream's outcome
  // as status has it, and the counts per workstream match.
  auto ledger = nlohmann::json::parse(p.run({"ledger", "--state", "quarantined", "--json"}).output);
  std::map<std::string, int> quarantined_patches;
  for (const auto& row : ledger) {
    auto id = row["workstream_id"].get<std::string>();
    CHECK(row["workstream_state"] == by_id[id]["state"]);
    ++quarantined_patches[id];
  }
  CHECK(quarantined_patches == std::map<std::string, int>{{"bad-check", 2}, {"flaky-check", 1}});

  auto text = p.run({"status"}).output;
  CHECK(text.find("bad-tool: quarantined (no patch made): ") != std::string::npos);
  CHECK(text.find("bad-check: quarantined (3 attempts; patches: 2 quarantined): ") !=
        std::string::npos);
  CHECK(text.find("flaky-check: committed (2 attempts; patches: 1 committed, 1 quarantined)") !=
        std::string::npos);
  CHECK(text.find("their patches: 1 committed 3 quarantined") != std::string::npos);
  auto table = p.run({"ledger", "--state", "quarantined"}).output;
  CHECK(table.find("WORKSTREAM ENDED") != std::string::npos);
  CHECK(table.find("without a quarantined patch") != std::string::npos);
  CHECK(table.find("bad-tool (" + std::string(st["run_id"]) + ")") != std::string::npos);
}
