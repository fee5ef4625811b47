// What a run looked like, from the state database: the model `report --html`
// and `report --trace` draw (report/html_report.h, report/trace_json.h).
// Times are seconds from the run's start. Pure C++ over a database
// connection; no actor system.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/expected.h"
#include "persistence/database.h"
#include "persistence/run_metrics.h"
#include "persistence/state_reader.h"

namespace uet::report {

/// One step attempt, on the slot lane it ran in.
struct step_bar {
  std::string workstream_id;
  std::string step; ///< edit, static, runtime
  int attempt = 1;
  std::string state; ///< succeeded, failed, timed_out, running, ...
  double start_s = 0;
  double end_s = 0; ///< the run's end (or now) while still running
  int lane = 0;     ///< 0-based worker slot
  std::string error;
};

/// A patch's stay in one ledger state (created ... committed).
struct ledger_span {
  std::string patch_id;
  std::string workstream_id;
  std::string state;
  double start_s = 0;
  double end_s = 0;
};

/// Something that happened at an instant: a retry, a quarantine, an injected
/// fault, a breaker transition.
struct marker {
  std::string kind; ///< retry, quarantine, fault, breaker
  double at_s = 0;
  std::string workstream_id; ///< empty for run-wide ones
  std::string text;
};

struct workstream_view {
  std::string id;
  std::string title;
  std::string state;
  std::string reason;
  std::string tool;
  int attempts = 0;
  double start_s = -1; ///< -1: never started
  double end_s = -1;
  double busy_s = 0; ///< summed step time
  std::vector<std::string> dependencies;
  bool critical = false; ///< on the critical path of this run's step time
};

/// How many patches reached a ledger state, and how long they stayed in it.
struct flow_stage {
  std::string state;
  int reached = 0;
  double mean_s = 0; ///< mean time until the patch's next state (0 for an end state)
};

struct breaker_move {
  double at_s = 0;
  std::string tool, from, to, reason;
};

struct run_report {
  persistence::run_row run;
  persistence::run_metrics metrics;
  double wall_s = 0;                        ///< the run's start to its end (or now)
  std::string dag_source;                   ///< where the dependencies came from
  std::vector<workstream_view> workstreams; ///< by id
  std::vector<step_bar> bars;               ///< in start order
  std::vector<ledger_span> ledger;          ///< in start order
  std::vector<marker> markers;              ///< in time order
  std::vector<flow_stage> flow;             ///< in ledger order
  std::vector<breaker_move> breakers;
  int lanes = 0;
  /// First to last; its step time and the makespan's lower bound are
  /// metrics.critical_path_s and metrics.lower_bound_s, failures per tool
  /// metrics.failures_by_tool.
  std::vector<std::string> critical_path;
};

/// What the database does not keep of a workstream: its title and
/// dependencies, from the project's specs. A workstream missing here falls
/// back to the dependencies its workstream_inputs event records.
struct spec_facts {
  std::string title;
  std::vector<std::string> dependencies;
};
using spec_map = std::map<std::string, spec_facts>;

expected<run_report> read_report(persistence::database& db, const persistence::run_row& run,
                                 const spec_map& specs);

/// Packs intervals (start, end) into the fewest lanes, first free lane
/// first: the lane of each, in input order (which must be by start).
std::vector<int> pack_lanes(const std::vector<std::pair<double, double>>& spans);

/// A step attempt that failed (its check or tool said no, or it ran out of time).
bool failed_step(const std::string& state);

/// A patch state nothing leaves: committed, quarantined, rolled_back.
bool ledger_end_state(const std::string& state);

/// The n workstreams that took longest, start to end.
std::vector<const workstream_view*> slowest(const run_report& r, std::size_t n);

} // namespace uet::report
