#include "report/svg_charts.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "engine/dag.h"
#include "engine/plan.h"
#include "report/html_report.h"

namespace uet::report {

namespace {

constexpr double chart_w = 1000; // pixels the run's wall time spans
constexpr double label_w = 70;
constexpr double lane_h = 22;

const char* step_colour(const std::string& step) {
  if (step == "edit")
    return "#4e79a7";
  if (step == "static")
    return "#f28e2b";
  return "#59a14f"; // runtime
}

const char* marker_colour(const std::string& kind) {
  if (kind == "quarantine")
    return "#d62728";
  if (kind == "fault")
    return "#9467bd";
  if (kind == "breaker")
    return "#8c564b";
  return "#e6a700"; // retry
}

/// Seconds between axis ticks: 1, 2 or 5 times a power of ten, ~10 ticks.
double tick_step(double wall) {
  double raw = std::max(wall, 1e-3) / 10;
  double p = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (raw <= m * p)
      return m * p;
  return 10 * p;
}

void axis(std::ostringstream& o, double wall, double scale, double y) {
  double step = tick_step(wall);
  for (double t = 0; t <= wall + 1e-9; t += step) {
    double x = label_w + t * scale;
    o << "<line class=\"tick\" x1=\"" << fixed(x, 1) << "\" y1=\"0\" x2=\"" << fixed(x, 1)
      << "\" y2=\"" << fixed(y, 1) << "\"/><text class=\"axis\" x=\"" << fixed(x, 1) << "\" y=\""
      << fixed(y + 14, 1) << "\">" << fixed(t, step < 1 ? 2 : 0) << " s</text>";
  }
}

std::string bar_rect(const step_bar& b, double scale) {
  bool failed = failed_step(b.state);
  double w = std::max(1.0, (b.end_s - b.start_s) * scale);
  std::ostringstream o;
  o << "<rect class=\"bar step-" << html_escape(b.step) << (failed ? " failed" : "")
    << "\" data-workstream=\"" << html_escape(b.workstream_id) << "\" x=\""
    << fixed(label_w + b.start_s * scale, 1) << "\" y=\"" << fixed(b.lane * lane_h + 3, 0)
    << "\" width=\"" << fixed(w, 1) << "\" height=\"" << fixed(lane_h - 6, 0) << "\" fill=\""
    << step_colour(b.step) << "\"><title>" << html_escape(b.workstream_id) << ": "
    << html_escape(b.step) << " attempt " << b.attempt << ", " << html_escape(b.state) << ", "
    << fixed(b.end_s - b.start_s, 3) << " s"
    << (b.error.empty() ? "" : " — " + html_escape(b.error)) << "</title></rect>";
  return o.str();
}

/// Above bar_limit, bars are thinner than a pixel: each lane becomes one
/// rect per run of pixel columns where the same step took most of the time
/// (failed steps counted apart), its title saying how many steps it holds.
std::string binned_bars(const run_report& r, double scale) {
  const int columns = int(chart_w);
  const double per_column = 1.0 / scale;
  const char* kinds[] = {"edit", "static", "runtime", "failed"};
  // time[lane][column][kind], steps[lane][column]
  std::vector<std::vector<std::array<double, 4>>> time(std::size_t(std::max(1, r.lanes)),
                                                       std::vector<std::array<double, 4>>(columns));
  std::vector<std::vector<int>> steps(time.size(), std::vector<int>(columns));
  for (const auto& b : r.bars) {
    int kind = failed_step(b.state) ? 3 : b.step == "edit" ? 0 : b.step == "static" ? 1 : 2;
    int first = std::clamp(int(b.start_s * scale), 0, columns - 1);
    int last = std::clamp(int(b.end_s * scale), 0, columns - 1);
    ++steps[b.lane][first];
    for (int c = first; c <= last; ++c) {
      double from = std::max(b.start_s, c * per_column);
      double to = std::min(b.end_s, (c + 1) * per_column);
      time[b.lane][c][kind] += std::max(0.0, to - from);
    }
  }
  std::ostringstream o;
  for (std::size_t lane = 0; lane < time.size(); ++lane) {
    int c = 0;
    while (c < columns) {
      const auto& t = time[lane][c];
      int kind = int(std::max_element(t.begin(), t.end()) - t.begin());
      if (t[kind] <= 0) {
        ++c;
        continue;
      }
      int end = c, n = 0;
      for (; end < columns; ++end) {
        const auto& u = time[lane][end];
        if (u[kind] <= 0 || std::max_element(u.begin(), u.end()) - u.begin() != kind)
          break;
        n += steps[lane][end];
      }
      o << "<rect class=\"bar binned step-" << kinds[kind] << "\" x=\"" << fixed(label_w + c, 0)
        << "\" y=\"" << fixed(lane * lane_h + 3, 0) << "\" width=\"" << end - c << "\" height=\""
        << fixed(lane_h - 6, 0) << "\" fill=\""
        << (kind == 3 ? "#d62728" : step_colour(kinds[kind])) << "\"><title>slot " << lane + 1
        << ", " << fixed(c * per_column, 1) << "–" << fixed(end * per_column, 1) << " s: " << n
        << " steps started, mostly " << kinds[kind] << "</title></rect>";
      c = end;
    }
  }
  return o.str();
}

} // namespace

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string timeline_svg(const run_report& r) {
  const double wall = std::max(r.wall_s, 1e-3);
  const double scale = chart_w / wall;
  const int lanes = std::max(1, r.lanes);
  const double h = lanes * lane_h + 24;
  std::ostringstream o;
  o << "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\""
    << fixed(label_w + chart_w + 10, 0) << "\" height=\"" << fixed(h, 0) << "\">";
  for (int l = 0; l < lanes; ++l)
    o << "<text class=\"lane\" x=\"2\" y=\"" << fixed(l * lane_h + 15, 0) << "\">slot " << l + 1
      << "</text>";
  axis(o, wall, scale, lanes * lane_h);
  if (r.bars.size() > bar_limit)
    o << binned_bars(r, scale);
  else
    for (const auto& b : r.bars)
      o << bar_rect(b, scale);
  // A workstream's marker sits on the lane of its bars; a run-wide one
  // (a breaker, a fault in the ledger) spans every lane.
  std::map<std::string, int> lane_of;
  for (const auto& b : r.bars)
    lane_of[b.workstream_id] = b.lane;
  for (const auto& m : r.markers) {
    double x = label_w + m.at_s * scale;
    auto lane = lane_of.find(m.workstream_id);
    double top = lane == lane_of.end() ? 0 : lane->second * lane_h;
    double bottom = lane == lane_of.end() ? lanes * lane_h : top + lane_h;
    o << "<g class=\"marker marker-" << html_escape(m.kind) << "\"><line x1=\"" << fixed(x, 1)
      << "\" y1=\"" << fixed(top, 0) << "\" x2=\"" << fixed(x, 1) << "\" y2=\"" << fixed(bottom, 0)
      << "\" stroke=\"" << marker_colour(m.kind) << "\" stroke-width=\"2\"/><circle cx=\""
      << fixed(x, 1) << "\" cy=\"" << fixed(top + 3, 0) << "\" r=\"3\" fill=\""
      << marker_colour(m.kind) << "\"/><title>" << fixed(m.at_s, 3) << " s "
      << html_escape(m.workstream_id) << (m.workstream_id.empty() ? "" : ": ")
      << html_escape(m.text) << "</title></g>";
  }
  o << "</svg>";
  return o.str();
}

namespace {

const char* state_colour(const std::string& state) {
  if (state == "committed")
    return "#c7e9c0";
  if (state == "quarantined")
    return "#fcbba1";
  if (state == "blocked")
    return "#fdd0a2";
  if (state == "skipped")
    return "#e0e0e0";
  return "#c6dbef"; // pending, ready, running
}

struct dag_layout {
  engine::dag g{{}};
  std::vector<std::vector<std::uint32_t>> waves;
};

dag_layout layout(const run_report& r) {
  std::vector<engine::dag_input> nodes;
  for (const auto& w : r.workstreams)
    nodes.push_back({w.id, w.dependencies, 1.0});
  dag_layout d{engine::dag(nodes), {}};
  if (d.g.cycles().empty())
    d.waves = engine::make_plan(d.g, 1).waves;
  else // cannot happen for a run's graph; draw one column rather than nothing
    for (std::uint32_t v = 0; v < d.g.size(); ++v)
      d.waves.resize(1), d.waves[0].push_back(v);
  return d;
}

/// Above dag_node_limit: one column per wave, a stacked bar of its states.
std::string wave_summary_svg(const run_report& r, const dag_layout& d) {
  std::ostringstream o;
  const double col = 60, h = 200;
  std::size_t widest = 1;
  for (const auto& w : d.waves)
    widest = std::max(widest, w.size());
  o << "<svg id=\"dag\" class=\"aggregated\" xmlns=\"http://www.w3.org/2000/svg\" width=\""
    << fixed(d.waves.size() * col + 20, 0) << "\" height=\"" << fixed(h + 40, 0) << "\">";
  for (std::size_t k = 0; k < d.waves.size(); ++k) {
    std::map<std::string, int> by_state;
    for (auto v : d.waves[k])
      ++by_state[r.workstreams[v].state];
    double y = h;
    for (const auto& [state, n] : by_state) {
      double bh = h * n / double(widest);
      y -= bh;
      o << "<rect x=\"" << fixed(k * col + 10, 0) << "\" y=\"" << fixed(y, 1) << "\" width=\""
        << fixed(col - 12, 0) << "\" height=\"" << fixed(bh, 1) << "\" fill=\""
        << state_colour(state) << "\" stroke=\"#666\"><title>wave " << k + 1 << ": " << n << ' '
        << html_escape(state) << "</title></rect>";
    }
    o << "<text class=\"axis\" x=\"" << fixed(k * col + 12, 0) << "\" y=\"" << fixed(h + 16, 0)
      << "\">" << k + 1 << " (" << d.waves[k].size() << ")</text>";
  }
  o << "</svg>";
  return o.str();
}

} // namespace

std::string dag_svg(const run_report& r) {
  auto d = layout(r);
  if (r.workstreams.size() > dag_node_limit)
    return wave_summary_svg(r, d);
  const double col = 200, row = 30, box_w = 170, box_h = 22;
  std::vector<std::pair<double, double>> at(d.g.size());
  std::size_t tallest = 1;
  for (std::size_t k = 0; k < d.waves.size(); ++k) {
    tallest = std::max(tallest, d.waves[k].size());
    for (std::size_t i = 0; i < d.waves[k].size(); ++i)
      at[d.waves[k][i]] = {10 + k * col, 10 + i * row};
  }
  std::ostringstream o;
  o << "<svg id=\"dag\" xmlns=\"http://www.w3.org/2000/svg\" width=\""
    << fixed(d.waves.size() * col + 20, 0) << "\" height=\"" << fixed(tallest * row + 20, 0)
    << "\">";
  for (std::size_t v = 0; v < d.g.size(); ++v)
    for (auto u : d.g.dependencies(v)) {
      bool hot = r.workstreams[u].critical && r.workstreams[v].critical;
      o << "<line class=\"edge" << (hot ? " critical" : "") << "\" x1=\""
        << fixed(at[u].first + box_w, 0) << "\" y1=\"" << fixed(at[u].second + box_h / 2, 0)
        << "\" x2=\"" << fixed(at[v].first, 0) << "\" y2=\"" << fixed(at[v].second + box_h / 2, 0)
        << "\"/>";
    }
  for (std::size_t v = 0; v < d.g.size(); ++v) {
    const auto& w = r.workstreams[v];
    o << "<g class=\"node state-" << html_escape(w.state) << (w.critical ? " critical" : "")
      << "\" data-workstream=\"" << html_escape(w.id) << "\"><rect x=\"" << fixed(at[v].first, 0)
      << "\" y=\"" << fixed(at[v].second, 0) << "\" width=\"" << fixed(box_w, 0) << "\" height=\""
      << fixed(box_h, 0) << "\" rx=\"4\" fill=\"" << state_colour(w.state) << "\"/><text x=\""
      << fixed(at[v].first + 5, 0) << "\" y=\"" << fixed(at[v].second + 15, 0) << "\">"
      << html_escape(w.id.size() > 26 ? w.id.substr(0, 25) + "…" : w.id) << "</text><title>"
      << html_escape(w.id) << (w.title.empty() ? "" : " (" + html_escape(w.title) + ")") << ": "
      << html_escape(w.state) << (w.reason.empty() ? "" : " — " + html_escape(w.reason))
      << "</title></g>";
  }
  o << "</svg>";
  return o.str();
}

} // namespace uet::report
