#include "report/html_report.h"

#include <sstream>

#include "report/svg_charts.h"

namespace uet::report {

namespace {

constexpr const char* style = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left;border-bottom:1px solid #eee}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow:auto;max-height:640px;border:1px solid #eee}
svg text{font:11px system-ui,sans-serif}svg .axis{fill:#666}svg .lane{fill:#444}
svg .tick{stroke:#eee}svg .bar.failed{stroke:#d62728;stroke-width:2}
svg .edge{stroke:#999}svg .edge.critical{stroke:#d62728;stroke-width:2}
svg .node.critical rect{stroke:#d62728;stroke-width:2}svg .node rect{stroke:#888}
.key span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
.state-quarantined,.state-blocked{color:#b30000}
)";

void summary(std::ostringstream& o, const run_report& r) {
  const auto& m = r.metrics;
  o << "<h1>Run <span id=\"run-id\">" << html_escape(r.run.run_id) << "</span></h1>"
    << "<table id=\"summary\"><tr><th>state</th><td>" << html_escape(r.run.state)
    << "</td></tr><tr><th>phase</th><td>" << html_escape(r.run.phase_id)
    << "</td></tr><tr><th>started</th><td>" << html_escape(r.run.started_at)
    << "</td></tr><tr><th>wall</th><td>" << fixed(r.wall_s, 3) << " s</td></tr>"
    << "<tr><th>workstreams</th><td>" << m.total;
  for (const auto& [state, n] : m.workstreams)
    o << ", " << n << ' ' << html_escape(state);
  o << "</td></tr><tr><th>slots</th><td>" << m.slots << "</td></tr></table>";
}

void efficiency(std::ostringstream& o, const run_report& r) {
  const auto& m = r.metrics;
  o << "<h2>Parallel efficiency</h2><table id=\"efficiency\">"
    << "<tr><th>busy slot time</th><td class=\"n\">" << fixed(m.busy_s, 3) << " s</td></tr>"
    << "<tr><th>parallel efficiency</th><td class=\"n\">" << fixed(m.parallel_efficiency * 100, 1)
    << " %</td><td>busy / (" << m.slots << " slots × makespan)</td></tr>"
    << "<tr><th>makespan</th><td class=\"n\">" << fixed(r.wall_s, 3) << " s</td></tr>"
    << "<tr><th>lower bound</th><td class=\"n\">" << fixed(m.lower_bound_s, 3)
    << " s</td><td>max(critical path " << fixed(m.critical_path_s, 3) << " s, busy / slots "
    << fixed(m.busy_s / std::max(1, m.slots), 3) << " s)</td></tr>"
    << "<tr><th>makespan / bound</th><td class=\"n\">"
    << (m.lower_bound_s > 0 ? fixed(r.wall_s / m.lower_bound_s, 2) + "×" : "–")
    << "</td></tr></table><p>Critical path: ";
  for (std::size_t i = 0; i < r.critical_path.size(); ++i)
    o << (i ? " → " : "") << html_escape(r.critical_path[i]);
  o << "</p>";
}

void flow_and_failures(std::ostringstream& o, const run_report& r) {
  o << "<h2>Patch flow</h2><table id=\"patch-flow\"><tr><th>ledger state</th><th>patches</th>"
       "<th>mean time in it</th></tr>";
  for (const auto& f : r.flow)
    o << "<tr data-state=\"" << html_escape(f.state) << "\"><td>" << html_escape(f.state)
      << "</td><td class=\"n\">" << f.reached << "</td><td class=\"n\">" << fixed(f.mean_s, 3)
      << " s</td></tr>";
  o << "</table><h2>Failures</h2><table id=\"failures\"><tr><th>tool</th><th>failed step "
       "attempts</th></tr>";
  for (const auto& [tool, n] : r.metrics.failures_by_tool)
    o << "<tr><td>" << html_escape(tool) << "</td><td class=\"n\">" << n << "</td></tr>";
  if (r.metrics.failures_by_tool.empty())
    o << "<tr><td colspan=\"2\">none</td></tr>";
  o << "</table><h3>Circuit breakers</h3><table id=\"breakers\"><tr><th>at</th><th>tool</th>"
       "<th>from</th><th>to</th><th>why</th></tr>";
  for (const auto& b : r.breakers)
    o << "<tr><td class=\"n\">" << fixed(b.at_s, 3) << " s</td><td>" << html_escape(b.tool)
      << "</td><td>" << html_escape(b.from) << "</td><td>" << html_escape(b.to) << "</td><td>"
      << html_escape(b.reason) << "</td></tr>";
  if (r.breakers.empty())
    o << "<tr><td colspan=\"5\">no breaker moved</td></tr>";
  o << "</table>";
}

void workstream_rows(std::ostringstream& o, const run_report& r) {
  o << "<h2>Slowest workstreams</h2><table id=\"slowest\"><tr><th>workstream</th><th>start to "
       "end</th><th>in steps</th><th>attempts</th></tr>";
  for (const auto* w : slowest(r, 10))
    o << "<tr><td>" << html_escape(w->id) << "</td><td class=\"n\">"
      << fixed(w->end_s - w->start_s, 3) << " s</td><td class=\"n\">" << fixed(w->busy_s, 3)
      << " s</td><td class=\"n\">" << w->attempts << "</td></tr>";
  o << "</table><h2>Workstreams</h2><div class=\"scroll\"><table id=\"workstreams\"><tr>"
       "<th>workstream</th><th>title</th><th>state</th><th>tool</th><th>attempts</th>"
       "<th>start</th><th>end</th><th>why</th></tr>";
  for (const auto& w : r.workstreams) {
    o << "<tr data-workstream=\"" << html_escape(w.id) << "\"><td>" << html_escape(w.id)
      << "</td><td class=\"title\">" << html_escape(w.title) << "</td><td class=\"state-"
      << html_escape(w.state) << "\">" << html_escape(w.state) << "</td><td>" << html_escape(w.tool)
      << "</td><td class=\"n\">" << w.attempts << "</td>";
    if (w.start_s >= 0)
      o << "<td class=\"n\">" << fixed(w.start_s, 3) << "</td><td class=\"n\">" << fixed(w.end_s, 3)
        << "</td>";
    else
      o << "<td></td><td></td>";
    o << "<td>" << html_escape(w.reason) << "</td></tr>";
  }
  o << "</table></div>";
}

void events(std::ostringstream& o, const run_report& r) {
  o << "<h2>Retries, quarantines, faults, breakers</h2><table id=\"markers\">";
  for (const auto& m : r.markers)
    o << "<tr class=\"marker-" << html_escape(m.kind) << "\"><td class=\"n\">" << fixed(m.at_s, 3)
      << " s</td><td>" << html_escape(m.workstream_id) << "</td><td>" << html_escape(m.text)
      << "</td></tr>";
  if (r.markers.empty())
    o << "<tr><td>none</td></tr>";
  o << "</table>";
}

} // namespace

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  return out;
}

std::string html_page(const run_report& r) {
  std::ostringstream o;
  o << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>uet-actors run "
    << html_escape(r.run.run_id) << "</title><style>" << style << "</style></head><body>";
  summary(o, r);
  o << "<h2>Timeline</h2><p class=\"key\">steps per worker slot:<span style=\"background:"
       "#4e79a7\"></span>edit<span style=\"background:#f28e2b\"></span>static<span style=\""
       "background:#59a14f\"></span>runtime; red outline: failed; vertical lines: retry "
       "(yellow), quarantine (red), injected fault (purple), breaker (brown)</p>"
       "<div class=\"scroll\">"
    << timeline_svg(r) << "</div><h2>DAG</h2><p>Dependencies from " << html_escape(r.dag_source)
    << "; final state by colour, the critical path of this run's step time in red.</p>"
       "<div class=\"scroll\">"
    << dag_svg(r) << "</div>";
  efficiency(o, r);
  flow_and_failures(o, r);
  events(o, r);
  workstream_rows(o, r);
  o << "<p><small>uet-actors report — made from the state database</small></p></body></html>\n";
  return o.str();
}

} // namespace uet::report
