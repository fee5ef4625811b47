// The bundled demo run again, as a new user would (issue 17): nothing
// changed, nothing starts; one prompt edited, that workstream and what its
// new commit feeds start; --force starts all.
#include <catch2/catch.hpp>

#include "tests/support/pipeline_project.h"

using namespace uet::test;

namespace {

/// The ids of the workstreams the latest run started, in event order.
std::vector<std::string> started(const fs::path& dir) {
  std::vector<std::string> ids;
  std::istringstream lines(run_cli({"events", "--json"}, dir).output);
  for (std::string line; std::getline(lines, line);) {
    auto e = nlohmann::json::parse(line, nullptr, false);
    if (e.is_object() && e.value("event", "") == "workstream_started")
      ids.push_back(e["workstream_id"].get<std::string>());
  }
  return ids;
}

} // namespace

TEST_CASE("demo rerun: the second run starts 0 tools, an edited prompt starts what it changes") {
  temp_dir d("uet-demo");
  copy_demo(d.path());
  auto first = run_cli({"run", "phase-all"}, d.path());
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  CHECK(started(d.path()).size() == 13);

  auto second = run_cli({"run", "phase-all"}, d.path());
  INFO(second.output);
  REQUIRE(second.exit_code == 0);
  CHECK(started(d.path()).empty());
  auto events = run_cli({"events", "--json"}, d.path()).output;
  CHECK(occurrences(events, "\"workstream_unchanged\"") == 13);
  CHECK(second.output.find("0 committed, 13 skipped (13 unchanged)") != std::string::npos);

  auto file = d.path() / "workstreams" / "lib-format.yaml";
  auto text = read_text(file);
  auto at = text.find("around each line of stdin");
  REQUIRE(at != std::string::npos);
  write_file(file, text.replace(at, 25, "around every line it reads"));
  auto third = run_cli({"run", "phase-all"}, d.path());
  INFO(third.output);
  REQUIRE(third.exit_code == 0);
  // greet-banner is built on lib-format's new commit; what it feeds stays.
  CHECK(started(d.path()) == std::vector<std::string>{"lib-format", "greet-banner"});

  REQUIRE(run_cli({"run", "phase-all", "--force"}, d.path()).exit_code == 0);
  CHECK(started(d.path()).size() == 13);
}
