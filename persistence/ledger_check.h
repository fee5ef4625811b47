// Does the database agree with git? (invariant 4: "the ledger agrees with
// git"). The patch-ledger actor commits each patch with a "UET-Patch: <id>"
// trailer and then records status 'committed' with the sha; a crash between
// the two, a manual rebase or a second run on the same branch shows up here.
// Also SQLite's own integrity checks.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/expected.h"
#include "engine/environment.h"
#include "ledger/integration.h"
#include "persistence/database.h"
#include "persistence/write_commands.h"

namespace uet::persistence {

/// What the database says about one patch.
struct db_patch {
  std::string status;
  std::optional<std::string> commit_sha;
};

/// patch id -> the commits on the branch carrying its UET-Patch trailer.
using trailer_index = ledger::trailer_index;

enum class ledger_problem_kind {
  no_commit,       ///< committed in the DB, no commit on the branch carries it
  several_commits, ///< more than one commit carries it (applied twice)
  sha_mismatch,    ///< one commit carries it, but not the commit_sha the DB has
  not_committed,   ///< a commit carries it; the DB has the patch in another status
  unknown_patch,   ///< a commit carries it; the DB has no such patch
};

struct ledger_problem {
  ledger_problem_kind kind;
  std::string patch_id;
  std::string message; ///< one line, starting with the patch id
};

/// Compares the two sides; problems sorted by patch id. Pure.
std::vector<ledger_problem> compare_ledger(const std::map<std::string, db_patch>& db,
                                           const trailer_index& branch);

/// The writes that make one run's patch rows agree with the branch where a
/// single commit carries a patch the database does not have as committed:
/// the run was killed between `git commit` and the database update, and
/// `resume` repairs it (not_committed / unknown_patch above, this run's only).
/// `recreate` gives the row of a patch the database never heard of (nullopt:
/// left for `db check` to report). Sorted by patch id. Pure.
std::vector<write_command> repair_committed(
    const std::string& run_id, const std::map<std::string, db_patch>& db,
    const trailer_index& branch, const std::string& at,
    const std::function<std::optional<patch_recorded>(const std::string& patch_id)>& recreate);

/// Every patch's status and commit_sha from db.
expected<std::map<std::string, db_patch>> read_db_patches(database& db);

/// Reads the database and the branch's trailers (git through env) and
/// compares them. A branch that does not exist yet holds no patches.
expected<std::vector<ledger_problem>> check_ledger(database& db, engine::environment& env,
                                                   const std::filesystem::path& repo,
                                                   const std::string& branch);

/// PRAGMA integrity_check and PRAGMA foreign_key_check: one line per
/// problem, none when the file is sound.
expected<std::vector<std::string>> integrity_check(database& db);

} // namespace uet::persistence
