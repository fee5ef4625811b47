// `report --html`: one self-contained page (inline CSS and SVG, no script,
// nothing fetched) drawn from a run_report. Every name and message from the
// database is escaped: a workstream titled "<img onerror=...>" shows as text.
#pragma once

#include <string>

#include "report/run_report.h"

namespace uet::report {

/// Above this many workstreams the DAG is drawn per wave (counts by state)
/// instead of node by node, so a 10,000-workstream page stays usable.
constexpr std::size_t dag_node_limit = 400;

/// Above this many step attempts the timeline is drawn per pixel column
/// (the step that took most of it) instead of bar by bar.
constexpr std::size_t bar_limit = 3000;

std::string html_page(const run_report& r);

/// Text made safe for HTML content and attribute values.
std::string html_escape(const std::string& s);

} // namespace uet::report
