// uet-actors status [RUN_ID] and events [RUN_ID]: read-only views of the
// state database (a read-only connection: these commands can never write).
#include <iostream>
#include <map>

#include "base/exit_code.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "config/loader.h"
#include "persistence/database.h"
#include "persistence/state_reader.h"

namespace uet::cli {

namespace {

struct opened {
  std::optional<persistence::database> db;
  persistence::run_row run;
  int code = 0;
};

/// Opens the project's database read-only and finds the run (the latest
/// when run_id is empty). On failure code is the exit code to return.
opened open_run(const std::string& cmd, const std::string& run_id) {
  opened o;
  config::problem_list problems;
  auto cfg = config::load_project_config(std::filesystem::current_path(),
                                         config::read_environment(), problems);
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
              << (run_id.empty() ? "no runs recorded yet" : "no run '" + run_id + "'") << '\n';
    o.code = to_int(exit_code::bad_input);
  } else {
    o.run = **run;
  }
  return o;
}

json opt(const std::optional<std::string>& s) {
  return s ? json(*s) : json(nullptr);
}

} // namespace

int status_command(const std::string& run_id, bool as_json) {
  auto o = open_run("status", run_id);
  if (o.code)
    return o.code;
  persistence::state_reader reader(*o.db);
  auto ws = reader.workstreams(o.run.run_id);
  if (!ws) {
    std::cerr << "status: " << ws.message() << '\n';
    return to_int(exit_code::internal);
  }
  std::map<std::string, int> counts;
  int unchecked = 0;
  for (const auto& w : *ws) {
    counts[w.state]++;
    unchecked += w.state == "committed" && w.reason && *w.reason == unchecked_reason;
  }
  if (as_json) {
    json list = json::array();
    for (const auto& w : *ws)
      list.push_back(json{{"workstream_id", w.workstream_id},
                          {"state", w.state},
                          {"attempts", w.attempts},
                          {"started_at", opt(w.started_at)},
                          {"finished_at", opt(w.finished_at)},
                          {"reason", opt(w.reason)}});
    print_json(json{{"run_id", o.run.run_id},
                    {"phase", o.run.phase_id},
                    {"state", o.run.state},
                    {"engine", o.run.engine},
                    {"max_workers", o.run.max_workers},
                    {"started_at", o.run.started_at},
                    {"finished_at", opt(o.run.finished_at)},
                    {"counts", counts},
                    {"committed_unchecked", unchecked},
                    {"workstreams", list}});
    return 0;
  }
  auto& out = std::cout;
  out << "run " << o.run.run_id << " (" << o.run.phase_id << ", " << o.run.engine
      << "): " << o.run.state << "\n  started " << o.run.started_at;
  if (o.run.finished_at)
    out << ", finished " << *o.run.finished_at;
  out << "\n ";
  for (const auto& [state, n] : counts)
    out << ' ' << n << ' ' << state;
  out << " of " << ws->size() << '\n';
  if (unchecked > 0)
    out << "  " << unchecked << " of the committed had no acceptance command (committed on their "
        << "tool's exit code alone)\n";
  for (const auto& w : *ws) {
    out << "  " << w.workstream_id << ": " << w.state;
    if (w.attempts > 1)
      out << " (" << w.attempts << " attempts)";
    if (w.reason && !w.reason->empty())
      out << ": " << *w.reason;
    out << '\n';
  }
  return 0;
}

int events_command(const std::string& run_id, bool as_json) {
  auto o = open_run("events", run_id);
  if (o.code)
    return o.code;
  persistence::state_reader reader(*o.db);
  std::int64_t after = 0;
  for (;;) {
    auto page = reader.events(o.run.run_id, after, 5000);
    if (!page) {
      std::cerr << "events: " << page.message() << '\n';
      return to_int(exit_code::internal);
    }
    for (const auto& e : *page) {
      if (as_json) {
        json j{{"id", e.id},
               {"run_id", e.run_id},
               {"workstream_id", opt(e.workstream_id)},
               {"event", e.event_type},
               {"timestamp", e.timestamp}};
        if (e.payload_json)
          j["payload"] = json::parse(*e.payload_json, nullptr, false);
        std::cout << j.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
      } else {
        std::cout << e.timestamp << "  " << e.event_type;
        if (e.workstream_id)
          std::cout << "  " << *e.workstream_id;
        if (e.payload_json && *e.payload_json != "{}")
          std::cout << "  " << *e.payload_json;
        std::cout << '\n';
      }
    }
    if (page->size() < 5000)
      break;
    after = page->back().id;
  }
  return 0;
}

} // namespace uet::cli
