// object_store.h's branch_commit: the in-process read of a branch that
// stands in for `git rev-parse --verify --quiet refs/heads/BRANCH`.
#include <catch2/catch.hpp>

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
