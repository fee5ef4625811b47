// uet-actors status [RUN_ID] and events [RUN_ID]: read-only views of the
// state database (a read-only connection: these commands can never write).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>

#include "base/clock.h"
#include "base/exit_code.h"
#include "base/text.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/run_lookup.h"
#include "config/loader.h"
#include "persistence/database.h"
#include "persistence/state_reader.h"

namespace uet::cli {

namespace {

json opt(const std::optional<std::string>& s) {
  return s ? json(*s) : json(nullptr);
}

} // namespace

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

namespace {

using patch_outcomes = std::map<std::string, std::map<std::string, std::int64_t>>;

/// What happened to a workstream's patches, beside its own outcome: "no
/// patch made", "patches: 1 quarantined, 1 committed", or "" for the plain
/// case (committed by its one patch, or never started).
std::string patch_note(const persistence::workstream_row& w, const patch_outcomes& patches) {
  auto it = patches.find(w.workstream_id);
  if (it == patches.end())
    return w.state == "quarantined" ? "no patch made" : "";
  if (w.state == "committed" && it->second.size() == 1 && it->second.count("committed"))
    return "";
  std::string out = "patches:";
  for (const auto& [status, n] : it->second)
    out += (out.back() == ':' ? " " : ", ") + std::to_string(n) + ' ' + status;
  return out;
}

using edit_nodes = std::map<std::string, std::vector<std::string>>;

/// Where a workstream's edits ran, when a worker node ran any: " [edits on
/// node-a, here]"; "" when all ran here.
std::string nodes_note(const std::string& id, const edit_nodes& nodes) {
  auto it = nodes.find(id);
  if (it == nodes.end() ||
      std::all_of(it->second.begin(), it->second.end(), [](const auto& n) { return n.empty(); }))
    return "";
  std::vector<std::string> where;
  for (const auto& n : it->second)
    where.push_back(n.empty() ? "here" : n);
  return (where.size() > 1 ? " [edits on " : " [edit on ") + joined(where) + "]";
}

void print_status_text(const opened& o, const std::vector<persistence::workstream_row>& ws,
                       const std::map<std::string, int>& counts, int unchecked,
                       const patch_outcomes& patches, const edit_nodes& nodes) {
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
  out << " of " << ws.size() << " workstreams";
  std::map<std::string, std::int64_t> by_status;
  for (const auto& [id, statuses] : patches)
    for (const auto& [status, n] : statuses)
      by_status[status] += n;
  if (by_status.size() > 1 || (by_status.size() == 1 && !by_status.count("committed"))) {
    out << "; their patches:";
    for (const auto& [status, n] : by_status)
      out << ' ' << n << ' ' << status;
    out << " ('uet-actors ledger --run " << o.run.run_id << "')";
  }
  out << '\n';
  if (unchecked > 0)
    out << "  " << unchecked << " of the committed had no acceptance command (committed on their "
        << "tool's exit code alone)\n";
  for (const auto& w : ws) {
    out << "  " << w.workstream_id << ": " << w.state;
    auto note = patch_note(w, patches);
    if (w.attempts > 1 || !note.empty())
      out << " (" << (w.attempts > 1 ? std::to_string(w.attempts) + " attempts" : "")
          << (w.attempts > 1 && !note.empty() ? "; " : "") << note << ")";
    out << nodes_note(w.workstream_id, nodes);
    if (w.reason && !w.reason->empty())
      out << ": " << *w.reason;
    out << '\n';
  }
}

} // namespace

int status_command(const std::string& run_id, bool as_json, bool all) {
  if (all)
    return status_all(as_json);
  auto o = open_run("status", run_id);
  if (o.code)
    return o.code;
  persistence::state_reader reader(*o.db);
  auto ws = reader.workstreams(o.run.run_id);
  auto patches = reader.patch_outcomes(o.run.run_id);
  auto nodes = reader.edit_nodes(o.run.run_id);
  if (!ws || !patches || !nodes) {
    std::cerr << "status: "
              << (!ws        ? ws.message()
                  : !patches ? patches.message()
                             : nodes.message())
              << '\n';
    return to_int(exit_code::internal);
  }
  std::map<std::string, int> counts;
  int unchecked = 0;
  for (const auto& w : *ws) {
    counts[w.state]++;
    unchecked += w.state == "committed" && w.reason && *w.reason == unchecked_reason;
  }
  if (!as_json) {
    print_status_text(o, *ws, counts, unchecked, *patches, *nodes);
    return 0;
  }
  json list = json::array();
  for (const auto& w : *ws) {
    auto p = patches->find(w.workstream_id);
    auto n = nodes->find(w.workstream_id);
    list.push_back(json{{"workstream_id", w.workstream_id},
                        {"state", w.state},
                        {"attempts", w.attempts},
                        {"started_at", opt(w.started_at)},
                        {"finished_at", opt(w.finished_at)},
                        {"reason", opt(w.reason)},
                        {"patches", p == patches->end() ? json::object() : json(p->second)},
                        // Per edit attempt, the worker node it ran on ("": this machine).
                        {"edit_nodes", n == nodes->end() ? json::array() : json(n->second)}});
  }
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
