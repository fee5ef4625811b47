// object_store.h's branch_commit: the in-process read of a branch that
// stands in for `git rev-parse --verify --quiet refs/heads/BRANCH`.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "ledger/object_store.h"
#include "tests/ledger/ledger_fixture.h"

using namespace uet::ledger;
using uet::test::git_in;
using uet::test::repo_fixture;
namespace fs = std::filesystem;

TEST_CASE("branch commit: reads what git rev-parse reads, loose or packed") {
  repo_fixture f(std::map<std::string, std::string>{{"README.md", "readme\n"}});
  git_in(f.repo, {"branch", "loose", f.base});
  git_in(f.repo, {"branch", "packed", f.base});
  git_in(f.repo, {"pack-refs", "--all"});
  git_in(f.repo, {"branch", "-f", "loose", f.base});
  for (const char* b : {"loose", "packed"}) {
    INFO(b);
    auto known = branch_commit(f.repo, b);
    REQUIRE(known);
    CHECK(*known ==
          git_in(f.repo, {"rev-parse", "--verify", "--quiet", std::string("refs/heads/") + b}));
  }
  auto missing = branch_commit(f.repo, "no-such-branch");
  REQUIRE(missing);
  CHECK(missing->empty());
}

TEST_CASE("branch commit: not a repository's top is left to git") {
  repo_fixture f(std::map<std::string, std::string>{{"sub/file.txt", "x\n"}});
  CHECK_FALSE(branch_commit(f.repo / "sub", "main")); // git would find the repository above
  CHECK_FALSE(branch_commit(f.tmp / "nowhere", "main"));
  CHECK_FALSE(branch_commit(f.repo, "bad..name")); // git says why
}

TEST_CASE("named commit: reads what git rev-parse REV^{commit} reads, or asks git") {
  repo_fixture f(std::map<std::string, std::string>{{"README.md", "readme\n"}});
  auto commit = [&](const std::string& rev) {
    return git_in(f.repo, {"rev-parse", "--verify", rev + "^{commit}"});
  };
  git_in(f.repo, {"commit", "-q", "--allow-empty", "-m", "second"});
  git_in(f.repo, {"branch", "side", f.base});
  git_in(f.repo, {"tag", "-a", "-m", "annotated", "v1", f.base});
  git_in(f.repo, {"update-ref", "refs/remotes/origin/main", f.base});
  git_in(f.repo, {"update-ref", "refs/remotes/up/HEAD", f.base});
  git_in(f.repo, {"branch", "packed-one", f.base});
  git_in(f.repo, {"pack-refs", "--all"});
  for (const char* rev : {"HEAD", "side", "v1", "origin/main", "up", "packed-one",
                          "refs/heads/side", "refs/tags/v1"}) {
    INFO(rev);
    auto known = named_commit(f.repo, rev);
    REQUIRE(known);
    CHECK(*known == commit(rev));
  }
  // Left to git: revision syntax, hex names, a name two refs hold, a
  // pseudo-ref file, a tag of something else than a commit, no such name.
  git_in(f.repo, {"tag", "side", f.base}); // now refs/tags/side and refs/heads/side
  git_in(f.repo, {"tag", "tree-tag", git_in(f.repo, {"rev-parse", "HEAD^{tree}"})});
  git_in(f.repo, {"update-ref", "ORIG_HEAD", f.base});
  git_in(f.repo, {"branch", "main-worktree/HEAD", f.base}); // git reads the main worktree's
  for (const char* rev : {"HEAD~1", "side", "ORIG_HEAD", "tree-tag", "no-such-name", "@",
                          "main@{0}", "deadbeef", "-x", "main-worktree/HEAD"}) {
    INFO(rev);
    CHECK_FALSE(named_commit(f.repo, rev));
  }
  CHECK_FALSE(named_commit(f.tmp / "nowhere", "HEAD"));
  // A replaced object: git reads the replacement, libgit2 would not.
  git_in(f.repo, {"replace", "--graft", "HEAD"});
  CHECK_FALSE(named_commit(f.repo, "HEAD"));
}

TEST_CASE("create branch: makes the branch and reflog entry git branch makes, or declines") {
  repo_fixture f(std::map<std::string, std::string>{{"README.md", "readme\n"}});
  git_in(f.repo, {"config", "user.name", "Branch Maker"});
  git_in(f.repo, {"config", "user.email", "maker@example.com"});
  REQUIRE(create_branch(f.repo, "uet/by-libgit2", f.base));
  git_in(f.repo, {"branch", "uet/by-git", f.base});
  CHECK(git_in(f.repo, {"rev-parse", "refs/heads/uet/by-libgit2"}) == f.base);
  auto reflog = [&](const std::string& b) {
    return git_in(f.repo, {"reflog", "show", "--format=%gs", "refs/heads/" + b});
  };
  CHECK(reflog("uet/by-libgit2") == reflog("uet/by-git"));
  CHECK(reflog("uet/by-git") == "branch: Created from " + f.base);
  // git judges these itself, with its own message.
  CHECK_FALSE(create_branch(f.repo, "uet/by-git", f.base)); // exists
  for (const char* bad : {"HEAD", "-x", "a..b", "end/", "sp ace"}) {
    INFO(bad);
    CHECK_FALSE(create_branch(f.repo, bad, f.base));
  }
  CHECK_FALSE(create_branch(f.repo, "fine", "0000000000000000000000000000000000000000"));
  // An identity git would take from the environment: git writes the entry.
  ::setenv("GIT_COMMITTER_NAME", "From The Environment", 1);
  CHECK_FALSE(create_branch(f.repo, "fine", f.base));
  ::unsetenv("GIT_COMMITTER_NAME");
  CHECK(git_in(f.repo, {"reflog", "show", "--format=%gn", "refs/heads/uet/by-libgit2"}) ==
        "Branch Maker");
}

TEST_CASE("first parent without: finds what git rev-list --invert-grep finds") {
  repo_fixture f(std::map<std::string, std::string>{{"README.md", "readme\n"}});
  auto commit_on = [&](const std::string& message) {
    git_in(f.repo, {"commit", "-q", "--allow-empty", "-m", message});
  };
  auto by_git = [&](const std::string& branch) {
    return git_in(f.repo, {"rev-list", "--first-parent", "--invert-grep", "--grep=^UET-Patch: ",
                           "--grep=^UET-Rollback: ", "-n", "1", "refs/heads/" + branch, "--"});
  };
  const std::vector<std::string> prefixes{"UET-Patch: ", "UET-Rollback: "};
  auto current = git_in(f.repo, {"rev-parse", "--abbrev-ref", "HEAD"});
  commit_on("user's own, naming UET-Patch: mid-line");
  // A side line of the user's, merged by a commit that carries a trailer:
  // the first-parent walk does not go into it.
  git_in(f.repo, {"switch", "-q", "-c", "side"});
  commit_on("side work");
  git_in(f.repo, {"switch", "-q", current});
  git_in(f.repo, {"merge", "-q", "--no-ff", "-m", "uet: merge\n\nUET-Patch: m1", "side"});
  commit_on("uet: a\n\nUET-Run: r\nUET-Patch: p1");
  commit_on("uet: rollback\n\nUET-Rollback: r");
  for (const auto& branch : {current, std::string("side")}) {
    INFO(branch);
    auto known = first_parent_without(f.repo, branch, prefixes);
    REQUIRE(known);
    CHECK(*known == by_git(branch));
    CHECK_FALSE(known->empty());
  }
  // Every commit carries one: git prints nothing.
  git_in(f.repo, {"switch", "-q", "--orphan", "all-uet"});
  commit_on("uet: only\n\nUET-Patch: p2");
  auto none = first_parent_without(f.repo, "all-uet", prefixes);
  REQUIRE(none);
  CHECK(*none == by_git("all-uet"));
  CHECK(none->empty());
  CHECK_FALSE(first_parent_without(f.repo, "no-such-branch", prefixes));
  git_in(f.repo, {"config", "i18n.logOutputEncoding", "ISO-8859-1"}); // git greps re-encoded
  CHECK_FALSE(first_parent_without(f.repo, "all-uet", prefixes));
  git_in(f.repo, {"config", "--unset", "i18n.logOutputEncoding"});
  git_in(f.repo, {"replace", "--graft", "HEAD", "side"});
  CHECK_FALSE(first_parent_without(f.repo, "all-uet", prefixes));
}
