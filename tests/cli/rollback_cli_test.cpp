// `uet-actors rollback RUN_ID` on real runs: the branch back where the run
// found it, its patches rolled_back, db check ok, exactly once (again: a
// no-op; killed in the middle: run it again), later runs refused unless
// --cascade, and the workstreams run again afterwards.
#include <csignal>

#include <catch2/catch.hpp>

#include "tests/support/pipeline_project.h"

using namespace uet::test;

namespace {

std::string latest_run(const pipeline_project& p) {
  return p.status()["run_id"];
}

int rolled_back(const pipeline_project& p) {
  auto out = p.run({"ledger", "--state", "rolled_back", "--json"}).output;
  return static_cast<int>(nlohmann::json::parse(out).size());
}

std::map<std::string, std::string> two() {
  return {{"a", ws("echo a > a.txt", "a.txt")}, {"b", ws("echo b > b.txt", "b.txt", "[a]")}};
}

} // namespace

TEST_CASE("rollback: the branch's tree is the one before the run, patches rolled_back, once") {
  auto mode = GENERATE(std::string("revert"), std::string("reset"));
  pipeline_project p(sh_tool, two());
  auto before = p.git({"rev-parse", "HEAD^{tree}"});
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0);
  auto run = latest_run(p);
  std::vector<std::string> args{"rollback", run};
  if (mode == "reset")
    args.push_back("--reset");
  auto r = p.run(args);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("2 patches now rolled_back: a b") != std::string::npos);
  CHECK(p.git({"rev-parse", "uet/integration^{tree}"}) == before);
  if (mode == "reset")
    CHECK(p.git({"rev-parse", "uet/integration"}) == p.git({"rev-parse", "main"}));
  else
    CHECK(p.git({"log", "-1", "--format=%(trailers:key=UET-Rollback,valueonly)",
                 "uet/integration"}) == run);
  CHECK(rolled_back(p) == 2);
  CHECK(p.run({"db", "check"}).exit_code == 0);
  auto again = p.run({"rollback", run});
  CHECK(again.exit_code == 0);
  CHECK(again.output.find("nothing to do") != std::string::npos);
  CHECK(p.git({"rev-parse", "uet/integration^{tree}"}) == before);
  // Eligible again: the next run commits both.
  auto next = p.run({"run", "phase-all"});
  INFO(next.output);
  CHECK(next.output.find("2 committed") != std::string::npos);
  CHECK(p.run({"db", "check"}).exit_code == 0);
}

TEST_CASE("rollback: killed between the branch and the database, run again it ends clean") {
  pipeline_project p(sh_tool, two());
  auto before = p.git({"rev-parse", "HEAD^{tree}"});
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0);
  auto run = latest_run(p);
  auto killed =
      p.run({"rollback", run}, std::chrono::seconds(60), {{"UET_TEST_KILL_AT", "rollback"}});
  CHECK(killed.signal == SIGKILL);
  CHECK(p.git({"rev-parse", "uet/integration^{tree}"}) == before); // the branch moved
  CHECK(rolled_back(p) == 0);                                      // the database not yet
  auto r = p.run({"rollback", run});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(rolled_back(p) == 2);
  CHECK(p.run({"db", "check"}).exit_code == 0);
  CHECK(p.git({"rev-list", "--count", "--grep=UET-Rollback", "uet/integration"}) == "1");
}

TEST_CASE("rollback: an earlier run under a later one is refused unless --cascade") {
  pipeline_project p(sh_tool, {{"a", ws("echo a > a.txt", "a.txt")}});
  auto before = p.git({"rev-parse", "HEAD^{tree}"});
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0);
  auto first = latest_run(p);
  write_file(p.root() / "workstreams" / "a.yaml",
             "workstream_id: a\n" + ws("echo a2 > a.txt", "a.txt"));
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0);
  auto second = latest_run(p);
  REQUIRE(first != second);
  auto tip = p.git({"rev-parse", "uet/integration"});
  auto refused = p.run({"rollback", first});
  INFO(refused.output);
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("later work is on top of run " + first) != std::string::npos);
  CHECK(refused.output.find(second + " (1 commit)") != std::string::npos);
  CHECK(p.git({"rev-parse", "uet/integration"}) == tip);
  auto r = p.run({"rollback", first, "--cascade", "--json"});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.output);
  CHECK(j["runs"].size() == 2);
  CHECK(j["rolled_back"].size() == 2);
  CHECK(p.git({"rev-parse", "uet/integration^{tree}"}) == before);
  CHECK(p.run({"db", "check"}).exit_code == 0);
  CHECK(p.run({"rollback", "no-such-run"}).exit_code == 2);
}
