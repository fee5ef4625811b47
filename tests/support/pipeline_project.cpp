#include "tests/support/pipeline_project.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>

namespace uet::test {

pipeline_project::pipeline_project(const std::string& tools_yaml,
                                   const std::map<std::string, std::string>& workstreams,
                                   const std::map<std::string, std::string>& repo_files) {
  make_git_repo(repo(), repo_files);
  fs::create_directories(scratch());
  // Test tools keep counters and pid files in scratch/: a declared path.
  write_file(root() / "uet.yaml",
             "project: e2e\nrepo: repo\nmax_workers: 2\nsandbox:\n  mode: required\n  write: [\"" +
                 scratch().string() + "\"]\n");
  write_file(root() / "tools.yaml", tools_yaml);
  for (const auto& [id, body] : workstreams)
    write_workstream(id, body);
}

void pipeline_project::write_workstream(const std::string& id, const std::string& body) const {
  write_file(root() / "workstreams" / (id + ".yaml"), "workstream_id: " + id + "\n" + body);
}

engine::process_result pipeline_project::run(const std::vector<std::string>& args,
                                             std::chrono::milliseconds timeout,
                                             std::map<std::string, std::string> env) const {
  std::vector<std::string> full = {"-C", root().string()};
  full.insert(full.end(), args.begin(), args.end());
  env["SCRATCH"] = scratch().string();
  return run_cli(full, root(), env, timeout);
}

nlohmann::json pipeline_project::status() const {
  auto r = run({"status", "--json"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.output);
}

std::string pipeline_project::git(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"git", "-C", repo().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto out = must_run(argv, root());
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

int pipeline_project::patch_commits() const {
  auto log = git({"log", "--format=%(trailers:key=UET-Patch,valueonly)", "uet/integration"});
  int n = 0; // one non-empty line per trailer
  std::size_t start = 0;
  while (start < log.size()) {
    auto nl = log.find('\n', start);
    auto line = log.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty())
      ++n;
    start = nl == std::string::npos ? log.size() : nl + 1;
  }
  return n;
}

const std::string sh_tool = R"(tools:
  sh:
    adapter: subprocess
    argv: ["/bin/sh", "-eu", "-c", "{prompt}"]
    timeout_s: 30
)";

const std::string sh_and_shc_tools = sh_tool + R"(  shc:
    adapter: subprocess
    argv: ["/bin/sh", "-eu", "-c", "{prompt}", "shc", "{conflict}"]
    timeout_s: 30
)";

int lines_of(const pipeline_project& p, const std::string& name) {
  auto f = p.scratch() / name;
  if (!fs::exists(f))
    return 0;
  auto text = read_text(f);
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

void require_verdict_trees_match(const pipeline_project& p) {
  auto ledger = nlohmann::json::parse(p.run({"ledger", "--state", "committed", "--json"}).output);
  REQUIRE_FALSE(ledger.empty());
  for (const auto& row : ledger) {
    INFO(row.dump());
    REQUIRE(row["verified_tree"].is_string());
    CHECK(p.git({"rev-parse", row["commit_sha"].get<std::string>() + "^{tree}"}) ==
          row["verified_tree"].get<std::string>());
  }
}

int processes_with(const std::string& needle) {
  int n = 0;
  for (const auto& e : fs::directory_iterator("/proc")) {
    auto pid = e.path().filename().string();
    if (pid.empty() || pid[0] < '0' || pid[0] > '9')
      continue;
    std::ifstream f(e.path() / "cmdline", std::ios::binary);
    std::string cmd((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    n += cmd.find(needle) != std::string::npos;
  }
  return n;
}

std::string ws(const std::string& prompt, const std::string& scope, const std::string& deps,
               const std::string& extra) {
  std::string indented;
  for (char c : prompt) {
    indented += c;
    if (c == '\n')
      indented += "    ";
  }
  return "title: test\nexecution_request:\n  tool_id: sh\n  prompt: |\n    " + indented +
         "\nconstraints:\n  file_scope:\n    allowed_paths: [\"" + scope +
         "\"]\ndependencies: " + deps + "\n" + extra;
}

std::thread signal_when_written(fs::path ready, std::chrono::milliseconds settle, int sig,
                                std::chrono::milliseconds poll_for, fs::path pidfile) {
  return std::thread([=] {
    for (auto waited = std::chrono::milliseconds(0); waited < poll_for && !fs::exists(ready);
         waited += std::chrono::milliseconds(25))
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    std::this_thread::sleep_for(settle);
    ::kill(std::stoi(read_text(pidfile.empty() ? ready : pidfile)), sig);
  });
}

std::string ws_state(const nlohmann::json& status, const std::string& id) {
  for (const auto& w : status["workstreams"])
    if (w["workstream_id"] == id)
      return w["state"];
  return "<missing>";
}

} // namespace uet::test
