// `uet-actors plan`, `init` and `health-check` through the real binary.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/pipeline_project.h"
#include "tests/support/test_env.h"

using namespace uet::test;
using json = nlohmann::json;

namespace {

fs::path demo() {
  return source_dir() / "examples" / "demo";
}

} // namespace

TEST_CASE("plan: the demo's waves and critical path as JSON") {
  auto r = run_cli({"-C", demo().string(), "plan", "phase-all", "--json"}, source_dir());
  REQUIRE(r.exit_code == 0);
  auto p = json::parse(r.output);
  CHECK(p["workstreams"] == 13);
  CHECK(p["waves"].size() == 5);
  CHECK(p["waves"][0].size() == 5);
  CHECK(p["critical_path"]["length"] == 5);
  CHECK(p["critical_path"]["workstreams"].back() == "changelog");
  CHECK(p["makespan_lower_bound"] == 5);
  auto two =
      json::parse(run_cli({"-C", demo().string(), "plan", "phase-all", "--json", "--workers", "1"},
                          source_dir())
                      .output);
  CHECK(two["makespan_lower_bound"] == 13);
}

TEST_CASE("plan: a named phase plans its own workstreams and names the ones outside") {
  auto r = run_cli({"-C", demo().string(), "plan", "phase-docs"}, source_dir());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("phase-docs: 3 workstreams") != std::string::npos);
  CHECK(r.output.find("outside this phase (must already be committed): tests-plugins greet-help") !=
        std::string::npos);
  auto bad = run_cli({"-C", demo().string(), "plan", "phase-nope"}, source_dir());
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("unknown phase 'phase-nope' (known: phase-all, phase-docs, phase-libs)") !=
        std::string::npos);
}

TEST_CASE("plan: --dot renders with Graphviz") {
  temp_dir dir;
  auto r = run_cli({"-C", demo().string(), "plan", "phase-all", "--dot"}, source_dir());
  REQUIRE(r.exit_code == 0);
  write_file(dir / "plan.dot", r.output);
  auto svg = must_run(
      {"dot", "-Tsvg", (dir / "plan.dot").string(), "-o", (dir / "plan.svg").string()}, dir.path());
  auto text = read_text(dir / "plan.svg");
  CHECK(text.find("<svg") != std::string::npos);
  CHECK(text.find("greet&#45;shout") != std::string::npos);
}

TEST_CASE("plan: an invalid project is refused with its problems") {
  auto dir = source_dir() / "tests" / "fixtures" / "invalid" / "cycle";
  auto r = run_cli({"-C", dir.string(), "plan", "phase-all"}, source_dir());
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("dependency cycle: a -> b -> c -> a") != std::string::npos);
}

TEST_CASE("init: scaffolds a project that validates, plans and is healthy") {
  temp_dir dir;
  auto r = run_cli({"init", "proj"}, dir.path());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto proj = dir / "proj";
  CHECK(fs::exists(proj / "uet.yaml"));
  CHECK(fs::exists(proj / "workstreams" / "hello.yaml"));
  CHECK(run_cli({"-C", proj.string(), "validate"}, dir.path()).exit_code == 0);
  CHECK(run_cli({"-C", proj.string(), "plan", "phase-hello"}, dir.path()).exit_code == 0);
  auto h = run_cli({"-C", proj.string(), "health-check"}, dir.path());
  INFO(h.output);
  CHECK(h.exit_code == 0);
  CHECK(h.output.find("warn  tool aider: 'aider' not found on PATH (no workstream uses it)") !=
        std::string::npos);
  // A second init refuses to overwrite.
  auto again = run_cli({"init", "proj"}, dir.path());
  CHECK(again.exit_code == 2);
  CHECK(again.output.find("already exists; pass --force") != std::string::npos);
}

TEST_CASE("init: without DIR, the project is named after the current directory") {
  temp_dir dir;
  fs::create_directories(dir / "shop-api");
  auto r = run_cli({"init"}, dir / "shop-api");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(read_text(dir / "shop-api" / "uet.yaml").find("project: shop-api\n") != std::string::npos);
}

TEST_CASE("health-check: a missing repository and a missing tool fail it") {
  temp_dir dir;
  write_file(dir / "tools.yaml", "tools:\n  t:\n    argv: [no-such-tool-uet]\n");
  write_file(dir / "workstreams/a.yaml",
             "workstream_id: a\nexecution_request: {tool_id: t, prompt: x}\n"
             "constraints: {file_scope: {allowed_paths: [x]}}\n");
  auto r = run_cli({"health-check", "--json"}, dir.path());
  INFO(r.output);
  CHECK(r.exit_code == 1);
  auto doc = json::parse(r.output);
  CHECK(doc["ok"] == false);
  std::map<std::string, std::string> status;
  for (const auto& c : doc["checks"])
    status[c["check"]] = c["status"];
  CHECK(status["config"] == "warn"); // validate warns of the missing program too
  CHECK(status["tool t"] == "fail");
  CHECK(status["repository"] == "fail");
}

TEST_CASE("run: --parallel names what is wrong with its value, exit 2") {
  for (const auto& [value, says] : std::vector<std::pair<std::string, std::string>>{
           {"abc", "'abc' is not a number of worker slots"},
           {"1.5", "'1.5' is not a number of worker slots"},
           {"0", "0 worker slots: must be 1 to 256"},
           {"257", "257 worker slots: must be 1 to 256"}}) {
    auto r = run_cli({"-C", demo().string(), "run", "phase-all", "--dry-run", "--parallel", value},
                     source_dir());
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(says) != std::string::npos);
  }
}

TEST_CASE("plan: once runs exist, durations are the earlier runs' in seconds, not units") {
  pipeline_project p(sh_tool, {{"a", ws("sleep 0.2; echo a > a.txt", "a.txt")},
                               {"b", ws("echo b > b.txt", "b.txt", "[a]")}});
  auto before = p.run({"plan", "phase-all"});
  CHECK(before.output.find("units (1 unit per workstream: no runs yet)") != std::string::npos);
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0);
  auto after = p.run({"plan", "phase-all"});
  INFO(after.output);
  CHECK(after.output.find(" s (from earlier runs' durations)") != std::string::npos);
  CHECK(after.output.find("units") == std::string::npos);
  auto doc = json::parse(p.run({"plan", "phase-all", "--json"}).output);
  CHECK(doc["duration_unit"] == "seconds (earlier runs' durations)");
  CHECK(doc["critical_path"]["length"].get<double>() > 0.2); // a slept 0.2 s
  CHECK(doc["critical_path"]["length"].get<double>() < 60);  // seconds, not milliseconds
}
