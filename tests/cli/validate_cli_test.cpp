// `uet-actors validate` on bad input, through the real binary: one fixture
// directory per case under tests/fixtures/invalid/, each with an `expect`
// file (one required line fragment per line) and an optional `env` file.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/test_env.h"

using namespace uet::test;

namespace {

std::vector<std::string> lines_of(const fs::path& p) {
  std::vector<std::string> out;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);)
    if (!line.empty())
      out.push_back(line);
  return out;
}

} // namespace

TEST_CASE("validate: every bad-input fixture exits 2 and says what is wrong") {
  auto root = source_dir() / "tests" / "fixtures" / "invalid";
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(root))
    cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 20);
  for (const auto& dir : cases) {
    DYNAMIC_SECTION(dir.filename().string()) {
      std::map<std::string, std::string> env;
      for (const auto& kv : lines_of(dir / "env"))
        env[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
      auto r = run_cli({"-C", dir.string(), "validate"}, source_dir(), env);
      INFO("output:\n" << r.output);
      CHECK(r.exit_code == 2);
      for (const auto& want : lines_of(dir / "expect"))
        CHECK(r.output.find(want) != std::string::npos);
    }
  }
}

TEST_CASE("validate: --json lists every problem with severity, file, field and message") {
  auto dir = source_dir() / "tests" / "fixtures" / "invalid" / "many-problems-in-many-files";
  auto r = run_cli({"-C", dir.string(), "validate", "--json"}, source_dir());
  CHECK(r.exit_code == 2);
  auto doc = nlohmann::json::parse(r.output);
  CHECK(doc["ok"] == false);
  CHECK(doc["errors"] == 6);
  REQUIRE(doc["problems"].size() >= 6);
  for (const auto& p : doc["problems"]) {
    CHECK(p.contains("severity"));
    CHECK(p.contains("file"));
    CHECK(p.contains("field"));
    CHECK(p.contains("message"));
  }
}

TEST_CASE("validate: 100,000-level nesting and alias bombs end as errors, not hangs") {
  temp_dir dir;
  write_file(dir / "tools.yaml", "tools:\n  sh:\n    argv: [sh]\n");
  write_file(dir / "workstreams/flow.yaml",
             "workstream_id: flow\nextensions: " + std::string(100000, '[') +
                 std::string(100000, ']') + "\n");
  std::string block = "workstream_id: block\nextensions:\n";
  // Block nesting costs one more column per level: 3,000 levels is 4.5 MB.
  for (int i = 1; i <= 3000; ++i)
    block += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  write_file(dir / "workstreams/block.yaml", block);
  std::string seq = "workstream_id: seq\nextensions:\n";
  for (int i = 0; i < 100000; ++i)
    seq += "- ";
  write_file(dir / "workstreams/seq.yaml", seq + "x\n");
  auto r = run_cli({"validate"}, dir.path(), {}, std::chrono::seconds(30));
  INFO(r.output);
  CHECK_FALSE(r.timed_out);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("workstreams/flow.yaml: line 2") != std::string::npos);
  CHECK(r.output.find("nesting is deeper than 256 levels") != std::string::npos);
  CHECK(r.output.find("workstreams/block.yaml") != std::string::npos);
  CHECK(r.output.find("workstreams/seq.yaml") != std::string::npos);
}

TEST_CASE("validate: the bundled demo is valid") {
  auto r = run_cli({"-C", (source_dir() / "examples" / "demo").string(), "validate"}, source_dir());
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("ok: ") != std::string::npos);
}

TEST_CASE("cli: usage errors exit 2 with a hint") {
  temp_dir dir;
  auto r = run_cli({"frobnicate"}, dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("--help") != std::string::npos);
  r = run_cli({"-C", (dir / "missing").string(), "validate"}, dir.path());
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("No such file or directory") != std::string::npos);
  r = run_cli({"plan", "phase-all", "--json", "--dot"}, dir.path());
  CHECK(r.exit_code == 2);
}

TEST_CASE("validate: a tool whose program is not there is a warning, if a workstream uses it") {
  temp_dir d("uet-validate");
  write_file(d / "tools.yaml", "tools:\n"
                               "  typo:\n    argv: [\"/bin/shx\", \"-c\", \"{prompt}\"]\n"
                               "  gone:\n    argv: [\"no-such-program-uet\", \"{prompt}\"]\n"
                               "  unused:\n    argv: [\"/bin/also-missing\"]\n"
                               "  fine:\n    argv: [\"sh\", \"-c\", \"{prompt}\"]\n");
  for (const char* tool : {"typo", "gone", "fine"})
    write_file(d / "workstreams" / (std::string(tool) + ".yaml"),
               std::string("workstream_id: w-") + tool + "\nexecution_request: {tool_id: " + tool +
                   ", prompt: p}\nconstraints: {file_scope: {allowed_paths: [a]}}\n");
  auto r = run_cli({"-C", d.path().string(), "validate"}, d.path());
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("tools.yaml: tools.typo.argv[0]: warning: '/bin/shx' is not an executable "
                      "file; every run of this tool would fail") != std::string::npos);
  CHECK(r.output.find("tools.gone.argv[0]: warning: 'no-such-program-uet' is not found on PATH") !=
        std::string::npos);
  CHECK(r.output.find("unused") == std::string::npos);
  CHECK(r.output.find("tools.fine") == std::string::npos);
}

TEST_CASE("validate: a workstream with no acceptance command warns, and is refused under "
          "require_acceptance") {
  temp_dir d("uet-validate");
  write_file(d / "tools.yaml", "tools:\n  sh:\n    argv: [\"sh\", \"-c\", \"{prompt}\"]\n");
  write_file(d / "workstreams" / "bare.yaml",
             "workstream_id: bare\nexecution_request: {tool_id: sh, prompt: p}\n"
             "constraints: {file_scope: {allowed_paths: [a]}}\n");
  write_file(d / "workstreams" / "checked.yaml",
             "workstream_id: checked\nexecution_request: {tool_id: sh, prompt: p}\n"
             "constraints: {file_scope: {allowed_paths: [b]}}\n"
             "acceptance_criteria: {commands: [\"test -f b\"]}\n");
  auto warned = run_cli({"-C", d.path().string(), "validate"}, d.path());
  INFO(warned.output);
  CHECK(warned.exit_code == 0);
  CHECK(warned.output.find("workstreams/bare.yaml: acceptance_criteria: warning: no acceptance "
                           "command") != std::string::npos);
  CHECK(warned.output.find("checked.yaml") == std::string::npos);
  write_file(d / "uet.yaml", "require_acceptance: true\n");
  auto refused = run_cli({"-C", d.path().string(), "validate"}, d.path());
  INFO(refused.output);
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("workstreams/bare.yaml: acceptance_criteria: no acceptance command: "
                            "its change would be committed on the tool's exit code alone "
                            "(uet.yaml: require_acceptance: true)") != std::string::npos);
  CHECK(run_cli({"-C", d.path().string(), "run", "phase-all"}, d.path()).exit_code == 2);
}
