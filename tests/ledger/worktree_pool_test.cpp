#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "ledger/worktree_pool.h"
#include "tests/ledger/ledger_fixture.h"

using namespace uet::ledger;
using uet::test::git_in;
using uet::test::read_text;
using uet::test::repo_fixture;
using uet::test::write_file;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> base_files() {
  return {{".gitignore", "build/\n*.log\n"},
          {"README.md", "# readme\n"},
          {"src/a.txt", "a\n"},
          {"src/b.txt", "b\n"}};
}

/// A second commit on the repository's branch: b.txt changed, c.txt added.
std::string second_commit(const fs::path& repo) {
  write_file(repo / "src/b.txt", "b, second\n");
  write_file(repo / "src/c.txt", "c\n");
  git_in(repo, {"add", "--all"});
  git_in(repo, {"commit", "-qm", "second"});
  return git_in(repo, {"rev-parse", "HEAD"});
}

/// Every file under dir but .git, as "path" strings, sorted.
std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_directory())
      out.push_back(fs::relative(it->path(), dir).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::size_t registered_worktrees(const fs::path& repo) {
  auto list = git_in(repo, {"worktree", "list", "--porcelain"});
  std::size_t n = 0;
  for (std::size_t pos = list.find("worktree "); pos != std::string::npos;
       pos = list.find("\nworktree ", pos + 1))
    ++n;
  return n;
}

} // namespace

TEST_CASE("worktree pool: a reused worktree is exactly the next base commit, nothing left over") {
  // Given back as the adapter does after capturing a change (`staged`), or
  // knowing nothing of it.
  auto left = GENERATE(worktree_pool::leftovers::staged, worktree_pool::leftovers::unknown);
  repo_fixture f(base_files());
  worktree_pool pool(uet::engine::environment::real(), f.repo, f.tmp / "worktrees", "run1");
  auto wt = pool.lease();
  CHECK(wt == f.tmp / "worktrees" / "run1.wt0");
  REQUIRE(pool.prepare(wt, f.base));

  // What an attempt may leave: edits, deletions, new and ignored files, a
  // staged change (capture_diff runs `git add --all`), a new directory.
  write_file(wt / "README.md", "edited\n");
  fs::remove(wt / "src/a.txt");
  write_file(wt / "new/dir/file.txt", "new\n");
  write_file(wt / "build/out.o", "ignored\n");
  write_file(wt / "debug.log", "ignored\n");
  REQUIRE(f.ws.capture_diff(uet::engine::environment::real(), wt, f.base));
  write_file(wt / "after-capture.txt", "untracked\n");
  pool.give_back(wt, f.base, left);
  // Cleared when given back, before anyone needs it again: nothing outside
  // the index (the tracked changes go with the next prepare's reset).
  auto status = git_in(wt, {"status", "--porcelain", "--ignored", "--untracked-files=all"});
  CHECK(status.find("??") == std::string::npos);
  CHECK(status.find("!!") == std::string::npos);

  auto next = second_commit(f.repo);
  auto again = pool.lease();
  CHECK(again == wt);
  REQUIRE(pool.prepare(again, next));
  CHECK(git_in(again, {"rev-parse", "HEAD"}) == next);
  CHECK(git_in(again, {"status", "--porcelain", "--ignored", "--untracked-files=all"}).empty());
  CHECK(files_in(again) ==
        std::vector<std::string>{".gitignore", "README.md", "src/a.txt", "src/b.txt", "src/c.txt"});
  CHECK(read_text(again / "README.md") == "# readme\n");
  CHECK(read_text(again / "src/b.txt") == "b, second\n");
  CHECK(pool.created() == 1);
  CHECK(registered_worktrees(f.repo) == 2); // the repository's own and the pool's one
}

TEST_CASE("worktree pool: reused at the same commit, a worktree loses the tracked changes too") {
  // The integration head has not moved: prepare has no new base to reset
  // to, yet the last attempt's edits, staged or not, must not be seen.
  repo_fixture f(base_files());
  worktree_pool pool(uet::engine::environment::real(), f.repo, f.tmp / "worktrees", "run1");
  for (bool staged : {true, false}) {
    auto wt = pool.lease();
    REQUIRE(pool.prepare(wt, f.base));
    write_file(wt / "README.md", "edited\n");
    fs::remove(wt / "src/a.txt");
    write_file(wt / "src/new.txt", "new\n");
    if (staged)
      REQUIRE(f.ws.capture_diff(uet::engine::environment::real(), wt, f.base));
    else
      git_in(wt, {"commit", "-q", "--allow-empty", "-m", "the tool committed"});
    pool.give_back(wt, f.base);
    REQUIRE(pool.lease() == wt);
    REQUIRE(pool.prepare(wt, f.base));
    CHECK(git_in(wt, {"rev-parse", "HEAD"}) == f.base);
    CHECK(git_in(wt, {"status", "--porcelain", "--ignored", "--untracked-files=all"}).empty());
    CHECK(files_in(wt) ==
          std::vector<std::string>{".gitignore", "README.md", "src/a.txt", "src/b.txt"});
    pool.give_back(wt, f.base);
  }
}

TEST_CASE("worktree pool: a nested repository or a branch a tool made does not outlive it") {
  repo_fixture f(base_files());
  worktree_pool pool(uet::engine::environment::real(), f.repo, f.tmp / "worktrees", "run1");
  auto wt = pool.lease();
  REQUIRE(pool.prepare(wt, f.base));
  // A scaffolder's nested repository with a commit: `git add --all` stages
  // it as a gitlink, which `git clean` alone would leave.
  write_file(wt / "sub/x.txt", "x\n");
  git_in(wt / "sub", {"init", "-q"});
  git_in(wt / "sub", {"add", "x.txt"});
  git_in(wt / "sub", {"commit", "-qm", "nested"});
  REQUIRE(f.ws.capture_diff(uet::engine::environment::real(), wt, f.base));
  // The tool also switched to a branch of its own and committed there.
  git_in(wt, {"checkout", "-q", "-b", "tool-branch"});
  git_in(wt, {"commit", "-qm", "on the tool's branch"});
  auto tool_tip = git_in(wt, {"rev-parse", "HEAD"});
  pool.give_back(wt, f.base);

  for (const auto& base : {f.base, second_commit(f.repo)}) {
    REQUIRE(pool.lease() == wt);
    REQUIRE(pool.prepare(wt, base));
    CHECK_FALSE(fs::exists(wt / "sub"));
    CHECK(git_in(wt, {"rev-parse", "HEAD"}) == base);
    CHECK(git_in(wt, {"status", "--porcelain", "--ignored", "--untracked-files=all"}).empty());
    CHECK(uet::test::read_text(git_in(wt, {"rev-parse", "--absolute-git-dir"}) + "/HEAD") ==
          base + "\n"); // detached
    pool.give_back(wt, base);
  }
  // The tool's branch is where the tool left it.
  CHECK(git_in(f.repo, {"rev-parse", "tool-branch"}) == tool_tip);
}

TEST_CASE("worktree pool: released before its cleanup, a worktree is leased again at once") {
  // The workstream releases its worktree before it reports; the adapter
  // clears it when it exits, a little later. The next lease must get this
  // worktree (not make another), wait in prepare for the cleanup, and not
  // be ended by the old attempt's late give_back.
  repo_fixture f(base_files());
  worktree_pool pool(uet::engine::environment::real(), f.repo, f.tmp / "worktrees", "run1");
  std::uint64_t first = 0;
  auto wt = pool.lease(&first);
  REQUIRE(pool.prepare(wt, f.base));
  write_file(wt / "left-over.txt", "x\n");
  pool.release(wt, first);
  pool.release(wt, first); // a second release is harmless

  std::uint64_t second = 0;
  REQUIRE(pool.lease(&second) == wt);
  CHECK(second != first);
  std::atomic<bool> prepared{false};
  uet::status next_prepared;
  std::thread next([&] {
    next_prepared = pool.prepare(wt, f.base, second); // no REQUIRE off the test's thread
    prepared = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(prepared); // waits for the old attempt's cleanup
  pool.give_back(wt, f.base, worktree_pool::leftovers::unknown, first);
  next.join();
  CHECK(prepared);
  REQUIRE(next_prepared);
  CHECK_FALSE(fs::exists(wt / "left-over.txt"));
  // The old attempt's give_back did not end the new lease: the worktree is
  // still held, so the next lease is another one.
  CHECK(pool.lease() != wt);
  pool.give_back(wt, f.base, worktree_pool::leftovers::unknown, second);
  CHECK(pool.created() == 2);
}

TEST_CASE("worktree pool: only its lease can prepare a worktree, and not forever") {
  repo_fixture f(base_files());
  worktree_pool pool(uet::engine::environment::real(), f.repo, f.tmp / "worktrees", "run1");
  std::uint64_t id = 0;
  auto wt = pool.lease(&id);
  REQUIRE(pool.prepare(wt, f.base, id));
  pool.release(wt, id);
  auto released = pool.prepare(wt, f.base, id);
  REQUIRE_FALSE(released);
  CHECK_THAT(released.message(), Catch::Contains("not leased"));

  // Leased again while the old attempt has not cleared it: a stale lease
  // number is refused, and the new holder waits a bounded time.
  std::uint64_t next = 0;
  REQUIRE(pool.lease(&next) == wt);
  CHECK_FALSE(pool.prepare(wt, f.base, id));
  auto waited = pool.prepare(wt, f.base, next, std::chrono::milliseconds(50));
  REQUIRE_FALSE(waited);
  CHECK_THAT(waited.message(), Catch::Contains("has not cleared it"));
  // The old attempt's cleanup ends; then the new holder prepares.
  pool.give_back(wt, f.base, worktree_pool::leftovers::unknown, id);
  REQUIRE(pool.prepare(wt, f.base, next));

  // A failed prepare, then the give_back of an attempt that never
  // prepared: the worktree is made again on its next use.
  pool.give_back(wt, f.base, worktree_pool::leftovers::unknown, next);
  std::uint64_t third = 0;
  REQUIRE(pool.lease(&third) == wt);
  CHECK_FALSE(pool.prepare(wt, "0123456789012345678901234567890123456789", third));
  pool.give_back(wt, "", worktree_pool::leftovers::unknown, third);
  std::uint64_t fourth = 0;
  REQUIRE(pool.lease(&fourth) == wt);
  REQUIRE(pool.prepare(wt, f.base, fourth));
  CHECK(git_in(wt, {"rev-parse", "HEAD"}) == f.base);
  pool.give_back(wt, f.base, worktree_pool::leftovers::unknown, fourth);
}

TEST_CASE("worktree pool: a lease ended while its prepare waited does not prepare") {
  // The attempt is cancelled while its prepare waits for the last one's
  // cleanup: once that ends, the worktree is not its to check out.
  repo_fixture f(base_files());
  worktree_pool pool(uet::engine::environment::real(), f.repo, f.tmp / "worktrees", "run1");
  std::uint64_t first = 0, second = 0;
  auto wt = pool.lease(&first);
  REQUIRE(pool.prepare(wt, f.base, first));
  pool.release(wt, first);
  REQUIRE(pool.lease(&second) == wt);
  uet::status waited;
  std::thread next([&] { waited = pool.prepare(wt, f.base, second); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  pool.release(wt, second);
  pool.give_back(wt, f.base, worktree_pool::leftovers::unknown, first);
  next.join();
  REQUIRE_FALSE(waited);
  CHECK_THAT(waited.message(), Catch::Contains("no longer leased"));
  std::uint64_t third = 0;
  REQUIRE(pool.lease(&third) == wt);
  REQUIRE(pool.prepare(wt, f.base, third, std::chrono::milliseconds(500)));
  pool.give_back(wt, f.base, worktree_pool::leftovers::unknown, third);
}

TEST_CASE("worktree pool: remove_all leaves a worktree still in use and says so") {
  repo_fixture f(base_files());
  worktree_pool pool(uet::engine::environment::real(), f.repo, f.tmp / "worktrees", "run1");
  auto held = pool.lease();
  REQUIRE(pool.prepare(held, f.base));
  auto idle = pool.lease();
  REQUIRE(pool.prepare(idle, f.base));
  pool.give_back(idle, f.base);
  auto st = pool.remove_all(std::chrono::milliseconds(50));
  REQUIRE_FALSE(st);
  CHECK_THAT(st.message(), Catch::Contains("still in use"));
  CHECK(fs::exists(held / "README.md")); // its attempt still uses it
  CHECK_FALSE(fs::exists(idle));
  pool.give_back(held, f.base);
  REQUIRE(pool.remove_all());
  CHECK_FALSE(fs::exists(held));
}

TEST_CASE("worktree pool: leases held at once are distinct worktrees") {
  repo_fixture f(base_files());
  worktree_pool pool(uet::engine::environment::real(), f.repo, f.tmp / "worktrees", "run1");
  std::vector<fs::path> held{pool.lease(), pool.lease(), pool.lease()};
  std::vector<uet::status> results(held.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < held.size(); ++i)
    threads.emplace_back([&, i] { results[i] = pool.prepare(held[i], f.base); });
  for (auto& t : threads)
    t.join();
  for (const auto& r : results) {
    INFO((r ? "" : r.message()));
    CHECK(r);
  }
  CHECK(std::set<fs::path>(held.begin(), held.end()).size() == 3);
  for (const auto& wt : held) {
    write_file(wt / "mine.txt", wt.string());
    CHECK(read_text(wt / "mine.txt") == wt.string());
  }
  CHECK(pool.created() == 3);
  for (const auto& wt : held)
    pool.give_back(wt, f.base);
  // Idle worktrees are reused before a new one is made.
  auto wt = pool.lease();
  CHECK(std::find(held.begin(), held.end(), wt) != held.end());
  CHECK(pool.created() == 3);
}

TEST_CASE(
    "worktree pool: a worktree given back with tracked files untouched loses its other files") {
  repo_fixture f(base_files());
  worktree_pool pool(uet::engine::environment::real(), f.repo, f.tmp / "worktrees", "run1");
  auto wt = pool.lease();
  REQUIRE(pool.prepare(wt, f.base));
  write_file(wt / "build/out.o", "ignored\n");
  write_file(wt / "untracked.txt", "untracked\n");
  pool.give_back(wt, f.base, worktree_pool::leftovers::untracked_only);
  CHECK(git_in(wt, {"status", "--porcelain", "--ignored", "--untracked-files=all"}).empty());
  REQUIRE(pool.lease() == wt);
  REQUIRE(pool.prepare(wt, f.base));
  CHECK(files_in(wt) ==
        std::vector<std::string>{".gitignore", "README.md", "src/a.txt", "src/b.txt"});
}

TEST_CASE("worktree pool: a worktree given back untouched is reused as it is, without git") {
  repo_fixture f(base_files());
  worktree_pool pool(uet::engine::environment::real(), f.repo, f.tmp / "worktrees", "run1");
  auto wt = pool.lease();
  REQUIRE(pool.prepare(wt, f.base));
  // The caller's word (a tree_snapshot) is taken: a file it did not report
  // stays, which shows no reset or clean ran. The marker file goes with
  // the worktrees at the end of the run.
  write_file(wt / "unreported.txt", "kept\n");
  write_file(worktree_pool::marker_of(wt), "");
  pool.give_back(wt, f.base, worktree_pool::leftovers::none);
  REQUIRE(pool.lease() == wt);
  REQUIRE(pool.prepare(wt, f.base));
  CHECK(fs::exists(wt / "unreported.txt"));
  pool.give_back(wt, f.base);
  REQUIRE(pool.remove_all());
  CHECK_FALSE(fs::exists(wt));
  CHECK_FALSE(fs::exists(worktree_pool::marker_of(wt)));
}

TEST_CASE("worktree pool: prepare waits for a worktree still being cleared") {
  repo_fixture f(base_files());
  worktree_pool pool(uet::engine::environment::real(), f.repo, f.tmp / "worktrees", "run1");
  auto wt = pool.lease();
  REQUIRE(pool.prepare(wt, f.base));
  for (int i = 0; i < 200; ++i)
    write_file(wt / ("junk/" + std::to_string(i) + ".txt"), "junk\n");
  std::thread giver([&] { pool.give_back(wt, f.base); });
  // Lease until the worktree being given back comes out (the giver may not
  // have reached the pool yet).
  fs::path got;
  std::vector<fs::path> others;
  for (int i = 0; i < 1000 && got != wt; ++i) {
    got = pool.lease();
    if (got != wt) {
      others.push_back(got);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  REQUIRE(got == wt);
  REQUIRE(pool.prepare(wt, f.base));
  CHECK_FALSE(fs::exists(wt / "junk"));
  giver.join();
  CHECK(git_in(wt, {"status", "--porcelain", "--ignored", "--untracked-files=all"}).empty());
}

TEST_CASE("worktree pool: a broken or cut-short worktree is made again from nothing") {
  repo_fixture f(base_files());
  worktree_pool pool(uet::engine::environment::real(), f.repo, f.tmp / "worktrees", "run1");
  auto wt = pool.lease();
  REQUIRE(pool.prepare(wt, f.base));

  SECTION("its git link is gone") {
    fs::remove(wt / ".git");
    write_file(wt / "stray.txt", "left\n");
    pool.give_back(wt, f.base);
  }
  SECTION("its attempt never finished preparing it") {
    write_file(wt / "stray.txt", "left\n");
    pool.give_back(wt, "");
  }
  SECTION("it was made unusable after it was given back") {
    pool.give_back(wt, f.base);
    fs::remove(wt / ".git");
    write_file(wt / "stray.txt", "left\n");
  }
  auto again = pool.lease();
  REQUIRE(again == wt);
  auto st = pool.prepare(again, f.base);
  INFO((st ? "" : st.message()));
  REQUIRE(st);
  CHECK_FALSE(fs::exists(again / "stray.txt"));
  CHECK(git_in(again, {"rev-parse", "HEAD"}) == f.base);
  CHECK(git_in(again, {"status", "--porcelain", "--ignored"}).empty());
}

TEST_CASE("worktree pool: remove_all leaves no worktree and no registration") {
  repo_fixture f(base_files());
  worktree_pool pool(uet::engine::environment::real(), f.repo, f.tmp / "worktrees", "run1");
  auto a = pool.lease();
  auto b = pool.lease();
  REQUIRE(pool.prepare(a, f.base));
  REQUIRE(pool.prepare(b, f.base));
  pool.give_back(a, f.base);
  // b's attempt is still clearing it: remove_all waits for it.
  std::atomic<bool> returned{false};
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    returned = true;
    pool.give_back(b, f.base);
  });
  REQUIRE(pool.remove_all());
  CHECK(returned);
  late.join();
  CHECK_FALSE(fs::exists(a));
  CHECK_FALSE(fs::exists(b));
  CHECK(registered_worktrees(f.repo) == 1);
}

TEST_CASE("worktree pool: a bad commit is an error naming git's complaint") {
  repo_fixture f(base_files());
  worktree_pool pool(uet::engine::environment::real(), f.repo, f.tmp / "worktrees", "run1");
  auto wt = pool.lease();
  auto st = pool.prepare(wt, "0123456789012345678901234567890123456789");
  REQUIRE_FALSE(st);
  CHECK_THAT(st.message(), Catch::Matchers::Contains("worktree add"));
}
