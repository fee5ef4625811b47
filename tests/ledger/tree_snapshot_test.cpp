#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <thread>

#include "ledger/tree_snapshot.h"
#include "ledger/worktree_pool.h"
#include "tests/ledger/ledger_fixture.h"

using namespace uet::ledger;
using uet::test::git_in;
using uet::test::repo_fixture;
using uet::test::write_file;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> base_files() {
  return {{".gitignore", "build/\n"}, {"README.md", "# readme\n"}, {"src/a.txt", "aaaa\n"}};
}

fs::path marker(const fs::path& wt) {
  return worktree_pool::marker_of(wt);
}

tree_snapshot snapshot(const fs::path& wt) {
  auto s = take_snapshot(wt, marker(wt));
  INFO((s ? "" : s.message()));
  REQUIRE(s);
  return *s;
}

/// A snapshot taken once the clock has moved past every file's last change
/// (no racy entry: the stat identity alone decides).
tree_snapshot aged_snapshot(const fs::path& wt) {
  for (int i = 0; i < 300; ++i) {
    auto s = snapshot(wt);
    if (s.racy.empty() && !s.racy_index)
      return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("the worktree's files stayed racy for 3 s");
  return {};
}

/// Sets a file's mtime back to what it was (a tool that hides its edit).
void restore_mtime(const fs::path& p, const struct stat& before) {
  struct timespec times[2] = {before.st_atim, before.st_mtim};
  REQUIRE(::utimensat(AT_FDCWD, p.c_str(), times, 0) == 0);
}

struct stat stat_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st;
}

} // namespace

TEST_CASE("tree snapshot: an untouched worktree is recognised, fresh from checkout or aged") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("ws", f.base);
  REQUIRE(wt);
  write_file(*wt / "build/out.o", "ignored\n"); // ignored files are part of the tree too

  auto fresh = snapshot(*wt); // files written this very tick are racy: content kept
  CHECK(fresh.trusted);
  CHECK(fresh.stamp.head == f.base);
  CHECK(untouched_since(fresh, *wt));
  CHECK(fs::exists(marker(*wt)));
  CHECK(marker(*wt).parent_path() == wt->parent_path());

  auto aged = aged_snapshot(*wt);
  CHECK(aged.trusted);
  CHECK(untouched_since(aged, *wt));
  // Reading files changes nothing that counts.
  CHECK(uet::test::read_text(*wt / "README.md") == "# readme\n");
  CHECK(git_in(*wt, {"status", "--porcelain"}).empty());
  CHECK(untouched_since(aged, *wt));
}

TEST_CASE("tree snapshot: every kind of change is seen, racy or aged") {
  using change = std::function<void(const fs::path&)>;
  std::vector<std::pair<std::string, change>> changes = {
      {"same-length rewrite, mtime restored",
       [](const fs::path& wt) {
         auto st = stat_of(wt / "README.md");
         write_file(wt / "README.md", "# README\n");
         restore_mtime(wt / "README.md", st);
       }},
      {"chmod +x", [](const fs::path& wt) { ::chmod((wt / "src/a.txt").c_str(), 0755); }},
      {"new untracked file", [](const fs::path& wt) { write_file(wt / "src/new.txt", "n\n"); }},
      {"new ignored file", [](const fs::path& wt) { write_file(wt / "build/x.o", "x\n"); }},
      {"new empty directory", [](const fs::path& wt) { fs::create_directory(wt / "empty"); }},
      {"deleted file", [](const fs::path& wt) { fs::remove(wt / "src/a.txt"); }},
      {"renamed file", [](const fs::path& wt) { fs::rename(wt / "src/a.txt", wt / "src/b.txt"); }},
      {"file replaced by a symlink",
       [](const fs::path& wt) {
         fs::remove(wt / "src/a.txt");
         fs::create_symlink("../README.md", wt / "src/a.txt");
       }},
      {"empty commit (HEAD moves)",
       [](const fs::path& wt) {
         git_in(wt, {"commit", "-q", "--allow-empty", "-m", "x"});
       }},
      {"index-only change",
       [](const fs::path& wt) {
         git_in(wt, {"update-index", "--chmod=+x", "src/a.txt"});
       }},
  };
  for (bool aged : {false, true}) {
    for (const auto& [name, apply] : changes) {
      DYNAMIC_SECTION((aged ? "aged: " : "fresh: ") << name) {
        repo_fixture f(base_files());
        auto wt = f.ws.create("ws", f.base);
        REQUIRE(wt);
        auto snap = aged ? aged_snapshot(*wt) : snapshot(*wt);
        REQUIRE(snap.trusted);
        apply(*wt);
        CHECK_FALSE(untouched_since(snap, *wt));
      }
    }
  }
}

TEST_CASE("tree snapshot: a racy file is compared by content, an untrusted one not at all") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("ws", f.base);
  REQUIRE(wt);
  auto snap = aged_snapshot(*wt);
  REQUIRE(untouched_since(snap, *wt));

  // As if README.md had been written in the snapshot's clock tick: the same
  // stat identity is no longer proof, its recorded content must match.
  auto racy = snap;
  racy.racy.push_back(racy_entry{"README.md", S_IFREG | 0644, "# readme\n"});
  CHECK(untouched_since(racy, *wt));
  racy.racy.back().content = "# README\n"; // changed within the tick, same size
  CHECK_FALSE(untouched_since(racy, *wt));

  auto untrusted = snap;
  untrusted.trusted = false;
  CHECK_FALSE(untouched_since(untrusted, *wt));
}

TEST_CASE("tree snapshot: a worktree that cannot be read fails with its path") {
  repo_fixture f(base_files());
  auto missing = take_snapshot(f.tmp / "nowhere", f.tmp / "nowhere.mark");
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.message(), Catch::Contains("nowhere"));
}

TEST_CASE("tree snapshot: a tree past the entry limit is not walked to the end nor trusted") {
  repo_fixture f(base_files());
  auto wt = f.ws.create("ws", f.base);
  REQUIRE(wt);
  // The worktree, .gitignore, README.md, src, src/a.txt: five entries.
  auto fits = take_snapshot(*wt, marker(*wt), 5);
  REQUIRE(fits);
  CHECK(fits->trusted);
  CHECK_FALSE(fits->too_big);
  CHECK(fits->entries.size() == 5);
  auto big = take_snapshot(*wt, marker(*wt), 4);
  REQUIRE(big);
  CHECK(big->too_big);
  CHECK_FALSE(big->trusted);
  CHECK_FALSE(untouched_since(*big, *wt));
}
