#include "cli/run_lookup.h"

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "base/exit_code.h"
#include "config/loader.h"

namespace uet::cli {

/// "; the latest: a, b, c (status --all lists every run)", or "" for none.
std::string known_runs(persistence::state_reader& reader) {
  auto runs = reader.runs(); // oldest first
  if (!runs || runs->empty())
    return "; no runs are recorded";
  std::string out;
  for (std::size_t i = 0; i < runs->size() && i < 5; ++i)
    out += (i ? ", " : "") + (*runs)[runs->size() - 1 - i].run_id;
  return "; the latest: " + out + " (uet-actors status --all lists every run)";
}

/// A run the database calls running whose process is gone: nobody holds
/// the database's writer lock in its name (the lock file says who took it
/// last: "uet-actors run RUN (pid N)"), or that process is not alive.
bool crashed(const config::project_config& cfg, const persistence::run_row& run) {
  if (run.state != "running")
    return false;
  std::ifstream lock(cfg.state_db.string() + ".writer.lock");
  std::string line;
  std::getline(lock, line);
  const std::string holder = "uet-actors run " + run.run_id + " (pid ";
  if (line.rfind(holder, 0) != 0)
    return true;
  auto pid = std::atoi(line.c_str() + holder.size());
  std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
  std::string argv0;
  std::getline(cmdline, argv0, '\0');
  return pid <= 0 || argv0.find("uet-actors") == std::string::npos;
}

/// The state to show: the recorded one, or "crashed".
std::string shown_state(const config::project_config& cfg, const persistence::run_row& run) {
  return crashed(cfg, run) ? "crashed" : run.state;
}

/// Opens the project's database read-only and finds the run (the latest
/// when run_id is empty). On failure code is the exit code to return.
opened open_run(const std::string& cmd, const std::string& run_id) {
  opened o;
  config::problem_list problems;
  auto cfg = config::load_project_config(std::filesystem::current_path(),
                                         config::read_environment(), problems);
  o.cfg = cfg;
  auto db = persistence::database::open_read_only(cfg.state_db);
  if (!db) {
    // Like ledger and db check: no state database to read is exit 3.
    std::cerr << cmd << ": " << db.message() << " (no run yet? start one with 'uet-actors run')\n";
    o.code = to_int(exit_code::internal);
    return o;
  }
  o.db.emplace(std::move(*db));
  persistence::state_reader reader(*o.db);
  auto run = run_id.empty() ? reader.latest_run() : reader.run(run_id);
  if (!run) {
    std::cerr << cmd << ": " << run.message() << '\n';
    o.code = to_int(exit_code::internal);
  } else if (!*run) {
    std::cerr << cmd << ": "
              << (run_id.empty() ? "no runs recorded yet"
                                 : "no run '" + run_id + "'" + known_runs(reader))
              << '\n';
    o.code = to_int(exit_code::bad_input);
  } else {
    o.run = **run;
  }
  return o;
}

} // namespace uet::cli
