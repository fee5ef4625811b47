#include "report/trace_json.h"

#include <cmath>

namespace uet::report {

namespace {

using nlohmann::json;

constexpr int worker_pid = 1;
constexpr int ledger_pid = 2;

std::int64_t micros(double seconds) {
  return static_cast<std::int64_t>(std::llround(seconds * 1e6));
}

json name_track(const char* what, int pid, int tid, const std::string& name) {
  json e = {{"ph", "M"}, {"name", what}, {"pid", pid}, {"args", {{"name", name}}}};
  if (tid >= 0)
    e["tid"] = tid;
  return e;
}

json span(const std::string& name, const char* cat, int pid, int tid, double start, double end,
          json args) {
  return {{"ph", "X"},
          {"name", name},
          {"cat", cat},
          {"pid", pid},
          {"tid", tid},
          {"ts", micros(start)},
          {"dur", micros(end) - micros(start)},
          {"args", std::move(args)}};
}

} // namespace

json trace_events(const run_report& r) {
  json events = json::array();
  events.push_back(name_track("process_name", worker_pid, -1, "workers of " + r.run.run_id));
  events.push_back(name_track("process_name", ledger_pid, -1, "patch ledger"));
  for (int l = 0; l < std::max(1, r.lanes); ++l)
    events.push_back(name_track("thread_name", worker_pid, l + 1, "slot " + std::to_string(l + 1)));
  for (const auto& b : r.bars)
    events.push_back(span(b.workstream_id + " " + b.step, "step", worker_pid, b.lane + 1, b.start_s,
                          b.end_s,
                          {{"workstream", b.workstream_id},
                           {"step", b.step},
                           {"attempt", b.attempt},
                           {"state", b.state},
                           {"error", b.error}}));
  // Patches overlap in the ledger (many wait in "queued" at once): packed
  // into lanes so that spans on one track never cross.
  std::vector<std::pair<double, double>> spans;
  for (const auto& s : r.ledger)
    spans.emplace_back(s.start_s, s.end_s);
  auto lanes = pack_lanes(spans);
  int ledger_lanes = 0;
  for (std::size_t i = 0; i < r.ledger.size(); ++i) {
    const auto& s = r.ledger[i];
    ledger_lanes = std::max(ledger_lanes, lanes[i] + 1);
    events.push_back(span(s.state, "ledger", ledger_pid, lanes[i] + 1, s.start_s, s.end_s,
                          {{"patch_id", s.patch_id}, {"workstream", s.workstream_id}}));
  }
  for (int l = 0; l < ledger_lanes; ++l)
    events.push_back(
        name_track("thread_name", ledger_pid, l + 1, "ledger " + std::to_string(l + 1)));
  for (const auto& m : r.markers)
    events.push_back({{"ph", "i"},
                      {"s", "g"},
                      {"name", m.kind + (m.workstream_id.empty() ? "" : " " + m.workstream_id)},
                      {"cat", m.kind},
                      {"pid", worker_pid},
                      {"tid", 1},
                      {"ts", micros(m.at_s)},
                      {"args", {{"workstream", m.workstream_id}, {"text", m.text}}}});
  return {{"traceEvents", std::move(events)},
          {"displayTimeUnit", "ms"},
          {"otherData", {{"run_id", r.run.run_id}, {"started_at", r.run.started_at}}}};
}

} // namespace uet::report
