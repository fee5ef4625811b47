#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "ledger/worktree_record.h"
#include "tests/ledger/ledger_fixture.h"

using namespace uet::ledger;
using uet::test::git_in;
using uet::test::repo_fixture;
using uet::test::write_file;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> base_files() {
  return {{"README.md", "# readme\n"}, {"src/a.txt", "a\n"}};
}

} // namespace

TEST_CASE("worktree record: a worktree registered without git is one git knows and uses") {
  repo_fixture f(base_files());
  auto wt = f.tmp / "worktrees" / "w0";
  REQUIRE(register_detached(f.repo, wt, f.base));
  git_in(wt, {"reset", "--hard", "--quiet", f.base});
  CHECK(uet::test::read_text(wt / "src/a.txt") == "a\n");
  CHECK(git_in(wt, {"rev-parse", "HEAD"}) == f.base);
  CHECK(git_in(wt, {"status", "--porcelain"}).empty());
  auto list = git_in(f.repo, {"worktree", "list", "--porcelain"});
  CHECK(list.find("worktree " + fs::weakly_canonical(wt).string() + "\nHEAD " + f.base +
                  "\ndetached") != std::string::npos);
  // A commit made in it is seen from the repository (shared objects and refs).
  write_file(wt / "b.txt", "b\n");
  git_in(wt, {"add", "b.txt"});
  git_in(wt, {"commit", "-qm", "b"});
  auto head = git_in(wt, {"rev-parse", "HEAD"});
  CHECK(git_in(f.repo, {"cat-file", "-t", head}) == "commit");

  auto records = list_worktree_records(f.repo);
  REQUIRE(records);
  REQUIRE(records->size() == 1);
  CHECK(records->front().present);
  CHECK(fs::equivalent(records->front().worktree, wt));

  REQUIRE(forget_worktree(wt));
  CHECK_FALSE(fs::exists(wt));
  CHECK(git_in(f.repo, {"worktree", "list", "--porcelain"}).find("w0") == std::string::npos);
  CHECK(git_in(f.repo, {"worktree", "prune", "--dry-run", "--verbose"}).empty());
}

TEST_CASE("worktree record: registration refuses what it cannot do exactly, leaving nothing") {
  repo_fixture f(base_files());
  auto wt = f.tmp / "worktrees" / "w0";
  CHECK_FALSE(register_detached(f.repo, wt, "HEAD")); // not a full object id
  CHECK_FALSE(fs::exists(wt));
  write_file(wt / "theirs.txt", "not ours\n");
  CHECK_FALSE(register_detached(f.repo, wt, f.base)); // already there: left alone
  CHECK_FALSE(fs::exists(f.repo / ".git" / "worktrees" / "w0"));
  CHECK(fs::exists(wt / "theirs.txt"));
  // forget_worktree deletes only linked worktrees.
  CHECK_FALSE(forget_worktree(wt));
  CHECK(fs::exists(wt));
  CHECK_FALSE(forget_worktree(f.repo));
  CHECK(fs::exists(f.repo / "README.md"));
}

TEST_CASE("worktree record: worktrees made concurrently while git lists them all succeed") {
  // Records appear whole (renamed into place), so neither the other makers
  // nor a git listing every worktree meanwhile ever read half of one.
  repo_fixture f(base_files());
  std::atomic<bool> done{false};
  std::atomic<int> list_failures{0};
  std::thread lister([&] {
    while (!done) {
      auto r =
          git_run(uet::engine::environment::real(), f.repo, {"worktree", "list", "--porcelain"});
      list_failures += !r || r->exit_code != 0;
    }
  });
  std::vector<std::thread> makers;
  std::atomic<int> made{0};
  for (int t = 0; t < 4; ++t)
    makers.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i)
        made += f.ws.create("w" + std::to_string(t) + "-" + std::to_string(i), f.base).ok();
    });
  for (auto& m : makers)
    m.join();
  done = true;
  lister.join();
  CHECK(made == 20);
  CHECK(list_failures == 0);
  auto records = list_worktree_records(f.repo);
  REQUIRE(records);
  CHECK(records->size() == 20);
  for (const auto& r : *records)
    CHECK(git_in(r.worktree, {"status", "--porcelain"}).empty());
}

TEST_CASE("worktree record: per-worktree config is left to git's own add") {
  repo_fixture f(base_files());
  git_in(f.repo, {"config", "extensions.worktreeConfig", "true"});
  auto wt = f.tmp / "worktrees" / "w0";
  auto refused = register_detached(f.repo, wt, f.base);
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.message(), Catch::Contains("worktreeConfig"));
  CHECK_FALSE(fs::exists(wt));
  auto made = f.ws.create("w0", f.base); // through `git worktree add`
  REQUIRE(made);
  CHECK(git_in(*made, {"rev-parse", "HEAD"}) == f.base);
}

TEST_CASE("worktree record: records with relative paths, and abandoned registrations") {
  repo_fixture f(base_files());
  auto wt = f.tmp / "worktrees" / "w0";
  REQUIRE(register_detached(f.repo, wt, f.base));
  // git 2.48+ may write the record's gitdir relative to the record.
  auto admin = f.repo / ".git" / "worktrees" / "w0";
  write_file(admin / "gitdir", fs::relative(wt / ".git", admin).string() + "\n");
  auto records = list_worktree_records(f.repo);
  REQUIRE(records);
  REQUIRE(records->size() == 1);
  CHECK(records->front().present);
  CHECK(fs::equivalent(records->front().worktree, wt));

  // A registration killed before its rename leaves a private directory:
  // an old one goes, one that may still be in use stays.
  auto old_one = f.repo / ".git" / "uet-new-worktree-x-1";
  auto new_one = f.repo / ".git" / "uet-new-worktree-y-2";
  write_file(old_one / "HEAD", f.base + "\n");
  write_file(new_one / "HEAD", f.base + "\n");
  fs::last_write_time(old_one, fs::file_time_type::clock::now() - std::chrono::hours(1));
  CHECK(remove_abandoned_staging(f.repo) == 1);
  CHECK_FALSE(fs::exists(old_one));
  CHECK(fs::exists(new_one));
}
