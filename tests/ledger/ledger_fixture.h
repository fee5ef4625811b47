// Helpers shared by the ledger tests: a real git repository with a few files,
// a worktree to change, and the diff git makes of the change.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/git.h"
#include "ledger/workspace.h"
#include "tests/support/test_env.h"

namespace uet::test {

/// Runs git in dir; REQUIREs exit 0; returns stdout without trailing newlines.
inline std::string git_in(const fs::path& dir, const std::vector<std::string>& args,
                          const std::optional<std::string>& stdin_data = std::nullopt) {
  auto r = ledger::git(uet::engine::environment::real(), dir, args, stdin_data);
  INFO("git " << (args.empty() ? "" : args[0]) << ": " << (r ? "" : r.message()));
  REQUIRE(r);
  return ledger::chomp(*r);
}

inline void make_executable(const fs::path& p) {
  fs::permissions(p, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
}

/// A repository at tmp/repo with files committed, and worktrees under
/// tmp/worktrees made from its first commit.
struct repo_fixture {
  explicit repo_fixture(const std::map<std::string, std::string>& files)
      : tmp("uet-ledger"), repo(tmp / "repo"),
        ws(uet::engine::environment::real(), repo, tmp / "worktrees") {
    make_git_repo(repo, files);
    base = git_in(repo, {"rev-parse", "HEAD"});
  }

  /// A fresh worktree of base, changed by change, captured as a diff.
  std::string capture(const std::function<void(const fs::path&)>& change,
                      const std::string& name = "ws") {
    auto wt = ws.create(name, base);
    INFO((wt ? "" : wt.message()));
    REQUIRE(wt);
    change(*wt);
    auto diff = ws.capture_diff(uet::engine::environment::real(), *wt, base);
    INFO((diff ? "" : diff.message()));
    REQUIRE(diff);
    REQUIRE(ws.remove(*wt));
    return *diff;
  }

  temp_dir tmp;
  fs::path repo;
  ledger::workspaces ws;
  std::string base;
};

} // namespace uet::test
