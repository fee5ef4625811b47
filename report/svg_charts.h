// The report page's drawings, as inline SVG: the timeline of step attempts
// per worker slot, and the DAG with the critical path.
#pragma once

#include <string>

#include "report/run_report.h"

namespace uet::report {

/// A number with `digits` decimals ("2.43").
std::string fixed(double v, int digits = 2);

/// Bars per slot lane, coloured by step; failed attempts outlined in red,
/// markers for retries, quarantines, faults and breaker moves.
std::string timeline_svg(const run_report& r);

/// Workstreams in waves (longest dependency chain), coloured by final
/// state, the critical path in red; per-wave counts above dag_node_limit.
std::string dag_svg(const run_report& r);

} // namespace uet::report
