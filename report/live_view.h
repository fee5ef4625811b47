// `status --watch`: what a running run is doing right now, from the state
// database (read-only, re-read on every refresh), as the lines of a screen
// redrawn in place on a terminal, or as one progress line when not on one.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/expected.h"
#include "persistence/database.h"
#include "persistence/state_reader.h"

namespace uet::report {

struct live_step {
  std::string workstream_id;
  std::string step;
  int attempt = 1;
  double for_s = 0; ///< how long it has been running
};

struct live_failure {
  std::string workstream_id;
  std::string step;
  std::string at; ///< when it ended (ISO-8601)
  std::string error;
};

struct live_snapshot {
  persistence::run_row run;
  std::string state; ///< as shown: the recorded one, or "crashed"
  double elapsed_s = 0;
  std::map<std::string, std::int64_t> counts; ///< workstreams by state
  std::int64_t total = 0;
  std::int64_t done = 0;                      ///< committed, quarantined, blocked or skipped
  std::vector<live_step> running;             ///< longest running first
  std::map<std::string, std::int64_t> ledger; ///< this run's patches still in the ledger
  std::vector<live_failure> failures;         ///< the last few, newest first
};

/// A fresh look at run_id; `now` as epoch seconds.
expected<live_snapshot> read_live(persistence::database& db, const std::string& run_id, double now);

/// The terminal screen: header, progress bar, running steps (at most
/// max_running), ledger queue, last failures; no line wider than width.
std::vector<std::string> live_screen(const live_snapshot& s, int width,
                                     std::size_t max_running = 12);

/// One line for a log or a pipe: "12.3 s running: 7/13 done (...), 2 running: a, b; ledger 1";
/// without the clock, what tells one moment's progress from another's.
std::string live_line(const live_snapshot& s, bool with_clock = true);

} // namespace uet::report
