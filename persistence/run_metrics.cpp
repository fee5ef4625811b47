#include "persistence/run_metrics.h"

#include <sstream>

#include <SQLiteCpp/SQLiteCpp.h>

namespace uet::persistence {

namespace {

// Seconds between two ISO-8601 columns, by SQLite's own date arithmetic.
constexpr const char* span = "(julianday(finished_at) - julianday(started_at)) * 86400.0";

double number(SQLite::Statement& s, int col) {
  return s.isColumnNull(col) ? 0.0 : s.getColumn(col).getDouble();
}

} // namespace

expected<run_metrics> read_metrics(database& db, const run_row& run) {
  run_metrics m;
  m.run_id = run.run_id;
  m.state = run.state;
  m.slots = std::max(1, run.max_workers);
  try {
    SQLite::Statement ws(db.sql(), std::string("SELECT state, count(*), avg(") + span +
                                       ") FROM workstreams WHERE run_id = ?1 GROUP BY state");
    ws.bind(1, run.run_id);
    double ended_s = 0;
    int ended = 0;
    while (ws.executeStep()) {
      auto state = ws.getColumn(0).getString();
      int n = ws.getColumn(1).getInt();
      m.workstreams[state] = n;
      m.total += n;
      if (!ws.isColumnNull(2)) {
        ended_s += ws.getColumn(2).getDouble() * n;
        ended += n;
      }
    }
    m.avg_workstream_s = ended ? ended_s / ended : 0;
    auto in = [&](const char* state) {
      auto it = m.workstreams.find(state);
      return it == m.workstreams.end() ? 0 : it->second;
    };
    m.completion_rate = m.total ? double(in("committed") + in("skipped")) / m.total : 0;
    SQLite::Statement steps(db.sql(), std::string("SELECT count(*), coalesce(sum(state IN "
                                                  "('failed', 'timed_out')), 0), sum(") +
                                          span +
                                          ") FROM step_attempts WHERE run_id = ?1 AND "
                                          "finished_at IS NOT NULL");
    steps.bind(1, run.run_id);
    if (steps.executeStep()) {
      m.steps = steps.getColumn(0).getInt();
      m.failed_steps = steps.getColumn(1).getInt();
      m.busy_s = number(steps, 2);
    }
    m.error_rate = m.steps ? double(m.failed_steps) / m.steps : 0;
    SQLite::Statement wall(db.sql(), "SELECT (julianday(coalesce(finished_at, strftime('%Y-%m-%dT"
                                     "%H:%M:%fZ', 'now'))) - julianday(started_at)) * 86400.0 "
                                     "FROM uet_runs WHERE run_id = ?1");
    wall.bind(1, run.run_id);
    if (wall.executeStep())
      m.makespan_s = number(wall, 0);
    m.parallel_efficiency = m.makespan_s > 0 ? m.busy_s / (m.slots * m.makespan_s) : 0;
    return m;
  } catch (const std::exception& e) {
    return db.error("reading the metrics of run '" + run.run_id + "'", e);
  }
}

std::string prometheus_text(const run_metrics& m) {
  std::ostringstream o;
  // Label values escape backslash, quote and newline (the exposition format).
  auto label = [](const std::string& v) {
    std::string out;
    for (char c : v)
      out += c == '\\' ? "\\\\" : c == '"' ? "\\\"" : c == '\n' ? "\\n" : std::string(1, c);
    return out;
  };
  const std::string run = "run=\"" + label(m.run_id) + "\"";
  auto gauge = [&](const char* name, const char* help, double v) {
    o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n"
      << name << '{' << run << "} " << v << '\n';
  };
  o << "# HELP uet_run_workstreams Workstreams of the run, by state.\n"
       "# TYPE uet_run_workstreams gauge\n";
  for (const auto& [state, n] : m.workstreams)
    o << "uet_run_workstreams{" << run << ",state=\"" << label(state) << "\"} " << n << '\n';
  gauge("uet_run_completion_ratio", "Committed or skipped workstreams / all.", m.completion_rate);
  gauge("uet_run_step_attempts", "Step attempts that ended (edit, static, runtime).", m.steps);
  gauge("uet_run_failed_step_attempts", "Step attempts that failed or timed out.", m.failed_steps);
  gauge("uet_run_error_ratio", "Failed step attempts / step attempts.", m.error_rate);
  gauge("uet_run_makespan_seconds", "The run's wall time.", m.makespan_s);
  gauge("uet_run_busy_seconds", "Summed wall time of the run's steps.", m.busy_s);
  gauge("uet_run_parallel_efficiency", "Busy slot time / (slots x makespan).",
        m.parallel_efficiency);
  gauge("uet_run_workstream_seconds_avg", "Mean time from a workstream's start to its end.",
        m.avg_workstream_s);
  if (m.lower_bound_s > 0) {
    gauge("uet_run_critical_path_seconds", "The heaviest dependency chain of step time.",
          m.critical_path_s);
    gauge("uet_run_makespan_lower_bound_seconds", "max(critical path, busy / slots).",
          m.lower_bound_s);
  }
  if (!m.failures_by_tool.empty())
    o << "# HELP uet_run_tool_failures Failed or timed-out step attempts, by tool.\n"
         "# TYPE uet_run_tool_failures gauge\n";
  for (const auto& [tool, n] : m.failures_by_tool)
    o << "uet_run_tool_failures{" << run << ",tool=\"" << label(tool) << "\"} " << n << '\n';
  return o.str();
}

} // namespace uet::persistence
