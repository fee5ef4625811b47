// The scheduler's pure core: which workstream runs next. Ready nodes are
// ranked by priority (higher first), then remaining critical path (longer
// first), then input order; a node whose tool is at its max_concurrency is
// passed over but stays ready. Every pick and every state change is
// O(log n); settling the whole DAG is O((V + E) log V).
//
// Early starts: while a running node's patch is in the ledger's gate
// (speculate), its dependents count it as settled and may become ready, to
// edit on its speculative commit. If the patch leaves the gate without
// landing (unspeculate), those dependents wait again: the ready ones at
// once, the running ones once the caller has taken them back (requeue).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "engine/dag.h"

namespace uet::engine {

enum class node_state { pending, ready, running, done, failed, blocked };

/// "pending", "ready", "running", "done", "failed", "blocked".
const char* to_string(node_state s);

struct ready_queue_options {
  std::vector<int> priority;                  ///< per node; missing entries are 0
  std::vector<std::string> tool;              ///< per node; missing entries are ""
  std::map<std::string, int> max_concurrency; ///< per tool; absent or <= 0: unlimited
  /// Nodes committed by an earlier run (resume): done from the start, so
  /// their dependents may be ready at once.
  std::vector<std::uint32_t> pre_completed;
};

struct queue_counts {
  std::size_t pending = 0, ready = 0, running = 0, done = 0, failed = 0, blocked = 0;
};

struct blocked_node {
  std::uint32_t node = 0;
  std::string reason; ///< "dependency <id> failed: <reason>"
};

class ready_queue {
public:
  /// g should be acyclic (check dag::cycles() first): a node on a cycle never
  /// becomes ready, so all_settled() would never hold.
  ready_queue(const dag& g, const ready_queue_options& opts);

  /// The node pop_ready() would return, without taking it.
  std::optional<std::uint32_t> peek() const;
  /// Takes the best ready node whose tool has a free slot and marks it running.
  std::optional<std::uint32_t> pop_ready();
  /// Marks a chosen ready node running; false if it is not ready or its tool
  /// is at its limit.
  bool start(std::uint32_t i);

  /// running -> done. Returns the dependents that became ready.
  std::vector<std::uint32_t> finish_success(std::uint32_t i);
  /// pending/ready/running -> failed; every transitive dependent not yet done
  /// becomes blocked (returned, in breadth-first order). Dependents reached
  /// only through a done node are unaffected.
  std::vector<blocked_node> finish_failure(std::uint32_t i, const std::string& reason);
  /// running -> ready again (a retry), without counting as done.
  bool release(std::uint32_t i);

  /// Running node i's patch is in the gate: returns the dependents that
  /// became ready (each other dependency done or in the gate too).
  std::vector<std::uint32_t> speculate(std::uint32_t i);
  /// Node i's patch left the gate without landing: its ready dependents
  /// wait again; returns the running ones, started on it, to take back.
  std::vector<std::uint32_t> unspeculate(std::uint32_t i);
  /// A running node taken back -> pending, or ready, or blocked when a
  /// dependency failed meanwhile (returned, with their own dependents).
  std::vector<blocked_node> requeue(std::uint32_t i);
  /// Some dependency of i is not done (so, if i runs, it started early).
  bool early(std::uint32_t i) const { return waiting_[i] > 0; }
  bool in_gate(std::uint32_t i) const { return in_gate_[i]; }

  node_state state(std::uint32_t i) const { return state_[i]; }
  const std::string& blocked_reason(std::uint32_t i) const { return reason_[i]; }
  double critical_path(std::uint32_t i) const { return level_[i]; }
  int running_for_tool(const std::string& tool) const;
  const queue_counts& counts() const { return counts_; }
  std::size_t size() const { return state_.size(); }
  /// Every node done, failed or blocked.
  bool all_settled() const;

private:
  // Ordered so that begin() is the best: higher priority, longer critical
  // path, lower index.
  using key = std::tuple<long long, double, std::uint32_t>; // (-priority, -level, index)
  struct tool_slot {
    int limit = 0; ///< <= 0: unlimited
    int running = 0;
    std::set<key> ready;
    bool available() const { return limit <= 0 || running < limit; }
  };

  key key_of(std::uint32_t i) const;
  void set_state(std::uint32_t i, node_state s);
  void make_ready(std::uint32_t i);
  /// running -> next, its tool's slot freed.
  void leave_running(std::uint32_t i, node_state next);
  /// ready -> pending (a dependency it counted on left the gate).
  void unready(std::uint32_t i);
  /// Every dependency done, or in the gate.
  bool may_start(std::uint32_t i) const { return unsettled_[i] == 0; }
  /// Blocks every pending or ready transitive dependent of `from`.
  void block_from(std::uint32_t from, const std::string& why, std::vector<blocked_node>& out);
  void take(std::uint32_t i); ///< ready -> running
  /// The tool's entry in heads_: its best ready node while it has a free slot.
  std::optional<key> head(std::uint32_t t) const;
  /// Puts heads_ right for tool t after a change; before = head(t) taken
  /// before the change.
  void sync(std::uint32_t t, const std::optional<key>& before);
  std::size_t& count_of(node_state s);

  std::vector<std::string> ids_;
  std::vector<std::vector<std::uint32_t>> dependents_;
  std::vector<std::vector<std::uint32_t>> dependencies_;
  std::vector<std::uint32_t> waiting_;   ///< dependencies not yet done
  std::vector<std::uint32_t> unsettled_; ///< dependencies neither done nor in the gate
  std::vector<bool> in_gate_;
  std::vector<int> priority_;
  std::vector<double> level_;
  std::vector<std::uint32_t> tool_of_;
  std::vector<node_state> state_;
  std::vector<std::string> reason_;
  std::vector<tool_slot> tools_;
  std::map<std::string, std::uint32_t> tool_index_;
  /// The best ready node of each tool that has a free slot: (its key, tool).
  std::set<std::pair<key, std::uint32_t>> heads_;
  queue_counts counts_;
};

} // namespace uet::engine
