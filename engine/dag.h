// The workstream dependency graph: nodes are workstreams, an edge a -> b means
// b depends on a (a must commit first). Everything here is O(V + E) and
// iterative, so a 10,000-long chain cannot overflow the stack.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace uet::engine {

struct dag_input {
  std::string id;
  std::vector<std::string> dependencies; ///< unknown ids, self and repeats are ignored
  double weight = 1.0;                   ///< estimated duration, any unit
};

class dag {
public:
  explicit dag(const std::vector<dag_input>& nodes);

  std::size_t size() const { return ids_.size(); }
  std::size_t edge_count() const { return edges_; }
  const std::string& id(std::size_t i) const { return ids_[i]; }
  /// Index of id, or -1.
  std::int64_t index_of(const std::string& id) const;
  const std::vector<std::uint32_t>& dependencies(std::size_t i) const { return deps_[i]; }
  const std::vector<std::uint32_t>& dependents(std::size_t i) const { return dependents_[i]; }
  double weight(std::size_t i) const { return weights_[i]; }
  /// Reweighs node i (e.g. by its duration in earlier runs).
  void set_weight(std::size_t i, double w) { weights_[i] = w; }

  /// Kahn's algorithm; among ready nodes, input order. Complete only if the
  /// graph has no cycle (then size() == result.size()).
  std::vector<std::uint32_t> topological_order() const;

  /// One cycle per strongly connected component that has one, each as a path
  /// of ids where each depends on the next and the last equals the first:
  /// {"a", "b", "a"} means a depends on b and b on a.
  std::vector<std::vector<std::string>> cycles() const;

private:
  std::vector<std::string> ids_;
  std::unordered_map<std::string, std::uint32_t> index_;
  std::vector<std::vector<std::uint32_t>> deps_;
  std::vector<std::vector<std::uint32_t>> dependents_;
  std::vector<double> weights_;
  std::size_t edges_ = 0;
};

} // namespace uet::engine
