// The run layer's start, end to end through the real binary: what resume
// does with an interrupted run, and the failures it must refuse on rather
// than run on. Real git repositories, real SQLite files, real tools.
#include <catch2/catch.hpp>
#include <sstream>

#include "tests/support/pipeline_project.h"

using namespace uet::test;

namespace {

/// A tool script that counts its runs in $SCRATCH/count-<id>, then writes <id>.txt.
std::string counting(const std::string& id) {
  return "echo run >> \"$SCRATCH/count-" + id + "\"; echo " + id + " > " + id + ".txt";
}

int runs_of(const pipeline_project& p, const std::string& id) {
  auto f = p.scratch() / ("count-" + id);
  if (!fs::exists(f))
    return 0;
  auto text = read_text(f);
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

void sql(const pipeline_project& p, const std::string& statements) {
  must_run({"sqlite3", (p.root() / ".uet" / "state.db").string(), statements}, p.root());
}

/// As if the run had been killed: it is running, and `ws` too.
void as_if_killed(const pipeline_project& p, const std::string& ws) {
  sql(p, "UPDATE uet_runs SET state='running', finished_at=NULL;"
         "UPDATE workstreams SET state='running', finished_at=NULL WHERE workstream_id='" +
             ws + "';");
}

} // namespace

TEST_CASE(
    "resume: a branch whose history git cannot read is refused with exit 3 and nothing runs") {
  pipeline_project p(sh_tool,
                     {{"a", ws(counting("a"), "a.txt")}, {"b", ws(counting("b"), "b.txt", "[a]")}});
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0);
  as_if_killed(p, "b");
  // a's commit object, under b's, is damaged: the branch's trailers cannot
  // be read, so resume cannot know what is committed already.
  auto a_commit = p.git({"rev-parse", "uet/integration~1"});
  auto object = p.repo() / ".git" / "objects" / a_commit.substr(0, 2) / a_commit.substr(2);
  REQUIRE(fs::exists(object));
  fs::permissions(object, fs::perms::owner_write, fs::perm_options::add);
  write_file(object, "not a git object");
  auto r = p.run({"resume"});
  INFO(r.output);
  CHECK(r.exit_code == 3);
  CHECK(r.output.find("resume: cannot read the UET-Patch trailers of uet/integration") !=
        std::string::npos);
  CHECK(runs_of(p, "a") == 1);
  CHECK(runs_of(p, "b") == 1);
  CHECK(p.status()["recorded_state"] == "running"); // untouched (its process is gone: crashed)
}

TEST_CASE("run: a database that cannot list its runs is refused with exit 3 and no tool starts") {
  pipeline_project p(sh_tool, {{"a", ws(counting("a"), "a.txt")}});
  REQUIRE(p.run({"db", "migrate"}).exit_code == 0);
  // Reading uet_runs fails (a damaged schema): killed runs cannot be found,
  // so their leftover processes could not be ended before worktrees are reused.
  sql(p, "ALTER TABLE uet_runs RENAME TO uet_runs_gone;"
         "CREATE VIEW uet_runs AS SELECT * FROM no_such_table;");
  auto r = p.run({"run", "phase-all"});
  INFO(r.output);
  CHECK(r.exit_code == 3);
  CHECK(r.output.find("run: cannot list the runs the state database records") != std::string::npos);
  CHECK(r.output.find("no such table") != std::string::npos);
  CHECK(runs_of(p, "a") == 0);
}

TEST_CASE("resume: attempt numbers in the output and the events continue the run's own") {
  pipeline_project p(sh_tool, {{"a", ws("exit 1", "a.txt", "[]",
                                        "resilience_policy: {max_retries: 1, backoff: "
                                        "{initial_ms: 1, max_ms: 1, jitter: 0}}\n")}});
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 1); // attempts 1 and 2
  sql(p, "UPDATE uet_runs SET state='running', finished_at=NULL;"
         "UPDATE workstreams SET state='pending', finished_at=NULL;");
  auto r = p.run({"resume", "--json"});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  std::vector<int> started;
  std::vector<std::pair<int, int>> retries;
  std::string reason;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line);
    if (j["event"] == "workstream_started")
      started.push_back(j["payload"]["attempt"]);
    if (j["event"] == "workstream_retry")
      retries.emplace_back(j["payload"]["attempt"], j["payload"]["next_attempt"]);
    if (j["event"] == "workstream_quarantined")
      reason = j["payload"]["reason"];
  }
  CHECK(started == std::vector<int>{3, 4});
  CHECK(retries == std::vector<std::pair<int, int>>{{3, 4}});
  CHECK(reason.find("gave up after 4 attempts") == 0);
  CHECK(p.status()["workstreams"][0]["attempts"] == 4);
}

TEST_CASE(
    "resume: a patch the killed run left in the ledger is sent again without rerunning its tool") {
  pipeline_project p(sh_tool, {{"a", ws(counting("a"), "a.txt")}});
  REQUIRE(p.run({"run", "phase-all"}).exit_code == 0);
  // As if killed after the ledger verified a's patch and before its commit.
  auto base = p.git({"rev-parse", "uet/integration~1"});
  p.git({"update-ref", "refs/heads/uet/integration", base});
  as_if_killed(p, "a");
  sql(p, "UPDATE patch_ledger SET status='verified', committed_at=NULL, commit_sha=NULL;");
  auto r = p.run({"resume"});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(runs_of(p, "a") == 1);
  CHECK(p.patch_commits() == 1);
  CHECK(p.git({"show", "uet/integration:a.txt"}) == "a");
  auto check = p.run({"db", "check"});
  INFO(check.output);
  CHECK(check.exit_code == 0);
  auto st = p.status();
  CHECK(ws_state(st, "a") == "committed");
  CHECK(st["workstreams"][0]["attempts"] == 1); // the same attempt, the same patch id
}
