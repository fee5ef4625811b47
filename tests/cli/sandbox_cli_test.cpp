// The sandbox policy as a user meets it (real binary, real tools): the demo
// under `sandbox: required`, what a kernel without Landlock does to each
// mode (simulated with UET_TEST_NO_LANDLOCK=1), and health-check.
#include <catch2/catch.hpp>

#include "tests/support/pipeline_project.h"

using namespace uet::test;

namespace {

const std::map<std::string, std::string> no_landlock{{"UET_TEST_NO_LANDLOCK", "1"}};

} // namespace

TEST_CASE("sandbox: the demo pipeline commits every workstream under sandbox: required") {
  temp_dir d("uet-demo");
  copy_demo(d.path());
  write_file(d.path() / "uet.yaml", read_text(d.path() / "uet.yaml") + "sandbox: required\n");
  auto r = run_cli({"run", "phase-all"}, d.path());
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("13 committed") != std::string::npos);
  auto events = run_cli({"events", "--json"}, d.path()).output;
  CHECK(events.find("sandbox_unconfined") == std::string::npos);
}

TEST_CASE("sandbox: required on a kernel without Landlock refuses the run, exit 2, nothing run") {
  pipeline_project p(sh_tool, {{"a", ws("touch \"$SCRATCH/ran\"; echo a > a.txt", "a.txt")}});
  auto r = p.run({"run", "phase-all"}, std::chrono::seconds(60), no_landlock);
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("tool(s) sh need sandbox: required, but this kernel offers no Landlock") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(p.scratch() / "ran"));
  auto health = p.run({"health-check"}, std::chrono::seconds(60), no_landlock);
  CHECK(health.exit_code == 1);
  CHECK(health.output.find("FAIL  sandbox: tool(s) sh need sandbox: required") !=
        std::string::npos);
  auto ok = p.run({"health-check"});
  CHECK(ok.output.find("ok    sandbox: Landlock ABI ") != std::string::npos);
}

TEST_CASE("sandbox: best-effort without Landlock, and off, warn once per run and record it") {
  auto mode = GENERATE(std::string("best-effort"), std::string("off"));
  pipeline_project p(sh_tool,
                     {{"a", ws("echo a > a.txt", "a.txt")}, {"b", ws("echo b > b.txt", "b.txt")}});
  write_file(p.root() / "uet.yaml", "project: e2e\nrepo: repo\nsandbox: " + mode + "\n");
  auto r = p.run({"run", "phase-all"}, std::chrono::seconds(60), no_landlock);
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(occurrences(r.output, "warning: tool(s) sh run unconfined (sandbox: " + mode + ")") == 1);
  auto events = p.run({"events", "--json"}).output;
  CHECK(occurrences(events, "\"sandbox_unconfined\"") == 1);
}

TEST_CASE("sandbox: a denied write is named in the step's log and in status") {
  pipeline_project p(sh_tool,
                     {{"out", ws("echo x > docs.txt; echo y > \"$HOME/uet-denied-probe\"",
                                 "docs.txt", "[]", "resilience_policy: {max_retries: 0}\n")}});
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  const char* home = std::getenv("HOME");
  REQUIRE(home);
  auto target = std::string(home) + "/uet-denied-probe";
  CHECK_FALSE(fs::exists(target));
  std::string log;
  for (const auto& e : fs::recursive_directory_iterator(p.root() / ".uet" / "logs"))
    if (e.path().filename() == "edit-1.log")
      log = read_text(e.path());
  CHECK(log.find("[uet: the sandbox denied a write to " + target + "]") != std::string::npos);
  auto status = p.run({"status"}).output;
  CHECK(status.find("the sandbox denied a write to " + target) != std::string::npos);
}

TEST_CASE("sandbox: acceptance commands run in the same sandbox as their tool") {
  // The static check writes in its tree (allowed) and then into the home
  // directory (denied): the check fails, and says why.
  pipeline_project p(
      sh_tool, {{"chk", ws("echo c > c.txt", "c.txt", "[]",
                           "resilience_policy: {max_retries: 0}\n"
                           "acceptance_criteria:\n  static: [\"echo ok > built.txt && echo x > "
                           "$HOME/uet-check-probe\"]\n")}});
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  const char* home = std::getenv("HOME");
  REQUIRE(home);
  CHECK_FALSE(fs::exists(std::string(home) + "/uet-check-probe"));
  CHECK(r.output.find("the sandbox denied a write to " + std::string(home) + "/uet-check-probe") !=
        std::string::npos);
  CHECK(p.patch_commits() == 0);
}
