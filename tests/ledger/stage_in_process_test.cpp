#include <catch2/catch.hpp>

#include "ledger/stage_in_process.h"
#include "ledger/workspace.h"
#include "tests/ledger/ledger_fixture.h"

using namespace uet::ledger;
using uet::test::git_in;
using uet::test::make_executable;
using uet::test::repo_fixture;
using uet::test::write_file;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> base_files() {
  return {{".gitignore", "*.log\nbuild/\n"},
          {"keep.txt", "keep\n"},
          {"edit.txt", "one\ntwo\n"},
          {"gone.txt", "gone\n"},
          {"dir/inner.txt", "inner\n"},
          {"run.sh", "#!/bin/sh\n"},
          {"moved-from.txt", "a file long enough for git to call its move a rename\n"}};
}

/// What a tool leaves: every kind of change git add --all stages, beside
/// what it must not (ignored files), one change staged by the tool itself.
void tool_changes(const fs::path& wt) {
  write_file(wt / "edit.txt", "one\ntwo\nthree\n");
  write_file(wt / "keep.txt", "KEEP\n"); // same size, same second as the checkout
  write_file(wt / "new dir/ünïcode name.txt", "added\n");
  write_file(wt / "crlf.txt", "windows\r\nline\r\n");
  write_file(wt / "empty.txt", "");
  write_file(wt / "bin.dat", std::string("\0\1\2binary\0", 10));
  fs::remove(wt / "gone.txt");
  fs::rename(wt / "moved-from.txt", wt / "moved-to.txt");
  make_executable(wt / "run.sh");
  fs::create_symlink("keep.txt", wt / "link");
  write_file(wt / "dir/staged.txt", "staged by the tool\n");
  git_in(wt, {"add", "dir/staged.txt"});
  write_file(wt / "dir/staged.txt", "then changed again\n");
  write_file(wt / "out.log", "ignored\n");
  write_file(wt / "build/obj.o", "ignored dir\n");
}

std::string staged_diff(const fs::path& wt, const std::string& base) {
  return git_in(wt, {"diff", "--cached", "--binary", "--full-index", "-M", base, "--"});
}

} // namespace

TEST_CASE("stage in process: stages what git add --all stages") {
  repo_fixture f(base_files());
  auto by_libgit2 = f.ws.create("a", f.base);
  auto by_git = f.ws.create("b", f.base);
  REQUIRE(by_libgit2);
  REQUIRE(by_git);
  tool_changes(*by_libgit2);
  tool_changes(*by_git);

  auto done = stage_all_in_process(*by_libgit2, f.base);
  INFO((done ? "" : done.message()));
  REQUIRE(done);
  CHECK(done->staged);
  CHECK_FALSE(done->unchanged);
  git_in(*by_git, {"add", "--all", "--", "."});

  CHECK(git_in(*by_libgit2, {"write-tree"}) == git_in(*by_git, {"write-tree"}));
  CHECK(staged_diff(*by_libgit2, f.base) == staged_diff(*by_git, f.base));
  // The index's stat data is right: git sees no unstaged change, and what
  // is left untracked is only what is ignored.
  CHECK(git_in(*by_libgit2, {"diff-files", "--name-only"}) == "");
  CHECK(git_in(*by_libgit2, {"status", "--porcelain=v1", "--ignored"}) ==
        git_in(*by_git, {"status", "--porcelain=v1", "--ignored"}));
}

TEST_CASE("stage in process: a change undone, or only ignored files, is unchanged") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("a", f.base);
  REQUIRE(wt);
  write_file(*wt / "edit.txt", "changed\n");
  write_file(*wt / "edit.txt", "one\ntwo\n");
  write_file(*wt / "out.log", "ignored\n");
  auto done = stage_all_in_process(*wt, f.base);
  REQUIRE(done);
  CHECK(done->staged);
  CHECK(done->unchanged);
  CHECK(f.ws.capture_diff(uet::engine::environment::real(), *wt, f.base).value() == "");
}

TEST_CASE("stage in process: what libgit2 would stage otherwise is left to git") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("a", f.base);
  REQUIRE(wt);
  auto declined = [&](const char* why) {
    INFO(why);
    auto tree = git_in(*wt, {"write-tree"});
    auto done = stage_all_in_process(*wt, f.base);
    REQUIRE(done);
    CHECK_FALSE(done->staged);
    CHECK(git_in(*wt, {"write-tree"}) == tree); // nothing was staged
  };
  write_file(*wt / "new.txt", "new\r\n");

  SECTION("an attribute the tool wrote") {
    write_file(*wt / ".gitattributes", "*.txt text eol=lf\n");
    declined("text conversion");
    // git converts; the capture, through git, says so.
    auto diff = f.ws.capture_diff(uet::engine::environment::real(), *wt, f.base);
    REQUIRE(diff);
    CHECK(diff->find("+new\n") != std::string::npos);
  }
  SECTION("an attribute of the repository") {
    write_file(f.repo / ".git/info/attributes", "new.txt ident\n");
    declined("ident");
  }
  SECTION("core.autocrlf") {
    git_in(f.repo, {"config", "core.autocrlf", "input"});
    declined("autocrlf");
  }
  SECTION("a nested repository, which git stages as a gitlink") {
    git_in(*wt, {"init", "-q", "nested"});
    write_file(*wt / "nested/file.txt", "inside\n");
    git_in(*wt / "nested", {"add", "file.txt"});
    git_in(*wt / "nested", {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "n"});
    declined("nested repository");
  }
  SECTION("an intent-to-add entry") {
    git_in(*wt, {"add", "--intent-to-add", "new.txt"});
    declined("intent to add");
  }
}
