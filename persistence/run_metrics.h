// The seed plan's monitoring numbers for one run, from the state database:
// completion rate, time per workstream, error rate, and parallel efficiency
// (the slot-time steps kept busy / (slots x makespan)). For `report
// --metrics` as text, JSON, or Prometheus's text exposition format (a
// node-exporter textfile collector reads it).
#pragma once

#include <map>
#include <string>

#include "base/expected.h"
#include "persistence/database.h"
#include "persistence/state_reader.h"

namespace uet::persistence {

struct run_metrics {
  std::string run_id;
  std::string state;
  int slots = 1;                          ///< the run's workers
  std::map<std::string, int> workstreams; ///< per state
  int total = 0;
  double completion_rate = 0;     ///< (committed + skipped) / total
  int steps = 0;                  ///< step attempts that ended (edit, static, runtime)
  int failed_steps = 0;           ///< of those, failed or timed out
  double error_rate = 0;          ///< failed_steps / steps
  double busy_s = 0;              ///< the steps' summed wall time
  double makespan_s = 0;          ///< the run's start to its end (or now)
  double parallel_efficiency = 0; ///< busy_s / (slots x makespan_s)
  double avg_workstream_s = 0;    ///< mean first start to end of the workstreams that ended
  /// Filled where the DAG is known (report/run_report.h), else 0 / empty:
  double critical_path_s = 0;                  ///< the heaviest chain of step time
  double lower_bound_s = 0;                    ///< max(critical_path_s, busy_s / slots)
  std::map<std::string, int> failures_by_tool; ///< failed or timed-out step attempts
};

expected<run_metrics> read_metrics(database& db, const run_row& run);

/// The metrics in Prometheus's text exposition format, labelled by run.
std::string prometheus_text(const run_metrics& m);

} // namespace uet::persistence
