#include <iostream>

#include "base/exit_code.h"
#include "base/files.h"
#include "cli/commands.h"
#include "ledger/git.h"

namespace uet::cli {

namespace fs = std::filesystem;

namespace {

const char* const uet_yaml =
    R"(# uet-actors project configuration. Every key is optional; see docs/user-guide.md.
project: %PROJECT%
repo: .                        # the git repository the workstreams change
base_ref: HEAD                 # where the integration branch starts
integration_branch: uet/integration
workstreams: workstreams/
tools: tools.yaml
state_db: .uet/state.db
ledger_dir: .uet/ledger
max_workers: 4
require_acceptance: true       # every workstream must have a check that proves its change
phases:
  phase-hello: [hello]
)";

const char* const tools_yaml =
    R"(# The tool registry: how each tool is started. See docs/user-guide.md.
tools:
  sh:
    adapter: subprocess
    argv: ["/bin/sh", "-c", "{prompt}"]   # the prompt is a shell script here
    timeout_s: 60
  aider:
    adapter: aider
    argv: ["aider", "--yes-always", "--no-auto-commits", "--message", "{prompt}", "{files}"]
    timeout_s: 900
    max_concurrency: 2
)";

const char* const hello_yaml = R"(workstream_id: hello
title: Write a greeting
execution_request:
  tool_id: sh
  prompt: |
    mkdir -p docs && echo "hello from uet-actors" > docs/hello.txt
constraints:
  file_scope:
    allowed_paths: ["docs/**"]
acceptance_criteria:
  commands: ["grep -q hello docs/hello.txt"]
)";

} // namespace

int init_command(const std::string& dir_arg, bool force) {
  fs::path dir = fs::absolute(dir_arg.empty() ? "." : dir_arg).lexically_normal();
  if (dir.filename().empty() && dir.has_parent_path()) // "/x/." normalizes to "/x/"
    dir = dir.parent_path();
  std::error_code ec;
  fs::create_directories(dir / "workstreams", ec);
  if (ec) {
    std::cerr << dir.string() << ": cannot create: " << ec.message() << '\n';
    return to_int(exit_code::bad_input);
  }
  std::string name = dir.filename().string();
  std::string uet = uet_yaml;
  uet.replace(uet.find("%PROJECT%"), 9, name.empty() ? "project" : name);
  const std::pair<fs::path, std::string> files[] = {
      {dir / "uet.yaml", uet},
      {dir / "tools.yaml", tools_yaml},
      {dir / "workstreams" / "hello.yaml", hello_yaml},
  };
  if (!force)
    for (const auto& f : files)
      if (fs::exists(f.first, ec)) {
        std::cerr << f.first.string() << ": already exists; pass --force to overwrite\n";
        return to_int(exit_code::bad_input);
      }
  for (const auto& f : files) {
    if (auto st = write_file_atomic(f.first, f.second); !st) {
      std::cerr << st.message() << '\n';
      return to_int(exit_code::internal);
    }
    std::cout << "created " << f.first.lexically_relative(dir).string() << '\n';
  }
  auto ignore = dir / ".gitignore";
  auto existing = read_file(ignore);
  if (!existing || existing->find(".uet/") == std::string::npos) {
    (void)append_line(ignore, ".uet/");
    std::cout << "added .uet/ to .gitignore\n";
  }

  auto inside =
      ledger::git_run(engine::environment::real(), dir, {"rev-parse", "--is-inside-work-tree"});
  if (!inside) {
    std::cerr << "warning: " << inside.message()
              << "\n  install git: uet-actors needs a git repository to change\n";
    return to_int(exit_code::ok);
  }
  if (inside->exit_code == 0) {
    std::cout << "inside an existing git repository: commit these files before 'uet-actors run'\n";
  } else {
    const std::vector<std::vector<std::string>> steps = {{"init", "-q"},
                                                         {"add", "-A"},
                                                         {"-c", "user.name=uet-actors", "-c",
                                                          "user.email=uet-actors@localhost",
                                                          "commit", "-q", "-m", "uet-actors init"}};
    for (const auto& s : steps)
      if (auto r = ledger::git(engine::environment::real(), dir, s); !r) {
        std::cerr << r.message() << '\n';
        return to_int(exit_code::internal);
      }
    std::cout << "initialized a git repository with one commit\n";
  }
  std::cout << "next: uet-actors -C " << dir_arg << " validate && uet-actors -C " << dir_arg
            << " plan phase-all\n";
  return to_int(exit_code::ok);
}

} // namespace uet::cli
