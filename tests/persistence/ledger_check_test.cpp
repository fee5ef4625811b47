// persistence/ledger_check: the database against the branch's UET-Patch
// trailers, and SQLite's own integrity checks.
#include "ledger/git.h"
#include "persistence/ledger_check.h"
#include "tests/persistence/db_fixture.h"

using namespace uet;
using namespace uet::persistence;
using namespace uet::test;

namespace {

const std::string sha_a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string sha_b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

std::vector<ledger_problem_kind> kinds(const std::vector<ledger_problem>& ps) {
  std::vector<ledger_problem_kind> out;
  for (const auto& p : ps)
    out.push_back(p.kind);
  return out;
}

} // namespace

TEST_CASE("ledger_check: committed patches each in exactly one commit agree") {
  std::map<std::string, db_patch> db{{"p1", {"committed", sha_a}},
                                     {"p2", {"committed", sha_b}},
                                     {"p3", {"quarantined", {}}},
                                     {"p4", {"applied", {}}}};
  CHECK(compare_ledger(db, {{"p1", {sha_a}}, {"p2", {sha_b}}}).empty());
  CHECK(compare_ledger({}, {}).empty());
}

TEST_CASE("ledger_check: a committed patch with no commit, two commits, or another sha") {
  std::map<std::string, db_patch> db{{"p1", {"committed", sha_a}},
                                     {"p2", {"committed", sha_a}},
                                     {"p3", {"committed", sha_a}},
                                     {"p4", {"committed", {}}}};
  auto ps = compare_ledger(db, {{"p2", {sha_a, sha_b}}, {"p3", {sha_b}}, {"p4", {sha_b}}});
  REQUIRE(ps.size() == 4);
  CHECK(kinds(ps) == std::vector<ledger_problem_kind>{
                         ledger_problem_kind::no_commit, ledger_problem_kind::several_commits,
                         ledger_problem_kind::sha_mismatch, ledger_problem_kind::sha_mismatch});
  CHECK(ps[0].message == "p1: committed in the database as aaaaaaaaaaaa, but no commit on the "
                         "branch carries 'UET-Patch: p1'");
  CHECK(ps[1].message.find("p2: 2 commits on the branch carry it (aaaaaaaaaaaa, bbbbbbbbbbbb)") ==
        0);
  CHECK(ps[2].message ==
        "p3: the database records commit aaaaaaaaaaaa, the branch has it in bbbbbbbbbbbb");
  CHECK(ps[3].message.find("records commit (none)") != std::string::npos);
}

TEST_CASE("ledger_check: a trailer for a patch the database has not committed or does not know") {
  std::map<std::string, db_patch> db{{"p1", {"verified", {}}}};
  auto ps = compare_ledger(db, {{"p1", {sha_a}}, {"p9", {sha_b}}});
  REQUIRE(ps.size() == 2);
  CHECK(ps[0].kind == ledger_problem_kind::not_committed);
  CHECK(ps[0].message ==
        "p1: commit aaaaaaaaaaaa on the branch carries it, but the database has it 'verified'");
  CHECK(ps[1].kind == ledger_problem_kind::unknown_patch);
  CHECK(ps[1].patch_id == "p9");
}

TEST_CASE("ledger_check: against a real branch, which may not exist yet") {
  db_fixture f;
  temp_dir repo_dir("uet-repo");
  auto repo = repo_dir.path();
  make_git_repo(repo);
  // No integration branch yet and nothing committed: nothing to disagree on.
  auto none = check_ledger(f.db, uet::engine::environment::real(), repo, "uet/integration");
  INFO(why(none));
  REQUIRE(none.ok());
  CHECK(none->empty());

  must_run({"git", "checkout", "-q", "-b", "uet/integration"}, repo);
  write_file(repo / "a.txt", "a\n");
  must_run({"git", "add", "a.txt"}, repo);
  must_run({"git", "commit", "-q", "-m", "uet: ws-a\n\nUET-Run: run-1\nUET-Patch: p1"}, repo);
  auto sha = ledger::chomp(must_run({"git", "rev-parse", "HEAD"}, repo));
  f.write({a_run(), patch_recorded{"p1", "run-1", "ws-a", 1, "diff", "created", "t"},
           patch_status_changed{"p1", "committed", "t", sha, {}, {}, {}}});
  auto ok = check_ledger(f.db, uet::engine::environment::real(), repo, "uet/integration");
  REQUIRE(ok.ok());
  CHECK(ok->empty());

  auto not_git =
      check_ledger(f.db, uet::engine::environment::real(), repo_dir / "nope", "uet/integration");
  CHECK_FALSE(not_git.ok());
}

TEST_CASE("ledger_check: integrity_check is clean, and reports a broken foreign key") {
  db_fixture f;
  f.write({a_run(), step_started{"s1", "run-1", "ws-a", "edit", 1, "t", {}}});
  auto clean = integrity_check(f.db);
  REQUIRE(clean.ok());
  CHECK(clean->empty());
  f.db.sql().exec("PRAGMA foreign_keys=OFF; DELETE FROM uet_runs; PRAGMA foreign_keys=ON");
  auto broken = integrity_check(f.db);
  REQUIRE(broken.ok());
  REQUIRE(broken->size() == 1);
  CHECK(broken->front() ==
        "foreign_key_check: step_attempts rowid 1 refers to a missing uet_runs row");
}

TEST_CASE("ledger_check: resume's repair records this run's carried patches as committed") {
  db_fixture f;
  const std::string at = "2026-11-22T10:00:05.000Z";
  f.write({a_run("run-1"), a_run("run-0"),
           patch_recorded{"run-1.a.1", "run-1", "a", 1, "diff a", "created", at},
           patch_status_changed{"run-1.a.1", "verified", at, {}, {}, {}, {}},
           patch_recorded{"run-1.b.1", "run-1", "b", 1, "diff b", "created", at},
           patch_status_changed{"run-1.b.1", "committed", at, sha_b, {}, {}, {}},
           patch_recorded{"run-0.z.1", "run-0", "z", 1, "diff z", "created", at}});
  trailer_index branch{{"run-1.a.1", {sha_a}}, // verified in the DB: the kill came after commit
                       {"run-1.b.1", {sha_b}}, // agrees already
                       {"run-1.c.2", {sha_a}}, // never reached the DB
                       {"run-1.d.1", {sha_a, sha_b}}, // twice: for db check, not for a repair
                       {"run-0.z.1", {sha_a}}};       // another run's
  auto before = read_db_patches(f.db);
  REQUIRE(before);
  std::vector<std::string> asked;
  auto cmds = repair_committed("run-1", *before, branch, at, [&](const std::string& id) {
    asked.push_back(id);
    return std::optional<patch_recorded>(
        patch_recorded{id, "run-1", "c", 2, "diff c", "created", at});
  });
  CHECK(asked == std::vector<std::string>{"run-1.c.2"});
  REQUIRE(cmds.size() == 3);
  f.write(cmds);
  auto after = read_db_patches(f.db);
  REQUIRE(after);
  CHECK(after->at("run-1.a.1").status == "committed");
  CHECK(after->at("run-1.a.1").commit_sha == sha_a);
  CHECK(after->at("run-1.c.2").status == "committed");
  CHECK(after->at("run-0.z.1").status == "created");
  std::vector<ledger_problem_kind> left;
  for (const auto& p : compare_ledger(*after, branch))
    if (p.patch_id.rfind("run-1.", 0) == 0)
      left.push_back(p.kind);
  CHECK(left == std::vector<ledger_problem_kind>{ledger_problem_kind::unknown_patch});
  // A patch the database never knew and that cannot be rebuilt is left alone.
  CHECK(repair_committed("run-1", {}, {{"run-1.e.1", {sha_a}}}, at, [](const std::string&) {
          return std::optional<patch_recorded>();
        }).empty());
}
