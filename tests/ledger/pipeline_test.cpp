#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "ledger/integration.h"
#include "ledger/patch_pipeline.h"
#include "ledger/patch_store.h"
#include "tests/ledger/ledger_fixture.h"

using namespace uet::ledger;
using uet::test::git_in;
using uet::test::read_text;
using uet::test::write_file;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

const std::string run_id = "run-1";
const std::string branch = "uet/integration";

std::map<std::string, std::string> base_files() {
  return {{"README.md", "# readme\n"},
          {"src/a.txt", "alpha\nbeta\ngamma\n"},
          {"src/b.txt", "bee\n"},
          {"src/old.bin", std::string("\x89PNG\x00\x01\x02\x03", 8)},
          {"docs/guide.md", "guide\n"}};
}

// A real repository, its integration tree and ledger directory, and a
// pipeline over them whose listener records every transition.
struct pipeline_fixture {
  pipeline_fixture() : repo(base_files()) { open(); }

  void open() {
    integration_config cfg;
    cfg.repo = repo.repo;
    cfg.worktree = repo.tmp / "integration";
    cfg.branch = branch;
    auto tree = integration_tree::open(uet::engine::environment::real(), cfg);
    INFO((tree ? "" : tree.message()));
    REQUIRE(tree);
    pipe.emplace(std::move(*tree), patch_store(ledger_dir()));
    pipe->on_transition([this](const patch_submission& s, const patch_transition& t) {
      seen.emplace_back(s.patch_id, t.state);
    });
  }

  fs::path ledger_dir() const { return repo.tmp / "ledger"; }
  fs::path integration() const { return repo.tmp / "integration"; }
  std::string head() const { return git_in(repo.repo, {"rev-parse", "refs/heads/" + branch}); }
  std::string porcelain() const {
    return git_in(integration(), {"status", "--porcelain", "--ignored"});
  }
  // A blob on the integration branch, byte for byte.
  std::optional<std::string> blob(const std::string& path) const {
    auto r = git_run(uet::engine::environment::real(), repo.repo,
                     {"cat-file", "blob", "refs/heads/" + branch + ":" + path});
    REQUIRE(r);
    if (r->exit_code != 0)
      return std::nullopt;
    return r->out;
  }

  // The change a tool makes in a worktree of the integration branch head.
  std::string change(const std::function<void(const fs::path&)>& edit) {
    repo.base = head();
    return repo.capture(edit, "tool");
  }

  patch_submission submission(const std::string& ws, const std::string& diff,
                              std::vector<std::string> allowed = {"src/**"}, int attempt = 1) {
    patch_submission s;
    s.run_id = run_id;
    s.workstream_id = ws;
    s.title = "change " + ws;
    s.attempt = attempt;
    s.patch_id = make_patch_id(run_id, ws, attempt);
    s.diff = diff;
    s.allowed_paths = std::move(allowed);
    return s;
  }

  uet::test::repo_fixture repo;
  std::optional<patch_pipeline> pipe;
  std::vector<std::pair<std::string, patch_state>> seen;
};

std::vector<patch_state> states(const patch_outcome& o) {
  std::vector<patch_state> out;
  for (const auto& t : o.transitions)
    out.push_back(t.state);
  return out;
}

std::string all_details(const patch_outcome& o) {
  std::string s = o.reason;
  for (const auto& d : o.details)
    s += "\n" + d;
  return s;
}

// Every check a quarantined-never-applied patch must pass.
void require_quarantined_unapplied(pipeline_fixture& f, const patch_submission& s,
                                   const patch_outcome& o, const std::string& head_before,
                                   const std::string& must_mention) {
  INFO(all_details(o));
  CHECK_FALSE(o.empty);
  CHECK(o.final_state == patch_state::quarantined);
  CHECK(o.commit_sha.empty());
  CHECK_FALSE(o.reason.empty());
  CHECK_THAT(all_details(o), Contains(must_mention));
  CHECK(states(o) == std::vector<patch_state>{patch_state::created, patch_state::quarantined});
  CHECK(f.head() == head_before);
  CHECK(f.porcelain().empty());
  CHECK(f.pipe->tree().commits_of(s.patch_id).empty());
  const auto& store = f.pipe->store();
  REQUIRE(fs::exists(store.quarantine_diff_path(s.patch_id)));
  CHECK(read_text(store.quarantine_diff_path(s.patch_id)) == s.diff);
  REQUIRE(fs::exists(store.quarantine_json_path(s.patch_id)));
  auto j = nlohmann::json::parse(read_text(store.quarantine_json_path(s.patch_id)));
  CHECK(j.at("patch_id") == s.patch_id);
  CHECK(j.at("run_id") == s.run_id);
  CHECK(j.at("workstream_id") == s.workstream_id);
  CHECK(j.at("attempt") == s.attempt);
  CHECK_FALSE(j.at("reason").get<std::string>().empty());
  CHECK(j.at("reason") == o.reason);
  CHECK(j.at("details").size() == o.details.size());
  CHECK(read_text(store.patch_path(s.patch_id)) == s.diff);
}

std::string new_file_diff(const std::string& path, const std::string& mode = "100644",
                          const std::string& line = "owned") {
  return "diff --git a/" + path + " b/" + path + "\nnew file mode " + mode +
         "\n--- /dev/null\n+++ b/" + path + "\n@@ -0,0 +1 @@\n+" + line + "\n";
}

} // namespace

TEST_CASE("pipeline: the commit a patch reports is the branch head, its ref loose or packed") {
  pipeline_fixture f;
  for (int i = 0; i < 3; ++i) {
    // Between patches, a user's `git pack-refs` (or gc) packs the branch.
    if (i == 1)
      git_in(f.repo.repo, {"pack-refs", "--all", "--prune"});
    auto id = "ws-" + std::to_string(i);
    auto diff = f.change([&](const fs::path& wt) { write_file(wt / ("src/" + id), id + "\n"); });
    auto o = f.pipe->submit(f.submission(id, diff));
    INFO(all_details(o));
    REQUIRE(o.final_state == patch_state::committed);
    CHECK(o.commit_sha == f.head());
    CHECK(git_in(f.repo.repo, {"log", "-1", "--format=%s", o.commit_sha}).find(id) !=
          std::string::npos);
  }
}

TEST_CASE("pipeline: a file outside allowed_paths is quarantined, never applied") {
  pipeline_fixture f;
  auto before = f.head();
  auto diff = f.change([](const fs::path& wt) {
    write_file(wt / "src/fine.txt", "inside\n");
    write_file(wt / "secrets.txt", "outside\n");
  });
  auto s = f.submission("ws-scope", diff);
  auto o = f.pipe->submit(s);
  require_quarantined_unapplied(f, s, o, before, "secrets.txt: outside allowed_paths");
  CHECK_FALSE(fs::exists(f.integration() / "secrets.txt"));
  CHECK_FALSE(fs::exists(f.integration() / "src/fine.txt")); // all or nothing
}

TEST_CASE("pipeline: a rename from inside scope to outside is quarantined, never applied") {
  pipeline_fixture f;
  auto before = f.head();
  auto diff = f.change([](const fs::path& wt) {
    fs::create_directories(wt / "out");
    fs::rename(wt / "src/a.txt", wt / "out/a.txt");
  });
  REQUIRE_THAT(diff, Contains("rename from src/a.txt"));
  auto s = f.submission("ws-rename", diff);
  auto o = f.pipe->submit(s);
  require_quarantined_unapplied(f, s, o, before, "out/a.txt: outside allowed_paths");
  CHECK_THAT(all_details(o), Contains("src/a.txt renamed to out/a.txt"));
  CHECK(fs::exists(f.integration() / "src/a.txt"));
}

TEST_CASE("pipeline: a rename from outside scope into scope is quarantined too") {
  pipeline_fixture f;
  auto before = f.head();
  auto diff = f.change([](const fs::path& wt) { fs::rename(wt / "README.md", wt / "src/R.md"); });
  auto s = f.submission("ws-rename-in", diff);
  auto o = f.pipe->submit(s);
  require_quarantined_unapplied(f, s, o, before, "README.md: outside allowed_paths");
}

TEST_CASE("pipeline: a symlink escaping the repository is quarantined, never applied") {
  std::string target = GENERATE(as<std::string>{}, "../../etc/passwd", "/etc/passwd", "../..");
  pipeline_fixture f;
  auto before = f.head();
  auto diff = f.change([&](const fs::path& wt) { fs::create_symlink(target, wt / "src/link"); });
  auto s = f.submission("ws-link", diff);
  auto o = f.pipe->submit(s);
  require_quarantined_unapplied(f, s, o, before, "src/link: symlink to '" + target + "'");
  CHECK_THAT(all_details(o), Contains("points outside the repository"));
  CHECK_FALSE(fs::is_symlink(f.integration() / "src/link"));
}

TEST_CASE("pipeline: a symlink whose target holds a newline is judged by its whole target") {
  pipeline_fixture f;
  auto before = f.head();
  // "x\n" is a directory name; "/../../.." then climbs out of the repository.
  std::string diff = "diff --git a/src/l b/src/l\nnew file mode 120000\n--- /dev/null\n"
                     "+++ b/src/l\n@@ -0,0 +1,2 @@\n+x\n+/../../../../etc\n"
                     "\\ No newline at end of file\n";
  auto s = f.submission("ws-link-nl", diff);
  auto o = f.pipe->submit(s);
  require_quarantined_unapplied(f, s, o, before, "points outside the repository");
}

TEST_CASE("pipeline: a path with '..' is quarantined, never applied") {
  pipeline_fixture f;
  auto before = f.head();
  // In scope by glob ("src/**"), but it leaves the repository.
  auto diff = new_file_diff("src/../../evil.txt");
  auto s = f.submission("ws-dotdot", diff);
  auto o = f.pipe->submit(s);
  require_quarantined_unapplied(f, s, o, before, "src/../../evil.txt: path contains '..'");
  CHECK_FALSE(fs::exists(f.repo.tmp / "evil.txt"));
}

TEST_CASE("pipeline: a write under .git/ is quarantined, never applied, whatever the scope") {
  std::string path = GENERATE(as<std::string>{}, ".git/hooks/post-commit", ".GIT/config",
                              "src/.git/config", ".git");
  pipeline_fixture f;
  auto before = f.head();
  auto diff = new_file_diff(path, "100755", "touch /tmp/uet-owned");
  auto s = f.submission("ws-dotgit", diff, {"**"});
  auto o = f.pipe->submit(s);
  require_quarantined_unapplied(f, s, o, before, path + ": paths under .git/ are never allowed");
}

TEST_CASE("pipeline: a patch that does not parse is quarantined, never applied") {
  pipeline_fixture f;
  auto before = f.head();
  auto s = f.submission("ws-garbage", "this is not a diff\n");
  auto o = f.pipe->submit(s);
  require_quarantined_unapplied(f, s, o, before, "line 1 of the patch");
}

TEST_CASE("pipeline: a binary file, a deletion and an in-repo symlink commit correctly") {
  pipeline_fixture f;
  std::string png;
  for (int i = 0; i < 300; ++i)
    png += static_cast<char>((i * 37) & 0xff);
  std::string changed_bin = std::string("\0\0\0\xff", 4) + png;
  auto diff = f.change([&](const fs::path& wt) {
    write_file(wt / "src/logo.png", png);
    write_file(wt / "src/old.bin", changed_bin);
    fs::remove(wt / "src/b.txt");
    fs::create_symlink("a.txt", wt / "src/a-link");
  });
  REQUIRE_THAT(diff, Contains("GIT binary patch"));
  auto s = f.submission("ws-bin", diff);
  auto o = f.pipe->submit(s);
  INFO(all_details(o));
  REQUIRE(o.final_state == patch_state::committed);
  CHECK(o.commit_sha == f.head());
  CHECK(f.blob("src/logo.png") == png);
  CHECK(f.blob("src/old.bin") == changed_bin);
  CHECK_FALSE(f.blob("src/b.txt").has_value());
  CHECK(f.blob("src/a.txt") == std::string("alpha\nbeta\ngamma\n"));
  CHECK(f.blob("src/a-link") == std::string("a.txt"));
  CHECK(
      git_in(f.repo.repo, {"ls-tree", "refs/heads/" + branch, "src/a-link"}).rfind("120000 ", 0) ==
      0);
  CHECK(f.porcelain().empty());
  // The branch moved by compare-and-swap to the ledger's commit: no
  // worktree holds it, the ledger's own is detached.
  CHECK(git_in(f.integration(), {"rev-parse", "--abbrev-ref", "HEAD"}) == "HEAD");
  // The user's own checkout and branch are untouched.
  CHECK(git_in(f.repo.repo, {"rev-parse", "HEAD"}) == git_in(f.repo.repo, {"rev-parse", "main"}));
  CHECK(git_in(f.repo.repo, {"status", "--porcelain"}).empty());
}

TEST_CASE("pipeline: an apply conflict quarantines the second patch, naming the hunk") {
  pipeline_fixture f;
  auto base = f.head();
  auto first = f.change(
      [](const fs::path& wt) { write_file(wt / "src/a.txt", "alpha\nBETA from one\ngamma\n"); });
  auto second = f.change(
      [](const fs::path& wt) { write_file(wt / "src/a.txt", "alpha\nBETA from two\ngamma\n"); });
  auto o1 = f.pipe->submit(f.submission("ws-one", first));
  REQUIRE(o1.final_state == patch_state::committed);
  auto after_first = f.head();
  CHECK(after_first != base);

  auto s2 = f.submission("ws-two", second);
  auto o2 = f.pipe->submit(s2);
  INFO(all_details(o2));
  CHECK(o2.final_state == patch_state::quarantined);
  CHECK(states(o2) == std::vector<patch_state>{patch_state::created, patch_state::validated,
                                               patch_state::queued, patch_state::quarantined});
  CHECK_THAT(o2.reason, Contains("does not apply"));
  CHECK_THAT(o2.reason, Contains("src/a.txt:1"));
  REQUIRE_FALSE(o2.details.empty());
  CHECK(o2.details.front() == "src/a.txt:1");
  CHECK(f.head() == after_first);
  CHECK(f.porcelain().empty());
  CHECK(f.blob("src/a.txt") == std::string("alpha\nBETA from one\ngamma\n"));
  auto j = nlohmann::json::parse(read_text(f.pipe->store().quarantine_json_path(s2.patch_id)));
  CHECK_THAT(j.at("reason").get<std::string>(), Contains("src/a.txt:1"));
  // A later, unrelated patch still goes in.
  auto third = f.change([](const fs::path& wt) { write_file(wt / "src/c.txt", "c\n"); });
  CHECK(f.pipe->submit(f.submission("ws-three", third)).final_state == patch_state::committed);
}

TEST_CASE("pipeline: a new file that already exists on the branch is a conflict naming it") {
  pipeline_fixture f;
  auto one = f.change([](const fs::path& wt) { write_file(wt / "src/n.txt", "one\n"); });
  auto two = f.change([](const fs::path& wt) { write_file(wt / "src/n.txt", "two\n"); });
  REQUIRE(f.pipe->submit(f.submission("ws-1", one)).final_state == patch_state::committed);
  auto before = f.head();
  auto o = f.pipe->submit(f.submission("ws-2", two));
  CHECK(o.final_state == patch_state::quarantined);
  CHECK_THAT(all_details(o), Contains("src/n.txt"));
  CHECK(f.head() == before);
  CHECK(f.porcelain().empty());
}

TEST_CASE("pipeline: the same patch submitted twice is committed exactly once") {
  pipeline_fixture f;
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/once.txt", "once\n"); });
  auto s = f.submission("ws-once", diff);
  auto o1 = f.pipe->submit(s);
  REQUIRE(o1.final_state == patch_state::committed);
  CHECK_FALSE(o1.already_committed);
  auto head1 = f.head();

  auto count_commits = [&] {
    auto idx = read_patch_trailers(uet::engine::environment::real(), f.repo.repo, branch);
    REQUIRE(idx);
    auto it = idx->find(s.patch_id);
    return it == idx->end() ? std::size_t(0) : it->second.size();
  };

  SECTION("in the same process") {
    auto o2 = f.pipe->submit(s);
    CHECK(o2.already_committed);
    CHECK(o2.final_state == patch_state::committed);
    CHECK(o2.commit_sha == o1.commit_sha);
  }
  SECTION("after re-opening the integration tree (a restart)") {
    f.open();
    auto o2 = f.pipe->submit(s);
    CHECK(o2.already_committed);
    CHECK(o2.final_state == patch_state::committed);
    CHECK(o2.commit_sha == o1.commit_sha);
  }
  SECTION("after a restart that found it 'applied' in the database") {
    f.open();
    auto r = s;
    r.resume_from = patch_state::applied;
    auto o2 = f.pipe->submit(r);
    CHECK(o2.already_committed);
    CHECK(o2.final_state == patch_state::committed);
    CHECK(o2.commit_sha == o1.commit_sha);
    CHECK(states(o2) == std::vector<patch_state>{patch_state::applied, patch_state::queued,
                                                 patch_state::applied, patch_state::verified,
                                                 patch_state::committed});
  }
  SECTION("after a restart that found it 'verified' in the database") {
    f.open();
    auto r = s;
    r.resume_from = patch_state::verified;
    auto o2 = f.pipe->submit(r);
    CHECK(o2.already_committed);
    CHECK(o2.commit_sha == o1.commit_sha);
  }
  CHECK(f.head() == head1);
  CHECK(count_commits() == 1);
  CHECK(git_in(f.repo.repo, {"rev-list", "--count", "refs/heads/" + branch}) == "2");
  CHECK(f.porcelain().empty());
}

TEST_CASE("pipeline: a run killed between apply and commit applies the patch once on resume") {
  pipeline_fixture f;
  auto diff = f.change([](const fs::path& wt) {
    write_file(wt / "src/a.txt", "alpha\nbeta\ngamma\ndelta\n");
    write_file(wt / "src/new.txt", "new\n");
  });
  auto s = f.submission("ws-crash", diff);
  auto before = f.head();
  // The killed run had applied the patch (index and files) but not committed.
  git_in(f.integration(), {"apply", "--index", "-"}, diff);
  write_file(f.integration() / "build.log", "verify output\n");
  REQUIRE_FALSE(f.porcelain().empty());
  // Restart: opening the tree resets it; the database says 'applied'.
  f.open();
  CHECK(f.porcelain().empty());
  auto r = s;
  r.resume_from = patch_state::applied;
  auto o = f.pipe->submit(r);
  INFO(all_details(o));
  REQUIRE(o.final_state == patch_state::committed);
  CHECK_FALSE(o.already_committed);
  CHECK(states(o) == std::vector<patch_state>{patch_state::applied, patch_state::queued,
                                              patch_state::applied, patch_state::verified,
                                              patch_state::committed});
  CHECK(git_in(f.repo.repo, {"rev-list", "--count", before + ".." + f.head()}) == "1");
  CHECK(f.blob("src/a.txt") == std::string("alpha\nbeta\ngamma\ndelta\n"));
  CHECK(f.porcelain().empty());
}

TEST_CASE("pipeline: a stale index.lock left by a killed run does not block the next patch") {
  pipeline_fixture f;
  auto gitdir = git_in(f.integration(), {"rev-parse", "--absolute-git-dir"});
  write_file(fs::path(gitdir) / "index.lock", "");
  f.open();
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/x.txt", "x\n"); });
  CHECK(f.pipe->submit(f.submission("ws-x", diff)).final_state == patch_state::committed);
}

TEST_CASE("pipeline: a stale branch lock left by a killed run is removed, a fresh one kept") {
  pipeline_fixture f;
  auto lock = f.repo.repo / ".git" / "refs" / "heads" / (branch + ".lock");
  write_file(lock, "");
  f.open(); // just made: perhaps a live git's, so left
  CHECK(fs::exists(lock));
  fs::last_write_time(lock, fs::file_time_type::clock::now() - std::chrono::minutes(1));
  f.open();
  CHECK_FALSE(fs::exists(lock));
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/x.txt", "x\n"); });
  CHECK(f.pipe->submit(f.submission("ws-x", diff)).final_state == patch_state::committed);
}

TEST_CASE("pipeline: a resumed patch is validated again: out of scope is never applied") {
  pipeline_fixture f;
  auto before = f.head();
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "outside.txt", "x\n"); });
  auto s = f.submission("ws-resume-scope", diff);
  s.resume_from = patch_state::applied;
  auto o = f.pipe->submit(s);
  INFO(all_details(o));
  CHECK(o.final_state == patch_state::quarantined);
  CHECK_THAT(all_details(o), Contains("outside.txt: outside allowed_paths"));
  CHECK(f.head() == before);
  CHECK(f.porcelain().empty());
  CHECK(fs::exists(f.pipe->store().quarantine_json_path(s.patch_id)));
}

TEST_CASE("pipeline: acceptance failure resets the tree, quarantines, commits nothing") {
  pipeline_fixture f;
  auto before = f.head();
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/feature.txt", "wip\n"); });
  auto s = f.submission("ws-accept", diff);
  // The commands run in the integration tree with the patch applied; the
  // second leaves build products and untracked files before failing.
  s.verify_commands = {"test -f src/feature.txt", "mkdir -p out && touch out/obj src/tmp.o",
                       "exit 3", "touch never-ran"};
  s.verify_log = f.repo.tmp / "logs" / "verify.log";
  auto o = f.pipe->submit(s);
  INFO(all_details(o));
  CHECK(o.final_state == patch_state::quarantined);
  CHECK(states(o) == std::vector<patch_state>{patch_state::created, patch_state::validated,
                                              patch_state::queued, patch_state::applied,
                                              patch_state::quarantined});
  CHECK_THAT(o.reason, Contains("acceptance failed"));
  CHECK_THAT(o.reason, Contains("'exit 3' exit code 3"));
  REQUIRE(o.details.size() == 1);
  CHECK(o.details[0] == "exit 3");
  CHECK(f.head() == before);
  CHECK(f.porcelain().empty());
  CHECK_FALSE(f.blob("src/feature.txt").has_value());
  CHECK_FALSE(fs::exists(f.integration() / "never-ran"));
  CHECK(f.pipe->tree().commits_of(s.patch_id).empty());
  auto idx = read_patch_trailers(uet::engine::environment::real(), f.repo.repo, branch);
  REQUIRE(idx);
  CHECK(idx->count(s.patch_id) == 0);
  CHECK(fs::exists(f.pipe->store().quarantine_json_path(s.patch_id)));
  auto log = read_text(s.verify_log);
  CHECK_THAT(log, Contains("$ exit 3"));
  CHECK_THAT(log, !Contains("never-ran"));
}

TEST_CASE("pipeline: what an acceptance command stages is not committed with the patch") {
  pipeline_fixture f;
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/feature.txt", "ok\n"); });
  auto s = f.submission("ws-stage", diff);
  // A check that formats and stages, inside and outside the patch's scope.
  s.verify_commands = {"echo formatted >> src/feature.txt && echo secret > secret.txt && "
                       "git add src/feature.txt secret.txt"};
  s.verify_log = f.repo.tmp / "logs" / "verify.log";
  auto o = f.pipe->submit(s);
  INFO(all_details(o));
  REQUIRE(o.final_state == patch_state::committed);
  CHECK(f.blob("src/feature.txt") == std::string("ok\n"));
  CHECK_FALSE(f.blob("secret.txt").has_value());
  CHECK(git_in(f.repo.repo, {"show", "--name-only", "--format=", o.commit_sha}) ==
        "src/feature.txt");
  CHECK(f.porcelain().empty()); // and the tree is clean for the next patch
}

TEST_CASE("pipeline: passing acceptance commits, and build products do not leak into the next") {
  pipeline_fixture f;
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/f.txt", "ok\n"); });
  auto s = f.submission("ws-ok", diff);
  s.verify_commands = {"grep -q ok src/f.txt", "touch src/build-product.o"};
  auto o = f.pipe->submit(s);
  REQUIRE(o.final_state == patch_state::committed);
  CHECK_FALSE(f.blob("src/build-product.o").has_value());
  CHECK(f.porcelain().empty());
}

TEST_CASE("pipeline: an acceptance command that hangs is a timeout and a quarantine") {
  pipeline_fixture f;
  auto before = f.head();
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/slow.txt", "x\n"); });
  auto s = f.submission("ws-slow", diff);
  s.verify_commands = {"sleep 30"};
  s.verify_timeout = std::chrono::milliseconds(300);
  auto t0 = std::chrono::steady_clock::now();
  auto o = f.pipe->submit(s);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));
  CHECK(o.final_state == patch_state::quarantined);
  CHECK_THAT(o.reason, Contains("timed out"));
  CHECK(f.head() == before);
  CHECK(f.porcelain().empty());
}

TEST_CASE("pipeline: a stopped run leaves a queued patch unapplied, not quarantined") {
  pipeline_fixture f;
  auto before = f.head();
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/late.txt", "x\n"); });
  auto s = f.submission("ws-late", diff);
  std::atomic<bool> stop{true};
  s.cancel = &stop;
  auto o = f.pipe->submit(s);
  INFO(all_details(o));
  CHECK(o.interrupted);
  CHECK(o.final_state == patch_state::queued);
  CHECK(states(o) == std::vector<patch_state>{patch_state::created, patch_state::validated,
                                              patch_state::queued});
  CHECK(f.head() == before);
  CHECK(f.porcelain().empty());
  CHECK_FALSE(fs::exists(f.pipe->store().quarantine_json_path(s.patch_id)));
  // Resumed (a new attempt of the same change), it commits once.
  stop = false;
  auto again = f.pipe->submit(f.submission("ws-late", diff, {"src/**"}, 2));
  CHECK(again.final_state == patch_state::committed);
  CHECK(f.blob("src/late.txt") == std::string("x\n"));
}

TEST_CASE("pipeline: Ctrl-C during verification kills it, rolls back, and re-queues the patch") {
  pipeline_fixture f;
  auto before = f.head();
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/verify.txt", "v\n"); });
  auto s = f.submission("ws-verify", diff);
  auto started = f.repo.tmp / "verify.started";
  auto grandchild = f.repo.tmp / "verify.grandchild";
  // The check leaves a build product, then hangs with a child of its own.
  s.verify_commands = {"touch src/product.o; touch '" + started.string() +
                       "'; sleep 300 & echo $! > '" + grandchild.string() + "'; sleep 300"};
  s.verify_timeout = std::chrono::seconds(600);
  s.sandbox.write = {f.repo.tmp.path().string()}; // its marker files
  std::atomic<bool> stop{false};
  s.cancel = &stop;
  std::thread ctrl_c([&] {
    for (int i = 0; i < 400 && !fs::exists(started); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop = true;
  });
  auto t0 = std::chrono::steady_clock::now();
  auto o = f.pipe->submit(s);
  ctrl_c.join();
  INFO(all_details(o));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60));
  CHECK(o.interrupted);
  CHECK(o.final_state == patch_state::queued);
  CHECK(states(o) == std::vector<patch_state>{patch_state::created, patch_state::validated,
                                              patch_state::queued, patch_state::applied,
                                              patch_state::queued});
  CHECK_THAT(o.reason, Contains("interrupted while verifying"));
  CHECK(f.head() == before);
  CHECK(f.porcelain().empty());
  CHECK_FALSE(fs::exists(f.pipe->store().quarantine_json_path(s.patch_id)));
  REQUIRE(fs::exists(grandchild));
  CHECK(uet::test::process_ends(std::stoi(read_text(grandchild))));
}

TEST_CASE("pipeline: Ctrl-C in a verify: always check speculates nothing again behind it") {
  // a lands first and is verified again on the branch (verify: always); b,
  // verified behind it, must not be reset and re-tested by a stopping run.
  pipeline_fixture f;
  auto before = f.head();
  auto started = f.repo.tmp / "verify.started";
  std::atomic<bool> stop{false};
  auto a = f.submission("ws-a",
                        f.change([](const fs::path& wt) { write_file(wt / "src/va.txt", "a\n"); }));
  a.verify_always = true;
  a.verify_commands = {"touch '" + started.string() + "'; sleep 300"};
  a.verify_timeout = std::chrono::seconds(600);
  a.cancel = &stop;
  auto b = f.submission("ws-b",
                        f.change([](const fs::path& wt) { write_file(wt / "src/vb.txt", "b\n"); }));
  b.cancel = &stop;
  auto ta = f.pipe->join(a);
  auto tb = f.pipe->join(b);
  REQUIRE(ta.kind == gate_news_kind::test);
  REQUIRE(tb.kind == gate_news_kind::test);
  CHECK(f.pipe->tested(b.patch_id, tb.epoch, test_report{true, "", "", "b's test"}).empty());
  std::thread ctrl_c([&] {
    for (int i = 0; i < 400 && !fs::exists(started); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    stop = true;
  });
  auto news = f.pipe->tested(a.patch_id, ta.epoch, test_report{true, "", "", "a's test"});
  ctrl_c.join();
  REQUIRE(news.size() == 1);
  CHECK(news[0].patch_id == a.patch_id);
  CHECK(news[0].kind == gate_news_kind::interrupted);
  CHECK(f.seen.back() == std::make_pair(a.patch_id, patch_state::queued));
  auto rest = f.pipe->interrupt();
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].patch_id == b.patch_id);
  CHECK_THAT(rest[0].reason, Contains("stays verified"));
  CHECK(f.head() == before);
}

namespace {

// What a tool can do from its own worktree: move the shared branch ref to a
// commit of its own. Returns that commit.
std::string move_branch_outside(pipeline_fixture& f, const std::string& file) {
  auto head = f.head();
  write_file(f.repo.tmp / "foreign.txt", "foreign\n");
  auto blob = git_in(f.repo.repo, {"hash-object", "-w", (f.repo.tmp / "foreign.txt").string()});
  auto tree = git_in(f.repo.repo, {"mktree"}, "100644 blob " + blob + "\t" + file + "\n");
  auto foreign = git_in(f.repo.repo, {"commit-tree", "-p", head, "-m", "not the ledger", tree});
  git_in(f.repo.repo, {"update-ref", "refs/heads/" + branch, foreign});
  return foreign;
}

bool is_ancestor(pipeline_fixture& f, const std::string& a, const std::string& b) {
  auto r =
      git_run(uet::engine::environment::real(), f.repo.repo, {"merge-base", "--is-ancestor", a, b});
  REQUIRE(r);
  return r->exit_code == 0;
}

} // namespace

TEST_CASE("pipeline: a branch moved outside the ledger is put back before the next patch") {
  pipeline_fixture f;
  auto first = f.pipe->submit(f.submission(
      "ws-1", f.change([](const fs::path& wt) { write_file(wt / "src/one.txt", "1\n"); })));
  REQUIRE(first.final_state == patch_state::committed);
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/two.txt", "2\n"); });
  auto foreign = move_branch_outside(f, "injected.txt");
  auto o = f.pipe->submit(f.submission("ws-2", diff));
  INFO(all_details(o));
  REQUIRE(o.final_state == patch_state::committed);
  CHECK_THAT(o.branch_restored, Contains(foreign));
  CHECK(git_in(f.repo.repo, {"rev-parse", o.commit_sha + "^"}) == first.commit_sha);
  CHECK_FALSE(is_ancestor(f, foreign, f.head()));
  CHECK_FALSE(f.blob("injected.txt").has_value());
  CHECK(git_in(f.repo.repo, {"rev-parse", "refs/uet/foreign/" + foreign}) == foreign);
  CHECK(f.porcelain().empty());
}

TEST_CASE("pipeline: a branch moved during verification is put back before the commit") {
  pipeline_fixture f;
  auto base = f.head();
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/v.txt", "v\n"); });
  auto s = f.submission("ws-v", diff);
  // The check itself moves the branch (any process of the user's could).
  s.verify_commands = {"c=$(git commit-tree -p HEAD -m sneaky HEAD^{tree}) && "
                       "git update-ref refs/heads/" +
                       branch + " $c && echo $c > ../sneaky.sha"};
  s.sandbox.mode =
      uet::sandbox_mode::off; // what the sandbox denies: tests/ledger/tool_sandbox_test
  auto o = f.pipe->submit(s);
  INFO(all_details(o));
  REQUIRE(o.final_state == patch_state::committed);
  auto sneaky = read_text(f.repo.tmp / "sneaky.sha");
  sneaky.pop_back();
  CHECK_THAT(o.branch_restored, Contains(sneaky));
  CHECK(git_in(f.repo.repo, {"rev-parse", o.commit_sha + "^"}) == base);
  CHECK(f.blob("src/v.txt") == std::string("v\n"));
  CHECK(f.porcelain().empty());
}

TEST_CASE(
    "pipeline: without verification, a branch moved before the commit keeps the patch whole") {
  pipeline_fixture f;
  auto base = f.head();
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/n.txt", "n\n"); });
  move_branch_outside(f, "injected.txt");
  auto o = f.pipe->submit(f.submission("ws-n", diff));
  INFO(all_details(o));
  REQUIRE(o.final_state == patch_state::committed);
  CHECK(git_in(f.repo.repo, {"rev-parse", o.commit_sha + "^"}) == base);
  CHECK(f.blob("src/n.txt") == std::string("n\n"));
  CHECK_FALSE(f.blob("injected.txt").has_value());
}

TEST_CASE("pipeline: the commit message is 'uet: <ws> <title>' with UET-Run and UET-Patch") {
  pipeline_fixture f;
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/login.py", "pass\n"); });
  auto s = f.submission("ws-auth", diff);
  s.title = "Add login\nsecond line is not part of the subject";
  auto o = f.pipe->submit(s);
  REQUIRE(o.final_state == patch_state::committed);
  auto body = git_in(f.repo.repo, {"log", "-1", "--format=%B", "refs/heads/" + branch});
  CHECK(body == "uet: ws-auth Add login\n\nUET-Run: run-1\nUET-Patch: run-1.ws-auth.1");
  CHECK(git_in(f.repo.repo, {"log", "-1", "--format=%(trailers:key=UET-Run,valueonly)",
                             "refs/heads/" + branch}) == "run-1");
  auto idx = read_patch_trailers(uet::engine::environment::real(), f.repo.repo, branch);
  REQUIRE(idx);
  REQUIRE(idx->count("run-1.ws-auth.1") == 1);
  CHECK(idx->at("run-1.ws-auth.1") == std::vector<std::string>{o.commit_sha});
  CHECK(idx->size() == 1); // the initial commit carries no trailer
  CHECK(f.pipe->tree().commits_of("run-1.ws-auth.1") == std::vector<std::string>{o.commit_sha});
  // The commit's parent is the previous branch head, and it holds only the patch.
  CHECK(git_in(f.repo.repo, {"diff", "--name-only", o.commit_sha + "^", o.commit_sha}) ==
        "src/login.py");
  CHECK(commit_message("ws", "", "r", "p") == "uet: ws\n\nUET-Run: r\nUET-Patch: p\n");
}

TEST_CASE("pipeline: patches commit one after another in submission order") {
  pipeline_fixture f;
  std::vector<std::string> shas;
  for (int i = 0; i < 4; ++i) {
    auto diff = f.change([&](const fs::path& wt) {
      write_file(wt / ("src/n" + std::to_string(i) + ".txt"), std::to_string(i) + "\n");
    });
    auto o = f.pipe->submit(f.submission("ws-" + std::to_string(i), diff));
    REQUIRE(o.final_state == patch_state::committed);
    shas.push_back(o.commit_sha);
  }
  auto log = git_in(f.repo.repo, {"log", "--format=%H", "-4", "refs/heads/" + branch});
  CHECK(log == shas[3] + "\n" + shas[2] + "\n" + shas[1] + "\n" + shas[0]);
  auto idx = read_patch_trailers(uet::engine::environment::real(), f.repo.repo, branch);
  REQUIRE(idx);
  CHECK(idx->size() == 4);
}

TEST_CASE("pipeline: every non-empty patch is saved, an empty one has no state at all") {
  pipeline_fixture f;
  auto before = f.head();
  auto good = f.change([](const fs::path& wt) { write_file(wt / "src/g.txt", "g\n"); });
  auto bad = f.change([](const fs::path& wt) { write_file(wt / "bad.txt", "b\n"); });
  auto sg = f.submission("ws-good", good);
  auto sb = f.submission("ws-bad", bad);
  f.pipe->submit(sg);
  f.pipe->submit(sb);
  const auto& store = f.pipe->store();
  CHECK(store.patch_path(sg.patch_id) == f.ledger_dir() / "patches" / "run-1.ws-good.1.diff");
  CHECK(read_text(store.patch_path(sg.patch_id)) == good);
  CHECK(read_text(store.patch_path(sb.patch_id)) == bad);
  CHECK(store.quarantine_diff_path(sb.patch_id) ==
        f.ledger_dir() / "quarantine" / "run-1.ws-bad.1.diff");
  CHECK(store.quarantine_json_path(sb.patch_id) ==
        f.ledger_dir() / "quarantine" / "run-1.ws-bad.1.json");
  CHECK_FALSE(fs::exists(store.quarantine_diff_path(sg.patch_id)));

  auto head_now = f.head();
  CHECK(head_now != before);
  f.seen.clear();
  for (std::string empty : {"", "\n", "  \n\t\n"}) {
    auto se = f.submission("ws-empty", empty);
    auto o = f.pipe->submit(se);
    CHECK(o.empty);
    CHECK(o.transitions.empty());
    CHECK_FALSE(fs::exists(store.patch_path(se.patch_id)));
    CHECK_FALSE(fs::exists(store.quarantine_json_path(se.patch_id)));
  }
  // A tool that changed nothing, captured for real.
  auto nothing = f.change([](const fs::path&) {});
  CHECK(nothing.empty());
  CHECK(f.pipe->submit(f.submission("ws-nothing", nothing)).empty);
  CHECK(f.seen.empty());
  CHECK(f.head() == head_now);
}

TEST_CASE("pipeline: the listener sees created, validated, queued, applied, verified, committed") {
  pipeline_fixture f;
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/l.txt", "l\n"); });
  auto s = f.submission("ws-listen", diff);
  s.verify_commands = {"true"};
  auto o = f.pipe->submit(s);
  REQUIRE(o.final_state == patch_state::committed);
  std::vector<std::pair<std::string, patch_state>> want;
  for (auto st : {patch_state::created, patch_state::validated, patch_state::queued,
                  patch_state::applied, patch_state::verified, patch_state::committed})
    want.emplace_back(s.patch_id, st);
  CHECK(f.seen == want);
  REQUIRE(o.transitions.size() == 6);
  CHECK(o.transitions.back().detail == o.commit_sha);
  for (std::size_t i = 1; i < o.transitions.size(); ++i) {
    CHECK(can_transition(o.transitions[i - 1].state, o.transitions[i].state));
    CHECK(o.transitions[i - 1].at <= o.transitions[i].at);
  }
  for (const auto& t : o.transitions)
    CHECK(t.at.size() == std::string("2026-11-22T10:15:30.123Z").size());
}

TEST_CASE("pipeline: the listener sees a quarantine as the last state") {
  pipeline_fixture f;
  auto s = f.submission("ws-q", new_file_diff("nope.txt"));
  auto o = f.pipe->submit(s);
  std::vector<std::pair<std::string, patch_state>> want{{s.patch_id, patch_state::created},
                                                        {s.patch_id, patch_state::quarantined}};
  CHECK(f.seen == want);
  CHECK(o.transitions.back().detail == o.reason);
}

TEST_CASE("integration: open creates the branch from base_ref and reuses its worktree") {
  uet::test::repo_fixture r(base_files());
  integration_config cfg;
  cfg.repo = r.repo;
  cfg.worktree = r.tmp / "integ";
  cfg.branch = "uet/int2";
  auto t = integration_tree::open(uet::engine::environment::real(), cfg);
  REQUIRE(t);
  auto head = t->head();
  REQUIRE(head);
  CHECK(*head == r.base);
  // Detached at the branch head: the branch itself is free for the user.
  CHECK(git_in(cfg.worktree, {"rev-parse", "--abbrev-ref", "HEAD"}) == "HEAD");
  CHECK(git_in(cfg.worktree, {"rev-parse", "HEAD"}) == r.base);
  // A stray file in the worktree is gone after a re-open.
  write_file(cfg.worktree / "stray.txt", "x\n");
  write_file(cfg.worktree / "src/a.txt", "modified\n");
  auto again = integration_tree::open(uet::engine::environment::real(), cfg);
  REQUIRE(again);
  CHECK_FALSE(fs::exists(cfg.worktree / "stray.txt"));
  CHECK(read_text(cfg.worktree / "src/a.txt") == "alpha\nbeta\ngamma\n");
  CHECK(t->opened_at() == r.base);
  // Re-opened after the branch moved, and with the worktree an older
  // version left on the branch: detached, at the branch's new head.
  git_in(cfg.worktree, {"checkout", "-q", "uet/int2"});
  git_in(cfg.worktree, {"commit", "-q", "--allow-empty", "-m", "moved"});
  auto moved = git_in(r.repo, {"rev-parse", "uet/int2"});
  auto third = integration_tree::open(uet::engine::environment::real(), cfg);
  REQUIRE(third);
  CHECK(third->opened_at() == moved);
  CHECK(git_in(cfg.worktree, {"rev-parse", "--abbrev-ref", "HEAD"}) == "HEAD");
  CHECK(git_in(cfg.worktree, {"rev-parse", "HEAD"}) == moved);
  // A base_ref that names nothing is an error that says so.
  cfg.branch = "uet/int3";
  cfg.worktree = r.tmp / "integ3";
  cfg.base_ref = "no-such-ref";
  auto bad = integration_tree::open(uet::engine::environment::real(), cfg);
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.message(), Contains("no-such-ref"));
}

TEST_CASE("integration: a worktree registered with another clone is made again for this one") {
  // A project directory copied with its .uet from another clone: the
  // integration worktree there belongs to that clone's repository.
  uet::test::repo_fixture r(base_files());
  auto clone = r.tmp / "clone";
  git_in(r.repo, {"clone", "-q", r.repo.string(), clone.string()});
  integration_config cfg;
  cfg.repo = r.repo;
  cfg.worktree = r.tmp / "integ";
  cfg.branch = "uet/int";
  REQUIRE(integration_tree::open(uet::engine::environment::real(), cfg));
  cfg.repo = clone;
  auto t = integration_tree::open(uet::engine::environment::real(), cfg);
  REQUIRE(t);
  auto common = git_in(cfg.worktree, {"rev-parse", "--path-format=absolute", "--git-common-dir"});
  CHECK(fs::equivalent(common, clone / ".git"));
  CHECK(t->opened_at() == git_in(clone, {"rev-parse", "uet/int"}));
}

TEST_CASE("pipeline: a ledger directory that cannot be written quarantines, never applies") {
  pipeline_fixture f;
  auto before = f.head();
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/x.txt", "x\n"); });
  write_file(f.ledger_dir(), "a file where the ledger directory should be\n");
  auto s = f.submission("ws-nostore", diff);
  auto o = f.pipe->submit(s);
  INFO(all_details(o));
  CHECK(o.final_state == patch_state::quarantined);
  CHECK(states(o) == std::vector<patch_state>{patch_state::created, patch_state::quarantined});
  CHECK_THAT(o.reason, Contains("cannot store the patch"));
  CHECK_THAT(all_details(o), Contains("could not write the quarantine record"));
  CHECK(f.head() == before);
  CHECK(f.porcelain().empty());
}

TEST_CASE("integration: a repository that is missing or not git is named as such") {
  uet::test::temp_dir dir("uet-norepo");
  integration_config cfg;
  cfg.repo = dir / "nope";
  cfg.worktree = dir / "integration";
  auto missing = integration_tree::open(uet::engine::environment::real(), cfg);
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.message(), Contains("(uet.yaml: repo) does not exist"));
  fs::create_directories(dir / "plain");
  cfg.repo = dir / "plain";
  if (git_run(uet::engine::environment::real(), cfg.repo, {"rev-parse", "--git-dir"})->exit_code !=
      0) { // not inside some repo
    auto plain = integration_tree::open(uet::engine::environment::real(), cfg);
    REQUIRE_FALSE(plain);
    CHECK_THAT(plain.message(), Contains("is not a git repository"));
  }
}

TEST_CASE("integration: open recovers when the integration worktree was deleted") {
  pipeline_fixture f;
  auto diff = f.change([](const fs::path& wt) { write_file(wt / "src/x.txt", "x\n"); });
  auto o = f.pipe->submit(f.submission("ws-x", diff));
  REQUIRE(o.final_state == patch_state::committed);
  fs::remove_all(f.integration()); // e.g. rm -rf .uet between runs
  f.open();
  CHECK(read_text(f.integration() / "src/x.txt") == "x\n");
  CHECK(f.pipe->tree().commits_of(make_patch_id(run_id, "ws-x", 1)) ==
        std::vector<std::string>{o.commit_sha});
  CHECK(f.pipe->submit(f.submission("ws-x", diff)).already_committed);
}

TEST_CASE("pipeline: renames and names with spaces and unicode inside scope commit") {
  pipeline_fixture f;
  const std::string cafe = "src/caf\xC3\xA9 menu.txt";
  auto diff = f.change([&](const fs::path& wt) {
    fs::rename(wt / "src/a.txt", wt / "src/a much longer name.txt");
    write_file(wt / cafe, "menu\n");
    write_file(wt / "src/sp ace.txt", "space\n");
  });
  // Exact names as allowed_paths: each must be read exactly (no trailing tab,
  // no quoting left over, rename names split right).
  auto s = f.submission("ws-names", diff,
                        {"src/a.txt", "src/a much longer name.txt", cafe, "src/sp ace.txt"});
  auto o = f.pipe->submit(s);
  INFO(all_details(o));
  REQUIRE(o.final_state == patch_state::committed);
  CHECK(f.blob("src/a much longer name.txt") == std::string("alpha\nbeta\ngamma\n"));
  CHECK_FALSE(f.blob("src/a.txt").has_value());
  CHECK(f.blob(cafe) == std::string("menu\n"));
  CHECK(f.blob("src/sp ace.txt") == std::string("space\n"));
}

namespace {

// Sets an environment variable for one test, restoring it afterwards.
class scoped_env {
public:
  scoped_env(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name))
      old_ = old;
    ::setenv(name, value, 1);
  }
  ~scoped_env() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

private:
  const char* name_;
  std::optional<std::string> old_;
};

} // namespace

TEST_CASE("pipeline: a repository with no git identity still gets commits, as uet-actors") {
  scoped_env no_global("GIT_CONFIG_GLOBAL", "/dev/null");
  scoped_env no_system("GIT_CONFIG_NOSYSTEM", "1");
  uet::test::temp_dir tmp("uet-ledger");
  auto repo = tmp / "repo";
  write_file(repo / "src/a.txt", "a\n");
  git_in(tmp.path(), {"init", "-q", "-b", "main", repo.string()});
  git_in(repo, {"add", "-A"});
  git_in(repo, {"-c", "user.name=someone", "-c", "user.email=someone@example.com", "commit", "-qm",
                "initial"});
  integration_config cfg;
  cfg.repo = repo;
  cfg.worktree = tmp / "integration";
  auto tree = integration_tree::open(uet::engine::environment::real(), cfg);
  REQUIRE(tree);
  patch_pipeline pipe(std::move(*tree), patch_store(tmp / "ledger"));
  patch_submission s;
  s.run_id = "r";
  s.workstream_id = "ws";
  s.patch_id = make_patch_id("r", "ws", 1);
  s.diff = new_file_diff("src/b.txt");
  s.allowed_paths = {"src/"};
  auto o = pipe.submit(s);
  INFO(all_details(o));
  REQUIRE(o.final_state == patch_state::committed);
  CHECK(git_in(repo, {"log", "-1", "--format=%an <%ae>", o.commit_sha}) ==
        "uet-actors <uet-actors@localhost>");
}

TEST_CASE("pipeline: a patch made on a dependency's patch in the gate leaves with it") {
  // b was made on a's speculative commit (after = a): b lands only behind
  // a; a failing its test takes b out of the gate (orphaned), and c, made
  // on nothing in the gate, is reset and lands.
  pipeline_fixture f;
  auto before = f.head();
  auto a = f.submission("ws-a",
                        f.change([](const fs::path& wt) { write_file(wt / "src/oa.txt", "a\n"); }));
  auto b = f.submission("ws-b",
                        f.change([](const fs::path& wt) { write_file(wt / "src/ob.txt", "b\n"); }));
  b.after = {a.patch_id};
  auto c = f.submission("ws-c",
                        f.change([](const fs::path& wt) { write_file(wt / "src/oc.txt", "c\n"); }));
  auto ta = f.pipe->join(a);
  auto tb = f.pipe->join(b);
  auto tc = f.pipe->join(c);
  REQUIRE(ta.kind == gate_news_kind::test);
  REQUIRE(tb.kind == gate_news_kind::test);
  REQUIRE(tc.kind == gate_news_kind::test);
  CHECK(ta.order < tb.order);
  CHECK(tb.order < tc.order);
  CHECK(f.pipe->tested(b.patch_id, tb.epoch, test_report{true, "", "", "b's test"}).empty());
  auto news = f.pipe->tested(a.patch_id, ta.epoch, test_report{false, "check failed", "", ""});
  REQUIRE(news.size() == 3);
  CHECK(news[0].patch_id == a.patch_id);
  CHECK(news[0].kind == gate_news_kind::failed);
  CHECK(news[1].patch_id == b.patch_id);
  CHECK(news[1].kind == gate_news_kind::orphaned);
  CHECK_THAT(news[1].reason, Contains(a.patch_id));
  CHECK(news[2].patch_id == c.patch_id);
  CHECK(news[2].kind == gate_news_kind::test); // reset onto the head
  CHECK(news[2].spec.parent == before);
  CHECK(f.seen.back() == std::make_pair(c.patch_id, patch_state::applied));
  auto landed = f.pipe->tested(c.patch_id, news[2].epoch, test_report{true, "", "", "c's test"});
  REQUIRE(landed.size() == 1);
  CHECK(landed[0].kind == gate_news_kind::committed);
  CHECK(f.blob("src/oc.txt") == "c\n");
  CHECK_FALSE(f.blob("src/ob.txt"));
  CHECK(fs::exists(f.pipe->store().quarantine_json_path(b.patch_id)));
}

TEST_CASE("pipeline: a patch joins behind its dependency's patch, or after it landed, else not") {
  pipeline_fixture f;
  auto a = f.submission("ws-a",
                        f.change([](const fs::path& wt) { write_file(wt / "src/la.txt", "a\n"); }));
  auto ta = f.pipe->join(a);
  REQUIRE(ta.kind == gate_news_kind::test);
  REQUIRE(f.pipe->tested(a.patch_id, ta.epoch, test_report{true, "", "", "a's test"}).size() == 1);
  // a landed: a patch made on it joins.
  auto b = f.submission("ws-b",
                        f.change([](const fs::path& wt) { write_file(wt / "src/lb.txt", "b\n"); }));
  b.after = {a.patch_id};
  CHECK(f.pipe->join(b).kind == gate_news_kind::test);
  // A dependency's patch that is neither in the gate nor landed: refused,
  // never applied.
  auto head = f.head();
  auto c = f.submission("ws-c",
                        f.change([](const fs::path& wt) { write_file(wt / "src/lc.txt", "c\n"); }));
  c.after = {make_patch_id(run_id, "ws-gone", 1)};
  auto n = f.pipe->join(c);
  CHECK(n.kind == gate_news_kind::orphaned);
  CHECK_THAT(n.reason, Contains("ws-gone"));
  CHECK(f.seen.back() == std::make_pair(c.patch_id, patch_state::quarantined));
  CHECK(f.head() == head);
}
