// `report --trace`: the run as Chrome trace-event JSON (Perfetto and
// chrome://tracing open it). One track per worker slot with a span per step
// attempt, ledger tracks with a span per patch state, and instant events for
// retries, quarantines, injected faults and breaker moves. Times are
// microseconds from the run's start.
#pragma once

#include <nlohmann/json.hpp>

#include "report/run_report.h"

namespace uet::report {

nlohmann::json trace_events(const run_report& r);

} // namespace uet::report
