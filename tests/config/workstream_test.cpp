#include <catch2/catch.hpp>

#include "config/tools.h"
#include "config/workstream.h"
#include "config/yaml_reader.h"

using namespace uet::config;

namespace {

problem_list problems_of(const std::string& yaml) {
  auto doc = parse_yaml(yaml);
  REQUIRE(doc.ok());
  problem_list out;
  parse_workstream(*doc, "ws.yaml", out);
  return out;
}

bool has(const problem_list& ps, const std::string& field, const std::string& words) {
  for (const auto& p : ps)
    if (p.field == field && p.message.find(words) != std::string::npos)
      return true;
  return false;
}

const char* const good = R"(workstream_id: ws-auth
title: Rate-limit the login endpoint
priority: 3
execution_request:
  tool_id: aider
  prompt: |
    Add a rate limit to login.
  files: [src/auth.py]
constraints:
  file_scope:
    allowed_paths: ["src/auth/**", "tests/test_auth.py"]
  timeout_s: 600
acceptance_criteria:
  static: ["python3 -m pyflakes src/auth"]
  commands: ["python3 -m pytest -q tests/test_auth.py"]
dependencies: [ws-db]
resilience_policy:
  max_retries: 2
  backoff: {initial_ms: 500, multiplier: 2.0, max_ms: 30000, jitter: 0.2}
extensions: {team: auth}
)";

} // namespace

TEST_CASE("workstream: the SPEC example parses into typed fields with no problems") {
  auto doc = parse_yaml(good);
  REQUIRE(doc.ok());
  problem_list out;
  auto ws = parse_workstream(*doc, "ws.yaml", out);
  REQUIRE(ws.has_value());
  CHECK(out.empty());
  CHECK(ws->id == "ws-auth");
  CHECK(ws->priority == 3);
  CHECK(ws->tool_id == "aider");
  CHECK(ws->prompt == "Add a rate limit to login.\n");
  CHECK(ws->allowed_paths.size() == 2);
  CHECK(ws->timeout_s == 600);
  CHECK(ws->static_checks.size() == 1);
  CHECK(ws->dependencies == std::vector<std::string>{"ws-db"});
  CHECK(ws->resilience.max_retries == 2);
  REQUIRE(ws->resilience.backoff.has_value());
  CHECK(ws->resilience.backoff->jitter == Approx(0.2));
  CHECK(ws->extensions.find("team")->text() == "auth");
}

TEST_CASE("workstream: every problem in one file is reported, each naming its field") {
  auto ps = problems_of(R"(workstream_id: Bad Id
priority: high
execution_request:
  prompt: [not, a, string]
  files: ["/etc/passwd", "../up", "ok.txt", ".git/config"]
constraints:
  timeout_s: 0
  file_scope: {allowed_paths: ["src/**", 7]}
acceptance_criteria:
  commands: ["All tests pass", ""]
dependecies: [x]
resilience_policy:
  max_retries: 1000
  backoff: {initial_ms: 900, max_ms: 100, jitter: 2}
)");
  CHECK(has(ps, "workstream_id", "is not a valid id"));
  CHECK(has(ps, "priority", "expected an integer, got string \"high\""));
  CHECK(has(ps, "execution_request.tool_id", "required field is missing"));
  CHECK(has(ps, "execution_request.prompt", "expected a string, got array"));
  CHECK(has(ps, "execution_request.files[0]", "absolute path"));
  CHECK(has(ps, "execution_request.files[1]", "'..'"));
  CHECK(has(ps, "execution_request.files[3]", ".git/"));
  CHECK(has(ps, "constraints.timeout_s", "out of range: 0 (allowed 1..86400)"));
  CHECK(has(ps, "constraints.file_scope.allowed_paths[1]", "expected a string, got number 7"));
  CHECK(has(ps, "acceptance_criteria.commands[0]", "reads like prose"));
  CHECK(has(ps, "acceptance_criteria.commands[1]", "empty command"));
  CHECK(has(ps, "dependecies", "did you mean 'dependencies'?"));
  CHECK(has(ps, "resilience_policy.max_retries", "out of range"));
  CHECK(has(ps, "resilience_policy.backoff.jitter", "out of range"));
  CHECK(has(ps, "resilience_policy.backoff.max_ms", "below initial_ms"));
}

TEST_CASE("workstream: a document that is not a mapping is one problem") {
  auto ps = problems_of("- just\n- a list\n");
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].message == "expected a mapping, got array [\"just\",\"a list\"]");
}

TEST_CASE("tools: adapters, argv placeholders and breaker bounds are checked") {
  auto doc = parse_yaml(R"(tools:
  good:
    adapter: subprocess
    argv: ["/bin/sh", "-c", "{prompt}", "{files}"]
    max_concurrency: 2
    env: {A: "1", B: 2}
    circuit_breaker: {failure_rate_threshold: 0.5, minimum_calls: 4, window: 10}
  aider:
    adapter: aider
  bad:
    adapter: docker
    argv: ["{prompt}", "x{files}", "{unknown}", "${HOME}"]
    circuit_breaker: {minimum_calls: 20, window: 10}
)");
  REQUIRE(doc.ok());
  problem_list ps;
  auto reg = parse_tools(*doc, "tools.yaml", ps);
  REQUIRE(reg.find("good"));
  CHECK(reg.find("good")->env.at("B") == "2");
  REQUIRE(reg.find("aider"));
  CHECK(reg.find("aider")->argv == default_aider_argv());
  CHECK(has(ps, "tools.bad.adapter", "unknown adapter kind 'docker'"));
  CHECK(has(ps, "tools.bad.argv[0]", "may not be a placeholder"));
  CHECK(has(ps, "tools.bad.argv[1]", "{files} must be a whole argv element"));
  CHECK(has(ps, "tools.bad.argv[2]", "unknown placeholder {unknown}"));
  CHECK_FALSE(has(ps, "tools.bad.argv[3]", "placeholder"));
  CHECK(has(ps, "tools.bad.circuit_breaker.minimum_calls", "could never open"));
}

TEST_CASE("tools: limits default to sane bounds, 0 lifts one, and bad ones are named") {
  auto doc = parse_yaml(R"(tools:
  plain:
    argv: ["/bin/sh", "-c", "{prompt}"]
  tight:
    argv: ["/bin/sh", "-c", "{prompt}"]
    limits: {cpu_s: 5, address_space_mb: 2048, file_size_mb: 0, open_files: 256, output_mb: 2}
  bad:
    argv: ["/bin/sh", "-c", "{prompt}"]
    limits: {cpu_s: -1, address_space_mb: 10, open_files: 4, output_mb: 0, memory: 5}
)");
  REQUIRE(doc.ok());
  problem_list ps;
  auto reg = parse_tools(*doc, "tools.yaml", ps);
  REQUIRE(reg.find("plain"));
  CHECK(reg.find("plain")->limits == default_tool_limits());
  CHECK(reg.find("plain")->limits.cpu_s == 3600);
  CHECK(reg.find("plain")->limits.address_space_mb == 0);
  CHECK(reg.find("plain")->output_mb == 16);
  REQUIRE(reg.find("tight"));
  const auto& t = reg.find("tight")->limits;
  CHECK(t.cpu_s == 5);
  CHECK(t.address_space_mb == 2048);
  CHECK(t.file_size_mb == 0);
  CHECK(t.open_files == 256);
  CHECK(reg.find("tight")->output_mb == 2);
  CHECK(has(ps, "tools.bad.limits.cpu_s", "out of range"));
  CHECK(has(ps, "tools.bad.limits.address_space_mb", "too little"));
  CHECK(has(ps, "tools.bad.limits.open_files", "too few"));
  CHECK(has(ps, "tools.bad.limits.output_mb", "out of range"));
  CHECK(has(ps, "tools.bad.limits.memory", "unknown"));
}

TEST_CASE("tools: sandbox is a mode or {mode, write} and the project fills what a tool leaves") {
  auto doc = parse_yaml(R"(tools:
  plain:
    argv: ["/bin/sh", "-c", "{prompt}"]
  strict:
    argv: ["/bin/sh", "-c", "{prompt}"]
    sandbox: required
  cached:
    argv: ["/bin/sh", "-c", "{prompt}"]
    sandbox: {write: ["~/.cache/x", "/var/cache/x"]}
  bad:
    argv: ["/bin/sh", "-c", "{prompt}"]
    sandbox: {mode: strict, write: ["relative/dir", "/"], read: []}
)");
  REQUIRE(doc.ok());
  problem_list ps;
  auto reg = parse_tools(*doc, "tools.yaml", ps);
  uet::sandbox_policy project{uet::sandbox_mode::off, {"/shared"}};
  REQUIRE(reg.find("plain"));
  CHECK(sandbox_of(*reg.find("plain"), {}).mode == uet::sandbox_mode::best_effort);
  CHECK(sandbox_of(*reg.find("plain"), project).mode == uet::sandbox_mode::off);
  CHECK(sandbox_of(*reg.find("strict"), project).mode == uet::sandbox_mode::required);
  auto cached = sandbox_of(*reg.find("cached"), project);
  CHECK(cached.mode == uet::sandbox_mode::off);
  CHECK(cached.write == std::vector<std::string>{"/shared", "~/.cache/x", "/var/cache/x"});
  CHECK(has(ps, "tools.bad.sandbox.mode", "not a sandbox mode"));
  CHECK(has(ps, "tools.bad.sandbox.write[0]", "must be an absolute path"));
  CHECK(has(ps, "tools.bad.sandbox.write[1]", "pointless"));
  CHECK(has(ps, "tools.bad.sandbox.read", "unknown"));
}

TEST_CASE("workstream: constraints.patch_limits override the project's field by field") {
  auto doc = parse_yaml(R"(workstream_id: big
execution_request: {tool_id: sh, prompt: p}
constraints:
  file_scope: {allowed_paths: ["data/**"]}
  patch_limits: {max_file_bytes: "100 MiB"}
  allow_submodules: true
)");
  REQUIRE(doc.ok());
  problem_list ps;
  auto ws = parse_workstream(*doc, "ws.yaml", ps);
  REQUIRE(ws);
  CHECK(ps.empty());
  CHECK(ws->allow_submodules);
  auto limits = apply_override(uet::patch_limits{}, ws->patch_limits);
  CHECK(limits.max_file_bytes == (100 << 20));
  CHECK(limits.max_bytes == (20 << 20));
  CHECK(has(problems_of("workstream_id: a\nexecution_request: {tool_id: sh, prompt: p}\n"
                        "constraints: {allow_submodules: 1, patch_limits: {max_files: -2}}\n"),
            "constraints.patch_limits.max_files", "out of range"));
}

TEST_CASE("workstream: max_error_repeats and oscillation_threshold, or the legacy breaker's") {
  auto parse = [](const std::string& yaml) {
    auto doc = parse_yaml(yaml);
    REQUIRE(doc.ok());
    problem_list out;
    auto ws = parse_workstream(*doc, "ws.yaml", out);
    REQUIRE(ws);
    problem_list mine; // the document lacks other fields on purpose
    for (const auto& pr : out)
      if (pr.field.rfind("resilience_policy", 0) == 0 || pr.field.rfind("extensions", 0) == 0)
        mine.push_back(pr);
    return std::make_pair(*ws, mine);
  };
  auto [own, p1] = parse("workstream_id: a\nresilience_policy: {max_error_repeats: 3, "
                         "oscillation_threshold: 2}\n");
  CHECK(p1.empty());
  CHECK(own.resilience.max_error_repeats == 3);
  CHECK(own.resilience.oscillation_threshold == 2.0);
  // What `convert` keeps of a legacy circuit_breaker counts where UET's is silent.
  auto [legacy, p2] = parse("workstream_id: b\nextensions:\n  legacy:\n    circuit_breaker: "
                            "{max_error_repeats: 2, oscillation_threshold: 1.5}\n");
  CHECK(p2.empty());
  CHECK(legacy.resilience.max_error_repeats == 2);
  CHECK(legacy.resilience.oscillation_threshold == 1.5);
  auto [both, p3] = parse("workstream_id: c\nresilience_policy: {max_error_repeats: 4}\n"
                          "extensions: {legacy: {circuit_breaker: {max_error_repeats: 2, "
                          "oscillation_threshold: nonsense}}}\n");
  CHECK(p3.empty()); // a legacy value it cannot use is left where it is
  CHECK(both.resilience.max_error_repeats == 4);
  CHECK_FALSE(both.resilience.oscillation_threshold);
  CHECK(has(parse("workstream_id: d\nresilience_policy: {max_error_repeats: 0}\n").second,
            "resilience_policy.max_error_repeats", ""));
}
