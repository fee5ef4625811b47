#include "run/fault_report.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

namespace uet::run {

namespace {

nlohmann::json payload_of(const persistence::event_row& e) {
  auto j = nlohmann::json::parse(e.payload_json.value_or("{}"), nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

struct fault_seen {
  std::size_t row;
  std::string ws;
  int attempt;
};

void add_part(std::string& out, int n, const char* words) {
  if (n > 0)
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + words;
}

} // namespace

fault_report tally_faults(const std::vector<persistence::event_row>& events) {
  fault_report r;
  std::map<std::string, std::size_t> row_of;
  std::vector<fault_seen> seen;
  std::map<std::string, std::string> end_of;     // ws -> workstream_committed, ...
  std::set<std::pair<std::string, int>> retried; // (ws, attempt) followed by a retry
  for (const auto& e : events) {
    const auto ws = e.workstream_id.value_or("");
    if (e.event_type == "fault_injected") {
      auto p = payload_of(e);
      auto name = p.value("site", "?") + ":" + p.value("kind", "?");
      auto [it, fresh] = row_of.emplace(name, r.faults.size());
      if (fresh)
        r.faults.push_back(fault_tally{name});
      ++r.faults[it->second].injected;
      seen.push_back({it->second, ws, p.value("attempt", 0)});
    } else if (e.event_type == "workstream_retry") {
      retried.emplace(ws, payload_of(e).value("attempt", 0));
    } else if (e.event_type == "workstream_committed" || e.event_type == "workstream_skipped" ||
               e.event_type == "workstream_quarantined") {
      end_of[ws] = e.event_type;
    } else if (e.event_type == "workstream_blocked") {
      ++r.blocked;
    } else if (e.event_type == "breaker_open") {
      ++r.breakers_opened;
    }
  }
  for (const auto& f : seen) {
    auto& t = r.faults[f.row];
    if (f.ws.empty()) {
      ++t.retried;
      continue;
    }
    auto end = end_of.find(f.ws);
    if (end == end_of.end())
      ++t.unfinished;
    else if (end->second == "workstream_quarantined")
      ++t.quarantined;
    else if (retried.count({f.ws, f.attempt}))
      ++t.recovered;
    else
      ++t.absorbed;
  }
  return r;
}

std::vector<std::string> fault_lines(const fault_report& r) {
  std::vector<std::string> out;
  for (const auto& t : r.faults) {
    std::string what;
    add_part(what, t.recovered, "recovered by a retry");
    add_part(what, t.absorbed, "absorbed (the attempt went on)");
    add_part(what, t.quarantined, "quarantined");
    add_part(what, t.unfinished, "unfinished when the run stopped");
    add_part(what, t.retried, "retried in place");
    out.push_back(t.fault + " x" + std::to_string(t.injected) + ": " + what);
  }
  if (r.breakers_opened > 0 || r.blocked > 0)
    out.push_back(std::to_string(r.breakers_opened) + " circuit breaker(s) opened, " +
                  std::to_string(r.blocked) + " workstream(s) blocked by a failed dependency");
  return out;
}

} // namespace uet::run
