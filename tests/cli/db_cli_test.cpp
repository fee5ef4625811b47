// `uet-actors db migrate|rollback|check` and `uet-actors ledger` through the
// real binary, on a temp project that is its own git repository.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "base/file_lock.h"
#include "ledger/git.h"
#include "persistence/database.h"
#include "persistence/state_writer.h"
#include "tests/support/test_env.h"

using namespace uet;
using namespace uet::test;
using json = nlohmann::json;

namespace {

const char* const uet_yaml = "project: dbtest\nintegration_branch: uet/integration\n";

// A commit on the integration branch carrying "UET-Patch: id"; returns its sha.
std::string commit_patch(const fs::path& repo, const std::string& id) {
  must_run({"git", "checkout", "-q", "uet/integration"}, repo);
  write_file(repo / (id + ".txt"), id + "\n");
  must_run({"git", "add", id + ".txt"}, repo);
  must_run({"git", "commit", "-q", "-m", "uet: ws-" + id + "\n\nUET-Run: run-1\nUET-Patch: " + id},
           repo);
  auto sha = ledger::chomp(must_run({"git", "rev-parse", "HEAD"}, repo));
  must_run({"git", "checkout", "-q", "main"}, repo);
  return sha;
}

void write_rows(const fs::path& db_path, const std::vector<persistence::write_command>& batch) {
  auto db = persistence::database::open_read_write(db_path);
  REQUIRE(db.ok());
  persistence::state_writer w(*db);
  auto s = w.write(batch);
  INFO((s ? "" : s.message()));
  REQUIRE(s.ok());
}

} // namespace

TEST_CASE("db/ledger CLI: read commands never create a database") {
  temp_dir dir("uet-dbcli");
  write_file(dir / "uet.yaml", uet_yaml);
  auto ledger = run_cli({"ledger"}, dir.path());
  CHECK(ledger.exit_code == 3);
  CHECK(ledger.output.find("no such file") != std::string::npos);
  CHECK(ledger.output.find(".uet/state.db") != std::string::npos);
  auto check = run_cli({"db", "check"}, dir.path());
  CHECK(check.exit_code == 3);
  auto rollback = run_cli({"db", "rollback"}, dir.path());
  CHECK(rollback.exit_code == 3);
  // Every read command says the same about a missing database: exit 3.
  for (const char* read : {"status", "events"}) {
    auto r = run_cli({read}, dir.path());
    INFO(read << ": " << r.output);
    CHECK(r.exit_code == 3);
    CHECK(r.output.find("no such file") != std::string::npos);
  }
  auto elsewhere = run_cli({"ledger", "--json"}, dir.path(), {{"PIPELINE_DB_PATH", "other.db"}});
  CHECK(elsewhere.exit_code == 3);
  CHECK(elsewhere.output.find("other.db") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / ".uet"));
  CHECK_FALSE(fs::exists(dir / "other.db"));
}

TEST_CASE("db/ledger CLI: migrate, check against git, ledger, rollback") {
  temp_dir dir("uet-dbcli");
  auto root = dir.path();
  make_git_repo(root, {{"uet.yaml", uet_yaml}, {".gitignore", ".uet/\n"}});
  must_run({"git", "branch", "uet/integration"}, root);
  auto db_path = root / ".uet" / "state.db";

  auto m = run_cli({"db", "migrate"}, root);
  INFO(m.output);
  REQUIRE(m.exit_code == 0);
  CHECK(m.output == ".uet/state.db: schema version 0 -> 7\n");
  auto again = json::parse(run_cli({"db", "migrate", "--json"}, root).output);
  CHECK(again["from"] == 7);
  CHECK(again["to"] == 7);

  auto sha1 = commit_patch(root, "p1");
  write_rows(db_path, {persistence::run_started{"run-1", "dbtest", "phase-all", "uet", 2,
                                                "2026-11-22T10:00:00.000Z", ""},
                       persistence::patch_recorded{"p1", "run-1", "ws-p1", 1, "diff", "created",
                                                   "2026-11-22T10:00:01.000Z"},
                       persistence::patch_status_changed{
                           "p1", "committed", "2026-11-22T10:00:02.000Z", sha1, {}, {}, {}},
                       persistence::patch_recorded{"q1", "run-1", "ws-q1", 1, "diff", "created",
                                                   "2026-11-22T10:00:03.000Z"},
                       persistence::patch_status_changed{"q1",
                                                         "quarantined",
                                                         "2026-11-22T10:00:04.000Z",
                                                         {},
                                                         "touches README.md outside allowed_paths",
                                                         {},
                                                         {}}});
  {
    auto ok = run_cli({"db", "check"}, root);
    INFO(ok.output);
    CHECK(ok.exit_code == 0);
    CHECK(ok.output.find("ok: .uet/state.db: schema version 7, integrity ok, 1 committed patch") ==
          0);
  }
  {
    auto l = run_cli({"ledger", "--json"}, root);
    INFO(l.output);
    REQUIRE(l.exit_code == 0);
    auto arr = json::parse(l.output);
    REQUIRE(arr.size() == 2);
    CHECK(arr[0]["patch_id"] == "p1");
    CHECK(arr[0]["status"] == "committed");
    CHECK(arr[0]["commit_sha"] == sha1);
    CHECK(arr[0]["committed_at"] == "2026-11-22T10:00:02.000Z");
    CHECK(arr[1]["error_message"] == "touches README.md outside allowed_paths");
    CHECK(arr[1]["commit_sha"].is_null());
    auto table = run_cli({"ledger", "--state", "quarantined"}, root);
    CHECK(table.exit_code == 0);
    INFO(table.output);
    CHECK(table.output.find("PATCH  WORKSTREAM  STATUS       WORKSTREAM ENDED  COMMIT  ERROR") ==
          0);
    // No workstreams rows in this hand-made database: its outcome is "-".
    CHECK(table.output.find("q1     ws-q1       quarantined  -                 -       touches "
                            "README.md") != std::string::npos);
    CHECK(table.output.find("p1") == std::string::npos);
    auto mine = json::parse(run_cli({"ledger", "--run", "run-1", "--json"}, root).output);
    CHECK(mine.size() == 2);
    auto typo = run_cli({"ledger", "--run", "run-9", "--json"}, root);
    CHECK(typo.exit_code == 2);
    CHECK(typo.output.find("no run 'run-9'") != std::string::npos);
    auto bad = run_cli({"ledger", "--state", "merged"}, root);
    CHECK(bad.exit_code == 2);
    CHECK(bad.output.find("unknown state 'merged' (valid: created, validated, queued, applied, "
                          "verified, committed, quarantined, rolled_back)") != std::string::npos);
  }

  // A second commit for a patch the database never committed.
  commit_patch(root, "p2");
  {
    auto c = run_cli({"db", "check", "--json"}, root);
    CHECK(c.exit_code == 1);
    auto doc = json::parse(c.output);
    CHECK(doc["ok"] == false);
    REQUIRE(doc["problems"].size() == 1);
    CHECK(doc["problems"][0]["check"] == "ledger");
    CHECK(doc["problems"][0]["message"].get<std::string>().find("p2: commit ") == 0);
  }
  must_run({"git", "branch", "-f", "uet/integration", sha1}, root);

  // The database loses p1's row: its commit has no committed patch.
  {
    auto db = persistence::database::open_read_write(db_path);
    REQUIRE(db.ok());
    db->sql().exec("DELETE FROM patch_ledger WHERE patch_id = 'p1'");
  }
  {
    auto c = run_cli({"db", "check"}, root);
    INFO(c.output);
    CHECK(c.exit_code == 1);
    CHECK(c.output.find("ledger: p1: commit " + sha1.substr(0, 12) +
                        " on the branch carries it, but the database has no such patch") == 0);
  }

  auto r = run_cli({"db", "rollback"}, root);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output == ".uet/state.db: schema version 7 -> 6 (undid 0007_step_node)\n");
  auto stale = run_cli({"db", "check"}, root);
  CHECK(stale.exit_code == 1);
  CHECK(stale.output.find("schema: schema version 6, this uet-actors expects 7 (run 'uet-actors "
                          "db migrate')") != std::string::npos);
  // A read-only reader of the older schema still lists the patches.
  auto older = json::parse(run_cli({"ledger", "--json"}, root).output);
  CHECK(older.size() == 1);
  auto up = run_cli({"db", "migrate"}, root);
  CHECK(up.output == ".uet/state.db: schema version 6 -> 7\n");
  auto rows = json::parse(run_cli({"ledger", "--json"}, root).output);
  CHECK(rows.size() == 1); // q1 survived the rollback
}

TEST_CASE("db/ledger CLI: a database that is not SQLite is reported, not overwritten") {
  temp_dir dir("uet-dbcli");
  write_file(dir / "uet.yaml", uet_yaml);
  write_file(dir / ".uet" / "state.db", "not a database, just text\n");
  for (auto args : {std::vector<std::string>{"db", "check"}, {"db", "migrate"}, {"ledger"}}) {
    auto r = run_cli(args, dir.path());
    INFO(args[0] << " " << r.output);
    CHECK(r.exit_code == 3);
    CHECK(r.output.find("not a database") != std::string::npos);
  }
  CHECK(read_text(dir / ".uet" / "state.db") == "not a database, just text\n");
}

TEST_CASE("db/ledger CLI: migrate and rollback wait for no one: a live writer refuses them") {
  temp_dir dir("uet-dbcli");
  write_file(dir / "uet.yaml", uet_yaml);
  REQUIRE(run_cli({"db", "migrate"}, dir.path()).exit_code == 0);
  auto db_path = dir / ".uet" / "state.db";
  // What a running `uet-actors run` holds for as long as it writes.
  auto held = file_lock::acquire(db_path.string() + ".writer.lock", "uet-actors run run-live");
  REQUIRE(held);
  for (const char* verb : {"rollback", "migrate"}) {
    auto r = run_cli({"db", verb}, dir.path());
    INFO(r.output);
    CHECK(r.exit_code == 3);
    CHECK(r.output.find("another writer") != std::string::npos);
    CHECK(r.output.find("run-live") != std::string::npos);
  }
  held->reset();
  auto check = json::parse(run_cli({"db", "migrate", "--json"}, dir.path()).output);
  CHECK(check["from"] == 7); // the refused rollback changed nothing
  auto undone = run_cli({"db", "rollback"}, dir.path());
  INFO(undone.output);
  CHECK(undone.exit_code == 0);
}
