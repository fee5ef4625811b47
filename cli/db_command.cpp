// `uet-actors db migrate|rollback|check`: the schema version of the state
// database, and whether the database is sound and agrees with git.
#include <iostream>

#include <unistd.h>

#include "base/exit_code.h"
#include "base/file_lock.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "config/loader.h"
#include "persistence/ledger_check.h"
#include "persistence/migrations.h"

namespace uet::cli {

namespace fs = std::filesystem;
using namespace uet::persistence;

namespace {

// uet.yaml and the environment only: these commands need no workstreams.
std::optional<config::project_config> load_config(const std::string& command) {
  config::problem_list problems;
  auto cfg = config::load_project_config(fs::current_path(), config::read_environment(), problems);
  if (config::count_errors(problems) == 0)
    return cfg;
  print_problems(std::cerr, problems);
  std::cerr << command << ": fix the project configuration first\n";
  return std::nullopt;
}

int report_failure(const std::string& command, const std::string& message) {
  std::cerr << command << ": " << message << '\n';
  return to_int(exit_code::internal);
}

int migrate_or_rollback(const config::project_config& cfg, bool forward, bool json_out) {
  const std::string command = forward ? "db migrate" : "db rollback";
  std::error_code ec;
  // Rolling back a database that does not exist must not create one.
  if (!forward && !fs::exists(cfg.state_db, ec))
    return report_failure(command, "state db " + cfg.state_db.string() + ": no such file");
  // A schema change under a live run would pull tables from under its
  // writer: take the same lock the run's persistence actor holds.
  auto lock =
      file_lock::acquire(cfg.state_db.string() + ".writer.lock",
                         "uet-actors " + command + " (pid " + std::to_string(::getpid()) + ")");
  if (!lock)
    return report_failure(command, "the state database has another writer: " + lock.message());
  auto db = database::open_read_write(cfg.state_db);
  if (!db)
    return report_failure(command, db.message());
  auto change = forward ? migrate(*db) : rollback(*db);
  if (!change)
    return report_failure(command, change.message());
  auto shown = config::display_path(cfg.root, cfg.state_db);
  if (json_out) {
    print_json(json{
        {"db", shown}, {"from", change->from}, {"to", change->to}, {"latest", latest_version()}});
  } else if (change->from == change->to) {
    std::cout << shown << ": schema version " << change->to << ", nothing to "
              << (forward ? "migrate" : "roll back") << '\n';
  } else {
    std::cout << shown << ": schema version " << change->from << " -> " << change->to;
    if (!forward)
      std::cout << " (undid " << known_migrations()[change->from - 1].file_stem() << ")";
    std::cout << '\n';
  }
  return 0;
}

struct finding {
  std::string check; ///< "schema", "integrity", "ledger"
  std::string message;
};

int check(const config::project_config& cfg, bool json_out) {
  auto db = database::open_read_only(cfg.state_db);
  if (!db)
    return report_failure("db check", db.message());
  std::vector<finding> found;
  auto version = current_version(*db);
  if (!version)
    return report_failure("db check", version.message());
  if (*version != latest_version())
    found.push_back(
        {"schema", "schema version " + std::to_string(*version) + ", this uet-actors expects " +
                       std::to_string(latest_version()) +
                       (*version < latest_version() ? " (run 'uet-actors db migrate')"
                                                    : " (a newer uet-actors wrote it)")});
  auto integrity = integrity_check(*db);
  if (!integrity)
    return report_failure("db check", integrity.message());
  for (const auto& line : *integrity)
    found.push_back({"integrity", line});
  std::size_t committed = 0;
  if (*version >= 1) {
    if (auto patches = read_db_patches(*db); patches)
      for (const auto& [id, p] : *patches)
        committed += parse_patch_state(p.status) == patch_state::committed;
    auto ledger = check_ledger(*db, engine::environment::real(), cfg.repo, cfg.integration_branch);
    if (!ledger)
      found.push_back({"ledger", ledger.message()});
    else
      for (const auto& p : *ledger)
        found.push_back({"ledger", p.message});
  }
  auto shown = config::display_path(cfg.root, cfg.state_db);
  if (json_out) {
    json problems = json::array();
    for (const auto& f : found)
      problems.push_back(json{{"check", f.check}, {"message", f.message}});
    print_json(json{{"ok", found.empty()},
                    {"db", shown},
                    {"schema_version", *version},
                    {"latest", latest_version()},
                    {"branch", cfg.integration_branch},
                    {"committed_patches", committed},
                    {"problems", problems}});
  } else {
    for (const auto& f : found)
      std::cout << f.check << ": " << f.message << '\n';
    if (found.empty())
      std::cout << "ok: " << shown << ": schema version " << *version << ", integrity ok, "
                << committed << (committed == 1 ? " committed patch" : " committed patches")
                << " in agreement with " << cfg.integration_branch << '\n';
  }
  return found.empty() ? 0 : to_int(exit_code::partial);
}

} // namespace

int db_command(const db_args& a) {
  auto cfg = load_config("db " + a.action);
  if (!cfg)
    return to_int(exit_code::bad_input);
  if (a.action == "migrate" || a.action == "rollback")
    return migrate_or_rollback(*cfg, a.action == "migrate", a.json);
  if (a.action == "check")
    return check(*cfg, a.json);
  std::cerr << "db: unknown action '" << a.action << "' (known: migrate, rollback, check)\n";
  return to_int(exit_code::bad_input);
}

} // namespace uet::cli
