#include "engine/schedule_sim.h"

#include <functional>
#include <queue>
#include <random>
#include <string>
#include <utility>

#include "engine/ready_queue.h"

namespace uet::engine {

simulated_run simulate_makespan(const std::vector<dag_input>& in, int workers,
                                bool critical_path_first) {
  auto nodes = in;
  if (!critical_path_first)
    for (auto& n : nodes)
      n.weight = 0; // every remaining path ties: input order decides
  dag g(nodes);
  ready_queue q(g, {});
  using event = std::pair<double, std::uint32_t>; // finish time, node
  std::priority_queue<event, std::vector<event>, std::greater<event>> running;
  simulated_run r;
  int free = workers;
  for (;;) {
    while (free > 0) {
      auto i = q.pop_ready();
      if (!i)
        break;
      --free;
      running.push({r.makespan + in[*i].weight, *i});
    }
    if (running.empty())
      break;
    auto [t, i] = running.top();
    running.pop();
    r.makespan = t;
    q.finish_success(i);
    ++r.completed;
    ++free;
  }
  return r;
}

std::vector<dag_input> synthetic_mixed_dag(std::uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  std::vector<dag_input> in(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto& d = in[static_cast<std::size_t>(i)];
    d.id = "t" + std::to_string(i);
    d.weight = static_cast<double>(50 + rng() % 351); // 50..400
    if (i == 0)
      continue;
    auto shape = rng() % 10;
    if (shape < 3) { // extends a chain
      d.dependencies.push_back("t" + std::to_string(i - 1));
    } else if (shape < 6) { // joins one to three earlier tasks
      auto k = 1 + rng() % 3;
      for (std::uint64_t j = 0; j < k; ++j)
        d.dependencies.push_back("t" + std::to_string(rng() % static_cast<std::uint64_t>(i)));
    } // else independent
  }
  // Fisher-Yates with the same rng: input order is now unrelated to depth.
  for (std::size_t i = in.size(); i > 1; --i)
    std::swap(in[i - 1], in[rng() % i]);
  return in;
}

} // namespace uet::engine
