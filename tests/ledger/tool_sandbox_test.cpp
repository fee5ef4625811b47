// The sandbox of a tool step, with real processes in a real worktree: what
// it may write, what it may not, and the git it must still be able to use.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <unistd.h>

#include "engine/sandbox.h"
#include "engine/subprocess.h"
#include "ledger/tool_sandbox.h"
#include "tests/ledger/ledger_fixture.h"

using namespace uet;
using uet::test::git_in;
using uet::test::read_text;
using uet::test::write_file;
namespace fs = std::filesystem;

namespace {

struct sandbox_fixture {
  sandbox_fixture() : tmp("uet-sandbox"), repo(tmp / "repo") {
    test::make_git_repo(repo, {{"README.md", "# r\n"}, {"docs/a.txt", "a\n"}});
    git_in(repo, {"worktree", "add", "--quiet", "--detach", (repo / ".uet/wt/one").string()});
    git_in(repo, {"worktree", "add", "--quiet", "--detach", (repo / ".uet/wt/two").string()});
    write_file(repo / ".uet/state.db", "db\n");
  }

  fs::path wt() const { return repo / ".uet/wt/one"; }

  /// Runs a shell script in the worktree under the sandbox of policy.
  engine::process_result run(const std::string& script, ledger::tool_sandbox& box) {
    engine::process_request p;
    p.argv = {"/bin/sh", "-c", script};
    p.cwd = wt();
    p.sandbox = box.rules();
    p.env = box.env();
    return engine::run_process(p);
  }

  std::unique_ptr<ledger::tool_sandbox> open(sandbox_policy policy = {}) {
    auto box = ledger::tool_sandbox::open(wt(), policy);
    INFO((box ? "" : box.message()));
    REQUIRE(box);
    return std::move(*box);
  }

  test::temp_dir tmp;
  fs::path repo;
};

} // namespace

TEST_CASE("sandbox: writes outside the worktree are denied, and the denied path is named") {
  REQUIRE(engine::landlock_abi() > 0); // this kernel has it (Linux >= 5.13, LSM on)
  sandbox_fixture f;
  auto box = f.open();
  auto home = fs::path(std::getenv("HOME") ? std::getenv("HOME") : "/root");
  auto home_probe = home / ("uet-sandbox-probe-" + std::to_string(::getpid()));
  auto tmp_probe = fs::temp_directory_path() / ("uet-sandbox-probe-" + std::to_string(::getpid()));
  auto common = fs::canonical(f.repo / ".git");
  const std::vector<fs::path> targets{home_probe,
                                      tmp_probe,
                                      fs::canonical(f.repo) / ".uet/wt/two/README.md",
                                      fs::canonical(f.repo) / ".uet/state.db",
                                      common / "config",
                                      common / "hooks/pre-commit",
                                      fs::canonical(f.repo) / "README.md"};
  for (const auto& target : targets) {
    INFO(target);
    std::error_code ec;
    bool existed = fs::exists(target);
    auto before = existed ? read_text(target) : "";
    auto r = f.run("echo planted >> '" + target.string() + "'", *box);
    CHECK_FALSE(r.ok());
    CHECK(r.denied == target.string());
    if (existed)
      CHECK(read_text(target) == before);
    else
      CHECK_FALSE(fs::exists(target));
    fs::remove(target, ec); // in case it was not denied
  }
}

TEST_CASE("sandbox: the worktree, git in it, TMPDIR and a declared path stay writable") {
  REQUIRE(engine::landlock_abi() > 0);
  sandbox_fixture f;
  auto extra = f.tmp / "declared-cache";
  auto box = f.open({sandbox_mode::required, {extra.string()}});
  auto r = f.run("set -e; echo b > docs/b.txt; mkdir -p src/x && echo c > src/x/c.txt; "
                 "git status --short >/dev/null; git add -A; git diff --cached --stat; "
                 "git -c user.name=t -c user.email=t@x commit -qm 'tool commit'; "
                 "echo out > /dev/stdout; echo err > /dev/stderr; echo n > /dev/null; "
                 "echo t > \"$TMPDIR/scratch\"; echo d > '" +
                     extra.string() + "/d'",
                 *box);
  INFO(r.output);
  REQUIRE(r.ok());
  CHECK(r.denied.empty());
  CHECK(read_text(f.wt() / "docs/b.txt") == "b\n");
  CHECK(read_text(extra / "d") == "d\n");
  CHECK(git_in(f.wt(), {"log", "-1", "--format=%s"}) == "tool commit");
  CHECK(box->env().at("TMPDIR") != fs::temp_directory_path().string());
  auto tmpdir = box->env().at("TMPDIR");
  CHECK(fs::exists(fs::path(tmpdir) / "scratch"));
  box.reset();
  CHECK_FALSE(fs::exists(tmpdir)); // removed with the step
}

TEST_CASE("sandbox: the worktree's .git pointer cannot be re-pointed, and is put back if it was") {
  REQUIRE(engine::landlock_abi() > 0);
  sandbox_fixture f;
  auto pointer = read_text(f.wt() / ".git");
  {
    auto box = f.open();
    auto r = f.run("echo 'gitdir: /tmp/elsewhere' > .git", *box);
    CHECK_FALSE(r.ok());
    CHECK(read_text(f.wt() / ".git") == pointer);
    auto moved = f.run("mv .git moved-git-file", *box);
    CHECK_FALSE(moved.ok());
    CHECK(box->tampered().empty());
  }
  auto off = f.open({sandbox_mode::off, {}});
  CHECK(off->rules() == nullptr);
  auto r = f.run("echo 'gitdir: /tmp/elsewhere' > .git", *off);
  CHECK(r.ok()); // unconfined: the write happens...
  auto changed = off->tampered();
  REQUIRE(changed.size() == 1); // ...is named, and undone
  CHECK(changed[0].find(".git (changed)") != std::string::npos);
  CHECK(read_text(f.wt() / ".git") == pointer);
}

TEST_CASE("sandbox: a denied line names the path only when the sandbox explains it") {
  engine::sandbox_rules rules;
  rules.writable = {"/work/wt", "/tmp/uet-tool-1"};
  rules.read_only_files = {"/work/wt/.git"};
  CHECK(engine::denied_write("sh: 1: cannot create /root/x: Permission denied\n", rules, {}) ==
        "/root/x");
  CHECK(engine::denied_write("cp: cannot create regular file '/etc/hosts-x': Permission denied",
                             rules, {}) == "/etc/hosts-x");
  CHECK(engine::denied_write("PermissionError: [Errno 13] Permission denied: '/var/tmp/x.json'\n",
                             rules, {}) == "/var/tmp/x.json");
  CHECK(engine::denied_write("sh: 1: cannot create .git: Read-only file system", rules,
                             "/work/wt") == "/work/wt/.git");
  CHECK(engine::denied_write("cannot create /work/wt/a: Permission denied", rules, {}).empty());
  CHECK(engine::denied_write("git@host: Permission denied (publickey).", rules, {}).empty());
  CHECK(engine::denied_write("all good\n", rules, {}).empty());
}

TEST_CASE("sandbox: a refused write the output names no path for still says so in the reason") {
  REQUIRE(engine::landlock_abi() > 0);
  sandbox_fixture f;
  auto box = f.open();
  // The tool hides the path: only "Permission denied" is left to tell.
  auto r = f.run("echo x 2>/dev/null > \"$HOME/uet-hidden-probe\" || "
                 "{ echo 'could not save: Permission denied'; exit 3; }",
                 *box);
  CHECK(r.exit_code == 3);
  CHECK(r.denied.empty());
  CHECK(r.describe() == "exit code 3 (its output shows a refused write: a write outside the "
                        "sandbox may have failed)");
  std::error_code ec;
  fs::remove(fs::path(std::getenv("HOME")) / "uet-hidden-probe", ec);
}

TEST_CASE("sandbox: a denial after a flood of output is still found and named") {
  REQUIRE(engine::landlock_abi() > 0);
  sandbox_fixture f;
  auto box = f.open();
  auto target = fs::canonical(f.repo) / ".uet/state.db";
  // ~400 KiB first: the tail the denial is read from is trimmed on the way.
  auto r = f.run("i=0; while [ $i -lt 4000 ]; do printf '%0100d\\n' $i; i=$((i+1)); done; "
                 "echo x >> '" +
                     target.string() + "'",
                 *box);
  CHECK_FALSE(r.ok());
  CHECK(r.output.size() > 400000);
  CHECK(r.denied == target.string());
}

TEST_CASE("sandbox: a program that cannot be started is a spawn error, not a hang or a crash") {
  sandbox_fixture f;
  auto box = f.open();
  engine::process_request p;
  p.argv = {(f.tmp / "no-such-program").string()};
  p.cwd = f.wt();
  p.sandbox = box->rules();
  auto r = engine::run_process(p);
  CHECK_FALSE(r.started);
  CHECK(r.describe().find("could not start: ") == 0);
  CHECK(r.describe().find("No such file or directory") != std::string::npos);
}
