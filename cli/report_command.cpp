// `uet-actors report [RUN_ID] --metrics [--json | --prometheus]`: the
// monitoring numbers of a run (persistence/run_metrics.h), read-only.
#include <iomanip>
#include <iostream>

#include "base/exit_code.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "config/loader.h"
#include "persistence/run_metrics.h"

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
}

} // namespace

int report_command(const report_args& a) {
  if (!a.metrics) {
    std::cerr << "report: say what to report: --metrics (the run's monitoring numbers)\n";
    return to_int(exit_code::bad_input);
  }
  config::problem_list problems;
  auto cfg = config::load_project_config(std::filesystem::current_path(),
                                         config::read_environment(), problems);
  auto db = persistence::database::open_read_only(cfg.state_db);
  if (!db) {
    std::cerr << "report: " << db.message() << " (no run yet?)\n";
    return to_int(exit_code::internal);
  }
  persistence::state_reader reader(*db);
  auto run = a.run_id.empty() ? reader.latest_run() : reader.run(a.run_id);
  if (!run || !*run) {
    std::cerr << "report: "
              << (!run               ? run.message()
                  : a.run_id.empty() ? "no runs recorded yet"
                                     : "no run '" + a.run_id + "'")
              << '\n';
    return to_int(!run ? exit_code::internal : exit_code::bad_input);
  }
  auto m = persistence::read_metrics(*db, **run);
  if (!m) {
    std::cerr << "report: " << m.message() << '\n';
    return to_int(exit_code::internal);
  }
  if (a.prometheus)
    std::cout << persistence::prometheus_text(*m);
  else if (a.json)
    print_json({{"run_id", m->run_id},
                {"state", m->state},
                {"slots", m->slots},
                {"workstreams", m->workstreams},
                {"total", m->total},
                {"completion_rate", m->completion_rate},
                {"step_attempts", m->steps},
                {"failed_step_attempts", m->failed_steps},
                {"error_rate", m->error_rate},
                {"busy_s", m->busy_s},
                {"makespan_s", m->makespan_s},
                {"parallel_efficiency", m->parallel_efficiency},
                {"avg_workstream_s", m->avg_workstream_s}});
  else
    print_text(*m);
  return 0;
}

} // namespace uet::cli
