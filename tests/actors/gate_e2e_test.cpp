// The patch ledger's gate end to end (real binary, git, tools, SQLite):
// acceptance runs once, on the tree a patch lands as; a failure or a
// conflict resets what is queued behind it; the branch is the user's after
// a run; a kill -9 with patches verified but not landed resumes exactly once.
#include <catch2/catch.hpp>
#include <csignal>
#include <sstream>
#include <thread>

#include "tests/support/pipeline_project.h"

using namespace uet::test;

namespace {

/// Acceptance YAML: each command first counts itself in $SCRATCH/<tag>.
std::string counted_checks(const std::string& tag, const std::string& static_cmd,
                           const std::string& runtime_cmd) {
  auto count = [&](const std::string& kind, const std::string& cmd) {
    return "\"echo x >> $SCRATCH/" + tag + "." + kind + "; " + cmd + "\"";
  };
  return "acceptance_criteria:\n  static: [" + count("static", static_cmd) + "]\n  commands: [" +
         count("runtime", runtime_cmd) + "]\n";
}

} // namespace

TEST_CASE("gate: on a pipeline that passes, each acceptance command runs once per workstream") {
  const char* engine = GENERATE("--parallel=3", "--engine=legacy");
  std::map<std::string, std::string> specs;
  for (int i = 1; i <= 6; ++i) {
    auto id = "w" + std::to_string(i);
    auto deps = i > 3 ? "[w" + std::to_string(i - 3) + "]" : std::string("[]");
    specs[id] =
        ws("echo " + id + " > " + id + ".txt", id + ".txt", deps,
           counted_checks(id, "test -f " + id + ".txt", "grep -q " + id + " " + id + ".txt"));
  }
  pipeline_project p(sh_tool, specs);
  auto r = p.run({"run", "phase-all", engine});
  INFO(engine << "\n" << r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(p.patch_commits() == 6);
  for (int i = 1; i <= 6; ++i) {
    auto id = "w" + std::to_string(i);
    CHECK(lines_of(p, id + ".static") == 1);
    CHECK(lines_of(p, id + ".runtime") == 1);
  }
  require_verdict_trees_match(p);
  // Nothing ran in the ledger's own worktree, and the branch is nobody's.
  CHECK(p.git({"-C", (p.root() / ".uet" / "worktrees" / "integration").string(), "rev-parse",
               "--abbrev-ref", "HEAD"}) == "HEAD");
}

TEST_CASE("gate: acceptance sees only the commit: what the tool left outside the index is gone") {
  // The tool's ignored file would make the check pass on a file no commit
  // holds; what the static checks leave, the runtime checks still see.
  const char* engine = GENERATE("--parallel=2", "--engine=legacy");
  pipeline_project p(
      sh_tool, {{"a", ws("mkdir -p d\nprintf '*.log\\n' > d/.gitignore\necho a > d/a.txt\n"
                         "echo s > d/secret.log",
                         "d/**", "[]",
                         "acceptance_criteria:\n  static: [\"echo built > d/built.log\"]\n"
                         "  commands: [\"test ! -e d/secret.log\", \"test -f d/built.log\"]\n")}});
  auto r = p.run({"run", "phase-all", engine});
  INFO(engine << "\n" << r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(p.patch_commits() == 1);
  require_verdict_trees_match(p);
}

TEST_CASE("gate: a patch verified by static checks alone names them as its verifier") {
  pipeline_project p(sh_tool, {{"s", ws("echo s > s.txt", "s.txt", "[]",
                                        "acceptance_criteria:\n  static: [\"test -f s.txt\"]\n")}});
  auto r = p.run({"run", "phase-all", "--parallel=2"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto ledger = nlohmann::json::parse(p.run({"ledger", "--state", "committed", "--json"}).output);
  REQUIRE(ledger.size() == 1);
  INFO(ledger.dump());
  CHECK(ledger[0]["verified_by"].get<std::string>().find(".s.static.1") != std::string::npos);
  require_verdict_trees_match(p);
}

TEST_CASE("gate: two patches that apply together but fail together: the second is not committed") {
  // b's check fails once a's file is there: b is tested on its future tree
  // (a's patch ahead of it), fails, is retried, and fails again.
  pipeline_project p(
      sh_tool,
      {{"a", ws("echo a > a.txt", "a.txt")},
       {"b",
        ws("sleep 0.4; echo b > b.txt", "b.txt", "[]",
           counted_checks("b", "true", "test ! -e a.txt") +
               "resilience_policy: {max_retries: 1, backoff: {initial_ms: 1, jitter: 0}}\n")}});
  auto r = p.run({"run", "phase-all", "--parallel", "2"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  auto st = p.status();
  CHECK(ws_state(st, "a") == "committed");
  CHECK(ws_state(st, "b") == "quarantined");
  CHECK(p.patch_commits() == 1);
  CHECK(p.git({"ls-tree", "--name-only", "uet/integration"}).find("b.txt") == std::string::npos);
  CHECK(lines_of(p, "b.runtime") == 2); // once per attempt, each on the tree with a
  CHECK(r.output.find("acceptance failed on its future tree") != std::string::npos);
  require_verdict_trees_match(p);
}

TEST_CASE("gate: a patch ahead that fails resets the ones behind, retested and landed in order") {
  // a joins first; its check takes long and fails. b and c, behind it, pass
  // on trees with a in them, then are tested again on trees without it.
  pipeline_project p(
      sh_tool,
      {{"a", ws("echo a > a.txt", "a.txt", "[]",
                counted_checks("a", "true", "sleep 1.5; exit 1") +
                    "resilience_policy: {max_retries: 0}\n")},
       {"b", ws("sleep 0.3; echo b > b.txt", "b.txt", "[]", counted_checks("b", "true", "true"))},
       {"c", ws("sleep 0.5; echo c > c.txt", "c.txt", "[]", counted_checks("c", "true", "true"))}});
  auto r = p.run({"run", "phase-all", "--parallel", "3"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  auto st = p.status();
  CHECK(ws_state(st, "a") == "quarantined");
  CHECK(ws_state(st, "b") == "committed");
  CHECK(ws_state(st, "c") == "committed");
  CHECK(lines_of(p, "a.runtime") == 1);
  CHECK(lines_of(p, "b.runtime") == 2);
  CHECK(lines_of(p, "c.runtime") == 2);
  // In queue order, each as the tree it was retested on.
  auto subjects = p.git({"log", "--format=%s", "uet/integration~2..uet/integration"});
  CHECK(subjects == "uet: c test\nuet: b test");
  require_verdict_trees_match(p);
  auto ledger = nlohmann::json::parse(p.run({"ledger", "--state", "committed", "--json"}).output);
  for (const auto& row : ledger)
    CHECK(row["verified_by"].get<std::string>().find(".runtime.1.t2") != std::string::npos);
}

TEST_CASE("gate: a patch that no longer applies is retried on the new tree, told why") {
  // Both append to the same file from the same base: the second to join
  // conflicts, and its next attempt edits on the first one's commit.
  auto append = [](const std::string& id, const std::string& delay) {
    std::string prompt = "sleep " + delay + "; if [ -n \"$1\" ]; then printf '%s' \"$1\" > " +
                         "\"$SCRATCH/conflict-" + id + "\"; fi; echo " + id + " >> shared.txt";
    auto doc = ws(prompt, "shared.txt", "[]",
                  "resilience_policy: {max_retries: 2, backoff: {initial_ms: 1, jitter: 0}}\n");
    return doc.replace(doc.find("tool_id: sh"), 11, "tool_id: shc");
  };
  pipeline_project p(sh_and_shc_tools,
                     {{"first", append("first", "0")}, {"second", append("second", "0.4")}},
                     {{"README.md", "# test\n"}, {"shared.txt", "top\n"}});
  auto r = p.run({"run", "phase-all", "--parallel", "2"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(p.git({"show", "uet/integration:shared.txt"}) == "top\nfirst\nsecond");
  auto st = p.status();
  for (const auto& w : st["workstreams"])
    if (w["workstream_id"] == "second")
      CHECK(w["attempts"] == 2);
  REQUIRE(fs::exists(p.scratch() / "conflict-second"));
  auto told = read_text(p.scratch() / "conflict-second");
  CHECK(told.find("does not apply") != std::string::npos);
  CHECK(told.find("shared.txt") != std::string::npos);
  CHECK_FALSE(fs::exists(p.scratch() / "conflict-first"));
}

TEST_CASE(
    "gate: after a run the integration branch is the user's and a run waits until it is free") {
  pipeline_project p(sh_tool, {{"a", ws("echo a > a.txt", "a.txt")}});
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0);
  p.git({"checkout", "-q", "uet/integration"});
  CHECK(p.git({"rev-parse", "--abbrev-ref", "HEAD"}) == "uet/integration");
  write_file(p.root() / "workstreams" / "b.yaml",
             "workstream_id: b\n" + ws("echo b > b.txt", "b.txt"));
  auto refused = p.run({"run", "phase-all"});
  INFO(refused.output);
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("is checked out in") != std::string::npos);
  p.git({"checkout", "-q", "-"});
  p.git({"worktree", "add", "-q", (p.root() / "elsewhere").string(), "uet/integration"});
  p.git({"worktree", "remove", (p.root() / "elsewhere").string()});
  auto again = p.run({"run", "phase-all"});
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(p.patch_commits() == 2);
}

TEST_CASE("gate: kill -9 with patches verified but not landed: resume lands each exactly once") {
  // a's check is slow, so b, c and d pass their tests behind it and wait.
  std::map<std::string, std::string> specs{
      {"a", ws("echo $PPID > \"$SCRATCH/uet.pid\"; echo a > a.txt", "a.txt", "[]",
               "acceptance_criteria:\n  commands: [\"touch $SCRATCH/a.testing; sleep 4\"]\n")}};
  for (const auto* id : {"b", "c", "d"})
    specs[id] =
        ws(std::string("sleep 0.3; echo ") + id + " > " + id + ".txt", std::string(id) + ".txt",
           "[]", "acceptance_criteria:\n  commands: [\"true\"]\n");
  pipeline_project p(sh_tool, specs);
  auto killer = signal_when_written(p.scratch() / "a.testing", std::chrono::milliseconds(1500),
                                    SIGKILL, std::chrono::seconds(20), p.scratch() / "uet.pid");
  auto first = p.run({"run", "phase-all", "--parallel", "4"});
  killer.join();
  REQUIRE(first.signal == SIGKILL);
  auto verified = must_run({"sqlite3", (p.root() / ".uet" / "state.db").string(),
                            "SELECT count(*) FROM patch_ledger WHERE status = 'verified'"},
                           p.root());
  CHECK(std::stoi(verified) >= 2); // several waited behind a when the run died
  CHECK(p.patch_commits() == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto r = p.run({"resume"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(p.patch_commits() == 4);
  auto check = p.run({"db", "check"});
  INFO(check.output);
  CHECK(check.exit_code == 0);
  for (const auto* id : {"a", "b", "c", "d"})
    CHECK(p.git({"show", std::string("uet/integration:") + id + ".txt"}) == id);
  require_verdict_trees_match(p);
}

TEST_CASE("gate: kill -9 with a big patch kept as a file in the ledger: resume lands it from "
          "the file, the tool not run again") {
  // 2 MB of diff: past the inline threshold, so the database holds its file
  // and blob id, not its text.
  std::map<std::string, std::string> specs{
      {"big", ws("echo $PPID > \"$SCRATCH/uet.pid\"; echo run >> \"$SCRATCH/tool-runs\"\n"
                 "head -c 1500000 /dev/urandom | base64 > big.txt",
                 "big.txt", "[]",
                 "acceptance_criteria:\n  commands: [\"touch $SCRATCH/big.testing; sleep 4\"]\n")}};
  pipeline_project p(sh_tool, specs);
  auto killer = signal_when_written(p.scratch() / "big.testing", std::chrono::milliseconds(500),
                                    SIGKILL, std::chrono::seconds(20), p.scratch() / "uet.pid");
  auto first = p.run({"run", "phase-all"});
  killer.join();
  REQUIRE(first.signal == SIGKILL);
  auto db = (p.root() / ".uet" / "state.db").string();
  auto row = must_run(
      {"sqlite3", db, "SELECT length(content), content_file, content_hash FROM patch_ledger"},
      p.root());
  INFO(row);
  REQUIRE(row.rfind("0|", 0) == 0); // no text in the database
  auto file = row.substr(2, row.find('|', 2) - 2);
  CHECK(must_run({"git", "hash-object", file}, p.root()).substr(0, 40) ==
        row.substr(row.rfind('|') + 1, 40));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto r = p.run({"resume"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(p.patch_commits() == 1);
  CHECK(read_text(p.scratch() / "tool-runs") == "run\n"); // resubmitted, not edited again
  CHECK(p.git({"show", "uet/integration:big.txt"}).size() > 1900000);
}
