#include <catch2/catch.hpp>

#include <cstdlib>

#include "ledger/diff_in_process.h"
#include "ledger/workspace.h"
#include "tests/ledger/ledger_fixture.h"

using namespace uet::ledger;
using uet::test::git_in;
using uet::test::make_executable;
using uet::test::repo_fixture;
using uet::test::write_file;
namespace fs = std::filesystem;

namespace {

/// Forty numbered lines under a function line, so hunks far apart carry
/// a function name in their header.
std::string numbered(const std::string& head, int n) {
  std::string s = head + "\n";
  for (int i = 1; i <= n; ++i)
    s += "    line " + std::to_string(i) + "\n";
  return s;
}

std::map<std::string, std::string> base_files() {
  return {{"src/module.c", numbered("int first(void) {", 40) + "}\n" +
                               numbered("static int second(int x) {", 40) + "}\n"},
          {"edit.txt", "one\ntwo\n"},
          {"no-newline.txt", "no newline at the end"},
          {"gains-newline.txt", "soon one"},
          {"crlf.txt", "windows\r\nline\r\n"},
          {"run.sh", "#!/bin/sh\necho run\n"},
          {"mode-and-text.sh", "#!/bin/sh\n"},
          {"to-empty.txt", "all of it goes\n"},
          {"blocks.py", "def a():\n    return 1\n\n\ndef b():\n    return 2\n"},
          {"gone.txt", "gone\n"},
          {"moved-from.txt", "a file long enough for git to call its move a rename\n"}};
}

/// Edits, additions and mode changes of text files: what the in-process
/// diff accepts.
void accepted_changes(const fs::path& wt) {
  auto module = numbered("int first(void) {", 40) + "}\n" +
                numbered("static int second(int x) {", 40) + "}\n";
  module.replace(module.find("line 5\n"), 7, "line five\n");
  module.replace(module.find("line 33\n", module.find("second")), 8, "line 33\n    added\n");
  write_file(wt / "src/module.c", module);
  write_file(wt / "edit.txt", "one\ntwo\nthree\n");
  write_file(wt / "no-newline.txt", "still no newline, changed");
  write_file(wt / "gains-newline.txt", "soon one\n");
  write_file(wt / "crlf.txt", "windows\r\nline two\r\n");
  make_executable(wt / "run.sh");
  write_file(wt / "mode-and-text.sh", "#!/bin/sh\necho more\n");
  make_executable(wt / "mode-and-text.sh");
  write_file(wt / "to-empty.txt", "");
  // Where the indent heuristic moves a hunk's edges.
  write_file(
      wt / "blocks.py",
      "def a():\n    return 1\n\n\ndef inserted():\n    return 0\n\n\ndef b():\n    return 2\n");
  write_file(wt / "new-dir.d/new.txt", "added\n");
  write_file(wt / "deep/er/new.md", "# title\n\nünïcode content is fine\n");
  write_file(wt / "tool.sh", "#!/bin/sh\n");
  make_executable(wt / "tool.sh");
}

std::string git_diff(const fs::path& wt, const std::string& base) {
  auto r = git(uet::engine::environment::real(), wt, staged_diff_args(base));
  INFO((r ? "" : r.message()));
  REQUIRE(r);
  return *r; // not chomped: every byte counts
}

} // namespace

TEST_CASE("diff in process: prints git's bytes for edits, additions and mode changes") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("a", f.base);
  REQUIRE(wt);
  accepted_changes(*wt);
  git_in(*wt, {"add", "--all", "--", "."});
  auto printed = staged_diff_in_process(*wt, f.base);
  REQUIRE(printed);
  auto by_git = git_diff(*wt, f.base);
  CHECK(*printed == by_git);
  // The test covers what it says: hunk headers with a function name, a
  // missing newline, a mode change with and without an index line.
  CHECK(by_git.find("@@ static int second(int x) {") != std::string::npos);
  CHECK(by_git.find("\\ No newline at end of file") != std::string::npos);
  CHECK(by_git.find("old mode 100644\nnew mode 100755\ndiff") != std::string::npos);
  CHECK(by_git.find("new file mode 100755") != std::string::npos);
}

TEST_CASE("diff in process: an index holding the base's tree prints nothing") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("a", f.base);
  REQUIRE(wt);
  auto printed = staged_diff_in_process(*wt, f.base);
  REQUIRE(printed);
  CHECK(printed->empty());
}

TEST_CASE("diff in process: what git prints its own way is left to git") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("a", f.base);
  REQUIRE(wt);
  write_file(*wt / "edit.txt", "one\ntwo\nthree\n"); // accepted on its own
  auto declined = [&](const char* why) {
    INFO(why);
    git_in(*wt, {"add", "--all", "--", "."});
    CHECK_FALSE(staged_diff_in_process(*wt, f.base));
    // The capture, through git, still makes the patch.
    auto diff = f.ws.capture_diff(uet::engine::environment::real(), *wt, f.base);
    REQUIRE(diff);
    CHECK(*diff == git_diff(*wt, f.base));
  };

  SECTION("a deletion, which -M may pair as a rename") {
    fs::rename(*wt / "moved-from.txt", *wt / "moved-to.txt");
    declined("rename");
  }
  SECTION("a file removed") {
    fs::remove(*wt / "gone.txt");
    declined("deletion");
  }
  SECTION("a binary file") {
    write_file(*wt / "bin.dat", std::string("\0\1\2binary\0", 10));
    declined("binary");
  }
  SECTION("a symlink") {
    fs::create_symlink("edit.txt", *wt / "link");
    declined("symlink");
  }
  SECTION("a path git quotes or pads") {
    write_file(*wt / "with space.txt", "x\n");
    declined("space");
  }
  SECTION("a path beyond ASCII") {
    write_file(*wt / "ünïcode.txt", "x\n");
    declined("unicode path");
  }
  SECTION("a diff attribute") {
    write_file(*wt / ".gitattributes", "*.txt diff=plain\n");
    declined("diff driver");
  }
  SECTION("a diff setting of the user's") {
    git_in(f.repo, {"config", "diff.algorithm", "histogram"});
    declined("diff.algorithm");
  }
  SECTION("GIT_DIFF_OPTS, which git reads and libgit2 does not") {
    ::setenv("GIT_DIFF_OPTS", "--unified=1", 1);
    declined("GIT_DIFF_OPTS");
    ::unsetenv("GIT_DIFF_OPTS");
  }
  // A file whose first line is head, committed, then edited near its end:
  // the hunk header names head.
  auto edited_under = [&](const std::string& head) {
    write_file(*wt / "fn.c", numbered(head, 10));
    git_in(*wt, {"add", "fn.c"});
    git_in(*wt, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "fn"});
    auto base = git_in(*wt, {"rev-parse", "HEAD"});
    auto edited = numbered(head, 10);
    edited.replace(edited.find("line 9\n"), 7, "line nine\n");
    write_file(*wt / "fn.c", edited);
    git_in(*wt, {"add", "--all", "--", "."});
    return staged_diff_in_process(*wt, base);
  };
  SECTION("a function line git and libgit2 would cut differently") {
    CHECK_FALSE(edited_under("long_function_name" + std::string(61, 'x') + " (rest of the line)"));
  }
  SECTION("an empty file added (git prints no ---/+++ lines for it)") {
    write_file(*wt / "empty.txt", "");
    declined("empty new file");
  }
  SECTION("a case-folding index, which libgit2 lists in another order") {
    git_in(f.repo, {"config", "core.ignorecase", "true"});
    declined("core.ignorecase");
  }
  SECTION("a conditional include libgit2 may not evaluate") {
    git_in(f.repo, {"config", "includeIf.hasconfig:remote.*.url:x.path", "/nonexistent"});
    declined("includeIf");
  }
  SECTION("a replaced object, which git reads and libgit2 does not") {
    git_in(f.repo, {"commit", "-q", "--allow-empty", "-m", "replacement"});
    git_in(f.repo, {"replace", f.base, "HEAD"});
    declined("refs/replace");
  }
  SECTION("a function line beyond ASCII, which each cuts at invalid UTF-8 its own way") {
    CHECK_FALSE(edited_under("name = \"\xED\xA0\xBB\" {"));
  }
  SECTION("a function line both cut alike is printed in-process") {
    CHECK(edited_under("int plain_function(void) {"));
  }
  SECTION("a file over 1 MiB") {
    write_file(*wt / "big.txt", std::string((1 << 20) + 1, 'a'));
    declined("size");
  }
}
