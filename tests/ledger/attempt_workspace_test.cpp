// An attempt's worktree from lease to give-back, on a real repository:
// acceptance is readied on exactly the commit it tests, and what a tool
// left (ignored files, a staged nested repository) never reaches a test or
// the next attempt.
#include <catch2/catch.hpp>

#include "ledger/attempt_workspace.h"
#include "tests/ledger/ledger_fixture.h"

using namespace uet::ledger;
using uet::test::git_in;
using uet::test::read_text;
using uet::test::repo_fixture;
using uet::test::write_file;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> base_files() {
  return {{".gitignore", "build/\n"}, {"README.md", "# readme\n"}, {"src/a.txt", "a\n"}};
}

/// The commit of what the worktree's index holds, on parent (as the gate
/// makes a patch's future tree).
std::string commit_of_index(const fs::path& wt, const std::string& parent) {
  auto tree = git_in(wt, {"write-tree"});
  return git_in(wt, {"commit-tree", tree, "-p", parent, "-m", "future"});
}

std::string status_of(const fs::path& wt) {
  return git_in(wt, {"status", "--porcelain", "--ignored", "--untracked-files=all"});
}

/// A tool's work: a tracked change, an ignored build product and, if
/// `nested`, a repository of its own with a commit (staged as a gitlink).
void tool_work(const fs::path& wt, bool nested) {
  write_file(wt / "src/a.txt", "a, changed\n");
  write_file(wt / "build/out.o", "ignored\n");
  if (!nested)
    return;
  write_file(wt / "sub/x.txt", "x\n");
  git_in(wt / "sub", {"init", "-q"});
  git_in(wt / "sub", {"add", "x.txt"});
  git_in(wt / "sub", {"commit", "-qm", "nested"});
}

} // namespace

TEST_CASE("attempt workspace: a test is readied on exactly its commit, the tool's leftovers gone") {
  bool nested = GENERATE(false, true);
  bool holds_it = GENERATE(true, false);
  INFO("nested " << nested << ", holds it " << holds_it);
  repo_fixture f(base_files());
  auto& env = uet::engine::environment::real();
  auto pool = std::make_shared<worktree_pool>(env, f.repo, f.tmp / "worktrees", "run1");
  fs::path wt;
  {
    attempt_workspace a(env, pool);
    wt = a.path();
    REQUIRE(a.prepare(f.base));
    tool_work(wt, nested);
    auto diff = a.capture();
    REQUIRE(diff);
    REQUIRE_FALSE(diff->empty());
    // The gate's future tree: the change on the base, or on a newer head.
    auto parent = holds_it ? f.base
                           : git_in(f.repo, {"commit-tree", f.base + "^{tree}", "-p", f.base, "-m",
                                             "a newer head"});
    auto future = commit_of_index(wt, parent);
    REQUIRE(a.ready_to_test(future, holds_it));
    CHECK_FALSE(fs::exists(wt / "build"));
    CHECK(read_text(wt / "src/a.txt") == "a, changed\n");
    // Every file is the commit's (HEAD may still be the base), nothing else.
    CHECK(git_in(wt, {"diff", "--name-only", future}).empty());
    CHECK(git_in(wt, {"diff", "--cached", "--name-only", future}).empty());
    CHECK(git_in(wt, {"ls-files", "--others"}).empty());
    a.commands_starting();
    write_file(wt / "build/test-output", "a test's\n");
    a.commands_ran();
  }
  // The next attempt, at the base, finds nothing of the last one: not its
  // build products, not the nested repository's files.
  attempt_workspace next(env, pool);
  REQUIRE(next.path() == wt);
  REQUIRE(next.prepare(f.base));
  CHECK_FALSE(fs::exists(wt / "sub"));
  CHECK_FALSE(fs::exists(wt / "build"));
  CHECK(read_text(wt / "src/a.txt") == "a\n");
  CHECK(status_of(wt).empty());
}

TEST_CASE("attempt workspace: runtime checks see what the static checks of that commit left") {
  repo_fixture f(base_files());
  auto& env = uet::engine::environment::real();
  auto pool = std::make_shared<worktree_pool>(env, f.repo, f.tmp / "worktrees", "run1");
  attempt_workspace a(env, pool);
  REQUIRE(a.prepare(f.base));
  tool_work(a.path(), false);
  REQUIRE(a.capture());
  auto future = commit_of_index(a.path(), f.base);
  REQUIRE(a.ready_to_test(future, true));
  a.commands_starting();
  write_file(a.path() / "build/built", "by the static checks\n");
  a.commands_ran();
  REQUIRE(a.ready_to_test(future, true)); // the runtime checks, same commit
  CHECK(fs::exists(a.path() / "build/built"));
}
