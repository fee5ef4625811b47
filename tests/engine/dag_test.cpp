#include <catch2/catch.hpp>

#include "engine/dag.h"
#include "engine/plan.h"

using namespace uet::engine;

namespace {

std::vector<std::string> ids(const dag& g, const std::vector<std::uint32_t>& idx) {
  std::vector<std::string> out;
  for (auto i : idx)
    out.push_back(g.id(i));
  return out;
}

} // namespace

TEST_CASE("dag: topological order puts every dependency first") {
  dag g({{"c", {"b"}}, {"b", {"a"}}, {"a", {}}, {"d", {"a", "c"}}});
  auto order = g.topological_order();
  REQUIRE(order.size() == 4);
  std::vector<std::size_t> pos(4);
  for (std::size_t i = 0; i < order.size(); ++i)
    pos[order[i]] = i;
  for (std::size_t v = 0; v < g.size(); ++v)
    for (auto d : g.dependencies(v))
      CHECK(pos[d] < pos[v]);
}

TEST_CASE("dag: unknown, self and repeated dependencies add no edges") {
  dag g({{"a", {"a", "ghost"}}, {"b", {"a", "a"}}});
  CHECK(g.edge_count() == 1);
  CHECK(g.cycles().empty());
}

TEST_CASE("dag: a cycle comes back as a path that closes on itself") {
  dag g({{"a", {"b"}}, {"b", {"c"}}, {"c", {"a"}}, {"d", {"a"}}, {"e", {"f"}}, {"f", {"e"}}});
  auto cycles = g.cycles();
  REQUIRE(cycles.size() == 2);
  std::sort(cycles.begin(), cycles.end());
  CHECK(cycles[0] == std::vector<std::string>{"a", "b", "c", "a"});
  CHECK(cycles[1] == std::vector<std::string>{"e", "f", "e"});
  CHECK(g.topological_order().empty()); // d waits on the a-b-c cycle
}

TEST_CASE("dag: a 100,000-long chain is handled without recursion") {
  std::vector<dag_input> in;
  for (int i = 0; i < 100000; ++i)
    in.push_back({"n" + std::to_string(i), i ? std::vector<std::string>{"n" + std::to_string(i - 1)}
                                             : std::vector<std::string>{}});
  dag g(in);
  CHECK(g.topological_order().size() == 100000);
  CHECK(g.cycles().empty());
  auto p = make_plan(g, 4);
  CHECK(p.waves.size() == 100000);
  CHECK(p.critical_length == Approx(100000));
}

TEST_CASE("plan: waves, critical path and the makespan bound") {
  //   a(3) -> b(1) -> d(1)
  //   a(3) -> c(5) -> d(1)
  //   e(1)
  dag g({{"a", {}, 3}, {"b", {"a"}, 1}, {"c", {"a"}, 5}, {"d", {"b", "c"}, 1}, {"e", {}, 1}});
  auto p = make_plan(g, 2);
  REQUIRE(p.waves.size() == 3);
  CHECK(ids(g, p.waves[0]) == std::vector<std::string>{"a", "e"});
  CHECK(ids(g, p.waves[1]) == std::vector<std::string>{"b", "c"});
  CHECK(ids(g, p.waves[2]) == std::vector<std::string>{"d"});
  CHECK(ids(g, p.critical_path) == std::vector<std::string>{"a", "c", "d"});
  CHECK(p.critical_length == Approx(9));
  CHECK(p.total_work == Approx(11));
  CHECK(p.makespan_lower_bound == Approx(9)); // max(9, 11/2)
  CHECK(make_plan(g, 1).makespan_lower_bound == Approx(11));
}

TEST_CASE("plan: bottom levels rank work by the longest path still ahead") {
  dag g({{"a", {}, 3}, {"b", {"a"}, 1}, {"c", {"a"}, 5}, {"d", {"b", "c"}, 1}, {"e", {}, 1}});
  auto bl = bottom_levels(g);
  CHECK(bl[0] == Approx(9)); // a
  CHECK(bl[1] == Approx(2)); // b
  CHECK(bl[2] == Approx(6)); // c
  CHECK(bl[3] == Approx(1)); // d
  CHECK(bl[4] == Approx(1)); // e
}

TEST_CASE("plan: duration estimates take history, else the median of the known, else 1") {
  std::vector<std::string> ids{"a", "b", "c", "d"};
  auto e = duration_estimates(ids, {{"a", 100.0}, {"b", 300.0}, {"c", 200.0}, {"gone", 9e9}});
  CHECK(e.size() == 4);
  CHECK(e["a"] == 100.0);
  CHECK(e["b"] == 300.0);
  CHECK(e["d"] == 200.0); // unknown: a typical workstream
  auto none = duration_estimates(ids, {{"gone", 5.0}});
  for (const auto& id : ids)
    CHECK(none[id] == 1.0);
  // A 0 ms record (a tool that returns at once) still leaves a positive weight.
  auto zero = duration_estimates({"a", "b"}, {{"a", 0.0}, {"b", 40.0}});
  CHECK(zero["a"] == 40.0);
}
