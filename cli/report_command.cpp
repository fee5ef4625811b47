// `uet-actors report [RUN_ID] [--html FILE] [--trace FILE] [--metrics [--json |
// --prometheus]]`: a run's page, trace and monitoring numbers, from the
// database, read-only (report/, persistence/run_metrics.h).
#include <iomanip>
#include <iostream>

#include "base/exit_code.h"
#include "base/files.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/run_lookup.h"
#include "config/loader.h"
#include "persistence/run_metrics.h"
#include "report/html_report.h"
#include "report/run_report.h"
#include "report/trace_json.h"

namespace uet::cli {

namespace {

void print_text(const persistence::run_metrics& m) {
  auto& o = std::cout;
  o << std::fixed << std::setprecision(2);
  o << "run " << m.run_id << ": " << m.state << ", " << m.total << " workstreams, " << m.slots
    << " slots\n";
  o << "  completion     " << m.completion_rate * 100 << "% (";
  bool first = true;
  for (const auto& [state, n] : m.workstreams) {
    o << (first ? "" : ", ") << n << ' ' << state;
    first = false;
  }
  o << ")\n";
  o << "  per workstream " << m.avg_workstream_s << " s on average, start to end\n";
  o << "  errors         " << m.failed_steps << " of " << m.steps << " step attempts ("
    << m.error_rate * 100 << "%)\n";
  o << "  makespan       " << m.makespan_s << " s; steps kept slots busy " << m.busy_s
    << " s: parallel efficiency " << m.parallel_efficiency * 100 << "% (busy / (" << m.slots
    << " slots x makespan))\n";
  if (m.lower_bound_s > 0)
    o << "  lower bound    " << m.lower_bound_s << " s = max(critical path of step time "
      << m.critical_path_s << " s, busy / slots): makespan is " << m.makespan_s / m.lower_bound_s
      << "x the bound\n";
  o << "  failures       ";
  if (m.failures_by_tool.empty())
    o << "none";
  for (const auto& [tool, n] : m.failures_by_tool)
    o << (tool == m.failures_by_tool.begin()->first ? "" : ", ") << tool << ' ' << n;
  o << " (failed step attempts by tool)\n";
}

void print_metrics(const report_args& a, const persistence::run_metrics& m) {
  if (a.prometheus)
    std::cout << persistence::prometheus_text(m);
  else if (a.json)
    print_json({{"run_id", m.run_id},
                {"state", m.state},
                {"slots", m.slots},
                {"workstreams", m.workstreams},
                {"total", m.total},
                {"completion_rate", m.completion_rate},
                {"step_attempts", m.steps},
                {"failed_step_attempts", m.failed_steps},
                {"error_rate", m.error_rate},
                {"busy_s", m.busy_s},
                {"makespan_s", m.makespan_s},
                {"parallel_efficiency", m.parallel_efficiency},
                {"avg_workstream_s", m.avg_workstream_s},
                {"critical_path_s", m.critical_path_s},
                {"makespan_lower_bound_s", m.lower_bound_s},
                {"makespan_over_bound", m.lower_bound_s > 0 ? m.makespan_s / m.lower_bound_s : 0},
                {"failures_by_tool", m.failures_by_tool}});
  else
    print_text(m);
}

/// Titles and dependencies from the project's specs, as far as they load:
/// the report is about a past run, so a spec broken since must not stop it.
report::spec_map spec_facts_of_project() {
  auto bundle =
      config::load_project(std::filesystem::current_path(), config::read_environment(), 1);
  report::spec_map out;
  for (const auto& ws : bundle.workstreams)
    out[ws.id] = {ws.title, ws.dependencies};
  return out;
}

/// Writes the page and/or the trace; 0 or the exit code of the failure.
int write_views(const report_args& a, const opened& o, const report::run_report& r) {
  auto write = [&](const std::string& path, const std::string& content, const char* what) {
    if (auto w = write_file_atomic(path, content); !w) {
      std::cerr << "report: writing the " << what << ": " << w.message() << '\n';
      return false;
    }
    std::cerr << "report: " << what << " of run " << o.run.run_id << " written to "
              << std::filesystem::absolute(path).string() << " (" << content.size() / 1024
              << " KiB)\n";
    return true;
  };
  if (!a.html.empty() && !write(a.html, report::html_page(r), "page"))
    return to_int(exit_code::internal);
  if (!a.trace.empty() && !write(a.trace, report::trace_events(r).dump() + "\n", "trace"))
    return to_int(exit_code::internal);
  return 0;
}

} // namespace

int report_command(const report_args& a) {
  if (!a.metrics && a.html.empty() && a.trace.empty()) {
    std::cerr << "report: say what to report: --html FILE (a page), --trace FILE (Chrome "
                 "trace-event JSON) or --metrics (the run's monitoring numbers)\n";
    return to_int(exit_code::bad_input);
  }
  auto o = open_run("report", a.run_id);
  if (o.code)
    return o.code;
  auto r = report::read_report(*o.db, o.run, spec_facts_of_project());
  if (!r) {
    std::cerr << "report: " << r.message() << '\n';
    return to_int(exit_code::internal);
  }
  r->run.state = shown_state(o.cfg, o.run);
  if (int code = write_views(a, o, *r))
    return code;
  if (a.metrics)
    print_metrics(a, r->metrics);
  return 0;
}

} // namespace uet::cli
