// Dependents start early (real binary, git, tools, SQLite): a dependent's
// edit starts on its dependency's speculative commit while that patch is
// still being tested; it lands behind it; when the dependency's patch leaves
// the gate without landing, the dependent is taken back (no retry spent)
// and runs again on the dependency's next patch, or is blocked.
#include <catch2/catch.hpp>

#include "tests/support/pipeline_project.h"

using namespace uet::test;

namespace {

/// $SCRATCH/<name>: a `date +%s%N` stamp.
long long stamp(const pipeline_project& p, const std::string& name) {
  auto f = p.scratch() / name;
  REQUIRE(fs::exists(f));
  return std::stoll(read_text(f));
}

const std::string one_retry = "resilience_policy: {max_retries: 1, backoff: {initial_ms: 1, "
                              "jitter: 0}}\n";
const std::string no_retry = "resilience_policy: {max_retries: 0}\n";

/// b (after a) copies a's file: its patch is right only on a tree with a's.
/// Its check leaves $SCRATCH/b.checked: its patch is in the gate.
std::string dependent_b(const std::string& extra = "", const std::string& check = "grep -q a") {
  return ws("echo x >> $SCRATCH/b.runs; date +%s%N > $SCRATCH/b.started; cat a.txt > b.txt",
            "b.txt", "[a]",
            "acceptance_criteria:\n  commands: [\"touch $SCRATCH/b.checked; " + check +
                " b.txt\"]\n" + extra);
}

/// Shell: wait (up to 10 s) for $SCRATCH/<marker>, so a check ends only
/// once a dependent has got that far, whatever the machine's load.
std::string wait_for(const std::string& marker) {
  return "for i in $(seq 200); do test -e $SCRATCH/" + marker + " && break; sleep 0.05; done; ";
}

/// Shell: true on the first run of the check counted in $SCRATCH/<tag>.n.
std::string first_run(const std::string& tag) {
  return "n=$(cat $SCRATCH/" + tag + ".n 2>/dev/null || echo 0); echo $((n+1)) > $SCRATCH/" + tag +
         ".n; test $n -eq 0";
}

} // namespace

TEST_CASE("early start: a dependent edits on its dependency's patch while that patch is tested") {
  // a's check takes 1.5 s. With the gate, b's tool runs meanwhile, on a's
  // speculative commit (it reads a.txt), and b lands behind a. The legacy
  // engine, the sequential baseline, and `early_start: false` start b after
  // a's check.
  const std::string how = GENERATE("gate", "legacy", "early_start: false");
  pipeline_project p(
      sh_tool,
      {{"a",
        ws("echo a > a.txt", "a.txt", "[]",
           "acceptance_criteria:\n  commands: [\"sleep 1.5; date +%s%N > $SCRATCH/a.checked\"]\n")},
       {"b", dependent_b()}});
  if (how == "early_start: false")
    write_file(p.root() / "uet.yaml", read_text(p.root() / "uet.yaml") + how + "\n");
  auto r = p.run({"run", "phase-all", how == "legacy" ? "--engine=legacy" : "--parallel=2"});
  INFO(how << "\n" << r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(p.patch_commits() == 2);
  CHECK(lines_of(p, "b.runs") == 1);
  if (how == "gate")
    CHECK(stamp(p, "b.started") < stamp(p, "a.checked"));
  else
    CHECK(stamp(p, "b.started") > stamp(p, "a.checked"));
  CHECK(p.git({"log", "--format=%s", "uet/integration~2..uet/integration"}) ==
        "uet: b test\nuet: a test");
  CHECK(p.git({"show", "uet/integration:b.txt"}) == "a");
  require_verdict_trees_match(p);
}

TEST_CASE(
    "early start: a dependency that fails its check takes its dependent back, no retry spent") {
  // a's first check fails once b's patch is in the gate (tested on a's),
  // its second passes. b is taken back (its patch leaves the gate with
  // a's), then runs again on a's second. b has no retries: being taken
  // back spent none.
  pipeline_project p(
      sh_tool, {{"a", ws("echo a > a.txt", "a.txt", "[]",
                         "acceptance_criteria:\n  commands: [\"if " + first_run("a") + "; then " +
                             wait_for("b.checked") + "exit 1; fi\"]\n" + one_retry)},
                {"b", dependent_b(no_retry)}});
  auto r = p.run({"run", "phase-all", "--parallel=2"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto st = p.status();
  CHECK(ws_state(st, "a") == "committed");
  CHECK(ws_state(st, "b") == "committed");
  CHECK(lines_of(p, "b.runs") == 2);
  CHECK(p.git({"log", "--format=%s", "uet/integration~2..uet/integration"}) ==
        "uet: b test\nuet: a test");
  CHECK(p.git({"show", "uet/integration:b.txt"}) == "a");
  // b's first patch left the gate with a's, named as such.
  auto out = p.run({"ledger", "--state", "quarantined", "--json"}).output;
  auto quarantined = nlohmann::json::parse(out);
  INFO(out);
  CHECK(quarantined.size() == 2); // a's first patch and b's first
  CHECK(out.find("left the gate without landing") != std::string::npos);
  require_verdict_trees_match(p);
  CHECK(p.run({"db", "check"}).exit_code == 0);
}

TEST_CASE("early start: a dependency quarantined blocks the dependents that started on it") {
  // b starts on a's patch, c on b's; a's check fails for good once c's
  // patch is in the gate: neither b nor c lands, both end blocked, and
  // nothing of theirs is on the branch.
  pipeline_project p(
      sh_tool, {{"a", ws("echo a > a.txt", "a.txt", "[]",
                         "acceptance_criteria:\n  commands: [\"" + wait_for("c.checked") +
                             "exit 1\"]\n" + no_retry)},
                {"b", dependent_b()},
                {"c", ws("echo x >> $SCRATCH/c.runs; cat b.txt > c.txt", "c.txt", "[b]",
                         "acceptance_criteria:\n  commands: [\"touch $SCRATCH/c.checked\"]\n")}});
  auto r = p.run({"run", "phase-all", "--parallel=3"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  auto st = p.status();
  CHECK(ws_state(st, "a") == "quarantined");
  CHECK(ws_state(st, "b") == "blocked");
  CHECK(ws_state(st, "c") == "blocked");
  CHECK(lines_of(p, "b.runs") == 1); // it did start early
  CHECK(lines_of(p, "c.runs") == 1);
  CHECK(p.patch_commits() == 0);
  CHECK(p.run({"db", "check"}).exit_code == 0);
}

TEST_CASE("early start: a dependent whose check fails on its dependency's broken patch is taken "
          "back, not failed") {
  // a's first patch is wrong ("bad"); b, started on it, copies it and its
  // check fails there; then a's check fails too. b's failure was a's: b is
  // taken back, not retried (it has no retries) nor quarantined, and lands
  // on a's second patch.
  pipeline_project p(
      sh_tool, {{"a", ws("if " + first_run("tool") + "; then echo bad; else echo good; fi > a.txt",
                         "a.txt", "[]",
                         "acceptance_criteria:\n  commands: [\"" + wait_for("b.checked") +
                             "grep -q good a.txt\"]\n" + one_retry)},
                {"b", dependent_b(no_retry, "grep -q good")}});
  auto r = p.run({"run", "phase-all", "--parallel=2"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto st = p.status();
  CHECK(ws_state(st, "a") == "committed");
  CHECK(ws_state(st, "b") == "committed");
  CHECK(lines_of(p, "b.runs") == 2);
  CHECK(p.git({"show", "uet/integration:b.txt"}) == "good");
  CHECK(r.output.find("b: attempt 1 taken back") != std::string::npos);
  require_verdict_trees_match(p);
}

TEST_CASE(
    "early start: checks that fail once across a DAG: each lands after what it was built on") {
  // w_i needs w_{i-1} and w_{i-4}; every third one's check fails on its
  // first try, once w_{i+1} started on it, taking back what did. In the end
  // every workstream lands once, each file holds its dependencies' files
  // as they landed, and each commit descends from its dependencies'.
  const int n = 12;
  std::map<std::string, std::string> specs, expected;
  std::map<std::string, std::vector<std::string>> deps_of;
  for (int i = 0; i < n; ++i) {
    auto id = "w" + std::to_string(i);
    std::vector<std::string> deps;
    if (i >= 1)
      deps.push_back("w" + std::to_string(i - 1));
    if (i >= 4)
      deps.push_back("w" + std::to_string(i - 4));
    std::string cat, yaml_deps, checks, content;
    for (const auto& d : deps) {
      cat += " " + d + ".txt";
      yaml_deps += (yaml_deps.empty() ? "" : ", ") + d;
      checks += "test -f " + d + ".txt; ";
      content += expected[d];
    }
    expected[id] = content + id + "\n";
    deps_of[id] = deps;
    auto tool = "touch $SCRATCH/" + id + ".started; sleep 0.1; " +
                (cat.empty() ? std::string(": >") : "cat" + cat + " >") + " " + id + ".txt; echo " +
                id + " >> " + id + ".txt";
    auto check = checks + "grep -q " + id + " " + id + ".txt";
    if (i % 3 == 1)
      check += "; if " + first_run(id) + "; then " +
               wait_for("w" + std::to_string(i + 1) + ".started") + "exit 1; fi";
    specs[id] = ws(tool, id + ".txt", "[" + yaml_deps + "]",
                   "acceptance_criteria:\n  commands: [\"" + check + "\"]\n" + one_retry);
  }
  pipeline_project p(sh_tool, specs);
  auto r = p.run({"run", "phase-all", "--parallel=3"}, std::chrono::seconds(240));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(p.patch_commits() == n);
  auto st = p.status();
  std::map<std::string, std::string> commit_of;
  for (const auto& w : st["workstreams"])
    commit_of[w["workstream_id"]] = p.git(
        {"log", "--format=%H", "-n1", "--grep",
         "^UET-Patch: .*\\." + w["workstream_id"].get<std::string>() + "\\.", "uet/integration"});
  for (const auto& [id, content] : expected) {
    INFO(id);
    CHECK(p.git({"show", "uet/integration:" + id + ".txt"}) + "\n" == content);
    for (const auto& d : deps_of[id])
      CHECK(p.git({"merge-base", "--is-ancestor", commit_of[d], commit_of[id]}).empty());
  }
  require_verdict_trees_match(p);
  CHECK(p.run({"db", "check"}).exit_code == 0);
  CHECK(p.run({"events", "--json"}).output.find("workstream_taken_back") != std::string::npos);
}

TEST_CASE("early start: a dependency's workstream actor that dies with its patch in the gate "
          "takes its dependent back") {
  // a's first check waits for b's tool, then a's adapter actor dies before
  // the verdict (check:crash) and takes a's workstream actor with it, a's
  // patch in the gate. The ledger withdraws that patch; b, started on it,
  // is taken back; a runs again and lands, then b on a's new patch.
  pipeline_project p(sh_tool, {{"a", ws("echo a > a.txt", "a.txt", "[]",
                                        "acceptance_criteria:\n  commands: [\"" +
                                            wait_for("b.started") + "true\"]\n" + one_retry)},
                               {"b", dependent_b()}});
  auto r = p.run({"run", "phase-all", "--parallel=2", "--inject", "check:crash:ws=a:times=1"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(p.patch_commits() == 2);
  CHECK(lines_of(p, "b.runs") == 2);
  CHECK(r.output.find("b: attempt 1 taken back") != std::string::npos);
  CHECK(r.output.find("a: started (attempt 2)") != std::string::npos);
  CHECK(p.git({"show", "uet/integration:b.txt"}) == "a");
  auto check = p.run({"db", "check"});
  INFO(check.output);
  CHECK(check.exit_code == 0);
  require_verdict_trees_match(p);
}
