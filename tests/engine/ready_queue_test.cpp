#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <random>

#include "engine/plan.h"
#include "engine/ready_queue.h"

using namespace uet::engine;

namespace {

dag_input node(std::string id, std::vector<std::string> deps, double weight = 1.0) {
  return {std::move(id), std::move(deps), weight};
}

std::vector<std::uint32_t> drain(ready_queue& q) {
  std::vector<std::uint32_t> order;
  while (auto i = q.pop_ready()) {
    order.push_back(*i);
    q.finish_success(*i);
  }
  return order;
}

} // namespace

TEST_CASE("ready queue: priority first, then remaining critical path, then input order") {
  // a, b, c, d are all roots. c has a long tail; d has the highest priority.
  dag g({node("a", {}), node("b", {}), node("c", {}), node("d", {}), node("e", {"c"}, 10),
         node("f", {"b"}, 3)});
  ready_queue_options o;
  o.priority = {0, 0, 0, 5, 0, 0};
  ready_queue q(g, o);
  CHECK(q.critical_path(2) == Approx(11));
  CHECK(q.critical_path(1) == Approx(4));
  CHECK(q.counts().ready == 4);
  CHECK(q.counts().pending == 2);
  CHECK(q.peek() == 3u);
  CHECK(q.pop_ready() == 3u); // d: priority
  CHECK(q.pop_ready() == 2u); // c: longest path (11)
  CHECK(q.pop_ready() == 1u); // b: 4
  CHECK(q.pop_ready() == 0u); // a: 1
  CHECK_FALSE(q.pop_ready());
  CHECK(q.counts().running == 4);
}

TEST_CASE("ready queue: equal keys run in input order, extreme priorities sort correctly") {
  dag g({node("a", {}), node("b", {}), node("c", {}), node("d", {})});
  ready_queue_options o;
  o.priority = {-2147483647 - 1, 0, 0, 2147483647}; // extremes must not overflow
  ready_queue q(g, o);
  CHECK(drain(q) == std::vector<std::uint32_t>{3, 1, 2, 0});
}

TEST_CASE("ready queue: a node becomes ready only when all its dependencies are done") {
  dag g({node("a", {}), node("b", {}), node("c", {"a", "b"})});
  ready_queue q(g, {});
  CHECK(q.state(2) == node_state::pending);
  REQUIRE(q.start(0));
  REQUIRE(q.start(1));
  CHECK(q.finish_success(0).empty());
  CHECK(q.state(2) == node_state::pending);
  CHECK(q.finish_success(1) == std::vector<std::uint32_t>{2});
  CHECK(q.state(2) == node_state::ready);
  CHECK_FALSE(q.all_settled());
  CHECK(q.pop_ready() == 2u);
  q.finish_success(2);
  CHECK(q.all_settled());
  CHECK(q.counts().done == 3);
}

TEST_CASE("ready queue: a tool at max_concurrency is passed over, its nodes stay ready") {
  dag g({node("x1", {}, 9), node("x2", {}, 9), node("x3", {}, 9), node("y", {}), node("z", {})});
  ready_queue_options o;
  o.tool = {"aider", "aider", "aider", "sh", "sh"};
  o.max_concurrency = {{"aider", 2}};
  ready_queue q(g, o);
  CHECK(q.pop_ready() == 0u);
  CHECK(q.pop_ready() == 1u);
  CHECK(q.running_for_tool("aider") == 2);
  CHECK(q.peek() == 3u); // x3 outranks y but aider is full
  CHECK_FALSE(q.start(2));
  CHECK(q.state(2) == node_state::ready);
  CHECK(q.pop_ready() == 3u);
  q.finish_success(0); // a slot frees: x3 is back in front of z
  CHECK(q.running_for_tool("aider") == 1);
  CHECK(q.pop_ready() == 2u);
  CHECK(q.pop_ready() == 4u);
  CHECK_FALSE(q.pop_ready());
  CHECK(q.running_for_tool("sh") == 2);
  CHECK(q.running_for_tool("nope") == 0);
}

TEST_CASE("ready queue: max_concurrency 0 or absent means unlimited") {
  std::vector<dag_input> in;
  for (int i = 0; i < 50; ++i)
    in.push_back(node("n" + std::to_string(i), {}));
  dag g(in);
  ready_queue_options o;
  o.tool.assign(50, "a");
  o.max_concurrency = {{"a", 0}};
  ready_queue q(g, o);
  int n = 0;
  while (q.pop_ready())
    ++n;
  CHECK(n == 50);
}

TEST_CASE("ready queue: a failure blocks every transitive dependent, and nothing else") {
  //   a -> b -> d -> e      c -> f      a -> g (g also needs c)
  dag g({node("a", {}), node("b", {"a"}), node("c", {}), node("d", {"b"}), node("e", {"d", "b"}),
         node("f", {"c"}), node("g", {"a", "c"})});
  ready_queue q(g, {});
  REQUIRE(q.start(0));
  REQUIRE(q.start(2));
  auto blocked = q.finish_failure(0, "exit code 3");
  std::vector<std::uint32_t> nodes;
  for (const auto& b : blocked) {
    nodes.push_back(b.node);
    CHECK(b.reason == "dependency a failed: exit code 3");
    CHECK(q.blocked_reason(b.node) == b.reason);
  }
  std::sort(nodes.begin(), nodes.end());
  CHECK(nodes == std::vector<std::uint32_t>{1, 3, 4, 6}); // e once, though reachable twice
  CHECK(q.state(0) == node_state::failed);
  CHECK(q.blocked_reason(0) == "exit code 3");
  CHECK(q.state(2) == node_state::running);
  CHECK(q.finish_success(2) == std::vector<std::uint32_t>{5}); // f, not g
  CHECK(q.pop_ready() == 5u);
  q.finish_success(5);
  CHECK(q.all_settled());
  auto c = q.counts();
  CHECK(c.done == 2);
  CHECK(c.failed == 1);
  CHECK(c.blocked == 4);
  CHECK(c.pending + c.ready + c.running == 0);
}

TEST_CASE("ready queue: a ready node can fail without running (e.g. its tool is unknown)") {
  dag g({node("a", {}), node("b", {"a"}), node("c", {})});
  ready_queue_options o;
  o.tool = {"t", "t", "t"};
  o.max_concurrency = {{"t", 1}};
  ready_queue q(g, o);
  auto blocked = q.finish_failure(0, "unknown tool");
  REQUIRE(blocked.size() == 1);
  CHECK(blocked[0].node == 1u);
  CHECK(q.pop_ready() == 2u); // a left the tool's queue
  CHECK_FALSE(q.pop_ready());
  CHECK(q.finish_failure(0, "again").empty()); // already failed: no-op
  CHECK(q.finish_failure(1, "x").empty());     // blocked: no-op
  CHECK(q.counts().failed == 1);
}

TEST_CASE("ready queue: release puts a node back for a retry without counting it done") {
  dag g({node("a", {}), node("b", {"a"})});
  ready_queue_options o;
  o.tool = {"t", "t"};
  o.max_concurrency = {{"t", 1}};
  ready_queue q(g, o);
  REQUIRE(q.pop_ready() == 0u);
  CHECK(q.release(0));
  CHECK(q.state(0) == node_state::ready);
  CHECK(q.state(1) == node_state::pending);
  CHECK(q.running_for_tool("t") == 0);
  CHECK(q.counts().ready == 1);
  CHECK(q.counts().done == 0);
  CHECK_FALSE(q.release(0)); // not running
  REQUIRE(q.pop_ready() == 0u);
  CHECK(q.finish_success(0) == std::vector<std::uint32_t>{1});
}

TEST_CASE("ready queue: operations on nodes in the wrong state are refused") {
  dag g({node("a", {}), node("b", {"a"})});
  ready_queue q(g, {});
  CHECK_FALSE(q.start(1));                // pending
  CHECK(q.finish_success(0).empty());     // ready, not running
  CHECK(q.state(0) == node_state::ready); // unchanged
  CHECK_FALSE(q.start(7));
  CHECK(q.finish_success(7).empty());
  CHECK(q.finish_failure(7, "x").empty());
  CHECK_FALSE(q.release(7));
  REQUIRE(q.start(0));
  CHECK_FALSE(q.start(0));
  q.finish_success(0);
  CHECK(q.finish_success(0).empty()); // twice
  CHECK(q.counts().done == 1);
  CHECK(q.state(1) == node_state::ready);
}

TEST_CASE("ready queue: pre-completed nodes count as done from the start (resume)") {
  dag g({node("a", {}), node("b", {"a"}), node("c", {"b"}), node("d", {"a"}), node("e", {})});
  ready_queue_options o;
  o.pre_completed = {0, 1, 1, 99}; // repeats and unknown indices are ignored
  ready_queue q(g, o);
  CHECK(q.counts().done == 2);
  CHECK(q.state(2) == node_state::ready);
  CHECK(q.state(3) == node_state::ready);
  CHECK(q.state(4) == node_state::ready);
  CHECK(drain(q).size() == 3);
  CHECK(q.all_settled());

  ready_queue all(g, {{}, {}, {}, {0, 1, 2, 3, 4}});
  CHECK(all.all_settled());
  CHECK_FALSE(all.peek());
}

TEST_CASE("ready queue: a failure does not reach past a pre-completed node") {
  // c depends on b (already committed) which depended on a: a failing now
  // cannot undo b's commit, so c runs.
  dag g({node("a", {}), node("b", {"a"}), node("c", {"b"})});
  ready_queue_options o;
  o.pre_completed = {1};
  ready_queue q(g, o);
  REQUIRE(q.start(0));
  CHECK(q.finish_failure(0, "boom").empty());
  CHECK(q.state(2) == node_state::ready);
}

TEST_CASE("ready queue: a dependency in the gate lets its dependents start, done once landed") {
  // c needs a and b; d needs c.
  dag g({node("a", {}), node("b", {}), node("c", {"a", "b"}), node("d", {"c"})});
  ready_queue q(g, {});
  REQUIRE(q.start(0));
  REQUIRE(q.start(1));
  CHECK(q.speculate(0).empty()); // b is neither done nor in the gate
  CHECK(q.speculate(0).empty()); // twice is once
  CHECK(q.finish_success(1) == std::vector<std::uint32_t>{2});
  CHECK(q.state(2) == node_state::ready);
  CHECK(q.early(2));
  CHECK(q.in_gate(0));
  REQUIRE(q.start(2));
  CHECK(q.speculate(2) == std::vector<std::uint32_t>{3});
  REQUIRE(q.start(3));
  // a lands, then c: counted once each, and d is no longer early.
  CHECK(q.finish_success(0).empty());
  CHECK_FALSE(q.early(2));
  CHECK(q.early(3));
  CHECK(q.finish_success(2).empty());
  CHECK_FALSE(q.early(3));
  CHECK(q.finish_success(3).empty());
  CHECK(q.all_settled());
  CHECK(q.counts().done == 4);
}

TEST_CASE("ready queue: a patch leaving the gate sends its dependents back to wait") {
  dag g({node("a", {}), node("b", {"a"}), node("c", {"a"}), node("d", {"b"})});
  ready_queue_options o;
  o.tool = {"t", "t", "t", "t"};
  o.max_concurrency = {{"t", 2}};
  ready_queue q(g, o);
  REQUIRE(q.pop_ready() == 0u);
  CHECK(q.speculate(0) == std::vector<std::uint32_t>{1, 2});
  REQUIRE(q.pop_ready() == 1u); // c stays ready: the tool's 2 slots are taken
  CHECK(q.state(2) == node_state::ready);
  // a's patch leaves: c waits again at once, b (running) is to be taken back.
  CHECK(q.unspeculate(0) == std::vector<std::uint32_t>{1});
  CHECK(q.unspeculate(0).empty());
  CHECK(q.state(2) == node_state::pending);
  CHECK_FALSE(q.peek());
  CHECK(q.requeue(1).empty());
  CHECK(q.state(1) == node_state::pending);
  CHECK(q.running_for_tool("t") == 1);
  // a's next patch: both ready again; then a lands.
  CHECK(q.speculate(0) == std::vector<std::uint32_t>{1, 2});
  CHECK(q.finish_success(0).empty());
  CHECK(q.state(1) == node_state::ready);
  CHECK(q.counts().ready == 2);
}

TEST_CASE("ready queue: a dependent taken back after its dependency failed is blocked, with its "
          "own") {
  dag g({node("a", {}), node("b", {"a"}), node("c", {"b"})});
  ready_queue q(g, {});
  REQUIRE(q.pop_ready() == 0u);
  q.speculate(0);
  REQUIRE(q.pop_ready() == 1u);
  CHECK(q.unspeculate(0) == std::vector<std::uint32_t>{1});
  // a fails for good while b's attempt is still being taken back: b stays
  // running for the caller, c is not blocked yet.
  CHECK(q.finish_failure(0, "check failed").empty());
  CHECK(q.state(1) == node_state::running);
  auto blocked = q.requeue(1);
  REQUIRE(blocked.size() == 2);
  CHECK(blocked[0].node == 1u);
  CHECK(blocked[0].reason == "dependency a failed: check failed");
  CHECK(blocked[1].node == 2u);
  CHECK(q.all_settled());
}

TEST_CASE("ready queue: an empty DAG is settled at once") {
  dag g({});
  ready_queue q(g, {});
  CHECK(q.all_settled());
  CHECK_FALSE(q.pop_ready());
}

TEST_CASE("ready queue: picks match a brute-force scan under random operations") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    const int n = 120;
    std::vector<dag_input> in;
    for (int i = 0; i < n; ++i) {
      dag_input d{"n" + std::to_string(i), {}, static_cast<double>(1 + rng() % 20)};
      for (int k = 0; k < 3 && i > 0; ++k)
        if (rng() % 2)
          d.dependencies.push_back("n" + std::to_string(rng() % i));
      in.push_back(d);
    }
    dag g(in);
    ready_queue_options o;
    const char* tools[] = {"a", "b", "c", "d"};
    for (int i = 0; i < n; ++i) {
      o.priority.push_back(static_cast<int>(rng() % 3));
      o.tool.push_back(tools[rng() % 4]);
    }
    o.max_concurrency = {{"a", 1}, {"b", 2}, {"c", 0}};
    ready_queue q(g, o);
    auto level = bottom_levels(g);
    std::vector<std::uint32_t> running;
    std::size_t steps = 0;
    while (!q.all_settled()) {
      REQUIRE(++steps < 10000);
      // The reference: best ready node whose tool is below its limit.
      std::optional<std::uint32_t> expect;
      for (std::uint32_t i = 0; i < static_cast<std::uint32_t>(n); ++i) {
        if (q.state(i) != node_state::ready)
          continue;
        auto lim = o.max_concurrency.count(o.tool[i]) ? o.max_concurrency[o.tool[i]] : 0;
        if (lim > 0 && q.running_for_tool(o.tool[i]) >= lim)
          continue;
        auto better = [&](std::uint32_t x, std::uint32_t y) {
          if (o.priority[x] != o.priority[y])
            return o.priority[x] > o.priority[y];
          if (level[x] != level[y])
            return level[x] > level[y];
          return x < y;
        };
        if (!expect || better(i, *expect))
          expect = i;
      }
      REQUIRE(q.peek() == expect);
      auto action = rng() % 10;
      if (expect && (action < 5 || running.empty())) {
        REQUIRE(q.pop_ready() == expect);
        running.push_back(*expect);
        continue;
      }
      REQUIRE_FALSE(running.empty());
      auto pos = rng() % running.size();
      auto i = running[pos];
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(pos));
      if (action == 9)
        q.finish_failure(i, "x");
      else if (action == 8)
        q.release(i);
      else
        q.finish_success(i);
    }
    auto c = q.counts();
    CHECK(c.done + c.failed + c.blocked == static_cast<std::size_t>(n));
  }
}

TEST_CASE("ready queue: a saturated tool with many ready nodes keeps picks cheap") {
  // 100,000 ready nodes of a tool limited to 1, all outranking 100,000 nodes
  // of an unlimited tool. A queue that skipped the limited ones on every pick
  // would do ~10^10 steps here.
  const int n = 100000;
  std::vector<dag_input> in;
  in.reserve(2 * n);
  ready_queue_options o;
  for (int i = 0; i < 2 * n; ++i) {
    in.push_back(node("n" + std::to_string(i), {}));
    o.priority.push_back(i < n ? 1 : 0);
    o.tool.push_back(i < n ? "slow" : "fast");
  }
  o.max_concurrency = {{"slow", 1}};
  dag g(in);
  auto started = std::chrono::steady_clock::now();
  ready_queue q(g, o);
  CHECK(q.pop_ready() == 0u);
  for (int i = n; i < 2 * n; ++i)
    REQUIRE(q.pop_ready() == static_cast<std::uint32_t>(i));
  CHECK_FALSE(q.pop_ready());
  CHECK(q.counts().ready == static_cast<std::size_t>(n - 1));
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(took < std::chrono::seconds(10));
}

TEST_CASE("ready queue: state names") {
  CHECK(std::string(to_string(node_state::pending)) == "pending");
  CHECK(std::string(to_string(node_state::blocked)) == "blocked");
}
