#include "engine/ready_queue.h"

#include "engine/plan.h"

namespace uet::engine {

const char* to_string(node_state s) {
  switch (s) {
  case node_state::pending:
    return "pending";
  case node_state::ready:
    return "ready";
  case node_state::running:
    return "running";
  case node_state::done:
    return "done";
  case node_state::failed:
    return "failed";
  case node_state::blocked:
    return "blocked";
  }
  return "pending";
}

ready_queue::ready_queue(const dag& g, const ready_queue_options& opts) {
  const auto n = g.size();
  ids_.reserve(n);
  dependents_.reserve(n);
  waiting_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    ids_.push_back(g.id(i));
    dependents_.push_back(g.dependents(i));
    dependencies_.push_back(g.dependencies(i));
    waiting_.push_back(static_cast<std::uint32_t>(g.dependencies(i).size()));
  }
  in_gate_.assign(n, false);
  priority_.assign(n, 0);
  for (std::size_t i = 0; i < n && i < opts.priority.size(); ++i)
    priority_[i] = opts.priority[i];
  level_ = bottom_levels(g);
  tool_of_.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string name = i < opts.tool.size() ? opts.tool[i] : std::string();
    auto [it, fresh] = tool_index_.emplace(name, static_cast<std::uint32_t>(tools_.size()));
    if (fresh) {
      tools_.emplace_back();
      auto limit = opts.max_concurrency.find(name);
      tools_.back().limit = limit == opts.max_concurrency.end() ? 0 : limit->second;
    }
    tool_of_[i] = it->second;
  }
  state_.assign(n, node_state::pending);
  reason_.assign(n, std::string());
  counts_.pending = n;
  for (auto i : opts.pre_completed) {
    if (i >= n || state_[i] == node_state::done)
      continue;
    set_state(i, node_state::done);
    for (auto d : dependents_[i])
      --waiting_[d];
  }
  unsettled_ = waiting_;
  for (std::uint32_t i = 0; i < n; ++i)
    if (state_[i] == node_state::pending && waiting_[i] == 0)
      make_ready(i);
}

ready_queue::key ready_queue::key_of(std::uint32_t i) const {
  return {-static_cast<long long>(priority_[i]), -level_[i], i};
}

std::size_t& ready_queue::count_of(node_state s) {
  switch (s) {
  case node_state::pending:
    return counts_.pending;
  case node_state::ready:
    return counts_.ready;
  case node_state::running:
    return counts_.running;
  case node_state::done:
    return counts_.done;
  case node_state::failed:
    return counts_.failed;
  case node_state::blocked:
    break;
  }
  return counts_.blocked;
}

void ready_queue::set_state(std::uint32_t i, node_state s) {
  --count_of(state_[i]);
  ++count_of(s);
  state_[i] = s;
}

std::optional<ready_queue::key> ready_queue::head(std::uint32_t t) const {
  const auto& slot = tools_[t];
  if (!slot.available() || slot.ready.empty())
    return std::nullopt;
  return *slot.ready.begin();
}

void ready_queue::sync(std::uint32_t t, const std::optional<key>& before) {
  auto after = head(t);
  if (before == after)
    return;
  if (before)
    heads_.erase({*before, t});
  if (after)
    heads_.insert({*after, t});
}

void ready_queue::make_ready(std::uint32_t i) {
  auto t = tool_of_[i];
  auto before = head(t);
  tools_[t].ready.insert(key_of(i));
  set_state(i, node_state::ready);
  sync(t, before);
}

void ready_queue::take(std::uint32_t i) {
  auto t = tool_of_[i];
  auto before = head(t);
  tools_[t].ready.erase(key_of(i));
  ++tools_[t].running;
  set_state(i, node_state::running);
  sync(t, before);
}

std::optional<std::uint32_t> ready_queue::peek() const {
  // heads_ holds only tools with a free slot, so a tool at its limit costs
  // nothing here however many ready nodes it has: no scan, no lazy skipping.
  if (heads_.empty())
    return std::nullopt;
  return std::get<2>(heads_.begin()->first);
}

std::optional<std::uint32_t> ready_queue::pop_ready() {
  auto i = peek();
  if (i)
    take(*i);
  return i;
}

bool ready_queue::start(std::uint32_t i) {
  if (i >= size() || state_[i] != node_state::ready || !tools_[tool_of_[i]].available())
    return false;
  take(i);
  return true;
}

std::vector<std::uint32_t> ready_queue::finish_success(std::uint32_t i) {
  std::vector<std::uint32_t> now_ready;
  if (i >= size() || state_[i] != node_state::running)
    return now_ready;
  leave_running(i, node_state::done);
  bool counted = in_gate_[i]; // its dependents' unsettled_ counted it already
  in_gate_[i] = false;
  for (auto d : dependents_[i]) {
    --waiting_[d];
    if (!counted)
      --unsettled_[d];
    if (state_[d] == node_state::pending && may_start(d)) {
      make_ready(d);
      now_ready.push_back(d);
    }
  }
  return now_ready;
}

void ready_queue::leave_running(std::uint32_t i, node_state next) {
  auto t = tool_of_[i];
  auto before = head(t);
  --tools_[t].running;
  set_state(i, next);
  sync(t, before);
}

void ready_queue::unready(std::uint32_t i) {
  auto t = tool_of_[i];
  auto before = head(t);
  tools_[t].ready.erase(key_of(i));
  set_state(i, node_state::pending);
  sync(t, before);
}

std::vector<std::uint32_t> ready_queue::speculate(std::uint32_t i) {
  std::vector<std::uint32_t> now_ready;
  if (i >= size() || state_[i] != node_state::running || in_gate_[i])
    return now_ready;
  in_gate_[i] = true;
  for (auto d : dependents_[i])
    if (--unsettled_[d] == 0 && state_[d] == node_state::pending && may_start(d)) {
      make_ready(d);
      now_ready.push_back(d);
    }
  return now_ready;
}

std::vector<std::uint32_t> ready_queue::unspeculate(std::uint32_t i) {
  std::vector<std::uint32_t> started;
  if (i >= size() || !in_gate_[i])
    return started;
  in_gate_[i] = false;
  for (auto d : dependents_[i]) {
    ++unsettled_[d]; // i is not done, so d waits on it (waiting_[d] > 0)
    if (state_[d] == node_state::ready)
      unready(d);
    else if (state_[d] == node_state::running)
      started.push_back(d);
  }
  return started;
}

std::vector<blocked_node> ready_queue::requeue(std::uint32_t i) {
  std::vector<blocked_node> blocked;
  if (i >= size() || state_[i] != node_state::running)
    return blocked;
  leave_running(i, node_state::pending);
  for (auto dep : dependencies_[i])
    if (state_[dep] == node_state::failed || state_[dep] == node_state::blocked) {
      auto why = "dependency " + ids_[dep] + " " + to_string(state_[dep]) + ": " + reason_[dep];
      set_state(i, node_state::blocked);
      reason_[i] = why;
      blocked.push_back({i, why});
      block_from(i, why, blocked);
      return blocked;
    }
  if (may_start(i))
    make_ready(i);
  return blocked;
}

std::vector<blocked_node> ready_queue::finish_failure(std::uint32_t i, const std::string& reason) {
  std::vector<blocked_node> blocked;
  if (i >= size())
    return blocked;
  auto s = state_[i];
  if (s != node_state::pending && s != node_state::ready && s != node_state::running)
    return blocked;
  if (s == node_state::running)
    leave_running(i, node_state::failed);
  else if (s == node_state::ready)
    unready(i);
  set_state(i, node_state::failed);
  reason_[i] = reason;
  // Only pending nodes (and, with early starts, ready or running ones) can
  // depend on an unfinished node, and a blocked node's dependents were
  // blocked with it, so each node is visited at most once over the whole
  // run: O(V + E).
  in_gate_[i] = false;
  block_from(i, "dependency " + ids_[i] + " failed: " + reason, blocked);
  return blocked;
}

void ready_queue::block_from(std::uint32_t from, const std::string& why,
                             std::vector<blocked_node>& out) {
  // A running dependent (started early) is left to the caller: once taken
  // back, requeue blocks it and what waits on it.
  std::vector<std::uint32_t> frontier{from};
  for (std::size_t head_pos = 0; head_pos < frontier.size(); ++head_pos)
    for (auto d : dependents_[frontier[head_pos]]) {
      if (state_[d] == node_state::ready)
        unready(d);
      if (state_[d] != node_state::pending)
        continue;
      set_state(d, node_state::blocked);
      reason_[d] = why;
      out.push_back({d, why});
      frontier.push_back(d);
    }
}

bool ready_queue::release(std::uint32_t i) {
  if (i >= size() || state_[i] != node_state::running)
    return false;
  leave_running(i, node_state::pending);
  make_ready(i);
  return true;
}

int ready_queue::running_for_tool(const std::string& tool) const {
  auto it = tool_index_.find(tool);
  return it == tool_index_.end() ? 0 : tools_[it->second].running;
}

bool ready_queue::all_settled() const {
  return counts_.pending + counts_.ready + counts_.running == 0;
}

} // namespace uet::engine
