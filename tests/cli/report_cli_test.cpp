// `report --metrics` against a hand computation from the database's own
// rows (issue 16): a real run with a retry.
#include <cmath>
#include <ctime>
#include <map>

#include <catch2/catch.hpp>

#include "tests/support/pipeline_project.h"

using namespace uet::test;

namespace {

double seconds_of(const std::string& iso) { // 2026-12-05T04:33:59.208Z
  std::tm tm{};
  double sec = 0;
  REQUIRE(std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%lfZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                      &tm.tm_hour, &tm.tm_min, &sec) == 6);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return double(::timegm(&tm)) + sec;
}

} // namespace

TEST_CASE("report: --metrics equals a hand computation on a small run") {
  auto flaky = "if [ ! -e \"$SCRATCH/failed\" ]; then touch \"$SCRATCH/failed\"; exit 1; fi; "
               "echo f > f.txt";
  pipeline_project p(sh_tool,
                     {{"flaky", ws(flaky, "f.txt", "[]",
                                   "resilience_policy: {max_retries: 1, backoff: {initial_ms: 5, "
                                   "max_ms: 10}}\nacceptance_criteria: {commands: [\"test -f "
                                   "f.txt\"]}\n")},
                      {"plain", ws("echo p > p.txt", "p.txt")}});
  REQUIRE(p.run({"run", "phase-all", "--parallel", "2"}).exit_code == 0);
  auto db = (p.root() / ".uet" / "state.db").string();
  // The step attempts, as the sqlite3 shell prints them: start|end|state.
  auto rows = must_run({"sqlite3", db,
                        "SELECT started_at || '|' || finished_at || '|' || state || '|' || "
                        "workstream_id FROM step_attempts WHERE finished_at IS NOT NULL"},
                       p.root());
  double busy = 0;
  int steps = 0, failed = 0;
  std::map<std::string, double> busy_of; // per workstream
  std::istringstream lines(rows);
  for (std::string line; std::getline(lines, line);) {
    auto a = line.find('|'), b = line.find('|', a + 1), c = line.find('|', b + 1);
    double s = seconds_of(line.substr(a + 1, b - a - 1)) - seconds_of(line.substr(0, a));
    busy += s;
    busy_of[line.substr(c + 1)] += s;
    ++steps;
    failed += line.substr(b + 1, c - b - 1) == "failed";
  }
  CHECK(steps == 4); // flaky: edit (failed), edit, runtime; plain: edit
  CHECK(failed == 1);
  auto st = p.status();
  double makespan = seconds_of(st["finished_at"]) - seconds_of(st["started_at"]);

  auto out = p.run({"report", "--metrics", "--json"});
  INFO(out.output);
  REQUIRE(out.exit_code == 0);
  auto m = nlohmann::json::parse(out.output);
  CHECK(m["total"] == 2);
  CHECK(m["completion_rate"] == 1.0);
  CHECK(m["step_attempts"] == steps);
  CHECK(m["failed_step_attempts"] == failed);
  CHECK(m["error_rate"].get<double>() == Approx(double(failed) / steps));
  CHECK(m["busy_s"].get<double>() == Approx(busy).margin(0.002));
  CHECK(m["makespan_s"].get<double>() == Approx(makespan).margin(0.002));
  CHECK(m["parallel_efficiency"].get<double>() == Approx(busy / (2 * makespan)).epsilon(0.01));
  // Independent workstreams: the critical path is the busiest one.
  double critical = std::max(busy_of["flaky"], busy_of["plain"]);
  CHECK(m["critical_path_s"].get<double>() == Approx(critical).margin(0.002));
  CHECK(m["makespan_lower_bound_s"].get<double>() ==
        Approx(std::max(critical, busy / 2)).margin(0.002));
  CHECK(m["failures_by_tool"] == nlohmann::json{{"sh", 1}});
  auto prom = p.run({"report", "--metrics", "--prometheus"}).output;
  CHECK(prom.find("uet_run_workstreams{run=\"" + std::string(st["run_id"]) +
                  "\",state=\"committed\"} 2\n") != std::string::npos);
  CHECK(prom.find("# TYPE uet_run_parallel_efficiency gauge\n") != std::string::npos);
  CHECK(prom.find("uet_run_tool_failures{run=\"" + std::string(st["run_id"]) +
                  "\",tool=\"sh\"} 1\n") != std::string::npos);
  CHECK(p.run({"report"}).exit_code == 2);
}
