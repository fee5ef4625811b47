// Simulated makespan of the ready queue's critical-path-first policy against
// input order and the lower bound max(critical path, work / N), on random
// mixed DAGs (chains, joins, loose tasks; durations 50..400). A discrete-event
// loop, no sleeping, so it runs in milliseconds and is exactly reproducible:
//   uet-bench-makespan-sim [--tasks N] [--workers W] [--seeds S]
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/plan.h"
#include "engine/schedule_sim.h"

using namespace uet::engine;

int main(int argc, char** argv) {
  int tasks = 46, workers = 4, seeds = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    int v = std::atoi(argv[i + 1]);
    if (a == "--tasks")
      tasks = v;
    else if (a == "--workers")
      workers = v;
    else if (a == "--seeds")
      seeds = v;
  }
  if (tasks <= 0 || workers <= 0 || seeds <= 0) {
    std::fprintf(stderr, "usage: %s [--tasks N] [--workers W] [--seeds S]\n", argv[0]);
    return 2;
  }
  std::printf("%6s %10s %10s %12s %12s %12s\n", "seed", "bound", "cp-first", "input-order",
              "cp/bound", "input/bound");
  double sum_cp = 0, sum_in = 0;
  for (int s = 1; s <= seeds; ++s) {
    auto in = synthetic_mixed_dag(static_cast<std::uint64_t>(s), tasks);
    double bound = make_plan(dag(in), workers).makespan_lower_bound;
    double cp = simulate_makespan(in, workers, true).makespan;
    double order = simulate_makespan(in, workers, false).makespan;
    sum_cp += cp / bound;
    sum_in += order / bound;
    std::printf("%6d %10.0f %10.0f %12.0f %12.3f %12.3f\n", s, bound, cp, order, cp / bound,
                order / bound);
  }
  std::printf("mean makespan / bound: cp-first %.3f, input order %.3f (%d tasks, %d workers)\n",
              sum_cp / seeds, sum_in / seeds, tasks, workers);
  return 0;
}
