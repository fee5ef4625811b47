// What a tool may not do to the user's repository, and what the user's
// repository configuration may not do to our git (real binary, git, tools).
#include <catch2/catch.hpp>

#include "tests/support/pipeline_project.h"

using namespace uet::test;

namespace {

const std::string no_retries = "resilience_policy: {max_retries: 0}\n";

} // namespace

TEST_CASE("hardening: a tool that plants a git hook is quarantined and the hook removed") {
  // Sandboxed (the default), the write is denied and named; unconfined, the
  // git directory's guard finds the hook and takes it out.
  bool sandboxed = GENERATE(true, false);
  pipeline_project p(
      sh_tool + (sandboxed ? "" : "    sandbox: off\n"),
      {{"evil", ws("mkdir -p docs; echo hi > docs/hello.txt\n"
                   "hooks=\"$(git rev-parse --git-common-dir)/hooks\"; mkdir -p \"$hooks\"\n"
                   "printf '#!/bin/sh\\necho pwned\\n' > \"$hooks/pre-commit\"\n"
                   "chmod +x \"$hooks/pre-commit\"",
                   "docs/**", "[]", no_retries)},
       {"good", ws("echo ok > ok.txt", "ok.txt")}});
  auto r = p.run({"run", "phase-all", "--parallel=1"}); // one at a time: no bystander
  INFO(r.output);
  CHECK(r.exit_code == 1);
  auto st = p.status();
  CHECK(ws_state(st, "evil") == "quarantined");
  CHECK(ws_state(st, "good") == "committed");
  if (sandboxed)
    CHECK_THAT(r.output, Catch::Contains("evil: QUARANTINED: the sandbox denied a write to ") &&
                             Catch::Contains("/.git/hooks/pre-commit: a tool may write only"));
  else
    CHECK_THAT(r.output, Catch::Contains("hooks/pre-commit (added)") &&
                             Catch::Contains("put back as it was"));
  CHECK_FALSE(fs::exists(p.repo() / ".git" / "hooks" / "pre-commit"));
  CHECK(p.git({"ls-tree", "-r", "--name-only", "uet/integration"}).find("docs/hello.txt") ==
        std::string::npos);
}

TEST_CASE("hardening: a hook planted while another tool runs quarantines every suspect, and "
          "nothing of the planter lands") {
  // The bystander ends first and finds the hook; the planter, still
  // running when it was written, is held responsible when it ends.
  pipeline_project p(
      sh_tool,
      {{"evil", ws("hooks=\"$(git rev-parse --git-common-dir)/hooks\"; mkdir -p \"$hooks\"\n"
                   "printf '#!/bin/sh\\n' > \"$hooks/post-merge\"; sleep 0.6; echo e > e.txt",
                   "e.txt", "[]", no_retries)},
       {"bystander", ws("sleep 0.3; echo b > b.txt", "b.txt", "[]", no_retries)}});
  auto r = p.run({"run", "phase-all", "--parallel=2"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(ws_state(p.status(), "evil") == "quarantined");
  CHECK_FALSE(fs::exists(p.repo() / ".git" / "hooks" / "post-merge"));
  CHECK(p.git({"ls-tree", "-r", "--name-only", "uet/integration"}).find("e.txt") ==
        std::string::npos);
}

TEST_CASE("hardening: a tool that rewrites the repository's config is quarantined, config put "
          "back") {
  bool sandboxed = GENERATE(true, false);
  pipeline_project p(sh_tool + (sandboxed ? "" : "    sandbox: off\n"),
                     {{"cfg", ws("echo x > x.txt; git config alias.st '!rm -rf /'\n"
                                 "git config core.hooksPath /tmp",
                                 "x.txt", "[]", no_retries)}});
  auto before = read_text(p.repo() / ".git" / "config");
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(ws_state(p.status(), "cfg") == "quarantined");
  CHECK_THAT(r.output,
             Catch::Contains(sandboxed ? "the sandbox denied a write to " : "config (changed)"));
  if (sandboxed)
    CHECK_THAT(r.output, Catch::Contains("/.git/config"));
  CHECK(read_text(p.repo() / ".git" / "config") == before);
}

TEST_CASE("hardening: hooks and fsmonitor the repository configures never run in our git") {
  pipeline_project p(
      sh_tool, {{"a", ws("echo a > a.txt", "a.txt")}, {"b", ws("echo b > b.txt", "b.txt", "[a]")}});
  auto hooks = p.root() / "user-hooks";
  fs::create_directories(hooks);
  auto spy = "#!/bin/sh\necho \"$0\" >> " + (p.scratch() / "ran").string() + "\n";
  for (const char* hook : {"post-checkout", "pre-commit", "post-commit", "reference-transaction"}) {
    write_file(hooks / hook, spy);
    fs::permissions(hooks / hook, fs::perms::owner_all);
  }
  write_file(p.root() / "fsmonitor.sh", spy);
  fs::permissions(p.root() / "fsmonitor.sh", fs::perms::owner_all);
  p.git({"config", "core.hooksPath", hooks.string()});
  p.git({"config", "core.fsmonitor", (p.root() / "fsmonitor.sh").string()});
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(p.patch_commits() == 2);
  CHECK_FALSE(fs::exists(p.scratch() / "ran"));
}

TEST_CASE("hardening: a tool past its CPU limit is ended and the failure names the limit") {
  auto tools = sh_tool + "    limits: {cpu_s: 1, output_mb: 1}\n";
  pipeline_project p(
      tools, {{"spin", ws("echo s > s.txt; while :; do :; done", "s.txt", "[]", no_retries)},
              {"chatty", ws("head -c 3000000 /dev/zero | tr '\\\\0' x; echo c > "
                            "c.txt",
                            "c.txt")}});
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  auto st = p.status();
  CHECK(ws_state(st, "spin") == "quarantined");
  CHECK_THAT(r.output, Catch::Contains("it reached its CPU time limit (limits.cpu_s: 1)"));
  // The other tool's 3 MB of output is cut at 1 MiB in its log; it still lands.
  CHECK(ws_state(st, "chatty") == "committed");
  auto log = p.root() / ".uet" / "logs" / st["run_id"].get<std::string>() / "chatty" / "edit-1.log";
  CHECK(fs::file_size(log) < (1u << 20) + 100);
  CHECK_THAT(read_text(log), Catch::EndsWith("[uet: output truncated at the size cap]\n"));
}
