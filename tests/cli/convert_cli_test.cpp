// `uet-actors convert` through the real binary: the real legacy corpus, the
// demo's legacy form, awkward values, and never overwriting.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "config/json_reader.h"
#include "config/yaml_reader.h"
#include "tests/support/test_env.h"

using namespace uet::test;
using json = nlohmann::json;

namespace {

// The real legacy workstreams live outside this repository (they are another
// project's files); CMake finds them, see tests/CMakeLists.txt.
fs::path corpus() {
  return UET_LEGACY_CORPUS;
}

const json* find_file(const json& report, const std::string& input) {
  for (const auto& f : report["files"])
    if (f["input"] == input)
      return &f;
  return nullptr;
}

} // namespace

TEST_CASE("convert: the real legacy corpus converts losslessly or fails precisely") {
  if (corpus().empty() || !fs::exists(corpus())) {
    WARN("legacy corpus not found: configure with -DUET_LEGACY_CORPUS=DIR");
    return;
  }
  temp_dir out;
  auto r =
      run_cli({"convert", corpus().string(), (out / "workstreams").string(), "--check", "--json"},
              out.path());
  INFO(r.output);
  REQUIRE(r.exit_code == 2); // some corpus files are not JSON
  auto rep = json::parse(r.output);
  CHECK(rep["check_failed"] == 0);
  std::size_t converted = 0, failed = 0;
  for (const auto& f : rep["files"]) {
    std::string input = f["input"];
    auto text = read_text(corpus() / input);
    bool is_json = uet::config::parse_json(text).ok();
    INFO(input);
    if (f["status"] == "converted") {
      ++converted;
      CHECK(is_json);
      CHECK(f["round_trip_checked"] == true);
    } else {
      ++failed;
      CHECK(f["status"] == "failed");
      REQUIRE(f["problems"].size() >= 1);
      const auto& p = f["problems"][0];
      CHECK(p["file"] == input);
      // Syntax errors name line and column; others name a JSON pointer.
      std::string field = p["field"];
      CHECK((field.rfind("line ", 0) == 0 || field.rfind("/", 0) == 0));
      if (!is_json)
        CHECK(field.find("column") != std::string::npos);
    }
  }
  CHECK(converted >= 38);
  CHECK(failed == 13);

  // Duplicate dependencies are reported and preserved, not dropped.
  const json* ws18 = find_file(rep, "ws-18-update-infrastructure-scripts.json");
  REQUIRE(ws18);
  bool reported = false;
  for (const auto& p : (*ws18)["problems"])
    reported =
        reported || (p["severity"] == "warning" &&
                     std::string(p["message"]).find("listed more than once") != std::string::npos);
  CHECK(reported);
  auto yaml =
      uet::config::load_yaml_file(out / "workstreams" / "ws-18-update-infrastructure-scripts.yaml");
  REQUIRE(yaml.ok());
  auto original =
      uet::config::parse_json(read_text(corpus() / "ws-18-update-infrastructure-scripts.json"));
  REQUIRE(original.ok());
  CHECK(yaml->find("dependencies")->items().size() == original->find("depends_on")->items().size());

  // The multi-step examples fail with the reason; the single ones convert.
  temp_dir out2;
  auto ex = run_cli({"convert", (corpus() / "examples").string(), out2.path().string(), "--check"},
                    out2.path());
  CHECK(ex.exit_code == 2);
  CHECK(ex.output.find("02_parallel_execution.json: /tool: required field 'tool' is missing") !=
        std::string::npos);
  CHECK(ex.output.find("multi-step workstream has no single UET equivalent") != std::string::npos);
  CHECK(ex.output.find("converted  01_simple_task.json -> 01_simple_task.yaml (round trip ok)") !=
        std::string::npos);

  // The converted set goes through validate: duplicates warned, prose
  // flagged, and dependencies on absent workstreams reported.
  write_file(out / "tools.yaml", "tools:\n  aider: {adapter: aider}\n  codex: {argv: [codex]}\n");
  auto v = run_cli({"validate"}, out.path());
  INFO(v.output);
  CHECK(v.exit_code == 0);
  CHECK(v.output.find("'ws-10-openspec-integration' is listed more than once") !=
        std::string::npos);
  CHECK(v.output.find("reads like prose") != std::string::npos);
  fs::remove(out / "workstreams" / "ws-05-refactor-infra-ci.yaml");
  v = run_cli({"validate"}, out.path());
  CHECK(v.exit_code == 2);
  CHECK(v.output.find("workstreams/ws-19-test-suite-updates.yaml: dependencies[4]: depends on "
                      "'ws-05-refactor-infra-ci', which is not a workstream in this project") !=
        std::string::npos);
}

TEST_CASE("convert: the demo's legacy form converts into the demo's workstreams") {
  temp_dir out;
  auto r = run_cli({"convert", (source_dir() / "examples" / "legacy").string(),
                    (out / "workstreams").string(), "--check"},
                   out.path());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  fs::copy_file(source_dir() / "examples" / "demo" / "tools.yaml", out / "tools.yaml");
  CHECK(run_cli({"validate"}, out.path()).exit_code == 0);
  for (const auto& e : fs::directory_iterator(source_dir() / "examples" / "demo" / "workstreams")) {
    auto mine = uet::config::load_yaml_file(out / "workstreams" / e.path().filename());
    auto demo = uet::config::load_yaml_file(e.path());
    REQUIRE(mine.ok());
    REQUIRE(demo.ok());
    INFO(e.path().filename());
    for (const char* key : {"workstream_id", "execution_request", "dependencies"}) {
      const auto* a = mine->find(key);
      const auto* b = demo->find(key);
      if (std::string(key) == "execution_request") {
        CHECK(a->find("tool_id")->text() == b->find("tool_id")->text());
        CHECK(a->find("prompt")->text() == b->find("prompt")->text());
      } else if (b) {
        CHECK_FALSE(uet::config::first_difference(*a, *b).has_value());
      }
    }
    CHECK_FALSE(uet::config::first_difference(*mine->find("constraints")->find("file_scope"),
                                              *demo->find("constraints")->find("file_scope"))
                    .has_value());
  }
}

TEST_CASE("convert: never overwrites without --force, and invalid JSON names line and column") {
  temp_dir dir;
  write_file(dir / "in/a.json", R"({"id": "a", "tool": "t", "tasks": ["x"]})");
  write_file(dir / "in/bad.json", "{\n  \"id\": \"b\",\n  \"tool\": 't'\n}");
  write_file(dir / "out/a.yaml", "# mine\n");
  auto r = run_cli({"convert", "in", "out"}, dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("output a.yaml already exists; pass --force to overwrite") !=
        std::string::npos);
  CHECK(r.output.find("bad.json: line 3, column 11: invalid JSON: expected a value, found '''") !=
        std::string::npos);
  CHECK(read_text(dir / "out/a.yaml") == "# mine\n");
  r = run_cli({"convert", "in", "out", "--force", "--check"}, dir.path());
  CHECK(read_text(dir / "out/a.yaml").find("workstream_id: a") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out/bad.yaml"));
}

TEST_CASE("convert: awkward values survive and arrays become one file per workstream") {
  temp_dir dir;
  write_file(dir / "in/many.json", R"([
    {"id": "w1", "tool": "t", "tasks": ["line with\nnewline", "émoji 😀", ""],
     "big": 123456789012345678901234567890, "neg0": -0, "f": 1.5e-300, "nul": null,
     "obj": {"deep": [[{"x": false}]]}, "depends_on": ["w2", "w2"]},
    {"id": "w2", "tool": "t", "circuit_breaker": {"max_attempts": 1, "extra": [1]}}
  ])");
  auto r = run_cli({"convert", "in", "out", "--check", "--json"}, dir.path());
  INFO(r.output);
  CHECK(r.exit_code == 0);
  auto rep = json::parse(r.output);
  CHECK(rep["converted"] == 1);
  CHECK(rep["files"][0]["outputs"] == json::array({"many.0.yaml", "many.1.yaml"}));
  auto y = read_text(dir / "out/many.0.yaml");
  CHECK(y.find("big: 123456789012345678901234567890") != std::string::npos);
  CHECK(y.find("neg0: -0") != std::string::npos);
}
