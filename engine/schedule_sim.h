// A discrete-event model of the scheduler's policy (no clocks, no sleeping):
// how long a DAG takes on N workers when the ready queue picks the longest
// remaining critical path first, or input order. Used by the makespan
// benchmark and the scheduling tests, so both measure the same model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/dag.h"

namespace uet::engine {

struct simulated_run {
  double makespan = 0;
  std::size_t completed = 0; ///< nodes that ran (all of them unless the DAG has a cycle)
};

/// Each node runs for its weight; workers slots.
simulated_run simulate_makespan(const std::vector<dag_input>& in, int workers,
                                bool critical_path_first);

/// n tasks shaped like a mixed pipeline: chains, joins of one to three
/// earlier tasks, loose tasks; durations 50..400. Ids are shuffled so input
/// order carries no hint of the structure. Plain modulo on mt19937_64 keeps
/// it identical on every standard library.
std::vector<dag_input> synthetic_mixed_dag(std::uint64_t seed, int n);

} // namespace uet::engine
