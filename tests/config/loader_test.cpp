// config/loader: workstream files load in path order, each named by its
// path relative to the project root.
#include <algorithm>
#include <catch2/catch.hpp>

#include "config/loader.h"
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
