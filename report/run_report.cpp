#include "report/run_report.h"

#include <algorithm>
#include <queue>
#include <set>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "engine/dag.h"
#include "engine/plan.h"

namespace uet::report {

namespace {

using nlohmann::json;

const std::vector<std::string> ledger_order = {"created",     "validated",  "queued",
                                               "applied",     "verified",   "committed",
                                               "quarantined", "rolled_back"};

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// Reads the run's events once, page by page, into what the report needs.
struct event_pass {
  double origin = 0; ///< the run's start, epoch seconds
  run_report& r;
  std::map<std::string, std::string> tool_of;
  std::map<std::string, std::vector<std::string>> recorded_deps; ///< from workstream_inputs events
  /// Per patch: its workstream and each state with the time it was entered.
  std::map<std::string, std::pair<std::string, std::vector<std::pair<std::string, double>>>>
      patches;

  double at(const std::string& ts) const {
    auto s = iso8601_seconds(ts);
    return s < 0 ? 0 : s - origin;
  }

  static bool wanted(const std::string& type) {
    return type == "workstream_started" || type == "workstream_inputs" ||
           type.rfind("patch_", 0) == 0 || type == "workstream_retry" ||
           type == "workstream_quarantined" || type == "fault_injected" ||
           type.rfind("breaker_", 0) == 0;
  }

  void add(const persistence::event_row& e) {
    if (!wanted(e.event_type)) // most of a run's events; their payload is not parsed
      return;
    auto p = json::parse(e.payload_json.value_or("{}"), nullptr, false);
    if (!p.is_object())
      p = json::object();
    const auto ws = e.workstream_id.value_or("");
    const auto& type = e.event_type;
    const double t = at(e.timestamp);
    if (type == "workstream_started") {
      tool_of[ws] = text(p, "tool");
    } else if (type == "workstream_inputs") {
      auto& deps = recorded_deps[ws];
      if (auto in = p.find("inputs"); in != p.end() && in->is_object())
        if (auto d = in->find("deps"); d != in->end() && d->is_object())
          for (auto it = d->begin(); it != d->end(); ++it)
            deps.push_back(it.key());
    } else if (type.rfind("patch_", 0) == 0) {
      auto& [owner, states] = patches[text(p, "patch_id")];
      owner = ws;
      states.emplace_back(type.substr(6), t);
    } else if (type == "workstream_retry") {
      r.markers.push_back({"retry", t, ws,
                           "retry: attempt " + std::to_string(p.value("next_attempt", 0)) +
                               " after " + text(p, "reason")});
    } else if (type == "workstream_quarantined") {
      r.markers.push_back({"quarantine", t, ws, "quarantined: " + text(p, "reason")});
    } else if (type == "fault_injected") {
      r.markers.push_back({"fault", t, ws,
                           "injected " + text(p, "kind") + " at " + text(p, "site") +
                               (text(p, "detail").empty() ? "" : ": " + text(p, "detail"))});
    } else if (type == "breaker_open" || type == "breaker_half_open" || type == "breaker_closed") {
      breaker_move b{t, text(p, "tool"), text(p, "from"), type.substr(8), text(p, "reason")};
      r.markers.push_back(
          {"breaker", t, ws, "breaker of " + b.tool + ": " + b.from + " -> " + b.to});
      r.breakers.push_back(std::move(b));
    }
  }
};

expected<void> read_events(persistence::state_reader& reader, event_pass& pass) {
  std::int64_t after = 0;
  for (;;) {
    auto page = reader.events(pass.r.run.run_id, after, 5000);
    if (!page)
      return page.error();
    for (const auto& e : *page)
      pass.add(e);
    if (page->size() < 5000)
      return {};
    after = page->back().id;
  }
}

void patch_flow(event_pass& pass) {
  auto& r = pass.r;
  std::map<std::string, std::pair<int, double>> stay; // state -> (left, summed seconds)
  std::map<std::string, int> reached;
  for (auto& [patch_id, entry] : pass.patches) {
    auto& [ws, states] = entry;
    for (std::size_t i = 0; i < states.size(); ++i) {
      const auto& [state, since] = states[i];
      ++reached[state];
      if (ledger_end_state(state))
        continue;
      double until = i + 1 < states.size() ? states[i + 1].second : r.wall_s;
      stay[state].first++;
      stay[state].second += until - since;
      r.ledger.push_back({patch_id, ws, state, since, until});
    }
  }
  std::sort(r.ledger.begin(), r.ledger.end(),
            [](const auto& a, const auto& b) { return a.start_s < b.start_s; });
  for (const auto& state : ledger_order) {
    auto n = reached.find(state);
    if (n == reached.end())
      continue;
    auto s = stay.find(state);
    double mean = s == stay.end() || !s->second.first ? 0 : s->second.second / s->second.first;
    r.flow.push_back({state, n->second, mean});
  }
}

void place_bars(run_report& r) {
  std::sort(r.bars.begin(), r.bars.end(),
            [](const auto& a, const auto& b) { return a.start_s < b.start_s; });
  // A workstream's attempt holds one slot from its first step to its last.
  std::map<std::pair<std::string, int>, std::pair<double, double>> held;
  for (const auto& b : r.bars) {
    auto [it, fresh] = held.try_emplace({b.workstream_id, b.attempt}, b.start_s, b.end_s);
    if (!fresh)
      it->second.second = std::max(it->second.second, b.end_s);
  }
  std::vector<std::pair<std::pair<std::string, int>, std::pair<double, double>>> order(held.begin(),
                                                                                       held.end());
  std::sort(order.begin(), order.end(),
            [](const auto& a, const auto& b) { return a.second.first < b.second.first; });
  std::vector<std::pair<double, double>> spans;
  for (const auto& o : order)
    spans.push_back(o.second);
  auto lanes = pack_lanes(spans);
  std::map<std::pair<std::string, int>, int> lane_of;
  for (std::size_t i = 0; i < order.size(); ++i) {
    lane_of[order[i].first] = lanes[i];
    r.lanes = std::max(r.lanes, lanes[i] + 1);
  }
  for (auto& b : r.bars)
    b.lane = lane_of[{b.workstream_id, b.attempt}];
}

/// The heaviest chain of this run's step time through the DAG: what the run
/// would take with endless slots and no wait (in a queue, for a slot).
void critical_path(run_report& r) {
  std::vector<engine::dag_input> nodes;
  for (const auto& w : r.workstreams)
    nodes.push_back({w.id, w.dependencies, w.busy_s});
  engine::dag g(nodes);
  if (!g.cycles().empty())
    return;
  auto plan = engine::make_plan(g, std::max(1, r.metrics.slots));
  for (auto v : plan.critical_path) {
    r.critical_path.push_back(g.id(v));
    r.workstreams[v].critical = true;
  }
  r.metrics.critical_path_s = plan.critical_length;
  r.metrics.lower_bound_s =
      std::max(plan.critical_length, r.metrics.busy_s / std::max(1, r.metrics.slots));
}

} // namespace

std::vector<int> pack_lanes(const std::vector<std::pair<double, double>>& spans) {
  // Free lanes, lowest first; busy lanes by the time they free up.
  std::priority_queue<int, std::vector<int>, std::greater<>> free;
  using busy_lane = std::pair<double, int>;
  std::priority_queue<busy_lane, std::vector<busy_lane>, std::greater<>> busy;
  int next = 0;
  std::vector<int> out;
  out.reserve(spans.size());
  for (const auto& [start, end] : spans) {
    while (!busy.empty() && busy.top().first <= start) {
      free.push(busy.top().second);
      busy.pop();
    }
    int lane = next;
    if (free.empty())
      ++next;
    else {
      lane = free.top();
      free.pop();
    }
    busy.emplace(end, lane);
    out.push_back(lane);
  }
  return out;
}

bool failed_step(const std::string& state) {
  return state == "failed" || state == "timed_out";
}

bool ledger_end_state(const std::string& state) {
  return state == "committed" || state == "quarantined" || state == "rolled_back";
}

std::vector<const workstream_view*> slowest(const run_report& r, std::size_t n) {
  std::vector<const workstream_view*> out;
  for (const auto& w : r.workstreams)
    if (w.start_s >= 0)
      out.push_back(&w);
  std::sort(out.begin(), out.end(),
            [](auto* a, auto* b) { return a->end_s - a->start_s > b->end_s - b->start_s; });
  if (out.size() > n)
    out.resize(n);
  return out;
}

expected<run_report> read_report(persistence::database& db, const persistence::run_row& run,
                                 const spec_map& specs) {
  run_report r;
  r.run = run;
  auto metrics = persistence::read_metrics(db, run);
  if (!metrics)
    return metrics.error();
  r.metrics = *metrics;
  r.wall_s = metrics->makespan_s;
  persistence::state_reader reader(db);
  event_pass pass{iso8601_seconds(run.started_at), r, {}, {}, {}};
  if (auto read = read_events(reader, pass); !read)
    return read.error();
  auto rows = reader.workstreams(run.run_id);
  auto steps = reader.step_attempts(run.run_id);
  if (!rows)
    return rows.error();
  if (!steps)
    return steps.error();
  std::unordered_map<std::string, std::size_t> index;
  bool from_specs = true;
  for (const auto& w : *rows) {
    workstream_view v;
    v.id = w.workstream_id;
    v.state = w.state;
    v.reason = w.reason.value_or("");
    v.attempts = w.attempts;
    v.tool = pass.tool_of[w.workstream_id];
    if (w.started_at)
      v.start_s = pass.at(*w.started_at);
    if (v.start_s >= 0)
      v.end_s = w.finished_at ? pass.at(*w.finished_at) : r.wall_s;
    auto spec = specs.find(w.workstream_id);
    from_specs &= spec != specs.end();
    if (spec != specs.end()) {
      v.title = spec->second.title;
      v.dependencies = spec->second.dependencies;
    } else {
      v.dependencies = pass.recorded_deps[w.workstream_id];
    }
    index[v.id] = r.workstreams.size();
    r.workstreams.push_back(std::move(v));
  }
  r.dag_source = from_specs ? "the project's workstream specs"
                            : "the specs, and the run's recorded inputs where a spec is gone";
  for (const auto& s : *steps) {
    step_bar b{s.workstream_id,
               s.step,
               s.attempt,
               s.state,
               pass.at(s.started_at),
               s.finished_at ? pass.at(*s.finished_at) : r.wall_s,
               0,
               s.error.value_or("")};
    if (auto it = index.find(s.workstream_id); it != index.end())
      r.workstreams[it->second].busy_s += b.end_s - b.start_s;
    if (failed_step(s.state)) {
      auto tool = pass.tool_of[s.workstream_id];
      ++r.metrics.failures_by_tool[tool.empty() ? "(unknown)" : tool];
    }
    r.bars.push_back(std::move(b));
  }
  place_bars(r);
  patch_flow(pass);
  std::stable_sort(r.markers.begin(), r.markers.end(),
                   [](const auto& a, const auto& b) { return a.at_s < b.at_s; });
  critical_path(r);
  return r;
}

} // namespace uet::report
