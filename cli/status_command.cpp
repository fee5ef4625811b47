// uet-actors status [RUN_ID] and events [RUN_ID]: read-only views of the
// state database (a read-only connection: these commands can never write).
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
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

struct opened {
  config::project_config cfg;
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

json opt(const std::optional<std::string>& s) {
  return s ? json(*s) : json(nullptr);
}

} // namespace

/// Seconds between two of the database's timestamps (-1 if unreadable).
double seconds_between(const std::string& from, const std::string& to) {
  auto at = [](const std::string& s) {
    std::tm tm{};
    double sec = 0;
    if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%lf", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &sec) != 6)
      return -1.0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<double>(::timegm(&tm)) + sec;
  };
  auto a = at(from), b = at(to);
  return a < 0 || b < 0 ? -1.0 : b - a;
}

/// `status --all`: every run, newest first, with its state, counts and wall time.
int status_all(bool as_json) {
  auto o = open_run("status", "");
  if (o.code)
    return o.code;
  persistence::state_reader reader(*o.db);
  auto runs = reader.runs();
  if (!runs) {
    std::cerr << "status: " << runs.message() << '\n';
    return to_int(exit_code::internal);
  }
  json list = json::array();
  for (auto r = runs->rbegin(); r != runs->rend(); ++r) {
    auto counts = reader.workstream_counts(r->run_id);
    auto wall = r->finished_at ? seconds_between(r->started_at, *r->finished_at) : -1.0;
    json j{{"run_id", r->run_id},
           {"phase", r->phase_id},
           {"state", shown_state(o.cfg, *r)},
           {"started_at", r->started_at},
           {"finished_at", opt(r->finished_at)},
           {"wall_s", wall < 0 ? json(nullptr) : json(wall)},
           {"counts", counts ? json(*counts) : json::object()}};
    if (as_json) {
      list.push_back(std::move(j));
      continue;
    }
    std::cout << r->run_id << "  " << std::string(j["state"]) << "  " << r->phase_id << "  "
              << r->started_at;
    if (wall >= 0)
      std::cout << "  " << static_cast<long long>(wall + 0.5) << " s";
    if (counts)
      for (const auto& [state, n] : *counts)
        std::cout << "  " << n << ' ' << state;
    std::cout << '\n';
  }
  if (as_json)
    print_json(list);
  return 0;
}

int status_command(const std::string& run_id, bool as_json, bool all) {
  if (all)
    return status_all(as_json);
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
                    {"state", shown_state(o.cfg, o.run)},
                    {"recorded_state", o.run.state},
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
  const auto state = shown_state(o.cfg, o.run); // reads the lock file and /proc once
  out << "run " << o.run.run_id << " (" << o.run.phase_id << ", " << o.run.engine << "): " << state;
  if (state == "crashed")
    out << " (the database says running, but its process is gone; 'uet-actors resume "
        << o.run.run_id << "' finishes it)";
  out << "\n  started " << o.run.started_at;
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
