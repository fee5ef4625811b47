#include "engine/dag.h"

#include <algorithm>

namespace uet::engine {

dag::dag(const std::vector<dag_input>& nodes) {
  ids_.reserve(nodes.size());
  weights_.reserve(nodes.size());
  index_.reserve(nodes.size() * 2);
  for (const auto& n : nodes) {
    if (index_.count(n.id))
      continue; // duplicates are reported by config; the first one wins
    index_.emplace(n.id, static_cast<std::uint32_t>(ids_.size()));
    ids_.push_back(n.id);
    weights_.push_back(n.weight);
  }
  deps_.resize(ids_.size());
  dependents_.resize(ids_.size());
  std::vector<bool> taken(ids_.size(), false);
  for (const auto& n : nodes) {
    auto self = index_.at(n.id);
    if (!deps_[self].empty() || taken[self])
      continue; // a duplicate id's edges
    taken[self] = true;
    for (const auto& d : n.dependencies) {
      auto it = index_.find(d);
      if (it == index_.end() || it->second == self)
        continue;
      auto& list = deps_[self];
      if (std::find(list.begin(), list.end(), it->second) != list.end())
        continue;
      list.push_back(it->second);
      dependents_[it->second].push_back(self);
      ++edges_;
    }
  }
}

std::int64_t dag::index_of(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? -1 : static_cast<std::int64_t>(it->second);
}

std::vector<std::uint32_t> dag::topological_order() const {
  std::vector<std::uint32_t> indegree(size());
  for (std::size_t i = 0; i < size(); ++i)
    indegree[i] = static_cast<std::uint32_t>(deps_[i].size());
  std::vector<std::uint32_t> order;
  order.reserve(size());
  for (std::size_t i = 0; i < size(); ++i)
    if (indegree[i] == 0)
      order.push_back(static_cast<std::uint32_t>(i));
  for (std::size_t head = 0; head < order.size(); ++head)
    for (auto d : dependents_[order[head]])
      if (--indegree[d] == 0)
        order.push_back(d);
  return order;
}

std::vector<std::vector<std::string>> dag::cycles() const {
  // Iterative Tarjan over "depends on" edges.
  const std::uint32_t none = UINT32_MAX;
  std::vector<std::uint32_t> index(size(), none), low(size(), 0), comp(size(), none);
  std::vector<bool> on_stack(size(), false);
  std::vector<std::uint32_t> stack;
  std::vector<std::pair<std::uint32_t, std::size_t>> call; // node, next edge
  std::uint32_t counter = 0, comps = 0;
  std::vector<std::vector<std::uint32_t>> members;
  for (std::uint32_t root = 0; root < size(); ++root) {
    if (index[root] != none)
      continue;
    call.push_back({root, 0});
    while (!call.empty()) {
      auto& [v, e] = call.back();
      if (e == 0 && index[v] == none) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        on_stack[v] = true;
      }
      if (e < deps_[v].size()) {
        auto w = deps_[v][e++];
        if (index[w] == none)
          call.push_back({w, 0});
        else if (on_stack[w])
          low[v] = std::min(low[v], index[w]);
        continue;
      }
      if (low[v] == index[v]) {
        members.emplace_back();
        std::uint32_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          comp[w] = comps;
          members.back().push_back(w);
        } while (w != v);
        ++comps;
      }
      auto finished = v;
      call.pop_back();
      if (!call.empty())
        low[call.back().first] = std::min(low[call.back().first], low[finished]);
    }
  }
  std::vector<std::vector<std::string>> out;
  for (std::uint32_t c = 0; c < comps; ++c) {
    if (members[c].size() < 2)
      continue; // self-edges are dropped at construction
    // Every node of a non-trivial SCC has an edge inside it: walk until a repeat.
    auto start = *std::min_element(members[c].begin(), members[c].end());
    std::vector<std::uint32_t> walk;
    std::unordered_map<std::uint32_t, std::size_t> seen;
    auto v = start;
    while (!seen.count(v)) {
      seen[v] = walk.size();
      walk.push_back(v);
      for (auto w : deps_[v])
        if (comp[w] == c) {
          v = w;
          break;
        }
    }
    std::vector<std::string> cycle;
    for (auto i = seen[v]; i < walk.size(); ++i)
      cycle.push_back(ids_[walk[i]]);
    cycle.push_back(ids_[v]);
    out.push_back(std::move(cycle));
  }
  return out;
}

} // namespace uet::engine
