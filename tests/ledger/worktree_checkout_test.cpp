#include <catch2/catch.hpp>

#include "ledger/workspace.h"
#include "ledger/worktree_checkout.h"
#include "tests/ledger/ledger_fixture.h"

using namespace uet::ledger;
using uet::test::git_in;
using uet::test::make_executable;
using uet::test::read_text;
using uet::test::repo_fixture;
using uet::test::write_file;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> base_files() {
  return {{".gitignore", "*.log\n"}, {"keep.txt", "keep\n"},       {"edit.txt", "one\ntwo\n"},
          {"gone.txt", "gone\n"},    {"dir/inner.txt", "inner\n"}, {"run.sh", "#!/bin/sh\n"}};
}

/// A commit on base that the checkouts move to: a file changed, one added
/// in a new directory, one removed, a mode changed, a symlink added.
std::string future_commit(repo_fixture& f) {
  auto wt = f.ws.create("future", f.base);
  REQUIRE(wt);
  write_file(*wt / "edit.txt", "one\ntwo\nthree\n");
  write_file(*wt / "new/added.txt", "added\n");
  fs::remove(*wt / "dir/inner.txt");
  make_executable(*wt / "run.sh");
  fs::create_symlink("keep.txt", *wt / "link");
  git_in(*wt, {"add", "--all"});
  git_in(*wt, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "future"});
  auto commit = git_in(*wt, {"rev-parse", "HEAD"});
  REQUIRE(f.ws.remove(*wt));
  return commit;
}

/// What a tool leaves: staged changes (a new file among them), an
/// untracked and an ignored file, an unstaged edit.
void tool_leaves(const fs::path& wt) {
  write_file(wt / "edit.txt", "tool\n");
  write_file(wt / "staged-new.txt", "staged\n");
  fs::remove(wt / "gone.txt");
  git_in(wt, {"add", "--all"});
  write_file(wt / "keep.txt", "unstaged edit\n");
  write_file(wt / "untracked.txt", "untracked\n");
  write_file(wt / "out.log", "ignored\n");
}

/// Everything a user or git could see of a worktree.
std::string observed(const fs::path& wt) {
  std::string out = git_in(wt, {"status", "--porcelain=v1", "--ignored", "--untracked-files=all"});
  out += "\nHEAD " + git_in(wt, {"rev-parse", "HEAD"});
  out += "\nindex " + git_in(wt, {"write-tree"});
  out += "\nbranch " + git_in(wt, {"branch", "--show-current"});
  for (auto it = fs::recursive_directory_iterator(wt); it != fs::recursive_directory_iterator();
       ++it) {
    auto rel = fs::relative(it->path(), wt).string();
    if (rel == ".git")
      continue;
    auto st = it->symlink_status();
    out += "\n" + rel + " " + std::to_string(static_cast<int>(st.permissions()));
    if (fs::is_symlink(st))
      out += " -> " + fs::read_symlink(it->path()).string();
    else if (fs::is_regular_file(st))
      out += " " + read_text(it->path());
  }
  return out;
}

} // namespace

TEST_CASE("worktree checkout: in-process leaves what git checkout --force --detach leaves") {
  repo_fixture f(base_files());
  auto commit = future_commit(f);
  auto by_libgit2 = f.ws.create("a", f.base);
  auto by_git = f.ws.create("b", f.base);
  REQUIRE(by_libgit2);
  REQUIRE(by_git);
  tool_leaves(*by_libgit2);
  tool_leaves(*by_git);

  auto done = checkout_in_process(*by_libgit2, commit);
  INFO((done ? "" : done.message()));
  REQUIRE(done);
  CHECK(*done);
  git_in(*by_git,
         {"-c", "core.hooksPath=/dev/null", "checkout", "--quiet", "--force", "--detach", commit});

  // The index's stat data is git's own: git trusts it without reading a
  // file again (diff-files compares stat data only, refreshing nothing).
  CHECK(git_in(*by_libgit2, {"diff-files", "--name-only"}) == "");
  auto seen = observed(*by_libgit2);
  CHECK(seen == observed(*by_git));
  CHECK(git_in(*by_libgit2, {"write-tree"}) == git_in(f.repo, {"rev-parse", commit + "^{tree}"}));
  // The staged new file left with the index; untracked and ignored stayed.
  CHECK_FALSE(fs::exists(*by_libgit2 / "staged-new.txt"));
  CHECK(read_text(*by_libgit2 / "untracked.txt") == "untracked\n");
  CHECK(read_text(*by_libgit2 / "keep.txt") == "keep\n");
}

TEST_CASE("worktree checkout: a filter driver is left to git, which runs it") {
  repo_fixture f(base_files());
  auto commit = future_commit(f);
  git_in(f.repo, {"config", "filter.upper.smudge", "tr a-z A-Z"});
  git_in(f.repo, {"config", "filter.upper.clean", "cat"});
  auto wt = f.ws.create("a", f.base);
  REQUIRE(wt);
  auto declined = checkout_in_process(*wt, commit);
  REQUIRE(declined);
  CHECK_FALSE(*declined);
  CHECK(git_in(*wt, {"rev-parse", "HEAD"}) == f.base); // nothing changed

  write_file(f.repo / ".git/info/attributes", "edit.txt filter=upper\n");
  REQUIRE(force_checkout(uet::engine::environment::real(), *wt, commit));
  CHECK(git_in(*wt, {"rev-parse", "HEAD"}) == commit);
  CHECK(read_text(*wt / "edit.txt") == "ONE\nTWO\nTHREE\n");
}

TEST_CASE("worktree checkout: a working-tree-encoding in the commit is left to git") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("enc", f.base);
  REQUIRE(wt);
  write_file(*wt / "sub/.gitattributes", "*.txt working-tree-encoding=UTF-16\n");
  git_in(*wt, {"add", "--all"});
  git_in(*wt, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "enc"});
  auto commit = git_in(*wt, {"rev-parse", "HEAD"});
  git_in(*wt, {"checkout", "--quiet", "--detach", f.base});

  auto declined = checkout_in_process(*wt, commit);
  REQUIRE(declined);
  CHECK_FALSE(*declined);
  CHECK(git_in(*wt, {"rev-parse", "HEAD"}) == f.base);
}
