// Re-run only what changed (ledger/workstream_inputs.h): a workstream whose
// spec, tool, base and dependencies' commits are those of its last result
// is not started again; real runs of the binary on a real repository.
#include <catch2/catch.hpp>

#include "persistence/database.h"
#include "tests/support/pipeline_project.h"

using namespace uet::test;

namespace {

/// Appends the workstream's id to $SCRATCH/starts, then runs body.
std::string counted(const std::string& id, const std::string& body) {
  return "echo " + id + " >> \"$SCRATCH/starts\"\n" + body;
}

/// The ids started since the last call (the counter is emptied).
std::string take_starts(const pipeline_project& p) {
  auto file = p.scratch() / "starts";
  std::error_code ec;
  if (!fs::exists(file, ec))
    return "";
  auto text = read_text(file);
  fs::remove(file, ec);
  return text;
}

/// lib <- app <- docs, and solo beside them; each writes one file.
std::map<std::string, std::string> chain(const std::string& lib_text) {
  auto check = [](const std::string& f) {
    return "acceptance_criteria: {commands: [\"test -s " + f + "\"]}\n";
  };
  return {
      {"lib",
       ws(counted("lib", "echo '" + lib_text + "' > lib.txt"), "lib.txt", "[]", check("lib.txt"))},
      {"app", ws(counted("app", "cat lib.txt > app.txt"), "app.txt", "[lib]", check("app.txt"))},
      {"docs", ws(counted("docs", "echo docs > docs.txt"), "docs.txt", "[app]", check("docs.txt"))},
      {"solo", ws(counted("solo", "echo solo > solo.txt"), "solo.txt", "[]", check("solo.txt"))}};
}

} // namespace

TEST_CASE("rerun: a second run starts no tool, a changed prompt re-runs it and what its patch "
          "changes") {
  pipeline_project p(sh_tool, chain("v1"));
  fs::create_directories(p.scratch());
  auto first = p.run({"run", "phase-all"});
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  CHECK(take_starts(p).size() == std::string("lib\napp\ndocs\nsolo\n").size());

  auto second = p.run({"run", "phase-all"});
  INFO(second.output);
  REQUIRE(second.exit_code == 0);
  CHECK(take_starts(p).empty()); // 0 tools started
  CHECK(second.output.find("0 committed, 4 skipped (4 unchanged)") != std::string::npos);
  auto st = p.status();
  for (const char* id : {"lib", "app", "docs", "solo"})
    CHECK(ws_state(st, id) == "skipped");
  CHECK(p.patch_commits() == 4);

  // lib's prompt changes its output: lib runs, app (built on lib's new
  // commit) runs and changes too, so docs runs; solo stays.
  p.write_workstream("lib", chain("v2").at("lib"));
  auto dry = p.run({"run", "phase-all", "--dry-run"});
  INFO(dry.output);
  CHECK(dry.output.find("lib: runs (prompt changed)") != std::string::npos);
  CHECK(dry.output.find("app: runs if lib's patch changes") != std::string::npos);
  CHECK(dry.output.find("docs: runs if app's patch changes") != std::string::npos);
  CHECK(dry.output.find("1 of 4 unchanged") != std::string::npos);
  auto plan = p.run({"plan", "phase-all", "--json"});
  auto would = nlohmann::json::parse(plan.output)["would_run"];
  REQUIRE(would.size() == 4);
  for (const auto& w : would)
    if (w["workstream"] == "lib")
      CHECK(w["reason"] == "prompt changed");
    else if (w["workstream"] == "solo")
      CHECK(w["verdict"] == "unchanged");
  CHECK(take_starts(p).empty());
  auto third = p.run({"run", "phase-all"});
  INFO(third.output);
  REQUIRE(third.exit_code == 0);
  CHECK(take_starts(p) == "lib\napp\ndocs\n");
  CHECK(third.output.find("2 committed, 2 skipped (1 unchanged)") != std::string::npos);
  CHECK(p.git({"show", "uet/integration:app.txt"}) == "v2");

  // --force runs what it names, or everything.
  auto forced = p.run({"run", "phase-all", "--force", "solo"});
  INFO(forced.output);
  CHECK(take_starts(p) == "solo\n");
  p.run({"run", "phase-all", "--force"});
  CHECK(take_starts(p).size() == std::string("lib\napp\ndocs\nsolo\n").size());
  auto bad = p.run({"run", "phase-all", "--force", "nope"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("--force names workstream(s) not in this run: nope") != std::string::npos);
}

TEST_CASE("rerun: a prompt change whose result is already there does not re-run dependents") {
  pipeline_project p(sh_tool, chain("v1"));
  fs::create_directories(p.scratch());
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0);
  take_starts(p);
  // Same file content, different prompt text: lib runs, changes nothing.
  auto lib = chain("v1").at("lib");
  p.write_workstream("lib", lib.replace(lib.find("echo 'v1'"), 9, "printf '%s\\n' 'v1'"));
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(take_starts(p) == "lib\n");
  CHECK(r.output.find("lib: skipped (already satisfied") != std::string::npos);
  CHECK(p.patch_commits() == 4);
}

TEST_CASE("rerun: a tool that is not idempotent, run twice, leaves its change once") {
  pipeline_project p(sh_tool,
                     {{"add-mul", ws("printf 'def mul(a, b):\\n    return a * b\\n' "
                                     ">> calc.py",
                                     "calc.py")}},
                     {{"calc.py", "def add(a, b):\n    return a + b\n"}});
  for (int i = 0; i < 2; ++i) {
    auto r = p.run({"run", "phase-all"});
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
  }
  auto calc = p.git({"show", "uet/integration:calc.py"});
  CHECK(calc.find("def mul") != std::string::npos);
  CHECK(calc.find("def mul") == calc.rfind("def mul"));
}

TEST_CASE("rerun: the branch is the record: a lost database record, a reset branch") {
  pipeline_project p(sh_tool, chain("v1"));
  fs::create_directories(p.scratch());
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0);
  take_starts(p);
  SECTION("the records a killed run did not write: the UET-Input trailers still count") {
    {
      auto db = uet::persistence::database::open_read_write(p.root() / ".uet" / "state.db");
      REQUIRE(db);
      db->sql().exec("DELETE FROM run_events WHERE event_type = 'workstream_inputs'");
    }
    auto r = p.run({"run", "phase-all"});
    INFO(r.output);
    CHECK(take_starts(p).empty());
  }
  SECTION("a workstream whose commit left the branch runs again, saying why") {
    auto first = p.git({"rev-list", "--max-parents=0", "uet/integration"});
    p.git({"branch", "-f", "uet/integration", first});
    auto r = p.run({"run", "phase-all", "--dry-run"});
    INFO(r.output);
    CHECK(r.output.find("lib: runs (its commit ") != std::string::npos);
    CHECK(r.output.find("is no longer on the integration branch)") != std::string::npos);
    CHECK(p.run({"run", "phase-all"}).exit_code == 0);
    CHECK(take_starts(p).size() == std::string("lib\napp\ndocs\nsolo\n").size());
  }
  SECTION("a commit on the branch's base is an input of every workstream") {
    // Made by hand on the branch (no UET-Patch trailer): what it builds on.
    p.git({"-c", "user.name=t", "-c", "user.email=t@t", "commit", "--allow-empty", "-q", "-m",
           "colleague"});
    auto head = p.git({"rev-parse", "HEAD"});
    auto tip = p.git({"rev-parse", "uet/integration"});
    auto merged = p.git({"-c", "user.name=t", "-c", "user.email=t@t", "commit-tree", "-p", tip,
                         "-p", head, "-m", "bring main in", tip + "^{tree}"});
    p.git({"branch", "-f", "uet/integration", merged});
    auto r = p.run({"run", "phase-all", "--dry-run"});
    INFO(r.output);
    CHECK(r.output.find("solo: runs (base moved") != std::string::npos);
  }
}
