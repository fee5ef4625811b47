// Simulated makespan of the ready queue's critical-path-first policy against
// input order and the lower bound max(critical path, work / N), on random
// mixed DAGs (chains, joins, loose tasks; durations 50..400). A discrete-event
// loop, no sleeping, so it runs in milliseconds and is exactly reproducible:
//   uet-bench-makespan-sim [--tasks N] [--workers W] [--seeds S]
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "engine/plan.h"
#include "engine/ready_queue.h"

using namespace uet::engine;

namespace {

std::vector<dag_input> mixed_dag(std::uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::vector<dag_input> in(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto& d = in[static_cast<std::size_t>(i)];
    d.id = "t" + std::to_string(i);
    d.weight = static_cast<double>(50 + rng() % 351);
    if (i == 0)
      continue;
    auto shape = rng() % 10;
    if (shape < 3) {
      d.dependencies.push_back("t" + std::to_string(i - 1));
    } else if (shape < 6) {
      auto k = 1 + rng() % 3;
      for (std::uint64_t j = 0; j < k; ++j)
        d.dependencies.push_back("t" + std::to_string(rng() % static_cast<std::uint64_t>(i)));
    }
  }
  // Shuffled so input order carries no hint of the structure.
  for (std::size_t i = in.size(); i > 1; --i)
    std::swap(in[i - 1], in[rng() % i]);
  return in;
}

double simulate(const std::vector<dag_input>& in, int workers, bool critical_path_first) {
  auto nodes = in;
  if (!critical_path_first)
    for (auto& n : nodes)
      n.weight = 0; // all remaining paths tie: input order decides
  dag g(nodes);
  ready_queue q(g, {});
  using event = std::pair<double, std::uint32_t>;
  std::priority_queue<event, std::vector<event>, std::greater<event>> running;
  double now = 0;
  int free = workers;
  for (;;) {
    while (free > 0) {
      auto i = q.pop_ready();
      if (!i)
        break;
      --free;
      running.push({now + in[*i].weight, *i});
    }
    if (running.empty())
      break;
    now = running.top().first;
    q.finish_success(running.top().second);
    running.pop();
    ++free;
  }
  return now;
}

} // namespace

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
    auto in = mixed_dag(static_cast<std::uint64_t>(s), tasks);
    double bound = make_plan(dag(in), workers).makespan_lower_bound;
    double cp = simulate(in, workers, true), order = simulate(in, workers, false);
    sum_cp += cp / bound;
    sum_in += order / bound;
    std::printf("%6d %10.0f %10.0f %12.0f %12.3f %12.3f\n", s, bound, cp, order, cp / bound,
                order / bound);
  }
  std::printf("mean makespan / bound: cp-first %.3f, input order %.3f (%d tasks, %d workers)\n",
              sum_cp / seeds, sum_in / seeds, tasks, workers);
  return 0;
}
