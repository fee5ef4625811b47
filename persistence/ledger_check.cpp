#include "persistence/ledger_check.h"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <algorithm>

#include "ledger/git.h"
#include "ledger/integration.h"
#include "messages/vocabulary.h"

namespace uet::persistence {

namespace {

std::string short_sha(const std::string& sha) {
  return sha.substr(0, 12);
}

std::string sha_list(const std::vector<std::string>& shas) {
  std::string out;
  for (const auto& s : shas)
    out += (out.empty() ? "" : ", ") + short_sha(s);
  return out;
}

} // namespace

std::vector<ledger_problem> compare_ledger(const std::map<std::string, db_patch>& db,
                                           const trailer_index& branch) {
  std::vector<ledger_problem> out;
  auto add = [&](ledger_problem_kind k, const std::string& id, const std::string& msg) {
    out.push_back(ledger_problem{k, id, id + ": " + msg});
  };
  static const std::vector<std::string> none;
  for (const auto& [id, p] : db) {
    if (parse_patch_state(p.status) != patch_state::committed)
      continue;
    auto it = branch.find(id);
    const auto& commits = it == branch.end() ? none : it->second;
    if (commits.empty())
      add(ledger_problem_kind::no_commit, id,
          "committed in the database" + (p.commit_sha ? " as " + short_sha(*p.commit_sha) : "") +
              ", but no commit on the branch carries 'UET-Patch: " + id + "'");
    else if (commits.size() > 1)
      add(ledger_problem_kind::several_commits, id,
          std::to_string(commits.size()) + " commits on the branch carry it (" + sha_list(commits) +
              "); a patch is committed exactly once");
    else if (!p.commit_sha || *p.commit_sha != commits.front())
      add(ledger_problem_kind::sha_mismatch, id,
          "the database records commit " + (p.commit_sha ? short_sha(*p.commit_sha) : "(none)") +
              ", the branch has it in " + short_sha(commits.front()));
  }
  for (const auto& [id, commits] : branch) {
    auto it = db.find(id);
    if (it == db.end())
      add(ledger_problem_kind::unknown_patch, id,
          "commit " + sha_list(commits) +
              " on the branch carries it, but the database has no "
              "such patch");
    else if (auto s = parse_patch_state(it->second.status);
             s != patch_state::committed && s != patch_state::rolled_back) // a revert keeps it
      add(ledger_problem_kind::not_committed, id,
          "commit " + sha_list(commits) + " on the branch carries it, but the database has it '" +
              it->second.status + "'");
  }
  std::stable_sort(out.begin(), out.end(), [](const ledger_problem& a, const ledger_problem& b) {
    return a.patch_id < b.patch_id;
  });
  return out;
}

expected<std::map<std::string, db_patch>> read_db_patches(database& db) {
  try {
    SQLite::Statement s(db.sql(), "SELECT patch_id, status, commit_sha FROM patch_ledger");
    std::map<std::string, db_patch> out;
    while (s.executeStep()) {
      db_patch p{s.getColumn(1).getString(), std::nullopt};
      if (!s.isColumnNull(2))
        p.commit_sha = s.getColumn(2).getString();
      out.emplace(s.getColumn(0).getString(), std::move(p));
    }
    return out;
  } catch (const SQLite::Exception& e) {
    return db.error("reading patch_ledger", e);
  }
}

expected<std::vector<ledger_problem>> check_ledger(database& db, engine::environment& env,
                                                   const std::filesystem::path& repo,
                                                   const std::string& branch) {
  auto patches = read_db_patches(db);
  if (!patches)
    return patches.error();
  auto trailers = ledger::read_patch_trailers(env, repo, branch);
  if (!trailers)
    return trailers.error();
  return compare_ledger(*patches, *trailers);
}

std::vector<write_command> repair_committed(
    const std::string& run_id, const std::map<std::string, db_patch>& db,
    const trailer_index& branch, const std::string& at,
    const std::function<std::optional<patch_recorded>(const std::string& patch_id)>& recreate) {
  std::map<std::string, std::string> to_commit; // sorted: one order for every resume
  auto prefix = run_id + ".";
  for (const auto& [id, commits] : branch)
    if (commits.size() == 1 && id.compare(0, prefix.size(), prefix) == 0)
      if (auto it = db.find(id);
          it == db.end() || parse_patch_state(it->second.status) != patch_state::committed)
        to_commit.emplace(id, commits.front());
  std::vector<write_command> out;
  for (const auto& [id, sha] : to_commit) {
    if (!db.count(id)) {
      auto row = recreate(id);
      if (!row)
        continue;
      out.push_back(std::move(*row));
    }
    out.push_back(patch_status_changed{id, to_string(patch_state::committed), at, sha, {}, {}, {}});
  }
  return out;
}

expected<std::vector<std::string>> integrity_check(database& db) {
  std::vector<std::string> out;
  try {
    SQLite::Statement ic(db.sql(), "PRAGMA integrity_check");
    while (ic.executeStep())
      if (auto line = ic.getColumn(0).getString(); line != "ok")
        out.push_back("integrity_check: " + line);
  } catch (const SQLite::Exception& e) {
    return db.error("PRAGMA integrity_check", e);
  }
  try {
    // Rows: table, rowid, parent table, foreign key index.
    SQLite::Statement fk(db.sql(), "PRAGMA foreign_key_check");
    while (fk.executeStep())
      out.push_back("foreign_key_check: " + fk.getColumn(0).getString() + " rowid " +
                    fk.getColumn(1).getString() + " refers to a missing " +
                    fk.getColumn(2).getString() + " row");
  } catch (const SQLite::Exception& e) {
    return db.error("PRAGMA foreign_key_check", e);
  }
  return out;
}

} // namespace uet::persistence
