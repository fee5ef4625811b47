// config/loader: workstream files load in path order, each named by its
// path relative to the project root; run::subgraph of every workstream is
// the graph the load built (run reuses it for phase-all).
#include <algorithm>
#include <catch2/catch.hpp>

#include "config/loader.h"
#include "run/project.h"
#include "tests/support/test_env.h"

using namespace uet;
using namespace uet::config;
using namespace uet::test;

TEST_CASE("loader: workstream files load in path order, named relative to the root") {
  temp_dir dir("uet-loader");
  const std::vector<std::string> names = {"b",   "a",   "a-b", "a_b",         "A",  "a.b",
                                          "ab",  "10",  "9",   "caf\xC3\xA9", "Z9", "a0",
                                          "a~x", "a b", "0",   "00"};
  std::vector<fs::path> paths;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto p = dir / ("workstreams/" + names[i] + ".yaml");
    write_file(p, "workstream_id: ws-" + std::to_string(i) + "\n");
    paths.push_back(p);
  }
  std::sort(paths.begin(), paths.end());
  for (unsigned threads : {1u, 2u, 5u}) {
    auto b = load_project(dir.path(), {}, threads);
    REQUIRE(b.workstreams.size() == names.size());
    for (std::size_t i = 0; i < paths.size(); ++i) {
      INFO(i);
      CHECK(b.workstreams[i].file == "workstreams/" + paths[i].filename().string());
    }
  }
}

TEST_CASE("loader: every workstream selected, subgraph is the graph the load built") {
  temp_dir dir("uet-loader");
  write_file(dir / "tools.yaml", "tools: {}\n");
  const char* const specs[][2] = {{"a", "[]"}, {"b", "[a]"}, {"c", "[a, b, b, zz]"}, {"d", "[c]"}};
  for (const auto& s : specs)
    write_file(dir / (std::string("workstreams/") + s[0] + ".yaml"),
               std::string("workstream_id: ") + s[0] + "\ndependencies: " + s[1] + "\n");
  auto p = run::load_checked_project(dir.path());
  const auto& b = p.bundle;
  std::vector<std::string> all{"d", "b", "a", "c"};
  CHECK(run::selects_all(b, all));
  CHECK(run::selects_all(b, {"a", "b", "c", "d", "not-a-workstream"}));
  CHECK_FALSE(run::selects_all(b, {"a", "b", "c"}));
  CHECK_FALSE(run::selects_all(b, {"a", "b", "c", "c"}));
  auto sub = run::subgraph(b, all);
  REQUIRE(sub.size() == p.graph.size());
  CHECK(sub.edge_count() == p.graph.edge_count());
  for (std::size_t i = 0; i < sub.size(); ++i) {
    CHECK(sub.id(i) == p.graph.id(i));
    CHECK(sub.dependencies(i) == p.graph.dependencies(i));
    CHECK(sub.weight(i) == p.graph.weight(i));
  }
}
