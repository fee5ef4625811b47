// The ledger's join without a git process (object_store::graft, through
// integration_tree::speculate): where it applies it makes the tree `git
// apply --cached` makes, and where it does not, git decides as before.
#include <atomic>
#include <catch2/catch.hpp>

#include "ledger/diff.h"
#include "ledger/integration.h"
#include "tests/ledger/ledger_fixture.h"

using namespace uet::ledger;
using uet::test::git_in;
using uet::test::repo_fixture;
using uet::test::write_file;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> files() {
  return {{"README.md", "# readme\n"},
          {"src/a.txt", "1\n2\n3\n4\n5\n6\n7\n8\n9\n"},
          {"src/b.txt", "bee\nbee\nbee\nbee\n"},
          {"docs/guide.md", "guide\n"}};
}

/// A commit on `on` made by edit, in a worktree of its own.
std::string commit_on(repo_fixture& f, const std::string& on,
                      const std::function<void(const fs::path&)>& edit) {
  auto wt = f.ws.create("c", on);
  REQUIRE(wt);
  edit(*wt);
  git_in(*wt, {"add", "--all"});
  git_in(*wt, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "ahead"});
  auto c = git_in(*wt, {"rev-parse", "HEAD"});
  REQUIRE(f.ws.remove(*wt));
  return c;
}

struct captured {
  std::string diff;
  patch_origin origin;
};

/// A tool's change on base, as the edit step captures it: the diff, the
/// worktree index's tree, the paths.
captured capture_on(repo_fixture& f, const std::string& base,
                    const std::function<void(const fs::path&)>& edit) {
  auto wt = f.ws.create("tool", base);
  REQUIRE(wt);
  edit(*wt);
  auto diff = workspaces::capture_diff(uet::engine::environment::real(), *wt, base);
  REQUIRE(diff);
  captured c{*diff, {base, git_in(*wt, {"write-tree"}), {}, {}}};
  auto parsed = parse_diff(*diff);
  REQUIRE(parsed);
  for (const auto& fc : *parsed) {
    for (const auto& p : {fc.old_path, fc.new_path})
      if (!p.empty() &&
          std::find(c.origin.paths.begin(), c.origin.paths.end(), p) == c.origin.paths.end())
        c.origin.paths.push_back(p);
    if (!fc.new_path.empty())
      c.origin.written[fc.new_path] = fc.new_mode + " " + fc.new_id;
  }
  REQUIRE(f.ws.remove(*wt));
  return c;
}

void tool_change(const fs::path& wt) {
  write_file(wt / "src/a.txt", "1\nTWO\n3\n4\n5\n6\n7\n8\n9\n");
  write_file(wt / "src/new.txt", "new\n");
  fs::remove(wt / "src/b.txt"); // renamed, one line changed: "similarity index 75%"
  write_file(wt / "src/renamed.txt", "bee\nbee\nbee\nBEE\n");
  fs::remove(wt / "docs/guide.md");
}

struct speculation {
  spec_commit spec;
  apply_result conflict;
  int processes = 0;
};

/// c speculated on parent, by a fresh integration tree of f's repository.
speculation speculate_on(repo_fixture& f, const std::string& parent, const captured& c,
                         bool with_origin) {
  uet::test::counting_environment env;
  integration_config cfg;
  cfg.repo = f.repo;
  cfg.worktree = f.tmp / "integration";
  auto tree = integration_tree::open(env, cfg);
  REQUIRE(tree);
  REQUIRE(tree->reset_speculation(parent));
  speculation out;
  int before = env.processes;
  auto spec = tree->speculate(parent, c.diff, "message\n", out.conflict, "", {},
                              with_origin ? &c.origin : nullptr);
  INFO((spec ? "" : spec.message()));
  REQUIRE(spec);
  out.spec = *spec;
  out.processes = env.processes - before;
  return out;
}

} // namespace

TEST_CASE("graft: a patch whose paths nothing ahead touched joins without git, as git would") {
  repo_fixture f(files());
  auto c = capture_on(f, f.base, tool_change);
  auto parent = commit_on(f, f.base, [](const fs::path& wt) {
    write_file(wt / "README.md", "# readme, changed ahead\n");
    write_file(wt / "src/other.txt", "other\n");
  });
  auto by_git = speculate_on(f, parent, c, false);
  auto grafted = speculate_on(f, parent, c, true);
  REQUIRE(by_git.conflict.applied);
  REQUIRE(grafted.conflict.applied);
  CHECK(grafted.processes == 0);
  CHECK(by_git.processes == 1);
  CHECK(grafted.spec.tree == by_git.spec.tree);
  CHECK(grafted.spec.parent == parent);
  CHECK(git_in(f.repo, {"rev-parse", grafted.spec.commit + "^{tree}"}) == by_git.spec.tree);
  // And on its own base (the speculative tip is where it was made).
  auto at_base = speculate_on(f, f.base, c, true);
  CHECK(at_base.processes == 0);
  CHECK(at_base.spec.tree == c.origin.result_tree);
}

TEST_CASE("graft: a path changed ahead of the patch is left to git apply") {
  repo_fixture f(files());
  auto c = capture_on(f, f.base, tool_change);
  SECTION("the same file, elsewhere in it: git places the hunk") {
    auto parent = commit_on(f, f.base, [](const fs::path& wt) {
      write_file(wt / "src/a.txt", "1\n2\n3\n4\n5\n6\n7\n8\nNINE\n");
    });
    auto by_git = speculate_on(f, parent, c, false);
    auto tried = speculate_on(f, parent, c, true);
    CHECK(tried.processes == 1);
    REQUIRE(tried.conflict.applied);
    CHECK(tried.spec.tree == by_git.spec.tree);
  }
  SECTION("a file the patch adds, added ahead of it too: a conflict") {
    auto parent = commit_on(
        f, f.base, [](const fs::path& wt) { write_file(wt / "src/new.txt", "added ahead\n"); });
    auto tried = speculate_on(f, parent, c, true);
    CHECK(tried.processes == 1);
    CHECK_FALSE(tried.conflict.applied);
  }
}

TEST_CASE("graft: a result tree that is not the diff's is not trusted") {
  repo_fixture f(files());
  auto c = capture_on(f, f.base, tool_change);
  auto parent = commit_on(f, f.base, [](const fs::path& wt) { write_file(wt / "x.txt", "x\n"); });
  auto by_git = speculate_on(f, parent, c, false);
  SECTION("a path missing from the list") {
    c.origin.paths.pop_back();
  }
  SECTION("a tree with one more change") {
    auto other = capture_on(f, f.base, [](const fs::path& wt) {
      tool_change(wt);
      write_file(wt / "src/extra.txt", "not in the diff\n");
    });
    c.origin.result_tree = other.origin.result_tree;
  }
  SECTION("a tree with the same paths, one file's content not the diff's") {
    auto other = capture_on(f, f.base, [](const fs::path& wt) {
      tool_change(wt);
      write_file(wt / "src/new.txt", "not what the diff adds\n");
    });
    REQUIRE(other.origin.paths.size() == c.origin.paths.size());
    c.origin.result_tree = other.origin.result_tree;
  }
  SECTION("a diff without its index lines (nothing to compare the tree with)") {
    c.origin.written.clear();
  }
  SECTION("a pure rename (git writes no index line for it)") {
    c = capture_on(f, f.base, [](const fs::path& wt) {
      tool_change(wt);
      fs::rename(wt / "README.md", wt / "README-moved.md");
    });
    by_git = speculate_on(f, parent, c, false);
  }
  SECTION("a tree this repository lacks") {
    c.origin.result_tree = std::string(40, 'e');
  }
  auto tried = speculate_on(f, parent, c, true);
  CHECK(tried.processes == 1);
  REQUIRE(tried.conflict.applied);
  CHECK(tried.spec.tree == by_git.spec.tree);
}
