#include <catch2/catch.hpp>

#include "ledger/diff.h"
#include "ledger/workspace.h"
#include "tests/ledger/ledger_fixture.h"

using namespace uet::ledger;
using uet::test::git_in;
using uet::test::read_text;
using uet::test::repo_fixture;
using uet::test::write_file;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> base_files() {
  std::map<std::string, std::string> files{
      {".gitignore", "*.log\nbuild/\n"},
      {"README.md", "# readme\n"},
      {"tool.sh", "#!/bin/sh\necho hi\n"},
      {"gone.txt", "to be deleted\n"},
      {"src/moved.txt", "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\n"},
      {"data/blob.bin", std::string("\x00\x01\x02\x03 old", 8)},
  };
  return files;
}

// `git worktree list --porcelain` paths of repo.
std::vector<std::string> worktree_paths(const fs::path& repo) {
  std::vector<std::string> out;
  auto list = git_in(repo, {"worktree", "list", "--porcelain"});
  std::size_t pos = 0;
  while (pos < list.size()) {
    auto nl = list.find('\n', pos);
    auto line = list.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? list.size() : nl + 1;
    if (line.rfind("worktree ", 0) == 0)
      out.push_back(line.substr(9));
  }
  return out;
}

bool listed(const fs::path& repo, const fs::path& wt) {
  auto want = fs::weakly_canonical(wt).string();
  for (const auto& p : worktree_paths(repo))
    if (p == want)
      return true;
  return false;
}

} // namespace

TEST_CASE("workspace: create makes a detached worktree of the commit under root") {
  repo_fixture f(base_files());
  // A second commit, so "at a commit" is not just "at HEAD".
  write_file(f.repo / "later.txt", "later\n");
  git_in(f.repo, {"add", "later.txt"});
  git_in(f.repo, {"commit", "-qm", "later"});

  auto wt = f.ws.create("ws-auth", f.base);
  REQUIRE(wt);
  CHECK(*wt == f.tmp / "worktrees" / "ws-auth");
  CHECK(f.ws.root() == f.tmp / "worktrees");
  CHECK(git_in(*wt, {"rev-parse", "HEAD"}) == f.base);
  CHECK(git_in(*wt, {"rev-parse", "--abbrev-ref", "HEAD"}) == "HEAD"); // detached
  CHECK(fs::exists(*wt / "README.md"));
  CHECK_FALSE(fs::exists(*wt / "later.txt"));
  CHECK(listed(f.repo, *wt));
  // The user's checkout is untouched.
  CHECK(git_in(f.repo, {"status", "--porcelain"}).empty());
}

TEST_CASE("workspace: create replaces a stale worktree of the same name") {
  repo_fixture f(base_files());
  auto first = f.ws.create("ws", f.base);
  REQUIRE(first);
  write_file(*first / "leftover.txt", "from a killed run\n");
  auto second = f.ws.create("ws", f.base);
  REQUIRE(second);
  CHECK(*second == *first);
  CHECK_FALSE(fs::exists(*second / "leftover.txt"));
  CHECK(git_in(*second, {"status", "--porcelain"}).empty());
}

TEST_CASE("workspace: create works where git still records a worktree whose files are gone") {
  repo_fixture f(base_files());
  auto first = f.ws.create("ws", f.base);
  REQUIRE(first);
  fs::remove_all(*first); // files gone, registration left behind
  auto second = f.ws.create("ws", f.base);
  INFO((second ? "" : second.message()));
  REQUIRE(second);
  CHECK(fs::exists(*second / "README.md"));
}

TEST_CASE("workspace: a bad commit is a failure naming git's complaint") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("ws", "0123456789012345678901234567890123456789");
  REQUIRE_FALSE(wt);
  CHECK_THAT(wt.message(), Catch::Matchers::Contains("worktree add"));
}

TEST_CASE("workspace: a nested repository is captured as a gitlink whatever hides it") {
  // The user's config shows submodules as logs or not at all, and the tool
  // writes a .gitmodules that ignores its nested repository: the captured
  // change still says "mode 160000", so the ledger and the pool see it.
  repo_fixture f(base_files());
  git_in(f.repo, {"config", "diff.submodule", "log"});
  git_in(f.repo, {"config", "diff.ignoreSubmodules", "all"});
  auto diff = f.capture([](const fs::path& wt) {
    write_file(wt / "nested/n.txt", "n\n");
    git_in(wt / "nested", {"init", "-q"});
    git_in(wt / "nested", {"add", "n.txt"});
    git_in(wt / "nested", {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "n"});
    write_file(wt / ".gitmodules", "[submodule \"nested\"]\n\tpath = nested\n\turl = ./nested\n"
                                   "\tignore = all\n");
  });
  CHECK_THAT(diff, Catch::Contains("new file mode 160000"));
  CHECK_THAT(diff, !Catch::Contains("Submodule nested"));
  CHECK(uet::ledger::has_gitlink(diff));
}

TEST_CASE("workspace: a file whose text looks like a gitlink header is no gitlink") {
  repo_fixture f(base_files());
  auto diff = f.capture([](const fs::path& wt) {
    write_file(wt / "notes.txt", "new file mode 160000\nindex 1..2 160000\n160000\n");
    write_file(wt / "160000", "a file named like the mode\n");
  });
  CHECK_THAT(diff, Catch::Contains("+new file mode 160000"));
  CHECK_FALSE(uet::ledger::has_gitlink(diff));
}

TEST_CASE("workspace: a captured diff applies onto the base elsewhere and gives the same tree") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("ws", f.base);
  REQUIRE(wt);
  std::string new_blob;
  for (int i = 0; i < 256; ++i)
    new_blob += static_cast<char>(i);
  write_file(*wt / "src/new.txt", "brand new\n");             // new
  fs::remove(*wt / "gone.txt");                               // deleted
  fs::create_directories(*wt / "lib");                        //
  fs::rename(*wt / "src/moved.txt", *wt / "lib/moved.txt");   // renamed
  write_file(*wt / "data/blob.bin", new_blob);                // binary, changed
  write_file(*wt / "data/new.bin", std::string("\0\0\1", 3)); // binary, new
  uet::test::make_executable(*wt / "tool.sh");                // mode change
  fs::create_symlink("README.md", *wt / "readme-link");       // symlink
  write_file(*wt / "README.md", "# readme\nedited\n");        // edit
  write_file(*wt / "debug.log", "ignored\n");                 // .gitignore'd
  write_file(*wt / "build/out.o", "ignored\n");               // .gitignore'd

  auto diff = f.ws.capture_diff(uet::engine::environment::real(), *wt, f.base);
  REQUIRE(diff);
  INFO(*diff);
  CHECK(diff->find("rename from src/moved.txt") != std::string::npos);
  CHECK(diff->find("GIT binary patch") != std::string::npos);
  CHECK(diff->find("new mode 100755") != std::string::npos);
  CHECK(diff->find("debug.log") == std::string::npos);
  CHECK(diff->find("build/out.o") == std::string::npos);
  auto want_tree = git_in(*wt, {"write-tree"});

  // Apply in another worktree at the base, with plain `git apply --index`.
  auto other = f.ws.create("other", f.base);
  REQUIRE(other);
  git_in(*other, {"apply", "--index", "-"}, *diff);
  CHECK(git_in(*other, {"write-tree"}) == want_tree);
  CHECK(read_text(*other / "data/blob.bin") == new_blob);
  CHECK(read_text(*other / "data/new.bin") == std::string("\0\0\1", 3));
  CHECK(fs::is_symlink(*other / "readme-link"));
  CHECK(fs::read_symlink(*other / "readme-link") == "README.md");
  CHECK((fs::status(*other / "tool.sh").permissions() & fs::perms::owner_exec) != fs::perms::none);
  CHECK_FALSE(fs::exists(*other / "gone.txt"));
  CHECK_FALSE(fs::exists(*other / "src/moved.txt"));
  CHECK(read_text(*other / "lib/moved.txt") == base_files()["src/moved.txt"]);

  // And in a separate clone.
  auto clone = f.tmp / "clone";
  uet::test::must_run({"git", "clone", "-q", f.repo.string(), clone.string()}, f.tmp.path());
  git_in(clone, {"checkout", "-q", "--detach", f.base});
  git_in(clone, {"apply", "--index", "-"}, *diff);
  CHECK(git_in(clone, {"write-tree"}) == want_tree);
}

TEST_CASE("workspace: only .gitignore'd changes or none at all capture as empty") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("ws", f.base);
  REQUIRE(wt);
  auto none = f.ws.capture_diff(uet::engine::environment::real(), *wt, f.base);
  REQUIRE(none);
  CHECK(none->empty());
  write_file(*wt / "x.log", "log\n");
  write_file(*wt / "build/a/b.o", "obj\n");
  auto ignored = f.ws.capture_diff(uet::engine::environment::real(), *wt, f.base);
  REQUIRE(ignored);
  CHECK(ignored->empty());
}

TEST_CASE("workspace: a tool's commits in the worktree are part of the captured change") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("ws", f.base);
  REQUIRE(wt);
  write_file(*wt / "committed.txt", "the tool committed this\n");
  git_in(*wt, {"add", "committed.txt"});
  git_in(*wt, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "tool"});
  write_file(*wt / "uncommitted.txt", "and left this\n");
  auto diff = f.ws.capture_diff(uet::engine::environment::real(), *wt, f.base);
  REQUIRE(diff);
  CHECK(diff->find("b/committed.txt") != std::string::npos);
  CHECK(diff->find("b/uncommitted.txt") != std::string::npos);
}

TEST_CASE("workspace: with a pristine stamp, nothing staged and nothing moved captures as empty") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("ws", f.base);
  REQUIRE(wt);
  auto stamp = read_stamp(*wt);
  REQUIRE(stamp);
  CHECK(stamp->head == f.base);
  write_file(*wt / "x.log", "ignored\n");
  auto none = f.ws.capture_diff(uet::engine::environment::real(), *wt, f.base, &*stamp);
  REQUIRE(none);
  CHECK(none->empty());
  CHECK_FALSE(read_stamp(f.tmp / "nowhere"));
}

TEST_CASE("workspace: a tool that staged or committed its change is seen despite the stamp") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("ws", f.base);
  REQUIRE(wt);
  auto stamp = read_stamp(*wt);
  REQUIRE(stamp);
  std::string want;
  SECTION("staged: `git add` then finds nothing more to stage") {
    write_file(*wt / "staged.txt", "staged by the tool\n");
    git_in(*wt, {"add", "staged.txt"});
    want = "b/staged.txt";
  }
  SECTION("committed: the worktree is clean against its new HEAD") {
    write_file(*wt / "committed.txt", "committed by the tool\n");
    git_in(*wt, {"add", "committed.txt"});
    git_in(*wt, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "tool"});
    want = "b/committed.txt";
  }
  auto diff = f.ws.capture_diff(uet::engine::environment::real(), *wt, f.base, &*stamp);
  REQUIRE(diff);
  CHECK(diff->find(want) != std::string::npos);
}

TEST_CASE("workspace: remove deletes the worktree and git's record, twice is fine too") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("ws", f.base);
  REQUIRE(wt);
  write_file(*wt / "dirty.txt", "uncommitted\n");
  REQUIRE(listed(f.repo, *wt));
  REQUIRE(f.ws.remove(*wt));
  CHECK_FALSE(fs::exists(*wt));
  CHECK_FALSE(listed(f.repo, *wt));
  CHECK(f.ws.remove(*wt));
  CHECK(f.ws.remove(f.tmp / "worktrees" / "never-existed"));
}

TEST_CASE("workspace: clean_stale removes what a killed run left, keeps the rest") {
  repo_fixture f(base_files());
  auto keep = f.ws.create("keep", f.base);
  auto stale1 = f.ws.create("ws-a", f.base);
  auto stale2 = f.ws.create("ws-b", f.base);
  auto files_gone = f.ws.create("ws-c", f.base);
  REQUIRE(keep);
  REQUIRE(stale1);
  REQUIRE(stale2);
  REQUIRE(files_gone);
  write_file(*stale1 / "half-done.txt", "killed mid-edit\n");
  fs::remove_all(*files_gone);                                       // record without files
  write_file(f.tmp / "worktrees" / "orphan" / "x.txt", "no record"); // files without record
  REQUIRE(worktree_paths(f.repo).size() == 5);

  auto removed = f.ws.clean_stale({"keep"});
  INFO((removed ? "" : removed.message()));
  REQUIRE(removed);
  CHECK(*removed == 4);
  auto left = worktree_paths(f.repo);
  REQUIRE(left.size() == 2); // the repository itself and keep
  CHECK(listed(f.repo, *keep));
  CHECK_FALSE(listed(f.repo, *stale1));
  CHECK_FALSE(listed(f.repo, *stale2));
  CHECK_FALSE(listed(f.repo, *files_gone));
  CHECK_FALSE(fs::exists(*stale1));
  CHECK_FALSE(fs::exists(*stale2));
  CHECK_FALSE(fs::exists(f.tmp / "worktrees" / "orphan"));
  CHECK(fs::exists(*keep / "README.md"));
  // git has no leftover administrative entries for them either.
  auto admin = f.repo / ".git" / "worktrees";
  CHECK_FALSE(fs::exists(admin / "ws-a"));
  CHECK_FALSE(fs::exists(admin / "ws-b"));
  CHECK_FALSE(fs::exists(admin / "ws-c"));
  // A second clean finds nothing more; the kept worktree still works.
  auto again = f.ws.clean_stale({"keep"});
  REQUIRE(again);
  CHECK(*again == 0);
  CHECK(git_in(*keep, {"rev-parse", "HEAD"}) == f.base);
  // A worktree can be made again under a cleaned name.
  CHECK(f.ws.create("ws-a", f.base));
}

TEST_CASE("workspace: clean_stale leaves worktrees outside its root alone") {
  repo_fixture f(base_files());
  auto elsewhere = f.tmp / "elsewhere";
  git_in(f.repo, {"worktree", "add", "-q", "--detach", elsewhere.string(), f.base});
  auto mine = f.ws.create("ws", f.base);
  REQUIRE(mine);
  auto removed = f.ws.clean_stale({});
  REQUIRE(removed);
  CHECK(*removed == 1);
  CHECK(listed(f.repo, elsewhere));
  CHECK(fs::exists(elsewhere / "README.md"));
}

TEST_CASE("workspace: clean_stale with no root yet is a no-op") {
  repo_fixture f(base_files());
  auto removed = f.ws.clean_stale({});
  REQUIRE(removed);
  CHECK(*removed == 0);
}
