#include "tests/support/pipeline_project.h"

#include <catch2/catch.hpp>

namespace uet::test {

pipeline_project::pipeline_project(const std::string& tools_yaml,
                                   const std::map<std::string, std::string>& workstreams,
                                   const std::map<std::string, std::string>& repo_files) {
  make_git_repo(repo(), repo_files);
  fs::create_directories(scratch());
  write_file(root() / "uet.yaml", "project: e2e\nrepo: repo\nmax_workers: 2\n");
  write_file(root() / "tools.yaml", tools_yaml);
  for (const auto& [id, body] : workstreams)
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

} // namespace uet::test
