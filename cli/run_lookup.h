// Finding the run a read-only command is about (status, events, report):
// the project's database opened read-only, the run by id or the latest, and
// whether a "running" run's process is in fact gone.
#pragma once

#include <optional>
#include <string>

#include "config/project.h"
#include "persistence/database.h"
#include "persistence/state_reader.h"

namespace uet::cli {

/// "; the latest: a, b, c (status --all lists every run)", or "" for none.
std::string known_runs(persistence::state_reader& reader);

/// A run the database calls running whose process is gone: nobody holds
/// the database's writer lock in its name, or that process is not alive.
bool crashed(const config::project_config& cfg, const persistence::run_row& run);

/// The state to show: the recorded one, or "crashed".
std::string shown_state(const config::project_config& cfg, const persistence::run_row& run);

struct opened {
  config::project_config cfg;
  std::optional<persistence::database> db;
  persistence::run_row run;
  int code = 0;
};

/// Opens the project's database read-only and finds the run (the latest
/// when run_id is empty). On failure code is the exit code to return, and
/// the reason is on stderr prefixed with cmd.
opened open_run(const std::string& cmd, const std::string& run_id);

} // namespace uet::cli
