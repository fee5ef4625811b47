#include "engine/plan.h"

#include <algorithm>

namespace uet::engine {

std::vector<double> bottom_levels(const dag& g) {
  auto order = g.topological_order();
  std::vector<double> level(g.size(), 0.0);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    double best = 0;
    for (auto d : g.dependents(*it))
      best = std::max(best, level[d]);
    level[*it] = g.weight(*it) + best;
  }
  return level;
}

std::map<std::string, double> duration_estimates(const std::vector<std::string>& ids,
                                                 const std::map<std::string, double>& history) {
  std::vector<double> known;
  for (const auto& id : ids)
    if (auto it = history.find(id); it != history.end() && it->second > 0)
      known.push_back(it->second);
  double typical = 1.0;
  if (!known.empty()) {
    auto mid = known.begin() + static_cast<std::ptrdiff_t>(known.size() / 2);
    std::nth_element(known.begin(), mid, known.end());
    typical = *mid;
  }
  std::map<std::string, double> out;
  for (const auto& id : ids) {
    auto it = history.find(id);
    out[id] = it != history.end() && it->second > 0 ? it->second : typical;
  }
  return out;
}

plan_summary make_plan(const dag& g, int workers) {
  plan_summary p;
  p.workers = std::max(1, workers);
  auto order = g.topological_order();
  std::vector<std::uint32_t> depth(g.size(), 0);
  std::vector<double> finish(g.size(), 0.0);
  std::vector<std::int64_t> via(g.size(), -1);
  for (auto v : order) {
    double start = 0;
    for (auto d : g.dependencies(v)) {
      depth[v] = std::max(depth[v], depth[d] + 1);
      if (finish[d] > start) {
        start = finish[d];
        via[v] = d;
      }
    }
    finish[v] = start + g.weight(v);
    p.total_work += g.weight(v);
    if (depth[v] >= p.waves.size())
      p.waves.resize(depth[v] + 1);
    p.waves[depth[v]].push_back(v);
  }
  std::int64_t last = -1;
  for (auto v : order)
    if (last < 0 || finish[v] > finish[static_cast<std::size_t>(last)])
      last = v;
  for (auto v = last; v >= 0; v = via[static_cast<std::size_t>(v)])
    p.critical_path.push_back(static_cast<std::uint32_t>(v));
  std::reverse(p.critical_path.begin(), p.critical_path.end());
  p.critical_length = last < 0 ? 0 : finish[static_cast<std::size_t>(last)];
  p.makespan_lower_bound = std::max(p.critical_length, p.total_work / p.workers);
  return p;
}

} // namespace uet::engine
