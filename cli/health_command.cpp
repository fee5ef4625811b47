#include <iostream>
#include <set>
#include <unistd.h>

#include "base/exit_code.h"
#include "base/path_lookup.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "engine/sandbox.h"
#include "ledger/git.h"
#include "run/project.h"
#include "run/sandbox_check.h"

namespace uet::cli {

namespace fs = std::filesystem;

namespace {

struct check {
  std::string name;
  std::string level; // "ok", "warn", "fail"
  std::string detail;
};

bool program_found(const std::string& prog) {
  return find_on_path(prog).has_value();
}

} // namespace

int health_command(bool json_out) {
  auto root = fs::current_path();
  auto p = run::load_checked_project(root);
  const auto& b = p.bundle;
  std::vector<check> checks;
  checks.push_back({"config",
                    p.errors     ? "fail"
                    : p.warnings ? "warn"
                                 : "ok",
                    std::to_string(b.workstreams.size()) + " workstreams, " +
                        std::to_string(b.tools.tools.size()) + " tools; " +
                        count_words(p.errors, p.warnings) +
                        (p.errors ? " (run 'uet-actors validate')" : "")});

  std::set<std::string> used;
  for (const auto& ws : b.workstreams)
    used.insert(ws.tool_id);
  for (const auto& [id, tool] : b.tools.tools) {
    if (tool.argv.empty())
      continue;
    bool found = program_found(tool.argv[0]);
    std::string level = found ? "ok" : used.count(id) ? "fail" : "warn";
    std::string detail = "'" + tool.argv[0] + "' " + (found ? "found" : "not found on PATH");
    if (!found && !used.count(id))
      detail += " (no workstream uses it)";
    checks.push_back({"tool " + id, level, detail});
  }

  auto version = ledger::git_run(engine::environment::real(), root, {"--version"});
  if (!version) {
    checks.push_back({"git", "fail", "git is not installed: " + version.message()});
  } else {
    checks.push_back({"git", "ok", ledger::chomp(version->out)});
    auto top =
        ledger::git(engine::environment::real(), b.config.repo, {"rev-parse", "--show-toplevel"});
    if (!top) {
      checks.push_back({"repository", "fail", b.config.repo.string() + " is not a git repository"});
    } else {
      checks.push_back({"repository", "ok", ledger::chomp(*top)});
      auto base =
          ledger::git(engine::environment::real(), b.config.repo,
                      {"rev-parse", "--verify", "--quiet", b.config.base_ref + "^{commit}"});
      checks.push_back({"base_ref", base ? "ok" : "fail",
                        base ? b.config.base_ref + " = " + ledger::chomp(*base).substr(0, 12)
                             : "'" + b.config.base_ref + "' does not name a commit"});
    }
  }
  {
    int abi = engine::landlock_abi();
    auto verdict = run::check_sandbox(b.tools, b.workstreams, b.config.sandbox, abi);
    std::string detail =
        abi > 0 ? "Landlock ABI " + std::to_string(abi) + ": tools write only in their worktree"
                : "no Landlock in this kernel";
    for (const auto& w : verdict.warnings)
      detail += "; " + w;
    checks.push_back({"sandbox",
                      !verdict.refusal.empty()    ? "fail"
                      : !verdict.warnings.empty() ? "warn"
                                                  : "ok",
                      verdict.refusal.empty() ? detail : verdict.refusal});
  }
  auto db_dir = b.config.state_db.parent_path();
  std::error_code ec;
  fs::create_directories(db_dir, ec);
  bool writable = !ec && ::access(db_dir.c_str(), W_OK) == 0;
  checks.push_back({"state directory", writable ? "ok" : "fail",
                    db_dir.string() + (writable ? " is writable" : " is not writable")});

  bool failed = false;
  for (const auto& c : checks)
    failed = failed || c.level == "fail";
  if (json_out) {
    json arr = json::array();
    for (const auto& c : checks)
      arr.push_back(json{{"check", c.name}, {"status", c.level}, {"detail", c.detail}});
    print_json(json{{"ok", !failed}, {"checks", arr}});
  } else {
    for (const auto& c : checks)
      std::cout << (c.level == "ok"     ? "ok    "
                    : c.level == "warn" ? "warn  "
                                        : "FAIL  ")
                << c.name << ": " << c.detail << '\n';
    std::cout << (failed ? "unhealthy" : "healthy") << '\n';
  }
  return failed ? 1 : 0;
}

} // namespace uet::cli
