#include <catch2/catch.hpp>

#include "config/json_reader.h"
#include "config/legacy.h"
#include "config/yaml_reader.h"
#include "config/yaml_writer.h"

using namespace uet::config;

namespace {

value json(const char* text) {
  auto v = parse_json(text);
  REQUIRE(v.ok());
  return *v;
}

// legacy -> UET -> YAML text -> UET -> legacy, as `convert --check` does.
value through_yaml(const value& legacy, problem_list& problems) {
  auto uet = legacy_to_uet(legacy, "t.json", "", problems);
  REQUIRE(uet.has_value());
  auto back = parse_yaml(to_yaml(*uet));
  REQUIRE(back.ok());
  return uet_to_legacy(*back);
}

} // namespace

TEST_CASE("legacy: the SPEC example maps field by field") {
  auto legacy = json(R"({ "id": "ws-auth", "tool": "aider", "files_scope": ["src/auth.py"],
    "tasks": ["Add a rate limit", "Add tests"], "acceptance_tests": ["pytest -q"],
    "depends_on": ["ws-db"], "circuit_breaker": {"max_attempts": 3},
    "any_other_field": "kept under extensions.legacy" })");
  problem_list problems;
  auto uet = legacy_to_uet(legacy, "ws-auth.json", "", problems);
  REQUIRE(uet.has_value());
  CHECK(problems.empty());
  CHECK(uet->find("workstream_id")->text() == "ws-auth");
  const value* er = uet->find("execution_request");
  CHECK(er->find("tool_id")->text() == "aider");
  CHECK(er->find("prompt")->text() == "Add a rate limit\nAdd tests");
  CHECK(er->find("files")->items()[0].text() == "src/auth.py");
  CHECK(uet->find("constraints")->find("file_scope")->find("allowed_paths")->items()[0].text() ==
        "src/auth.py");
  CHECK(uet->find("acceptance_criteria")->find("commands")->items()[0].text() == "pytest -q");
  CHECK(uet->find("dependencies")->items()[0].text() == "ws-db");
  CHECK(uet->find("resilience_policy")->find("max_retries")->text() == "2");
  CHECK(uet->find("extensions")->find("legacy")->find("any_other_field")->text() ==
        "kept under extensions.legacy");
  CHECK_FALSE(first_difference(legacy, uet_to_legacy(*uet)).has_value());
}

TEST_CASE("legacy: awkward values round-trip exactly through YAML") {
  auto legacy = json(R"({
    "id": "ws-x", "tool": "aider",
    "tasks": ["first", "", "third with \"quotes\" and: colon", "caf\u00e9 \ud83d\ude00"],
    "files_scope": [], "depends_on": ["a", "a"],
    "circuit_breaker": {"max_attempts": 5, "max_error_repeats": 2, "oscillation_threshold": 1.5},
    "metadata": {"owner": null, "n": 12345678901234567890123, "f": -0.0, "ok": false,
                 "nested": [[], {}, [null, true, 1e-300]]},
    "gate": 1, "ccpm_issue": "N/A", "extensions": {"already": "here"}
  })");
  problem_list problems;
  auto back = through_yaml(legacy, problems);
  auto diff = first_difference(legacy, back);
  INFO("difference at " << diff.value_or("-"));
  CHECK_FALSE(diff.has_value());
}

TEST_CASE("legacy: tasks holding newlines are kept verbatim as well, with a warning") {
  auto legacy = json(R"({"id": "ws-n", "tool": "t", "tasks": ["two\nlines", "x"]})");
  problem_list problems;
  auto back = through_yaml(legacy, problems);
  CHECK_FALSE(first_difference(legacy, back).has_value());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].field == "/tasks");
  CHECK(problems[0].level == severity::warning);
}

TEST_CASE("legacy: empty task lists are told apart") {
  for (const char* text :
       {R"({"id": "a", "tool": "t", "tasks": []})", R"({"id": "a", "tool": "t", "tasks": [""]})",
        R"({"id": "a", "tool": "t", "tasks": ["", ""]})"}) {
    auto legacy = json(text);
    problem_list problems;
    CHECK_FALSE(first_difference(legacy, through_yaml(legacy, problems)).has_value());
  }
}

TEST_CASE("legacy: an unmappable max_attempts keeps the whole breaker under extensions.legacy") {
  for (const char* text : {R"({"id": "a", "tool": "t", "circuit_breaker": {"max_attempts": 0}})",
                           R"({"id": "a", "tool": "t", "circuit_breaker": {"max_attempts": 2.0}})",
                           R"({"id": "a", "tool": "t", "circuit_breaker": {"max_attempts": "3"}})",
                           R"({"id": "a", "tool": "t", "circuit_breaker": true})",
                           R"({"id": "a", "tool": "t", "circuit_breaker": {}})"}) {
    auto legacy = json(text);
    problem_list problems;
    auto uet = legacy_to_uet(legacy, "t.json", "", problems);
    REQUIRE(uet.has_value());
    CHECK(uet->find("resilience_policy") == nullptr);
    CHECK_FALSE(first_difference(legacy, through_yaml(legacy, problems)).has_value());
  }
}

TEST_CASE("legacy: files that are not workstreams get precise errors") {
  problem_list p;
  CHECK_FALSE(legacy_to_uet(json("[1]"), "f.json", "", p).has_value());
  CHECK(p.back().message == "expected a workstream object, got array");

  p.clear();
  CHECK_FALSE(legacy_to_uet(json(R"({"id": "a"})"), "f.json", "", p).has_value());
  CHECK(p.back().field == "/tool");

  p.clear();
  CHECK_FALSE(legacy_to_uet(json(R"({"id": "a", "steps": []})"), "f.json", "", p).has_value());
  CHECK(p.back().message.find("multi-step workstream has no single UET equivalent") !=
        std::string::npos);

  p.clear();
  CHECK_FALSE(legacy_to_uet(json(R"({"id": "a", "tool": "t", "depends_on": "b"})"), "f.json", "", p)
                  .has_value());
  CHECK(p.back().field == "/depends_on");
  CHECK(p.back().message == "expected a list of strings, got string");

  p.clear();
  CHECK_FALSE(legacy_to_uet(json(R"({"id": "WS 1", "tool": "t"})"), "f.json", "", p).has_value());
  CHECK(p.back().message.find("not a valid UET workstream_id") != std::string::npos);
}

TEST_CASE("legacy: repeated dependencies are reported and preserved") {
  auto legacy = json(R"({"id": "a", "tool": "t", "depends_on": ["b", "c", "b"]})");
  problem_list p;
  auto uet = legacy_to_uet(legacy, "f.json", "", p);
  REQUIRE(uet.has_value());
  CHECK(uet->find("dependencies")->items().size() == 3);
  REQUIRE(p.size() == 1);
  CHECK(p[0].field == "/depends_on/2");
}
