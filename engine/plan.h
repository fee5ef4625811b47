// What a run of a DAG will look like: waves, the critical path, and the lower
// bound on makespan for N workers, max(critical path, total work / N).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/dag.h"

namespace uet::engine {

struct plan_summary {
  std::vector<std::vector<std::uint32_t>>
      waves; ///< wave k: nodes whose longest dependency chain has k links
  std::vector<std::uint32_t> critical_path; ///< first to last
  double critical_length = 0;
  double total_work = 0;
  int workers = 1;
  double makespan_lower_bound = 0;
};

/// Requires an acyclic graph (check dag::cycles() first).
plan_summary make_plan(const dag& g, int workers);

/// The weight of each of ids for the scheduler: its past duration (ms, from
/// history) where known; otherwise the median of the known ones (a new
/// workstream is assumed typical), or 1 for all when none is known.
std::map<std::string, double> duration_estimates(const std::vector<std::string>& ids,
                                                 const std::map<std::string, double>& history);

/// For each node, the heaviest path from it to a sink, itself included: the
/// "remaining critical path" the scheduler ranks ready work by.
std::vector<double> bottom_levels(const dag& g);

} // namespace uet::engine
